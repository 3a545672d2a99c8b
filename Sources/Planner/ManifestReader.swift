import Foundation
import InputParsing

/// Strict reading of a JSON manifest: every key is either read or reported as unknown,
/// and every error names the file, the line of the key and its dotted path.
struct ManifestObject {
    let file: String
    let path: String
    private let values: [String: Any]
    private let locator: KeyLocator
    private var readKeys: Set<String> = []

    /// Parses JSON text whose top level must be an object.
    init(text: String, file: String) throws(InputError) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [])
        } catch {
            throw InputError(file: file, "not valid JSON: \(ManifestObject.describe(error))")
        }
        guard let object = parsed as? [String: Any] else {
            throw InputError(file: file, "expected a JSON object at the top level")
        }
        self.init(file: file, path: "", values: object, locator: KeyLocator(text: text))
    }

    private init(file: String, path: String, values: [String: Any], locator: KeyLocator) {
        self.file = file
        self.path = path
        self.values = values
        self.locator = locator
    }

    private static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let detail = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return ns.localizedDescription
    }

    private func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// An error located at `key`.
    func error(_ key: String, _ message: String) -> InputError {
        InputError(file: file, line: locator.line(of: key), field: fieldPath(key), message)
    }

    /// Whether `key` is present.
    func has(_ key: String) -> Bool { values[key] != nil }

    private mutating func raw(_ key: String) -> Any? {
        readKeys.insert(key)
        return values[key]
    }

    /// A required nested object.
    mutating func object(_ key: String) throws(InputError) -> ManifestObject {
        guard let value = raw(key) else { throw error(key, "required section is missing") }
        guard let dict = value as? [String: Any] else { throw error(key, "expected an object { ... }") }
        return ManifestObject(file: file, path: fieldPath(key), values: dict, locator: locator)
    }

    /// An optional nested object.
    mutating func optionalObject(_ key: String) throws(InputError) -> ManifestObject? {
        guard has(key) else { readKeys.insert(key); return nil }
        return try object(key)
    }

    /// A required string.
    mutating func string(_ key: String) throws(InputError) -> String {
        guard let value = raw(key) else { throw error(key, "required field is missing") }
        guard let text = value as? String, !text.isEmpty else { throw error(key, "expected a non-empty string") }
        return text
    }

    /// An optional string.
    mutating func optionalString(_ key: String) throws(InputError) -> String? {
        guard has(key) else { readKeys.insert(key); return nil }
        return try string(key)
    }

    /// A boolean with a default.
    mutating func bool(_ key: String, default fallback: Bool) throws(InputError) -> Bool {
        guard let value = raw(key) else { return fallback }
        guard let number = value as? NSNumber, isJSONBoolean(number) else {
            throw error(key, "expected true or false")
        }
        return number.boolValue
    }

    /// A quantity of the given dimension, as a bare number in the canonical unit or a
    /// string with a unit. Range checks are the caller's.
    mutating func quantity(_ key: String, _ dimension: Dimension, default fallback: Double? = nil) throws(InputError) -> Double {
        guard let value = raw(key) else {
            if let fallback { return fallback }
            throw error(key, "required field is missing (a \(dimension.rawValue) in \(dimension.canonicalUnit))")
        }
        if let text = value as? String {
            return try dimension.parse(text, file: file, line: locator.line(of: key), field: fieldPath(key))
        }
        guard let number = value as? NSNumber, !isJSONBoolean(number) else {
            throw error(key, "expected a number or a string with a unit")
        }
        let double = number.doubleValue
        guard double.isFinite else { throw error(key, "expected a finite number") }
        return double
    }

    /// A quantity checked to lie in `range`.
    mutating func quantity(
        _ key: String, _ dimension: Dimension, default fallback: Double? = nil, in range: ClosedRange<Double>
    ) throws(InputError) -> Double {
        let value = try quantity(key, dimension, default: fallback)
        guard range.contains(value) else {
            throw error(key, "expected a value in \(range.lowerBound)...\(range.upperBound) \(dimension.canonicalUnit), found \(value)")
        }
        return value
    }

    /// A whole number checked to lie in `range`.
    mutating func integer(_ key: String, default fallback: Int? = nil, in range: ClosedRange<Int>) throws(InputError) -> Int {
        let value = try quantity(key, .count, default: fallback.map(Double.init))
        guard value == value.rounded(), let whole = Int(exactly: value), range.contains(whole) else {
            throw error(key, "expected a whole number in \(range.lowerBound)...\(range.upperBound), found \(value)")
        }
        return whole
    }

    /// Rejects any key that was not read, suggesting the closest known key.
    func rejectUnknownKeys() throws(InputError) {
        for key in values.keys.sorted() where !readKeys.contains(key) {
            let suggestion = readKeys.min { editDistance($0, key) < editDistance($1, key) }
            var message = "unknown field"
            if let suggestion, editDistance(suggestion, key) <= max(2, key.count / 3) {
                message += "; did you mean \"\(suggestion)\"?"
            } else {
                message += "; known fields here: \(readKeys.sorted().joined(separator: ", "))"
            }
            throw error(key, message)
        }
    }
}

/// Finds the line of a key in the manifest text (the first `"key":` occurrence), so
/// errors can point at it. Keys that repeat in several sections point at the first.
struct KeyLocator {
    private let lines: [Substring]

    init(text: String) { lines = TextFile.lines(text) }

    func line(of key: String) -> Int? {
        let needle = "\"\(key)\""
        for (index, line) in lines.enumerated() where line.contains(needle) {
            return index + 1
        }
        return nil
    }
}

/// JSONSerialization returns JSON booleans as NSNumbers of Objective-C type "c" (char);
/// `is Bool` cannot tell them from the numbers 0 and 1.
private func isJSONBoolean(_ number: NSNumber) -> Bool {
    String(cString: number.objCType) == "c"
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    var current = previous
    for i in 1...x.count {
        current[0] = i
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}

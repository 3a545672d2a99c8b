/// Parsing of numeric fields with errors that say where and what was expected.
public enum FieldParser {
    /// Parses a finite floating-point number.
    public static func double(
        _ text: Substring, file: String, line: Int?, field: String
    ) throws(InputError) -> Double {
        let trimmed = text.trimmingSpaces()
        guard let value = Double(trimmed), value.isFinite else {
            throw InputError(
                file: file, line: line, field: field,
                "expected a number, found \(trimmed.isEmpty ? "nothing" : "\"\(trimmed)\"")")
        }
        return value
    }

    /// Parses a whole number.
    public static func int(
        _ text: Substring, file: String, line: Int?, field: String
    ) throws(InputError) -> Int {
        let trimmed = text.trimmingSpaces()
        if let value = Int(trimmed) { return value }
        // Accept "3.0" written by spreadsheet tools, but not "3.5".
        if let value = Double(trimmed), value.isFinite, value == value.rounded(),
            abs(value) < 1e15
        {
            return Int(value)
        }
        throw InputError(
            file: file, line: line, field: field,
            "expected a whole number, found \(trimmed.isEmpty ? "nothing" : "\"\(trimmed)\"")")
    }

    /// Parses a number and checks it is not negative.
    public static func nonNegative(
        _ text: Substring, file: String, line: Int?, field: String
    ) throws(InputError) -> Double {
        let value = try double(text, file: file, line: line, field: field)
        guard value >= 0 else {
            throw InputError(
                file: file, line: line, field: field, "expected a value >= 0, found \(value)")
        }
        return value
    }

    /// Parses a number and checks it is strictly positive.
    public static func positive(
        _ text: Substring, file: String, line: Int?, field: String
    ) throws(InputError) -> Double {
        let value = try double(text, file: file, line: line, field: field)
        guard value > 0 else {
            throw InputError(
                file: file, line: line, field: field, "expected a value > 0, found \(value)")
        }
        return value
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line ends.
    public func trimmingSpaces() -> Substring {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return Substring(slice)
    }
}

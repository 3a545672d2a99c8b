import Foundation

/// A comma-separated table with a header row, read strictly.
///
/// Lines starting with `#` are comments and blank lines are skipped; fields may be
/// quoted with `"` (a doubled `""` inside stands for one quote). Every row must have as
/// many fields as the header. Values are read by column name through ``Row``, whose
/// accessors throw an ``InputError`` naming the file, line and column.
public struct CSVTable: Sendable {
    /// One data row, remembering where it came from.
    public struct Row: Sendable {
        /// The file the row was read from.
        public let file: String
        /// The 1-based line number of the row in its file.
        public let line: Int
        let header: [String: Int]
        /// The raw field texts, in header order.
        public let fields: [String]

        /// The trimmed text of a column.
        public func string(_ column: String) throws(InputError) -> String {
            guard let index = header[column] else {
                throw InputError(file: file, line: line, field: column, "column is missing from the header")
            }
            return String(fields[index].trimmingSpaces())
        }

        /// The text of a column, or `nil` when the column is absent or the cell is empty.
        public func optionalString(_ column: String) -> String? {
            guard let index = header[column] else { return nil }
            let text = fields[index].trimmingSpaces()
            return text.isEmpty ? nil : String(text)
        }

        /// A finite number.
        public func double(_ column: String) throws(InputError) -> Double {
            try FieldParser.double(Substring(try string(column)), file: file, line: line, field: column)
        }

        /// A number >= 0.
        public func nonNegative(_ column: String) throws(InputError) -> Double {
            try FieldParser.nonNegative(Substring(try string(column)), file: file, line: line, field: column)
        }

        /// A number > 0.
        public func positive(_ column: String) throws(InputError) -> Double {
            try FieldParser.positive(Substring(try string(column)), file: file, line: line, field: column)
        }

        /// A whole number.
        public func int(_ column: String) throws(InputError) -> Int {
            try FieldParser.int(Substring(try string(column)), file: file, line: line, field: column)
        }

        /// An error located at this row and column.
        public func error(_ column: String?, _ message: String) -> InputError {
            InputError(file: file, line: line, field: column, message)
        }
    }

    /// The file name used in error messages.
    public let file: String
    /// Column names, in file order.
    public let columns: [String]
    /// The data rows, in file order.
    public let rows: [Row]

    /// Parses CSV text. `file` names the source in error messages.
    ///
    /// - Parameter required: columns that must appear in the header.
    public init(text: String, file: String, required: [String] = []) throws(InputError) {
        self.file = file
        var header: [String]? = nil
        var headerIndex: [String: Int] = [:]
        var rows: [Row] = []
        for (offset, rawLine) in TextFile.lines(text).enumerated() {
            let lineNumber = offset + 1
            let trimmed = rawLine.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = try CSVTable.split(rawLine, file: file, line: lineNumber)
            guard let columns = header else {
                let names = fields.map { String($0.trimmingSpaces()) }
                for (index, name) in names.enumerated() {
                    guard !name.isEmpty else {
                        throw InputError(file: file, line: lineNumber, field: "column \(index + 1)", "empty column name in header")
                    }
                    if headerIndex[name] != nil {
                        throw InputError(file: file, line: lineNumber, field: name, "column appears twice in the header")
                    }
                    headerIndex[name] = index
                }
                for name in required where headerIndex[name] == nil {
                    throw InputError(
                        file: file, line: lineNumber, field: name,
                        "required column is missing; header has: \(names.joined(separator: ", "))")
                }
                header = names
                continue
            }
            guard fields.count == columns.count else {
                throw InputError(
                    file: file, line: lineNumber,
                    "expected \(columns.count) fields as in the header, found \(fields.count)")
            }
            rows.append(Row(file: file, line: lineNumber, header: headerIndex, fields: fields))
        }
        guard let columns = header else {
            throw InputError(file: file, "expected a header row, found an empty table")
        }
        self.columns = columns
        self.rows = rows
    }

    /// Reads and parses a CSV file.
    public init(path: String, required: [String] = []) throws(InputError) {
        try self.init(text: try TextFile.read(path), file: path, required: required)
    }

    static func split(_ line: Substring, file: String, line lineNumber: Int) throws(InputError) -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let char = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if char == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { inQuotes = false; pending = next }
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(char)
                }
            } else if char == "\"" {
                inQuotes = true
            } else if char == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(char)
            }
        }
        if inQuotes {
            throw InputError(file: file, line: lineNumber, "unterminated quoted field")
        }
        fields.append(current)
        return fields
    }
}

/// Writes a CSV table, quoting fields only where needed.
public enum CSVWriter {
    /// One CSV line (without the line end) from field texts.
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            if field.contains(",") || field.contains("\"") || field.contains("\n") {
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return field
        }.joined(separator: ",")
    }
}

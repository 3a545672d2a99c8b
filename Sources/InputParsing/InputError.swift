/// A problem with an input file, located precisely enough for a person to fix it.
///
/// Every reader in the project reports bad input through this type, so a message
/// always names the file, and where known the line and field, plus what was expected.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (or other source name) that holds the problem.
    public var file: String
    /// The 1-based line number, when the problem sits on a line.
    public var line: Int?
    /// The field, column or key that is wrong, when there is one.
    public var field: String?
    /// What was wrong and what was expected instead.
    public var message: String

    public init(file: String, line: Int? = nil, field: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `file:line: field: message`, the form compilers use, so editors can jump to it.
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let field { return "\(place): \(field): \(message)" }
        return "\(place): \(message)"
    }
}

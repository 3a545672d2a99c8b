import InputParsing

/// One token of the MATLAB subset MATPOWER case files are written in.
struct MatlabToken: Equatable {
    enum Kind: Equatable {
        /// A name such as `mpc`, `bus` or `BR_R`.
        case identifier(String)
        /// A numeric literal, possibly signed (`-360`), or `Inf`/`NaN`.
        case number(Double)
        /// A quoted string (`'2'`).
        case string(String)
        /// One punctuation character: `= ; , ( ) [ ] { } : . * / ^ + - '`.
        case symbol(Character)
        /// A line end inside brackets, which separates matrix rows.
        case rowBreak
        /// Text that looks like a number but is not one (`1.2.3`, `12abc`).
        case malformed(String)
    }

    var kind: Kind
    /// 1-based line number where the token starts.
    var line: Int
    /// The token's source text, for error messages.
    var text: String
}

/// One statement: the tokens up to a top-level `;` or line end.
struct MatlabStatement {
    var tokens: [MatlabToken]
    /// The line where the statement starts.
    var line: Int
    /// Whether the statement was closed by `;` (MATLAB would echo it otherwise).
    var endsWithSemicolon: Bool
}

/// Splits MATLAB source into statements, dropping comments and `...` continuations.
///
/// Only what MATPOWER case files use is understood: `%` line comments, `%{ ... %}` block
/// comments, `...` continuations, bracketed matrices whose line ends separate rows, quoted
/// strings and numeric literals. Anything else is tokenised as symbols and identifiers and
/// left to the case reader to accept or refuse.
enum MatlabTokenizer {
    static func statements(_ text: String, file: String) throws(InputError) -> [MatlabStatement] {
        var statements: [MatlabStatement] = []
        var current: [MatlabToken] = []
        var depth = 0  // nesting of [], {} and ()
        var inBlockComment = false

        func finish(semicolon: Bool) {
            if !current.isEmpty {
                statements.append(
                    MatlabStatement(tokens: current, line: current[0].line, endsWithSemicolon: semicolon))
                current = []
            }
        }

        for (offset, rawLine) in TextFile.lines(text).enumerated() {
            let lineNumber = offset + 1
            let trimmed = rawLine.trimmingSpaces()
            if inBlockComment {
                if trimmed == "%}" { inBlockComment = false }
                continue
            }
            if trimmed == "%{" {
                inBlockComment = true
                continue
            }
            let chars = Array(rawLine)
            var i = 0
            var continued = false
            // Whether the previous character was a separator, for telling `1 -2` (two
            // elements) from `1 - 2` or `a-2` (an expression).
            func previousIsSeparator(_ i: Int) -> Bool {
                guard i > 0 else { return true }
                let p = chars[i - 1]
                return p == " " || p == "\t" || p == "[" || p == "," || p == ";" || p == "(" || p == "="
            }
            while i < chars.count {
                let c = chars[i]
                if c == "%" { break }
                if c == " " || c == "\t" || c == "\r" {
                    i += 1
                    continue
                }
                if c == "." && i + 2 < chars.count && chars[i + 1] == "." && chars[i + 2] == "." {
                    continued = true  // the rest of the line is a comment
                    break
                }
                let startsNumber =
                    c.isASCII && (c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber))
                let signedStart =
                    (c == "-" || c == "+") && previousIsSeparator(i) && i + 1 < chars.count
                    && (chars[i + 1].isASCII && (chars[i + 1].isNumber || chars[i + 1] == "." || chars[i + 1].isLetter))
                if startsNumber || signedStart {
                    let start = i
                    if signedStart { i += 1 }
                    // The whole run up to a separator is the literal.
                    while i < chars.count {
                        let d = chars[i]
                        let isExponentSign =
                            (d == "-" || d == "+") && i > start && (chars[i - 1] == "e" || chars[i - 1] == "E")
                            && chars[start..<(i - 1)].allSatisfy { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
                        if d.isLetter || d.isNumber || d == "." || d == "_" || isExponentSign {
                            i += 1
                        } else {
                            break
                        }
                    }
                    let literal = String(chars[start..<i])
                    current.append(MatlabToken(kind: numberKind(literal), line: lineNumber, text: literal))
                    continue
                }
                if c.isLetter || c == "_" {
                    let start = i
                    while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_") { i += 1 }
                    let name = String(chars[start..<i])
                    let kind: MatlabToken.Kind =
                        switch name {
                        case "Inf", "inf": .number(.infinity)
                        case "NaN", "nan": .number(.nan)
                        default: .identifier(name)
                        }
                    current.append(MatlabToken(kind: kind, line: lineNumber, text: name))
                    continue
                }
                if c == "'" {
                    // A quote after a name or closing bracket is a transpose, not a string.
                    if let last = current.last, last.line == lineNumber,
                        case .identifier = last.kind, i > 0, chars[i - 1] != " "
                    {
                        current.append(MatlabToken(kind: .symbol(c), line: lineNumber, text: "'"))
                        i += 1
                        continue
                    }
                    var j = i + 1
                    var value = ""
                    while j < chars.count {
                        if chars[j] == "'" {
                            if j + 1 < chars.count && chars[j + 1] == "'" {
                                value.append("'")
                                j += 2
                                continue
                            }
                            break
                        }
                        value.append(chars[j])
                        j += 1
                    }
                    guard j < chars.count else {
                        throw InputError(file: file, line: lineNumber, "unterminated quoted string")
                    }
                    current.append(MatlabToken(kind: .string(value), line: lineNumber, text: "'\(value)'"))
                    i = j + 1
                    continue
                }
                switch c {
                case "[", "{", "(":
                    depth += 1
                case "]", "}", ")":
                    depth = max(0, depth - 1)
                default:
                    break
                }
                if c == ";" && depth == 0 {
                    finish(semicolon: true)
                    i += 1
                    continue
                }
                if c == "," && depth == 0 {
                    finish(semicolon: false)
                    i += 1
                    continue
                }
                current.append(MatlabToken(kind: .symbol(c), line: lineNumber, text: String(c)))
                i += 1
            }
            if continued { continue }
            if depth > 0 {
                if let last = current.last, last.kind != .rowBreak {
                    current.append(MatlabToken(kind: .rowBreak, line: lineNumber, text: "line end"))
                }
            } else {
                finish(semicolon: false)
            }
        }
        if depth > 0 {
            let line = current.first?.line
            throw InputError(file: file, line: line, "unclosed bracket: the statement never ends")
        }
        finish(semicolon: false)
        return statements
    }

    /// Reads a numeric literal, or marks it malformed.
    static func numberKind(_ literal: String) -> MatlabToken.Kind {
        var body = Substring(literal)
        var sign = 1.0
        if body.first == "-" {
            sign = -1
            body = body.dropFirst()
        } else if body.first == "+" {
            body = body.dropFirst()
        }
        switch body {
        case "Inf", "inf": return .number(sign * .infinity)
        case "NaN", "nan": return .number(.nan)
        default: break
        }
        // Swift's parser accepts forms MATLAB does not ("0x1p3", "infinity"): insist on
        // decimal digits, one point and an optional exponent.
        let allowed = body.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-") }
        if allowed, let value = Double(body) {
            return .number(sign * value)
        }
        return .malformed(literal)
    }
}

import Foundation

/// Reading whole text files with errors that name the file.
public enum TextFile {
    /// Reads a UTF-8 text file, reporting a missing or unreadable file as an ``InputError``.
    public static func read(_ path: String) throws(InputError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(file: path, "file not found")
        }
        guard !isDirectory.boolValue else {
            throw InputError(file: path, "expected a file, found a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, "file could not be read (permissions?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: path, "expected UTF-8 text")
        }
        return text
    }

    /// Splits text into lines, accepting `\n`, `\r\n` and `\r` line ends.
    /// Element `i` is line `i + 1` of the file.
    public static func lines(_ text: String) -> [Substring] {
        // Treat "\r\n" as one grapheme; Swift's Character already does, and "\r" alone too.
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline })
    }
}

/// Writes files so that an interrupted run never leaves a half-written file behind.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `path`, then renames it over `path`.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}

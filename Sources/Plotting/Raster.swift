import CPngWriter
import Foundation

/// A rendered figure: 8-bit RGBA pixels with straight alpha, row-major, top row first.
public struct Raster: Sendable, Hashable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height * 4` bytes: red, green, blue, alpha per pixel.
    public let rgba: [UInt8]

    /// A raster from its pixels; `rgba.count` must be `width * height * 4`.
    public init(width: Int, height: Int, rgba: [UInt8]) throws(PlotError) {
        guard width > 0, height > 0, rgba.count == width * height * 4 else {
            throw PlotError.invalidData("a \(width)×\(height) raster needs \(max(width * height * 4, 0)) bytes, got \(rgba.count)")
        }
        self.width = width
        self.height = height
        self.rgba = rgba
    }

    /// The colour of one pixel (x from the left, y from the top).
    public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8) {
        let i = (y * width + x) * 4
        return (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3])
    }

    /// Writes the raster as a PNG (8-bit RGBA) with one `tEXt` chunk per metadata entry,
    /// in the given order. The file appears complete or not at all: it is written
    /// beside the target and renamed into place.
    ///
    /// Keys must be 1-79 printable Latin-1 characters without leading, trailing or
    /// double spaces (PNG rule), and unique; at most 32 entries. Value characters
    /// outside Latin-1 are written as `\u{…}` escapes, since `tEXt` is Latin-1 only.
    public func writePNG(to path: String, metadata: [PNGTextEntry] = []) throws(PlotError) {
        guard metadata.count <= 32 else {
            throw PlotError.invalidMetadata("at most 32 text entries fit, got \(metadata.count)")
        }
        var seen = Set<String>()
        for entry in metadata {
            try PNGTextEntry.validateKey(entry.key)
            guard seen.insert(entry.key).inserted else {
                throw PlotError.invalidMetadata("key \"\(entry.key)\" appears twice")
            }
        }
        let keys = metadata.map { PNGTextEntry.latin1($0.key) }
        let values = metadata.map { PNGTextEntry.latin1($0.value) }
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        guard !name.isEmpty else { throw PlotError.writeFailed(path: path, reason: "the path names no file") }
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).\(getpid()).partial"

        var message = [CChar](repeating: 0, count: 256)
        let status = withCStringArray(keys) { keyPointers in
            withCStringArray(values) { valuePointers in
                rgba.withUnsafeBufferPointer { pixels in
                    cpng_write_rgba(
                        temporary, pixels.baseAddress, Int32(width), Int32(height), width * 4,
                        keyPointers, valuePointers, Int32(metadata.count), &message, message.count)
                }
            }
        }
        guard status == 0 else {
            unlink(temporary)
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PlotError.writeFailed(path: path, reason: reason.isEmpty ? "libpng error \(status)" : reason)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw PlotError.writeFailed(path: path, reason: reason)
        }
    }
}

/// One `tEXt` metadata entry of a PNG file, e.g. ("Run", "2024-06-01-a"), ("Seed", "7").
public struct PNGTextEntry: Sendable, Hashable {
    /// The keyword: 1-79 printable Latin-1 characters.
    public var key: String
    /// The text.
    public var value: String

    /// An entry from a key and its text.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    static func validateKey(_ key: String) throws(PlotError) {
        let scalars = Array(key.unicodeScalars)
        guard (1...79).contains(scalars.count) else {
            throw PlotError.invalidMetadata("key \"\(key)\" must have 1-79 characters")
        }
        for s in scalars where !((32...126).contains(s.value) || (161...255).contains(s.value)) {
            throw PlotError.invalidMetadata("key \"\(key)\" holds a character outside printable Latin-1 (U+\(String(s.value, radix: 16, uppercase: true)))")
        }
        guard key.first != " ", key.last != " ", !key.contains("  ") else {
            throw PlotError.invalidMetadata("key \"\(key)\" has leading, trailing or double spaces")
        }
    }

    /// Latin-1 bytes plus a terminating zero; other characters become `\u{…}` escapes.
    /// NUL is not allowed in `tEXt` text, so it is escaped too.
    static func latin1(_ text: String) -> [CChar] {
        var bytes: [CChar] = []
        for s in text.unicodeScalars {
            if s.value != 0, s.value <= 255 {
                bytes.append(CChar(bitPattern: UInt8(s.value)))
            } else {
                for b in "\\u{\(String(s.value, radix: 16, uppercase: true))}".utf8 { bytes.append(CChar(bitPattern: b)) }
            }
        }
        bytes.append(0)
        return bytes
    }
}

/// Why a figure could not be drawn or written.
public enum PlotError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input data is inconsistent (lengths, indices), with the reason.
    case invalidData(String)
    /// The figure size or resolution is out of range.
    case invalidSize(String)
    /// A metadata key or the entry list breaks the PNG rules.
    case invalidMetadata(String)
    /// Cairo could not create the drawing surface.
    case renderFailed(String)
    /// The PNG file could not be written.
    case writeFailed(path: String, reason: String)

    /// A one-line explanation for the user.
    public var description: String {
        switch self {
        case .invalidData(let reason): return "plot data: \(reason)"
        case .invalidSize(let reason): return "figure size: \(reason)"
        case .invalidMetadata(let reason): return "PNG metadata: \(reason)"
        case .renderFailed(let reason): return "rendering: \(reason)"
        case .writeFailed(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Calls `body` with an array of C string pointers to `strings` (each NUL-terminated).
private func withCStringArray<R>(_ strings: [[CChar]], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(strings.count)
    func recurse(_ index: Int) -> R {
        if index == strings.count {
            return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
        }
        return strings[index].withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress)
            return recurse(index + 1)
        }
    }
    return recurse(0)
}

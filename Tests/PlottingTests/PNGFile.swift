import CPNG
import Foundation

/// A PNG file read back for checks: the chunk structure parsed in Swift (signature,
/// IHDR, tEXt, CRCs) and the pixels decoded by libpng's simplified API, which catches
/// libpng's errors itself and returns a status (no longjmp reaches Swift).
struct PNGFile {
    var width: Int
    var height: Int
    var bitDepth: Int
    var colorType: Int
    var chunkTypes: [String]
    /// tEXt entries in file order, decoded as Latin-1.
    var text: [(key: String, value: String)]
    /// RGBA pixels, 8 bits per channel, top row first.
    var rgba: [UInt8]

    enum ReadError: Error, CustomStringConvertible {
        case malformed(String)
        var description: String {
            switch self {
            case .malformed(let reason): return "malformed PNG: \(reason)"
            }
        }
    }

    init(path: String) throws {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        try self.init(bytes: data, path: path)
    }

    init(bytes: [UInt8], path: String) throws {
        let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
        guard bytes.count > 8, Array(bytes[0..<8]) == signature else { throw ReadError.malformed("bad signature") }
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
        }
        var offset = 8
        var types: [String] = []
        var text: [(String, String)] = []
        var header: (Int, Int, Int, Int)? = nil
        while offset + 12 <= bytes.count {
            let length = Int(u32(offset))
            guard offset + 12 + length <= bytes.count else { throw ReadError.malformed("chunk runs past the end") }
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let crc = u32(offset + 8 + length)
            guard PNGFile.crc32(Array(bytes[(offset + 4)..<(offset + 8 + length)])) == crc else {
                throw ReadError.malformed("CRC mismatch in \(type)")
            }
            types.append(type)
            if type == "IHDR" {
                let w = Int(UInt32(body[0]) << 24 | UInt32(body[1]) << 16 | UInt32(body[2]) << 8 | UInt32(body[3]))
                let h = Int(UInt32(body[4]) << 24 | UInt32(body[5]) << 16 | UInt32(body[6]) << 8 | UInt32(body[7]))
                header = (w, h, Int(body[8]), Int(body[9]))
            } else if type == "tEXt" {
                guard let zero = body.firstIndex(of: 0) else { throw ReadError.malformed("tEXt without separator") }
                let latin1 = { (b: ArraySlice<UInt8>) in String(b.map { Character(Unicode.Scalar($0)) }) }
                text.append((latin1(body[..<zero]), latin1(body[(zero + 1)...])))
            }
            offset += 12 + length
            if type == "IEND" { break }
        }
        guard let (w, h, depth, colorType) = header, types.first == "IHDR", types.last == "IEND" else {
            throw ReadError.malformed("missing IHDR or IEND")
        }
        width = w
        height = h
        bitDepth = depth
        self.colorType = colorType
        chunkTypes = types
        self.text = text

        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            throw ReadError.malformed("libpng: " + PNGFile.message(&image))
        }
        image.format = 3  // PNG_FORMAT_RGBA: colour with alpha, 8 bits
        var pixels = [UInt8](repeating: 0, count: w * h * 4)
        let ok = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(w * 4), nil) }
        guard ok != 0 else { throw ReadError.malformed("libpng: " + PNGFile.message(&image)) }
        rgba = pixels
    }

    func value(_ key: String) -> String? { text.first { $0.key == key }?.value }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}

/// A scratch folder per test, removed afterwards.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = NSTemporaryDirectory() + "plotting-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

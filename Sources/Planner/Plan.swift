import InputParsing

/// A station plan: one bit per candidate site, in the case's candidate order.
public struct Plan: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `bits[i]` says whether candidate site `i` gets a station.
    public var bits: [Bool]

    public init(bits: [Bool]) { self.bits = bits }

    /// The plan whose bit `i` is bit `i` of `mask` (site 1 = least significant bit).
    public init(mask: UInt64, siteCount: Int) {
        bits = (0..<siteCount).map { mask & (1 << UInt64($0)) != 0 }
    }

    /// Parses a bit string such as `"01100..."` (site 1 first).
    public init(bitString: String, siteCount: Int) throws(InputError) {
        guard bitString.count == siteCount else {
            throw InputError(file: "--plan", "expected \(siteCount) bits (one per candidate site), found \(bitString.count)")
        }
        var bits: [Bool] = []
        for character in bitString {
            switch character {
            case "0": bits.append(false)
            case "1": bits.append(true)
            default: throw InputError(file: "--plan", "expected only 0 and 1, found \"\(character)\"")
            }
        }
        self.bits = bits
    }

    /// The bit string, site 1 first.
    public var description: String { String(bits.map { $0 ? "1" : "0" }) }

    /// Indices of the sites with a station.
    public var stationIndices: [Int] { bits.indices.filter { bits[$0] } }

    /// The bits as a mask (site 1 = least significant bit).
    public var mask: UInt64 {
        var value: UInt64 = 0
        for (index, bit) in bits.enumerated() where bit { value |= 1 << UInt64(index) }
        return value
    }
}

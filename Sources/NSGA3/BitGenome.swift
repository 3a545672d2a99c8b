/// A fixed-length bit string, packed 64 bits to a word.
///
/// Equal bit strings are equal values with equal hashes (the unused high bits of the last
/// word are always zero), so a genome is a cache key. It encodes as a string of `0` and `1`.
public struct BitGenome: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The number of bits.
    public let count: Int
    /// The bits, bit `i` at `words[i / 64] >> (i % 64)`.
    public private(set) var words: [UInt64]

    /// A genome of `count` zero bits.
    public init(count: Int) {
        precondition(count >= 0, "a genome cannot have a negative length")
        self.count = count
        self.words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    /// A genome holding the given bits in order.
    public init(_ bits: some Collection<Bool>) {
        self.init(count: bits.count)
        for (index, bit) in bits.enumerated() where bit { self[index] = true }
    }

    /// A genome from a string of `0` and `1` characters; `nil` for any other character.
    public init?(_ text: some StringProtocol) {
        var bits: [Bool] = []
        bits.reserveCapacity(text.utf8.count)
        for character in text.utf8 {
            switch character {
            case UInt8(ascii: "0"): bits.append(false)
            case UInt8(ascii: "1"): bits.append(true)
            default: return nil
            }
        }
        self.init(bits)
    }

    /// Bit `index`.
    public subscript(index: Int) -> Bool {
        get {
            precondition(index >= 0 && index < count, "bit index out of range")
            return words[index >> 6] >> UInt64(index & 63) & 1 == 1
        }
        set {
            precondition(index >= 0 && index < count, "bit index out of range")
            let mask: UInt64 = 1 << UInt64(index & 63)
            if newValue { words[index >> 6] |= mask } else { words[index >> 6] &= ~mask }
        }
    }

    /// Inverts bit `index`.
    public mutating func flip(_ index: Int) {
        precondition(index >= 0 && index < count, "bit index out of range")
        words[index >> 6] ^= 1 << UInt64(index & 63)
    }

    /// The number of set bits.
    public var onesCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The indices of the set bits, ascending.
    public var indicesOfOnes: [Int] {
        var result: [Int] = []
        for (wordIndex, word) in words.enumerated() {
            var rest = word
            while rest != 0 {
                result.append(wordIndex * 64 + rest.trailingZeroBitCount)
                rest &= rest - 1
            }
        }
        return result
    }

    /// The bits as `0` and `1` characters, bit 0 first.
    public var description: String {
        String((0..<count).map { self[$0] ? "1" : "0" })
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let genome = BitGenome(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected a string of 0 and 1"))
        }
        self = genome
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

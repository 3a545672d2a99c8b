/// An origin-destination demand matrix between the zones of a network (veh/h).
///
/// Zones are numbered `0..<zoneCount` like the network's zone nodes. Intrazonal entries
/// (origin == destination) are kept, as TNTP files carry them, but every assignment ignores them.
public struct Demand: Sendable, Equatable {
    /// An origin-destination pair with positive demand.
    public struct Pair: Sendable, Equatable, Hashable {
        /// Origin zone.
        public var origin: Int
        /// Destination zone.
        public var destination: Int
        /// Demand (veh/h).
        public var volume: Double

        /// A pair with its demand.
        public init(origin: Int, destination: Int, volume: Double) {
            self.origin = origin
            self.destination = destination
            self.volume = volume
        }
    }

    /// Number of zones.
    public let zoneCount: Int
    /// Row-major matrix: `values[origin * zoneCount + destination]`.
    public private(set) var values: [Double]

    /// An all-zero matrix.
    public init(zoneCount: Int) {
        precondition(zoneCount >= 0, "zone count must be >= 0")
        self.zoneCount = zoneCount
        values = [Double](repeating: 0, count: zoneCount * zoneCount)
    }

    /// A matrix from a row-major array of `zoneCount * zoneCount` non-negative entries.
    public init(zoneCount: Int, values: [Double]) {
        precondition(values.count == zoneCount * zoneCount, "expected \(zoneCount * zoneCount) entries")
        precondition(values.allSatisfy { $0 >= 0 && $0.isFinite }, "demand must be finite and >= 0")
        self.zoneCount = zoneCount
        self.values = values
    }

    /// Demand from `origin` to `destination`.
    public subscript(origin: Int, destination: Int) -> Double {
        get { values[origin * zoneCount + destination] }
        set {
            precondition(newValue >= 0 && newValue.isFinite, "demand must be finite and >= 0")
            values[origin * zoneCount + destination] = newValue
        }
    }

    /// Sum of all entries, intrazonal included (what TNTP calls TOTAL OD FLOW).
    public var total: Double { values.reduce(0, +) }

    /// Sum of the entries between different zones: the demand an assignment routes.
    public var interzonalTotal: Double { pairs.reduce(0) { $0 + $1.volume } }

    /// Pairs with positive demand between different zones, by origin then destination.
    public var pairs: [Pair] {
        var result: [Pair] = []
        for origin in 0..<zoneCount {
            for destination in 0..<zoneCount where origin != destination {
                let volume = values[origin * zoneCount + destination]
                if volume > 0 { result.append(Pair(origin: origin, destination: destination, volume: volume)) }
            }
        }
        return result
    }

    /// Every entry multiplied by `factor` (>= 0).
    public func scaled(by factor: Double) -> Demand {
        precondition(factor >= 0 && factor.isFinite, "scale must be finite and >= 0")
        return Demand(zoneCount: zoneCount, values: values.map { $0 * factor })
    }
}

/// Constant-power loads by bus index, kW and kVAr (negative values are net injections).
public struct BusLoads: Sendable, Equatable {
    /// Active power by bus index, kW.
    public var pKW: [Double]
    /// Reactive power by bus index, kVAr.
    public var qKVAr: [Double]

    /// Loads from two arrays of equal length.
    public init(pKW: [Double], qKVAr: [Double]) {
        precondition(pKW.count == qKVAr.count, "P and Q arrays must have one entry per bus")
        self.pKW = pKW
        self.qKVAr = qKVAr
    }

    /// No load on any of `count` buses.
    public init(count: Int) {
        self.init(pKW: Array(repeating: 0, count: count), qKVAr: Array(repeating: 0, count: count))
    }

    /// The number of buses.
    public var count: Int { pKW.count }

    /// Adds a load to a bus.
    public mutating func add(pKW p: Double, qKVAr q: Double, toBus bus: Int) {
        pKW[bus] += p
        qKVAr[bus] += q
    }

    /// Adds a station's load.
    public mutating func add(_ station: StationLoad) {
        add(pKW: station.pKW, qKVAr: station.qKVAr, toBus: station.bus)
    }

    /// Every load multiplied by `factor`.
    public func scaled(by factor: Double) -> BusLoads {
        BusLoads(pKW: pKW.map { $0 * factor }, qKVAr: qKVAr.map { $0 * factor })
    }

    /// Total active load, kW.
    public var totalPKW: Double { pKW.reduce(0, +) }
    /// Total reactive load, kVAr.
    public var totalQKVAr: Double { qKVAr.reduce(0, +) }
}

/// The load a charging station puts on its grid bus.
///
/// Peak demand = spots × kW per spot × simultaneity factor, drawn at a lagging power
/// factor (Q = P · tan(acos pf)).
public struct StationLoad: Sendable, Equatable {
    /// The bus index the station connects to.
    public var bus: Int
    /// Active power, kW.
    public var pKW: Double
    /// Reactive power, kVAr.
    public var qKVAr: Double

    /// A station load of `pKW` at a lagging power factor `powerFactor` in (0, 1].
    public init(bus: Int, pKW: Double, powerFactor: Double) {
        precondition(powerFactor > 0 && powerFactor <= 1, "power factor must be in (0, 1]")
        precondition(pKW.isFinite && pKW >= 0, "station load must be finite and >= 0 kW")
        self.bus = bus
        self.pKW = pKW
        // tan(acos pf) = sqrt(1 - pf²) / pf
        self.qKVAr = pKW * (1 - powerFactor * powerFactor).squareRoot() / powerFactor
    }

    /// The peak load of a station with `spots` charging spots of `kWPerSpot` each, of
    /// which the share `simultaneity` (0...1) charge at once.
    public init(bus: Int, spots: Int, kWPerSpot: Double, simultaneity: Double, powerFactor: Double) {
        precondition(spots >= 0, "spots must be >= 0")
        precondition(simultaneity >= 0 && simultaneity <= 1, "simultaneity must be in [0, 1]")
        self.init(bus: bus, pKW: Double(spots) * kWPerSpot * simultaneity, powerFactor: powerFactor)
    }
}

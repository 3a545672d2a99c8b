/// A radial distribution feeder in engineering units: loads in kW/kVAr, impedances in
/// ohms, ratings in kVA, voltages in per unit of one base voltage.
///
/// Buses and branches are addressed by their index in ``buses`` and ``branches``; the
/// bus ``Bus/number`` is the name a person uses (MATPOWER's `BUS_I`). Branches are either
/// normally closed or normally open (tie switches). The normally-closed branches must form
/// a tree spanning every bus from the substation; other switch states are evaluated with
/// ``radialTree(closed:root:spanning:)``.
public struct Feeder: Sendable, Equatable {
    /// One bus (node) of the feeder.
    public struct Bus: Sendable, Equatable {
        /// The bus number people use (MATPOWER `BUS_I`).
        public var number: Int
        /// Constant-power active load, kW (negative for net generation).
        public var pKW: Double
        /// Constant-power reactive load, kVAr.
        public var qKVAr: Double

        /// A bus with its number and constant-power load.
        public init(number: Int, pKW: Double, qKVAr: Double) {
            self.number = number
            self.pKW = pKW
            self.qKVAr = qKVAr
        }
    }

    /// One branch (line section or switch) between two buses.
    public struct Branch: Sendable, Equatable {
        /// Index of one end bus.
        public var from: Int
        /// Index of the other end bus.
        public var to: Int
        /// Series resistance of one circuit, ohm.
        public var rOhm: Double
        /// Series reactance of one circuit, ohm.
        public var xOhm: Double
        /// Thermal rating of one circuit in kVA, or `nil` when none is given.
        public var ratingKVA: Double?
        /// `true` for a normally-closed branch, `false` for a normally-open tie switch.
        public var isNormallyClosed: Bool
        /// Route length in km, when known (needed only for per-km line costs).
        public var lengthKM: Double?

        /// A branch between two bus indices; ratings and lengths are optional.
        public init(
            from: Int, to: Int, rOhm: Double, xOhm: Double, ratingKVA: Double? = nil,
            isNormallyClosed: Bool = true, lengthKM: Double? = nil
        ) {
            self.from = from
            self.to = to
            self.rOhm = rOhm
            self.xOhm = xOhm
            self.ratingKVA = ratingKVA
            self.isNormallyClosed = isNormallyClosed
            self.lengthKM = lengthKM
        }

        /// Whether this is a normally-open tie switch.
        public var isTie: Bool { !isNormallyClosed }
    }

    /// A name for messages and output.
    public var name: String
    /// Nominal line-to-line voltage, kV: the voltage base.
    public var baseKV: Double
    /// The power base in MVA used by the per-unit solvers (results do not depend on it).
    public var baseMVA: Double
    /// The buses.
    public private(set) var buses: [Bus]
    /// The branches, ties included.
    public private(set) var branches: [Branch]
    /// Index of the substation (source) bus.
    public let substation: Int
    /// The source voltage the case gives, per unit.
    public var sourceVoltage: Double

    private var indexByNumber: [Int: Int]

    /// A feeder from its parts, checked: bus numbers unique, branch ends valid and distinct,
    /// impedances and ratings non-negative and finite, and the normally-closed branches a
    /// tree spanning every bus from the substation.
    public init(
        name: String, baseKV: Double, baseMVA: Double = 1, buses: [Bus], branches: [Branch],
        substation: Int, sourceVoltage: Double = 1
    ) throws(FeederError) {
        self.name = name
        self.baseKV = baseKV
        self.baseMVA = baseMVA
        self.buses = buses
        self.branches = branches
        self.substation = substation
        self.sourceVoltage = sourceVoltage
        self.indexByNumber = [:]
        guard baseKV.isFinite, baseKV > 0 else { throw .invalidFeeder("base voltage must be > 0 kV, found \(baseKV)") }
        guard baseMVA.isFinite, baseMVA > 0 else { throw .invalidFeeder("power base must be > 0 MVA, found \(baseMVA)") }
        guard sourceVoltage.isFinite, sourceVoltage > 0 else {
            throw .invalidFeeder("source voltage must be > 0 pu, found \(sourceVoltage)")
        }
        guard buses.indices.contains(substation) else {
            throw .invalidFeeder("substation index \(substation) is not a bus index (0..<\(buses.count))")
        }
        for (index, bus) in buses.enumerated() {
            if let first = indexByNumber[bus.number] {
                throw .invalidBus(bus: bus.number, "appears twice (indices \(first) and \(index))")
            }
            guard bus.pKW.isFinite, bus.qKVAr.isFinite else {
                throw .invalidBus(bus: bus.number, "load must be finite, found \(bus.pKW) kW, \(bus.qKVAr) kVAr")
            }
            indexByNumber[bus.number] = index
        }
        for (index, branch) in branches.enumerated() {
            guard buses.indices.contains(branch.from), buses.indices.contains(branch.to) else {
                throw .invalidBranch(branch: index, "end bus index out of range (0..<\(buses.count))")
            }
            guard branch.from != branch.to else {
                throw .invalidBranch(branch: index, "starts and ends at bus \(buses[branch.from].number)")
            }
            guard branch.rOhm.isFinite, branch.xOhm.isFinite, branch.rOhm >= 0, branch.xOhm >= 0 else {
                throw .invalidBranch(branch: index, "r and x must be finite and >= 0, found r = \(branch.rOhm), x = \(branch.xOhm) ohm")
            }
            if let rating = branch.ratingKVA {
                guard rating.isFinite, rating > 0 else {
                    throw .invalidBranch(branch: index, "rating must be > 0 kVA (or absent), found \(rating)")
                }
            }
            if let length = branch.lengthKM {
                guard length.isFinite, length >= 0 else {
                    throw .invalidBranch(branch: index, "length must be >= 0 km, found \(length)")
                }
            }
        }
        _ = try radialTree(closed: normalSwitchState)
    }

    /// The bus index with this bus number, if any.
    public func index(ofBus number: Int) -> Int? { indexByNumber[number] }

    /// Whether each branch is closed in the normal state (ties open).
    public var normalSwitchState: [Bool] { branches.map(\.isNormallyClosed) }

    /// Indices of the normally-open tie branches.
    public var ties: [Int] { branches.indices.filter { branches[$0].isTie } }

    /// The impedance base in ohm: baseKV² / baseMVA.
    public var impedanceBaseOhm: Double { baseKV * baseKV / baseMVA }

    /// The loads of the case, by bus index.
    public var baseLoads: BusLoads {
        BusLoads(pKW: buses.map(\.pKW), qKVAr: buses.map(\.qKVAr))
    }

    /// A readable label for a branch: "branch 33 (21-8)", numbered from 1.
    public func label(ofBranch index: Int) -> String {
        let branch = branches[index]
        return "branch \(index + 1) (\(buses[branch.from].number)-\(buses[branch.to].number))"
    }

    /// Adjacency over every branch, ties included, for graph algorithms on switch states.
    public var adjacency: FeederAdjacency { FeederAdjacency(self) }

    /// Replaces one branch's parameters, keeping its ends, and rechecks nothing else:
    /// use it for what-if studies (reconductoring, ratings).
    public mutating func setBranchParameters(
        _ index: Int, rOhm: Double, xOhm: Double, ratingKVA: Double?
    ) throws(FeederError) {
        guard rOhm.isFinite, xOhm.isFinite, rOhm >= 0, xOhm >= 0 else {
            throw .invalidBranch(branch: index, "r and x must be finite and >= 0, found r = \(rOhm), x = \(xOhm) ohm")
        }
        if let rating = ratingKVA, !(rating.isFinite && rating > 0) {
            throw .invalidBranch(branch: index, "rating must be > 0 kVA (or absent), found \(rating)")
        }
        branches[index].rOhm = rOhm
        branches[index].xOhm = xOhm
        branches[index].ratingKVA = ratingKVA
    }

    /// Replaces the loads (by bus index).
    public mutating func setLoads(_ loads: BusLoads) throws(FeederError) {
        guard loads.count == buses.count else {
            throw .invalidFeeder("loads for \(loads.count) buses, the feeder has \(buses.count)")
        }
        for index in buses.indices {
            guard loads.pKW[index].isFinite, loads.qKVAr[index].isFinite else {
                throw .invalidBus(bus: buses[index].number, "load must be finite")
            }
            buses[index].pKW = loads.pKW[index]
            buses[index].qKVAr = loads.qKVAr[index]
        }
    }
}

/// A problem with a feeder's data or topology. Bus numbers are the people-facing ones;
/// branch numbers are 1-based positions in ``Feeder/branches``.
public enum FeederError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The closed branches contain a loop; `branch` (an index) is the one found closing it.
    case loop(branch: Int, label: String)
    /// A bus cannot be reached from the source over closed branches.
    case disconnected(bus: Int)
    /// A bus's data are wrong.
    case invalidBus(bus: Int, String)
    /// A branch's data are wrong (`branch` is an index).
    case invalidBranch(branch: Int, String)
    /// Feeder-wide data are wrong.
    case invalidFeeder(String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .loop(_, let label): "\(label) closes a loop: the closed branches must form a radial (tree) network"
        case .disconnected(let bus): "bus \(bus) is not connected to the source over closed branches"
        case .invalidBus(let bus, let message): "bus \(bus): \(message)"
        case .invalidBranch(let branch, let message): "branch \(branch + 1): \(message)"
        case .invalidFeeder(let message): message
        }
    }
}

/// The branches at each bus, in compressed form: for bus `b`, entries
/// `start[b]..<start[b + 1]` of ``neighbor`` and ``branch``.
public struct FeederAdjacency: Sendable, Equatable {
    /// Offsets into ``neighbor`` and ``branch``, one per bus plus one.
    public let start: [Int]
    /// The bus at the other end of each entry.
    public let neighbor: [Int]
    /// The branch index of each entry.
    public let branch: [Int]

    init(_ feeder: Feeder) {
        let n = feeder.buses.count
        var degree = [Int](repeating: 0, count: n + 1)
        for b in feeder.branches {
            degree[b.from + 1] += 1
            degree[b.to + 1] += 1
        }
        for i in 0..<n { degree[i + 1] += degree[i] }
        var fill = degree
        var neighbor = [Int](repeating: 0, count: degree[n])
        var branch = [Int](repeating: 0, count: degree[n])
        for (index, b) in feeder.branches.enumerated() {
            neighbor[fill[b.from]] = b.to
            branch[fill[b.from]] = index
            fill[b.from] += 1
            neighbor[fill[b.to]] = b.from
            branch[fill[b.to]] = index
            fill[b.to] += 1
        }
        self.start = degree
        self.neighbor = neighbor
        self.branch = branch
    }

    /// The (neighbour bus, branch) pairs at a bus.
    public func edges(of bus: Int) -> [(bus: Int, branch: Int)] {
        (start[bus]..<start[bus + 1]).map { (neighbor[$0], branch[$0]) }
    }
}

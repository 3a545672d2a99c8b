/// An island formed after a fault: buses energised from one grid-forming root.
public struct RestorationIsland: Sendable, Equatable {
    /// The bus of the grid-forming source that sets the island's voltage and frequency.
    public var rootBus: Int
    /// Energised buses, sorted. Buses never served and not needed to reach a served bus or
    /// a working source are left dark.
    public var buses: [Int]
    /// Closed branches inside the island.
    public var closedBranches: [BusPair]
    /// Sources that deliver power in the island (names; fleets as `fleet@BUS`).
    public var sources: [String]
}

/// Service in one hour of the outage.
public struct HourlyService: Sendable, Equatable {
    /// Hour of day (0-23).
    public var hourOfDay: Int
    /// Buses whose load is picked up (any share), sorted.
    public var servedBuses: [Int]
    /// VOLL-weighted kWh served in this hour.
    public var weightedEnergyKWh: Double
}

/// How an outcome was computed.
public enum RestorationMethod: String, Sendable {
    /// The reference MILP, solved to its gap.
    case exact
    /// The fast evaluator used in the optimisation loop.
    case fast
}

/// Restoration of one fault scenario with one set of stations.
public struct RestorationOutcome: Sendable, Equatable {
    /// Scenario name.
    public var scenario: String
    /// Station buses (a multiset, sorted): one fleet per entry.
    public var stations: [Int]
    /// VOLL-weighted kWh served over the outage.
    public var weightedEnergyKWh: Double
    /// kWh served (unweighted).
    public var servedEnergyKWh: Double
    /// For exact solves: a proven upper bound on the optimum (equal to the value when
    /// solved to optimality). For the fast evaluator: `nil`.
    public var upperBound: Double?
    /// Islands formed (switching is constant over the outage).
    public var islands: [RestorationIsland]
    /// Service hour by hour.
    public var hours: [HourlyService]
    /// Energy drawn from the fleets, kWh, by station bus.
    public var fleetEnergyKWh: [Int: Double]
    /// Station buses whose fleet could not be used (damaged bus or no path to any load).
    public var idleStations: [Int]
    /// Exact or fast.
    public var method: RestorationMethod
    /// Solver work for exact solves.
    public var stats: SolveStats

    /// The proven relative gap of an exact solve (0 when optimal within tolerance).
    public var relativeGap: Double? {
        upperBound.map { ($0 - weightedEnergyKWh) / max(abs($0), 1) }
    }
}

extension RestorationOutcome {
    /// Assembles an outcome from per-component solutions.
    init(
        scenario: FaultScenario, stations: [Int], instance: ScenarioInstance,
        solutions: [(RestorationComponent, ComponentSolution)], method: RestorationMethod, exact: Bool
    ) {
        self.init(
            scenario: scenario, stations: stations, hours: instance.hours, idle: instance.idleStationBuses,
            solutions: solutions, method: method, exact: exact)
    }

    /// `knownIslands`, when given, holds per solution its islands if already known (nil:
    /// computed here).
    init(
        scenario: FaultScenario, stations: [Int], hours hourOfDay: [Int], idle: [Int],
        solutions: [(RestorationComponent, ComponentSolution)], method: RestorationMethod, exact: Bool,
        knownIslands: [[RestorationIsland]?]? = nil
    ) {
        self.scenario = scenario.name
        self.stations = stations.sorted()
        self.method = method
        idleStations = idle
        var weighted = 0.0, served = 0.0, bound = 0.0
        var islands: [RestorationIsland] = []
        // Served buses per hour in one flat working list with room for every bus (row t holds
        // `servedCount[t]` entries); the outcome keeps sorted copies.
        let busTotal = solutions.reduce(0) { $0 + $1.0.busCount }
        var servedFlat = [Int](repeating: 0, count: hourOfDay.count * busTotal)
        var servedCount = [Int](repeating: 0, count: hourOfDay.count)
        islands.reserveCapacity(solutions.count)
        var perHourValue = [Double](repeating: 0, count: hourOfDay.count)
        var fleetEnergy: [Int: Double] = [:]
        var stats = SolveStats()
        for (index, (component, solution)) in solutions.enumerated() {
            weighted += solution.value
            bound += solution.bound
            stats = stats + solution.stats
            for (t, operation) in solution.operations.enumerated() {
                for i in 0..<component.busCount where operation.pickup[i] > 1e-9 {
                    served += component.load[i][t] * operation.pickup[i]
                    perHourValue[t] += component.value(i, t) * operation.pickup[i]
                    if component.load[i][t] > 0 {
                        servedFlat[t * busTotal + servedCount[t]] = component.busIDs[i]
                        servedCount[t] += 1
                    }
                }
            }
            for (u, unit) in component.units.enumerated() where unit.kind == .fleet {
                let bus = component.busIDs[unit.bus]
                fleetEnergy[bus, default: 0] += solution.operations.reduce(0) { $0 + $1.active[u] }
            }
            islands += knownIslands?[index] ?? RestorationOutcome.islands(of: component, solution)
        }
        weightedEnergyKWh = weighted
        servedEnergyKWh = served
        upperBound = exact ? bound : nil
        self.islands = islands.sorted { $0.rootBus < $1.rootBus }
        hours = hourOfDay.enumerated().map { t, hour in
            let served = t * busTotal..<t * busTotal + servedCount[t]
            servedFlat[served].sort()
            return HourlyService(
                hourOfDay: hour, servedBuses: Array(servedFlat[served]), weightedEnergyKWh: perHourValue[t])
        }
        fleetEnergyKWh = fleetEnergy
        self.stats = stats
    }

    /// Islands of a component's switching, trimmed of dark dead ends.
    ///
    /// Flat arrays throughout (adjacency in edge order, as lists would hold it), since the
    /// fast evaluator assembles an outcome per station set.
    static func islands(of component: RestorationComponent, _ solution: ComponentSolution) -> [RestorationIsland] {
        let n = component.busCount
        let closed = solution.closedEdges
        let isRoot = solution.rootBuses
        let units = component.units
        // A unit delivers if it has output in some hour; a bus matters if it is served in
        // some hour or hosts a unit that delivers.
        var delivers = [Bool](repeating: false, count: units.count)
        var matters = [Bool](repeating: false, count: n)
        for operation in solution.operations {
            operation.pickup.withUnsafeBufferPointer { pickup in
                for i in 0..<n where pickup[i] > 1e-9 { matters[i] = true }
            }
            for u in units.indices where operation.active[u] > 1e-6 || abs(operation.reactive[u]) > 1e-6 {
                delivers[u] = true
            }
        }
        for u in units.indices where delivers[u] { matters[units[u].bus] = true }
        // Adjacency of closed edges, each bus's edges in edge order.
        var start = [Int](repeating: 0, count: n + 1)
        for (e, edge) in component.edges.enumerated() where closed[e] {
            start[edge.a + 1] += 1
            start[edge.b + 1] += 1
        }
        for v in 0..<n { start[v + 1] += start[v] }
        var fill = start
        var adjacent = [Int](repeating: 0, count: start[n])
        for (e, edge) in component.edges.enumerated() where closed[e] {
            adjacent[fill[edge.a]] = e
            fill[edge.a] += 1
            adjacent[fill[edge.b]] = e
            fill[edge.b] += 1
        }
        @inline(__always) func other(_ e: Int, _ v: Int) -> Int {
            component.edges[e].a == v ? component.edges[e].b : component.edges[e].a
        }
        // Prune dark leaves repeatedly.
        var alive = [Bool](repeating: true, count: n)
        var degree = (0..<n).map { start[$0 + 1] - start[$0] }
        var queue: [Int] = []
        queue.reserveCapacity(n)
        for v in 0..<n where degree[v] <= 1 && !matters[v] && !isRoot[v] { queue.append(v) }
        var edgeAlive = closed
        while let v = queue.popLast() {
            guard alive[v] else { continue }
            alive[v] = false
            for x in start[v]..<start[v + 1] where edgeAlive[adjacent[x]] {
                let e = adjacent[x]
                edgeAlive[e] = false
                let w = other(e, v)
                degree[w] -= 1
                if alive[w] && degree[w] <= 1 && !matters[w] && !isRoot[w] { queue.append(w) }
            }
        }
        var islands: [RestorationIsland] = []
        var seen = [Bool](repeating: false, count: n)
        var member = [Bool](repeating: false, count: n)
        var stack: [Int] = []
        stack.reserveCapacity(n)
        for root in 0..<n where isRoot[root] {
            var buses: [Int] = []
            buses.reserveCapacity(n)
            var branches: [BusPair] = []
            stack.append(root)
            seen[root] = true
            while let v = stack.popLast() {
                buses.append(v)
                for x in start[v]..<start[v + 1] where edgeAlive[adjacent[x]] {
                    let w = other(adjacent[x], v)
                    if !seen[w] {
                        seen[w] = true
                        branches.append(BusPair(component.busIDs[v], component.busIDs[w]))
                        stack.append(w)
                    }
                }
            }
            for v in buses { member[v] = true }
            var sources: [String] = []
            for u in units.indices
            where member[units[u].bus] && (delivers[u] || units[u].bus == root && units[u].isGridForming) {
                sources.append(RestorationOutcome.sourceName(units[u], component))
            }
            for v in buses { member[v] = false }
            // Sorted, without repeats.
            sources.sort()
            var distinct: [String] = []
            for name in sources where distinct.last != name { distinct.append(name) }
            var ids = buses.map { component.busIDs[$0] }
            ids.sort()
            branches.sort { ($0.low, $0.high) < ($1.low, $1.high) }
            islands.append(RestorationIsland(rootBus: component.busIDs[root], buses: ids, closedBranches: branches, sources: distinct))
        }
        return islands
    }

    static func sourceName(_ unit: SourceUnit, _ component: RestorationComponent) -> String {
        switch unit.kind {
        case .fleet: return "fleet@\(component.busIDs[unit.bus])"
        case .pv, .storage:
            if let slash = unit.name.firstIndex(of: "/") { return String(unit.name[..<slash]) }
            return unit.name
        case .gas: return unit.name
        }
    }
}

/// Entry points of the exact restoration model.
public enum ExactRestoration {
    /// The exact restoration of `scenario` with one fleet per entry of `stations` (bus ids,
    /// a multiset), solved to `limits.relativeGap`.
    ///
    /// - Throws: `InputError` for a scenario or station that does not fit the network;
    ///   `LPError` if the solver fails.
    public static func solve(
        _ system: RestorationSystem, scenario: FaultScenario, stations: [Int],
        limits: ExactSolveLimits = ExactSolveLimits()
    ) throws -> RestorationOutcome {
        let instance = try ScenarioInstance(system: system, scenario: scenario, stations: stations)
        // Components are independent; each is solved on its own.
        var solutions: [(RestorationComponent, ComponentSolution)] = []
        for component in instance.components {
            let solver = ExactComponentSolver(component: component, limits: limits)
            // The fast evaluator's solution is a good first incumbent and set of columns.
            let start = FastComponentEvaluator(component: component, pickup: system.options.pickup).evaluate(floor: nil)
            solutions.append((component, try solver.solve(pickup: system.options.pickup, start: start)))
        }
        return RestorationOutcome(
            scenario: scenario, stations: stations, instance: instance, solutions: solutions, method: .exact,
            exact: true)
    }
}

/// FNV-1a over 64-bit words: a fingerprint of results' exact bits, for checking that a
/// change to an evaluator leaves its results unchanged.
public struct BitFingerprint: Sendable {
    /// The fingerprint so far.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// An empty fingerprint.
    public init() {}

    /// Adds one word, byte by byte.
    public mutating func add(_ word: UInt64) {
        var w = word
        for _ in 0..<8 {
            value = (value ^ (w & 0xff)) &* 0x100_0000_01b3
            w >>= 8
        }
    }

    /// Adds every result of an outcome: values, hourly service, fleet energy, islands.
    public mutating func add(_ outcome: RestorationOutcome) {
        add(outcome.weightedEnergyKWh.bitPattern)
        add(outcome.servedEnergyKWh.bitPattern)
        for hour in outcome.hours {
            add(UInt64(hour.hourOfDay))
            add(hour.weightedEnergyKWh.bitPattern)
            for bus in hour.servedBuses { add(UInt64(bus)) }
        }
        for (bus, energy) in outcome.fleetEnergyKWh.sorted(by: { $0.key < $1.key }) {
            add(UInt64(bus))
            add(energy.bitPattern)
        }
        for island in outcome.islands {
            add(UInt64(island.rootBus))
            for bus in island.buses { add(UInt64(bus)) }
            for branch in island.closedBranches {
                add(UInt64(branch.low))
                add(UInt64(branch.high))
            }
            for source in island.sources { for byte in source.utf8 { add(UInt64(byte)) } }
        }
        for bus in outcome.idleStations { add(UInt64(bus)) }
    }
}

import InputParsing

/// One power source of a restoration instance, with its hourly limits.
struct SourceUnit: Sendable {
    enum Kind: Sendable { case gas, pv, storage, fleet }

    var name: String
    var kind: Kind
    /// Local bus index in its component.
    var bus: Int
    var isGridForming: Bool
    /// Active power limit per horizon hour, kW.
    var maxActive: [Double]
    /// Symmetric reactive limit, kVAr.
    var maxReactive: Double
    /// Energy over the horizon, kWh, for storage and fleets.
    var energy: Double?
    /// For the two halves of a PV+BESS unit: their shared inverter limit, kW, and the partner.
    var sharedLimit: (partner: Int, limitKW: Double)?
    /// Number of stations pooled in a fleet unit (0 for others).
    var stations: Int
}

/// One branch of a component, in local bus indices.
struct ComponentEdge: Sendable {
    var a: Int
    var b: Int
    /// Squared-voltage drop per kW of active flow (pu²/kW) and per kVAr of reactive flow.
    var dropPerKW: Double
    var dropPerKVAr: Double
    var ratingKVA: Double?
    /// Index into the network's branch list.
    var branch: Int
    /// Whether dominance fixes this edge closed (a bridge with no grid-forming bus on one side).
    var forcedClosed: Bool
}

/// A connected part of the damaged feeder that holds at least one grid-forming source.
struct RestorationComponent: Sendable {
    /// Network bus ids of the local buses.
    var busIDs: [Int]
    var edges: [ComponentEdge]
    var units: [SourceUnit]
    /// Load per local bus and horizon hour, kW and kVAr.
    var load: [[Double]]
    var loadReactive: [[Double]]
    /// VOLL weight per local bus.
    var weight: [Double]
    /// Local buses that host at least one grid-forming unit (root candidates).
    var rootCandidates: [Int]
    /// Indices into `units` of the energy-limited units.
    var energyUnits: [Int]
    var hourCount: Int
    var minSquaredVoltage: Double
    var maxSquaredVoltage: Double

    var busCount: Int { busIDs.count }
    /// Edges whose state is a decision (not fixed closed by dominance).
    var freeEdges: [Int] { edges.indices.filter { !edges[$0].forcedClosed } }
    /// Whether the switching is fully determined: one root candidate and no free edge.
    var hasFixedConfiguration: Bool { rootCandidates.count == 1 && edges.allSatisfy(\.forcedClosed) }

    /// Weighted value of serving bus `i` fully in hour `t`.
    func value(_ i: Int, _ t: Int) -> Double { weight[i] * load[i][t] }
}

/// A fault scenario applied to a system with a given set of stations: the surviving
/// components that can be energised, with hourly loads and sources.
struct ScenarioInstance: Sendable {
    /// Hour of day of each horizon step.
    var hours: [Int]
    var components: [RestorationComponent]
    /// Station buses that sit on damaged buses or in no energisable component (unusable).
    var idleStationBuses: [Int]

    /// Builds the instance. `stations` is a multiset of bus ids (one fleet per entry).
    init(system: RestorationSystem, scenario: FaultScenario, stations: [Int]) throws(InputError) {
        let network = system.network
        let source = "fault scenario \(scenario.name)"
        var index: [Int: Int] = [:]
        for (k, bus) in network.buses.enumerated() { index[bus.id] = k }
        for bus in scenario.damagedBuses where index[bus] == nil {
            throw InputError(file: source, field: "damaged_buses", "bus \(bus) is not a bus of the network")
        }
        let networkPairs = Set(network.branches.map(\.ends))
        for pair in scenario.damagedBranches where !networkPairs.contains(pair) {
            throw InputError(file: source, field: "damaged_branches", "branch \(pair) is not a branch of the network")
        }
        for bus in stations where index[bus] == nil {
            throw InputError(file: source, field: "stations", "station bus \(bus) is not a bus of the network")
        }
        guard scenario.durationHours >= 1 else {
            throw InputError(file: source, field: "duration_h", "expected at least one hour")
        }
        hours = (0..<scenario.durationHours).map { (scenario.startHour + $0) % 24 }
        let horizon = hours
        let damagedBuses = Set(scenario.damagedBuses)
        let damagedBranches = Set(scenario.damagedBranches)

        // Surviving buses and branches; open ties are out when they may not close.
        let n = network.buses.count
        let alive = network.buses.map { !damagedBuses.contains($0.id) }
        var usable: [Int] = []
        for (k, branch) in network.branches.enumerated() {
            guard let a = index[branch.from], let b = index[branch.to], alive[a], alive[b] else { continue }
            if damagedBranches.contains(branch.ends) { continue }
            if branch.isTie && !system.options.tiesSwitchable { continue }
            usable.append(k)
        }
        var parent = Array(0..<n)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        for k in usable {
            let a = find(index[network.branches[k].from]!)
            let b = find(index[network.branches[k].to]!)
            if a != b { parent[a] = b }
        }

        // Sources on surviving buses, by global bus index.
        struct PendingUnit {
            var unit: SourceUnit
            var globalBus: Int
        }
        var pending: [PendingUnit] = []
        for generator in system.generators {
            let g = index[generator.bus]!
            guard alive[g] else { continue }
            let pvLimit = horizon.map { generator.maxActivePowerKW * generator.profile.value(atHour: $0) }
            switch generator.kind {
            case .gas:
                pending.append(
                    PendingUnit(
                        unit: SourceUnit(
                            name: generator.name, kind: .gas, bus: -1, isGridForming: true, maxActive: pvLimit,
                            maxReactive: generator.maxReactivePowerKVAr, energy: nil, sharedLimit: nil, stations: 0),
                        globalBus: g))
            case .pv:
                pending.append(
                    PendingUnit(
                        unit: SourceUnit(
                            name: generator.name, kind: .pv, bus: -1, isGridForming: false, maxActive: pvLimit,
                            maxReactive: generator.maxReactivePowerKVAr, energy: nil, sharedLimit: nil, stations: 0),
                        globalBus: g))
            case .pvBESS:
                // The PV half follows its profile; the storage half forms the grid from its energy.
                // Both share the inverter rating.
                let first = pending.count
                pending.append(
                    PendingUnit(
                        unit: SourceUnit(
                            name: generator.name + "/pv", kind: .pv, bus: -1, isGridForming: false, maxActive: pvLimit,
                            maxReactive: 0, energy: nil, sharedLimit: (first + 1, generator.maxActivePowerKW),
                            stations: 0),
                        globalBus: g))
                pending.append(
                    PendingUnit(
                        unit: SourceUnit(
                            name: generator.name + "/storage", kind: .storage, bus: -1, isGridForming: true,
                            maxActive: horizon.map { _ in generator.maxActivePowerKW },
                            maxReactive: generator.maxReactivePowerKVAr, energy: generator.energyKWh ?? 0,
                            sharedLimit: (first, generator.maxActivePowerKW), stations: 0),
                        globalBus: g))
            }
        }
        var stationCount: [Int: Int] = [:]
        var idle: [Int] = []
        for bus in stations {
            if alive[index[bus]!] { stationCount[bus, default: 0] += 1 } else { idle.append(bus) }
        }
        let fleet = system.fleet
        for bus in stationCount.keys.sorted() {
            let count = Double(stationCount[bus]!)
            pending.append(
                PendingUnit(
                    unit: SourceUnit(
                        name: "fleet@\(bus)", kind: .fleet, bus: -1, isGridForming: true,
                        maxActive: horizon.map { _ in count * fleet.stationPowerKW },
                        maxReactive: count * fleet.maxReactivePowerKVAr, energy: count * fleet.stationEnergyKWh,
                        sharedLimit: nil, stations: stationCount[bus]!),
                    globalBus: index[bus]!))
        }

        // Group into components; keep those with a grid-forming source.
        var members: [Int: [Int]] = [:]
        for g in 0..<n where alive[g] { members[find(g), default: []].append(g) }
        let vMin = network.minVoltagePU, vMax = network.maxVoltagePU
        let dropScale = 2 / (1000 * network.baseKV * network.baseKV)
        var components: [RestorationComponent] = []
        for root in members.keys.sorted(by: { members[$0]!.min()! < members[$1]!.min()! }) {
            let globals = members[root]!
            let unitsHere = pending.enumerated().filter { find($0.element.globalBus) == root }
            guard unitsHere.contains(where: { $0.element.unit.isGridForming }) else {
                for entry in unitsHere where entry.element.unit.kind == .fleet {
                    idle.append(network.buses[entry.element.globalBus].id)
                }
                continue
            }
            var local: [Int: Int] = [:]
            for (k, g) in globals.enumerated() { local[g] = k }
            var units: [SourceUnit] = []
            var renumber: [Int: Int] = [:]
            for entry in unitsHere {
                renumber[entry.offset] = units.count
                var unit = entry.element.unit
                unit.bus = local[entry.element.globalBus]!
                units.append(unit)
            }
            for u in units.indices {
                if let shared = units[u].sharedLimit {
                    units[u].sharedLimit = (renumber[shared.partner]!, shared.limitKW)
                }
            }
            var edges: [ComponentEdge] = []
            for k in usable {
                let branch = network.branches[k]
                guard let a = local[index[branch.from]!], let b = local[index[branch.to]!] else { continue }
                edges.append(
                    ComponentEdge(
                        a: a, b: b, dropPerKW: dropScale * branch.resistanceOhm,
                        dropPerKVAr: dropScale * branch.reactanceOhm, ratingKVA: branch.ratingKVA, branch: k,
                        forcedClosed: false))
            }
            var loadP: [[Double]] = []
            var loadQ: [[Double]] = []
            var weight: [Double] = []
            for g in globals {
                let bus = network.buses[g]
                let shape = horizon.map { bus.loadClass?.profile.value(atHour: $0) ?? 0 }
                loadP.append(shape.map { bus.activePowerKW * $0 })
                loadQ.append(shape.map { bus.reactivePowerKVAr * $0 })
                weight.append(bus.loadClass?.vollWeight ?? 0)
            }
            let roots = Array(Set(units.filter(\.isGridForming).map(\.bus))).sorted()
            var component = RestorationComponent(
                busIDs: globals.map { network.buses[$0].id }, edges: edges, units: units, load: loadP,
                loadReactive: loadQ, weight: weight, rootCandidates: roots,
                energyUnits: units.indices.filter { units[$0].energy != nil }, hourCount: horizon.count,
                minSquaredVoltage: vMin * vMin, maxSquaredVoltage: vMax * vMax)
            ScenarioInstance.markForcedEdges(&component)
            components.append(component)
        }
        self.components = components
        idleStationBuses = idle.sorted()
    }

    /// Fixes closed every bridge that has no grid-forming bus on one side: closing it with
    /// zero flow is always feasible, so some optimal switching has it closed.
    static func markForcedEdges(_ component: inout RestorationComponent) {
        let n = component.busCount
        var adjacency = [[(edge: Int, other: Int)]](repeating: [], count: n)
        for (e, edge) in component.edges.enumerated() {
            adjacency[edge.a].append((e, edge.b))
            adjacency[edge.b].append((e, edge.a))
        }
        var isRootBus = [Bool](repeating: false, count: n)
        for r in component.rootCandidates { isRootBus[r] = true }
        let totalRoots = component.rootCandidates.count
        // Iterative DFS computing discovery order, low links and grid-forming counts per subtree.
        var discovery = [Int](repeating: -1, count: n)
        var low = [Int](repeating: 0, count: n)
        var subtreeRoots = [Int](repeating: 0, count: n)
        var parentEdge = [Int](repeating: -1, count: n)
        var counter = 0
        var stack: [(bus: Int, next: Int)] = [(0, 0)]
        discovery[0] = 0
        low[0] = 0
        subtreeRoots[0] = isRootBus[0] ? 1 : 0
        counter = 1
        while let top = stack.last {
            let v = top.bus
            if top.next < adjacency[v].count {
                stack[stack.count - 1].next += 1
                let (e, w) = adjacency[v][top.next]
                if e == parentEdge[v] { continue }
                if discovery[w] < 0 {
                    discovery[w] = counter
                    low[w] = counter
                    counter += 1
                    parentEdge[w] = e
                    subtreeRoots[w] = isRootBus[w] ? 1 : 0
                    stack.append((w, 0))
                } else {
                    low[v] = min(low[v], discovery[w])
                }
            } else {
                stack.removeLast()
                if let up = stack.last {
                    let u = up.bus
                    low[u] = min(low[u], low[v])
                    subtreeRoots[u] += subtreeRoots[v]
                    if low[v] > discovery[u] {
                        // Bridge parentEdge[v]: the far side is v's subtree.
                        let inside = subtreeRoots[v]
                        if inside == 0 || inside == totalRoots {
                            component.edges[parentEdge[v]].forcedClosed = true
                        }
                    }
                }
            }
        }
    }
}

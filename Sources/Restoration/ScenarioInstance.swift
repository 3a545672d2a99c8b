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

/// A fault scenario applied to a system, before stations are placed: the surviving
/// connected parts of the feeder with their loads and distributed generators. Built once
/// per scenario; components for a station set are derived from it cheaply.
struct ScenarioBase: Sendable {
    /// Hour of day of each horizon step.
    var hours: [Int]
    /// Network bus ids.
    var busIDs: [Int]
    /// Component of each network bus (-1 for damaged buses).
    var componentOf: [Int]
    /// Network bus indices per component, and each bus's local index.
    var members: [[Int]]
    var localIndex: [Int]
    /// Surviving branches per component (network branch indices).
    var branches: [[Int]]
    /// Distributed-generator units per component (local bus indices set).
    var generatorUnits: [[SourceUnit]]
    var loadP: [[[Double]]]
    var loadQ: [[[Double]]]
    var weight: [[Double]]
    var dropScale: Double
    /// Network bus indices of each branch's ends.
    var branchEnds: [(Int, Int)]
    var fleet: FleetSpec
    var minSquaredVoltage: Double
    var maxSquaredVoltage: Double
    let network: RestorationNetwork
    /// Edges per component (none forced closed yet), and its bridges with the buses on their
    /// far side from local bus 0: both independent of the stations.
    var edges: [[ComponentEdge]] = []
    var bridges: [[ScenarioInstance.Bridge]] = []
    /// Network bus ids of each component's local buses (shared by its instances).
    var componentBusIDs: [[Int]] = []
    /// Name of a fleet unit per network bus.
    var fleetNames: [String] = []

    init(system: RestorationSystem, scenario: FaultScenario) throws(InputError) {
        let network = system.network
        self.network = network
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
        guard scenario.durationHours >= 1 else {
            throw InputError(file: source, field: "duration_h", "expected at least one hour")
        }
        let horizon = (0..<scenario.durationHours).map { (scenario.startHour + $0) % 24 }
        hours = horizon
        busIDs = network.buses.map(\.id)
        let damagedBuses = Set(scenario.damagedBuses)
        let damagedBranches = Set(scenario.damagedBranches)
        let n = network.buses.count
        let alive = network.buses.map { !damagedBuses.contains($0.id) }
        // Surviving branches; open ties are out when they may not close.
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
        // Components numbered by their smallest bus index.
        var componentOf = [Int](repeating: -1, count: n)
        var members: [[Int]] = []
        var idOfRoot: [Int: Int] = [:]
        var localIndex = [Int](repeating: -1, count: n)
        for g in 0..<n where alive[g] {
            let r = find(g)
            if idOfRoot[r] == nil {
                idOfRoot[r] = members.count
                members.append([])
            }
            let id = idOfRoot[r]!
            componentOf[g] = id
            localIndex[g] = members[id].count
            members[id].append(g)
        }
        var branches = [[Int]](repeating: [], count: members.count)
        for k in usable { branches[componentOf[index[network.branches[k].from]!]].append(k) }
        var generatorUnits = [[SourceUnit]](repeating: [], count: members.count)
        for generator in system.generators {
            let g = index[generator.bus]!
            guard alive[g] else { continue }
            let id = componentOf[g]
            let bus = localIndex[g]
            let profileLimit = horizon.map { generator.maxActivePowerKW * generator.profile.value(atHour: $0) }
            switch generator.kind {
            case .gas:
                generatorUnits[id].append(
                    SourceUnit(
                        name: generator.name, kind: .gas, bus: bus, isGridForming: true, maxActive: profileLimit,
                        maxReactive: generator.maxReactivePowerKVAr, energy: nil, sharedLimit: nil, stations: 0))
            case .pv:
                generatorUnits[id].append(
                    SourceUnit(
                        name: generator.name, kind: .pv, bus: bus, isGridForming: false, maxActive: profileLimit,
                        maxReactive: generator.maxReactivePowerKVAr, energy: nil, sharedLimit: nil, stations: 0))
            case .pvBESS:
                // The PV half follows its profile; the storage half forms the grid from its
                // energy; both share the inverter rating.
                let first = generatorUnits[id].count
                generatorUnits[id].append(
                    SourceUnit(
                        name: generator.name + "/pv", kind: .pv, bus: bus, isGridForming: false,
                        maxActive: profileLimit, maxReactive: 0, energy: nil,
                        sharedLimit: (first + 1, generator.maxActivePowerKW), stations: 0))
                generatorUnits[id].append(
                    SourceUnit(
                        name: generator.name + "/storage", kind: .storage, bus: bus, isGridForming: true,
                        maxActive: horizon.map { _ in generator.maxActivePowerKW },
                        maxReactive: generator.maxReactivePowerKVAr, energy: generator.energyKWh ?? 0,
                        sharedLimit: (first, generator.maxActivePowerKW), stations: 0))
            }
        }
        var loadP: [[[Double]]] = [], loadQ: [[[Double]]] = [], weight: [[Double]] = []
        for group in members {
            var p: [[Double]] = [], q: [[Double]] = [], w: [Double] = []
            for g in group {
                let bus = network.buses[g]
                let shape = horizon.map { bus.loadClass?.profile.value(atHour: $0) ?? 0 }
                p.append(shape.map { bus.activePowerKW * $0 })
                q.append(shape.map { bus.reactivePowerKVAr * $0 })
                w.append(bus.loadClass?.vollWeight ?? 0)
            }
            loadP.append(p)
            loadQ.append(q)
            weight.append(w)
        }
        self.componentOf = componentOf
        self.members = members
        self.localIndex = localIndex
        self.branches = branches
        self.generatorUnits = generatorUnits
        self.loadP = loadP
        self.loadQ = loadQ
        self.weight = weight
        dropScale = 2 / (1000 * network.baseKV * network.baseKV)
        branchEnds = network.branches.map { (index[$0.from]!, index[$0.to]!) }
        fleet = system.fleet
        minSquaredVoltage = network.minVoltagePU * network.minVoltagePU
        maxSquaredVoltage = network.maxVoltagePU * network.maxVoltagePU
        for id in members.indices {
            var componentEdges: [ComponentEdge] = []
            for k in branches[id] {
                let branch = network.branches[k]
                let a = localIndex[branchEnds[k].0]
                let b = localIndex[branchEnds[k].1]
                componentEdges.append(
                    ComponentEdge(
                        a: a, b: b, dropPerKW: dropScale * branch.resistanceOhm,
                        dropPerKVAr: dropScale * branch.reactanceOhm, ratingKVA: branch.ratingKVA, branch: k,
                        forcedClosed: false))
            }
            edges.append(componentEdges)
            bridges.append(ScenarioInstance.bridges(busCount: members[id].count, edges: componentEdges))
        }
        fleetNames = busIDs.map { "fleet@\($0)" }
        componentBusIDs = members.map { group in group.map { busIDs[$0] } }
    }

    /// Network bus index of a bus id, if any.
    func networkIndex(ofBus id: Int) -> Int? { busIDs.firstIndex(of: id) }

    /// Component `id` with one fleet per station (`stations`: network bus index -> count),
    /// or nil if it holds no grid-forming source.
    func component(_ id: Int, stations: [(bus: Int, count: Int)]) -> RestorationComponent? {
        var units = generatorUnits[id]
        for station in stations.sorted(by: { $0.bus < $1.bus }) {
            let count = Double(station.count)
            units.append(
                SourceUnit(
                    name: fleetNames[station.bus], kind: .fleet, bus: localIndex[station.bus],
                    isGridForming: true,
                    maxActive: [Double](repeating: count * fleet.stationPowerKW, count: hours.count),
                    maxReactive: count * fleet.maxReactivePowerKVAr, energy: count * fleet.stationEnergyKWh,
                    sharedLimit: nil, stations: station.count))
        }
        guard units.contains(where: \.isGridForming) else { return nil }
        // Root candidates: the grid-forming buses, sorted, once each.
        let n = members[id].count
        var isRoot = [Bool](repeating: false, count: n)
        for unit in units where unit.isGridForming { isRoot[unit.bus] = true }
        var roots: [Int] = []
        for v in 0..<n where isRoot[v] { roots.append(v) }
        var energyUnits: [Int] = []
        for u in units.indices where units[u].energy != nil { energyUnits.append(u) }
        var component = RestorationComponent(
            busIDs: componentBusIDs[id], edges: edges[id], units: units, load: loadP[id],
            loadReactive: loadQ[id], weight: weight[id], rootCandidates: roots,
            energyUnits: energyUnits, hourCount: hours.count,
            minSquaredVoltage: minSquaredVoltage, maxSquaredVoltage: maxSquaredVoltage)
        ScenarioInstance.markForcedEdges(&component, bridges: bridges[id], isRoot: isRoot)
        return component
    }
}

/// A fault scenario applied to a system with a given set of stations: the surviving
/// components that can be energised, with hourly loads and sources.
struct ScenarioInstance: Sendable {
    /// Hour of day of each horizon step.
    var hours: [Int]
    /// Components with a grid-forming source, and their ids in the base.
    var components: [RestorationComponent]
    var componentIDs: [Int]
    /// Station buses that sit on damaged buses or in no energisable component (unusable).
    var idleStationBuses: [Int]

    /// Builds the instance. `stations` is a multiset of bus ids (one fleet per entry).
    init(system: RestorationSystem, scenario: FaultScenario, stations: [Int]) throws(InputError) {
        try self.init(base: ScenarioBase(system: system, scenario: scenario), stations: stations, name: scenario.name)
    }

    init(base: ScenarioBase, stations: [Int], name: String) throws(InputError) {
        hours = base.hours
        let grouped = try ScenarioInstance.group(stations, base: base, name: name)
        components = []
        componentIDs = []
        var idle = grouped.idle
        for id in base.members.indices {
            let here = grouped.byComponent[id] ?? []
            if let component = base.component(id, stations: here) {
                components.append(component)
                componentIDs.append(id)
            } else {
                for station in here { idle += Array(repeating: base.busIDs[station.bus], count: station.count) }
            }
        }
        idleStationBuses = idle.sorted()
    }

    /// Stations grouped by component as (network bus index, count); stations on damaged buses are idle.
    static func group(
        _ stations: [Int], base: ScenarioBase, name: String
    ) throws(InputError) -> (byComponent: [Int: [(bus: Int, count: Int)]], idle: [Int]) {
        var counts: [Int: Int] = [:]
        var idle: [Int] = []
        for bus in stations {
            guard let g = base.networkIndex(ofBus: bus) else {
                throw InputError(file: "fault scenario \(name)", field: "stations", "station bus \(bus) is not a bus of the network")
            }
            if base.componentOf[g] < 0 { idle.append(bus) } else { counts[g, default: 0] += 1 }
        }
        var byComponent: [Int: [(bus: Int, count: Int)]] = [:]
        for g in counts.keys.sorted() { byComponent[base.componentOf[g], default: []].append((g, counts[g]!)) }
        return (byComponent, idle)
    }

    /// A bridge of a component's graph and the buses on its far side from local bus 0.
    struct Bridge: Sendable {
        var edge: Int
        var side: [Int]
    }

    /// Fixes closed every bridge that has no grid-forming bus on one side: closing it with
    /// zero flow is always feasible, so some optimal switching has it closed.
    static func markForcedEdges(_ component: inout RestorationComponent) {
        var isRoot = [Bool](repeating: false, count: component.busCount)
        for r in component.rootCandidates { isRoot[r] = true }
        markForcedEdges(
            &component, bridges: bridges(busCount: component.busCount, edges: component.edges), isRoot: isRoot)
    }

    /// `markForcedEdges` with the component's bridges known (`isRoot`: its root candidates).
    static func markForcedEdges(_ component: inout RestorationComponent, bridges: [Bridge], isRoot: [Bool]) {
        let totalRoots = component.rootCandidates.count
        for bridge in bridges {
            var inside = 0
            for v in bridge.side where isRoot[v] { inside += 1 }
            if inside == 0 || inside == totalRoots { component.edges[bridge.edge].forcedClosed = true }
        }
    }

    /// The bridges of a connected graph (iterative DFS from bus 0 with low links), each with
    /// the buses of its DFS subtree: the far side from bus 0.
    static func bridges(busCount n: Int, edges: [ComponentEdge]) -> [Bridge] {
        guard n > 0 else { return [] }
        var adjacency = [[(edge: Int, other: Int)]](repeating: [], count: n)
        for (e, edge) in edges.enumerated() {
            adjacency[edge.a].append((e, edge.b))
            adjacency[edge.b].append((e, edge.a))
        }
        var discovery = [Int](repeating: -1, count: n)
        var low = [Int](repeating: 0, count: n)
        var size = [Int](repeating: 1, count: n)
        var parentEdge = [Int](repeating: -1, count: n)
        // Buses in discovery order: a subtree is a contiguous run of it.
        var order = [0]
        var stack: [(bus: Int, next: Int)] = [(0, 0)]
        discovery[0] = 0
        var bridges: [Bridge] = []
        while let top = stack.last {
            let v = top.bus
            if top.next < adjacency[v].count {
                stack[stack.count - 1].next += 1
                let (e, w) = adjacency[v][top.next]
                if e == parentEdge[v] { continue }
                if discovery[w] < 0 {
                    discovery[w] = order.count
                    low[w] = order.count
                    order.append(w)
                    parentEdge[w] = e
                    stack.append((w, 0))
                } else {
                    low[v] = min(low[v], discovery[w])
                }
            } else {
                stack.removeLast()
                if let up = stack.last {
                    let u = up.bus
                    low[u] = min(low[u], low[v])
                    size[u] += size[v]
                    if low[v] > discovery[u] {
                        bridges.append(
                            Bridge(edge: parentEdge[v], side: Array(order[discovery[v]..<discovery[v] + size[v]])))
                    }
                }
            }
        }
        return bridges
    }
}

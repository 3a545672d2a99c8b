import LinearProgramming

/// A route column of the NdP master LP, without its LP index: enough to seed another solver.
public struct NdPColumn: Sendable, Hashable {
    /// Vehicle class.
    public var isEV: Bool
    /// Origin zone (0-based).
    public var origin: Int
    /// Destination zone (0-based).
    public var destination: Int
    /// Arcs in travel order.
    public var arcs: [Int]

    /// A route of one class between two zones.
    public init(isEV: Bool, origin: Int, destination: Int, arcs: [Int]) {
        self.isEV = isEV
        self.origin = origin
        self.destination = destination
        self.arcs = arcs
    }
}

/// Solves the NdP LP exactly over all loopless routes by column generation, warm between plans.
///
/// The restricted master LP holds the routes found so far. Each round re-solves it and
/// prices new routes with the duals: a Dijkstra search under t0 + π for conventional
/// vehicles and a range-constrained label-setting search under t0 + π (+ η σ at built
/// stations) for EVs. A route enters when its reduced cost is negative; when none does,
/// the master optimum is the optimum over the full route set.
///
/// ## Between plans
/// A new plan changes only which EV routes are range-feasible and which station rows and
/// spots exist. ``solve(stations:detail:)`` first tries to **certify** an optimum from a
/// reference solution (the previous one, or the baseline's): keep its capacity delays π,
/// re-route each EV OD pair whose routes became infeasible or beaten onto its cheapest
/// feasible route (or leave it unserved when it has none), let lanes and spots follow the
/// new loads, settle the station delays σ, and check every optimality condition of the LP —
/// primal feasibility, reduced costs >= 0 over *all* routes (by the pricing searches), and
/// complementary slackness for every capacity row, station row, lane and spot. When they
/// all hold (to 1e-9 relative) the plan's optimum is proven without touching the LP.
/// Otherwise the master is re-solved warm: bounds change (spot limits, service rows, EV
/// routes disabled when infeasible), dual simplex from the kept basis, then pricing.
///
/// A solver is not thread-safe: give each thread its own (seeding it with
/// ``seedColumns`` of a warmed-up solver, if wanted).
///
/// ## Reproducible results
/// Degenerate LPs have many optimal flows and duals, and which one a warm solve returns
/// depends on where it started. Objective, unserved demand and the Wardrop gap do not,
/// but flows, π, lanes and spots may. To make results reproducible, call
/// ``saveBaseline()`` once (after solving some plans to collect routes), then
/// ``returnToBaseline()`` whenever a reproducible sequence starts: the next solve starts
/// from the baseline — the certificate from the baseline's solution, and the LP, when
/// needed, from a fresh copy of the baseline's master and basis — and later solves chain
/// warm from there. So the result of a plan depends only on the baseline and the plans
/// solved since the last return: call it before every plan for results that depend on the
/// plan alone, or at the start of each fixed chunk of plans (cheaper: warm starts inside the
/// chunk) for results that do not depend on how chunks are spread over threads.
/// A saved starting point of an ``NdPSolver``: one plan's solution and the master LP, its
/// routes and basis (see ``NdPSolver/snapshot()``).
public struct NdPStartingPoint {
    let saved: NdPSolver.Baseline
}

public final class NdPSolver {
    /// The problem being solved.
    public let problem: NdPProblem
    /// Master re-solves of the last ``solve(stations:detail:)``.
    public private(set) var lastRounds = 0

    private struct DemandRow {
        var isEV: Bool
        var origin: Int
        var destination: Int
        var volume: Double
    }

    struct RouteColumn {
        var row: Int
        var arcs: [Int]
        var lpIndex: Int
    }

    struct ColumnKey: Hashable {
        var row: Int
        var arcs: [Int]
    }

    private let omega: Double
    private let penalty: Double  // M / ω, minutes per veh
    private let freeFlowTime: [Double]
    private let lengths: [Double]
    private var rows: [DemandRow] = []
    /// Demand rows by origin: (destination, row) for each class.
    private var conventionalRows: [[(destination: Int, row: Int)]]
    private var evRows: [[(destination: Int, row: Int)]]
    private let capacityRow0: Int
    private let stationRow0: Int
    private var unservedColumn: [Int] = []
    private var laneColumn: [Int]
    private var spotColumn: [Int] = []
    private var columns: [RouteColumn] = []
    /// The free-flow first route of every demand row.
    private var firstColumns: [ColumnKey] = []
    private var columnIndex: [ColumnKey: Int] = [:]
    private var evColumnIDs: [Int] = []
    private var evColumnEnabled: [Bool] = []
    private var siteOfArc: [Int]
    /// The plan the LP's bounds currently describe.
    private var stations: [Bool]
    private var hasStationArc: [Bool]
    private var feasibilityChecked = false
    private let backend: LPBackend
    private var lp: LPSolver
    /// The last solution, the reference for the next certificate.
    private var last: PlanState?
    /// The next solve starts from the baseline's solution.
    private var startsAtBaseline = false
    /// The next LP solve must start from a fresh copy of the baseline's master.
    private var masterNeedsBaseline = false

    struct Baseline {
        var program: LinearProgram
        var basis: LPBasis
        var columns: [RouteColumn]
        var columnIndex: [ColumnKey: Int]
        var evColumnIDs: [Int]
        var evColumnEnabled: [Bool]
        var stations: [Bool]
        var hasStationArc: [Bool]
        var state: PlanState
    }
    private var baseline: Baseline?

    /// Whether a plan may be answered by a certificate from the reference solution
    /// (default true; turn off to always re-solve the LP, e.g. to compare).
    public var certifiesFromReference = true

    /// When an LP re-solve finds more route columns than this in the master, the master is
    /// first rebuilt with only the routes in use (keeps long runs bounded; default 6,000).
    public var maxRouteColumns = 6_000
    /// How many times the master was compacted (for tests and diagnostics).
    private(set) var compactionCount = 0
    private var shortest: ShortestPathEngine
    private var constrained: RangeConstrainedPathEngine
    // Work arrays.
    private var arcCost: [Double]
    private var evArcCost: [Double]
    private var delay: [Double]
    private var stationDelay: [Double]
    private var rowDual: [Double]
    private var shortestCost: [Double]

    /// Builds the master LP with a first route per OD and class (the free-flow shortest
    /// path, plus any `seedColumns`), with no stations built.
    ///
    /// - Throws: ``TrafficModelError`` for an invalid problem, or a penalty M/ω below the
    ///   longest free-flow OD time (the LP would leave demand unserved on purpose).
    public init(problem: NdPProblem, seedColumns: [NdPColumn] = [], backend: LPBackend = .clp) throws(TrafficModelError) {
        try problem.validate()
        self.problem = problem
        self.backend = backend
        let network = problem.network
        let p = problem.parameters
        let arcCount = network.linkCount
        let siteCount = problem.sites.count
        omega = p.travelTimeValue
        penalty = p.unservedPenalty / p.travelTimeValue
        freeFlowTime = network.freeFlowTimes
        lengths = network.lengths
        shortest = ShortestPathEngine(network: network)
        constrained = RangeConstrainedPathEngine(network: network, model: p.range)
        siteOfArc = [Int](repeating: -1, count: arcCount)
        for (site, arcs) in problem.sites.enumerated() { for arc in arcs { siteOfArc[arc] = site } }
        stations = [Bool](repeating: false, count: siteCount)
        hasStationArc = [Bool](repeating: false, count: arcCount)
        arcCost = freeFlowTime
        evArcCost = freeFlowTime
        delay = [Double](repeating: 0, count: arcCount)
        stationDelay = [Double](repeating: 0, count: siteCount)

        conventionalRows = [[(destination: Int, row: Int)]](repeating: [], count: network.zoneCount)
        evRows = conventionalRows
        var rows: [DemandRow] = []
        for pair in problem.conventionalDemand.pairs {
            conventionalRows[pair.origin].append((pair.destination, rows.count))
            rows.append(DemandRow(isEV: false, origin: pair.origin, destination: pair.destination, volume: pair.volume))
        }
        for pair in problem.evDemand.pairs {
            evRows[pair.origin].append((pair.destination, rows.count))
            rows.append(DemandRow(isEV: true, origin: pair.origin, destination: pair.destination, volume: pair.volume))
        }
        self.rows = rows
        capacityRow0 = rows.count
        stationRow0 = rows.count + arcCount
        rowDual = []
        shortestCost = [Double](repeating: .infinity, count: rows.count)

        // First routes: free-flow shortest paths (for EVs too; they stay disabled while infeasible).
        var firstRoutes: [Int: [Int]] = [:]  // row -> arcs
        var longestFreeFlow = 0.0
        for origin in 0..<network.zoneCount where !conventionalRows[origin].isEmpty || !evRows[origin].isEmpty {
            shortest.run(from: origin, cost: freeFlowTime)
            for (destination, row) in conventionalRows[origin] + evRows[origin] {
                let time = shortest.distance[destination]
                guard time < .infinity else { continue }
                longestFreeFlow = max(longestFreeFlow, time)
                firstRoutes[row] = shortest.path(to: destination)
            }
        }
        guard penalty > longestFreeFlow else {
            throw .invalidArgument(
                "the unserved-demand penalty M = \(p.unservedPenalty) is \(penalty) min of travel time at omega = \(omega); "
                    + "it must exceed the longest free-flow OD time (\(longestFreeFlow) min), or the LP leaves demand "
                    + "unserved on purpose (use e.g. M = omega x 10^4 min)")
        }

        var pending: [ColumnKey] = firstRoutes.keys.sorted().map { ColumnKey(row: $0, arcs: firstRoutes[$0]!) }
        firstColumns = pending
        var rowOfODClass: [DemandKey: Int] = [:]
        for (row, demand) in rows.enumerated() {
            rowOfODClass[DemandKey(isEV: demand.isEV, origin: demand.origin, destination: demand.destination)] = row
        }
        for seed in seedColumns {
            guard let row = rowOfODClass[DemandKey(isEV: seed.isEV, origin: seed.origin, destination: seed.destination)] else {
                continue  // no demand for that pair in this problem
            }
            guard Self.isRoute(seed.arcs, from: seed.origin, to: seed.destination, in: network) else {
                throw .invalidArgument("seed column \(seed.origin + 1)->\(seed.destination + 1) is not a loopless route")
            }
            pending.append(ColumnKey(row: row, arcs: seed.arcs))
        }
        let master = Self.buildMaster(
            routes: pending, rows: rows, problem: problem, freeFlowTime: freeFlowTime, siteOfArc: siteOfArc)
        unservedColumn = master.unservedColumn
        laneColumn = master.laneColumn
        spotColumn = master.spotColumn
        columns = master.columns
        columnIndex = master.columnIndex
        evColumnIDs = master.evColumnIDs
        evColumnEnabled = master.evColumnEnabled
        do {
            lp = try LPSolver(master.program, backend: backend)
        } catch {
            throw .solverFailure(error.description)
        }
    }

    /// A master LP with the given routes, no stations built and EV routes disabled.
    private struct Master {
        var program: LinearProgram
        var unservedColumn: [Int] = []
        var laneColumn: [Int] = []
        var spotColumn: [Int] = []
        var columns: [RouteColumn] = []
        var columnIndex: [ColumnKey: Int] = [:]
        var evColumnIDs: [Int] = []
        var evColumnEnabled: [Bool] = []
    }

    /// Builds the master LP, in minutes (every money cost divided by ω): variables first, rows last.
    private static func buildMaster(
        routes: [ColumnKey], rows: [DemandRow], problem: NdPProblem, freeFlowTime: [Double], siteOfArc: [Int]
    ) -> Master {
        let network = problem.network
        let p = problem.parameters
        let omega = p.travelTimeValue
        let arcCount = network.linkCount
        let siteCount = problem.sites.count
        let capacityRow0 = rows.count
        let stationRow0 = capacityRow0 + arcCount
        var master = Master(program: LinearProgram(sense: .minimize))
        var rowTerms = [[(Int, Double)]](repeating: [], count: stationRow0 + siteCount)
        for row in rows.indices {
            let column = master.program.addVariable(lower: 0, upper: .infinity, cost: p.unservedPenalty / omega)
            master.unservedColumn.append(column)
            rowTerms[row].append((column, 1))
        }
        master.laneColumn = [Int](repeating: -1, count: arcCount)
        for arc in 0..<arcCount where p.maxLanes[arc] > 0 && p.laneCapacity[arc] > 0 {
            let column = master.program.addVariable(lower: 0, upper: p.maxLanes[arc], cost: p.laneCost[arc] / omega)
            master.laneColumn[arc] = column
            rowTerms[capacityRow0 + arc].append((column, -p.laneCapacity[arc]))
        }
        for site in 0..<siteCount {
            let column = master.program.addVariable(lower: 0, upper: 0, cost: p.spotCost[site] / omega)
            master.spotColumn.append(column)
            rowTerms[stationRow0 + site].append((column, -p.servicePerSpot))
        }
        for key in routes where master.columnIndex[key] == nil {
            let isEV = rows[key.row].isEV
            let (cost, terms) = columnTerms(
                arcs: key.arcs, row: key.row, isEV: isEV, freeFlowTime: freeFlowTime, capacityRow0: capacityRow0,
                stationRow0: stationRow0, siteOfArc: siteOfArc, eta: p.chargingShare)
            // EV routes start disabled; the first plan enables the range-feasible ones.
            let index = master.program.addVariable(lower: 0, upper: isEV ? 0 : .infinity, cost: cost)
            for (row, value) in terms { rowTerms[row].append((index, value)) }
            master.columnIndex[key] = master.columns.count
            master.columns.append(RouteColumn(row: key.row, arcs: key.arcs, lpIndex: index))
            if isEV {
                master.evColumnIDs.append(master.columns.count - 1)
                master.evColumnEnabled.append(false)
            }
        }
        for (row, demand) in rows.enumerated() {
            master.program.addConstraint(rowTerms[row], lower: demand.volume, upper: demand.volume)
        }
        for arc in 0..<arcCount {
            master.program.addConstraint(rowTerms[capacityRow0 + arc], lower: -.infinity, upper: network.links[arc].capacity)
        }
        for site in 0..<siteCount {
            // Relaxed until a station is built at the site.
            master.program.addConstraint(rowTerms[stationRow0 + site], lower: -.infinity, upper: .infinity)
        }
        return master
    }

    /// Rebuilds the master with only the first routes and those the last solution uses,
    /// so its size stays bounded over long runs (see ``maxRouteColumns``).
    private func compactMaster() throws(TrafficModelError) {
        var keys = firstColumns
        if let last {
            for row in rows.indices {
                for route in last.routes[row] { keys.append(ColumnKey(row: row, arcs: route.arcs)) }
            }
        }
        let master = Self.buildMaster(
            routes: keys, rows: rows, problem: problem, freeFlowTime: freeFlowTime, siteOfArc: siteOfArc)
        compactionCount += 1
        columns = master.columns
        columnIndex = master.columnIndex
        evColumnIDs = master.evColumnIDs
        evColumnEnabled = master.evColumnEnabled
        stations = [Bool](repeating: false, count: problem.sites.count)
        hasStationArc = [Bool](repeating: false, count: problem.network.linkCount)
        feasibilityChecked = false
        do {
            lp = try LPSolver(master.program, backend: backend)
        } catch {
            throw .solverFailure(error.description)
        }
    }

    private struct DemandKey: Hashable {
        var isEV: Bool
        var origin: Int
        var destination: Int
    }

    private static func isRoute(_ arcs: [Int], from origin: Int, to destination: Int, in network: TrafficNetwork) -> Bool {
        guard let first = arcs.first, arcs.allSatisfy({ (0..<network.linkCount).contains($0) }),
            network.tail(of: first) == origin, network.head(of: arcs[arcs.count - 1]) == destination
        else { return false }
        var visited: Set<Int> = [origin]
        for (index, arc) in arcs.enumerated() {
            if index > 0 && network.tail(of: arc) != network.head(of: arcs[index - 1]) { return false }
            if index > 0 && !network.canPassThrough(network.tail(of: arc)) { return false }
            if !visited.insert(network.head(of: arc)).inserted { return false }
        }
        return true
    }

    /// Cost (min) and LP coefficients of a route column.
    private static func columnTerms(
        arcs: [Int], row: Int, isEV: Bool, freeFlowTime: [Double], capacityRow0: Int, stationRow0: Int,
        siteOfArc: [Int], eta: Double
    ) -> (Double, [(Int, Double)]) {
        var cost = 0.0
        var terms: [(Int, Double)] = [(row, 1)]
        for arc in arcs {
            cost += freeFlowTime[arc]
            terms.append((capacityRow0 + arc, 1))
            if isEV, siteOfArc[arc] >= 0 { terms.append((stationRow0 + siteOfArc[arc], eta)) }
        }
        return (cost, terms)
    }

    /// The routes in the master, for seeding another solver (e.g. one per thread).
    public var seedColumns: [NdPColumn] {
        columns.map { column in
            let row = rows[column.row]
            return NdPColumn(isEV: row.isEV, origin: row.origin, destination: row.destination, arcs: column.arcs)
        }
    }

    /// Number of route columns in the master.
    public var columnCount: Int { columns.count }

    /// Whether a baseline is saved (see the type's discussion).
    public var hasBaseline: Bool { baseline != nil }

    /// Saves the state after the last solve — its solution, routes and basis — as the
    /// baseline for ``returnToBaseline()``. Call it after a solve (it does nothing before the first).
    public func saveBaseline() {
        if let point = snapshot() { baseline = point.saved }
    }

    /// Makes the next solve start from the saved baseline instead of the last solve.
    public func returnToBaseline() {
        precondition(baseline != nil, "save a baseline first")
        startsAtBaseline = true
        masterNeedsBaseline = true
    }

    /// The state after the last solve as a starting point to return to later with
    /// ``returnTo(_:)``, or nil before the first solve. When that solve was settled
    /// without the master LP, the master part is the one the solve started from, so a
    /// snapshot taken right after a return and one solve depends only on that starting
    /// point and the plan.
    public func snapshot() -> NdPStartingPoint? {
        guard let state = last else { return nil }
        if masterNeedsBaseline, var start = baseline {
            start.state = state
            return NdPStartingPoint(saved: start)
        }
        return NdPStartingPoint(
            saved: Baseline(
                program: lp.program, basis: lp.basis(), columns: columns, columnIndex: columnIndex,
                evColumnIDs: evColumnIDs, evColumnEnabled: evColumnEnabled, stations: stations,
                hasStationArc: hasStationArc, state: state))
    }

    /// Makes `point` the baseline and the next solve start from it (as
    /// ``returnToBaseline()`` does for the saved one).
    public func returnTo(_ point: NdPStartingPoint) {
        baseline = point.saved
        startsAtBaseline = true
        masterNeedsBaseline = true
    }

    /// Replaces the master by a fresh copy of the baseline's, with its basis.
    private func rebuildFromBaseline(_ saved: Baseline) throws(TrafficModelError) {
        columns = saved.columns
        columnIndex = saved.columnIndex
        evColumnIDs = saved.evColumnIDs
        evColumnEnabled = saved.evColumnEnabled
        stations = saved.stations
        hasStationArc = saved.hasStationArc
        feasibilityChecked = true
        do {
            lp = try LPSolver(saved.program, backend: backend)
        } catch {
            throw .solverFailure(error.description)
        }
        lp.restore(saved.basis)
    }

    /// Solves the LP for a station plan: `stations[s]` says whether site `s` has a station.
    ///
    /// - Parameter detail: also fill the per-OD results and the used routes.
    public func solve(stations plan: [Bool], detail: Bool = false) throws(TrafficModelError) -> NdPSolution {
        guard plan.count == problem.sites.count else {
            throw .invalidArgument("expected \(problem.sites.count) station bits, found \(plan.count)")
        }
        let reference = startsAtBaseline ? baseline?.state : last
        startsAtBaseline = false
        if certifiesFromReference, let reference {
            switch certify(plan, from: reference) {
            case .certified(let certified):
                last = certified
                lastRounds = 0
                return makeSolution(certified, method: .certificate, detail: detail)
            case .failed(let attempt):
                if let restricted = solveRestricted(plan, attempt: attempt, reference: reference) {
                    last = restricted
                    lastRounds = 0
                    return makeSolution(restricted, method: .restrictedLP, detail: detail)
                }
            }
        }
        if masterNeedsBaseline, let saved = baseline {
            try rebuildFromBaseline(saved)
        } else if columns.count > maxRouteColumns {
            try compactMaster()
        }
        masterNeedsBaseline = false
        applyPlan(plan)
        var rounds = 0
        var iterations = 0
        var solution: LPSolution
        while true {
            rounds += 1
            do {
                solution = try lp.solve()
            } catch {
                throw .solverFailure(error.description)
            }
            iterations += solution.iterations ?? 0
            readDuals(solution)
            let added = price()
            if added == 0 { break }
            guard rounds < 10_000 else { throw .solverFailure("column generation did not settle in 10,000 rounds") }
        }
        lastRounds = rounds
        let state = planState(from: solution, rounds: rounds, iterations: iterations)
        last = state
        return makeSolution(state, method: .masterLP, detail: detail)
    }

    /// Sets bounds for a plan: spot limits, service rows and the EV routes' feasibility.
    private func applyPlan(_ plan: [Bool]) {
        let p = problem.parameters
        var changed = false
        for site in plan.indices where plan[site] != stations[site] {
            stations[site] = plan[site]
            changed = true
            for arc in problem.sites[site] { hasStationArc[arc] = plan[site] }
            lp.setVariableBounds(spotColumn[site], lower: 0, upper: plan[site] ? p.maxSpots[site] : 0)
            lp.setConstraintBounds(stationRow0 + site, lower: -.infinity, upper: plan[site] ? p.serviceBase : .infinity)
        }
        if changed || !feasibilityChecked {
            feasibilityChecked = true
            for (slot, id) in evColumnIDs.enumerated() {
                let feasible = p.range.isFeasible(route: columns[id].arcs, lengths: lengths, hasStation: hasStationArc)
                if feasible != evColumnEnabled[slot] {
                    evColumnEnabled[slot] = feasible
                    lp.setVariableBounds(columns[id].lpIndex, lower: 0, upper: feasible ? .infinity : 0)
                }
            }
        }
    }

    private func readDuals(_ solution: LPSolution) {
        rowDual = solution.rowDuals
        let eta = problem.parameters.chargingShare
        // Duals below 1e-12 min are round-off of zero (the LP's own tolerances are 1e-9).
        for arc in delay.indices {
            let value = -rowDual[capacityRow0 + arc]
            delay[arc] = value > 1e-12 ? value : 0
            arcCost[arc] = freeFlowTime[arc] + delay[arc]
        }
        for site in stationDelay.indices {
            let value = -rowDual[stationRow0 + site]
            stationDelay[site] = stations[site] && value > 1e-12 ? value : 0
        }
        for arc in delay.indices {
            let site = siteOfArc[arc]
            evArcCost[arc] = arcCost[arc] + (site >= 0 ? eta * stationDelay[site] : 0)
        }
    }

    /// One pricing round over all origins and both classes; returns the number of routes added.
    private func price() -> Int {
        var newColumns: [ColumnKey] = []
        for origin in conventionalRows.indices {
            if !conventionalRows[origin].isEmpty {
                shortest.run(from: origin, cost: arcCost)
                for (destination, row) in conventionalRows[origin] {
                    let cost = shortest.distance[destination]
                    shortestCost[row] = cost
                    if cost < rowDual[row] - Self.tolerance(rowDual[row]) {
                        let key = ColumnKey(row: row, arcs: shortest.path(to: destination))
                        if columnIndex[key] == nil { newColumns.append(key) }
                    }
                }
            }
            if !evRows[origin].isEmpty {
                constrained.run(from: origin, cost: evArcCost, hasStation: hasStationArc)
                for (destination, row) in evRows[origin] {
                    let cost = constrained.bestCost[destination]
                    shortestCost[row] = cost
                    if cost < rowDual[row] - Self.tolerance(rowDual[row]) {
                        let key = ColumnKey(row: row, arcs: constrained.path(to: destination))
                        if columnIndex[key] == nil { newColumns.append(key) }
                    }
                }
            }
        }
        let eta = problem.parameters.chargingShare
        for key in newColumns {
            let isEV = rows[key.row].isEV
            let (cost, terms) = Self.columnTerms(
                arcs: key.arcs, row: key.row, isEV: isEV, freeFlowTime: freeFlowTime, capacityRow0: capacityRow0,
                stationRow0: stationRow0, siteOfArc: siteOfArc, eta: eta)
            let index = lp.addColumn(cost: cost, lower: 0, upper: .infinity, terms: terms)
            columnIndex[key] = columns.count
            columns.append(RouteColumn(row: key.row, arcs: key.arcs, lpIndex: index))
            if isEV {
                evColumnIDs.append(columns.count - 1)
                evColumnEnabled.append(true)  // priced under the current plan, so feasible
            }
        }
        return newColumns.count
    }

    /// Reduced costs above −tolerance count as optimal (minutes; relative to the OD time).
    @inline(__always)
    static func tolerance(_ reference: Double) -> Double { 1e-9 * max(1, abs(reference)) }

    /// A solution in solver terms: route flows per demand row, slacks, lanes, spots, duals.
    struct PlanState {
        struct RouteFlow {
            var arcs: [Int]
            var flow: Double
        }
        var stations: [Bool]
        var hasStationArc: [Bool]
        var routes: [[RouteFlow]]
        var unserved: [Double]
        var lanes: [Double]
        var spots: [Double]
        var delay: [Double]
        var stationDelay: [Double]
        var odTime: [Double]
        var shortestCost: [Double]
        var rounds: Int
        var iterations: Int
    }

    private func planState(from solution: LPSolution, rounds: Int, iterations: Int) -> PlanState {
        var routes = [[PlanState.RouteFlow]](repeating: [], count: rows.count)
        for column in columns {
            let flow = solution.primal[column.lpIndex]
            if flow > 0 { routes[column.row].append(PlanState.RouteFlow(arcs: column.arcs, flow: flow)) }
        }
        let lanes = laneColumn.map { $0 >= 0 ? max(0, solution.primal[$0]) : 0 }
        let spots = spotColumn.map { max(0, solution.primal[$0]) }
        return PlanState(
            stations: stations, hasStationArc: hasStationArc, routes: routes,
            unserved: unservedColumn.map { max(0, solution.primal[$0]) }, lanes: lanes, spots: spots, delay: delay,
            stationDelay: stationDelay, odTime: Array(rowDual[0..<rows.count]), shortestCost: shortestCost,
            rounds: rounds, iterations: iterations)
    }

    /// Tries to prove the optimum of `plan` from `reference` without the LP (see the type's
    /// discussion); returns nil when the optimality conditions cannot be met this way.
    ///
    /// The duals are searched among the values the reference's structure allows: a capacity
    /// row's π stays, drops to 0 when the row turns slack, or rises to the lane price when
    /// lanes start being built; a station's σ likewise between 0 and the spot price. Each
    /// pass routes every OD pair on its cheapest route under those duals (keeping the
    /// reference's routes, splits included, where they are still cheapest) and updates the
    /// duals from the loads; a pass that changes nothing proves optimality.
    private func certify(_ plan: [Bool], from reference: PlanState) -> CertificateOutcome {
        let p = problem.parameters
        let network = problem.network
        let arcCount = network.linkCount
        let eta = p.chargingShare
        var hasStation = [Bool](repeating: false, count: arcCount)
        for (site, arcs) in problem.sites.enumerated() where plan[site] { for arc in arcs { hasStation[arc] = true } }
        var sigma = [Double](repeating: 0, count: plan.count)
        for site in plan.indices where plan[site] && reference.stations[site] { sigma[site] = reference.stationDelay[site] }
        var pi = reference.delay
        var state = reference
        state.stations = plan
        state.hasStationArc = hasStation
        state.rounds = 0
        state.iterations = 0
        var flow = [Double](repeating: 0, count: arcCount)
        var evSiteFlow = [Double](repeating: 0, count: plan.count)
        var conventionalPriced = false
        var visited: [([Double], [Double])] = []
        var alternatives: [Int: [[Int]]] = [:]  // routes tried per re-routed row
        var contestedArcs = [Bool](repeating: false, count: arcCount)
        var contestedSites = [Bool](repeating: false, count: plan.count)
        func failed() -> CertificateOutcome {
            .failed(
                CertificateAttempt(
                    state: state, hasStation: hasStation, alternatives: alternatives, contestedArcs: contestedArcs,
                    contestedSites: contestedSites))
        }

        /// Routes one demand row on its cheapest route, keeping the reference's routes when
        /// they are all still cheapest.
        func route(_ row: Int, best: Double, path: () -> [Int], cost: [Double], checkRange: Bool) {
            let kept = reference.routes[row]
            var keep = !kept.isEmpty && (reference.unserved[row] == 0 || best >= penalty - Self.tolerance(penalty))
            if keep {
                for route in kept {
                    var routeCost = 0.0
                    for arc in route.arcs { routeCost += cost[arc] }
                    if abs(routeCost - best) > Self.tolerance(best)
                        || (checkRange && !p.range.isFeasible(route: route.arcs, lengths: lengths, hasStation: hasStation))
                    {
                        keep = false
                        break
                    }
                }
            }
            if keep {
                state.routes[row] = kept
                state.unserved[row] = reference.unserved[row]
                state.odTime[row] = reference.unserved[row] > 0 ? penalty : best
            } else if best < penalty - Self.tolerance(penalty) {
                let arcs = path()
                state.routes[row] = [PlanState.RouteFlow(arcs: arcs, flow: rows[row].volume)]
                if !(alternatives[row]?.contains(arcs) ?? false) { alternatives[row, default: []].append(arcs) }
                state.unserved[row] = 0
                state.odTime[row] = best
            } else {
                state.routes[row] = []
                state.unserved[row] = rows[row].volume
                state.odTime[row] = penalty
            }
        }

        for _ in 0..<8 {
            for arc in 0..<arcCount {
                arcCost[arc] = freeFlowTime[arc] + pi[arc]
                let site = siteOfArc[arc]
                evArcCost[arc] = arcCost[arc] + (site >= 0 && plan[site] ? eta * sigma[site] : 0)
            }
            // Conventional rows depend on π only: the reference stands until π moves.
            if conventionalPriced || pi != reference.delay {
                conventionalPriced = true
                for origin in conventionalRows.indices where !conventionalRows[origin].isEmpty {
                    shortest.run(from: origin, cost: arcCost)
                    for (destination, row) in conventionalRows[origin] {
                        let best = shortest.distance[destination]
                        state.shortestCost[row] = best
                        route(row, best: best, path: { shortest.path(to: destination) }, cost: arcCost, checkRange: false)
                    }
                }
            }
            for origin in evRows.indices where !evRows[origin].isEmpty {
                constrained.run(from: origin, cost: evArcCost, hasStation: hasStation)
                for (destination, row) in evRows[origin] {
                    let best = constrained.bestCost[destination]
                    state.shortestCost[row] = best
                    route(row, best: best, path: { constrained.path(to: destination) }, cost: evArcCost, checkRange: true)
                }
            }
            for arc in 0..<arcCount { flow[arc] = 0 }
            for site in evSiteFlow.indices { evSiteFlow[site] = 0 }
            for (index, row) in rows.enumerated() {
                for route in state.routes[index] {
                    for arc in route.arcs {
                        flow[arc] += route.flow
                        if row.isEV, siteOfArc[arc] >= 0 { evSiteFlow[siteOfArc[arc]] += route.flow }
                    }
                }
            }
            var changed = false
            // Capacity rows: lanes follow the load; π must match the lane column's state.
            for arc in 0..<arcCount {
                let capacity = network.links[arc].capacity
                let excess = flow[arc] - capacity
                let tolerance = 1e-9 * max(1, capacity)
                var wanted = pi[arc]
                var lanes = 0.0
                if laneColumn[arc] >= 0 {
                    let perLane = p.laneCapacity[arc]
                    let lanePrice = p.laneCost[arc] / omega / perLane
                    let limit = p.maxLanes[arc]
                    if excess > tolerance {
                        lanes = excess / perLane
                        if lanes > limit * (1 + 1e-9) {  // more than the lanes allowed: the LP decides
                            contestedArcs[arc] = true
                            return failed()
                        }
                        if lanes >= limit * (1 - 1e-9) {
                            lanes = limit
                            if pi[arc] < lanePrice * (1 - 1e-9) {  // π above the lane price is the LP's business
                                contestedArcs[arc] = true
                                return failed()
                            }
                        } else {
                            wanted = lanePrice
                        }
                    } else if excess < -tolerance {
                        wanted = 0
                    } else {
                        wanted = min(max(pi[arc], 0), lanePrice)
                    }
                } else {
                    if excess > tolerance {  // over a capacity that cannot grow: the LP splits flows
                        contestedArcs[arc] = true
                        return failed()
                    }
                    if excess < -tolerance { wanted = 0 }
                }
                state.lanes[arc] = lanes
                if abs(wanted - pi[arc]) > 1e-9 * max(1e-3, wanted) {
                    contestedArcs[arc] = true
                    pi[arc] = wanted
                    changed = true
                }
            }
            // Station rows: spots follow the load; σ must match the spot column's state.
            for site in plan.indices {
                guard plan[site] else {
                    state.spots[site] = 0
                    continue
                }
                let spotPrice = p.servicePerSpot > 0 ? p.spotCost[site] / omega / p.servicePerSpot : 0
                let load = eta * evSiteFlow[site]
                let excess = load - p.serviceBase
                let tolerance = 1e-9 * max(1, p.serviceBase, load)
                var wanted = sigma[site]
                var spots = 0.0
                if excess > tolerance {
                    guard p.servicePerSpot > 0 else {
                        contestedSites[site] = true
                        return failed()
                    }
                    spots = excess / p.servicePerSpot
                    let limit = p.maxSpots[site]
                    if spots > limit * (1 + 1e-9) {  // a full station: the LP decides
                        contestedSites[site] = true
                        return failed()
                    }
                    if spots >= limit * (1 - 1e-9) {
                        spots = limit
                        if sigma[site] < spotPrice * (1 - 1e-9) {
                            contestedSites[site] = true
                            return failed()
                        }
                    } else {
                        wanted = spotPrice
                    }
                } else if excess < -tolerance {
                    wanted = 0
                } else {
                    wanted = min(max(sigma[site], 0), spotPrice)
                }
                state.spots[site] = spots
                if abs(wanted - sigma[site]) > 1e-9 * max(1e-3, wanted) {
                    contestedSites[site] = true
                    sigma[site] = wanted
                    changed = true
                }
            }
            if !changed {
                state.delay = pi
                state.stationDelay = sigma
                return .certified(state)
            }
            // Duals seen before: the passes cycle (the optimum needs a split only an LP finds).
            if visited.contains(where: { $0.0 == pi && $0.1 == sigma }) { return failed() }
            visited.append((pi, sigma))
        }
        return failed()
    }

    private enum CertificateOutcome {
        case certified(PlanState)
        case failed(CertificateAttempt)
    }

    /// What a failed certificate leaves: its last routing and where it got stuck.
    private struct CertificateAttempt {
        var state: PlanState
        var hasStation: [Bool]
        /// Routes tried per re-routed demand row.
        var alternatives: [Int: [[Int]]]
        /// Arcs whose delay π had to move, or that broke a limit.
        var contestedArcs: [Bool]
        /// Sites whose delay σ had to move, or that broke a limit.
        var contestedSites: [Bool]
    }

    /// Settles what a certificate could not with a small LP over the demand rows whose
    /// routes touch the contested arcs and sites; every other row keeps its routes as a
    /// fixed load. The small LP's duals are then checked against every row over the whole
    /// network (a row whose routes are no longer cheapest joins the LP, and priced routes
    /// join their rows), so a result is an optimum of the full LP, not an approximation.
    /// Returns nil when this does not settle within a few rounds; the master LP decides then.
    private func solveRestricted(_ plan: [Bool], attempt: CertificateAttempt, reference: PlanState) -> PlanState? {
        let p = problem.parameters
        let network = problem.network
        let arcCount = network.linkCount
        let siteCount = plan.count
        let eta = p.chargingShare
        let hasStation = attempt.hasStation
        var state = attempt.state
        func touchesContested(_ arcs: [Int]) -> Bool {
            arcs.contains { arc in
                attempt.contestedArcs[arc] || (siteOfArc[arc] >= 0 && attempt.contestedSites[siteOfArc[arc]])
            }
        }
        // Candidate routes of the rows in the small LP, in a fixed order.
        var candidates: [Int: [[Int]]] = [:]
        var active = [Bool](repeating: false, count: rows.count)
        func addCandidate(_ row: Int, _ arcs: [Int]) {
            guard !arcs.isEmpty else { return }
            if rows[row].isEV && !p.range.isFeasible(route: arcs, lengths: lengths, hasStation: hasStation) { return }
            if !(candidates[row]?.contains(arcs) ?? false) { candidates[row, default: []].append(arcs) }
        }
        func activate(_ row: Int) {
            guard !active[row] else { return }
            active[row] = true
            for route in reference.routes[row] { addCandidate(row, route.arcs) }
            for route in state.routes[row] { addCandidate(row, route.arcs) }
            for arcs in attempt.alternatives[row] ?? [] { addCandidate(row, arcs) }
        }
        for row in rows.indices {
            let touched =
                reference.routes[row].contains { touchesContested($0.arcs) }
                || state.routes[row].contains { touchesContested($0.arcs) }
                || (attempt.alternatives[row] ?? []).contains { touchesContested($0) }
            if touched { activate(row) }
        }

        for _ in 0..<6 {
            // Fixed loads of the rows outside the small LP.
            var fixedFlow = [Double](repeating: 0, count: arcCount)
            var fixedEV = [Double](repeating: 0, count: siteCount)
            for row in rows.indices where !active[row] {
                for route in state.routes[row] {
                    for arc in route.arcs {
                        fixedFlow[arc] += route.flow
                        if rows[row].isEV, siteOfArc[arc] >= 0 { fixedEV[siteOfArc[arc]] += route.flow }
                    }
                }
            }
            // The small LP: demand rows of the active rows, every capacity row, built stations.
            var program = LinearProgram(sense: .minimize)
            let activeRows = rows.indices.filter { active[$0] }
            let capacityRow = activeRows.count
            var stationRow = [Int](repeating: -1, count: siteCount)
            var rowTerms = [[(Int, Double)]](repeating: [], count: capacityRow + arcCount)
            var routeColumns: [(row: Int, arcs: [Int], column: Int)] = []
            var unservedColumns: [Int] = []
            for (position, row) in activeRows.enumerated() {
                let column = program.addVariable(lower: 0, upper: .infinity, cost: penalty)
                unservedColumns.append(column)
                rowTerms[position].append((column, 1))
                for arcs in candidates[row] ?? [] {
                    var cost = 0.0
                    for arc in arcs { cost += freeFlowTime[arc] }
                    let column = program.addVariable(lower: 0, upper: .infinity, cost: cost)
                    routeColumns.append((row, arcs, column))
                    rowTerms[position].append((column, 1))
                    for arc in arcs { rowTerms[capacityRow + arc].append((column, 1)) }
                }
            }
            var laneVariable = [Int](repeating: -1, count: arcCount)
            for arc in 0..<arcCount where laneColumn[arc] >= 0 {
                laneVariable[arc] = program.addVariable(lower: 0, upper: p.maxLanes[arc], cost: p.laneCost[arc] / omega)
                rowTerms[capacityRow + arc].append((laneVariable[arc], -p.laneCapacity[arc]))
            }
            var spotVariable = [Int](repeating: -1, count: siteCount)
            for site in 0..<siteCount where plan[site] {
                spotVariable[site] = program.addVariable(lower: 0, upper: p.maxSpots[site], cost: p.spotCost[site] / omega)
                stationRow[site] = rowTerms.count
                var terms: [(Int, Double)] = [(spotVariable[site], -p.servicePerSpot)]
                for entry in routeColumns where rows[entry.row].isEV {
                    for arc in entry.arcs where siteOfArc[arc] == site { terms.append((entry.column, eta)) }
                }
                rowTerms.append(terms)
            }
            for (position, row) in activeRows.enumerated() {
                program.addConstraint(rowTerms[position], lower: rows[row].volume, upper: rows[row].volume)
            }
            for arc in 0..<arcCount {
                program.addConstraint(
                    rowTerms[capacityRow + arc], lower: -.infinity, upper: network.links[arc].capacity - fixedFlow[arc])
            }
            for site in 0..<siteCount where plan[site] {
                program.addConstraint(rowTerms[stationRow[site]], lower: -.infinity, upper: p.serviceBase - eta * fixedEV[site])
            }
            let solution: LPSolution
            do {
                // A few dozen rows and columns, built afresh each round: presolve would
                // cost more than the simplex itself.
                solution = try LPSolver(program, backend: backend, limits: LPLimits(presolve: false)).solve()
            } catch {
                return nil
            }
            // Duals of the small LP, then a full pricing round over every row.
            var pi = [Double](repeating: 0, count: arcCount)
            var sigma = [Double](repeating: 0, count: siteCount)
            for arc in 0..<arcCount {
                let value = -solution.rowDuals[capacityRow + arc]
                pi[arc] = value > 1e-12 ? value : 0
                arcCost[arc] = freeFlowTime[arc] + pi[arc]
            }
            for site in 0..<siteCount where plan[site] {
                let value = -solution.rowDuals[stationRow[site]]
                sigma[site] = value > 1e-12 ? value : 0
            }
            for arc in 0..<arcCount {
                let site = siteOfArc[arc]
                evArcCost[arc] = arcCost[arc] + (site >= 0 && plan[site] ? eta * sigma[site] : 0)
            }
            var odDual = [Double](repeating: 0, count: rows.count)
            for (position, row) in activeRows.enumerated() { odDual[row] = solution.rowDuals[position] }
            var settled = true
            func check(_ row: Int, best: Double, path: () -> [Int], cost: [Double]) {
                state.shortestCost[row] = best
                if active[row] {
                    if best < odDual[row] - Self.tolerance(odDual[row]) {
                        let before = candidates[row]?.count ?? 0
                        addCandidate(row, path())
                        if (candidates[row]?.count ?? 0) > before { settled = false }
                    }
                    return
                }
                var fine = state.unserved[row] == 0 || best >= penalty - Self.tolerance(penalty)
                for route in state.routes[row] where fine {
                    var routeCost = 0.0
                    for arc in route.arcs { routeCost += cost[arc] }
                    if abs(routeCost - best) > Self.tolerance(best) { fine = false }
                }
                if state.routes[row].isEmpty && best < penalty - Self.tolerance(penalty) { fine = false }
                if !fine {
                    activate(row)
                    addCandidate(row, path())
                    settled = false
                }
            }
            for origin in conventionalRows.indices where !conventionalRows[origin].isEmpty {
                shortest.run(from: origin, cost: arcCost)
                for (destination, row) in conventionalRows[origin] {
                    check(row, best: shortest.distance[destination], path: { shortest.path(to: destination) }, cost: arcCost)
                }
            }
            for origin in evRows.indices where !evRows[origin].isEmpty {
                constrained.run(from: origin, cost: evArcCost, hasStation: hasStation)
                for (destination, row) in evRows[origin] {
                    check(
                        row, best: constrained.bestCost[destination], path: { constrained.path(to: destination) },
                        cost: evArcCost)
                }
            }
            guard settled else { continue }
            for (position, row) in activeRows.enumerated() {
                state.routes[row] = []
                state.unserved[row] = max(0, solution.primal[unservedColumns[position]])
                state.odTime[row] = odDual[row]
            }
            for entry in routeColumns {
                let flow = solution.primal[entry.column]
                if flow > 0 { state.routes[entry.row].append(PlanState.RouteFlow(arcs: entry.arcs, flow: flow)) }
            }
            for row in rows.indices where !active[row] {
                state.odTime[row] = state.unserved[row] > 0 ? penalty : state.shortestCost[row]
            }
            for arc in 0..<arcCount { state.lanes[arc] = laneVariable[arc] >= 0 ? max(0, solution.primal[laneVariable[arc]]) : 0 }
            for site in 0..<siteCount { state.spots[site] = spotVariable[site] >= 0 ? max(0, solution.primal[spotVariable[site]]) : 0 }
            state.delay = pi
            state.stationDelay = sigma
            state.rounds = 0
            state.iterations = solution.iterations ?? 0
            return state
        }
        return nil
    }

    private func makeSolution(_ state: PlanState, method: NdPSolution.Method, detail: Bool) -> NdPSolution {
        let p = problem.parameters
        let network = problem.network
        let arcCount = network.linkCount
        let siteCount = problem.sites.count
        let eta = p.chargingShare
        var cost = [Double](repeating: 0, count: arcCount)
        var evCost = cost
        for arc in 0..<arcCount {
            cost[arc] = freeFlowTime[arc] + state.delay[arc]
            let site = siteOfArc[arc]
            evCost[arc] = cost[arc] + (site >= 0 && state.stations[site] ? eta * state.stationDelay[site] : 0)
        }
        var conventionalFlow = [Double](repeating: 0, count: arcCount)
        var evFlow = [Double](repeating: 0, count: arcCount)
        var gapNumerator = 0.0
        var gapDenominator = 0.0
        var routeCost = 0.0  // Σ f t0 over routes, the travel part of the objective
        var routes: [NdPRouteFlow] = []
        for (index, row) in rows.enumerated() {
            for route in state.routes[index] {
                var generalized = 0.0
                if row.isEV {
                    for arc in route.arcs {
                        evFlow[arc] += route.flow
                        generalized += evCost[arc]
                        routeCost += route.flow * freeFlowTime[arc]
                    }
                } else {
                    for arc in route.arcs {
                        conventionalFlow[arc] += route.flow
                        generalized += cost[arc]
                        routeCost += route.flow * freeFlowTime[arc]
                    }
                }
                gapNumerator += route.flow * max(0, generalized - state.shortestCost[index])
                gapDenominator += route.flow * generalized
                if detail {
                    routes.append(
                        NdPRouteFlow(
                            isEV: row.isEV, origin: row.origin, destination: row.destination, arcs: route.arcs,
                            flow: route.flow, cost: generalized))
                }
            }
        }
        var systemTime = 0.0
        var equilibriumTime = 0.0
        var integerLanes = [Int](repeating: 0, count: arcCount)
        var laneCost = 0.0
        var integerLaneCost = 0.0
        var integerFeasible = true
        for arc in 0..<arcCount {
            let flow = conventionalFlow[arc] + evFlow[arc]
            systemTime += freeFlowTime[arc] * flow
            equilibriumTime += cost[arc] * flow
            integerLanes[arc] = Int((state.lanes[arc] - 1e-9).rounded(.up))
            laneCost += p.laneCost[arc] * state.lanes[arc]
            integerLaneCost += p.laneCost[arc] * Double(integerLanes[arc])
            let capacity = network.links[arc].capacity + p.laneCapacity[arc] * Double(integerLanes[arc])
            if flow > capacity * (1 + 1e-9) + 1e-9 { integerFeasible = false }
        }
        var integerSpots = [Int](repeating: 0, count: siteCount)
        var evThroughSite = [Double](repeating: 0, count: siteCount)
        var spotCost = 0.0
        var integerSpotCost = 0.0
        var queueing = 0.0
        for site in 0..<siteCount {
            for arc in problem.sites[site] { evThroughSite[site] += evFlow[arc] }
            integerSpots[site] = Int((state.spots[site] - 1e-9).rounded(.up))
            spotCost += p.spotCost[site] * state.spots[site]
            integerSpotCost += p.spotCost[site] * Double(integerSpots[site])
            queueing += state.stationDelay[site] * eta * evThroughSite[site]
            if state.stations[site] {
                let service = p.servicePerSpot * Double(integerSpots[site]) + p.serviceBase
                if eta * evThroughSite[site] > service * (1 + 1e-9) + 1e-9
                    || Double(integerSpots[site]) > p.maxSpots[site]
                {
                    integerFeasible = false
                }
            }
        }
        var unservedConventional = 0.0
        var unservedEV = 0.0
        var evWithoutRoute = 0
        var odResults: [NdPODResult] = []
        for (index, row) in rows.enumerated() {
            let unserved = state.unserved[index]
            if row.isEV {
                unservedEV += unserved
                if state.shortestCost[index] == .infinity { evWithoutRoute += 1 }
            } else {
                unservedConventional += unserved
            }
            if detail {
                odResults.append(
                    NdPODResult(
                        isEV: row.isEV, origin: row.origin, destination: row.destination, demand: row.volume,
                        unserved: unserved, travelTime: state.odTime[index], shortestRouteCost: state.shortestCost[index]))
            }
        }
        let objective = omega * (routeCost + penalty * (unservedConventional + unservedEV)) + laneCost + spotCost
        return NdPSolution(
            objective: objective, conventionalFlow: conventionalFlow, evFlow: evFlow, delay: state.delay,
            stationDelay: state.stationDelay, lanes: state.lanes, integerLanes: integerLanes, spots: state.spots,
            integerSpots: integerSpots, integerPlanFeasible: integerFeasible, evFlowThroughSite: evThroughSite,
            systemTravelTime: systemTime, equilibriumTravelTime: equilibriumTime, stationQueueingTime: queueing,
            laneCost: laneCost, integerLaneCost: integerLaneCost, spotCost: spotCost, integerSpotCost: integerSpotCost,
            unservedConventional: unservedConventional, unservedEV: unservedEV, evPairsWithoutRoute: evWithoutRoute,
            wardropGap: gapDenominator > 0 ? gapNumerator / gapDenominator : 0, rounds: state.rounds,
            simplexIterations: state.iterations, columnCount: columns.count, method: method, odResults: odResults,
            routes: routes)
    }
}

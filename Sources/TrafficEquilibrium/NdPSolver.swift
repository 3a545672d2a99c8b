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
/// Between plans the master is kept: ``solve(stations:detail:)`` changes only bounds —
/// spot limits, station-service rows, and which EV routes are range-feasible — and
/// re-solves from the previous basis, so a neighbouring plan costs a few simplex pivots
/// and one pricing round.
///
/// A solver is not thread-safe: give each thread its own (seeding it with
/// ``columns`` of a warmed-up solver, if wanted). Degenerate LPs have many optimal flows
/// and duals; which one a warm solve returns depends on the previous plan. Objective,
/// unserved demand and the Wardrop gap do not.
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

    private struct RouteColumn {
        var row: Int
        var arcs: [Int]
        var lpIndex: Int
    }

    private struct ColumnKey: Hashable {
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
    private var columnIndex: [ColumnKey: Int] = [:]
    private var evColumnIDs: [Int] = []
    private var evColumnEnabled: [Bool] = []
    private var siteOfArc: [Int]
    private var stations: [Bool]
    private var hasStationArc: [Bool]
    private var feasibilityChecked = false
    private let lp: LPSolver
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

        // The master LP, in minutes (every money cost divided by ω). Variables first, rows last.
        var program = LinearProgram(sense: .minimize)
        var rowTerms = [[(Int, Double)]](repeating: [], count: stationRow0 + siteCount)
        for (row, _) in rows.enumerated() {
            let column = program.addVariable(lower: 0, upper: .infinity, cost: penalty)
            unservedColumn.append(column)
            rowTerms[row].append((column, 1))
        }
        laneColumn = [Int](repeating: -1, count: arcCount)
        for arc in 0..<arcCount where p.maxLanes[arc] > 0 && p.laneCapacity[arc] > 0 {
            laneColumn[arc] = program.addVariable(lower: 0, upper: p.maxLanes[arc], cost: p.laneCost[arc] / omega)
            rowTerms[capacityRow0 + arc].append((laneColumn[arc], -p.laneCapacity[arc]))
        }
        for site in 0..<siteCount {
            spotColumn.append(program.addVariable(lower: 0, upper: 0, cost: p.spotCost[site] / omega))
            rowTerms[stationRow0 + site].append((spotColumn[site], -p.servicePerSpot))
        }
        var pending: [ColumnKey] = firstRoutes.keys.sorted().map { ColumnKey(row: $0, arcs: firstRoutes[$0]!) }
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
        for key in pending where columnIndex[key] == nil {
            let isEV = rows[key.row].isEV
            let (cost, terms) = Self.columnTerms(
                arcs: key.arcs, row: key.row, isEV: isEV, freeFlowTime: freeFlowTime, capacityRow0: capacityRow0,
                stationRow0: stationRow0, siteOfArc: siteOfArc, eta: p.chargingShare)
            // EV routes start disabled; the first plan enables the range-feasible ones.
            let index = program.addVariable(lower: 0, upper: isEV ? 0 : .infinity, cost: cost)
            for (row, value) in terms { rowTerms[row].append((index, value)) }
            columnIndex[key] = columns.count
            columns.append(RouteColumn(row: key.row, arcs: key.arcs, lpIndex: index))
            if isEV {
                evColumnIDs.append(columns.count - 1)
                evColumnEnabled.append(false)
            }
        }
        for (row, demand) in rows.enumerated() {
            program.addConstraint(rowTerms[row], lower: demand.volume, upper: demand.volume)
        }
        for arc in 0..<arcCount {
            program.addConstraint(rowTerms[capacityRow0 + arc], lower: -.infinity, upper: network.links[arc].capacity)
        }
        for site in 0..<siteCount {
            // Relaxed until a station is built at the site.
            program.addConstraint(rowTerms[stationRow0 + site], lower: -.infinity, upper: .infinity)
        }
        do {
            lp = try LPSolver(program, backend: backend)
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

    /// Solves the LP for a station plan: `stations[s]` says whether site `s` has a station.
    ///
    /// - Parameter detail: also fill the per-OD results and the used routes.
    public func solve(stations plan: [Bool], detail: Bool = false) throws(TrafficModelError) -> NdPSolution {
        guard plan.count == problem.sites.count else {
            throw .invalidArgument("expected \(problem.sites.count) station bits, found \(plan.count)")
        }
        applyPlan(plan)
        let p = problem.parameters
        let network = problem.network
        var rounds = 0
        var solution: LPSolution
        while true {
            rounds += 1
            do {
                solution = try lp.solve()
            } catch {
                throw .solverFailure(error.description)
            }
            readDuals(solution)
            let added = price()
            if added == 0 { break }
            guard rounds < 10_000 else { throw .solverFailure("column generation did not settle in 10,000 rounds") }
        }
        lastRounds = rounds
        return makeSolution(solution, rounds: rounds, detail: detail, network: network, parameters: p)
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
        for arc in delay.indices {
            delay[arc] = max(0, -rowDual[capacityRow0 + arc])
            arcCost[arc] = freeFlowTime[arc] + delay[arc]
        }
        for site in stationDelay.indices {
            stationDelay[site] = stations[site] ? max(0, -rowDual[stationRow0 + site]) : 0
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

    private func makeSolution(
        _ solution: LPSolution, rounds: Int, detail: Bool, network: TrafficNetwork, parameters p: NdPParameters
    ) -> NdPSolution {
        let arcCount = network.linkCount
        let siteCount = problem.sites.count
        var conventionalFlow = [Double](repeating: 0, count: arcCount)
        var evFlow = [Double](repeating: 0, count: arcCount)
        var gapNumerator = 0.0
        var gapDenominator = 0.0
        var routes: [NdPRouteFlow] = []
        for column in columns {
            let flow = solution.primal[column.lpIndex]
            guard flow > 0 else { continue }
            let row = rows[column.row]
            var cost = 0.0
            if row.isEV {
                for arc in column.arcs {
                    evFlow[arc] += flow
                    cost += evArcCost[arc]
                }
            } else {
                for arc in column.arcs {
                    conventionalFlow[arc] += flow
                    cost += arcCost[arc]
                }
            }
            gapNumerator += flow * max(0, cost - shortestCost[column.row])
            gapDenominator += flow * cost
            if detail {
                routes.append(
                    NdPRouteFlow(
                        isEV: row.isEV, origin: row.origin, destination: row.destination, arcs: column.arcs, flow: flow,
                        cost: cost))
            }
        }
        var systemTime = 0.0
        var equilibriumTime = 0.0
        var lanes = [Double](repeating: 0, count: arcCount)
        var integerLanes = [Int](repeating: 0, count: arcCount)
        var laneCost = 0.0
        var integerLaneCost = 0.0
        var integerFeasible = true
        for arc in 0..<arcCount {
            let flow = conventionalFlow[arc] + evFlow[arc]
            systemTime += freeFlowTime[arc] * flow
            equilibriumTime += arcCost[arc] * flow
            if laneColumn[arc] >= 0 {
                lanes[arc] = max(0, solution.primal[laneColumn[arc]])
                integerLanes[arc] = Int((lanes[arc] - 1e-9).rounded(.up))
                laneCost += p.laneCost[arc] * lanes[arc]
                integerLaneCost += p.laneCost[arc] * Double(integerLanes[arc])
            }
            let capacity = network.links[arc].capacity + p.laneCapacity[arc] * Double(integerLanes[arc])
            if flow > capacity * (1 + 1e-9) + 1e-9 { integerFeasible = false }
        }
        var spots = [Double](repeating: 0, count: siteCount)
        var integerSpots = [Int](repeating: 0, count: siteCount)
        var evThroughSite = [Double](repeating: 0, count: siteCount)
        var spotCost = 0.0
        var integerSpotCost = 0.0
        var queueing = 0.0
        for site in 0..<siteCount {
            for arc in problem.sites[site] { evThroughSite[site] += evFlow[arc] }
            spots[site] = max(0, solution.primal[spotColumn[site]])
            integerSpots[site] = Int((spots[site] - 1e-9).rounded(.up))
            spotCost += p.spotCost[site] * spots[site]
            integerSpotCost += p.spotCost[site] * Double(integerSpots[site])
            queueing += stationDelay[site] * p.chargingShare * evThroughSite[site]
            if stations[site] {
                let service = p.servicePerSpot * Double(integerSpots[site]) + p.serviceBase
                if p.chargingShare * evThroughSite[site] > service * (1 + 1e-9) + 1e-9
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
            let unserved = max(0, solution.primal[unservedColumn[index]])
            if row.isEV {
                unservedEV += unserved
                if shortestCost[index] == .infinity { evWithoutRoute += 1 }
            } else {
                unservedConventional += unserved
            }
            if detail {
                odResults.append(
                    NdPODResult(
                        isEV: row.isEV, origin: row.origin, destination: row.destination, demand: row.volume,
                        unserved: unserved, travelTime: rowDual[index], shortestRouteCost: shortestCost[index]))
            }
        }
        return NdPSolution(
            objective: solution.objective * omega, conventionalFlow: conventionalFlow, evFlow: evFlow, delay: delay,
            stationDelay: stationDelay, lanes: lanes, integerLanes: integerLanes, spots: spots,
            integerSpots: integerSpots, integerPlanFeasible: integerFeasible, evFlowThroughSite: evThroughSite,
            systemTravelTime: systemTime, equilibriumTravelTime: equilibriumTime, stationQueueingTime: queueing,
            laneCost: laneCost, integerLaneCost: integerLaneCost, spotCost: spotCost, integerSpotCost: integerSpotCost,
            unservedConventional: unservedConventional, unservedEV: unservedEV, evPairsWithoutRoute: evWithoutRoute,
            wardropGap: gapDenominator > 0 ? gapNumerator / gapDenominator : 0, rounds: rounds,
            columnCount: columns.count, odResults: odResults, routes: routes)
    }
}

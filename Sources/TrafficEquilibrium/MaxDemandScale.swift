import LinearProgramming

/// The maximum concurrent demand multiple λ*: the largest factor by which every OD demand
/// (both classes) can be scaled and still be routed within the capacities.
///
/// One LP, exact over all loopless routes by column generation:
///
///     maximise λ  s.t.  Σ_{r ∈ R_od} f_r = λ q_od  (per OD and class),
///                       Σ_{r ∋ a} f_r ≤ c_a (+ Δc_a n_a with lanes),
///                       η Σ_{EV r through s} f_r ≤ g1 ȳ_s + g0 at built stations,
///                       EV routes range-feasible for the plan.
///
/// Pricing uses the capacity duals alone as arc costs: a route improves λ when its dual
/// length is below its OD row's dual.
public enum MaxDemandScale {
    /// The result of the λ* LP.
    public struct Result: Sendable {
        /// λ*; `.infinity` when no capacity ever binds (cannot happen with positive demand and finite capacities).
        public var scale: Double
        /// Total flow per arc at λ* (veh/h).
        public var flow: [Double]
        /// Arcs whose capacity binds at λ* (flow within 1e-9 relative of capacity, with positive dual).
        public var bottlenecks: [Int]
        /// Column-generation rounds.
        public var rounds: Int
    }

    /// Computes λ* for `problem` and a station plan (ignored when there is no EV demand).
    ///
    /// - Parameter allowLanes: let lanes up to `maxLanes` add capacity (free of charge);
    ///   the default measures the existing network.
    public static func solve(
        problem: NdPProblem, stations plan: [Bool]? = nil, allowLanes: Bool = false, backend: LPBackend = .clp
    ) throws(TrafficModelError) -> Result {
        try problem.validate()
        let network = problem.network
        let p = problem.parameters
        let arcCount = network.linkCount
        let plan = plan ?? [Bool](repeating: false, count: problem.sites.count)
        guard plan.count == problem.sites.count else {
            throw .invalidArgument("expected \(problem.sites.count) station bits, found \(plan.count)")
        }
        var siteOfArc = [Int](repeating: -1, count: arcCount)
        var hasStation = [Bool](repeating: false, count: arcCount)
        for (site, arcs) in problem.sites.enumerated() {
            for arc in arcs {
                siteOfArc[arc] = site
                hasStation[arc] = plan[site]
            }
        }
        struct Row {
            var isEV: Bool
            var origin: Int
            var destination: Int
            var volume: Double
        }
        var rows: [Row] = []
        for pair in problem.conventionalDemand.pairs {
            rows.append(Row(isEV: false, origin: pair.origin, destination: pair.destination, volume: pair.volume))
        }
        for pair in problem.evDemand.pairs {
            rows.append(Row(isEV: true, origin: pair.origin, destination: pair.destination, volume: pair.volume))
        }
        guard !rows.isEmpty else { throw .invalidArgument("the problem has no demand between distinct zones") }
        var rowsByOrigin = [[(row: Int, isEV: Bool)]](repeating: [], count: network.zoneCount)
        for (index, row) in rows.enumerated() { rowsByOrigin[row.origin].append((index, row.isEV)) }

        let capacityRow0 = rows.count
        let stationRow0 = capacityRow0 + arcCount
        var shortest = ShortestPathEngine(network: network)
        var constrained = RangeConstrainedPathEngine(network: network, model: p.range)
        let freeFlow = network.freeFlowTimes

        // Variables: λ, lanes, spots, then one first route per OD and class.
        var program = LinearProgram(sense: .maximize)
        var rowTerms = [[(Int, Double)]](repeating: [], count: stationRow0 + problem.sites.count)
        let scale = program.addVariable(lower: 0, upper: .infinity, cost: 1)
        for (index, row) in rows.enumerated() { rowTerms[index].append((scale, -row.volume)) }
        if allowLanes {
            for arc in 0..<arcCount where p.maxLanes[arc] > 0 && p.laneCapacity[arc] > 0 {
                let lane = program.addVariable(lower: 0, upper: p.maxLanes[arc], cost: 0)
                rowTerms[capacityRow0 + arc].append((lane, -p.laneCapacity[arc]))
            }
        }
        var routeArcs: [Int: [Int]] = [:]  // LP column -> arcs
        var known = Set<[Int]>()  // row, then arcs
        func terms(_ arcs: [Int], row: Int, isEV: Bool) -> [(Int, Double)] {
            var result: [(Int, Double)] = [(row, 1)]
            for arc in arcs {
                result.append((capacityRow0 + arc, 1))
                if isEV, siteOfArc[arc] >= 0, plan[siteOfArc[arc]] {
                    result.append((stationRow0 + siteOfArc[arc], p.chargingShare))
                }
            }
            return result
        }
        for origin in 0..<network.zoneCount where !rowsByOrigin[origin].isEmpty {
            shortest.run(from: origin, cost: freeFlow)
            constrained.run(from: origin, cost: freeFlow, hasStation: hasStation)
            for (row, isEV) in rowsByOrigin[origin] {
                let destination = rows[row].destination
                let arcs = isEV ? constrained.path(to: destination) : shortest.path(to: destination)
                // An OD without any (feasible) route can carry no flow: λ* = 0.
                guard !arcs.isEmpty else {
                    return Result(scale: 0, flow: [Double](repeating: 0, count: arcCount), bottlenecks: [], rounds: 0)
                }
                let column = program.addVariable(lower: 0, upper: .infinity, cost: 0)
                for (r, value) in terms(arcs, row: row, isEV: isEV) { rowTerms[r].append((column, value)) }
                routeArcs[column] = arcs
                known.insert([row] + arcs)
            }
        }
        for (index, _) in rows.enumerated() { program.addConstraint(rowTerms[index], lower: 0, upper: 0) }
        for arc in 0..<arcCount {
            program.addConstraint(rowTerms[capacityRow0 + arc], lower: -.infinity, upper: network.links[arc].capacity)
        }
        for site in problem.sites.indices {
            let upper = plan[site] ? p.servicePerSpot * p.maxSpots[site] + p.serviceBase : Double.infinity
            program.addConstraint(rowTerms[stationRow0 + site], lower: -.infinity, upper: upper)
        }

        let lp: LPSolver
        do { lp = try LPSolver(program, backend: backend) } catch { throw .solverFailure(error.description) }
        var rounds = 0
        var solution: LPSolution
        var cost = [Double](repeating: 0, count: arcCount)
        var evCost = cost
        while true {
            rounds += 1
            do { solution = try lp.solve() } catch { throw .solverFailure(error.description) }
            // Max problem: duals are d(λ)/d(rhs); capacity duals >= 0, OD-row duals <= 0.
            for arc in 0..<arcCount {
                cost[arc] = max(0, solution.rowDuals[capacityRow0 + arc])
                let site = siteOfArc[arc]
                let stationDual = site >= 0 && plan[site] ? max(0, solution.rowDuals[stationRow0 + site]) : 0
                evCost[arc] = cost[arc] + p.chargingShare * stationDual
            }
            var added = 0
            for origin in 0..<network.zoneCount where !rowsByOrigin[origin].isEmpty {
                let needsConventional = rowsByOrigin[origin].contains { !$0.isEV }
                let needsEV = rowsByOrigin[origin].contains { $0.isEV }
                if needsConventional { shortest.run(from: origin, cost: cost) }
                if needsEV { constrained.run(from: origin, cost: evCost, hasStation: hasStation) }
                for (row, isEV) in rowsByOrigin[origin] {
                    let destination = rows[row].destination
                    let length = isEV ? constrained.bestCost[destination] : shortest.distance[destination]
                    // A route's reduced cost in the max problem is −(its dual length + OD dual).
                    let odDual = -solution.rowDuals[row]
                    guard length < odDual - NdPSolver.tolerance(odDual) else { continue }
                    let arcs = isEV ? constrained.path(to: destination) : shortest.path(to: destination)
                    guard known.insert([row] + arcs).inserted else { continue }
                    let column = lp.addColumn(cost: 0, lower: 0, upper: .infinity, terms: terms(arcs, row: row, isEV: isEV))
                    routeArcs[column] = arcs
                    added += 1
                }
            }
            if added == 0 { break }
            guard rounds < 10_000 else { throw .solverFailure("column generation did not settle in 10,000 rounds") }
        }
        var flow = [Double](repeating: 0, count: arcCount)
        for (column, arcs) in routeArcs {
            let value = solution.primal[column]
            if value > 0 { for arc in arcs { flow[arc] += value } }
        }
        let bottlenecks = (0..<arcCount).filter { arc in
            solution.rowDuals[capacityRow0 + arc] > 1e-12
                && flow[arc] >= network.links[arc].capacity * (1 - 1e-9)
        }
        return Result(scale: solution.primal[scale], flow: flow, bottlenecks: bottlenecks, rounds: rounds)
    }
}

import Foundation
import LinearProgramming

/// The exact restoration of one component: the switching, hourly pickups and dispatch that
/// maximise VOLL-weighted energy served, with the bound that proves it.
struct ComponentSolution: Sendable {
    /// Closed state per component edge and root flag per local bus.
    var closedEdges: [Bool]
    var rootBuses: [Bool]
    /// One operation per horizon hour.
    var operations: [HourOperation]
    /// VOLL-weighted kWh served.
    var value: Double
    /// A proven upper bound on the optimum.
    var bound: Double
    var stats: SolveStats
}

/// Work done by an exact solve.
public struct SolveStats: Sendable, Equatable {
    /// MILPs solved (pricing, refits and full-horizon models).
    public var milps = 0
    /// Branch-and-price nodes processed.
    public var nodes = 0
    /// Master LPs solved.
    public var masterSolves = 0
    /// Refit MILPs (one switching for hours chosen separately).
    public var refits = 0
    /// Hourly MILPs stopped by their time cap (bounded by their LP relaxation instead).
    public var hourLimits = 0
    /// Seconds in pricing MILPs, refits and master LPs.
    public var pricingSeconds = 0.0
    public var refitSeconds = 0.0
    public var masterSeconds = 0.0

    /// No work yet.
    public init() {}

    static func + (a: SolveStats, b: SolveStats) -> SolveStats {
        var s = a
        s.milps += b.milps
        s.nodes += b.nodes
        s.masterSolves += b.masterSolves
        s.refits += b.refits
        s.hourLimits += b.hourLimits
        s.pricingSeconds += b.pricingSeconds
        s.refitSeconds += b.refitSeconds
        s.masterSeconds += b.masterSeconds
        return s
    }
}

/// Limits and tolerance of the exact solver.
public struct ExactSolveLimits: Sendable, Equatable {
    /// Stop when the incumbent is within this share of the bound (0.01 % by default, the
    /// reference MILP's gap).
    public var relativeGap: Double
    /// Wall-clock cap per component, seconds; the result then carries its proven gap.
    public var maxSeconds: Double
    /// Cap on branch-and-price nodes per component.
    public var maxNodes: Int
    /// Cap per hourly MILP, seconds. A MILP stopped by it still yields its best solution
    /// and its LP relaxation bounds the hour, so the overall bound stays valid; only
    /// pathological hours reach it (GLPK proves most in milliseconds).
    public var hourSeconds: Double

    /// Limits with the documented defaults.
    public init(relativeGap: Double = 1e-4, maxSeconds: Double = 120, maxNodes: Int = 5_000, hourSeconds: Double = 2) {
        self.relativeGap = relativeGap
        self.maxSeconds = maxSeconds
        self.maxNodes = maxNodes
        self.hourSeconds = hourSeconds
    }
}

/// Exact restoration of one component.
///
/// Continuous pickup: one MILP over the whole horizon (binaries only for switching).
///
/// Binary pickup: solved as a MILP by decomposition over hours, because branch and bound
/// on the monolithic model cannot exploit that the hours are independent once the
/// switching and the fleets' hourly energies are known (GLPK does not close the gap of
/// scenario 2 in minutes, while each hour alone solves in milliseconds). Hours are
/// columns: a column is one hour's switching, pickups and dispatch. The master LP picks
/// a convex combination of columns per hour within the energy budgets; its duals price
/// new columns through one small MILP per hour (GLPK). At convergence the master value is
/// the Lagrangian bound with switching consistency relaxed. Branching on an hour's energy
/// (when the master mixes columns) or on a switch (when hours disagree and no common
/// switching serves them all) closes the gap; incumbents come from integral master
/// solutions and a multiple-choice knapsack over all columns, checked for a common
/// switching by a full-horizon MILP with the pickups fixed.
struct ExactComponentSolver {
    let component: RestorationComponent
    let limits: ExactSolveLimits

    /// Solves the component. A known feasible solution (`start`, e.g. from the fast
    /// evaluator) seeds the search with its hours as columns and as the first incumbent.
    func solve(pickup: PickupMode, start: ComponentSolution? = nil) throws(LPError) -> ComponentSolution {
        switch pickup {
        case .continuous: return try solveFullHorizon(pickup: .continuous)
        case .binary:
            let search = BranchAndPrice(component: component, limits: limits)
            if let start { search.seed(with: start) }
            return try search.run()
        }
    }

    /// The whole horizon in one model (exact for continuous pickup; for binary pickup this
    /// is the monolithic reference formulation, usable on small cases only).
    func solveFullHorizon(pickup: PickupVariables) throws(LPError) -> ComponentSolution {
        let hours = Array(0..<component.hourCount)
        let model = ComponentModel(component: component, hours: hours, pickup: pickup, energyBudgets: true)
        let hasIntegers = model.program.hasIntegers
        var solveLimits = LPLimits(maxSeconds: limits.maxSeconds)
        if hasIntegers { solveLimits.mipRelativeGap = limits.relativeGap }
        let solver = try LPSolver(model.program, backend: hasIntegers ? .glpk : .clp, limits: solveLimits)
        let solution = try solver.solve()
        var binary = false
        if case .binary = pickup { binary = true }
        let operations = hours.map { model.operation(slot: $0, in: solution.primal, binaryPickup: binary) }
        let value = ExactComponentSolver.value(of: operations, in: component)
        let gap = solution.mipGap ?? 0
        var stats = SolveStats()
        stats.milps = 1
        let masks = model.configuration(in: solution.primal).masks(in: component)
        return ComponentSolution(
            closedEdges: masks.closed, rootBuses: masks.roots, operations: operations, value: value,
            bound: value + gap * max(abs(value), 1), stats: stats)
    }

    static func value(of operations: [HourOperation], in component: RestorationComponent) -> Double {
        var total = 0.0
        for (t, operation) in operations.enumerated() {
            for i in 0..<component.busCount { total += component.value(i, t) * operation.pickup[i] }
        }
        return total
    }
}

/// One hour's solution offered to the master.
private struct Column {
    var hour: Int
    var value: Double
    /// Energy drawn per energy unit (in `component.energyUnits` order), kWh.
    var energy: [Double]
    var configuration: Configuration
    var operation: HourOperation
}

/// Restrictions of a branch-and-price node.
private struct NodeRestriction: Hashable {
    /// Energy box per hour and energy unit.
    var lower: [[Double]]
    var upper: [[Double]]
    /// Fixed state per free edge / root candidate (nil: free).
    var edgeFixed: [Bool?]
    var rootFixed: [Bool?]
    /// Parent bound, for best-first ordering.
    var parentBound: Double

    func admits(_ column: Column, tolerance: Double = 1e-7) -> Bool {
        for (k, e) in column.energy.enumerated() {
            if e < lower[column.hour][k] - tolerance || e > upper[column.hour][k] + tolerance { return false }
        }
        for (k, fixed) in edgeFixed.enumerated() {
            if let fixed, column.configuration.closed[k] != fixed { return false }
        }
        for (k, fixed) in rootFixed.enumerated() {
            if let fixed, column.configuration.roots[k] != fixed { return false }
        }
        return true
    }

    /// What pricing of `hour` depends on besides the prices.
    func hourKey(_ hour: Int) -> HourKey {
        HourKey(lower: lower[hour], upper: upper[hour], edgeFixed: edgeFixed, rootFixed: rootFixed)
    }

    static func == (a: NodeRestriction, b: NodeRestriction) -> Bool {
        a.lower == b.lower && a.upper == b.upper && a.edgeFixed == b.edgeFixed && a.rootFixed == b.rootFixed
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(lower)
        hasher.combine(upper)
        hasher.combine(edgeFixed)
        hasher.combine(rootFixed)
    }
}

private struct HourKey: Hashable {
    var lower: [Double]
    var upper: [Double]
    var edgeFixed: [Bool?]
    var rootFixed: [Bool?]
}

/// The per-hour pricing MILP, kept loaded in GLPK and edited between solves.
private final class HourPricer {
    let model: ComponentModel
    let solver: LPSolver
    let hour: Int
    /// Results by restriction: (price vector, column) pairs, for reuse between equal or
    /// bracketing prices.
    var cache: [HourKey: [(prices: [Double], result: BranchAndPrice.Priced?)]] = [:]

    init(component: RestorationComponent, hour: Int, seconds: Double) throws(LPError) {
        self.hour = hour
        model = ComponentModel(
            component: component, hours: [hour], pickup: .binary, energyBudgets: false, knapsackCuts: true)
        // A tiny relative gap stops GLPK once the incumbent is proven to about 0.01 Wh;
        // the bound accounts for it.
        solver = try LPSolver(
            model.program, backend: .glpk, limits: LPLimits(maxSeconds: seconds, mipRelativeGap: HourPricer.gap))
    }

    /// The LP relaxation's value of the program as currently edited (an upper bound).
    func relaxationBound() throws(LPError) -> Double {
        let current = solver.program
        var relaxed = LinearProgram(sense: current.sense)
        for v in current.variables { relaxed.addVariable(lower: v.lower, upper: v.upper, cost: v.cost) }
        for row in current.constraints {
            relaxed.addConstraint(row.terms.map { ($0.variable, $0.coefficient) }, lower: row.lower, upper: row.upper)
        }
        return try LPSolver(relaxed, backend: .clp).solve().objective
    }

    static let gap = 1e-6
}

private final class BranchAndPrice {
    let component: RestorationComponent
    let limits: ExactSolveLimits
    let hours: Int
    let energyUnits: [Int]
    var pricers: [HourPricer] = []
    var pool: [[Column]]
    var stats = SolveStats()
    var incumbent: (value: Double, configuration: Configuration, operations: [HourOperation])?
    var refitTried = Set<[Int]>()
    let start = Date()
    /// Hours with identical data share one pricer's results.
    var twin: [Int]

    init(component: RestorationComponent, limits: ExactSolveLimits) {
        self.component = component
        self.limits = limits
        hours = component.hourCount
        energyUnits = component.energyUnits
        pool = Array(repeating: [], count: component.hourCount)
        twin = Array(0..<component.hourCount)
        for t in 0..<hours {
            for s in 0..<t where twin[s] == s && BranchAndPrice.sameData(component, s, t) {
                twin[t] = s
                break
            }
        }
    }

    /// Adds a feasible solution's hours as columns and makes it the incumbent.
    func seed(with solution: ComponentSolution) {
        let configuration = Configuration(
            closed: component.hasFixedConfiguration ? [] : component.freeEdges.map { solution.closedEdges[$0] },
            roots: component.rootCandidates.map { solution.rootBuses[$0] })
        var used = [Double](repeating: 0, count: energyUnits.count)
        for (t, operation) in solution.operations.enumerated() {
            let value = (0..<component.busCount).reduce(0) { $0 + component.value($1, t) * operation.pickup[$1] }
            let column = Column(
                hour: t, value: value, energy: energyUnits.map { operation.active[$0] }, configuration: configuration,
                operation: operation)
            for k in used.indices { used[k] += column.energy[k] }
            if !contains(column) { pool[t].append(column) }
        }
        // Each hour is a valid column on its own; the whole is an incumbent only within budgets.
        let withinBudgets = energyUnits.indices.allSatisfy {
            used[$0] <= component.units[energyUnits[$0]].energy! + BranchAndPrice.energyResolution
        }
        if withinBudgets { incumbent = (solution.value, configuration, solution.operations) }
    }

    static func sameData(_ c: RestorationComponent, _ s: Int, _ t: Int) -> Bool {
        for i in 0..<c.busCount where c.load[i][s] != c.load[i][t] || c.loadReactive[i][s] != c.loadReactive[i][t] {
            return false
        }
        return c.units.allSatisfy { $0.maxActive[s] == $0.maxActive[t] }
    }

    var tolerance: Double { limits.relativeGap * max(incumbent?.value ?? 0, 1) }

    var pastDeadline: Bool { Date().timeIntervalSince(start) > limits.maxSeconds }

    /// Seconds an hourly MILP may take now: its own cap, within the overall deadline.
    var hourAllowance: Double {
        max(min(limits.hourSeconds, limits.maxSeconds - Date().timeIntervalSince(start)), 0.05)
    }

    /// Energy differences below 1 Wh are not worth a branch.
    static let energyResolution = 1e-3

    func run() throws(LPError) -> ComponentSolution {
        for t in 0..<hours where twin[t] == t {
            pricers.append(try HourPricer(component: component, hour: t, seconds: limits.hourSeconds))
        }
        var pricerOf = [Int](repeating: 0, count: hours)
        var next = 0
        for t in 0..<hours where twin[t] == t {
            pricerOf[t] = next
            next += 1
        }
        for t in 0..<hours { pricerOf[t] = pricerOf[twin[t]] }
        self.pricerOf = pricerOf

        let freeCount = component.hasFixedConfiguration ? 0 : component.freeEdges.count
        let rootCount = component.rootCandidates.count
        let rootNode = NodeRestriction(
            lower: Array(repeating: Array(repeating: 0, count: energyUnits.count), count: hours),
            upper: (0..<hours).map { t in energyUnits.map { component.units[$0].maxActive[t] } },
            edgeFixed: Array(repeating: nil, count: freeCount),
            rootFixed: Array(repeating: rootCount > 1 && !component.hasFixedConfiguration ? nil : true, count: rootCount),
            parentBound: .infinity)
        // A seeded incumbent that meets the switching-free bounds (every load served, or the
        // knapsacks full) is optimal without any pricing.
        if let incumbent {
            var structural = 0.0
            for t in 0..<hours {
                let high = energyUnits.reduce(0) { $0 + component.units[$1].maxActive[t] }
                structural += pricers[pricerOf[t]].model.valueBounds[0].pricedBound(price: 0, low: 0, high: high)
            }
            if structural <= incumbent.value + tolerance {
                let masks = incumbent.configuration.masks(in: component)
                return ComponentSolution(
                    closedEdges: masks.closed, rootBuses: masks.roots, operations: incumbent.operations,
                    value: incumbent.value, bound: max(structural, incumbent.value), stats: stats)
            }
        }
        var open = [rootNode]
        // Highest bound among nodes closed by the tolerance or left open by a limit.
        var closedBound = -Double.infinity
        while !open.isEmpty {
            // Best-first: the node with the highest parent bound.
            let pick = open.indices.max { open[$0].parentBound < open[$1].parentBound }!
            let node = open.remove(at: pick)
            if let incumbent, node.parentBound <= incumbent.value + tolerance {
                closedBound = max(closedBound, node.parentBound)
                continue
            }
            if stats.nodes >= limits.maxNodes || Date().timeIntervalSince(start) > limits.maxSeconds {
                closedBound = max(closedBound, node.parentBound)
                for other in open { closedBound = max(closedBound, other.parentBound) }
                break
            }
            stats.nodes += 1
            guard let result = try process(node) else { continue }
            if let incumbent, result.bound <= incumbent.value + tolerance {
                closedBound = max(closedBound, result.bound)
                continue
            }
            for var child in result.children {
                child.parentBound = result.bound
                open.append(child)
            }
        }
        guard let incumbent else {
            // Every component with a grid-forming source can at least stay dark; reaching
            // here means the limits stopped the search before any solution.
            throw LPError.limitReached("no restoration found within the limits", incumbent: nil)
        }
        let masks = incumbent.configuration.masks(in: component)
        return ComponentSolution(
            closedEdges: masks.closed, rootBuses: masks.roots, operations: incumbent.operations,
            value: incumbent.value, bound: max(closedBound, incumbent.value), stats: stats)
    }

    var pricerOf: [Int] = []

    struct NodeResult {
        var bound: Double
        var children: [NodeRestriction]
    }

    /// Column generation at a node, incumbent updates, and the branching decision.
    private func process(_ node: NodeRestriction) throws(LPError) -> NodeResult? {
        var master: MasterSolution
        // Per hour, how far the last pricing round may lie below the hour's true best
        // reduced cost (positive reduced cost left over plus the MILP's own gap).
        var pricingSlack = [Double](repeating: 0, count: hours)
        while true {
            guard let solved = try solveMaster(node) else { return nil }
            master = solved
            var added = 0
            for t in 0..<hours {
                guard let priced = try price(hour: t, node: node, prices: master.prices) else {
                    return nil  // no hour solution satisfies the node's restrictions
                }
                pricingSlack[t] = max(priced.bound - master.hourDual[t], 0)
                guard let column = priced.column else { continue }
                let reduced =
                    column.value - zip(master.prices, column.energy).reduce(0) { $0 + $1.0 * $1.1 } - master.hourDual[t]
                if reduced > 1e-6 * max(1, abs(column.value)) && !contains(column) {
                    pool[t].append(column)
                    added += 1
                }
            }
            // Out of time: the prices of this round still give a valid (weaker) bound.
            if added == 0 || pastDeadline { break }
        }
        if master.usesArtificial || master.mix.contains(where: \.isEmpty) { return nil }
        let bound = master.value + pricingSlack.reduce(0, +)

        // Integral master: one column per hour (or mixes that differ in nothing that matters).
        var chosen: [Column] = []
        var fractionalHour: (hour: Int, unit: Int, split: Double, spread: Double)?
        for t in 0..<hours {
            let mix = master.mix[t]
            let best = mix.max { $0.weight < $1.weight }!.column
            chosen.append(best)
            for k in energyUnits.indices {
                let values = mix.map { $0.column.energy[k] }
                let spread = values.max()! - values.min()!
                if spread > BranchAndPrice.energyResolution, spread > (fractionalHour?.spread ?? 0) {
                    let split = mix.reduce(0) { $0 + $1.weight * $1.column.energy[k] }
                    fractionalHour = (t, k, split, spread)
                }
            }
        }
        try updateIncumbent(with: chosen)
        try knapsackIncumbent(prices: master.prices)
        if let incumbent, bound <= incumbent.value + tolerance { return NodeResult(bound: bound, children: []) }

        if let split = fractionalHour {
            var low = node, high = node
            low.upper[split.hour][split.unit] = split.split
            high.lower[split.hour][split.unit] = split.split
            // Twin hours are interchangeable: keep them ordered to break the symmetry.
            return NodeResult(bound: bound, children: [low, high])
        }
        // Integral but the hours disagree on a switch and no common switching serves them.
        for k in node.edgeFixed.indices where node.edgeFixed[k] == nil {
            let states = Set(chosen.map { $0.configuration.closed[k] })
            if states.count > 1 {
                var closed = node, opened = node
                closed.edgeFixed[k] = true
                opened.edgeFixed[k] = false
                return NodeResult(bound: bound, children: [closed, opened])
            }
        }
        for k in node.rootFixed.indices where node.rootFixed[k] == nil {
            let states = Set(chosen.map { $0.configuration.roots[k] })
            if states.count > 1 {
                var yes = node, no = node
                yes.rootFixed[k] = true
                no.rootFixed[k] = false
                return NodeResult(bound: bound, children: [yes, no])
            }
        }
        // Same switching everywhere and within budgets: the master solution is feasible,
        // so the incumbent update above already closed this node.
        return NodeResult(bound: bound, children: [])
    }

    private func contains(_ column: Column) -> Bool {
        pool[column.hour].contains {
            $0.operation.pickup == column.operation.pickup && $0.energy == column.energy
                && $0.configuration == column.configuration
        }
    }

    struct MasterSolution {
        var value: Double
        var prices: [Double]
        var hourDual: [Double]
        var mix: [[(column: Column, weight: Double)]]
        var usesArtificial: Bool
    }

    /// The restricted master LP over admissible pool columns, with one artificial column
    /// per hour so it is always feasible.
    private func solveMaster(_ node: NodeRestriction) throws(LPError) -> MasterSolution? {
        let penalty = 1e7
        var lp = LinearProgram(sense: .maximize)
        var columns: [(Int, Column?)] = []
        var convexity: [[(Int, Double)]] = Array(repeating: [], count: hours)
        var energyTerms: [[(Int, Double)]] = Array(repeating: [], count: energyUnits.count)
        for t in 0..<hours {
            let artificial = lp.addVariable(lower: 0, cost: -penalty)
            columns.append((t, nil))
            convexity[t].append((artificial, 1))
            for column in pool[t] where node.admits(column) {
                let z = lp.addVariable(lower: 0, cost: column.value)
                columns.append((t, column))
                convexity[t].append((z, 1))
                for k in energyUnits.indices where column.energy[k] != 0 { energyTerms[k].append((z, column.energy[k])) }
            }
        }
        var convexityRows: [Int] = []
        for t in 0..<hours { convexityRows.append(lp.addConstraint(convexity[t], lower: 1, upper: 1)) }
        var energyRows: [Int] = []
        for (k, u) in energyUnits.enumerated() {
            energyRows.append(lp.addConstraint(energyTerms[k], upper: component.units[u].energy!))
        }
        stats.masterSolves += 1
        let clock = Date()
        defer { stats.masterSeconds += Date().timeIntervalSince(clock) }
        let solution = try LPSolver(lp, backend: .clp).solve()
        var mix: [[(column: Column, weight: Double)]] = Array(repeating: [], count: hours)
        var usesArtificial = false
        for (j, entry) in columns.enumerated() where solution.primal[j] > 1e-9 {
            if let column = entry.1 {
                mix[entry.0].append((column, solution.primal[j]))
            } else if solution.primal[j] > 1e-7 {
                usesArtificial = true
            }
        }
        return MasterSolution(
            value: solution.objective, prices: energyRows.map { max(solution.rowDuals[$0], 0) },
            hourDual: convexityRows.map { solution.rowDuals[$0] }, mix: mix, usesArtificial: usesArtificial)
    }

    /// What pricing one hour yields: the best column found (if any) and an upper bound on
    /// the hour's best value minus priced energy, over all its solutions in the node.
    struct Priced {
        var column: Column?
        var bound: Double
    }

    /// Prices hour `t` at the given energy prices under the node's restrictions; nil when
    /// no solution of the hour satisfies them.
    private func price(hour t: Int, node: NodeRestriction, prices: [Double]) throws(LPError) -> Priced? {
        let pricer = pricers[pricerOf[t]]
        let key = node.hourKey(t)
        var entries = pricer.cache[key] ?? []
        if let hit = entries.first(where: { $0.prices == prices }) { return hit.result.map { retag($0, t) } }
        if prices.count == 1, let bracketed = bracket(entries, prices[0]) { return retag(bracketed, t) }
        let model = pricer.model
        for (k, u) in energyUnits.enumerated() {
            let p = model.activeVariable[0][u]
            pricer.solver.setCost(p, -(prices[k] + ComponentModel.energyTieBreak))
            let cap = component.units[u].maxActive[t]
            let lower = min(max(node.lower[t][k], 0), cap)
            pricer.solver.setVariableBounds(p, lower: lower, upper: max(min(node.upper[t][k], cap), lower))
        }
        for (k, variable) in model.edgeVariable.enumerated() {
            guard let variable else { continue }
            let fixed = node.edgeFixed[k]
            pricer.solver.setVariableBounds(
                variable, lower: fixed == true ? 1 : 0, upper: fixed == false ? 0 : 1)
        }
        for (k, variable) in model.rootVariable.enumerated() {
            guard let variable else { continue }
            let fixed = node.rootFixed[k]
            pricer.solver.setVariableBounds(
                variable, lower: fixed == true ? 1 : 0, upper: fixed == false ? 0 : 1)
        }
        stats.milps += 1
        let clock = Date()
        defer { stats.pricingSeconds += Date().timeIntervalSince(clock) }
        pricer.solver.limits.maxSeconds = hourAllowance
        // The tie-break cost on energy makes the MILP's objective slightly smaller than
        // value minus priced energy; this covers the difference.
        let tieBreakSlack = ComponentModel.energyTieBreak * energyUnits.reduce(0) { $0 + component.units[$1].maxActive[t] }
        // A bound that holds whatever the MILP does: total load, the knapsacks, the box.
        let energyLow = energyUnits.indices.reduce(0) { $0 + min(max(node.lower[t][$1], 0), component.units[energyUnits[$1]].maxActive[t]) }
        let energyHigh = energyUnits.indices.reduce(0) { $0 + min(node.upper[t][$1], component.units[energyUnits[$1]].maxActive[t]) }
        let structural = model.valueBounds[0].pricedBound(
            price: prices.min() ?? 0, low: energyLow, high: max(energyHigh, energyLow))
        var result: Priced?
        switch try solvePricing(pricer) {
        case .infeasible:
            result = nil
        case .solved(let solution, let gap):
            let operation = model.operation(slot: 0, in: solution.primal, binaryPickup: true)
            let value = (0..<component.busCount).reduce(0) { $0 + component.value($1, t) * operation.pickup[$1] }
            let column = Column(
                hour: t, value: value, energy: energyUnits.map { operation.active[$0] },
                configuration: model.configuration(in: solution.primal), operation: operation)
            let priced = value - zip(prices, column.energy).reduce(0) { $0 + $1.0 * $1.1 }
            let bound = max(priced, solution.objective) + gap + tieBreakSlack
            result = Priced(column: column, bound: max(min(bound, structural), priced))
        case .bounded(let bound):
            result = Priced(column: nil, bound: min(bound + tieBreakSlack, structural))
        }
        entries.append((prices, result))
        pricer.cache[key] = entries
        return result.map { retag($0, t) }
    }

    enum PricingSolve {
        case infeasible
        /// A solution and how far its objective may lie below the optimum.
        case solved(LPSolution, gap: Double)
        /// No solution within the time cap; only a bound on the optimum.
        case bounded(Double)
    }

    /// Solves a pricing MILP within its time cap. Stopped by the cap, it falls back on the
    /// best solution found, bounded by the LP relaxation; with none, one longer attempt,
    /// then the relaxation alone.
    private func solvePricing(_ pricer: HourPricer) throws(LPError) -> PricingSolve {
        var outcome: Result<LPSolution, LPError>
        do throws(LPError) {
            outcome = .success(try pricer.solver.solve())
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let solution):
            let relative = solution.mipGap ?? 0
            return .solved(solution, gap: relative > 0 ? relative * max(abs(solution.objective), 1) : 0)
        case .failure(.infeasible):
            return .infeasible
        case .failure(.limitReached(_, let incumbent)):
            stats.hourLimits += 1
            var found = incumbent
            if found == nil && !pastDeadline {
                pricer.solver.limits.maxSeconds = max(
                    min(limits.hourSeconds * 5, limits.maxSeconds - Date().timeIntervalSince(start)), 0.05)
                do throws(LPError) {
                    found = try pricer.solver.solve()
                } catch {
                    switch error {
                    case .limitReached(_, let late): found = late
                    case .infeasible: return .infeasible
                    default: throw error
                    }
                }
            }
            let relaxation = try pricer.relaxationBound()
            guard let found else { return .bounded(relaxation) }
            return .solved(found, gap: max(relaxation - found.objective, 0))
        case .failure(let error):
            throw error
        }
    }

    /// With one energy unit the pricing value is a convex function of the price: if the
    /// same column is optimal at two prices it is optimal at every price between them.
    private func bracket(_ entries: [(prices: [Double], result: Priced?)], _ price: Double) -> Priced? {
        var below: (price: Double, priced: Priced, column: Column)?
        var above: (price: Double, priced: Priced, column: Column)?
        for entry in entries {
            guard let priced = entry.result, let column = priced.column else { continue }
            let p = entry.prices[0]
            if p <= price, below == nil || p > below!.price { below = (p, priced, column) }
            if p >= price, above == nil || p < above!.price { above = (p, priced, column) }
        }
        guard let below, let above else { return nil }
        let same =
            below.column.operation.pickup == above.column.operation.pickup && below.column.energy == above.column.energy
            && below.column.configuration == above.column.configuration
        guard same else { return nil }
        // The bound moves with the price like the column's own value; keep the larger slack.
        let value = below.column.value - price * below.column.energy[0]
        let slack = max(
            below.priced.bound - (below.column.value - below.price * below.column.energy[0]),
            above.priced.bound - (above.column.value - above.price * above.column.energy[0]))
        return Priced(column: below.column, bound: value + max(slack, 0))
    }

    private func retag(_ priced: Priced, _ t: Int) -> Priced {
        var copy = priced
        copy.column = priced.column.map { retag($0, t) }
        return copy
    }

    private func retag(_ column: Column, _ t: Int) -> Column {
        var copy = column
        copy.hour = t
        return copy
    }

    /// Accepts a choice of one column per hour if it fits the budgets and one switching
    /// serves every hour (checked by a refit when the columns disagree).
    private func updateIncumbent(with chosen: [Column]) throws(LPError) {
        let value = chosen.reduce(0) { $0 + $1.value }
        if let incumbent, value <= incumbent.value + 1e-9 { return }
        for k in energyUnits.indices {
            let used = chosen.reduce(0) { $0 + $1.energy[k] }
            if used > component.units[energyUnits[k]].energy! + BranchAndPrice.energyResolution { return }
        }
        let first = chosen[0].configuration
        if chosen.allSatisfy({ $0.configuration == first }) {
            incumbent = (value, first, chosen.map(\.operation))
            return
        }
        // Refit: fix the pickups, let one switching serve every hour.
        let signature = chosen.flatMap { $0.operation.pickup.map { $0 > 0.5 ? 1 : 0 } }
        guard refitTried.insert(signature).inserted else { return }
        let shares = chosen.map(\.operation.pickup)
        let model = ComponentModel(
            component: component, hours: Array(0..<hours), pickup: .fixed(shares), energyBudgets: true)
        stats.milps += 1
        stats.refits += 1
        let clock = Date()
        defer { stats.refitSeconds += Date().timeIntervalSince(clock) }
        // A refit is only a search for a better incumbent: cap its time and give up quietly.
        let seconds = max(min(limits.hourSeconds * 5, limits.maxSeconds - Date().timeIntervalSince(start)), 0.05)
        let solver = try LPSolver(
            model.program, backend: model.program.hasIntegers ? .glpk : .clp, limits: LPLimits(maxSeconds: seconds))
        var found: LPSolution?
        do throws(LPError) {
            found = try solver.solve()
        } catch {
            switch error {
            case .infeasible, .limitReached: found = nil
            default: throw error
            }
        }
        if let solution = found {
            let operations = (0..<hours).map { model.operation(slot: $0, in: solution.primal, binaryPickup: true) }
            incumbent = (value, model.configuration(in: solution.primal), operations)
        }
    }

    /// Best combination of pooled columns within the energy budgets (a multiple-choice
    /// knapsack, searched depth first with a Lagrangian bound at the master's prices).
    private func knapsackIncumbent(prices: [Double]) throws(LPError) {
        let budgets = energyUnits.map { component.units[$0].energy! }
        let lists = (0..<hours).map { t in pool[t].sorted { $0.value > $1.value } }
        if lists.contains(where: \.isEmpty) { return }
        // Optimistic value of the remaining hours at the given prices.
        let reducedBest = lists.map { list in
            list.map { c in c.value - zip(prices, c.energy).reduce(0) { $0 + $1.0 * $1.1 } }.max()!
        }
        var suffix = [Double](repeating: 0, count: hours + 1)
        for t in stride(from: hours - 1, through: 0, by: -1) { suffix[t] = suffix[t + 1] + reducedBest[t] }
        var best = incumbent?.value ?? -Double.infinity
        var bestChoice: [Column]?
        var choice: [Column] = []
        var used = [Double](repeating: 0, count: energyUnits.count)
        var visits = 0
        func search(_ t: Int, _ value: Double) {
            visits += 1
            if visits > 200_000 { return }
            if t == hours {
                if value > best + 1e-9 {
                    best = value
                    bestChoice = choice
                }
                return
            }
            let slack = zip(prices, zip(budgets, used)).reduce(0) { $0 + $1.0 * ($1.1.0 - $1.1.1) }
            if value + suffix[t] + slack <= best + 1e-9 { return }
            for column in lists[t] {
                var fits = true
                for k in used.indices where used[k] + column.energy[k] > budgets[k] + BranchAndPrice.energyResolution {
                    fits = false
                }
                if !fits { continue }
                for k in used.indices { used[k] += column.energy[k] }
                choice.append(column)
                search(t + 1, value + column.value)
                choice.removeLast()
                for k in used.indices { used[k] -= column.energy[k] }
            }
        }
        search(0, 0)
        if let bestChoice { try updateIncumbent(with: bestChoice) }
    }
}

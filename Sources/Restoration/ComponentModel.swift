import LinearProgramming

/// A switching state of one component: which free edges are closed and which root
/// candidates are roots. Forced edges are always closed and not listed.
struct Configuration: Sendable, Hashable {
    /// Closed state per free edge, in `RestorationComponent.freeEdges` order.
    var closed: [Bool]
    /// Root flag per root candidate, in `rootCandidates` order.
    var roots: [Bool]
}

extension Configuration {
    /// Closed state per edge (forced edges closed) and root flag per local bus.
    func masks(in component: RestorationComponent) -> (closed: [Bool], roots: [Bool]) {
        var closedMask = component.edges.map(\.forcedClosed)
        for (k, e) in component.freeEdges.enumerated() where k < closed.count { closedMask[e] = closed[k] }
        if component.hasFixedConfiguration { closedMask = component.edges.map { _ in true } }
        var rootMask = [Bool](repeating: false, count: component.busCount)
        for (k, bus) in component.rootCandidates.enumerated() where k < roots.count && roots[k] { rootMask[bus] = true }
        return (closedMask, rootMask)
    }
}

/// The operation of one component in one hour, as found by a solve.
struct HourOperation: Sendable, Equatable {
    /// Served share per local bus (0 or 1 for binary pickup).
    var pickup: [Double]
    /// Active and reactive output per unit, kW and kVAr.
    var active: [Double]
    var reactive: [Double]
    /// Squared voltage per local bus.
    var squaredVoltage: [Double]
}

/// How the pickup variables enter a model.
enum PickupVariables: Sendable {
    case binary
    case continuous
    /// Fixed shares per included hour and local bus.
    case fixed([[Double]])
}

/// The reference restoration formulation of one component over some of its hours, in the
/// form the LP wrapper solves, with the variable indices needed to edit and read it.
///
/// Every bus is energised (closing a branch to an unserved subtree with zero flow is always
/// feasible, so this loses nothing) and bridges with no grid-forming bus on one side are
/// closed (see `ScenarioInstance.markForcedEdges`). What remains: a spanning forest with
/// one root per tree, made radial by the edge count and connected by a single-commodity
/// flow from the roots; LinDistFlow on closed edges, relaxed by big-M on open ones;
/// hourly P and Q balance; source limits; energy budgets when several hours are included.
struct ComponentModel {
    let component: RestorationComponent
    /// Included horizon hours (local indices into the component's hours).
    let hours: [Int]
    private(set) var program: LinearProgram
    /// Switch variable per free edge (nil when the configuration is fixed by dominance).
    private(set) var edgeVariable: [Int?]
    /// Root variable per root candidate (nil when the root is fixed).
    private(set) var rootVariable: [Int?]
    /// Per included hour: pickup variable per bus (nil for buses without load).
    private(set) var pickupVariable: [[Int?]]
    /// Per included hour: active and reactive output variable per unit.
    private(set) var activeVariable: [[Int]]
    private(set) var reactiveVariable: [[Int]]
    /// Per included hour: squared-voltage variable per bus.
    private(set) var voltageVariable: [[Int]]
    /// Energy-budget row per energy unit (only with several hours and budgets on).
    private(set) var energyRow: [Int: Int] = [:]

    /// Tie-break cost per kWh drawn from energy-limited units, so that among equal values
    /// the solve keeps energy back; far below the data's 0.01 kWh resolution.
    static let energyTieBreak = 1e-6

    init(
        component: RestorationComponent, hours: [Int], pickup: PickupVariables, energyBudgets: Bool,
        energyPrices: [Double]? = nil, knapsackCuts: Bool = false
    ) {
        self.component = component
        self.hours = hours
        let c = component
        let n = c.busCount
        var lp = LinearProgram(sense: .maximize)
        let free = c.freeEdges
        var freeIndex = [Int?](repeating: nil, count: c.edges.count)
        for (k, e) in free.enumerated() { freeIndex[e] = k }

        // Switching: radial spanning forest with one root per tree.
        var edgeVariable = [Int?](repeating: nil, count: free.count)
        var rootVariable = [Int?](repeating: nil, count: c.rootCandidates.count)
        if !c.hasFixedConfiguration {
            for k in free.indices {
                edgeVariable[k] = lp.addVariable(lower: 0, upper: 1, isInteger: true, name: "y\(free[k])")
            }
            if c.rootCandidates.count > 1 {
                for k in c.rootCandidates.indices {
                    rootVariable[k] = lp.addVariable(lower: 0, upper: 1, isInteger: true, name: "r\(k)")
                }
            }
            // Closed edges = buses - roots.
            var terms: [(Int, Double)] = edgeVariable.compactMap { $0.map { ($0, 1.0) } }
            let forced = Double(c.edges.count - free.count)
            var fixedRoots = 0.0
            for k in c.rootCandidates.indices {
                if let r = rootVariable[k] { terms.append((r, 1)) } else { fixedRoots += 1 }
            }
            let rhs = Double(n) - forced - fixedRoots
            lp.addConstraint(terms, lower: rhs, upper: rhs, name: "radial")
            // Connectivity: every bus draws one unit of fictitious flow from a root.
            let capacity = Double(max(n - 1, 1))
            var flow: [Int] = []
            for e in c.edges.indices {
                let f = lp.addVariable(lower: -capacity, upper: capacity, name: "f\(e)")
                flow.append(f)
                if let k = freeIndex[e], let y = edgeVariable[k] {
                    lp.addConstraint([(f, 1), (y, -capacity)], upper: 0)
                    lp.addConstraint([(f, 1), (y, capacity)], lower: 0)
                }
            }
            var supply = [Int?](repeating: nil, count: n)
            for (k, bus) in c.rootCandidates.enumerated() {
                let s = lp.addVariable(lower: 0, upper: Double(n), name: "s\(bus)")
                supply[bus] = s
                if let r = rootVariable[k] { lp.addConstraint([(s, 1), (r, -Double(n))], upper: 0) }
            }
            var rows = [[(Int, Double)]](repeating: [], count: n)
            for (e, edge) in c.edges.enumerated() {
                rows[edge.b].append((flow[e], 1))
                rows[edge.a].append((flow[e], -1))
            }
            for i in 0..<n {
                var terms = rows[i]
                if let s = supply[i] { terms.append((s, 1)) }
                lp.addConstraint(terms, lower: 1, upper: 1)
            }
        }

        // Hourly operation.
        let voltageSpan = c.maxSquaredVoltage - c.minSquaredVoltage
        var pickupVariable: [[Int?]] = []
        var activeVariable: [[Int]] = []
        var reactiveVariable: [[Int]] = []
        var voltageVariable: [[Int]] = []
        for (slot, t) in hours.enumerated() {
            let totalGeneration = c.units.reduce(0) { $0 + $1.maxActive[t] }
            let totalLoad = c.load.reduce(0) { $0 + $1[t] }
            let activeBound = max(min(totalGeneration, totalLoad), 0)
            let reactiveBound =
                c.units.reduce(0) { $0 + $1.maxReactive } + c.loadReactive.reduce(0) { $0 + abs($1[t]) }
            var balanceP = [[(Int, Double)]](repeating: [], count: n)
            var balanceQ = [[(Int, Double)]](repeating: [], count: n)
            var edgeFlows: [(edge: Int, p: Int, q: Int, y: Int?)] = []
            for (e, edge) in c.edges.enumerated() {
                let y = freeIndex[e].flatMap { edgeVariable[$0] }
                var pBound = activeBound, qBound = reactiveBound
                if let rating = edge.ratingKVA {
                    pBound = min(pBound, rating)
                    qBound = min(qBound, rating)
                }
                let p = lp.addVariable(lower: -pBound, upper: pBound, name: "P\(e)_\(t)")
                let q = lp.addVariable(lower: -qBound, upper: qBound, name: "Q\(e)_\(t)")
                if let y {
                    lp.addConstraint([(p, 1), (y, -pBound)], upper: 0)
                    lp.addConstraint([(p, 1), (y, pBound)], lower: 0)
                    lp.addConstraint([(q, 1), (y, -qBound)], upper: 0)
                    lp.addConstraint([(q, 1), (y, qBound)], lower: 0)
                }
                if let rating = edge.ratingKVA {
                    // Octagon around the rating circle.
                    let limit = rating * 2.0.squareRoot()
                    for (sp, sq) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
                        lp.addConstraint([(p, sp), (q, sq)], upper: limit)
                    }
                }
                balanceP[edge.b].append((p, 1))
                balanceP[edge.a].append((p, -1))
                balanceQ[edge.b].append((q, 1))
                balanceQ[edge.a].append((q, -1))
                edgeFlows.append((e, p, q, y))
            }
            var voltage: [Int] = []
            for i in 0..<n {
                voltage.append(
                    lp.addVariable(lower: c.minSquaredVoltage, upper: c.maxSquaredVoltage, name: "u\(i)_\(t)"))
            }
            for (e, p, q, y) in edgeFlows {
                let edge = c.edges[e]
                let terms: [(Int, Double)] = [
                    (voltage[edge.a], 1), (voltage[edge.b], -1), (p, -edge.dropPerKW), (q, -edge.dropPerKVAr),
                ]
                if let y {
                    lp.addConstraint(terms + [(y, voltageSpan)], upper: voltageSpan)
                    lp.addConstraint(terms + [(y, -voltageSpan)], lower: -voltageSpan)
                } else {
                    lp.addConstraint(terms, lower: 0, upper: 0)
                }
            }
            var active: [Int] = []
            var reactive: [Int] = []
            for (u, unit) in c.units.enumerated() {
                var cost = 0.0
                if unit.energy != nil {
                    let slot = c.energyUnits.firstIndex(of: u)!
                    cost = -((energyPrices?[slot] ?? 0) + ComponentModel.energyTieBreak)
                }
                let p = lp.addVariable(lower: 0, upper: unit.maxActive[t], cost: cost, name: "p\(u)_\(t)")
                let q = lp.addVariable(lower: -unit.maxReactive, upper: unit.maxReactive, name: "q\(u)_\(t)")
                active.append(p)
                reactive.append(q)
                balanceP[unit.bus].append((p, 1))
                balanceQ[unit.bus].append((q, 1))
            }
            for (u, unit) in c.units.enumerated() {
                if let shared = unit.sharedLimit, shared.partner > u {
                    lp.addConstraint([(active[u], 1), (active[shared.partner], 1)], upper: shared.limitKW)
                }
            }
            var pickups = [Int?](repeating: nil, count: n)
            for i in 0..<n where c.load[i][t] != 0 || c.loadReactive[i][t] != 0 {
                let x: Int
                switch pickup {
                case .binary:
                    x = lp.addVariable(lower: 0, upper: 1, cost: c.value(i, t), isInteger: true, name: "x\(i)_\(t)")
                case .continuous:
                    x = lp.addVariable(lower: 0, upper: 1, cost: c.value(i, t), name: "x\(i)_\(t)")
                case .fixed(let shares):
                    let share = shares[slot][i]
                    x = lp.addVariable(lower: share, upper: share, cost: c.value(i, t), name: "x\(i)_\(t)")
                }
                pickups[i] = x
                balanceP[i].append((x, -c.load[i][t]))
                balanceQ[i].append((x, -c.loadReactive[i][t]))
            }
            for i in 0..<n {
                lp.addConstraint(balanceP[i], lower: 0, upper: 0)
                lp.addConstraint(balanceQ[i], lower: 0, upper: 0)
            }
            if knapsackCuts, case .binary = pickup {
                ComponentModel.addKnapsackCuts(&lp, component: c, hour: t, pickups: pickups, active: active)
            }
            pickupVariable.append(pickups)
            activeVariable.append(active)
            reactiveVariable.append(reactive)
            voltageVariable.append(voltage)
        }
        var energyRow: [Int: Int] = [:]
        if energyBudgets {
            for u in c.energyUnits {
                let terms = activeVariable.map { ($0[u], 1.0) }
                energyRow[u] = lp.addConstraint(terms, upper: c.units[u].energy!, name: "energy\(u)")
            }
        }
        self.program = lp
        self.edgeVariable = edgeVariable
        self.rootVariable = rootVariable
        self.pickupVariable = pickupVariable
        self.activeVariable = activeVariable
        self.reactiveVariable = reactiveVariable
        self.voltageVariable = voltageVariable
        self.energyRow = energyRow
    }

    /// Rows bounding the hour's value by the active and reactive knapsack value functions
    /// (see ``KnapsackCuts``). Valid for binary pickup in every switching.
    static func addKnapsackCuts(
        _ lp: inout LinearProgram, component c: RestorationComponent, hour t: Int, pickups: [Int?], active: [Int]
    ) {
        var weights: [Double] = [], reactive: [Double] = [], values: [Double] = []
        var terms: [(Int, Double)] = []
        for i in 0..<c.busCount {
            guard let x = pickups[i], c.value(i, t) > 0 else { continue }
            weights.append(c.load[i][t])
            reactive.append(c.loadReactive[i][t])
            values.append(c.value(i, t))
            terms.append((x, c.value(i, t)))
        }
        guard !terms.isEmpty else { return }
        // Active power: generation without an energy limit is at most `steady`; energy-limited
        // units add e = sum of their outputs, which the cut prices through its slope.
        let steady = c.units.filter { $0.energy == nil }.reduce(0) { $0 + $1.maxActive[t] }
        let limited = c.energyUnits.reduce(0) { $0 + c.units[$1].maxActive[t] }
        let totalLoad = weights.reduce(0, +)
        if steady < totalLoad - 1e-9 {
            let capacity = min(steady + limited, totalLoad)
            let resolution = KnapsackCuts.resolution(for: capacity)
            let table = KnapsackCuts.valueFunction(
                weights: weights, values: values, capacity: capacity, resolution: resolution)
            let first = min(KnapsackCuts.slot(steady, resolution), table.count - 1)
            let fleet = c.energyUnits.map { (active[$0], 1.0) }
            for line in KnapsackCuts.concaveEnvelope(table, from: first, resolution: resolution) {
                // Capacity G + e sits at x = e + (G - first r) on the envelope's axis, plus noise.
                let offset = steady - Double(first) * resolution + 1e-5 * resolution
                let rhs = line.intercept + line.slope * max(offset, 0)
                lp.addConstraint(terms + fleet.map { ($0.0, -line.slope) }, upper: rhs)
            }
        }
        // Reactive power: every source's limit is fixed, so one row suffices.
        let reactiveCapacity = c.units.reduce(0) { $0 + $1.maxReactive }
        let reactiveLoad = reactive.reduce(0) { $0 + max($1, 0) }
        if reactiveCapacity < reactiveLoad - 1e-9 {
            let resolution = KnapsackCuts.resolution(for: reactiveCapacity)
            let table = KnapsackCuts.valueFunction(
                weights: reactive, values: values, capacity: reactiveCapacity, resolution: resolution)
            lp.addConstraint(terms, upper: table[table.count - 1])  // includes the spare slot
        }
    }

    /// The configuration in a solution (fixed parts filled in).
    func configuration(in primal: [Double]) -> Configuration {
        Configuration(
            closed: edgeVariable.map { $0.map { primal[$0] > 0.5 } ?? true },
            roots: rootVariable.map { $0.map { primal[$0] > 0.5 } ?? true })
    }

    /// The operation of included hour `slot` in a solution; binary pickups are rounded.
    func operation(slot: Int, in primal: [Double], binaryPickup: Bool) -> HourOperation {
        let pickup = pickupVariable[slot].map { variable -> Double in
            guard let variable else { return 0 }
            let share = min(max(primal[variable], 0), 1)
            return binaryPickup ? (share > 0.5 ? 1 : 0) : share
        }
        return HourOperation(
            pickup: pickup, active: activeVariable[slot].map { max(primal[$0], 0) },
            reactive: reactiveVariable[slot].map { primal[$0] },
            squaredVoltage: voltageVariable[slot].map { primal[$0] })
    }
}

extension LinearProgram {
    /// The program in CPLEX LP format, for inspecting a model with other solvers
    /// (`glpsol --lp`, `cbc`, HiGHS). Variables are named `v<index>`, rows `c<index>`.
    func cplexLP() -> String {
        func number(_ value: Double) -> String { String(value) }
        func term(_ coefficient: Double, _ variable: Int) -> String {
            (coefficient < 0 ? " - " : " + ") + number(abs(coefficient)) + " v\(variable)"
        }
        var text = sense == .maximize ? "Maximize\n obj:" : "Minimize\n obj:"
        for (j, variable) in variables.enumerated() where variable.cost != 0 { text += term(variable.cost, j) }
        text += "\nSubject To\n"
        for (i, row) in constraints.enumerated() {
            let body = row.terms.map { term($0.coefficient, $0.variable) }.joined()
            if row.lower == row.upper {
                text += " c\(i):\(body) = \(number(row.upper))\n"
            } else {
                if row.upper.isFinite { text += " c\(i)u:\(body) <= \(number(row.upper))\n" }
                if row.lower.isFinite { text += " c\(i)l:\(body) >= \(number(row.lower))\n" }
            }
        }
        text += "Bounds\n"
        for (j, variable) in variables.enumerated() {
            let lower = variable.lower.isFinite ? number(variable.lower) : "-inf"
            let upper = variable.upper.isFinite ? number(variable.upper) : "+inf"
            text += " \(lower) <= v\(j) <= \(upper)\n"
        }
        let integers = variables.indices.filter { variables[$0].isInteger }
        if !integers.isEmpty {
            text += "General\n" + integers.map { " v\($0)" }.joined(separator: "\n") + "\n"
        }
        return text + "End\n"
    }
}

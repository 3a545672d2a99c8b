import LinearProgramming

/// A switching state of one component: which free edges are closed and which root
/// candidates are roots. Forced edges are always closed and not listed.
struct Configuration: Sendable, Hashable {
    /// Closed state per free edge, in `RestorationComponent.freeEdges` order.
    var closed: [Bool]
    /// Root flag per root candidate, in `rootCandidates` order.
    var roots: [Bool]
}

/// Bounds on one hour's VOLL-weighted value that hold in every switching: the total of its
/// loads, the reactive knapsack and the active knapsack's envelope in the energy e drawn
/// from energy-limited units (value <= intercept + slope × e for every line).
struct HourValueBounds: Sendable {
    var total: Double
    var reactive: Double = .infinity
    var activeLines: [(intercept: Double, slope: Double)] = []

    /// An upper bound on value − price × e over e in [low, high].
    func pricedBound(price: Double, low: Double, high: Double) -> Double {
        var candidates = [low, high]
        for k in activeLines.indices.dropLast() {
            let a = activeLines[k], b = activeLines[k + 1]
            if a.slope != b.slope {
                let x = (b.intercept - a.intercept) / (a.slope - b.slope)
                if x > low && x < high { candidates.append(x) }
            }
        }
        var best = -Double.infinity
        for e in candidates {
            var value = min(total, reactive)
            for line in activeLines { value = min(value, line.intercept + line.slope * e) }
            best = max(best, value - price * e)
        }
        return best
    }
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
    /// Per included hour, value bounds valid in every switching (with knapsack cuts only).
    private(set) var valueBounds: [HourValueBounds] = []

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
        var valueBounds: [HourValueBounds] = []
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
                valueBounds.append(
                    ComponentModel.addKnapsackCuts(&lp, component: c, hour: t, pickups: pickups, active: active))
            } else {
                valueBounds.append(HourValueBounds(total: (0..<n).reduce(0) { $0 + c.value($1, t) }))
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
        self.valueBounds = valueBounds
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
    @discardableResult
    static func addKnapsackCuts(
        _ lp: inout LinearProgram, component c: RestorationComponent, hour t: Int, pickups: [Int?], active: [Int]
    ) -> HourValueBounds {
        var bounds = HourValueBounds(total: (0..<c.busCount).reduce(0) { $0 + c.value($1, t) })
        var weights: [Double] = [], reactive: [Double] = [], values: [Double] = []
        var terms: [(Int, Double)] = []
        for i in 0..<c.busCount {
            guard let x = pickups[i], c.value(i, t) > 0 else { continue }
            weights.append(c.load[i][t])
            reactive.append(c.loadReactive[i][t])
            values.append(c.value(i, t))
            terms.append((x, c.value(i, t)))
        }
        guard !terms.isEmpty else { return bounds }
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
                bounds.activeLines.append((rhs, line.slope))
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
            bounds.reactive = table[table.count - 1]
        }
        return bounds
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

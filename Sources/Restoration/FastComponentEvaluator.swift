import CVoltagePass
import Foundation

/// A fast, LP-free restoration heuristic for one component, for the optimisation loop.
///
/// For each candidate switching (one island from the strongest root over the electrically
/// shortest paths, and one island per grid-forming source by nearest source), every hour
/// is served greedily: loads are taken in order of value per use of the scarce resources
/// and kept if a simple dispatch (free sources first, deep followers before the root,
/// energy-limited units last) balances P and Q within limits and keeps every voltage in
/// the band. Voltages come from precomputed common-path impedances, so testing one load
/// costs O(buses). Fleet energy is spread over the hours by the value it buys per kWh.
/// The best switching wins; the no-fleet exact solution, when given, is a floor, so the
/// value with fleets is never below the value without.
struct FastComponentEvaluator {
    let component: RestorationComponent
    var pickup: PickupMode = .binary
    /// Shared forests of this component by root (nil: each evaluation builds its own).
    var forests: ((_ root: Int) -> ForestGeometry)? = nil
    /// The vector width of the voltage passes: 512 (AVX-512F) or 256 (AVX2) when the
    /// processor has it, 0 for the portable loop; the results are the same bit for bit.
    var voltagePassWidth = VoltagePassSupport.width

    func evaluate(floor: ComponentSolution?) -> ComponentSolution {
        // A component always has a root, so with no floor a forest wins.
        evaluate(floorValue: floor?.value) ?? floor!
    }

    /// The best heuristic solution if it is worth more than `floorValue` + 1e-9 (nil: the
    /// floor stands), so that a caller builds the floor's solution only when it wins.
    func evaluate(floorValue: Double?) -> ComponentSolution? {
        best(over: floorValue) { forest in
            let solution = forest.solve()
            return (solution, solution.value)
        }
    }

    /// `evaluate(floorValue:)?.value` bit for bit, without building the solution (the
    /// optimisation needs only the value).
    func evaluateValue(floorValue: Double?) -> Double? {
        best(over: floorValue) { forest in
            let value = forest.solveValue()
            return (value, value)
        }
    }

    /// The result of the candidate forest with the highest value, if that value exceeds
    /// `floorValue` + 1e-9 (any value does when there is no floor); earlier forests win ties.
    private func best<Result>(
        over floorValue: Double?, _ solve: (FastForestEvaluator) -> (result: Result, value: Double)
    ) -> Result? {
        var best: Result?
        var bestValue = floorValue
        for roots in candidateRoots() {
            let geometry = roots.count == 1 ? forests?(roots[0]) : nil
            let (result, value) = solve(
                FastForestEvaluator(
                    component: component, geometry: geometry ?? ForestGeometry(component: component, roots: roots),
                    partial: pickup == .continuous, voltagePassWidth: voltagePassWidth))
            if bestValue == nil || value > bestValue! + 1e-9 {
                best = result
                bestValue = value
            }
        }
        return best
    }

    /// Roots of the candidate spanning forests: merged (one root) and split (every
    /// grid-forming bus a root).
    func candidateRoots() -> [[Int]] {
        let c = component
        // The root of the merged island: an unlimited grid-forming source if any (it never
        // runs out), else the bus with the most stored energy.
        func rank(_ bus: Int) -> (Int, Double) {
            let units = c.units.filter { $0.bus == bus && $0.isGridForming }
            let unlimited = units.contains { $0.energy == nil } ? 1 : 0
            let capacity = units.reduce(0) { $0 + ($1.energy ?? 0) + $1.maxActive.max()! }
            return (unlimited, capacity)
        }
        let strongest = c.rootCandidates.max { rank($0) < rank($1) }!
        // One island per component: on 300 random cases, splitting the grid-forming sources
        // into islands of their own never beat merging them (measured, docs/restoration.md).
        return [[strongest]]
    }
}

/// A spanning forest with its common-path drop tables. It depends only on the component's
/// edges and the roots, not on the units, so the evaluator shares one per (scenario,
/// component, root) between station sets. Immutable after construction.
final class ForestGeometry: @unchecked Sendable {
    let forest: SpanningForest
    /// Common-path drop coefficients: drop at bus k per kW (kVAr) drawn at bus j, for j, k
    /// in the same tree (0 elsewhere); row-major n × n.
    let commonP: UnsafeMutablePointer<Double>
    let commonQ: UnsafeMutablePointer<Double>
    private let count: Int
    /// With one root: per hour, the buses with value in the order of load ordering 0 (VOLL
    /// weight descending, then depth, then tree order), stride n, and their counts. It
    /// depends on the loads and the tree only. Empty with several roots.
    let weightOrder: [Int]
    let weightOrderCount: [Int]

    init(component: RestorationComponent, roots: [Int]) {
        let forest = SpanningForest(component: component, roots: roots)
        self.forest = forest
        let n = component.busCount
        count = n * n
        commonP = .allocate(capacity: count)
        commonP.initialize(repeating: 0, count: count)
        commonQ = .allocate(capacity: count)
        commonQ.initialize(repeating: 0, count: count)
        // common(j, k) = path drop from the root to the lowest common ancestor of j and k:
        // the drop along the path to k where k is an ancestor of j, inherited from the
        // parent elsewhere (parents come first in `order`).
        var pathP = [Double](repeating: 0, count: n), pathQ = [Double](repeating: 0, count: n)
        for v in forest.order where forest.parent[v] >= 0 {
            let e = component.edges[forest.parentEdge[v]]
            pathP[v] = pathP[forest.parent[v]] + e.dropPerKW
            pathQ[v] = pathQ[forest.parent[v]] + e.dropPerKVAr
        }
        var onPath = [Bool](repeating: false, count: n)
        for j in 0..<n {
            var v = j
            while v >= 0 {
                onPath[v] = true
                v = forest.parent[v]
            }
            let rowP = commonP + j * n, rowQ = commonQ + j * n
            for k in forest.order where forest.rootOf[k] == forest.rootOf[j] {
                if onPath[k] {
                    rowP[k] = pathP[k]
                    rowQ[k] = pathQ[k]
                } else if forest.parent[k] >= 0 {
                    rowP[k] = rowP[forest.parent[k]]
                    rowQ[k] = rowQ[forest.parent[k]]
                }
            }
            v = j
            while v >= 0 {
                onPath[v] = false
                v = forest.parent[v]
            }
        }
        var order: [Int] = [], orderCount: [Int] = []
        if roots.count == 1 {
            let hours = component.hourCount
            order = [Int](repeating: 0, count: hours * n)
            orderCount = [Int](repeating: 0, count: hours)
            var hourOrder = [Int](repeating: 0, count: n)
            var keys = [Double](repeating: 0, count: n), depths = [Double](repeating: 0, count: n)
            for t in 0..<hours {
                var count = 0
                for i in forest.order where forest.rootOf[i] == roots[0] && component.value(i, t) > 0 {
                    insertInLoadOrder(
                        i, key: component.weight[i], depth: commonP[i * n + i] + commonQ[i * n + i],
                        list: &hourOrder, keys: &keys, depths: &depths, count: count)
                    count += 1
                }
                order.replaceSubrange(t * n..<t * n + count, with: hourOrder[..<count])
                orderCount[t] = count
            }
        }
        weightOrder = order
        weightOrderCount = orderCount
    }

    deinit {
        commonP.deinitialize(count: count)
        commonP.deallocate()
        commonQ.deinitialize(count: count)
        commonQ.deallocate()
    }
}

/// A spanning forest of a component: every bus attached to its electrically nearest root
/// along shortest paths (by |r| + |x|), which keeps voltage drops small.
struct SpanningForest {
    var roots: [Int]
    /// Parent bus and edge per bus (-1 for roots).
    var parent: [Int]
    var parentEdge: [Int]
    /// Root of each bus's tree.
    var rootOf: [Int]
    /// Buses in order of discovery (parents before children).
    var order: [Int]

    init(component c: RestorationComponent, roots: [Int]) {
        let n = c.busCount
        var adjacency = [[(edge: Int, other: Int)]](repeating: [], count: n)
        for (e, edge) in c.edges.enumerated() {
            adjacency[edge.a].append((e, edge.b))
            adjacency[edge.b].append((e, edge.a))
        }
        var distance = [Double](repeating: .infinity, count: n)
        parent = [Int](repeating: -1, count: n)
        parentEdge = [Int](repeating: -1, count: n)
        rootOf = [Int](repeating: -1, count: n)
        var done = [Bool](repeating: false, count: n)
        for r in roots {
            distance[r] = 0
            rootOf[r] = r
        }
        order = []
        // Dijkstra without a heap: components have tens of buses.
        for _ in 0..<n {
            var v = -1
            for i in 0..<n where !done[i] && distance[i] < .infinity && (v < 0 || distance[i] < distance[v]) { v = i }
            if v < 0 { break }
            done[v] = true
            order.append(v)
            for (e, w) in adjacency[v] where !done[w] {
                let length = c.edges[e].dropPerKW + c.edges[e].dropPerKVAr
                if distance[v] + length < distance[w] {
                    distance[w] = distance[v] + length
                    parent[w] = v
                    parentEdge[w] = e
                    rootOf[w] = rootOf[v]
                }
            }
        }
        self.roots = roots
    }
}

/// The greedy on one spanning forest.
///
/// All scratch memory (trial states, hour results, load orders) is allocated once per
/// evaluation in two flat blocks and reused by every hour, pass and tried load, so the hot
/// loops allocate nothing and touch no nested arrays. An instance is confined to the call
/// that creates it (``FastComponentEvaluator/evaluate(floor:)``), so concurrent evaluations
/// share no mutable state.
///
/// Every floating-point result is computed with the same operations in the same order as
/// the first, allocation-heavy version of this greedy, so its values are bit-identical to
/// it (pinned by `FastEvaluatorRegressionTests`).
private final class FastForestEvaluator {
    let c: RestorationComponent
    let forest: SpanningForest
    let n: Int
    let unitCount: Int
    let hours: Int
    let span: Double
    /// Continuous pickup: a load that does not fit whole is served in part.
    let partial: Bool
    /// The one-tree voltage pass in `CVoltagePass`: 512 (AVX-512F), 256 (AVX2), 0 (Swift).
    let voltagePassWidth: Int
    let hasRatings: Bool

    /// The two blocks that hold every buffer below (from `ScratchPool`), and their capacities.
    private let doubles: UnsafeMutablePointer<Double>
    private let doubleCount: Int
    private let ints: UnsafeMutablePointer<Int>
    private let intCount: Int

    /// The forest and its common-path drop tables (kept alive while they are used).
    let geometry: ForestGeometry
    /// Common-path drop coefficients: drop at bus k per kW (kVAr) drawn at bus j, for j, k
    /// in the same tree; row-major n × n (owned by `geometry`).
    let commonP: UnsafeMutablePointer<Double>
    let commonQ: UnsafeMutablePointer<Double>
    /// Flat copies of the component's data, indexed [t * n + i] and [t * units + u].
    let loadP: UnsafeMutablePointer<Double>
    let loadQ: UnsafeMutablePointer<Double>
    let value: UnsafeMutablePointer<Double>
    let unitMaxP: UnsafeMutablePointer<Double>
    let unitMaxQ: UnsafeMutablePointer<Double>
    let unitBus: UnsafeMutablePointer<Int>
    /// Rating of each bus's parent edge (+infinity: none).
    let parentRating: UnsafeMutablePointer<Double>

    /// State of the hour being served. `drop` and `trialDrop` swap on every accepted load.
    var drop: UnsafeMutablePointer<Double>
    var trialDrop: UnsafeMutablePointer<Double>
    let pickup: UnsafeMutablePointer<Double>
    let active: UnsafeMutablePointer<Double>
    let reactive: UnsafeMutablePointer<Double>
    let trialActive: UnsafeMutablePointer<Double>
    let trialReactive: UnsafeMutablePointer<Double>
    /// Active and reactive limits of the units in the hour being served.
    let capacity: UnsafeMutablePointer<Double>
    let reactiveCapacity: UnsafeMutablePointer<Double>
    /// Units whose output a trial moved: their row offset in the common-path tables and deltas.
    let movedRow: UnsafeMutablePointer<Int>
    let movedP: UnsafeMutablePointer<Double>
    let movedQ: UnsafeMutablePointer<Double>
    /// Net injections of the rating check.
    let netP: UnsafeMutablePointer<Double>
    let netQ: UnsafeMutablePointer<Double>

    /// The tree being served (buses in discovery order, units, energy-limited units and
    /// their budgets, dispatch orders).
    var root = 0
    let treeBuses: UnsafeMutablePointer<Int>
    var treeBusCount = 0
    let treeUnits: UnsafeMutablePointer<Int>
    var treeUnitCount = 0
    let limited: UnsafeMutablePointer<Int>
    var limitedCount = 0
    let budgets: UnsafeMutablePointer<Double>
    let activeOrder: UnsafeMutablePointer<Int>
    var activeOrderCount = 0
    let reactiveOrder: UnsafeMutablePointer<Int>
    var reactiveOrderCount = 0

    /// Load orders per (ordering, hour), n entries each, and their lengths.
    let orders: UnsafeMutablePointer<Int>
    let orderCount: UnsafeMutablePointer<Int>
    let sortKey: UnsafeMutablePointer<Double>
    let sortDepth: UnsafeMutablePointer<Double>

    /// Hour results, one per slot: per ordering, `hours` full-power slots, `hours` re-served
    /// slots and 3 boosted-loser slots. A slot is written once and then only read.
    let slotsPerOrdering: Int
    let slotValue: UnsafeMutablePointer<Double>
    let slotCount: UnsafeMutablePointer<Int>
    let slotActive: UnsafeMutablePointer<Double>
    let slotReactive: UnsafeMutablePointer<Double>
    /// Energy per limited unit of the tree (stride unitCount).
    let slotEnergy: UnsafeMutablePointer<Double>
    /// Accepted loads in order with their shares, the value after each and the limited
    /// units' outputs after each (stride n, n and n × unitCount).
    let slotBus: UnsafeMutablePointer<Int>
    let slotShare: UnsafeMutablePointer<Double>
    let slotStepValue: UnsafeMutablePointer<Double>
    let slotStepEnergy: UnsafeMutablePointer<Double>
    /// The result slot of each hour per ordering.
    let resultSlot: UnsafeMutablePointer<Int>
    let fullSlot: UnsafeMutablePointer<Int>

    /// Replay logs of the full-power passes (binary pickup only), per full slot h =
    /// ordering × hours + t: the drop vector and unit outputs after each accepted load
    /// (stride n × n and n × unitCount), and per tried load x and limited unit k the
    /// output before, the need when the dispatch reached the unit (-1: not reached) and
    /// what it added (stride n × unitCount), and whether the load was accepted.
    let logDrop: UnsafeMutablePointer<Double>
    let logActive: UnsafeMutablePointer<Double>
    let logReactive: UnsafeMutablePointer<Double>
    let logBefore: UnsafeMutablePointer<Double>
    let logNeed: UnsafeMutablePointer<Double>
    let logAdd: UnsafeMutablePointer<Double>
    let logAccepted: UnsafeMutablePointer<Int>
    /// Whether full-power passes are logged and replayed.
    let replays: Bool
    /// Where `attempt` logs the limited units' dispatch (nil: no log).
    var dispatchLog: (before: UnsafeMutablePointer<Double>, need: UnsafeMutablePointer<Double>, add: UnsafeMutablePointer<Double>)?
    /// Index of each unit among the tree's limited units (-1: not limited).
    let limitedIndex: UnsafeMutablePointer<Int>
    /// The two drop buffers of a pass that is not logged.
    let dropA: UnsafeMutablePointer<Double>
    let dropB: UnsafeMutablePointer<Double>

    /// Energy spreading and re-serving scratch.
    let pooled: UnsafeMutablePointer<Double>
    let taken: UnsafeMutablePointer<Int>
    let allowance: UnsafeMutablePointer<Double>
    let offer: UnsafeMutablePointer<Double>
    let remaining: UnsafeMutablePointer<Double>
    let losers: UnsafeMutablePointer<Int>
    let loss: UnsafeMutablePointer<Double>

    init(component: RestorationComponent, geometry: ForestGeometry, partial: Bool, voltagePassWidth: Int) {
        c = component
        self.voltagePassWidth = voltagePassWidth
        self.geometry = geometry
        forest = geometry.forest
        commonP = geometry.commonP
        commonQ = geometry.commonQ
        self.partial = partial
        let n = component.busCount
        let units = component.units.count
        let hours = component.hourCount
        self.n = n
        unitCount = units
        self.hours = hours
        span = component.maxSquaredVoltage - component.minSquaredVoltage
        hasRatings = component.edges.contains { $0.ratingKVA != nil }
        let u1 = max(units, 1)
        let slotsPerOrdering = 2 * hours + 3
        self.slotsPerOrdering = slotsPerOrdering
        let slots = 2 * slotsPerOrdering
        // Replay logs take 2 × hours × n² drops: kept (binary pickup only) while that stays
        // within 4 MB (33 buses × 8 hours: 140 kB); without them every pass is served in full,
        // with the same result.
        replays = !partial && 2 * hours * n * n <= 1 << 19
        let logs = replays ? 2 * hours : 0

        // Carve the two blocks.
        let doubleSizes: [Int] = [
            hours * n, hours * n, hours * n, hours * u1, u1, n,  // loads, values, limits, ratings
            n, n, n, u1, u1, u1, u1, u1, u1,  // drop, trialDrop, pickup, active..reactiveCapacity
            u1, u1, n, n,  // moved deltas, net
            u1,  // budgets
            n, n,  // sort keys
            slots, slots * u1, slots * u1, slots * u1, slots * n, slots * n, slots * n * u1,  // slots
            hours * (n + 1), hours * u1, max(u1, hours), max(u1, hours), hours,  // spreading
            logs * n * n, logs * n * u1, logs * n * u1,  // replay: drops, outputs
            logs * n * u1, logs * n * u1, logs * n * u1,  // replay: dispatch
        ]
        let intSizes: [Int] = [
            u1, u1,  // unitBus, movedRow
            n, u1, u1, u1, u1,  // tree buses, units, limited, orders
            2 * hours * n, 2 * hours,  // load orders
            slots, slots * n, 2 * hours, 2 * hours,  // slot counts, buses, result and full slots
            hours, hours,  // taken, losers
            logs * n, u1,  // accepted flags, limited index
        ]
        let intsUsed = intSizes.reduce(0, +)
        let blocks = ScratchPool.shared.take(doubles: doubleSizes.reduce(0, +), ints: intsUsed)
        doubles = blocks.doubles
        doubleCount = blocks.doubleCount
        ints = blocks.ints
        intCount = blocks.intCount
        ints.update(repeating: 0, count: intsUsed)
        var d = doubles, nextDoubleSize = 0
        func nextDouble() -> UnsafeMutablePointer<Double> {
            let p = d
            d += doubleSizes[nextDoubleSize]
            nextDoubleSize += 1
            return p
        }
        var k = ints, nextIntSize = 0
        func nextInt() -> UnsafeMutablePointer<Int> {
            let p = k
            k += intSizes[nextIntSize]
            nextIntSize += 1
            return p
        }
        loadP = nextDouble()
        loadQ = nextDouble()
        value = nextDouble()
        unitMaxP = nextDouble()
        unitMaxQ = nextDouble()
        parentRating = nextDouble()
        dropA = nextDouble()
        dropB = nextDouble()
        drop = dropA
        trialDrop = dropB
        pickup = nextDouble()
        active = nextDouble()
        reactive = nextDouble()
        trialActive = nextDouble()
        trialReactive = nextDouble()
        capacity = nextDouble()
        reactiveCapacity = nextDouble()
        movedP = nextDouble()
        movedQ = nextDouble()
        netP = nextDouble()
        netQ = nextDouble()
        budgets = nextDouble()
        sortKey = nextDouble()
        sortDepth = nextDouble()
        // Zeros up to here; hour results, logs and spreading scratch are written before read.
        doubles.update(repeating: 0, count: d - doubles)
        slotValue = nextDouble()
        slotActive = nextDouble()
        slotReactive = nextDouble()
        slotEnergy = nextDouble()
        slotShare = nextDouble()
        slotStepValue = nextDouble()
        slotStepEnergy = nextDouble()
        pooled = nextDouble()
        allowance = nextDouble()
        offer = nextDouble()
        remaining = nextDouble()
        loss = nextDouble()
        logDrop = nextDouble()
        logActive = nextDouble()
        logReactive = nextDouble()
        logBefore = nextDouble()
        logNeed = nextDouble()
        logAdd = nextDouble()
        unitBus = nextInt()
        movedRow = nextInt()
        treeBuses = nextInt()
        treeUnits = nextInt()
        limited = nextInt()
        activeOrder = nextInt()
        reactiveOrder = nextInt()
        orders = nextInt()
        orderCount = nextInt()
        slotCount = nextInt()
        slotBus = nextInt()
        resultSlot = nextInt()
        fullSlot = nextInt()
        taken = nextInt()
        losers = nextInt()
        logAccepted = nextInt()
        limitedIndex = nextInt()

        for t in 0..<hours {
            for i in 0..<n {
                loadP[t * n + i] = component.load[i][t]
                loadQ[t * n + i] = component.loadReactive[i][t]
                value[t * n + i] = component.value(i, t)
            }
            for u in 0..<units { unitMaxP[t * units + u] = component.units[u].maxActive[t] }
        }
        for u in 0..<units {
            unitBus[u] = component.units[u].bus
            unitMaxQ[u] = component.units[u].maxReactive
        }
        for v in 0..<n {
            let e = forest.parentEdge[v]
            parentRating[v] = e >= 0 ? component.edges[e].ratingKVA ?? .infinity : .infinity
        }
    }

    deinit {
        ScratchPool.shared.give(doubles: doubles, doubleCount, ints: ints, intCount)
    }

    func solve() -> ComponentSolution {
        // The heuristic reports no voltages (all at the top of the band): one shared array.
        let voltages = [Double](repeating: c.maxSquaredVoltage, count: n)
        var operations = (0..<hours).map { _ in
            HourOperation(
                pickup: [Double](repeating: 0, count: n), active: [Double](repeating: 0, count: unitCount),
                reactive: [Double](repeating: 0, count: unitCount), squaredVoltage: voltages)
        }
        serveTrees { t, s in
            let count = slotCount[s]
            operations[t].pickup.withUnsafeMutableBufferPointer { pickup in
                for a in 0..<count { pickup[slotBus[s * n + a]] += slotShare[s * n + a] }
            }
            for x in 0..<treeUnitCount {
                let u = treeUnits[x]
                operations[t].active[u] = slotActive[s * unitCount + u]
                operations[t].reactive[u] = slotReactive[s * unitCount + u]
            }
        }
        // The value as `ExactComponentSolver.value(of:in:)` sums it (same terms, same order).
        var total = 0.0
        for t in 0..<hours {
            operations[t].pickup.withUnsafeBufferPointer { pickup in
                for i in 0..<n { total += value[t * n + i] * pickup[i] }
            }
        }
        var closed = [Bool](repeating: false, count: c.edges.count)
        for e in forest.parentEdge where e >= 0 { closed[e] = true }
        var roots = [Bool](repeating: false, count: n)
        for r in forest.roots { roots[r] = true }
        return ComponentSolution(
            closedEdges: closed, rootBuses: roots, operations: operations, value: total, bound: total,
            stats: SolveStats())
    }

    /// `solve().value` bit for bit (the same pickups summed in the same order), without the
    /// hourly operations.
    func solveValue() -> Double {
        var pickups = [Double](repeating: 0, count: hours * n)
        pickups.withUnsafeMutableBufferPointer { pickup in
            serveTrees { t, s in
                for a in 0..<slotCount[s] { pickup[t * n + slotBus[s * n + a]] += slotShare[s * n + a] }
            }
        }
        var total = 0.0
        for t in 0..<hours {
            for i in 0..<n { total += value[t * n + i] * pickups[t * n + i] }
        }
        return total
    }

    /// Serves each tree of the forest with every load ordering and hands the winning
    /// ordering's result slot of each hour to `take(hour, slot)` (before the next tree
    /// reuses the slots).
    private func serveTrees(_ take: (_ hour: Int, _ slot: Int) -> Void) {
        for root in forest.roots {
            prepareTree(root)
            var bestOrdering = -1
            var bestValue = -1.0
            var everything = 0.0
            for t in 0..<hours {
                for x in 0..<treeBusCount { everything += value[t * n + treeBuses[x]] }
            }
            previousOrdering = nil
            for ordering in Self.loadOrders {
                for t in 0..<hours {
                    // An hour whose full-power pass took every load in the previous order is
                    // not power-bound: it keeps that order (and so its passes), as the
                    // efficiency order is made for hours where power binds.
                    if let previous = previousOrdering,
                        slotCount[fullSlot[previous * hours + t]] == orderCount[previous * hours + t]
                    {
                        let count = orderCount[previous * hours + t]
                        (orders + (ordering * hours + t) * n).update(from: orders + (previous * hours + t) * n, count: count)
                        orderCount[ordering * hours + t] = count
                    } else {
                        orderLoads(t, ordering)
                    }
                }
                // The greedy is a function of the load orders: with the same orders in every
                // hour, this ordering repeats the previous one and cannot win.
                if let previous = previousOrdering, (0..<hours).allSatisfy({ sameOrder($0, ordering, previous) }) {
                    continue
                }
                serve(ordering)
                previousOrdering = ordering
                var total = 0.0
                for t in 0..<hours { total += slotValue[resultSlot[ordering * hours + t]] }
                if total > bestValue + 1e-9 {
                    bestValue = total
                    bestOrdering = ordering
                }
                // Every load served in every hour: no other order can do better.
                if bestValue >= everything - 1e-9 { break }
            }
            for t in 0..<hours { take(t, resultSlot[bestOrdering * hours + t]) }
        }
    }

    /// The load orderings tried, in this order (0: by VOLL weight, best when energy is the
    /// scarce resource; 1: by value per share of the scarce P and Q, best when power binds);
    /// the best result wins, the earlier on ties.
    static let loadOrders = [0, 1]
    /// The ordering served before the current one in this tree (its full-power passes are
    /// reused where the orders agree).
    var previousOrdering: Int?

    /// Depth of a bus: its own common-path drop per kW plus per kVAr.
    @inline(__always) private func depth(_ bus: Int) -> Double { commonP[bus * n + bus] + commonQ[bus * n + bus] }

    /// Fixed data of the tree rooted at `root`. Dispatch priority for P: free followers deep
    /// first, then an unlimited root, then energy-limited followers deep first, then an
    /// energy-limited root. For Q: followers deep first, then the root.
    private func prepareTree(_ root: Int) {
        self.root = root
        treeBusCount = 0
        for v in forest.order where forest.rootOf[v] == root {
            treeBuses[treeBusCount] = v
            treeBusCount += 1
        }
        let units = c.units.indices.filter { forest.rootOf[c.units[$0].bus] == root }
        treeUnitCount = units.count
        for (x, u) in units.enumerated() { treeUnits[x] = u }
        let limitedUnits = units.filter { c.units[$0].energy != nil }
        limitedCount = limitedUnits.count
        for u in 0..<unitCount { limitedIndex[u] = -1 }
        for (x, u) in limitedUnits.enumerated() {
            limitedIndex[u] = x
            limited[x] = u
            budgets[x] = c.units[u].energy!
        }
        let rootUnits = units.filter { c.units[$0].bus == root && c.units[$0].isGridForming }
        let followers = units.filter { !rootUnits.contains($0) }.sorted { depth(c.units[$0].bus) > depth(c.units[$1].bus) }
        let pOrder =
            followers.filter { c.units[$0].energy == nil } + rootUnits.filter { c.units[$0].energy == nil }
            + followers.filter { c.units[$0].energy != nil } + rootUnits.filter { c.units[$0].energy != nil }
        let qOrder = followers.filter { c.units[$0].maxReactive > 0 } + rootUnits
        activeOrderCount = pOrder.count
        for (x, u) in pOrder.enumerated() { activeOrder[x] = u }
        reactiveOrderCount = qOrder.count
        for (x, u) in qOrder.enumerated() { reactiveOrder[x] = u }
    }

    /// Whether hour t's load order is the same in two orderings.
    private func sameOrder(_ t: Int, _ a: Int, _ b: Int) -> Bool {
        let ka = a * hours + t, kb = b * hours + t
        guard orderCount[ka] == orderCount[kb] else { return false }
        let pa = orders + ka * n, pb = orders + kb * n
        for x in 0..<orderCount[ka] where pa[x] != pb[x] { return false }
        return true
    }

    /// Serves the tree over all hours with one load ordering (0: by VOLL weight, best when
    /// energy is the scarce resource; 1: by value per share of the scarce P and Q, best when
    /// power binds); fills `resultSlot` for the ordering.
    private func serve(_ ordering: Int) {
        let m = limitedCount
        let base = ordering * slotsPerOrdering
        let results = resultSlot + ordering * hours
        let full = fullSlot + ordering * hours
        // The order of an hour's loads is fixed at full power and reused for every allowance.
        for t in 0..<hours {
            if let previous = previousOrdering, sameOrder(t, ordering, previous) {
                // Same order at full power: the same hour result.
                full[t] = fullSlot[previous * hours + t]
            } else {
                for k in 0..<m { offer[k] = unitMaxP[t * unitCount + limited[k]] }
                full[t] = base + t
                // The first ordering's pass is replayed while the two orders agree (same
                // limits, same loads: same steps).
                var agree = 0
                if let previous = previousOrdering {
                    let mine = orders + (ordering * hours + t) * n, theirs = orders + (previous * hours + t) * n
                    let common = min(orderCount[ordering * hours + t], orderCount[previous * hours + t])
                    while agree < common && mine[agree] == theirs[agree] { agree += 1 }
                }
                greedyHour(
                    t, ordering, allowance: offer, into: full[t], log: ordering * hours + t,
                    replaying: agree > 0 ? fullSlot[previousOrdering! * hours + t] : nil, prefix: agree)
            }
            results[t] = full[t]
        }
        if m == 0 { return }
        var fits = true
        for k in 0..<m {
            var sum = 0.0
            for t in 0..<hours { sum += slotEnergy[full[t] * unitCount + k] }
            if !(sum <= budgets[k] + 1e-9) {
                fits = false
                break
            }
        }
        if fits { return }
        // Spread the energy over the hours by the value it buys (each hour keeps a prefix of
        // its loads), then offer what is left to the hours that lost most.
        spreadEnergy(full)
        // Each hour is served again within its share: with less energy the greedy may pick
        // other loads than the prefix.
        for t in 0..<hours {
            // Keep the full-power hour only if no unit draws beyond its own share (the pool
            // is split by budget, and a deep follower may have been drained first).
            var withinShares = true
            for k in 0..<m where !(slotEnergy[full[t] * unitCount + k] <= allowance[t * unitCount + k] + 1e-9) {
                withinShares = false
                break
            }
            if taken[t] == slotCount[full[t]] && withinShares { continue }
            results[t] = base + hours + t
            greedyHour(
                t, ordering, allowance: allowance + t * unitCount, into: results[t], replaying: full[t])
        }
        for k in 0..<m { remaining[k] = budgets[k] }
        for t in 0..<hours {
            for k in 0..<m { remaining[k] -= slotEnergy[results[t] * unitCount + k] }
        }
        // Hours by lost value, most first; ties in hour order (a stable sort).
        for t in 0..<hours {
            let key = slotValue[full[t]] - slotValue[results[t]]
            var x = t
            while x > 0 && key > loss[x - 1] {
                loss[x] = loss[x - 1]
                losers[x] = losers[x - 1]
                x -= 1
            }
            loss[x] = key
            losers[x] = t
        }
        var spare = base + 2 * hours
        for x in 0..<min(3, hours) {
            let t = losers[x]
            var left = false
            for k in 0..<m where remaining[k] > 1e-6 {
                left = true
                break
            }
            guard left, slotValue[results[t]] < slotValue[full[t]] - 1e-9 else { continue }
            let current = results[t]
            for k in 0..<m {
                offer[k] = min(
                    slotEnergy[current * unitCount + k] + max(remaining[k], 0), unitMaxP[t * unitCount + limited[k]])
            }
            let richer = spare
            greedyHour(t, ordering, allowance: offer, into: richer, replaying: full[t])
            if slotValue[richer] > slotValue[current] + 1e-9 {
                for k in 0..<m {
                    remaining[k] -= slotEnergy[richer * unitCount + k] - slotEnergy[current * unitCount + k]
                }
                results[t] = richer
                spare += 1
            }
        }
    }

    /// Spreads the pooled energy of the tree's limited units over the hours by the value it
    /// buys: each hour keeps a prefix of its accepted loads; the next load taken is the one
    /// with the most value per kWh that still fits (energy-free loads first). Sets each
    /// hour's prefix length (`taken`) and its energy split over the units by budget
    /// (`allowance`, stride unitCount).
    private func spreadEnergy(_ full: UnsafeMutablePointer<Int>) {
        let m = limitedCount
        var pool = 0.0
        for k in 0..<m { pool += budgets[k] }
        // Pooled energy after k accepted loads, per hour (stride n + 1).
        for t in 0..<hours {
            let s = full[t]
            let row = pooled + t * (n + 1)
            row[0] = 0
            for a in 0..<slotCount[s] {
                var sum = 0.0
                for k in 0..<m { sum += slotStepEnergy[(s * n + a) * unitCount + k] }
                row[a + 1] = sum
            }
            taken[t] = 0
        }
        // Each hour's next step (its energy and value per kWh) changes only when the hour
        // is picked, so it is computed then (in the offer and remaining buffers, free here).
        let extra = offer, ratio = remaining
        func next(_ t: Int) {
            let a = taken[t]
            guard a < slotCount[full[t]] else { return }
            let row = pooled + t * (n + 1)
            extra[t] = row[a + 1] - row[a]
            let steps = slotStepValue + full[t] * n
            let gain = steps[a] - (a == 0 ? 0 : steps[a - 1])
            ratio[t] = extra[t] <= 1e-9 ? Double.infinity : gain / extra[t]
        }
        for t in 0..<hours { next(t) }
        var used = 0.0
        let steps = taken, loads = slotCount
        // Hours that may still take a step, in hour order: an hour leaves when its loads are
        // all taken or its next step no longer fits (`used` only grows, and an hour's next
        // step changes only when it is picked, so it never fits again).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: hours) { open in
            var openCount = 0
            for t in 0..<hours where steps[t] < loads[full[t]] {
                open[openCount] = t
                openCount += 1
            }
            let ceiling = pool + 1e-9
            while openCount > 0 {
                var pick = -1
                var bestRatio = -Double.infinity
                // The best of the other hours (the first on ties), to pick `pick` again
                // without a scan while it still wins.
                var second = -1
                var secondRatio = -Double.infinity
                var kept = 0
                for x in 0..<openCount {
                    let t = open[x]
                    if steps[t] >= loads[full[t]] || used + extra[t] > ceiling { continue }
                    open[kept] = t
                    kept += 1
                    if ratio[t] > bestRatio {
                        second = pick
                        secondRatio = bestRatio
                        bestRatio = ratio[t]
                        pick = t
                    } else if ratio[t] > secondRatio {
                        second = t
                        secondRatio = ratio[t]
                    }
                }
                openCount = kept
                if pick < 0 { break }
                // Other hours' steps do not change and only drop out as `used` grows, so
                // `pick` wins the next scan too while it beats `second` (ties: the earlier hour).
                repeat {
                    let row = pooled + pick * (n + 1)
                    used += row[steps[pick] + 1] - row[steps[pick]]
                    steps[pick] += 1
                    next(pick)
                } while steps[pick] < loads[full[pick]] && used + extra[pick] <= ceiling
                    && (ratio[pick] > secondRatio || ratio[pick] == secondRatio && (second < 0 || pick < second))
            }
        }
        for t in 0..<hours {
            let energy = pooled[t * (n + 1) + taken[t]]
            for k in 0..<m { allowance[t * unitCount + k] = pool > 0 ? energy * budgets[k] / pool : 0 }
        }
    }

    /// Greedy pickup of the tree in hour `t` with the given energy allowances per limited
    /// unit, in the hour's load order of `ordering`; the result goes to `slot`.
    ///
    /// With binary pickup, a full-power pass logs its steps (`log`: its full slot's log
    /// index), and a pass within smaller allowances in the same order (`replaying`: that
    /// full slot) takes the logged steps as long as every energy-limited unit the dispatch
    /// reached adds exactly what it added at full power: up to there the two passes have the
    /// same state bit for bit (only the limited units' limits differ), so the same loads are
    /// accepted. From the first step that differs, it serves as usual. A full-power pass in
    /// the other ordering replays the first one for as long as the two orders agree
    /// (`prefix`), logging the replayed steps as its own.
    private func greedyHour(
        _ t: Int, _ ordering: Int, allowance: UnsafeMutablePointer<Double>, into slot: Int, log: Int? = nil,
        replaying source: Int? = nil, prefix: Int = .max
    ) {
        let cap = capacity, qCap = reactiveCapacity
        for x in 0..<treeUnitCount {
            let u = treeUnits[x]
            cap[u] = unitMaxP[t * unitCount + u]
            qCap[u] = unitMaxQ[u]
        }
        for k in 0..<limitedCount {
            let u = limited[k]
            cap[u] = min(cap[u], max(allowance[k], 0))
        }
        // Shared inverter limits: the PV half has priority.
        for x in 0..<treeUnitCount {
            let u = treeUnits[x]
            if let shared = c.units[u].sharedLimit, c.units[u].kind == .storage {
                cap[u] = min(cap[u], max(shared.limitKW - unitMaxP[t * unitCount + shared.partner], 0))
            }
        }
        drop = dropA
        trialDrop = dropB
        for x in 0..<treeBusCount {
            let i = treeBuses[x]
            drop[i] = 0
            pickup[i] = 0
        }
        for u in 0..<unitCount {
            active[u] = 0
            reactive[u] = 0
        }
        var total = 0.0
        var count = 0
        let m = limitedCount
        let candidates = orders + (ordering * hours + t) * n
        let candidateCount = orderCount[ordering * hours + t]
        let buses = slotBus + slot * n, shares = slotShare + slot * n, steps = slotStepValue + slot * n
        let stepEnergy = slotStepEnergy + slot * n * unitCount
        var first = 0
        let logging = log != nil && replays
        if let source, replays {
            let h = (source / slotsPerOrdering) * hours + source % slotsPerOrdering
            // Take the logged steps while the limited units add the same.
            var same = true
            while first < min(candidateCount, prefix) {
                let entry = (h * n + first) * unitCount
                for k in 0..<m where logNeed[entry + k] >= 0 {
                    let u = limited[k]
                    if min(cap[u] - logBefore[entry + k], logNeed[entry + k]) != logAdd[entry + k] {
                        same = false
                        break
                    }
                }
                if !same { break }
                if logAccepted[h * n + first] != 0 { count += 1 }
                first += 1
            }
            if count > 0 {
                let from = source
                for a in 0..<count {
                    buses[a] = slotBus[from * n + a]
                    shares[a] = slotShare[from * n + a]
                    steps[a] = slotStepValue[from * n + a]
                    pickup[buses[a]] += shares[a]
                    for k in 0..<m { stepEnergy[a * unitCount + k] = slotStepEnergy[(from * n + a) * unitCount + k] }
                }
                total = steps[count - 1]
                let row = logDrop + (h * n + count - 1) * n
                if logging {
                    // This pass is logged too: its log starts with the replayed steps.
                    let to = log!
                    (logDrop + to * n * n).update(from: logDrop + h * n * n, count: count * n)
                    (logActive + to * n * unitCount).update(from: logActive + h * n * unitCount, count: count * unitCount)
                    (logReactive + to * n * unitCount).update(
                        from: logReactive + h * n * unitCount, count: count * unitCount)
                    drop = logDrop + (to * n + count - 1) * n
                } else {
                    for x in 0..<treeBusCount {
                        let i = treeBuses[x]
                        drop[i] = row[i]
                    }
                }
                for u in 0..<unitCount {
                    active[u] = logActive[(h * n + count - 1) * unitCount + u]
                    reactive[u] = logReactive[(h * n + count - 1) * unitCount + u]
                }
            }
            if logging && first > 0 {
                let to = log!
                (logAccepted + to * n).update(from: logAccepted + h * n, count: first)
                (logBefore + to * n * unitCount).update(from: logBefore + h * n * unitCount, count: first * unitCount)
                (logNeed + to * n * unitCount).update(from: logNeed + h * n * unitCount, count: first * unitCount)
                (logAdd + to * n * unitCount).update(from: logAdd + h * n * unitCount, count: first * unitCount)
            }
        }
        for x in first..<candidateCount {
            let i = candidates[x]
            var share = 1.0
            if logging {
                let h = log!
                let entry = (h * n + x) * unitCount
                dispatchLog = (logBefore + entry, logNeed + entry, logAdd + entry)
                for k in 0..<m { logNeed[entry + k] = -1 }
                // The trial drops go straight to the row of the next accepted step.
                trialDrop = logDrop + (h * n + count) * n
                let accepted = attempt(i, 1, t)
                logAccepted[h * n + x] = accepted ? 1 : 0
                dispatchLog = nil
                guard accepted else { continue }
                drop = trialDrop
                for u in 0..<unitCount {
                    logActive[(h * n + count) * unitCount + u] = trialActive[u]
                    logReactive[(h * n + count) * unitCount + u] = trialReactive[u]
                }
            } else {
                if !attempt(i, 1, t) {
                    if !partial { continue }
                    // Continuous pickup: the largest share that fits (feasibility is monotone in it).
                    var low = 0.0, high = 1.0
                    for _ in 0..<12 {
                        let mid = (low + high) / 2
                        if attempt(i, mid, t) { low = mid } else { high = mid }
                    }
                    guard low > 1e-3, attempt(i, low, t) else { continue }
                    share = low
                }
                // Commit the trial state.
                let committed = trialDrop
                trialDrop = drop
                drop = committed
            }
            for y in 0..<treeUnitCount {
                let u = treeUnits[y]
                active[u] = trialActive[u]
                reactive[u] = trialReactive[u]
            }
            pickup[i] += share
            total += share * value[t * n + i]
            buses[count] = i
            shares[count] = share
            steps[count] = total
            for k in 0..<m { stepEnergy[count * unitCount + k] = active[limited[k]] }
            count += 1
        }
        slotValue[slot] = total
        slotCount[slot] = count
        for u in 0..<unitCount {
            slotActive[slot * unitCount + u] = active[u]
            slotReactive[slot * unitCount + u] = reactive[u]
        }
        for k in 0..<m { slotEnergy[slot * unitCount + k] = active[limited[k]] }
    }

    /// Orders hour t's loads of the tree with value for `ordering` (stable: ties by depth,
    /// then in tree order).
    private func orderLoads(_ t: Int, _ ordering: Int) {
        let list = orders + (ordering * hours + t) * n
        var count = 0
        func insert(_ bus: Int, _ key: Double) {
            insertInLoadOrder(bus, key: key, depth: depth(bus), list: list, keys: sortKey, depths: sortDepth, count: count)
            count += 1
        }
        if ordering == 0 && !geometry.weightOrderCount.isEmpty {
            // Known from the shared forest.
            count = geometry.weightOrderCount[t]
            geometry.weightOrder.withUnsafeBufferPointer { known in
                for x in 0..<count { list[x] = known[t * n + x] }
            }
        } else if ordering == 0 {
            for x in 0..<treeBusCount {
                let i = treeBuses[x]
                if value[t * n + i] > 0 { insert(i, c.weight[i]) }
            }
        } else {
            // Prices per kW and kVAr: the share of each resource a load takes, weighted by
            // how scarce the resource is (demand over capacity, capped at 1).
            var totalP = 0.0, totalQ = 0.0, demandP = 0.0, demandQ = 0.0
            for x in 0..<treeUnitCount {
                let u = treeUnits[x]
                totalP += unitMaxP[t * unitCount + u]
                totalQ += unitMaxQ[u]
            }
            for x in 0..<treeBusCount {
                let i = treeBuses[x]
                demandP += loadP[t * n + i]
                demandQ += max(loadQ[t * n + i], 0)
            }
            let priceP = totalP > 0 ? min(demandP / totalP, 1) / totalP : 1
            let priceQ = totalQ > 0 ? min(demandQ / totalQ, 1) / totalQ : 1
            for x in 0..<treeBusCount {
                let i = treeBuses[x]
                guard value[t * n + i] > 0 else { continue }
                let use = priceP * loadP[t * n + i] + priceQ * max(loadQ[t * n + i], 0) + 1e-9
                insert(i, value[t * n + i] / use)
            }
        }
        orderCount[ordering * hours + t] = count
    }

    /// Tries to serve share `f` of bus i on top of the current state; the trial state is
    /// left in the trial buffers. False if P, Q, a voltage or a rating would not hold.
    /// Kept out of line (five call sites; inlining it measured no faster, if anything slower).
    @inline(never)
    private func attempt(_ i: Int, _ f: Double, _ t: Int) -> Bool {
        let n = n, dp = f * loadP[t * n + i], dq = f * loadQ[t * n + i]
        let cap = capacity, qCap = reactiveCapacity, active = active, reactive = reactive
        let trialActive = trialActive, trialReactive = trialReactive, treeUnits = treeUnits
        let treeUnitCount = treeUnitCount, treeBuses = treeBuses, treeBusCount = treeBusCount
        let drop = drop, trialDrop = trialDrop, commonP = commonP, commonQ = commonQ
        let movedRow = movedRow, movedP = movedP, movedQ = movedQ, root = root
        for x in 0..<treeUnitCount {
            let u = treeUnits[x]
            trialActive[u] = active[u]
            trialReactive[u] = reactive[u]
        }
        var needP = dp
        if let log = dispatchLog {
            for x in 0..<activeOrderCount {
                guard needP > 1e-12 else { break }
                let u = activeOrder[x]
                let add = min(cap[u] - trialActive[u], needP)
                let k = limitedIndex[u]
                if k >= 0 {
                    log.before[k] = trialActive[u]
                    log.need[k] = needP
                    log.add[k] = add
                }
                if add > 0 {
                    trialActive[u] += add
                    needP -= add
                }
            }
        } else {
            for x in 0..<activeOrderCount {
                guard needP > 1e-12 else { break }
                let u = activeOrder[x]
                let add = min(cap[u] - trialActive[u], needP)
                if add > 0 {
                    trialActive[u] += add
                    needP -= add
                }
            }
        }
        if needP > 1e-9 { return false }
        var needQ = dq
        if needQ >= 0 {
            for x in 0..<reactiveOrderCount {
                guard needQ > 1e-12 else { break }
                let u = reactiveOrder[x]
                let add = min(qCap[u] - trialReactive[u], needQ)
                if add > 0 {
                    trialReactive[u] += add
                    needQ -= add
                }
            }
        } else {
            var x = reactiveOrderCount - 1
            while x >= 0 && needQ < -1e-12 {
                let u = reactiveOrder[x]
                let take = max(-qCap[u] - trialReactive[u], needQ)
                if take < 0 {
                    trialReactive[u] += take
                    needQ -= take
                }
                x -= 1
            }
        }
        if abs(needQ) > 1e-9 { return false }
        // Voltage: drop_k changes by the load at i minus the increments of the sources that
        // moved (the root's own injections move no drop: its row of common paths is zero).
        var moved = 0
        for x in 0..<treeUnitCount {
            let u = treeUnits[x]
            let deltaP = trialActive[u] - active[u], deltaQ = trialReactive[u] - reactive[u]
            if deltaP == 0 && deltaQ == 0 || unitBus[u] == root { continue }
            movedRow[moved] = unitBus[u] * n
            movedP[moved] = deltaP
            movedQ[moved] = deltaQ
            moved += 1
        }
        let rowP = commonP + i * n, rowQ = commonQ + i * n
        let limit = span + 1e-12
        var highest = 0.0, lowest = 0.0
        /// The trial drop at bus k, stored in `trialDrop`: the load's drop minus the moved
        /// units' (the vector loops below make the same operations per bus).
        @inline(__always) func trialDropAt(_ k: Int) -> Double {
            var d = drop[k] + rowP[k] * dp + rowQ[k] * dq
            for y in 0..<moved {
                let row = movedRow[y]
                d -= commonP[row + k] * movedP[y] + commonQ[row + k] * movedQ[y]
            }
            trialDrop[k] = d
            return d
        }
        // One pass over the buses, each with the same operations in the same order as a pass
        // per source would use. When the tree spans the component (one root) the buses are
        // 0..<n, taken four at a time; otherwise the pass stops at the first violation (the
        // spread of drops only grows along it). With AVX-512 or AVX2 the one-tree pass runs
        // in C with the same operations.
        if treeBusCount == n {
            switch voltagePassWidth {
            case 512:
                voltage_pass_avx512(
                    n, drop, rowP, rowQ, dp, dq, commonP, commonQ, movedRow, movedP, movedQ, moved, trialDrop,
                    &highest, &lowest)
            case 256:
                voltage_pass_avx2(
                    n, drop, rowP, rowQ, dp, dq, commonP, commonQ, movedRow, movedP, movedQ, moved, trialDrop,
                    &highest, &lowest)
            default:
                typealias Lanes = SIMD4<Double>
                @inline(__always) func load(_ p: UnsafeMutablePointer<Double>) -> Lanes {
                    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
                }
                let lanesP = Lanes(repeating: dp), lanesQ = Lanes(repeating: dq)
                // Per-lane extremes in scalars (the generic pointwise functions are not inlined).
                var h0 = 0.0, h1 = 0.0, h2 = 0.0, h3 = 0.0, l0 = 0.0, l1 = 0.0, l2 = 0.0, l3 = 0.0
                var k = 0
                while k + 4 <= n {
                    var d = load(drop + k) + load(rowP + k) * lanesP + load(rowQ + k) * lanesQ
                    for y in 0..<moved {
                        let row = movedRow[y]
                        d -= load(commonP + row + k) * Lanes(repeating: movedP[y])
                            + load(commonQ + row + k) * Lanes(repeating: movedQ[y])
                    }
                    UnsafeMutableRawPointer(trialDrop + k).storeBytes(of: d, as: Lanes.self)
                    if d[0] > h0 { h0 = d[0] }
                    if d[1] > h1 { h1 = d[1] }
                    if d[2] > h2 { h2 = d[2] }
                    if d[3] > h3 { h3 = d[3] }
                    if d[0] < l0 { l0 = d[0] }
                    if d[1] < l1 { l1 = d[1] }
                    if d[2] < l2 { l2 = d[2] }
                    if d[3] < l3 { l3 = d[3] }
                    k += 4
                }
                highest = Swift.max(Swift.max(h0, h1), Swift.max(h2, h3))
                lowest = Swift.min(Swift.min(l0, l1), Swift.min(l2, l3))
                while k < n {
                    let d = trialDropAt(k)
                    if d > highest { highest = d }
                    if d < lowest { lowest = d }
                    k += 1
                }
            }
            if highest - lowest > limit { return false }
        } else {
            for x in 0..<treeBusCount {
                let d = trialDropAt(treeBuses[x])
                if d > highest { highest = d }
                if d < lowest { lowest = d }
                if highest - lowest > limit { return false }
            }
        }
        if hasRatings && !ratingsHold(adding: i, share: f, t: t) { return false }
        return true
    }

    /// Branch ratings: recomputes the tree's flows for the trial state.
    private func ratingsHold(adding i: Int, share f: Double, t: Int) -> Bool {
        for x in 0..<treeBusCount {
            let k = treeBuses[x]
            netP[k] = 0
            netQ[k] = 0
        }
        for x in 0..<treeBusCount {
            let k = treeBuses[x]
            let served = pickup[k] + (k == i ? f : 0)
            netP[k] += served * loadP[t * n + k]
            netQ[k] += served * loadQ[t * n + k]
        }
        for x in 0..<treeUnitCount {
            let u = treeUnits[x]
            netP[unitBus[u]] -= trialActive[u]
            netQ[unitBus[u]] -= trialReactive[u]
        }
        var x = treeBusCount - 1
        while x >= 0 {
            let v = treeBuses[x]
            x -= 1
            let parent = forest.parent[v]
            guard parent >= 0 else { continue }
            let rating = parentRating[v]
            if rating < .infinity {
                let p = abs(netP[v]), q = abs(netQ[v])
                if p > rating + 1e-9 || q > rating + 1e-9 || p + q > rating * 2.0.squareRoot() + 1e-9 { return false }
            }
            netP[parent] += netP[v]
            netQ[parent] += netQ[v]
        }
        return true
    }
}

/// Inserts `bus` into the first `count` entries of `list`, kept in load order: key
/// descending, then depth ascending, equal entries in the order they were added (an
/// insertion sort; a tree has a few dozen loads). `keys` and `depths` hold the entries'
/// keys and depths alongside.
@inline(__always)
func insertInLoadOrder(
    _ bus: Int, key: Double, depth: Double, list: UnsafeMutablePointer<Int>, keys: UnsafeMutablePointer<Double>,
    depths: UnsafeMutablePointer<Double>, count: Int
) {
    var x = count
    while x > 0 && (key != keys[x - 1] ? key > keys[x - 1] : depth < depths[x - 1]) {
        list[x] = list[x - 1]
        keys[x] = keys[x - 1]
        depths[x] = depths[x - 1]
        x -= 1
    }
    list[x] = bus
    keys[x] = key
    depths[x] = depth
}

/// Scratch blocks of the greedy, kept between evaluations: a fresh block of a few hundred kB
/// per evaluation costs page faults (glibc maps and trims it) worth ~5 % of a call. Blocks
/// hold plain numbers; every user writes what it reads (zeroing its own parts), so a reused
/// block gives the same results as a new one.
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool()
    private let lock = NSLock()
    /// Free blocks with their capacities (initialised memory).
    private var free: [(doubles: UnsafeMutablePointer<Double>, doubleCount: Int, ints: UnsafeMutablePointer<Int>, intCount: Int)] = []
    /// Most free blocks kept (one per thread that evaluates concurrently is enough).
    private let keep = 16

    /// A block pair with at least the given capacities, initialised (contents unspecified),
    /// and the capacities it has.
    func take(doubles: Int, ints: Int) -> (
        doubles: UnsafeMutablePointer<Double>, doubleCount: Int, ints: UnsafeMutablePointer<Int>, intCount: Int
    ) {
        lock.lock()
        if let x = free.lastIndex(where: { $0.doubleCount >= doubles && $0.intCount >= ints }) {
            let block = free.remove(at: x)
            lock.unlock()
            return block
        }
        lock.unlock()
        let d = UnsafeMutablePointer<Double>.allocate(capacity: doubles)
        d.initialize(repeating: 0, count: doubles)
        let k = UnsafeMutablePointer<Int>.allocate(capacity: ints)
        k.initialize(repeating: 0, count: ints)
        return (d, doubles, k, ints)
    }

    /// Returns a block pair with the capacities `take` gave.
    func give(doubles: UnsafeMutablePointer<Double>, _ doubleCount: Int, ints: UnsafeMutablePointer<Int>, _ intCount: Int) {
        lock.lock()
        if free.count < keep {
            free.append((doubles, doubleCount, ints, intCount))
            lock.unlock()
            return
        }
        lock.unlock()
        doubles.deinitialize(count: doubleCount)
        doubles.deallocate()
        ints.deinitialize(count: intCount)
        ints.deallocate()
    }
}

/// Whether this processor runs the fast evaluator's vector voltage pass (`CVoltagePass`).
public enum VoltagePassSupport {
    /// The vector width `CVoltagePass` uses here: 512 (AVX-512F), 256 (AVX2) or 0.
    public static let width = Int(voltage_pass_width())
}

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

    func evaluate(floor: ComponentSolution?) -> ComponentSolution {
        var best = floor
        for forest in candidateForests() {
            let solution = FastForestEvaluator(component: component, forest: forest, partial: pickup == .continuous).solve()
            if best == nil || solution.value > best!.value + 1e-9 { best = solution }
        }
        // A component always has a root, so at least one forest was evaluated.
        return best!
    }

    /// Candidate spanning forests: merged (one root) and split (every grid-forming bus a root).
    func candidateForests() -> [SpanningForest] {
        let c = component
        var forests: [SpanningForest] = []
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
        forests.append(SpanningForest(component: c, roots: [strongest]))
        return forests
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

/// The greedy on one spanning forest. Scratch memory is allocated once per evaluation and
/// reused by every hour and every tried load, which keeps a call within tens of microseconds.
private final class FastForestEvaluator {
    let c: RestorationComponent
    let forest: SpanningForest
    let n: Int
    let unitCount: Int
    /// Common-path drop coefficients: drop at bus k per kW (kVAr) drawn at bus j, for j, k
    /// in the same tree; row-major n × n.
    let commonP: UnsafeMutablePointer<Double>
    let commonQ: UnsafeMutablePointer<Double>
    /// Scratch state of one hour.
    let drop: UnsafeMutablePointer<Double>
    let trialDrop: UnsafeMutablePointer<Double>
    let active: UnsafeMutablePointer<Double>
    let reactive: UnsafeMutablePointer<Double>
    let trialActive: UnsafeMutablePointer<Double>
    let trialReactive: UnsafeMutablePointer<Double>
    let pickup: UnsafeMutablePointer<Double>
    /// Active and reactive limits of the units in the hour being served.
    let capacity: UnsafeMutablePointer<Double>
    let reactiveCapacity: UnsafeMutablePointer<Double>
    let span: Double
    /// Continuous pickup: a load that does not fit whole is served in part.
    let partial: Bool
    let hasRatings: Bool
    /// Flat copies of the component's data, indexed [t * n + i] and [t * units + u], so the
    /// inner loops touch no nested arrays.
    let loadP: [Double]
    let loadQ: [Double]
    let value: [Double]
    let unitBus: [Int]
    let unitMaxP: [Double]
    let unitMaxQ: [Double]

    init(component: RestorationComponent, forest: SpanningForest, partial: Bool) {
        c = component
        self.forest = forest
        self.partial = partial
        n = component.busCount
        unitCount = component.units.count
        span = component.maxSquaredVoltage - component.minSquaredVoltage
        hasRatings = component.edges.contains { $0.ratingKVA != nil }
        let hours = component.hourCount
        var loadP = [Double](repeating: 0, count: hours * n), loadQ = loadP, value = loadP
        for t in 0..<hours {
            for i in 0..<n {
                loadP[t * n + i] = component.load[i][t]
                loadQ[t * n + i] = component.loadReactive[i][t]
                value[t * n + i] = component.value(i, t)
            }
        }
        self.loadP = loadP
        self.loadQ = loadQ
        self.value = value
        unitBus = component.units.map(\.bus)
        unitMaxQ = component.units.map(\.maxReactive)
        unitMaxP = (0..<hours).flatMap { t in component.units.map { $0.maxActive[t] } }
        commonP = .allocate(capacity: n * n)
        commonQ = .allocate(capacity: n * n)
        commonP.initialize(repeating: 0, count: n * n)
        commonQ.initialize(repeating: 0, count: n * n)
        drop = .allocate(capacity: n)
        trialDrop = .allocate(capacity: n)
        pickup = .allocate(capacity: n)
        active = .allocate(capacity: max(unitCount, 1))
        reactive = .allocate(capacity: max(unitCount, 1))
        trialActive = .allocate(capacity: max(unitCount, 1))
        trialReactive = .allocate(capacity: max(unitCount, 1))
        capacity = .allocate(capacity: max(unitCount, 1))
        reactiveCapacity = .allocate(capacity: max(unitCount, 1))
        // common(j, k) = path drop from the root to the lowest common ancestor of j and k.
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
            for k in forest.order where forest.rootOf[k] == forest.rootOf[j] {
                if onPath[k] {
                    commonP[j * n + k] = pathP[k]
                    commonQ[j * n + k] = pathQ[k]
                } else if forest.parent[k] >= 0 {
                    commonP[j * n + k] = commonP[j * n + forest.parent[k]]
                    commonQ[j * n + k] = commonQ[j * n + forest.parent[k]]
                }
            }
            v = j
            while v >= 0 {
                onPath[v] = false
                v = forest.parent[v]
            }
        }
    }

    deinit {
        for pointer in [
            commonP, commonQ, drop, trialDrop, pickup, active, reactive, trialActive, trialReactive, capacity,
            reactiveCapacity,
        ] {
            pointer.deallocate()
        }
    }

    func solve() -> ComponentSolution {
        var operations = (0..<c.hourCount).map { _ in
            HourOperation(
                pickup: [Double](repeating: 0, count: n), active: [Double](repeating: 0, count: unitCount),
                reactive: [Double](repeating: 0, count: unitCount),
                squaredVoltage: [Double](repeating: c.maxSquaredVoltage, count: n))
        }
        for root in forest.roots {
            let buses = forest.order.filter { forest.rootOf[$0] == root }
            let units = c.units.indices.filter { forest.rootOf[c.units[$0].bus] == root }
            let tree = Tree(root: root, buses: buses, units: units, evaluator: self)
            var best: [HourResult]?
            var bestValue = -1.0
            let everything = (0..<c.hourCount).reduce(0.0) { sum, t in buses.reduce(sum) { $0 + self.value[t * self.n + $1] } }
            for ordering in Ordering.allCases {
                let results = serve(tree, ordering)
                let total = results.reduce(0) { $0 + $1.value }
                if total > bestValue + 1e-9 {
                    bestValue = total
                    best = results
                }
                // Every load served in every hour: no other order can do better.
                if bestValue >= everything - 1e-9 { break }
            }
            for (t, result) in best!.enumerated() {
                for (i, share) in result.accepted { operations[t].pickup[i] += share }
                for u in units {
                    operations[t].active[u] = result.active[u]
                    operations[t].reactive[u] = result.reactive[u]
                }
            }
        }
        let value = ExactComponentSolver.value(of: operations, in: c)
        var closed = [Bool](repeating: false, count: c.edges.count)
        for e in forest.parentEdge where e >= 0 { closed[e] = true }
        var roots = [Bool](repeating: false, count: n)
        for r in forest.roots { roots[r] = true }
        return ComponentSolution(
            closedEdges: closed, rootBuses: roots, operations: operations, value: value, bound: value,
            stats: SolveStats())
    }

    /// In which order an hour's loads are offered.
    enum Ordering: CaseIterable {
        /// Highest VOLL weight first: best when energy is the scarce resource.
        case weight
        /// Highest value per share of the scarce power (P and Q): best when power binds.
        case efficiency
    }

    /// Fixed data of one tree.
    struct Tree {
        var root: Int
        var buses: [Int]
        var units: [Int]
        var limited: [Int]
        var budgets: [Double]
        /// Dispatch priority for P: free followers deep first, then an unlimited root, then
        /// energy-limited followers deep first, then an energy-limited root. For Q:
        /// followers deep first, then the root.
        var activeOrder: [Int]
        var reactiveOrder: [Int]

        init(root: Int, buses: [Int], units: [Int], evaluator e: FastForestEvaluator) {
            self.root = root
            self.buses = buses
            self.units = units
            let c = e.c
            limited = units.filter { c.units[$0].energy != nil }
            budgets = limited.map { c.units[$0].energy! }
            let n = e.n
            func depth(_ u: Int) -> Double {
                let b = c.units[u].bus
                return e.commonP[b * n + b] + e.commonQ[b * n + b]
            }
            let rootUnits = units.filter { c.units[$0].bus == root && c.units[$0].isGridForming }
            let followers = units.filter { !rootUnits.contains($0) }.sorted { depth($0) > depth($1) }
            activeOrder =
                followers.filter { c.units[$0].energy == nil } + rootUnits.filter { c.units[$0].energy == nil }
                + followers.filter { c.units[$0].energy != nil } + rootUnits.filter { c.units[$0].energy != nil }
            reactiveOrder = followers.filter { c.units[$0].maxReactive > 0 } + rootUnits
        }
    }

    struct HourResult {
        var value: Double
        var active: [Double]
        var reactive: [Double]
        /// Energy drawn per energy-limited unit of the tree (in tree order).
        var energy: [Double]
        /// Accepted loads in order, with the value and the limited units' energies after
        /// each (flat, step-major).
        var accepted: [(bus: Int, share: Double)]
        var stepValue: [Double]
        var stepEnergy: [Double]
    }

    /// Serves one tree over all hours with one load ordering.
    private func serve(_ tree: Tree, _ ordering: Ordering) -> [HourResult] {
        let hours = c.hourCount
        // The order of an hour's loads is fixed at full power and reused for every allowance.
        let orders = (0..<hours).map { t in orderedLoads(t, tree, ordering) }
        let full = (0..<hours).map { t in
            greedyHour(t, tree, orders[t], allowance: tree.limited.map { unitMaxP[t * unitCount + $0] })
        }
        if tree.limited.isEmpty { return full }
        let fits = tree.limited.indices.allSatisfy { k in full.reduce(0) { $0 + $1.energy[k] } <= tree.budgets[k] + 1e-9 }
        if fits { return full }
        // Spread the energy over the hours by the value it buys (each hour keeps a prefix of
        // its loads), then offer what is left to the hours that lost most.
        let (taken, allowance) = spreadEnergy(full, budgets: tree.budgets)
        // Each hour is served again within its share: with less energy the greedy may pick
        // other loads than the prefix.
        var results = (0..<hours).map { t -> HourResult in
            // Keep the full-power hour only if no unit draws beyond its own share (the pool
            // is split by budget, and a deep follower may have been drained first).
            let withinShares = zip(full[t].energy, allowance[t]).allSatisfy { $0 <= $1 + 1e-9 }
            if taken[t] == full[t].accepted.count && withinShares { return full[t] }
            return greedyHour(t, tree, orders[t], allowance: allowance[t])
        }
        var remaining = tree.budgets
        for result in results {
            for k in remaining.indices { remaining[k] -= result.energy[k] }
        }
        let losers = (0..<hours).sorted { full[$0].value - results[$0].value > full[$1].value - results[$1].value }
        for t in losers.prefix(3) {
            guard remaining.contains(where: { $0 > 1e-6 }), results[t].value < full[t].value - 1e-9 else { continue }
            let offer = tree.limited.indices.map { k in
                min(results[t].energy[k] + max(remaining[k], 0), unitMaxP[t * unitCount + tree.limited[k]])
            }
            let richer = greedyHour(t, tree, orders[t], allowance: offer)
            if richer.value > results[t].value + 1e-9 {
                for k in remaining.indices { remaining[k] -= richer.energy[k] - results[t].energy[k] }
                results[t] = richer
            }
        }
        return results
    }

    /// Spreads the pooled energy of the tree's limited units over the hours by the value it
    /// buys: each hour keeps a prefix of its accepted loads; the next load taken is the one
    /// with the most value per kWh that still fits (energy-free loads first). Returns each
    /// hour's prefix length and its energy split over the units by budget.
    private func spreadEnergy(_ full: [HourResult], budgets: [Double]) -> (taken: [Int], allowance: [[Double]]) {
        let m = budgets.count
        let pool = budgets.reduce(0, +)
        var taken = [Int](repeating: 0, count: full.count)
        var used = 0.0
        // Pooled energy after k accepted loads, per hour.
        let pooled = full.map { result in
            [0.0] + (0..<result.accepted.count).map { k in
                (0..<m).reduce(0.0) { $0 + result.stepEnergy[k * m + $1] }
            }
        }
        func energy(_ t: Int, _ k: Int) -> Double { pooled[t][k] }
        while true {
            var pick = -1
            var bestRatio = -Double.infinity
            for t in full.indices where taken[t] < full[t].accepted.count {
                let k = taken[t]
                let extra = energy(t, k + 1) - energy(t, k)
                if used + extra > pool + 1e-9 { continue }
                let gain = full[t].stepValue[k] - (k == 0 ? 0 : full[t].stepValue[k - 1])
                let ratio = extra <= 1e-9 ? Double.infinity : gain / extra
                if ratio > bestRatio {
                    bestRatio = ratio
                    pick = t
                }
            }
            if pick < 0 { break }
            used += energy(pick, taken[pick] + 1) - energy(pick, taken[pick])
            taken[pick] += 1
        }
        let allowance = full.indices.map { t in budgets.map { pool > 0 ? energy(t, taken[t]) * $0 / pool : 0 } }
        return (taken, allowance)
    }

    /// Greedy pickup of one tree in hour `t` with the given energy allowances.
    private func greedyHour(_ t: Int, _ tree: Tree, _ candidates: [Int], allowance: [Double]) -> HourResult {
        let cap = capacity, qCap = reactiveCapacity
        for u in tree.units {
            cap[u] = unitMaxP[t * unitCount + u]
            qCap[u] = unitMaxQ[u]
        }
        for (k, u) in tree.limited.enumerated() { cap[u] = min(cap[u], max(allowance[k], 0)) }
        // Shared inverter limits: the PV half has priority.
        for u in tree.units {
            if let shared = c.units[u].sharedLimit, c.units[u].kind == .storage {
                cap[u] = min(cap[u], max(shared.limitKW - c.units[shared.partner].maxActive[t], 0))
            }
        }
        for i in tree.buses {
            drop[i] = 0
            pickup[i] = 0
        }
        for u in 0..<unitCount {
            active[u] = 0
            reactive[u] = 0
        }
        var total = 0.0
        var accepted: [(bus: Int, share: Double)] = []
        var stepValue: [Double] = [], stepEnergy: [Double] = []
        accepted.reserveCapacity(candidates.count)
        stepValue.reserveCapacity(candidates.count)
        stepEnergy.reserveCapacity(candidates.count * tree.limited.count)
        for i in candidates {
            var share = 1.0
            if !attempt(i, 1, t, tree, cap, qCap) {
                if !partial { continue }
                // Continuous pickup: the largest share that fits (feasibility is monotone in it).
                var low = 0.0, high = 1.0
                for _ in 0..<12 {
                    let mid = (low + high) / 2
                    if attempt(i, mid, t, tree, cap, qCap) { low = mid } else { high = mid }
                }
                guard low > 1e-3, attempt(i, low, t, tree, cap, qCap) else { continue }
                share = low
            }
            // Commit the trial state.
            for k in tree.buses { drop[k] = trialDrop[k] }
            for u in tree.units {
                active[u] = trialActive[u]
                reactive[u] = trialReactive[u]
            }
            pickup[i] += share
            total += share * value[t * n + i]
            accepted.append((i, share))
            stepValue.append(total)
            for u in tree.limited { stepEnergy.append(active[u]) }
        }
        return HourResult(
            value: total, active: Array(UnsafeBufferPointer(start: active, count: unitCount)),
            reactive: Array(UnsafeBufferPointer(start: reactive, count: unitCount)),
            energy: tree.limited.map { active[$0] }, accepted: accepted, stepValue: stepValue, stepEnergy: stepEnergy)
    }

    /// Loads of the tree with value in hour t, in the order they are offered.
    private func orderedLoads(_ t: Int, _ tree: Tree, _ ordering: Ordering) -> [Int] {
        let depth = { (bus: Int) -> Double in self.commonP[bus * self.n + bus] + self.commonQ[bus * self.n + bus] }
        var keyed: [(bus: Int, key: Double, depth: Double)] = []
        keyed.reserveCapacity(tree.buses.count)
        switch ordering {
        case .weight:
            for i in tree.buses where value[t * n + i] > 0 { keyed.append((i, c.weight[i], depth(i))) }
        case .efficiency:
            // Prices per kW and kVAr: the share of each resource a load takes, weighted by
            // how scarce the resource is (demand over capacity, capped at 1).
            var totalP = 0.0, totalQ = 0.0, demandP = 0.0, demandQ = 0.0
            for u in tree.units {
                totalP += unitMaxP[t * unitCount + u]
                totalQ += unitMaxQ[u]
            }
            for i in tree.buses {
                demandP += loadP[t * n + i]
                demandQ += max(loadQ[t * n + i], 0)
            }
            let priceP = totalP > 0 ? min(demandP / totalP, 1) / totalP : 1
            let priceQ = totalQ > 0 ? min(demandQ / totalQ, 1) / totalQ : 1
            for i in tree.buses where value[t * n + i] > 0 {
                let use = priceP * loadP[t * n + i] + priceQ * max(loadQ[t * n + i], 0) + 1e-9
                keyed.append((i, value[t * n + i] / use, depth(i)))
            }
        }
        keyed.sort { $0.key != $1.key ? $0.key > $1.key : $0.depth < $1.depth }
        return keyed.map(\.bus)
    }

    /// Tries to serve share `f` of bus i on top of the current state; the trial state is
    /// left in the trial buffers. False if P, Q, a voltage or a rating would not hold.
    private func attempt(
        _ i: Int, _ f: Double, _ t: Int, _ tree: Tree, _ cap: UnsafeMutablePointer<Double>,
        _ qCap: UnsafeMutablePointer<Double>
    ) -> Bool {
        let dp = f * loadP[t * n + i], dq = f * loadQ[t * n + i]
        let buses = tree.buses, units = tree.units
        for u in units {
            trialActive[u] = active[u]
            trialReactive[u] = reactive[u]
        }
        var needP = dp
        let activeOrder = tree.activeOrder
        for u in activeOrder where needP > 1e-12 {
            let add = min(cap[u] - trialActive[u], needP)
            if add > 0 {
                trialActive[u] += add
                needP -= add
            }
        }
        if needP > 1e-9 { return false }
        var needQ = dq
        if needQ >= 0 {
            for u in tree.reactiveOrder where needQ > 1e-12 {
                let add = min(qCap[u] - trialReactive[u], needQ)
                if add > 0 {
                    trialReactive[u] += add
                    needQ -= add
                }
            }
        } else {
            for u in tree.reactiveOrder.reversed() where needQ < -1e-12 {
                let take = max(-qCap[u] - trialReactive[u], needQ)
                if take < 0 {
                    trialReactive[u] += take
                    needQ -= take
                }
            }
        }
        if abs(needQ) > 1e-9 { return false }
        // Voltage: drop_k changes by the load at i minus the sources' increments.
        let rowP = commonP + i * n, rowQ = commonQ + i * n
        for k in buses { trialDrop[k] = drop[k] + rowP[k] * dp + rowQ[k] * dq }
        let root = tree.root
        for u in units {
            let deltaP = trialActive[u] - active[u], deltaQ = trialReactive[u] - reactive[u]
            // The root's own injections move no drop (its row of common paths is zero).
            if deltaP == 0 && deltaQ == 0 || unitBus[u] == root { continue }
            let b = unitBus[u]
            let unitP = commonP + b * n, unitQ = commonQ + b * n
            for k in buses { trialDrop[k] -= unitP[k] * deltaP + unitQ[k] * deltaQ }
        }
        var highest = 0.0, lowest = 0.0
        for k in buses {
            let d = trialDrop[k]
            if d > highest { highest = d }
            if d < lowest { lowest = d }
        }
        if highest - lowest > span + 1e-12 { return false }
        if hasRatings && !ratingsHold(tree, adding: i, share: f, t: t) { return false }
        return true
    }

    /// Branch ratings: recomputes the tree's flows for the trial state.
    private func ratingsHold(_ tree: Tree, adding i: Int, share f: Double, t: Int) -> Bool {
        var netP = [Double](repeating: 0, count: n), netQ = [Double](repeating: 0, count: n)
        for k in tree.buses {
            let served = pickup[k] + (k == i ? f : 0)
            netP[k] += served * c.load[k][t]
            netQ[k] += served * c.loadReactive[k][t]
        }
        for u in tree.units {
            netP[c.units[u].bus] -= trialActive[u]
            netQ[c.units[u].bus] -= trialReactive[u]
        }
        for v in tree.buses.reversed() where forest.parent[v] >= 0 {
            if let rating = c.edges[forest.parentEdge[v]].ratingKVA {
                let p = abs(netP[v]), q = abs(netQ[v])
                if p > rating + 1e-9 || q > rating + 1e-9 || p + q > rating * 2.0.squareRoot() + 1e-9 { return false }
            }
            netP[forest.parent[v]] += netP[v]
            netQ[forest.parent[v]] += netQ[v]
        }
        return true
    }
}


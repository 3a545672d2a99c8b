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

    func evaluate(floor: ComponentSolution?) -> ComponentSolution {
        var best = floor
        for forest in candidateForests() {
            let solution = FastForestEvaluator(component: component, forest: forest).solve()
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
        forests.append(SpanningForest(component: c, roots: [strongest]))
        if c.rootCandidates.count > 1 { forests.append(SpanningForest(component: c, roots: c.rootCandidates)) }
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

    /// The forest as a configuration of the component's free edges and roots.
    func configuration(of c: RestorationComponent) -> Configuration {
        var inForest = [Bool](repeating: false, count: c.edges.count)
        for e in parentEdge where e >= 0 { inForest[e] = true }
        let isRoot = Set(roots)
        return Configuration(
            closed: c.hasFixedConfiguration ? [] : c.freeEdges.map { inForest[$0] },
            roots: c.rootCandidates.map { isRoot.contains($0) })
    }
}

/// The greedy on one spanning forest.
private struct FastForestEvaluator {
    let c: RestorationComponent
    let forest: SpanningForest
    let n: Int
    /// Common-path drop coefficients: drop at bus k per kW (kVAr) drawn at bus j, for j, k
    /// in the same tree; row-major n × n.
    var commonP: [Double]
    var commonQ: [Double]
    /// Units per tree root, and whether each unit is its tree's root source.
    var treeUnits: [Int: [Int]] = [:]
    var treeBuses: [Int: [Int]] = [:]
    let span: Double

    init(component: RestorationComponent, forest: SpanningForest) {
        c = component
        self.forest = forest
        n = component.busCount
        span = component.maxSquaredVoltage - component.minSquaredVoltage
        // Path drops from each bus's root: pathP[k] = sum of dropPerKW on root->k.
        commonP = [Double](repeating: 0, count: n * n)
        commonQ = [Double](repeating: 0, count: n * n)
        // common(j, k) = common(parent(j), k) + drop(edge j) if k is in j's subtree, else
        // common(parent(j), k) restricted... computed from ancestor sets.
        var ancestors = [[Int]](repeating: [], count: n)  // edges on root->bus path
        for v in forest.order where forest.parent[v] >= 0 {
            ancestors[v] = ancestors[forest.parent[v]] + [forest.parentEdge[v]]
        }
        for j in 0..<n {
            let pathJ = Set(ancestors[j])
            for k in 0..<n where forest.rootOf[k] == forest.rootOf[j] {
                var p = 0.0, q = 0.0
                for e in ancestors[k] where pathJ.contains(e) {
                    p += component.edges[e].dropPerKW
                    q += component.edges[e].dropPerKVAr
                }
                commonP[j * n + k] = p
                commonQ[j * n + k] = q
            }
        }
        for (u, unit) in component.units.enumerated() { treeUnits[forest.rootOf[unit.bus], default: []].append(u) }
        for v in 0..<n { treeBuses[forest.rootOf[v], default: []].append(v) }
    }

    func solve() -> ComponentSolution {
        var operations = (0..<c.hourCount).map { _ in
            HourOperation(
                pickup: [Double](repeating: 0, count: n), active: [Double](repeating: 0, count: c.units.count),
                reactive: [Double](repeating: 0, count: c.units.count),
                squaredVoltage: [Double](repeating: c.maxSquaredVoltage, count: n))
        }
        for root in forest.roots { serveTree(root: root, operations: &operations) }
        let value = ExactComponentSolver.value(of: operations, in: c)
        return ComponentSolution(
            configuration: forest.configuration(of: c), operations: operations, value: value, bound: value,
            stats: SolveStats())
    }

    /// Serves one tree over all hours, spreading its energy-limited units over the hours.
    private func serveTree(root: Int, operations: inout [HourOperation]) {
        let units = treeUnits[root] ?? []
        let limited = units.filter { c.units[$0].energy != nil }
        let buses = treeBuses[root] ?? []
        // Pass 1: each hour with the energy-limited units at full power.
        let full = (0..<c.hourCount).map { t in
            greedyHour(t, root: root, buses: buses, units: units, allowance: limited.map { c.units[$0].maxActive[t] })
        }
        let budgets = limited.map { c.units[$0].energy! }
        var allowance: [[Double]]
        if limited.isEmpty || (0..<limited.count).allSatisfy({ k in full.reduce(0) { $0 + $1.energy[k] } <= budgets[k] + 1e-9 }) {
            allowance = full.map(\.energy)
        } else {
            allowance = spreadEnergy(full, budgets: budgets)
        }
        // Pass 2: serve each hour within its share; leftovers roll to later hours.
        var remaining = budgets
        var results: [HourResult] = []
        let order = (0..<c.hourCount).sorted { full[$0].value > full[$1].value }
        var byHour = [HourResult?](repeating: nil, count: c.hourCount)
        for t in order {
            var share = allowance[t]
            for k in share.indices { share[k] = min(share[k], remaining[k]) }
            var result = greedyHour(t, root: root, buses: buses, units: units, allowance: share)
            // Spare energy the plan did not foresee: offer it to this hour too.
            let spare = zip(remaining, share).map { $0 - $1 }
            if spare.contains(where: { $0 > 1e-6 }) {
                let richer = greedyHour(
                    t, root: root, buses: buses, units: units,
                    allowance: zip(share, spare).enumerated().map { k, pair in
                        min(pair.0 + pair.1, c.units[limited[k]].maxActive[t])
                    })
                if richer.value > result.value + 1e-9 { result = richer }
            }
            for k in remaining.indices { remaining[k] -= result.energy[k] }
            byHour[t] = result
        }
        results = byHour.map { $0! }
        for (t, result) in results.enumerated() {
            for i in buses { operations[t].pickup[i] = result.pickup[i] }
            for u in units {
                operations[t].active[u] = result.active[u]
                operations[t].reactive[u] = result.reactive[u]
            }
        }
    }

    struct HourResult {
        var value: Double
        var pickup: [Double]
        var active: [Double]
        var reactive: [Double]
        /// Energy drawn per energy-limited unit of the tree (in tree order).
        var energy: [Double]
        /// Value and cumulative energy after each accepted load, in acceptance order.
        var steps: [(value: Double, energy: Double)]
    }

    /// Spreads each energy budget over the hours by the value it buys: hour steps are
    /// taken in order of value per kWh while the budget lasts (energy-free steps first).
    private func spreadEnergy(_ full: [HourResult], budgets: [Double]) -> [[Double]] {
        let total = budgets.reduce(0, +)
        var taken = [Int](repeating: 0, count: full.count)
        var used = 0.0
        var energyAt = [Double](repeating: 0, count: full.count)
        while true {
            var pick = -1
            var bestRatio = -Double.infinity
            for t in full.indices where taken[t] < full[t].steps.count {
                let step = full[t].steps[taken[t]]
                let previous = taken[t] == 0 ? (value: 0.0, energy: 0.0) : full[t].steps[taken[t] - 1]
                let extra = step.energy - previous.energy
                if used + extra > total + 1e-9 { continue }
                let gain = step.value - previous.value
                let ratio = extra <= 1e-9 ? Double.infinity : gain / extra
                if ratio > bestRatio {
                    bestRatio = ratio
                    pick = t
                }
            }
            if pick < 0 { break }
            let step = full[pick].steps[taken[pick]]
            let previous = taken[pick] == 0 ? 0.0 : full[pick].steps[taken[pick] - 1].energy
            used += step.energy - previous
            energyAt[pick] = step.energy
            taken[pick] += 1
        }
        // Split each hour's energy over the units in proportion to their budgets.
        return energyAt.map { e in budgets.map { total > 0 ? e * $0 / total : 0 } }
    }

    /// Greedy pickup of one tree in hour `t` with the given energy allowances.
    private func greedyHour(_ t: Int, root: Int, buses: [Int], units: [Int], allowance: [Double]) -> HourResult {
        let limited = units.filter { c.units[$0].energy != nil }
        var cap = [Double](repeating: 0, count: c.units.count)
        for u in units { cap[u] = c.units[u].maxActive[t] }
        for (k, u) in limited.enumerated() { cap[u] = min(cap[u], max(allowance[k], 0)) }
        // Shared inverter limits: give the PV half priority.
        for u in units {
            if let shared = c.units[u].sharedLimit, c.units[u].kind == .storage {
                cap[u] = min(cap[u], max(shared.limitKW - c.units[shared.partner].maxActive[t], 0))
            }
        }
        // Dispatch priority for P: free followers deep first, then an unlimited root,
        // then energy-limited units (followers deep first, the root last).
        let depth = { (bus: Int) -> Double in commonP[bus * n + bus] + commonQ[bus * n + bus] }
        let rootUnits = units.filter { c.units[$0].bus == root && c.units[$0].isGridForming }
        func isFree(_ u: Int) -> Bool { c.units[u].energy == nil }
        let freeFollowers = units.filter { isFree($0) && !rootUnits.contains($0) }.sorted { depth(c.units[$0].bus) > depth(c.units[$1].bus) }
        let freeRoot = rootUnits.filter(isFree)
        let limitedFollowers = units.filter { !isFree($0) && !rootUnits.contains($0) }.sorted { depth(c.units[$0].bus) > depth(c.units[$1].bus) }
        let limitedRoot = rootUnits.filter { !isFree($0) }
        let activeOrder = freeFollowers + freeRoot + limitedFollowers + limitedRoot
        let reactiveOrder = units.filter { !rootUnits.contains($0) && c.units[$0].maxReactive > 0 }
            .sorted { depth(c.units[$0].bus) > depth(c.units[$1].bus) } + rootUnits
        var qCap = [Double](repeating: 0, count: c.units.count)
        for u in units { qCap[u] = c.units[u].maxReactive }

        // Candidate loads by value per use of the scarce resources.
        let totalP = activeOrder.reduce(0) { $0 + cap[$1] }
        let totalQ = units.reduce(0) { $0 + qCap[$1] }
        let demandP = buses.reduce(0) { $0 + c.load[$1][t] }
        let demandQ = buses.reduce(0) { $0 + max(c.loadReactive[$1][t], 0) }
        let priceP = totalP > 0 ? min(demandP / totalP, 1) / totalP : 1
        let priceQ = totalQ > 0 ? min(demandQ / totalQ, 1) / totalQ : 1
        let candidates = buses.filter { c.value($0, t) > 0 }.sorted { a, b in
            let ea = c.value(a, t) / (priceP * c.load[a][t] + priceQ * max(c.loadReactive[a][t], 0) + 1e-9)
            let eb = c.value(b, t) / (priceP * c.load[b][t] + priceQ * max(c.loadReactive[b][t], 0) + 1e-9)
            return ea != eb ? ea > eb : depth(a) < depth(b)
        }

        var active = [Double](repeating: 0, count: c.units.count)
        var reactive = [Double](repeating: 0, count: c.units.count)
        var pickup = [Double](repeating: 0, count: n)
        var drop = [Double](repeating: 0, count: n)  // u_root - u_k
        var value = 0.0
        var steps: [(value: Double, energy: Double)] = []
        var trialDrop = drop
        for i in candidates {
            let dp = c.load[i][t], dq = c.loadReactive[i][t]
            // Dispatch the increment.
            var trialActive = active
            var needP = dp
            for u in activeOrder where needP > 1e-12 {
                let add = min(cap[u] - trialActive[u], needP)
                if add > 0 {
                    trialActive[u] += add
                    needP -= add
                }
            }
            if needP > 1e-9 { continue }
            var trialReactive = reactive
            var needQ = dq
            if needQ >= 0 {
                for u in reactiveOrder where needQ > 1e-12 {
                    let add = min(qCap[u] - trialReactive[u], needQ)
                    if add > 0 {
                        trialReactive[u] += add
                        needQ -= add
                    }
                }
            } else {
                for u in reactiveOrder.reversed() where needQ < -1e-12 {
                    let take = max(-qCap[u] - trialReactive[u], needQ)
                    if take < 0 {
                        trialReactive[u] += take
                        needQ -= take
                    }
                }
            }
            if abs(needQ) > 1e-9 { continue }
            // Voltage: drop_k changes by the load at i minus the sources' increments.
            for k in buses { trialDrop[k] = drop[k] + commonP[i * n + k] * dp + commonQ[i * n + k] * dq }
            for u in units {
                let deltaP = trialActive[u] - active[u], deltaQ = trialReactive[u] - reactive[u]
                if deltaP == 0 && deltaQ == 0 { continue }
                let b = c.units[u].bus
                for k in buses { trialDrop[k] -= commonP[b * n + k] * deltaP + commonQ[b * n + k] * deltaQ }
            }
            var highest = 0.0, lowest = 0.0
            for k in buses {
                highest = max(highest, trialDrop[k])
                lowest = min(lowest, trialDrop[k])
            }
            if highest - lowest > span + 1e-12 { continue }
            if !ratingsHold(buses: buses, load: pickup, adding: i, t: t, active: trialActive, reactive: trialReactive) {
                continue
            }
            active = trialActive
            reactive = trialReactive
            for k in buses { drop[k] = trialDrop[k] }
            pickup[i] = 1
            value += c.value(i, t)
            steps.append((value, limited.reduce(0) { $0 + active[$1] }))
        }
        return HourResult(
            value: value, pickup: pickup, active: active, reactive: reactive, energy: limited.map { active[$0] },
            steps: steps)
    }

    /// Branch ratings (only when some edge has one): recomputes the tree flows.
    private func ratingsHold(
        buses: [Int], load: [Double], adding i: Int, t: Int, active: [Double], reactive: [Double]
    ) -> Bool {
        guard buses.contains(where: { forest.parentEdge[$0] >= 0 && c.edges[forest.parentEdge[$0]].ratingKVA != nil }) else {
            return true
        }
        var netP = [Double](repeating: 0, count: n), netQ = [Double](repeating: 0, count: n)
        for k in buses where load[k] > 0 || k == i {
            netP[k] += c.load[k][t]
            netQ[k] += c.loadReactive[k][t]
        }
        for (u, unit) in c.units.enumerated() where active[u] != 0 || reactive[u] != 0 {
            netP[unit.bus] -= active[u]
            netQ[unit.bus] -= reactive[u]
        }
        for v in forest.order.reversed() where forest.parent[v] >= 0 && buses.contains(v) {
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

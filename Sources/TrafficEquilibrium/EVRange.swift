/// The EV driving-range logic of seed 003 (eqs. 15-19) with charging at link midpoints.
///
/// An EV leaves its origin with state of charge (SOC) `originSOC`. Along each arc it loses
/// `0.5 × length / range` to the arc's midpoint; if a station sits there it recharges to 1;
/// it then loses the other half. The SOC may never fall below 0 (also not on arrival at a
/// station: the paper's eq. 17 would let a reset hide a negative arrival SOC, which no
/// battery allows), and it must reach the destination with at least `destinationSOC`.
/// Stations exist only at midpoints, so there is never one at an origin or destination.
public struct EVRangeModel: Sendable, Equatable {
    /// Driving range on a full battery, in the network's length unit (km).
    public var range: Double
    /// SOC on departure (0...1).
    public var originSOC: Double
    /// Minimum SOC on arrival (0...1).
    public var destinationSOC: Double

    /// SOC comparisons allow this slack so a route that lands exactly on a limit counts as
    /// feasible despite rounding in `length / range`.
    public static let tolerance = 1e-9

    /// A range model; defaults are seed 003's Table II (100 km, SOC 0.5 at both ends).
    public init(range: Double = 100, originSOC: Double = 0.5, destinationSOC: Double = 0.5) {
        precondition(range > 0 && range.isFinite, "range must be > 0")
        precondition((0...1).contains(originSOC) && (0...1).contains(destinationSOC), "SOC values must be in 0...1")
        self.range = range
        self.originSOC = originSOC
        self.destinationSOC = destinationSOC
    }

    /// The SOC along a route.
    public struct Profile: Sendable, Equatable {
        /// SOC on arrival at each arc's midpoint, before any charging there.
        public var atMidpoints: [Double]
        /// SOC on arrival at the destination.
        public var atDestination: Double
        /// Whether every midpoint SOC is >= 0 and the arrival SOC >= `destinationSOC`.
        public var isFeasible: Bool
    }

    /// The SOC profile of `route` (arcs in travel order); `hasStation[arc]` says whether a
    /// station sits at the arc's midpoint.
    public func profile(route: [Int], lengths: [Double], hasStation: [Bool]) -> Profile {
        var soc = originSOC
        var midpoints: [Double] = []
        midpoints.reserveCapacity(route.count)
        var feasible = true
        for arc in route {
            let half = 0.5 * lengths[arc] / range
            soc -= half
            midpoints.append(soc)
            if soc < -Self.tolerance { feasible = false }
            if hasStation[arc] { soc = 1 }
            soc -= half
        }
        if soc < destinationSOC - Self.tolerance { feasible = false }
        return Profile(atMidpoints: midpoints, atDestination: soc, isFeasible: feasible)
    }

    /// Whether `route` is range-feasible (see ``profile(route:lengths:hasStation:)``).
    public func isFeasible(route: [Int], lengths: [Double], hasStation: [Bool]) -> Bool {
        var soc = originSOC
        for arc in route {
            let half = 0.5 * lengths[arc] / range
            soc -= half
            if soc < -Self.tolerance { return false }
            if hasStation[arc] { soc = 1 }
            soc -= half
        }
        return soc >= destinationSOC - Self.tolerance
    }
}

/// Range-constrained shortest paths for EVs by label setting, exact over loopless paths.
///
/// A label is (node, cost, SOC on arrival). Labels are settled in cost order and kept only
/// when no label at the same node is at least as cheap with at least as much charge. The
/// first phase allows walks (a walk may repeat a node to pass a station); whenever the best
/// walk to a destination is a loopless path it is the best path. Otherwise a second phase
/// repeats the search for that destination with the visited nodes in the label (dominance
/// also requires a subset of visited nodes), which is exact over loopless paths.
public struct RangeConstrainedPathEngine: Sendable {
    /// The network searched.
    public let network: TrafficNetwork
    /// The range model.
    public let model: EVRangeModel

    /// Cheapest range-feasible loopless path cost from the last origin to each node
    /// (`.infinity` when none; 0 is never reported for the origin, which is no destination).
    public private(set) var bestCost: [Double]
    /// The walk phase's best label per node (-1: none); paths are traced from it on demand.
    private var bestLabel: [Int]
    /// Paths fixed when the elementary phase ran (it reuses the label pool), else empty.
    private var fixedPaths: [[Int]] = []
    private var visitStamp: [Int]
    private var stamp = 0
    private var origin = -1
    private let halfDrain: [Double]
    private let wordCount: Int

    // Label pool.
    private var labelNode: [Int] = []
    private var labelCost: [Double] = []
    private var labelSOC: [Double] = []
    private var labelParent: [Int] = []
    private var labelArc: [Int] = []
    private var labelDead: [Bool] = []
    private var labelVisited: [UInt64] = []  // wordCount words per label (phase two only)
    private var nodeLabels: [[Int]]
    private var heap: [Int] = []
    private var settled: [Bool]  // best label found for the node as a destination

    /// An engine for `network` and `model`.
    public init(network: TrafficNetwork, model: EVRangeModel) {
        self.network = network
        self.model = model
        bestCost = [Double](repeating: .infinity, count: network.nodeCount)
        bestLabel = [Int](repeating: -1, count: network.nodeCount)
        visitStamp = [Int](repeating: 0, count: network.nodeCount)
        nodeLabels = [[Int]](repeating: [], count: network.nodeCount)
        settled = [Bool](repeating: false, count: network.nodeCount)
        halfDrain = network.links.map { 0.5 * $0.length / model.range }
        wordCount = (network.nodeCount + 63) / 64
    }

    /// The cheapest range-feasible loopless path from the last origin to `node` (empty if none).
    public func path(to node: Int) -> [Int] {
        if !fixedPaths.isEmpty { return fixedPaths[node] }
        return bestLabel[node] >= 0 ? trace(bestLabel[node]) : []
    }

    /// Finds, from `origin`, the cheapest range-feasible loopless path to every node under
    /// `cost` (one per arc, >= 0; `.infinity` removes an arc) with stations where
    /// `hasStation[arc]` is true.
    public mutating func run(from origin: Int, cost: [Double], hasStation: [Bool]) {
        precondition(cost.count == network.linkCount && hasStation.count == network.linkCount, "one entry per arc")
        self.origin = origin
        fixedPaths.removeAll(keepingCapacity: true)
        for node in 0..<network.nodeCount {
            bestCost[node] = .infinity
            bestLabel[node] = -1
        }
        search(from: origin, target: -1, cost: cost, hasStation: hasStation, elementary: false)
        var looping: [Int] = []
        for node in 0..<network.nodeCount where bestLabel[node] >= 0 && !isLoopless(bestLabel[node]) {
            looping.append(node)
        }
        guard !looping.isEmpty else { return }
        // The elementary phase reuses the label pool: fix the walk phase's paths first.
        fixedPaths = (0..<network.nodeCount).map { bestLabel[$0] >= 0 ? trace(bestLabel[$0]) : [] }
        for node in looping {
            bestCost[node] = .infinity
            bestLabel[node] = -1
            search(from: origin, target: node, cost: cost, hasStation: hasStation, elementary: true)
            fixedPaths[node] = bestLabel[node] >= 0 ? trace(bestLabel[node]) : []
        }
    }

    /// Whether the walk ending in `label` visits no node twice.
    private mutating func isLoopless(_ label: Int) -> Bool {
        stamp += 1
        visitStamp[origin] = stamp
        var current = label
        while labelParent[current] >= 0 {
            let node = labelNode[current]
            if visitStamp[node] == stamp { return false }
            visitStamp[node] = stamp
            current = labelParent[current]
        }
        return true
    }

    private mutating func resetLabels() {
        labelNode.removeAll(keepingCapacity: true)
        labelCost.removeAll(keepingCapacity: true)
        labelSOC.removeAll(keepingCapacity: true)
        labelParent.removeAll(keepingCapacity: true)
        labelArc.removeAll(keepingCapacity: true)
        labelDead.removeAll(keepingCapacity: true)
        labelVisited.removeAll(keepingCapacity: true)
        for node in nodeLabels.indices { nodeLabels[node].removeAll(keepingCapacity: true) }
        heap.removeAll(keepingCapacity: true)
    }

    /// Label setting; with `target` >= 0 it stops when the target's best label is settled.
    private mutating func search(from origin: Int, target: Int, cost: [Double], hasStation: [Bool], elementary: Bool) {
        resetLabels()
        for node in settled.indices { settled[node] = false }
        var startVisited = [UInt64](repeating: 0, count: elementary ? wordCount : 0)
        if elementary { startVisited[origin >> 6] |= 1 << UInt64(origin & 63) }
        _ = addLabel(node: origin, cost: 0, soc: model.originSOC, parent: -1, arc: -1, visited: startVisited[...])
        let tolerance = EVRangeModel.tolerance
        while let label = popMin() {
            if labelDead[label] { continue }
            let node = labelNode[label]
            let soc = labelSOC[label]
            let base = labelCost[label]
            if node != origin, !settled[node], soc >= model.destinationSOC - tolerance {
                settled[node] = true
                bestCost[node] = base
                bestLabel[node] = label
                if node == target { return }
            }
            if node != origin && !network.canPassThrough(node) { continue }
            for arc in network.outgoing(node) {
                let arcCost = cost[arc]
                guard arcCost < .infinity else { continue }
                let head = network.head(of: arc)
                if head == origin { continue }
                if elementary {
                    let word = labelVisited[label * wordCount + (head >> 6)]
                    if word & (1 << UInt64(head & 63)) != 0 { continue }
                }
                let half = halfDrain[arc]
                let atMidpoint = soc - half
                if atMidpoint < -tolerance { continue }
                let arrival = (hasStation[arc] ? 1 : atMidpoint) - half
                if arrival < -tolerance { continue }
                var visited = ArraySlice<UInt64>()
                if elementary {
                    let start = label * wordCount
                    visited = labelVisited[start..<(start + wordCount)]
                    var copy = Array(visited)
                    copy[head >> 6] |= 1 << UInt64(head & 63)
                    visited = copy[...]
                }
                _ = addLabel(node: head, cost: base + arcCost, soc: arrival, parent: label, arc: arc, visited: visited)
            }
        }
    }

    /// Adds a label unless dominated; removes the labels it dominates. Returns whether added.
    private mutating func addLabel(
        node: Int, cost: Double, soc: Double, parent: Int, arc: Int, visited: ArraySlice<UInt64>
    ) -> Bool {
        let elementary = !visited.isEmpty
        for other in nodeLabels[node] where !labelDead[other] {
            if labelCost[other] <= cost && labelSOC[other] >= soc
                && (!elementary || isSubset(other, of: visited))
            {
                return false
            }
        }
        let index = labelNode.count
        // Drop the labels the new one dominates, compacting the node's list in place.
        var write = 0
        let count = nodeLabels[node].count
        for read in 0..<count {
            let other = nodeLabels[node][read]
            if labelDead[other] { continue }
            if cost <= labelCost[other] && soc >= labelSOC[other] && (!elementary || contains(visited, other)) {
                labelDead[other] = true
            } else {
                nodeLabels[node][write] = other
                write += 1
            }
        }
        nodeLabels[node].removeLast(count - write)
        nodeLabels[node].append(index)
        labelNode.append(node)
        labelCost.append(cost)
        labelSOC.append(soc)
        labelParent.append(parent)
        labelArc.append(arc)
        labelDead.append(false)
        if elementary { labelVisited.append(contentsOf: visited) }
        push(index)
        return true
    }

    /// Whether label `other`'s visited set is a subset of `visited`.
    private func isSubset(_ other: Int, of visited: ArraySlice<UInt64>) -> Bool {
        let start = other * wordCount
        for word in 0..<wordCount where labelVisited[start + word] & ~visited[visited.startIndex + word] != 0 {
            return false
        }
        return true
    }

    /// Whether `visited` is a subset of label `other`'s visited set.
    private func contains(_ visited: ArraySlice<UInt64>, _ other: Int) -> Bool {
        let start = other * wordCount
        for word in 0..<wordCount where visited[visited.startIndex + word] & ~labelVisited[start + word] != 0 {
            return false
        }
        return true
    }

    private func trace(_ label: Int) -> [Int] {
        var arcs: [Int] = []
        var current = label
        while labelParent[current] >= 0 {
            arcs.append(labelArc[current])
            current = labelParent[current]
        }
        return arcs.reversed()
    }

    // Binary heap on (cost ascending, SOC descending, index ascending) for a deterministic order.
    private func less(_ a: Int, _ b: Int) -> Bool {
        if labelCost[a] != labelCost[b] { return labelCost[a] < labelCost[b] }
        if labelSOC[a] != labelSOC[b] { return labelSOC[a] > labelSOC[b] }
        return a < b
    }

    private mutating func push(_ label: Int) {
        heap.append(label)
        var index = heap.count - 1
        while index > 0 {
            let parent = (index - 1) >> 1
            if !less(heap[index], heap[parent]) { break }
            heap.swapAt(index, parent)
            index = parent
        }
    }

    private mutating func popMin() -> Int? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var index = 0
            while true {
                var child = 2 * index + 1
                if child >= heap.count { break }
                if child + 1 < heap.count, less(heap[child + 1], heap[child]) { child += 1 }
                if !less(heap[child], heap[index]) { break }
                heap.swapAt(index, child)
                index = child
            }
        }
        return top
    }
}

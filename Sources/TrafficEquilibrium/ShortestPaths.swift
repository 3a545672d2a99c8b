/// One-to-all shortest paths by Dijkstra's algorithm with an indexed binary heap.
///
/// The engine owns its buffers, so repeated calls (every iteration of an assignment)
/// allocate nothing. Arc costs must be >= 0; an infinite cost removes the arc. The
/// network's first-thru-node rule is applied: zone nodes below the first through node are
/// never expanded unless they are the origin.
public struct ShortestPathEngine: Sendable {
    /// The network searched.
    public let network: TrafficNetwork
    /// Distance from the last origin to every node (`.infinity` when unreachable).
    public private(set) var distance: [Double]
    /// The arc by which each node is reached on its shortest path, or -1.
    public private(set) var predecessorArc: [Int]
    /// The origin of the last search.
    public private(set) var origin: Int = -1

    // Indexed binary min-heap on `distance`.
    private var heap: [Int]
    private var position: [Int]  // index in `heap`, or -1 when not in the heap
    private var settled: [Bool]

    /// An engine for `network`.
    public init(network: TrafficNetwork) {
        self.network = network
        let n = network.nodeCount
        distance = [Double](repeating: .infinity, count: n)
        predecessorArc = [Int](repeating: -1, count: n)
        heap = []
        heap.reserveCapacity(n)
        position = [Int](repeating: -1, count: n)
        settled = [Bool](repeating: false, count: n)
    }

    /// Computes shortest paths from `origin` under `cost` (one entry per arc).
    ///
    /// - Parameter target: stop as soon as this node is settled (its distance and path are final).
    public mutating func run(from origin: Int, cost: [Double], target: Int? = nil) {
        precondition(cost.count == network.linkCount, "one cost per arc")
        cost.withUnsafeBufferPointer { run(from: origin, cost: $0, target: target ?? -1) }
    }

    /// The unsafe-buffer form of ``run(from:cost:target:)`` for inner loops (`target` -1 = none).
    public mutating func run(from origin: Int, cost: UnsafeBufferPointer<Double>, target: Int = -1) {
        self.origin = origin
        let n = network.nodeCount
        for node in 0..<n {
            distance[node] = .infinity
            predecessorArc[node] = -1
            position[node] = -1
            settled[node] = false
        }
        heap.removeAll(keepingCapacity: true)
        distance[origin] = 0
        push(origin)
        let start = network.outgoingStart
        let arcs = network.outgoingArcs
        let heads = network.heads
        let firstThrough = network.firstThroughNode
        while let node = popMin() {
            settled[node] = true
            if node == target { return }
            if node != origin && node < firstThrough { continue }
            let base = distance[node]
            for k in start[node]..<start[node + 1] {
                let arc = arcs[k]
                let arcCost = cost[arc]
                guard arcCost < .infinity else { continue }
                let next = heads[arc]
                if settled[next] { continue }
                let candidate = base + arcCost
                if candidate < distance[next] {
                    distance[next] = candidate
                    predecessorArc[next] = arc
                    if position[next] < 0 { push(next) } else { siftUp(position[next]) }
                }
            }
        }
    }

    /// The arcs of the shortest path from the last origin to `node`, in travel order
    /// (empty for the origin itself or an unreachable node).
    public func path(to node: Int) -> [Int] {
        var arcs: [Int] = []
        var current = node
        while current != origin {
            let arc = predecessorArc[current]
            if arc < 0 { return [] }
            arcs.append(arc)
            current = network.tails[arc]
        }
        arcs.reverse()
        return arcs
    }

    private mutating func push(_ node: Int) {
        heap.append(node)
        position[node] = heap.count - 1
        siftUp(heap.count - 1)
    }

    private mutating func popMin() -> Int? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        position[top] = -1
        if !heap.isEmpty {
            heap[0] = last
            position[last] = 0
            siftDown(0)
        }
        return top
    }

    private mutating func siftUp(_ start: Int) {
        var index = start
        let node = heap[index]
        let key = distance[node]
        while index > 0 {
            let parent = (index - 1) >> 1
            let parentNode = heap[parent]
            if distance[parentNode] <= key { break }
            heap[index] = parentNode
            position[parentNode] = index
            index = parent
        }
        heap[index] = node
        position[node] = index
    }

    private mutating func siftDown(_ start: Int) {
        var index = start
        let node = heap[index]
        let key = distance[node]
        let count = heap.count
        while true {
            var child = 2 * index + 1
            if child >= count { break }
            if child + 1 < count, distance[heap[child + 1]] < distance[heap[child]] { child += 1 }
            let childNode = heap[child]
            if distance[childNode] >= key { break }
            heap[index] = childNode
            position[childNode] = index
            index = child
        }
        heap[index] = node
        position[node] = index
    }
}

/// A route through the network: its arcs in travel order and its cost.
public struct Route: Sendable, Equatable, Hashable {
    /// Arcs in travel order.
    public var arcs: [Int]
    /// Sum of the arc costs the route was found under.
    public var cost: Double

    /// A route and its cost.
    public init(arcs: [Int], cost: Double) {
        self.arcs = arcs
        self.cost = cost
    }

    /// The nodes visited, origin first.
    public func nodes(in network: TrafficNetwork) -> [Int] {
        guard let first = arcs.first else { return [] }
        return [network.tail(of: first)] + arcs.map { network.head(of: $0) }
    }
}

extension TrafficNetwork {
    /// The `k` shortest loopless paths from `origin` to `destination` under `cost`
    /// (Yen's algorithm), cheapest first; ties between candidates are broken by the node
    /// sequence so the result is deterministic. Fewer than `k` when fewer loopless paths exist. The
    /// first-thru-node rule is respected.
    public func kShortestPaths(from origin: Int, to destination: Int, k: Int, cost: [Double]) -> [Route] {
        precondition(cost.count == linkCount, "one cost per arc")
        guard k > 0, origin != destination else { return [] }
        var engine = ShortestPathEngine(network: self)
        engine.run(from: origin, cost: cost, target: destination)
        guard engine.distance[destination] < .infinity else { return [] }
        var accepted: [Route] = [Route(arcs: engine.path(to: destination), cost: engine.distance[destination])]
        var candidates: [Route] = []
        var known = Set<[Int]>([accepted[0].arcs])
        var masked = cost

        while accepted.count < k {
            let previous = accepted[accepted.count - 1].arcs
            let previousNodes = accepted[accepted.count - 1].nodes(in: self)
            for spurIndex in 0..<previous.count {
                let spurNode = previousNodes[spurIndex]
                // A spur may not leave from a zone the rule forbids passing through.
                if spurIndex > 0 && !canPassThrough(spurNode) { continue }
                let rootArcs = Array(previous[..<spurIndex])
                var rootCost = 0.0
                for arc in rootArcs { rootCost += cost[arc] }
                masked.withUnsafeMutableBufferPointer { buffer in
                    for index in 0..<linkCount { buffer[index] = cost[index] }
                    // Remove the next arc of every accepted path sharing this root.
                    for route in accepted where route.arcs.count > spurIndex && Array(route.arcs[..<spurIndex]) == rootArcs {
                        buffer[route.arcs[spurIndex]] = .infinity
                    }
                    // Remove the root's nodes (except the spur node) to keep the path loopless.
                    for node in previousNodes[..<spurIndex] {
                        for arc in outgoing(node) { buffer[arc] = .infinity }
                        for arc in incoming(node) { buffer[arc] = .infinity }
                    }
                }
                engine.run(from: spurNode, cost: masked, target: destination)
                guard engine.distance[destination] < .infinity else { continue }
                let arcs = rootArcs + engine.path(to: destination)
                guard known.insert(arcs).inserted else { continue }
                candidates.append(Route(arcs: arcs, cost: rootCost + engine.distance[destination]))
            }
            guard !candidates.isEmpty else { break }
            var best = 0
            for index in 1..<candidates.count where isBetter(candidates[index], than: candidates[best]) {
                best = index
            }
            accepted.append(candidates.remove(at: best))
        }
        return accepted
    }

    private func isBetter(_ lhs: Route, than rhs: Route) -> Bool {
        if lhs.cost != rhs.cost { return lhs.cost < rhs.cost }
        let left = lhs.nodes(in: self)
        let right = rhs.nodes(in: self)
        return left.lexicographicallyPrecedes(right)
    }
}

/// An undirected edge between two distinct nodes.
public struct Edge: Hashable, Sendable {
    /// One end (node index).
    public var u: Int
    /// The other end (node index).
    public var v: Int
    /// A positive length, time or cost; 1 for an unweighted graph.
    public var weight: Double

    /// An edge between `u` and `v` with `weight` (default 1).
    public init(_ u: Int, _ v: Int, weight: Double = 1) {
        self.u = u
        self.v = v
        self.weight = weight
    }
}

/// A simple undirected graph on nodes `0..<nodeCount` with positive edge weights.
///
/// Edges keep the caller's order, so per-edge data (flows, stations) is indexed like
/// `edges`. Adjacency is stored compactly (CSR) with each node's neighbours ascending,
/// which fixes every traversal order and makes the algorithms deterministic.
public struct Graph: Hashable, Sendable {
    /// The number of nodes.
    public let nodeCount: Int
    /// The edges, in the caller's order.
    public let edges: [Edge]

    /// `offsets[v]..<offsets[v+1]` indexes `v`'s neighbours in `adjacentNodes`.
    let offsets: [Int]
    /// Neighbour node of each adjacency slot.
    let adjacentNodes: [Int]
    /// Edge index of each adjacency slot.
    let adjacentEdges: [Int]

    /// A graph on `nodeCount` nodes with `edges`.
    ///
    /// - Throws: `SmallWorldError` for a node out of range, a self-loop, a repeated node
    ///   pair, or a weight that is not positive and finite.
    public init(nodeCount: Int, edges: [Edge]) throws {
        guard nodeCount >= 0 else {
            throw SmallWorldError.invalidParameter(name: "nodeCount", value: "\(nodeCount)", expected: ">= 0")
        }
        var firstEdgeOfPair: [Int: Int] = [:]
        firstEdgeOfPair.reserveCapacity(edges.count)
        for (index, edge) in edges.enumerated() {
            for node in [edge.u, edge.v] where node < 0 || node >= nodeCount {
                throw SmallWorldError.nodeOutOfRange(edge: index, node: node, nodeCount: nodeCount)
            }
            if edge.u == edge.v { throw SmallWorldError.selfLoop(edge: index, node: edge.u) }
            guard edge.weight.isFinite, edge.weight > 0 else {
                throw SmallWorldError.invalidValue(what: "weight of edge", index: index, value: edge.weight,
                                                   expected: "a positive finite number")
            }
            let key = Swift.min(edge.u, edge.v) * nodeCount + Swift.max(edge.u, edge.v)
            if let first = firstEdgeOfPair[key] { throw SmallWorldError.duplicateEdge(edge: index, firstEdge: first) }
            firstEdgeOfPair[key] = index
        }
        self.init(validatedNodeCount: nodeCount, edges: edges)
    }

    /// An unweighted graph (all weights 1) from node pairs.
    public init(nodeCount: Int, pairs: [(Int, Int)]) throws {
        try self.init(nodeCount: nodeCount, edges: pairs.map { Edge($0.0, $0.1) })
    }

    /// Builds the adjacency of edges already known to be valid.
    init(validatedNodeCount nodeCount: Int, edges: [Edge]) {
        self.nodeCount = nodeCount
        self.edges = edges
        var degree = [Int](repeating: 0, count: nodeCount)
        for edge in edges {
            degree[edge.u] += 1
            degree[edge.v] += 1
        }
        var offsets = [Int](repeating: 0, count: nodeCount + 1)
        for v in 0..<nodeCount { offsets[v + 1] = offsets[v] + degree[v] }
        var slotNode = [Int](repeating: 0, count: 2 * edges.count)
        var slotEdge = [Int](repeating: 0, count: 2 * edges.count)
        var fill = offsets
        for (index, edge) in edges.enumerated() {
            slotNode[fill[edge.u]] = edge.v; slotEdge[fill[edge.u]] = index; fill[edge.u] += 1
            slotNode[fill[edge.v]] = edge.u; slotEdge[fill[edge.v]] = index; fill[edge.v] += 1
        }
        for v in 0..<nodeCount where degree[v] > 1 {
            let range = offsets[v]..<offsets[v + 1]
            let sorted = range.map { (slotNode[$0], slotEdge[$0]) }.sorted { $0.0 < $1.0 }
            for (slot, pair) in zip(range, sorted) {
                slotNode[slot] = pair.0
                slotEdge[slot] = pair.1
            }
        }
        self.offsets = offsets
        self.adjacentNodes = slotNode
        self.adjacentEdges = slotEdge
    }

    /// The number of edges.
    public var edgeCount: Int { edges.count }

    /// The number of edges at `node`.
    public func degree(_ node: Int) -> Int { offsets[node + 1] - offsets[node] }

    /// The neighbours of `node`, ascending.
    public func neighbors(of node: Int) -> ArraySlice<Int> { adjacentNodes[offsets[node]..<offsets[node + 1]] }

    /// The edge indices at `node`, in the order of `neighbors(of:)`.
    public func incidentEdges(of node: Int) -> ArraySlice<Int> { adjacentEdges[offsets[node]..<offsets[node + 1]] }

    /// The index of the edge joining `a` and `b`, if there is one.
    public func edgeIndex(between a: Int, and b: Int) -> Int? {
        let range = offsets[a]..<offsets[a + 1]
        var low = range.lowerBound, high = range.upperBound
        while low < high {  // binary search: neighbours are sorted
            let mid = (low + high) / 2
            if adjacentNodes[mid] < b { low = mid + 1 } else { high = mid }
        }
        return low < range.upperBound && adjacentNodes[low] == b ? adjacentEdges[low] : nil
    }

    /// The subgraph induced by `nodes` (ascending, distinct), renumbered `0..<nodes.count`
    /// in that order, with the original weights.
    public func inducedSubgraph(_ nodes: [Int]) -> Graph {
        var newIndex = [Int](repeating: -1, count: nodeCount)
        for (index, node) in nodes.enumerated() { newIndex[node] = index }
        let kept = edges.compactMap { edge -> Edge? in
            let u = newIndex[edge.u], v = newIndex[edge.v]
            return u >= 0 && v >= 0 ? Edge(u, v, weight: edge.weight) : nil
        }
        return Graph(validatedNodeCount: nodes.count, edges: kept)
    }

    public static func == (lhs: Graph, rhs: Graph) -> Bool {
        lhs.nodeCount == rhs.nodeCount && lhs.edges == rhs.edges
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(nodeCount)
        hasher.combine(edges)
    }
}

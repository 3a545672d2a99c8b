/// A partition of a graph's nodes into communities.
public struct CommunityPartition: Hashable, Sendable {
    /// `labels[v]` = the community of node v, numbered 0, 1, ... in order of each
    /// community's smallest node (so node 0 is always in community 0).
    public var labels: [Int]
    /// The number of communities.
    public var count: Int
    /// The modularity of the partition on the weights it was found with.
    public var modularity: Double
    /// Aggregation levels the Louvain method went through.
    public var levels: Int

    /// The nodes of each community, ascending.
    public var members: [[Int]] {
        var members = [[Int]](repeating: [], count: count)
        for (node, label) in labels.enumerated() { members[label].append(node) }
        return members
    }
}

/// Deterministic Louvain community detection (Blondel et al. 2008) on a weighted graph.
///
/// Determinism comes from fixed orders, not from a seed: nodes are visited in index order,
/// candidate communities in ascending label order, a node moves only for a strictly
/// larger gain (ties keep it where it is, then favour the lowest label), and communities
/// are renumbered by first appearance before each aggregation. The result depends only on
/// the graph, the weights and the resolution.
public enum Louvain {
    /// Communities maximising modularity Q = sum_c [ W_c / W - gamma (K_c / 2W)^2 ], with W the
    /// total edge weight, W_c the weight inside c and K_c the weighted degree of c.
    ///
    /// - Parameters:
    ///   - weights: one non-negative weight per edge (default: the graph's weights). Zero
    ///     weights carry no attraction. If all are zero every node is its own community.
    ///   - resolution: gamma; 1 is Newman-Girvan modularity, larger values give smaller communities.
    public static func communities(of graph: Graph, weights: [Double]? = nil, resolution: Double = 1) throws -> CommunityPartition {
        let w = try validatedWeights(graph, weights)
        guard resolution.isFinite, resolution > 0 else {
            throw SmallWorldError.invalidParameter(name: "resolution", value: "\(resolution)", expected: "a positive number")
        }
        let n = graph.nodeCount
        let total = w.reduce(0, +)
        guard total > 0 else {
            let labels = Array(0..<n)
            return CommunityPartition(labels: labels, count: n, modularity: 0, levels: 0)
        }

        // Level graph: symmetric adjacency without self-loops, plus each node's inner weight.
        var adjacency = [[(node: Int, weight: Double)]](repeating: [], count: n)
        for (index, edge) in graph.edges.enumerated() where w[index] > 0 {
            adjacency[edge.u].append((edge.v, w[index]))
            adjacency[edge.v].append((edge.u, w[index]))
        }
        for v in 0..<n { adjacency[v].sort { $0.node < $1.node } }
        var inner = [Double](repeating: 0, count: n)
        var labels = Array(0..<n)  // original node -> current level node
        var levels = 0
        let twiceTotal = 2 * total
        let tolerance = 1e-12 * twiceTotal

        while true {
            let count = adjacency.count
            let degree = (0..<count).map { v in adjacency[v].reduce(2 * inner[v]) { $0 + $1.weight } }
            var community = Array(0..<count)
            var communityDegree = degree
            var linkWeight = [Double](repeating: 0, count: count)  // to each community, scratch
            var touched: [Int] = []
            var movedAtAll = false
            var moved = true
            var passes = 0
            while moved && passes < 1000 {  // each move raises Q by > tolerance, so this ends
                moved = false
                passes += 1
                for v in 0..<count {
                    let home = community[v]
                    touched.removeAll(keepingCapacity: true)
                    for (u, weight) in adjacency[v] {
                        let c = community[u]
                        if linkWeight[c] == 0 && !touched.contains(c) { touched.append(c) }
                        linkWeight[c] += weight
                    }
                    communityDegree[home] -= degree[v]
                    let scale = resolution * degree[v] / twiceTotal
                    var best = home
                    var bestGain = linkWeight[home] - scale * communityDegree[home]
                    touched.sort()
                    for c in touched where c != home {
                        let gain = linkWeight[c] - scale * communityDegree[c]
                        if gain > bestGain + tolerance {
                            best = c
                            bestGain = gain
                        }
                    }
                    communityDegree[best] += degree[v]
                    for c in touched { linkWeight[c] = 0 }
                    linkWeight[home] = 0
                    if best != home {
                        community[v] = best
                        moved = true
                        movedAtAll = true
                    }
                }
            }
            guard movedAtAll else { break }
            levels += 1

            // Renumber by first appearance and aggregate.
            var renumber = [Int](repeating: -1, count: count)
            var next = 0
            for v in 0..<count where renumber[community[v]] < 0 {
                renumber[community[v]] = next
                next += 1
            }
            var merged = [[Int: Double]](repeating: [:], count: next)
            var mergedInner = [Double](repeating: 0, count: next)
            for v in 0..<count {
                let cv = renumber[community[v]]
                mergedInner[cv] += inner[v]
                for (u, weight) in adjacency[v] {
                    let cu = renumber[community[u]]
                    if cu == cv { mergedInner[cv] += weight / 2 } else { merged[cv][cu, default: 0] += weight }
                }
            }
            adjacency = merged.map { $0.map { (node: $0.key, weight: $0.value) }.sorted { $0.node < $1.node } }
            inner = mergedInner
            for v in 0..<n { labels[v] = renumber[community[labels[v]]] }
        }

        let partition = renumberedByFirstNode(labels)
        return CommunityPartition(labels: partition.labels, count: partition.count,
                                  modularity: modularity(graph, w, partition.labels, resolution),
                                  levels: levels)
    }

    /// Labels renumbered 0, 1, ... in order of first appearance.
    static func renumberedByFirstNode(_ labels: [Int]) -> (labels: [Int], count: Int) {
        var map: [Int: Int] = [:]
        let result = labels.map { label in
            if let known = map[label] { return known }
            map[label] = map.count
            return map.count - 1
        }
        return (result, map.count)
    }

    static func validatedWeights(_ graph: Graph, _ weights: [Double]?, what: String = "weight") throws -> [Double] {
        guard let weights else { return graph.edges.map(\.weight) }
        guard weights.count == graph.edgeCount else {
            throw SmallWorldError.countMismatch(what: "edge \(what)s", expected: graph.edgeCount, got: weights.count)
        }
        for (index, value) in weights.enumerated() where !(value.isFinite && value >= 0) {
            throw SmallWorldError.invalidValue(what: "\(what) of edge", index: index, value: value,
                                               expected: "a non-negative finite number")
        }
        return weights
    }

    static func modularity(_ graph: Graph, _ weights: [Double], _ labels: [Int], _ resolution: Double) -> Double {
        let total = weights.reduce(0, +)
        guard total > 0 else { return 0 }
        let count = (labels.max() ?? -1) + 1
        var inside = [Double](repeating: 0, count: count)
        var degree = [Double](repeating: 0, count: count)
        for (index, edge) in graph.edges.enumerated() {
            degree[labels[edge.u]] += weights[index]
            degree[labels[edge.v]] += weights[index]
            if labels[edge.u] == labels[edge.v] { inside[labels[edge.u]] += weights[index] }
        }
        var q = 0.0
        for c in 0..<count {
            let share = degree[c] / (2 * total)
            q += inside[c] / total - resolution * share * share
        }
        return q
    }
}

extension Graph {
    /// The modularity of a partition (`labels[v]` >= 0 per node) on `weights` (default: the
    /// graph's weights); see `Louvain.communities(of:weights:resolution:)`.
    public func modularity(labels: [Int], weights: [Double]? = nil, resolution: Double = 1) throws -> Double {
        guard labels.count == nodeCount else {
            throw SmallWorldError.countMismatch(what: "labels", expected: nodeCount, got: labels.count)
        }
        guard labels.allSatisfy({ $0 >= 0 }) else {
            throw SmallWorldError.invalidClusterLabels("expected labels >= 0")
        }
        return Louvain.modularity(self, try Louvain.validatedWeights(self, weights), labels, resolution)
    }
}

/// Which length a shortest path adds up.
public enum PathMetric: Hashable, Sendable {
    /// Every edge counts 1.
    case hops
    /// Every edge counts its weight.
    case weights
}

/// The degree distribution of a graph.
public struct DegreeStatistics: Hashable, Sendable {
    /// The smallest degree (0 for an empty graph).
    public var minimum: Int
    /// The largest degree (0 for an empty graph).
    public var maximum: Int
    /// The mean degree, 2|E|/|V|.
    public var mean: Double
    /// The population standard deviation of the degrees.
    public var standardDeviation: Double
    /// `histogram[k]` = the number of nodes of degree `k`, for `k` in `0...maximum`.
    public var histogram: [Int]
}

/// Shortest-path lengths over all ordered pairs of distinct nodes.
///
/// A disconnected graph is handled explicitly rather than by an infinite mean:
/// `characteristicPathLength` averages only the pairs that reach each other (so it is the
/// mean inside components, weighted by their pair counts), `connectedPairFraction` says how
/// many pairs that is, and `globalEfficiency` (Latora-Marchiori) averages 1/d over *all*
/// pairs with unreachable pairs counting 0. Its reciprocal, `harmonicPathLength`, equals the
/// characteristic path length on a connected graph with equal distances and stays finite
/// when a component splits off.
public struct PathLengthStatistics: Hashable, Sendable {
    /// Mean d(i, j) over ordered pairs i != j with a path; NaN when no pair has one.
    public var characteristicPathLength: Double
    /// The share of ordered pairs i != j joined by a path (1 on a connected graph).
    public var connectedPairFraction: Double
    /// Mean of 1/d(i, j) over all ordered pairs i != j (unreachable pairs count 0).
    public var globalEfficiency: Double
    /// 1 / globalEfficiency (infinity when no pair is connected).
    public var harmonicPathLength: Double
    /// The largest finite d(i, j) (0 when no pair is connected).
    public var diameter: Double
    /// The number of connected components (isolated nodes count).
    public var componentCount: Int
    /// True when every pair of nodes is joined by a path.
    public var isConnected: Bool { componentCount <= 1 }
}

extension Graph {
    /// For each node, the number of edges among its neighbours (the triangles through it).
    public func trianglesPerNode() -> [Int] {
        var stamp = [Int](repeating: -1, count: nodeCount)
        var result = [Int](repeating: 0, count: nodeCount)
        for v in 0..<nodeCount {
            for u in neighbors(of: v) { stamp[u] = v }
            var links = 0
            for u in neighbors(of: v) {
                for w in neighbors(of: u) where w > u && stamp[w] == v { links += 1 }
            }
            result[v] = links
        }
        return result
    }

    /// The Watts-Strogatz local clustering coefficient of each node: the share of pairs of
    /// its neighbours that are adjacent; 0 for a node with fewer than two neighbours.
    public func localClustering() -> [Double] {
        let triangles = trianglesPerNode()
        return (0..<nodeCount).map { v in
            let d = degree(v)
            return d < 2 ? 0 : 2 * Double(triangles[v]) / Double(d * (d - 1))
        }
    }

    /// The average clustering C = mean of the local coefficients over all nodes, nodes of
    /// degree < 2 counting 0 (Watts-Strogatz 1998; the convention of NetworkX and igraph's
    /// "zero" mode). 0 for an empty graph.
    public func averageClustering() -> Double {
        guard nodeCount > 0 else { return 0 }
        return localClustering().reduce(0, +) / Double(nodeCount)
    }

    /// The transitivity (global clustering) 3 x triangles / connected triples; 0 without triples.
    public func transitivity() -> Double {
        let triangles = trianglesPerNode()
        var closed = 0, triples = 0
        for v in 0..<nodeCount {
            closed += triangles[v]
            triples += degree(v) * (degree(v) - 1) / 2
        }
        return triples == 0 ? 0 : Double(closed) / Double(triples)
    }

    /// The degree distribution.
    public func degreeStatistics() -> DegreeStatistics {
        guard nodeCount > 0 else {
            return DegreeStatistics(minimum: 0, maximum: 0, mean: 0, standardDeviation: 0, histogram: [0])
        }
        let degrees = (0..<nodeCount).map(degree)
        let maximum = degrees.max()!
        var histogram = [Int](repeating: 0, count: maximum + 1)
        for d in degrees { histogram[d] += 1 }
        let mean = Double(2 * edgeCount) / Double(nodeCount)
        let variance = degrees.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(nodeCount)
        return DegreeStatistics(minimum: degrees.min()!, maximum: maximum, mean: mean,
                                standardDeviation: variance.squareRoot(), histogram: histogram)
    }

    /// The connected components, each ascending, ordered by their smallest node.
    public func connectedComponents() -> [[Int]] {
        var seen = [Bool](repeating: false, count: nodeCount)
        var components: [[Int]] = []
        for start in 0..<nodeCount where !seen[start] {
            var component = [start]
            seen[start] = true
            var head = 0
            while head < component.count {
                let v = component[head]
                head += 1
                for u in neighbors(of: v) where !seen[u] {
                    seen[u] = true
                    component.append(u)
                }
            }
            components.append(component.sorted())
        }
        return components
    }

    /// Shortest-path lengths from `source` to every node (infinity where unreachable):
    /// breadth-first search for hops, Dijkstra with a binary heap for weights.
    public func shortestDistances(from source: Int, metric: PathMetric = .hops) -> [Double] {
        switch metric {
        case .hops: return hopDistances(from: source).map { $0 < 0 ? .infinity : Double($0) }
        case .weights: return weightedDistances(from: source)
        }
    }

    /// All shortest-path lengths, `matrix[i][j]` = d(i, j) (infinity where unreachable).
    public func distanceMatrix(metric: PathMetric = .hops) -> [[Double]] {
        (0..<nodeCount).map { shortestDistances(from: $0, metric: metric) }
    }

    /// Characteristic path length, efficiency and reachability over all ordered pairs.
    public func pathLengths(metric: PathMetric = .hops) -> PathLengthStatistics {
        var sum = 0.0, inverseSum = 0.0, diameter = 0.0
        var connectedPairs = 0
        for source in 0..<nodeCount {
            let distances = shortestDistances(from: source, metric: metric)
            for (target, d) in distances.enumerated() where target != source && d.isFinite {
                sum += d
                inverseSum += 1 / d
                connectedPairs += 1
                diameter = Swift.max(diameter, d)
            }
        }
        let pairs = nodeCount * (nodeCount - 1)
        let efficiency = pairs == 0 ? 0 : inverseSum / Double(pairs)
        return PathLengthStatistics(
            characteristicPathLength: connectedPairs == 0 ? .nan : sum / Double(connectedPairs),
            connectedPairFraction: pairs == 0 ? 1 : Double(connectedPairs) / Double(pairs),
            globalEfficiency: efficiency,
            harmonicPathLength: efficiency == 0 ? .infinity : 1 / efficiency,
            diameter: diameter,
            componentCount: connectedComponents().count)
    }

    /// Hop counts from `source` (-1 where unreachable).
    func hopDistances(from source: Int) -> [Int] {
        var distance = [Int](repeating: -1, count: nodeCount)
        var queue = [source]
        queue.reserveCapacity(nodeCount)
        distance[source] = 0
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for u in neighbors(of: v) where distance[u] < 0 {
                distance[u] = distance[v] + 1
                queue.append(u)
            }
        }
        return distance
    }

    /// Dijkstra from `source` over edge weights.
    func weightedDistances(from source: Int) -> [Double] {
        var distance = [Double](repeating: .infinity, count: nodeCount)
        distance[source] = 0
        var heap = MinHeap()
        heap.push(0, source)
        while let (d, v) = heap.pop() {
            if d > distance[v] { continue }  // stale entry
            for slot in offsets[v]..<offsets[v + 1] {
                let u = adjacentNodes[slot]
                let candidate = d + edges[adjacentEdges[slot]].weight
                if candidate < distance[u] {
                    distance[u] = candidate
                    heap.push(candidate, u)
                }
            }
        }
        return distance
    }
}

/// A binary min-heap of (key, node) with lazy deletion, ties broken by node index.
struct MinHeap {
    private var items: [(key: Double, node: Int)] = []

    private static func less(_ a: (key: Double, node: Int), _ b: (key: Double, node: Int)) -> Bool {
        a.key < b.key || (a.key == b.key && a.node < b.node)
    }

    mutating func push(_ key: Double, _ node: Int) {
        items.append((key, node))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Double, Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count && Self.less(items[left], items[smallest]) { smallest = left }
                if right < items.count && Self.less(items[right], items[smallest]) { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return (top.key, top.node)
    }
}

extension Graph {
    /// The ring lattice on `nodeCount` nodes with each node joined to its `degree / 2`
    /// nearest neighbours on either side (Watts-Strogatz's starting graph).
    ///
    /// - Throws: `invalidParameter` unless `degree` is even and `0 <= degree < nodeCount`.
    public static func ringLattice(nodeCount: Int, degree: Int) throws -> Graph {
        guard degree >= 0, degree % 2 == 0, degree < Swift.max(nodeCount, 1) else {
            throw SmallWorldError.invalidParameter(name: "degree", value: "\(degree)",
                                                   expected: "an even number in 0..<nodeCount (\(nodeCount))")
        }
        return try ringLattice(nodeCount: nodeCount, edgeCount: nodeCount * degree / 2)
    }

    /// The ring lattice on `nodeCount` nodes with exactly `edgeCount` edges: all ring
    /// distances 1, 2, ... are filled in turn, and the last, partial distance takes its
    /// edges at evenly spaced nodes. So its mean degree equals 2 `edgeCount` / `nodeCount`
    /// even when that is not an even integer; this is the lattice reference of omega.
    ///
    /// - Throws: `invalidParameter` when `edgeCount` exceeds n(n-1)/2.
    public static func ringLattice(nodeCount n: Int, edgeCount: Int) throws -> Graph {
        guard n >= 0, edgeCount >= 0, edgeCount <= n * (n - 1) / 2 else {
            throw SmallWorldError.invalidParameter(name: "edgeCount", value: "\(edgeCount)",
                                                   expected: "0...n(n-1)/2 for n = \(n)")
        }
        var edges: [Edge] = []
        edges.reserveCapacity(edgeCount)
        var distance = 1
        while edges.count < edgeCount {
            // At distance n/2 (n even) node i and i + n/2 pair up: only n/2 distinct edges.
            let available = 2 * distance == n ? n / 2 : n
            let wanted = Swift.min(available, edgeCount - edges.count)
            for t in 0..<wanted {
                let i = t * available / wanted  // evenly spaced; all of them when wanted == available
                edges.append(Edge(i, (i + distance) % n))
            }
            distance += 1
        }
        return Graph(validatedNodeCount: n, edges: edges)
    }

    /// A Watts-Strogatz graph: the ring lattice of `degree`, then each lattice edge (u, u+j),
    /// taken by j = 1...degree/2 and then by u, is rewired with probability `rewiring` to
    /// (u, w) for a uniformly chosen w that is neither u nor a neighbour of u.
    public static func wattsStrogatz(nodeCount n: Int, degree: Int, rewiring p: Double, seed: UInt64) throws -> Graph {
        guard (0...1).contains(p) else {
            throw SmallWorldError.invalidParameter(name: "rewiring", value: "\(p)", expected: "a probability in [0, 1]")
        }
        let lattice = try ringLattice(nodeCount: n, degree: degree)
        let random = GSLRandom(seed: seed)
        var adjacency = [Set<Int>](repeating: [], count: n)
        var edgeAt: [Int: Int] = [:]  // key of (u, u+j) -> index in `edges`
        var edges = lattice.edges
        for (index, edge) in edges.enumerated() {
            adjacency[edge.u].insert(edge.v)
            adjacency[edge.v].insert(edge.u)
            edgeAt[edge.u * n + edge.v] = index
        }
        for j in stride(from: 1, through: degree / 2, by: 1) {
            for u in 0..<n {
                let v = (u + j) % n
                guard random.unit() < p, adjacency[u].count < n - 1, let index = edgeAt[u * n + v] else { continue }
                var w = random.integer(below: n)
                while w == u || adjacency[u].contains(w) { w = random.integer(below: n) }
                adjacency[u].remove(v); adjacency[v].remove(u)
                adjacency[u].insert(w); adjacency[w].insert(u)
                edges[index] = Edge(u, w)
            }
        }
        return Graph(validatedNodeCount: n, edges: edges)
    }

    /// An Erdos-Renyi G(n, m) graph: `edgeCount` distinct node pairs drawn uniformly.
    public static func randomGraph(nodeCount n: Int, edgeCount m: Int, seed: UInt64) throws -> Graph {
        let maximum = n * (n - 1) / 2
        guard m >= 0, m <= maximum else {
            throw SmallWorldError.invalidParameter(name: "edgeCount", value: "\(m)", expected: "0...\(maximum)")
        }
        let random = GSLRandom(seed: seed)
        // Draw the smaller of the edge set and its complement, by rejection.
        let drawComplement = m > maximum / 2
        let draws = drawComplement ? maximum - m : m
        var drawn = Set<Int>()
        var order: [Int] = []
        while drawn.count < draws {
            let a = random.integer(below: n), b = random.integer(below: n)
            guard a != b else { continue }
            let key = Swift.min(a, b) * n + Swift.max(a, b)
            if drawn.insert(key).inserted { order.append(key) }
        }
        var edges: [Edge] = []
        if drawComplement {
            for a in 0..<n { for b in (a + 1)..<Swift.max(a + 1, n) where !drawn.contains(a * n + b) { edges.append(Edge(a, b)) } }
        } else {
            edges = order.map { Edge($0 / n, $0 % n) }
        }
        return Graph(validatedNodeCount: n, edges: edges)
    }

    /// A degree-preserving randomisation by double-edge swaps (Maslov-Sneppen): edges
    /// (a, b), (c, d) become (a, d), (c, b) when that creates no loop or repeated edge, and,
    /// with `keepConnected`, only when a still reaches b and c still reaches d (which is
    /// exactly when the graph stays connected). Weights are dropped (all 1).
    ///
    /// Aims for `swapsPerEdge` x |E| accepted swaps and gives up after 100 times as many
    /// attempts, so a graph with no valid swap (a star, a complete graph) comes back as is.
    /// - Returns: the rewired graph and the number of swaps made.
    public func degreePreservingRewiring(swapsPerEdge: Double, keepConnected: Bool, seed: UInt64) -> (graph: Graph, swaps: Int) {
        let random = GSLRandom(seed: seed)
        return degreePreservingRewiring(swapsPerEdge: swapsPerEdge, keepConnected: keepConnected, random: random)
    }

    func degreePreservingRewiring(swapsPerEdge: Double, keepConnected: Bool, random: GSLRandom) -> (graph: Graph, swaps: Int) {
        let n = nodeCount, m = edgeCount
        guard m >= 2 else { return (Graph(validatedNodeCount: n, edges: edges.map { Edge($0.u, $0.v) }), 0) }
        var ends = edges.map { ($0.u, $0.v) }
        var adjacency = (0..<n).map { Array(neighbors(of: $0)) }
        var present = Set<Int>(minimumCapacity: 2 * m)
        for (u, v) in ends { present.insert(Swift.min(u, v) * n + Swift.max(u, v)) }
        func key(_ a: Int, _ b: Int) -> Int { Swift.min(a, b) * n + Swift.max(a, b) }
        func unlink(_ a: Int, _ b: Int) {
            adjacency[a].remove(at: adjacency[a].firstIndex(of: b)!)
            adjacency[b].remove(at: adjacency[b].firstIndex(of: a)!)
            present.remove(key(a, b))
        }
        func link(_ a: Int, _ b: Int) {
            adjacency[a].append(b)
            adjacency[b].append(a)
            present.insert(key(a, b))
        }
        var stamp = [Int](repeating: 0, count: n), round = 0
        var queue: [Int] = []
        queue.reserveCapacity(n)
        func reaches(_ source: Int, _ target: Int) -> Bool {
            round += 1
            queue.removeAll(keepingCapacity: true)
            queue.append(source)
            stamp[source] = round
            var head = 0
            while head < queue.count {
                let v = queue[head]
                head += 1
                for u in adjacency[v] where stamp[u] != round {
                    if u == target { return true }
                    stamp[u] = round
                    queue.append(u)
                }
            }
            return false
        }

        let target = Int((swapsPerEdge * Double(m)).rounded())
        let maxAttempts = 100 * target
        var swaps = 0, attempts = 0
        while swaps < target && attempts < maxAttempts {
            attempts += 1
            let i = random.integer(below: m), j = random.integer(below: m)
            guard i != j else { continue }
            let (a, b) = ends[i]
            var (c, d) = ends[j]
            if random.integer(below: 2) == 1 { swap(&c, &d) }
            guard a != c, a != d, b != c, b != d,
                  !present.contains(key(a, d)), !present.contains(key(c, b)) else { continue }
            unlink(a, b); unlink(c, d)
            link(a, d); link(c, b)
            if keepConnected && !(reaches(a, b) && reaches(c, d)) {
                unlink(a, d); unlink(c, b)
                link(a, b); link(c, d)
                continue
            }
            ends[i] = (a, d)
            ends[j] = (c, b)
            swaps += 1
        }
        return (Graph(validatedNodeCount: n, edges: ends.map { Edge($0.0, $0.1) }), swaps)
    }
}

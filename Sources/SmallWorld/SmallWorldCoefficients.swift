import Foundation  // NSLock for the reference cache

/// How the random and lattice references of sigma and omega are drawn.
public struct SmallWorldOptions: Hashable, Sendable {
    /// Random references averaged for C_r and L_r (with 0, sigma and omega are nil).
    public var randomSamples: Int
    /// Accepted double-edge swaps per edge in each random reference (10 is the usual
    /// Maslov-Sneppen choice; mixing is complete well before that on sparse graphs).
    /// 0 or less leaves each reference equal to the graph.
    public var swapsPerEdge: Double
    /// The seed; sample `i` uses its own GSL mt19937 stream derived from it.
    public var seed: UInt64

    /// Options with defaults of 10 samples, 10 swaps per edge and seed 1.
    public init(randomSamples: Int = 10, swapsPerEdge: Double = 10, seed: UInt64 = 1) {
        self.randomSamples = randomSamples
        self.swapsPerEdge = swapsPerEdge
        self.seed = seed
    }
}

/// The references a graph's small-world coefficients are measured against.
public struct SmallWorldReference: Hashable, Sendable {
    /// Mean average clustering C_r of the degree-preserving random references.
    public var randomClustering: Double
    /// Mean characteristic path length L_r (hops) of the random references.
    public var randomPathLength: Double
    /// C of each random sample, in sample order.
    public var randomClusteringSamples: [Double]
    /// L of each random sample, in sample order.
    public var randomPathLengthSamples: [Double]
    /// Swaps made in each random sample (fewer than asked when the graph resists rewiring).
    public var swapsMade: [Int]
    /// Average clustering C_l of the ring lattice with the same node and edge counts.
    public var latticeClustering: Double
    /// Characteristic path length L_l of that lattice.
    public var latticePathLength: Double

    /// Draws the references of a **connected** graph: `options.randomSamples` connected
    /// degree-preserving rewirings, and the ring lattice with the same |V| and |E|.
    public init(connectedGraph graph: Graph, options: SmallWorldOptions) {
        var clustering: [Double] = [], pathLength: [Double] = [], swaps: [Int] = []
        for sample in 0..<Swift.max(options.randomSamples, 0) {
            let random = GSLRandom(seed: GSLRandom.derivedSeed(options.seed, stream: sample))
            let (rewired, made) = graph.degreePreservingRewiring(
                swapsPerEdge: options.swapsPerEdge, keepConnected: true, random: random)
            clustering.append(rewired.averageClustering())
            pathLength.append(rewired.pathLengths().characteristicPathLength)
            swaps.append(made)
        }
        let count = Double(clustering.count)
        randomClustering = count == 0 ? .nan : clustering.reduce(0, +) / count
        randomPathLength = count == 0 ? .nan : pathLength.reduce(0, +) / count
        randomClusteringSamples = clustering
        randomPathLengthSamples = pathLength
        swapsMade = swaps
        // The edge count never exceeds n(n-1)/2 for a simple graph, so this cannot throw.
        let lattice = try! Graph.ringLattice(nodeCount: graph.nodeCount, edgeCount: graph.edgeCount)
        latticeClustering = lattice.averageClustering()
        latticePathLength = lattice.pathLengths().characteristicPathLength
    }
}

/// The small-world coefficients of a graph (Humphries-Gurney sigma, Telesford omega).
///
/// Measured on the largest connected component (ties: the one holding the lowest node),
/// since L and the references need a connected graph; `componentNodes` says which nodes
/// that is. Path lengths are in hops: the coefficients compare topologies.
public struct SmallWorldCoefficients: Hashable, Sendable {
    /// Nodes of the component analysed, ascending (all nodes when connected).
    public var componentNodes: [Int]
    /// Average clustering C of the component.
    public var clustering: Double
    /// Characteristic path length L of the component, in hops.
    public var pathLength: Double
    /// sigma = (C / C_r) / (L / L_r); > 1 for a small world. nil when C_r or L is 0.
    public var sigma: Double?
    /// omega = L_r / L - C / C_l; near 0 small world, near -1 lattice, near 1 random.
    /// nil when C_l or L is 0.
    public var omega: Double?
    /// The references used.
    public var reference: SmallWorldReference
}

/// Remembers references by graph topology and options, so repeated evaluations of the same
/// network (a planner's sweep, a CLI run that prints twice) draw them once. Thread-safe.
public final class SmallWorldReferenceCache: @unchecked Sendable {
    private struct Key: Hashable {
        var topology: Graph
        var options: SmallWorldOptions
    }
    private let lock = NSLock()
    private var stored: [Key: SmallWorldReference] = [:]

    /// An empty cache.
    public init() {}

    /// The number of references held.
    public var count: Int { locked { stored.count } }

    /// The reference of `connectedGraph` under `options`, drawn on first request.
    public func reference(for connectedGraph: Graph, options: SmallWorldOptions) -> SmallWorldReference {
        // Weights do not enter the references: key on topology (and edge order, which the
        // random draws depend on) only.
        let key = Key(topology: Graph(validatedNodeCount: connectedGraph.nodeCount,
                                      edges: connectedGraph.edges.map { Edge($0.u, $0.v) }),
                      options: options)
        if let found = locked({ stored[key] }) { return found }
        // Draw outside the lock; two threads racing on one key compute the same value.
        let drawn = SmallWorldReference(connectedGraph: connectedGraph, options: options)
        locked { stored[key] = drawn }
        return drawn
    }

    // NSLocking.withLock needs macOS 14; the package targets 13.
    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}

extension Graph {
    /// sigma and omega of the largest connected component against seeded references.
    ///
    /// - Parameter cache: where to look up and keep the references; nil draws them afresh.
    public func smallWorldCoefficients(options: SmallWorldOptions = SmallWorldOptions(),
                                       cache: SmallWorldReferenceCache? = nil) -> SmallWorldCoefficients {
        let components = connectedComponents()
        let nodes = components.max { $0.count < $1.count || ($0.count == $1.count && $0[0] > $1[0]) } ?? []
        let component = nodes.count == nodeCount ? self : inducedSubgraph(nodes)
        let reference = cache?.reference(for: component, options: options)
            ?? SmallWorldReference(connectedGraph: component, options: options)
        let c = component.averageClustering()
        let l = component.pathLengths().characteristicPathLength
        let sigmaDefined = reference.randomClustering > 0 && l > 0 && reference.randomPathLength.isFinite
        let omegaDefined = reference.latticeClustering > 0 && l > 0 && reference.randomPathLength.isFinite
        return SmallWorldCoefficients(
            componentNodes: nodes,
            clustering: c,
            pathLength: l,
            sigma: sigmaDefined ? (c / reference.randomClustering) / (l / reference.randomPathLength) : nil,
            omega: omegaDefined ? reference.randomPathLength / l - c / reference.latticeClustering : nil,
            reference: reference)
    }
}

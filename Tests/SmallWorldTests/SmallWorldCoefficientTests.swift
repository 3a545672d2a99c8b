import Testing
@testable import SmallWorld

@Suite struct SmallWorldCoefficientTests {
    /// Fewer swaps than the default keep the debug build quick; 5 per edge already mixes
    /// these sparse graphs (C_r of 5 and 10 swaps per edge agree within the sample noise).
    static let quick = SmallWorldOptions(randomSamples: 5, swapsPerEdge: 5, seed: 11)

    @Test func generatorIsGSLMersenneTwister() {
        // GSL's own test suite: mt19937 seeded 4357 gives 4293858116 first and 1186927261 as
        // its 1000th output (numpy's legacy MT19937 seeding agrees).
        let random = GSLRandom(seed: 4357)
        #expect(random.next() == 4_293_858_116)
        for _ in 2..<1000 { _ = random.next() }
        #expect(random.next() == 1_186_927_261)
    }

    @Test func wattsStrogatzGraphIsASmallWorld() throws {
        let graph = try Graph.wattsStrogatz(nodeCount: 100, degree: 6, rewiring: 0.1, seed: 7)
        #expect(graph.edgeCount == 300)
        let result = graph.smallWorldCoefficients(options: Self.quick)
        let sigma = try #require(result.sigma), omega = try #require(result.omega)
        #expect(sigma > 1)
        #expect(abs(omega) < 0.5, "Telesford et al. call |omega| < 0.5 small-world; got \(omega)")
    }

    @Test func randomGraphHasSigmaNearOneAndOmegaNearOne() throws {
        // Dense enough (mean degree 20, ~1300 triangles) that C of one draw is within a few
        // per cent of its references: sigma within 0.1 of 1.
        let dense = try Graph.randomGraph(nodeCount: 100, edgeCount: 1000, seed: 8)
        let sigma = try #require(dense.smallWorldCoefficients(options: SmallWorldOptions(randomSamples: 3, swapsPerEdge: 3, seed: 2)).sigma)
        #expect(abs(sigma - 1) < 0.1, "sigma = \(sigma)")
        // Sparse: C is tiny against the lattice's, so omega = L_r/L - C/C_l is near 1.
        let sparse = try Graph.randomGraph(nodeCount: 100, edgeCount: 300, seed: 8)
        let omega = try #require(sparse.smallWorldCoefficients(options: Self.quick).omega)
        #expect(omega > 0.8, "omega = \(omega)")
    }

    @Test func latticeHasOmegaNearMinusOne() throws {
        let lattice = try Graph.ringLattice(nodeCount: 200, degree: 4)
        let result = lattice.smallWorldCoefficients(options: SmallWorldOptions(randomSamples: 2, swapsPerEdge: 5, seed: 3))
        #expect(result.reference.latticeClustering == result.clustering)  // it is its own lattice reference
        let omega = try #require(result.omega)
        // omega = L_r/L - 1 with L = 25.4 and L_r about 4.2: -0.84; it tends to -1 as n grows.
        #expect(omega < -0.8, "omega = \(omega)")
        let ws = try Graph.wattsStrogatz(nodeCount: 200, degree: 4, rewiring: 0.1, seed: 3)
        let wsOmega = try #require(ws.smallWorldCoefficients(options: SmallWorldOptions(randomSamples: 2, swapsPerEdge: 5, seed: 3)).omega)
        #expect(omega < wsOmega && wsOmega < 0.8)
    }

    @Test func sameSeedSameSigmaOtherSeedOtherSamples() throws {
        let karate = try Fixture.karate()
        let first = karate.smallWorldCoefficients(options: Self.quick)
        let again = karate.smallWorldCoefficients(options: Self.quick)
        #expect(first == again)
        var other = Self.quick
        other.seed = 12
        let different = karate.smallWorldCoefficients(options: other)
        #expect(different.reference.randomClusteringSamples != first.reference.randomClusteringSamples)
        // Samples are seeded independently: the first samples of a 5- and a 2-sample run agree.
        var fewer = Self.quick
        fewer.randomSamples = 2
        let short = karate.smallWorldCoefficients(options: fewer)
        #expect(Array(first.reference.randomClusteringSamples.prefix(2)) == short.reference.randomClusteringSamples)
    }

    @Test func referencesAreCachedPerTopology() throws {
        let karate = try Fixture.karate()
        let cache = SmallWorldReferenceCache()
        let first = karate.smallWorldCoefficients(options: Self.quick, cache: cache)
        let reweighted = try Graph(nodeCount: 34, edges: karate.edges.map { Edge($0.u, $0.v, weight: 7) })
        let second = reweighted.smallWorldCoefficients(options: Self.quick, cache: cache)
        #expect(cache.count == 1)
        #expect(first == second)
        #expect(first == karate.smallWorldCoefficients(options: Self.quick))  // cached equals fresh
        _ = karate.smallWorldCoefficients(options: SmallWorldOptions(randomSamples: 1, swapsPerEdge: 5, seed: 11), cache: cache)
        #expect(cache.count == 2)
    }

    @Test func rewiringKeepsDegreesAndConnectivity() throws {
        let karate = try Fixture.karate()
        let (rewired, swaps) = karate.degreePreservingRewiring(swapsPerEdge: 10, keepConnected: true, seed: 5)
        #expect(swaps == 780)
        #expect((0..<34).map(rewired.degree) == (0..<34).map(karate.degree))
        #expect(rewired.connectedComponents().count == 1)
        #expect(Set(rewired.edges.map { [min($0.u, $0.v), max($0.u, $0.v)] }) != Set(karate.edges.map { [$0.u, $0.v] }))
        // A star admits no swap at all: it comes back unchanged.
        let star = try Graph(nodeCount: 5, pairs: (1...4).map { (0, $0) })
        #expect(star.degreePreservingRewiring(swapsPerEdge: 10, keepConnected: true, seed: 1).swaps == 0)
    }

    @Test func completeGraphIsItsOwnReference() throws {
        // In K5 every double-edge swap would repeat an edge: C = C_r = C_l = L = L_r = 1.
        let k5 = try Graph.ringLattice(nodeCount: 5, degree: 4)
        let full = k5.smallWorldCoefficients(options: Self.quick)
        #expect(full.reference.swapsMade == [0, 0, 0, 0, 0])
        #expect(full.sigma == 1 && full.omega == 0)
    }

    @Test func latticeReferenceKeepsEdgeCountWhenMeanDegreeIsOdd() throws {
        // 12 nodes and 20 edges like the seed-003 network: mean degree 10/3.
        let lattice = try Graph.ringLattice(nodeCount: 12, edgeCount: 20)
        #expect(lattice.edgeCount == 20)
        #expect(Set((0..<12).map(lattice.degree)) == [3, 4])
        #expect(throws: SmallWorldError.self) { try Graph.ringLattice(nodeCount: 4, edgeCount: 7) }
        #expect(throws: SmallWorldError.self) { try Graph.ringLattice(nodeCount: 10, degree: 3) }
        // n even at distance n/2: the 3 "diameters" of a hexagon complete K6.
        #expect(try Graph.ringLattice(nodeCount: 6, edgeCount: 15).averageClustering() == 1)
    }

    @Test func disconnectedGraphUsesItsLargestComponent() throws {
        // Karate plus a detached triangle (nodes 34-36).
        let karate = try Fixture.karate()
        let extended = try Graph(nodeCount: 37, edges: karate.edges + [Edge(34, 35), Edge(35, 36), Edge(34, 36)])
        let result = extended.smallWorldCoefficients(options: Self.quick)
        #expect(result.componentNodes == Array(0..<34))
        #expect(result == karate.smallWorldCoefficients(options: Self.quick))
    }

    @Test func treeHasNoSigma() throws {
        // A path has C = 0 and so does every degree-preserving rewiring of it (also a tree):
        // sigma = 0/0 is undefined and reported as nil, not NaN.
        let path = try Graph(nodeCount: 6, pairs: (0..<5).map { ($0, $0 + 1) })
        let result = path.smallWorldCoefficients(options: Self.quick)
        #expect(result.sigma == nil)
    }
}

import Testing
@testable import SmallWorld

@Suite struct GraphMetricsTests {
    @Test func karateClubMatchesPublishedMetrics() throws {
        let karate = try Fixture.karate()
        #expect(karate.nodeCount == 34 && karate.edgeCount == 78)
        // Published to 7 decimals: tolerance half a unit of the last digit.
        #expect(close(karate.averageClustering(), 0.5706385, 5e-8))
        #expect(close(karate.transitivity(), 0.2556818, 5e-8))
        let paths = karate.pathLengths()
        #expect(close(paths.characteristicPathLength, 2.4081996, 5e-8))
        // The exact rationals behind them: 45 closed of 176 triples, 2702 hop sum over 1122 pairs.
        #expect(close(karate.transitivity(), 45.0 / 176.0, 1e-15))
        #expect(close(paths.characteristicPathLength, 2702.0 / 1122.0, 1e-14))
        #expect(paths.isConnected && paths.connectedPairFraction == 1 && paths.diameter == 5)
        let degrees = karate.degreeStatistics()
        #expect(degrees.minimum == 1 && degrees.maximum == 17 && close(degrees.mean, 156.0 / 34.0, 1e-14))
    }

    @Test func ringLatticeHasTheWattsStrogatzClustering() throws {
        let lattice = try Graph.ringLattice(nodeCount: 20, degree: 4)
        #expect(lattice.edgeCount == 40)
        #expect(lattice.averageClustering() == 0.5)  // 3(k-2)/(4(k-1)) at k = 4, exact in binary
        #expect(close(lattice.pathLengths().characteristicPathLength, 55.0 / 19.0, 1e-15))  // 2.8947368
        let wider = try Graph.ringLattice(nodeCount: 30, degree: 6)
        #expect(close(wider.averageClustering(), 3.0 * 4.0 / (4.0 * 5.0), 1e-15))
    }

    @Test func completeGraphHasClusteringAndPathLengthOne() throws {
        let complete = try Graph.ringLattice(nodeCount: 7, degree: 6)
        #expect(complete.edgeCount == 21)
        #expect(complete.averageClustering() == 1 && complete.transitivity() == 1)
        #expect(complete.pathLengths().characteristicPathLength == 1)
    }

    @Test func starAndPathByHand() throws {
        // Star: centre 0 and leaves 1...5. No triangles; centre-leaf pairs at 1 (10 ordered
        // pairs), leaf-leaf pairs at 2 (20): L = (10 + 40) / 30.
        let star = try Graph(nodeCount: 6, pairs: (1...5).map { (0, $0) })
        #expect(star.averageClustering() == 0 && star.transitivity() == 0)
        #expect(close(star.pathLengths().characteristicPathLength, 5.0 / 3.0, 1e-15))
        let degrees = star.degreeStatistics()
        #expect(degrees.histogram == [0, 5, 0, 0, 0, 1] && degrees.mean == 10.0 / 6.0)
        #expect(close(degrees.standardDeviation, (5.0 / 6.0 * (1 - 5.0 / 3) * (1 - 5.0 / 3) + 1.0 / 6.0 * (5 - 5.0 / 3) * (5 - 5.0 / 3)).squareRoot(), 1e-15))

        // Path 0-1-2-3-4: L = (n+1)/3 = 2; with weights 1, 2, 3, 4 the ordered-pair sum is
        // 2 x (1+2+3+4 + 3+5+7 + 6+9 + 10) = 100 over 20 pairs.
        let path = try Graph(nodeCount: 5, edges: (0..<4).map { Edge($0, $0 + 1, weight: Double($0 + 1)) })
        #expect(path.averageClustering() == 0)
        #expect(path.pathLengths().characteristicPathLength == 2)
        #expect(path.pathLengths(metric: .weights).characteristicPathLength == 5)
        #expect(path.pathLengths(metric: .weights).diameter == 10)
        #expect(path.shortestDistances(from: 4, metric: .weights) == [10, 9, 7, 4, 0])
    }

    @Test func weightedShortestPathsPreferTheLighterDetour() throws {
        // 0-1 weighs 10, the detour 0-2-1 weighs 3 + 4.
        let graph = try Graph(nodeCount: 3, edges: [Edge(0, 1, weight: 10), Edge(0, 2, weight: 3), Edge(2, 1, weight: 4)])
        #expect(graph.shortestDistances(from: 0, metric: .weights) == [0, 7, 3])
        #expect(graph.shortestDistances(from: 0) == [0, 1, 1])
    }

    @Test func disconnectedGraphsAreMeasuredPerComponentAndByEfficiency() throws {
        // Two triangles and an isolated node: 12 of 42 ordered pairs connected, all at 1.
        let graph = try Graph(nodeCount: 7, pairs: [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)])
        let paths = graph.pathLengths()
        #expect(paths.componentCount == 3 && !paths.isConnected)
        #expect(paths.characteristicPathLength == 1)
        #expect(close(paths.connectedPairFraction, 12.0 / 42.0, 1e-15))
        #expect(close(paths.globalEfficiency, 12.0 / 42.0, 1e-15))
        #expect(close(paths.harmonicPathLength, 3.5, 1e-14))
        #expect(graph.connectedComponents() == [[0, 1, 2], [3, 4, 5], [6]])
        #expect(graph.shortestDistances(from: 0)[3] == .infinity)
        let empty = try Graph(nodeCount: 3, edges: [])
        #expect(empty.pathLengths().characteristicPathLength.isNaN && empty.pathLengths().globalEfficiency == 0)
    }

    @Test func invalidGraphsAreRefused() {
        #expect(throws: SmallWorldError.nodeOutOfRange(edge: 1, node: 3, nodeCount: 3)) {
            try Graph(nodeCount: 3, pairs: [(0, 1), (1, 3)])
        }
        #expect(throws: SmallWorldError.selfLoop(edge: 0, node: 2)) { try Graph(nodeCount: 3, pairs: [(2, 2)]) }
        #expect(throws: SmallWorldError.duplicateEdge(edge: 1, firstEdge: 0)) { try Graph(nodeCount: 3, pairs: [(0, 1), (1, 0)]) }
        #expect(throws: SmallWorldError.self) { try Graph(nodeCount: 2, edges: [Edge(0, 1, weight: 0)]) }
        #expect(throws: SmallWorldError.self) { try Graph(nodeCount: 2, edges: [Edge(0, 1, weight: .nan)]) }
    }

    @Test func edgeLookupAndInducedSubgraph() throws {
        let karate = try Fixture.karate()
        #expect(karate.edgeIndex(between: 33, and: 32) == 77)
        #expect(karate.edgeIndex(between: 0, and: 1) == 0)
        #expect(karate.edgeIndex(between: 0, and: 33) == nil)
        let sub = karate.inducedSubgraph([0, 1, 2, 3])
        #expect(sub.nodeCount == 4 && sub.edgeCount == 6)  // members 1-4 form a clique
    }
}

import Testing
@testable import SmallWorld

/// A 6-node network worked by hand.
///
///     cluster A: 0 (0,0), 1 (2,0), 2 (1,2)    triangle, hull area 2
///     cluster B: 3 (10,0), 4 (12,0), 5 (12,2) path 3-4-5, hull area 2
///     edges: e0 0-1 (100), e1 1-2 (200), e2 0-2 (300), e3 3-4 (60), e4 4-5 (90),
///            long-range e5 1-3 (400), e6 2-5 (100)
///
/// With no hull buffer: D(A) = 600/2 = 300, D(B) = 150/2 = 75; kappa(A) = 1,
/// kappa(B) = 2*2/(3*2) = 2/3. With the default weights and D_ref = 300:
/// U_A = 0.5*1 + 0.5*1 = 1, U_B = 0.5*0.25 + 0.5*2/3 = 0.4583333; F_ref = 400:
/// U_e5 = 1, U_e6 = 0.25.
enum SixNodes {
    static let graph = try! Graph(nodeCount: 6, pairs: [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (1, 3), (2, 5)])
    static let coordinates = [(0.0, 0.0), (2, 0), (1, 2), (10, 0), (12, 0), (12, 2)].map { PlanarPoint(x: $0.0, y: $0.1) }
    static let flows: [Double] = [100, 200, 300, 60, 90, 400, 100]
    static let labels = [0, 0, 0, 1, 1, 1]

    static func model(_ parameters: UtilityParameters = UtilityParameters()) throws -> ClusterModel {
        try ClusterModel(graph: graph, coordinates: coordinates, flows: flows, clusters: .given(labels),
                         area: .bufferedHull(buffer: 0), parameters: parameters)
    }
}

@Suite struct ClusterModelTests {
    @Test func densityConnectivityAndUtilityByHand() throws {
        let model = try SixNodes.model(UtilityParameters(lambda: 2))
        let a = model.clusters[0], b = model.clusters[1]
        #expect(a.nodes == [0, 1, 2] && a.internalEdges == [0, 1, 2] && a.internalFlow == 600)
        #expect(b.nodes == [3, 4, 5] && b.internalEdges == [3, 4] && b.internalFlow == 150)
        #expect(close(a.area, 2, 1e-14) && close(b.area, 2, 1e-14))
        #expect(close(a.density, 300, 1e-12) && close(b.density, 75, 1e-12))
        #expect(a.connectivity == 1 && close(b.connectivity, 2.0 / 3.0, 1e-15))
        #expect(close(a.utility, 1, 1e-15) && close(b.utility, 0.125 + 1.0 / 3.0, 1e-15))
        #expect(model.longRangeLinks.map(\.edge) == [5, 6])
        #expect(model.longRangeLinks.map(\.utility) == [1, 0.25])
        #expect(model.clusterPairs == [ClusterPair(firstCluster: 0, secondCluster: 1, links: [5, 6], totalFlow: 500)])
        #expect(model.role(ofEdge: 4) == .intraCluster(1) && model.role(ofEdge: 6) == .longRange(1))

        // Z2 = lambda (U_A + U_B + U_e6) for stations on e0, e1 (A, once), e3 (B), e6.
        #expect(close(model.utility(stationEdges: [0, 1, 3, 6]), 2 * (1 + 0.125 + 1.0 / 3.0 + 0.25), 1e-14))
        #expect(model.utility(stationEdges: []) == 0)
        #expect(model.utility(stationEdges: [5]) == 2)
        #expect(model.utility(stationEdges: [5, 5, 5]) == 2)  // repeats count once
        let assessment = model.assess(stationEdges: [0, 1, 3, 6])
        #expect(assessment.clusterStations == 3 && assessment.clustersServed == 2 && assessment.longRangeStations == 1)
        #expect(assessment.coveredDensityShare == 1)
        #expect(close(model.assess(stationEdges: [3]).coveredDensityShare, 75.0 / 375.0, 1e-15))
    }

    @Test func fixedScalesKeepUtilitiesComparableAcrossFlows() throws {
        let model = try SixNodes.model(UtilityParameters(densityScale: 600, flowScale: 800))
        #expect(close(model.clusters[0].utility, 0.5 * 0.5 + 0.5, 1e-15))
        #expect(model.longRangeLinks.map(\.utility) == [0.5, 0.125])
    }

    @Test func bufferedHullAreaFollowsSteinersFormula() throws {
        // Triangle A grown by 1: 2 + perimeter (2 + 2 sqrt 5) + pi.
        let model = try ClusterModel(graph: SixNodes.graph, coordinates: SixNodes.coordinates, flows: SixNodes.flows,
                                     clusters: .given(SixNodes.labels), area: .bufferedHull(buffer: 1))
        #expect(close(model.clusters[0].area, 2 + 2 + 2 * 5.0.squareRoot() + .pi, 1e-12))
        // A segment of length 4 grown by 1 is a stadium: 2 x 4 + pi.
        let segment = [PlanarPoint(x: 0, y: 0), PlanarPoint(x: 4, y: 0), PlanarPoint(x: 2, y: 0)]
        #expect(close(ConvexHull.bufferedArea(of: segment, radius: 1), 8 + .pi, 1e-14))
        #expect(ConvexHull.vertices(of: segment).count == 2)
        let square = [(0.0, 0.0), (3, 0), (3, 3), (0, 3), (1, 1), (2, 1)].map { PlanarPoint(x: $0.0, y: $0.1) }
        #expect(ConvexHull.area(of: square) == 9 && ConvexHull.perimeter(of: square) == 12)
        // Default buffer: half the median straight-line edge length.
        let automatic = try ClusterModel(graph: SixNodes.graph, coordinates: SixNodes.coordinates, flows: SixNodes.flows,
                                         clusters: .given(SixNodes.labels))
        // Lengths: 2, sqrt5, sqrt5, 2, 2, 8, sqrt 104 -> median sqrt 5.
        #expect(close(try #require(automatic.areaBuffer), 5.0.squareRoot() / 2, 1e-15))
    }

    @Test func constraintsFlagExactlyTheViolatingPlans() throws {
        // theta_D = 100 leaves B out of the local clusters, the flow threshold 150 rules out
        // e6, M = 1, N = 1, P = 0.9 needs a station in A (A carries all local density).
        let parameters = UtilityParameters(densityThreshold: 100, flowThreshold: 150, maxClusterStations: 1,
                                           maxLongRangeStations: 1, coverageShare: 0.9)
        let model = try SixNodes.model(parameters)
        var feasible: [[Int]] = []
        for mask in 0..<(1 << 7) {
            let stations = (0..<7).filter { mask & (1 << $0) != 0 }
            let inA = stations.filter { $0 <= 2 }.count, inB = stations.filter { $0 == 3 || $0 == 4 }.count
            let longRange = stations.filter { $0 >= 5 }.count
            let expected = UtilityViolations(
                sparseClustersWithStation: inB > 0 ? 1 : 0,
                weakLinksWithStation: stations.contains(6) ? 1 : 0,
                clusterStationExcess: max(0, inA + inB - 1),
                longRangeStationExcess: max(0, longRange - 1),
                coverageShortfall: inA > 0 ? 0 : 0.9)
            let got = model.violations(stationEdges: stations)
            #expect(got == expected, "stations \(stations)")
            if got.isFeasible { feasible.append(stations) }
        }
        let expectedFeasible: [[Int]] = [[0], [1], [2], [0, 5], [1, 5], [2, 5]]  // in mask order
        #expect(feasible == expectedFeasible)
        #expect(model.violations(stationEdges: [0, 3, 6]).total == 1 + 1 + 1)
    }

    @Test func louvainClustersFromFlows() throws {
        // Two triangles joined by a light bridge: Louvain on the flows separates them.
        let graph = try Graph(nodeCount: 6, pairs: [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
        let coordinates = (0..<6).map { PlanarPoint(x: Double($0), y: Double($0 % 2)) }
        let model = try ClusterModel(graph: graph, coordinates: coordinates, flows: [5, 5, 5, 5, 5, 5, 1],
                                     clusters: .louvain(resolution: 1))
        #expect(model.labels == [0, 0, 0, 1, 1, 1])
        #expect(model.longRangeLinks.map(\.edge) == [6])
        // Without flow the topology decides, with the same result here.
        let unloaded = try ClusterModel(graph: graph, coordinates: coordinates, flows: [Double](repeating: 0, count: 7),
                                        clusters: .louvain(resolution: 1))
        #expect(unloaded.labels == [0, 0, 0, 1, 1, 1])
        #expect(close(unloaded.modularity, 5.0 / 14.0, 1e-15))  // 2 (3/7 - (7/14)^2)
    }

    @Test func badInputsAreRefused() throws {
        let g = SixNodes.graph, xy = SixNodes.coordinates, x = SixNodes.flows
        #expect(throws: SmallWorldError.self) { try ClusterModel(graph: g, coordinates: xy, flows: x, clusters: .given([0, 0, 0, 2, 2, 2])) }
        #expect(throws: SmallWorldError.self) { try ClusterModel(graph: g, coordinates: xy, flows: x, clusters: .given([0, 0, 0, 1, 1])) }
        #expect(throws: SmallWorldError.self) { try ClusterModel(graph: g, coordinates: xy, flows: [1, 2], clusters: .given(SixNodes.labels)) }
        #expect(throws: SmallWorldError.self) {
            try ClusterModel(graph: g, coordinates: xy, flows: x.map { -$0 }, clusters: .given(SixNodes.labels))
        }
        #expect(throws: SmallWorldError.zeroArea(cluster: 1)) {
            try ClusterModel(graph: g, coordinates: xy, flows: x, clusters: .given([0, 0, 0, 1, 1, 2]), area: .bufferedHull(buffer: 0))
        }
        #expect(throws: SmallWorldError.self) {
            try ClusterModel(graph: g, coordinates: xy, flows: x, clusters: .given(SixNodes.labels), area: .given([1]))
        }
        #expect(throws: SmallWorldError.self) { try SixNodes.model(UtilityParameters(coverageShare: 1.5)) }
        #expect(throws: SmallWorldError.self) { try SixNodes.model(UtilityParameters(maxClusterStations: -1)) }
        // Given areas replace the hull.
        let given = try ClusterModel(graph: g, coordinates: xy, flows: x, clusters: .given(SixNodes.labels), area: .given([6, 3]))
        #expect(given.clusters.map(\.density) == [100, 50] && given.areaBuffer == nil)
    }

    @Test func longRangeTravelTimesBeforeAndAfter() throws {
        let model = try SixNodes.model()
        var times = [Double](repeating: 10, count: 7), flows = SixNodes.flows
        times[5] = 40; times[6] = 50
        let before = LinkConditions(travelTimes: times, flows: flows)
        times[5] = 30
        flows[5] = 300; flows[6] = 200
        let after = LinkConditions(travelTimes: times, flows: flows)
        // Before: (400*40 + 100*50)/500 = 42; after: (300*30 + 200*50)/500 = 38.
        let table = try model.compareLongRangeTravelTimes(before: before, after: after)
        #expect(table.count == 1)
        #expect(close(table[0].before, 42, 1e-12) && close(table[0].after, 38, 1e-12))
        #expect(close(table[0].improvementPercent, 4.0 / 42.0 * 100, 1e-12))
        // No flow on the pair: the plain mean of its link times.
        let idle = LinkConditions(travelTimes: times, flows: [Double](repeating: 0, count: 7))
        #expect(try model.longRangeTravelTimes(idle)[0].averageTravelTime == 40)
        #expect(throws: SmallWorldError.self) { try model.longRangeTravelTimes(LinkConditions(travelTimes: [1], flows: flows)) }
    }

    @Test func interClusterTravelTimesCoverPairsWithoutDirectLinks() throws {
        let model = try SixNodes.model()
        var times = [Double](repeating: 10, count: 7)
        times[5] = 40; times[6] = 50
        var demand = [[Double]](repeating: [Double](repeating: 0, count: 6), count: 6)
        demand[0][3] = 10  // 0-1-3: 50
        demand[4][2] = 10  // 2-5-4 or 2-1-3-4: 60
        let before = try model.interClusterTravelTimes(travelTimes: times, demand: demand)
        #expect(before.count == 1 && before[0].demand == 20 && close(before[0].averageTravelTime, 55, 1e-12))
        var faster = times
        faster[5] = 30  // 0-1-3: 40, 2-1-3-4: 50
        let table = try model.compareInterClusterTravelTimes(before: times, after: faster, demand: demand)
        #expect(close(table[0].after, 45, 1e-12) && close(table[0].improvementPercent, 10.0 / 55.0 * 100, 1e-12))
        // No demand: the plain mean over the 9 node pairs, 480 / 9 (worked by hand).
        let none = [[Double]](repeating: [Double](repeating: 0, count: 6), count: 6)
        #expect(close(try model.interClusterTravelTimes(travelTimes: times, demand: none)[0].averageTravelTime, 480.0 / 9.0, 1e-12))
        // Four clusters give all six pairs, linked directly or not.
        let four = try ClusterModel(graph: SixNodes.graph, coordinates: SixNodes.coordinates, flows: SixNodes.flows,
                                    clusters: .given([0, 1, 1, 2, 3, 3]))
        let pairs = try four.interClusterTravelTimes(travelTimes: times, demand: none)
        #expect(pairs.map { [$0.firstCluster, $0.secondCluster] } == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])
        #expect(four.clusterPairs.count < 6)
    }
}

import Testing
@testable import SmallWorld

@Suite struct ServiceMetricsTests {
    /// Path 0 -2- 1 -4- 2 -6- 3 -8- 4 (edge lengths 2, 4, 6, 8); trips 0->4 (10) and 1->2 (5),
    /// so the node weights are 10, 5, 5, 0, 10.
    static func path() throws -> StationAccessModel {
        let graph = try Graph(nodeCount: 5, edges: [Edge(0, 1, weight: 2), Edge(1, 2, weight: 4),
                                                    Edge(2, 3, weight: 6), Edge(3, 4, weight: 8)])
        var demand = [[Double]](repeating: [Double](repeating: 0, count: 5), count: 5)
        demand[0][4] = 10
        demand[1][2] = 5
        return try StationAccessModel(graph: graph, demand: demand)
    }

    @Test func distanceToNearestStationOnAPathByHand() throws {
        let model = try Self.path()
        #expect(model.nodeWeights == [10, 5, 5, 0, 10])
        // A station mid-way along 1-2 (2 from both): 4, 2, 2, 6 + 2, 8 + 6 + 2.
        #expect(model.distancesToNearestStation(stationEdges: [1]) == [4, 2, 2, 8, 16])
        // (10*4 + 5*2 + 5*2 + 10*16) / 30.
        #expect(close(model.averageDistanceToNearestStation(stationEdges: [1]), 220.0 / 30.0, 1e-14))
        // A second station mid-way along 3-4 serves nodes 3 and 4 at 4.
        #expect(model.distancesToNearestStation(stationEdges: [1, 3]) == [4, 2, 2, 4, 4])
        #expect(close(model.averageDistanceToNearestStation(stationEdges: [1, 3]), 100.0 / 30.0, 1e-14))
        #expect(model.averageDistanceToNearestStation(stationEdges: []) == .infinity)
    }

    @Test func lengthsOverrideWeightsAndZeroDemandCountsNodesEqually() throws {
        let graph = try Graph(nodeCount: 3, pairs: [(0, 1), (1, 2)])
        let zero = [[Double]](repeating: [0, 0, 0], count: 3)
        let model = try StationAccessModel(graph: graph, lengths: [10, 20], demand: zero)
        // Station on 0-1 (midpoint 5 from each end): 5, 5, 25.
        #expect(model.averageDistanceToNearestStation(stationEdges: [0]) == 35.0 / 3.0)
        #expect(throws: SmallWorldError.self) { try StationAccessModel(graph: graph, lengths: [10, 0], demand: zero) }
        #expect(throws: SmallWorldError.self) { try StationAccessModel(graph: graph, demand: [[0, 0, 0]]) }
        #expect(throws: SmallWorldError.self) { try StationAccessModel(graph: graph, demand: [[0, 0, 0], [0, -1, 0], [0, 0, 0]]) }
    }

    @Test func unreachableDemandMakesTheAverageInfinite() throws {
        let graph = try Graph(nodeCount: 4, pairs: [(0, 1), (2, 3)])
        var demand = [[Double]](repeating: [0, 0, 0, 0], count: 4)
        demand[0][1] = 1
        let model = try StationAccessModel(graph: graph, demand: demand)
        #expect(model.averageDistanceToNearestStation(stationEdges: [0]) == 0.5)  // nodes 2, 3 carry no demand
        demand[2][3] = 1
        let both = try StationAccessModel(graph: graph, demand: demand)
        #expect(both.averageDistanceToNearestStation(stationEdges: [0]) == .infinity)
    }
}

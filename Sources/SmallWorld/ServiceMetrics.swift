/// Distance from each node to its nearest station along the network (seed 003 Fig. 7).
///
/// A station sits at the midpoint of its edge (u, v) of length w, so node i reaches it in
/// min(d(i, u), d(i, v)) + w / 2. All of those are precomputed per (edge, node); a station
/// set then costs O(stations x nodes).
public struct StationAccessModel: Sendable {
    /// The network.
    public let graph: Graph
    /// Edge lengths used for distances.
    public let lengths: [Double]
    /// w_i = trips starting or ending at node i: sum_j q_ij + sum_j q_ji.
    public let nodeWeights: [Double]
    /// Flat `[edge * nodeCount + node]` distance from node to the edge's midpoint.
    private let midpointDistance: [Double]

    /// - Parameters:
    ///   - lengths: one positive length per edge (default: the graph's weights).
    ///   - demand: the node x node trip matrix (any non-negative unit, e.g. veh/h).
    /// - Throws: `SmallWorldError` for a wrong size or a negative or non-finite entry.
    public init(graph: Graph, lengths: [Double]? = nil, demand: [[Double]]) throws {
        let n = graph.nodeCount
        let lengths = try lengths.map { given in
            guard given.count == graph.edgeCount else {
                throw SmallWorldError.countMismatch(what: "edge lengths", expected: graph.edgeCount, got: given.count)
            }
            for (index, value) in given.enumerated() where !(value.isFinite && value > 0) {
                throw SmallWorldError.invalidValue(what: "length of edge", index: index, value: value,
                                                   expected: "a positive finite number")
            }
            return given
        } ?? graph.edges.map(\.weight)
        guard demand.count == n else { throw SmallWorldError.countMismatch(what: "demand rows", expected: n, got: demand.count) }
        var weights = [Double](repeating: 0, count: n)
        for (i, row) in demand.enumerated() {
            guard row.count == n else {
                throw SmallWorldError.countMismatch(what: "demand row \(i)", expected: n, got: row.count)
            }
            for (j, q) in row.enumerated() {
                guard q.isFinite && q >= 0 else {
                    throw SmallWorldError.invalidValue(what: "demand from node \(i) to node", index: j, value: q,
                                                       expected: "a non-negative finite number")
                }
                weights[i] += q
                weights[j] += q
            }
        }
        let lengthGraph = Graph(validatedNodeCount: n, edges: zip(graph.edges, lengths).map { Edge($0.u, $0.v, weight: $1) })
        let distances = lengthGraph.distanceMatrix(metric: .weights)
        var midpoint = [Double](repeating: .infinity, count: graph.edgeCount * n)
        for (index, edge) in graph.edges.enumerated() {
            for i in 0..<n {
                midpoint[index * n + i] = Swift.min(distances[i][edge.u], distances[i][edge.v]) + lengths[index] / 2
            }
        }
        self.graph = graph
        self.lengths = lengths
        self.nodeWeights = weights
        self.midpointDistance = midpoint
    }

    /// Each node's distance to the nearest station on `stationEdges`; infinity for a node
    /// that reaches none (every node, when there are no stations).
    public func distancesToNearestStation(stationEdges: some Sequence<Int>) -> [Double] {
        let n = graph.nodeCount
        var nearest = [Double](repeating: .infinity, count: n)
        for edge in stationEdges {
            precondition(edge >= 0 && edge < graph.edgeCount, "station edge \(edge) outside 0..<\(graph.edgeCount)")
            let row = edge * n
            for i in 0..<n where midpointDistance[row + i] < nearest[i] { nearest[i] = midpointDistance[row + i] }
        }
        return nearest
    }

    /// The demand-weighted mean distance to the nearest station, sum_i w_i d_i / sum_i w_i.
    /// Nodes without demand do not count; with no demand at all every node counts equally.
    /// Infinity when a node that counts reaches no station.
    public func averageDistanceToNearestStation(stationEdges: some Sequence<Int>) -> Double {
        let nearest = distancesToNearestStation(stationEdges: stationEdges)
        let totalWeight = nodeWeights.reduce(0, +)
        guard !nearest.isEmpty else { return .nan }
        if totalWeight == 0 { return nearest.reduce(0, +) / Double(nearest.count) }
        var sum = 0.0
        for (i, d) in nearest.enumerated() where nodeWeights[i] > 0 { sum += nodeWeights[i] * d }
        return sum / totalWeight
    }
}

/// Link travel times and flows of one network state (per undirected edge).
public struct LinkConditions: Hashable, Sendable {
    /// Travel time of each edge (e.g. minutes; for a two-way road, the flow-weighted mean of
    /// its two directions).
    public var travelTimes: [Double]
    /// Flow of each edge, weighting the average; both directions summed.
    public var flows: [Double]

    /// Conditions from per-edge times and flows.
    public init(travelTimes: [Double], flows: [Double]) {
        self.travelTimes = travelTimes
        self.flows = flows
    }
}

/// The average travel time (ATT) on the long-range links between two clusters.
public struct ClusterPairTravelTime: Hashable, Sendable {
    /// The lower cluster label.
    public var firstCluster: Int
    /// The higher cluster label.
    public var secondCluster: Int
    /// sum_l x_l t_l / sum_l x_l over the pair's links (their plain mean when no flow).
    public var averageTravelTime: Double
    /// sum_l x_l over the pair's links.
    public var flow: Double
}

/// ATT on one cluster pair before and after a plan (seed 003 Table III).
public struct TravelTimeComparison: Hashable, Sendable {
    /// The lower cluster label.
    public var firstCluster: Int
    /// The higher cluster label.
    public var secondCluster: Int
    /// ATT in the base state.
    public var before: Double
    /// ATT with the plan.
    public var after: Double
    /// (before - after) / before x 100: positive when the plan is faster.
    public var improvementPercent: Double
}

extension ClusterModel {
    /// ATT per cluster pair on its long-range links, in `clusterPairs` order.
    public func longRangeTravelTimes(_ conditions: LinkConditions) throws -> [ClusterPairTravelTime] {
        for (what, values) in [("travel times", conditions.travelTimes), ("flows", conditions.flows)] {
            guard values.count == graph.edgeCount else {
                throw SmallWorldError.countMismatch(what: "link \(what)", expected: graph.edgeCount, got: values.count)
            }
            for (index, value) in values.enumerated() where !(value.isFinite && value >= 0) {
                throw SmallWorldError.invalidValue(what: "link \(what) of edge", index: index, value: value,
                                                   expected: "a non-negative finite number")
            }
        }
        return clusterPairs.map { pair in
            let flow = pair.links.reduce(0) { $0 + conditions.flows[$1] }
            let average = flow > 0
                ? pair.links.reduce(0) { $0 + conditions.flows[$1] * conditions.travelTimes[$1] } / flow
                : pair.links.reduce(0) { $0 + conditions.travelTimes[$1] } / Double(pair.links.count)
            return ClusterPairTravelTime(firstCluster: pair.firstCluster, secondCluster: pair.secondCluster,
                                         averageTravelTime: average, flow: flow)
        }
    }

    /// ATT per cluster pair before and after a plan, with the improvement in percent.
    public func compareLongRangeTravelTimes(before: LinkConditions, after: LinkConditions) throws -> [TravelTimeComparison] {
        let base = try longRangeTravelTimes(before), plan = try longRangeTravelTimes(after)
        return zip(base, plan).map { b, a in
            TravelTimeComparison(firstCluster: b.firstCluster, secondCluster: b.secondCluster,
                                 before: b.averageTravelTime, after: a.averageTravelTime,
                                 improvementPercent: b.averageTravelTime > 0
                                     ? (b.averageTravelTime - a.averageTravelTime) / b.averageTravelTime * 100 : 0)
        }
    }
}

/// The average travel time between the nodes of two clusters along the network.
public struct InterClusterTravelTime: Hashable, Sendable {
    /// The lower cluster label.
    public var firstCluster: Int
    /// The higher cluster label.
    public var secondCluster: Int
    /// sum (q_ij + q_ji) T_ij / sum (q_ij + q_ji) over i in the first cluster and j in the
    /// second, T the shortest travel time; the plain mean over node pairs when no demand.
    public var averageTravelTime: Double
    /// sum (q_ij + q_ji) over those node pairs.
    public var demand: Double
}

extension ClusterModel {
    /// ATT between every pair of clusters, whether or not a link joins them directly:
    /// the demand-weighted mean shortest-path travel time between their nodes on link
    /// times `travelTimes`. With user-equilibrium link times every used route takes the
    /// shortest time, so this is the travel time the trips between the clusters see.
    /// Pairs come as (0,1), (0,2), ..., (K-2,K-1); infinity where no path exists.
    public func interClusterTravelTimes(travelTimes: [Double], demand: [[Double]]) throws -> [InterClusterTravelTime] {
        let n = graph.nodeCount
        guard travelTimes.count == graph.edgeCount else {
            throw SmallWorldError.countMismatch(what: "link travel times", expected: graph.edgeCount, got: travelTimes.count)
        }
        for (index, value) in travelTimes.enumerated() where !(value.isFinite && value >= 0) {
            throw SmallWorldError.invalidValue(what: "link travel time of edge", index: index, value: value,
                                               expected: "a non-negative finite number")
        }
        guard demand.count == n else { throw SmallWorldError.countMismatch(what: "demand rows", expected: n, got: demand.count) }
        for (i, row) in demand.enumerated() {
            guard row.count == n else { throw SmallWorldError.countMismatch(what: "demand row \(i)", expected: n, got: row.count) }
            for (j, q) in row.enumerated() where !(q.isFinite && q >= 0) {
                throw SmallWorldError.invalidValue(what: "demand from node \(i) to node", index: j, value: q,
                                                   expected: "a non-negative finite number")
            }
        }
        let timed = Graph(validatedNodeCount: n, edges: zip(graph.edges, travelTimes).map { Edge($0.u, $0.v, weight: $1) })
        let time = timed.distanceMatrix(metric: .weights)
        var result: [InterClusterTravelTime] = []
        for a in clusters.indices {
            for b in clusters.indices where b > a {
                var weighted = 0.0, weight = 0.0, plain = 0.0, pairs = 0.0
                for i in clusters[a].nodes {
                    for j in clusters[b].nodes {
                        let q = demand[i][j] + demand[j][i]
                        let t = time[i][j]
                        if q > 0 { weighted += q * t; weight += q }
                        plain += t
                        pairs += 1
                    }
                }
                result.append(InterClusterTravelTime(firstCluster: a, secondCluster: b,
                                                     averageTravelTime: weight > 0 ? weighted / weight : plain / pairs,
                                                     demand: weight))
            }
        }
        return result
    }

    /// Inter-cluster ATT before and after a plan on the same demand (seed 003 Table III).
    public func compareInterClusterTravelTimes(before: [Double], after: [Double], demand: [[Double]]) throws -> [TravelTimeComparison] {
        let base = try interClusterTravelTimes(travelTimes: before, demand: demand)
        let plan = try interClusterTravelTimes(travelTimes: after, demand: demand)
        return zip(base, plan).map { b, a in
            TravelTimeComparison(firstCluster: b.firstCluster, secondCluster: b.secondCluster,
                                 before: b.averageTravelTime, after: a.averageTravelTime,
                                 improvementPercent: b.averageTravelTime > 0 && b.averageTravelTime.isFinite
                                     ? (b.averageTravelTime - a.averageTravelTime) / b.averageTravelTime * 100 : 0)
        }
    }
}

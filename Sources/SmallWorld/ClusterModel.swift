/// Where a cluster model's partition comes from.
public enum ClusterSource: Hashable, Sendable {
    /// `labels[v]` = the cluster of node v; labels must be 0..<K with every cluster non-empty.
    case given([Int])
    /// Deterministic Louvain on the flow-weighted graph at this resolution (1 = standard
    /// modularity). When every flow is 0 the topology (unit weights) is used instead.
    case louvain(resolution: Double)
}

/// How the area of a cluster is obtained.
public enum AreaRule: Hashable, Sendable {
    /// The convex hull of the cluster's node coordinates grown by `buffer` in every direction
    /// (area A + P r + pi r^2). The buffer is the catchment around each node, and it keeps the
    /// area of one- and two-node clusters positive. nil = half the median Euclidean length
    /// of the graph's edges.
    case bufferedHull(buffer: Double?)
    /// The area of each cluster, in cluster order.
    case given([Double])
}

/// One local cluster c of the traffic network.
public struct Cluster: Hashable, Sendable {
    /// The cluster's label.
    public var index: Int
    /// Its nodes, ascending.
    public var nodes: [Int]
    /// The edges with both ends in the cluster, ascending.
    public var internalEdges: [Int]
    /// sum of x_a over the internal edges.
    public var internalFlow: Double
    /// Area(c), in coordinate units squared.
    public var area: Double
    /// D(c) = internalFlow / area.
    public var density: Double
    /// kappa(c) = 2 |E_c| / (|c| (|c| - 1)); 0 for a one-node cluster.
    public var connectivity: Double
    /// D(c) >= theta_D: the cluster belongs to the set of local clusters and may hold stations.
    public var isLocal: Bool
    /// U_c = w_D D(c) / D_ref + w_kappa kappa(c).
    public var utility: Double
}

/// A long-range connection: an edge whose ends lie in two different clusters.
public struct LongRangeLink: Hashable, Sendable {
    /// The edge index.
    public var edge: Int
    /// The lower of the two cluster labels.
    public var firstCluster: Int
    /// The higher of the two cluster labels.
    public var secondCluster: Int
    /// x_l, the link's flow.
    public var flow: Double
    /// x_l >= the flow threshold: the link may hold a station.
    public var meetsFlowThreshold: Bool
    /// U_l = w_F x_l / F_ref.
    public var utility: Double
}

/// All long-range links between one pair of clusters.
public struct ClusterPair: Hashable, Sendable {
    /// The lower cluster label.
    public var firstCluster: Int
    /// The higher cluster label.
    public var secondCluster: Int
    /// The edges joining them, ascending.
    public var links: [Int]
    /// The sum of their flows.
    public var totalFlow: Double
}

/// What an edge is in the cluster model.
public enum EdgeRole: Hashable, Sendable {
    /// Both ends in this cluster.
    case intraCluster(Int)
    /// Index into `longRangeLinks`.
    case longRange(Int)
}

/// The constraint violations of a station set (zero everywhere when it is feasible).
public struct UtilityViolations: Hashable, Sendable {
    /// Eq 39: clusters holding a station whose density is below theta_D.
    public var sparseClustersWithStation: Int
    /// Eq 40: long-range links holding a station whose flow is below the flow threshold.
    public var weakLinksWithStation: Int
    /// Eq 41: stations on intra-cluster links beyond M.
    public var clusterStationExcess: Int
    /// Eq 42: stations on long-range links beyond N.
    public var longRangeStationExcess: Int
    /// Eq 37: P minus the density share covered, when positive.
    public var coverageShortfall: Double

    /// True when nothing is violated.
    public var isFeasible: Bool {
        sparseClustersWithStation == 0 && weakLinksWithStation == 0 && clusterStationExcess == 0
            && longRangeStationExcess == 0 && coverageShortfall == 0
    }

    /// The sum of all terms (counts plus the shortfall share), for constraint domination.
    public var total: Double {
        Double(sparseClustersWithStation + weakLinksWithStation + clusterStationExcess + longRangeStationExcess)
            + coverageShortfall
    }
}

/// Z2 and everything behind it for one station set.
public struct StationAssessment: Hashable, Sendable {
    /// Z2 = lambda (sum_c U_c s_c + sum_l U_l s_l).
    public var utility: Double
    /// Stations on intra-cluster links.
    public var clusterStations: Int
    /// Clusters with at least one station (sum_c s_c).
    public var clustersServed: Int
    /// Stations on long-range links (sum_l s_l).
    public var longRangeStations: Int
    /// sum of D(c) s_c over local clusters / sum of D(c) over local clusters (1 when there are none).
    public var coveredDensityShare: Double
    /// The constraint violations.
    public var violations: UtilityViolations
}

/// The traffic-density cluster model of seed 003 section IV on one network and one flow
/// pattern: clusters with D and kappa, long-range links, and the utility Z2 of a station set.
///
/// Stations sit on edges (link midpoints). A station on an edge inside cluster c sets
/// s_c = 1; a station on a long-range link l sets s_l = 1. Everything a station set needs
/// is precomputed, so `utility(stationEdges:)` and `violations(stationEdges:)` cost
/// O(number of stations).
public struct ClusterModel: Sendable {
    /// The network.
    public let graph: Graph
    /// Node coordinates.
    public let coordinates: [PlanarPoint]
    /// x_a per edge.
    public let flows: [Double]
    /// The utility parameters.
    public let parameters: UtilityParameters
    /// `labels[v]` = cluster of node v.
    public let labels: [Int]
    /// The clusters, by label.
    public let clusters: [Cluster]
    /// The long-range links, in edge order.
    public let longRangeLinks: [LongRangeLink]
    /// The cluster pairs joined by at least one long-range link, by (first, second).
    public let clusterPairs: [ClusterPair]
    /// The modularity of the partition on the flows (unit weights when all flows are 0).
    public let modularity: Double
    /// The hull buffer used (nil when areas were given).
    public let areaBuffer: Double?

    /// Per edge: cluster label >= 0, or -(long-range index + 1).
    private let edgeRoles: [Int]
    private let clusterUtility: [Double]
    private let linkUtility: [Double]
    private let clusterIsLocal: [Bool]
    private let linkIsStrong: [Bool]
    private let coverableDensity: [Double]  // D(c) for local clusters, 0 otherwise
    private let totalLocalDensity: Double

    /// Builds the model.
    ///
    /// - Parameters:
    ///   - coordinates: one point per node.
    ///   - flows: x_a per edge (the flow on the undirected link: both directions summed).
    /// - Throws: `SmallWorldError` for a wrong count, a negative or non-finite value,
    ///   bad labels, bad parameters, or a cluster whose area is zero.
    public init(graph: Graph, coordinates: [PlanarPoint], flows: [Double], clusters source: ClusterSource,
                area rule: AreaRule = .bufferedHull(buffer: nil),
                parameters: UtilityParameters = UtilityParameters()) throws {
        try parameters.validate()
        let n = graph.nodeCount
        guard coordinates.count == n else {
            throw SmallWorldError.countMismatch(what: "coordinates", expected: n, got: coordinates.count)
        }
        for (index, point) in coordinates.enumerated() where !(point.x.isFinite && point.y.isFinite) {
            throw SmallWorldError.invalidValue(what: "coordinate of node", index: index,
                                               value: point.x.isFinite ? point.y : point.x, expected: "a finite number")
        }
        let flows = try Louvain.validatedWeights(graph, flows, what: "flow")
        let communityWeights = flows.contains { $0 > 0 } ? flows : [Double](repeating: 1, count: graph.edgeCount)

        let labels: [Int]
        switch source {
        case .given(let given):
            labels = try Self.validatedLabels(given, nodeCount: n)
        case .louvain(let resolution):
            labels = try Louvain.communities(of: graph, weights: communityWeights, resolution: resolution).labels
        }
        let clusterCount = (labels.max() ?? -1) + 1
        var members = [[Int]](repeating: [], count: clusterCount)
        for (node, label) in labels.enumerated() { members[label].append(node) }

        // Areas.
        let areas: [Double]
        switch rule {
        case .given(let given):
            guard given.count == clusterCount else {
                throw SmallWorldError.countMismatch(what: "cluster areas", expected: clusterCount, got: given.count)
            }
            for (index, value) in given.enumerated() where !(value.isFinite && value > 0) {
                throw SmallWorldError.invalidValue(what: "area of cluster", index: index, value: value,
                                                   expected: "a positive finite number")
            }
            areas = given
            areaBuffer = nil
        case .bufferedHull(let buffer):
            let radius = buffer ?? Self.halfMedianEdgeLength(graph, coordinates)
            guard radius.isFinite, radius >= 0 else {
                throw SmallWorldError.invalidParameter(name: "hull buffer", value: "\(radius)", expected: "a finite number >= 0")
            }
            areas = members.map { ConvexHull.bufferedArea(of: $0.map { coordinates[$0] }, radius: radius) }
            if let zero = areas.firstIndex(where: { !($0 > 0) }) { throw SmallWorldError.zeroArea(cluster: zero) }
            areaBuffer = radius
        }

        // Edges: inside a cluster or long-range.
        var internalEdges = [[Int]](repeating: [], count: clusterCount)
        var internalFlow = [Double](repeating: 0, count: clusterCount)
        var roles = [Int](repeating: 0, count: graph.edgeCount)
        var longRange: [(edge: Int, first: Int, second: Int)] = []
        for (index, edge) in graph.edges.enumerated() {
            let a = labels[edge.u], b = labels[edge.v]
            if a == b {
                internalEdges[a].append(index)
                internalFlow[a] += flows[index]
                roles[index] = a
            } else {
                roles[index] = -(longRange.count + 1)
                longRange.append((index, Swift.min(a, b), Swift.max(a, b)))
            }
        }

        // Clusters and their utility.
        let densities = (0..<clusterCount).map { internalFlow[$0] / areas[$0] }
        let densityScale = parameters.densityScale ?? (densities.max() ?? 0)
        var built: [Cluster] = []
        for c in 0..<clusterCount {
            let size = members[c].count
            let connectivity = size < 2 ? 0 : 2 * Double(internalEdges[c].count) / Double(size * (size - 1))
            let normalisedDensity = densityScale > 0 ? densities[c] / densityScale : 0
            built.append(Cluster(
                index: c, nodes: members[c], internalEdges: internalEdges[c], internalFlow: internalFlow[c],
                area: areas[c], density: densities[c], connectivity: connectivity,
                isLocal: densities[c] >= parameters.densityThreshold,
                utility: parameters.densityWeight * normalisedDensity + parameters.connectivityWeight * connectivity))
        }

        // Long-range links, their utility, and the pair table.
        let flowScale = parameters.flowScale ?? (longRange.map { flows[$0.edge] }.max() ?? 0)
        let links = longRange.map { link in
            LongRangeLink(edge: link.edge, firstCluster: link.first, secondCluster: link.second,
                          flow: flows[link.edge], meetsFlowThreshold: flows[link.edge] >= parameters.flowThreshold,
                          utility: flowScale > 0 ? parameters.flowWeight * flows[link.edge] / flowScale : 0)
        }
        var pairIndex: [Int: Int] = [:]
        var pairs: [ClusterPair] = []
        for link in links {
            let key = link.firstCluster * clusterCount + link.secondCluster
            if let at = pairIndex[key] {
                pairs[at].links.append(link.edge)
                pairs[at].totalFlow += link.flow
            } else {
                pairIndex[key] = pairs.count
                pairs.append(ClusterPair(firstCluster: link.firstCluster, secondCluster: link.secondCluster,
                                         links: [link.edge], totalFlow: link.flow))
            }
        }
        pairs.sort { ($0.firstCluster, $0.secondCluster) < ($1.firstCluster, $1.secondCluster) }

        self.graph = graph
        self.coordinates = coordinates
        self.flows = flows
        self.parameters = parameters
        self.labels = labels
        self.clusters = built
        self.longRangeLinks = links
        self.clusterPairs = pairs
        self.modularity = Louvain.modularity(graph, communityWeights, labels, 1)
        self.edgeRoles = roles
        self.clusterUtility = built.map(\.utility)
        self.linkUtility = links.map(\.utility)
        self.clusterIsLocal = built.map(\.isLocal)
        self.linkIsStrong = links.map(\.meetsFlowThreshold)
        self.coverableDensity = built.map { $0.isLocal ? $0.density : 0 }
        self.totalLocalDensity = coverableDensity.reduce(0, +)
    }

    /// Whether `edge` lies inside a cluster or is a long-range link.
    public func role(ofEdge edge: Int) -> EdgeRole {
        let role = edgeRoles[edge]
        return role >= 0 ? .intraCluster(role) : .longRange(-role - 1)
    }

    /// Z2 = lambda (sum_c U_c s_c + sum_l U_l s_l) for stations on `stationEdges`
    /// (edge indices; repeats count once).
    public func utility(stationEdges: some Sequence<Int>) -> Double {
        assess(stationEdges: stationEdges).utility
    }

    /// The constraint violations of stations on `stationEdges`.
    public func violations(stationEdges: some Sequence<Int>) -> UtilityViolations {
        assess(stationEdges: stationEdges).violations
    }

    /// Z2, the station counts and the violations in one pass over `stationEdges`.
    public func assess(stationEdges: some Sequence<Int>) -> StationAssessment {
        let edgeWords = (edgeRoles.count + 63) >> 6, clusterWords = (clusters.count + 63) >> 6
        // Stack scratch for the two bitsets: this runs once per plan evaluation.
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: edgeWords + clusterWords) { bits in
            bits.initialize(repeating: 0)
            return assess(stationEdges, seen: bits.baseAddress!, served: bits.baseAddress! + edgeWords)
        }
    }

    private func assess(_ stationEdges: some Sequence<Int>, seen: UnsafeMutablePointer<UInt64>,
                        served: UnsafeMutablePointer<UInt64>) -> StationAssessment {
        let edgeCount = edgeRoles.count
        var sum = 0.0, covered = 0.0
        var clusterStations = 0, clustersServed = 0, longRangeStations = 0
        var sparse = 0, weak = 0
        for edge in stationEdges {
            precondition(edge >= 0 && edge < edgeCount, "station edge \(edge) outside 0..<\(edgeCount)")
            let bit: UInt64 = 1 << UInt64(edge & 63)
            if seen[edge >> 6] & bit != 0 { continue }
            seen[edge >> 6] |= bit
            let role = edgeRoles[edge]
            if role >= 0 {
                clusterStations += 1
                let clusterBit: UInt64 = 1 << UInt64(role & 63)
                if served[role >> 6] & clusterBit == 0 {
                    served[role >> 6] |= clusterBit
                    clustersServed += 1
                    sum += clusterUtility[role]
                    covered += coverableDensity[role]
                    if !clusterIsLocal[role] { sparse += 1 }
                }
            } else {
                let link = -role - 1
                longRangeStations += 1
                sum += linkUtility[link]
                if !linkIsStrong[link] { weak += 1 }
            }
        }
        let share = totalLocalDensity > 0 ? covered / totalLocalDensity : 1
        let violations = UtilityViolations(
            sparseClustersWithStation: sparse,
            weakLinksWithStation: weak,
            clusterStationExcess: Swift.max(0, clusterStations - (parameters.maxClusterStations ?? .max)),
            longRangeStationExcess: Swift.max(0, longRangeStations - (parameters.maxLongRangeStations ?? .max)),
            coverageShortfall: Swift.max(0, parameters.coverageShare - share))
        return StationAssessment(utility: parameters.lambda * sum, clusterStations: clusterStations,
                                 clustersServed: clustersServed, longRangeStations: longRangeStations,
                                 coveredDensityShare: share, violations: violations)
    }

    static func validatedLabels(_ labels: [Int], nodeCount: Int) throws -> [Int] {
        guard labels.count == nodeCount else {
            throw SmallWorldError.countMismatch(what: "cluster labels", expected: nodeCount, got: labels.count)
        }
        if let bad = labels.firstIndex(where: { $0 < 0 }) {
            throw SmallWorldError.invalidClusterLabels("node \(bad) has label \(labels[bad]); expected a label >= 0")
        }
        let count = (labels.max() ?? -1) + 1
        var used = [Bool](repeating: false, count: count)
        for label in labels { used[label] = true }
        if let missing = used.firstIndex(of: false) {
            throw SmallWorldError.invalidClusterLabels("no node has label \(missing); expected labels 0..<\(count) with every cluster non-empty")
        }
        return labels
    }

    static func halfMedianEdgeLength(_ graph: Graph, _ coordinates: [PlanarPoint]) -> Double {
        let lengths = graph.edges.map { coordinates[$0.u].distance(to: coordinates[$0.v]) }.sorted()
        guard !lengths.isEmpty else { return 0 }
        let middle = lengths.count / 2
        let median = lengths.count % 2 == 1 ? lengths[middle] : (lengths[middle - 1] + lengths[middle]) / 2
        return median / 2
    }
}

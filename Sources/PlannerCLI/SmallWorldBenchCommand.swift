import ArgumentParser
import Foundation
import SmallWorld

/// `planner bench ...`: timing benchmarks (run them on a release build).
/// `planner bench smallworld`: timings of the SmallWorld metrics on the seed-003 12-node TN.
struct SmallWorldBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smallworld",
        abstract: "Time the small-world metrics, clusters, utility and service metrics on the 12-node TN.",
        discussion: """
            The network is the 20-link TN of seed 003 (Table I) with the node layout and road lengths \
            of the synthetic TN12 data. Its flows are a stand-in for the traffic module's: the gravity \
            demand P_o P_d / d_od (population weights of the TN12 data, total 50,189.2 veh/h) loaded \
            all-or-nothing on shortest road paths. Times are medians over batches, per call.
            """
    )

    @Option(help: "Timed batches per measurement (the median batch is reported).")
    var batches = 101

    @Option(help: "Random reference samples for sigma and omega.")
    var samples = 10

    @Option(help: "Seed of the sigma/omega references.")
    var seed: UInt64 = 1

    mutating func validate() throws {
        guard batches > 0 else { throw ValidationError("--batches must be positive") }
        guard samples > 0 else { throw ValidationError("--samples must be positive") }
    }

    mutating func run() throws {
        let network = try TN12()
        let graph = network.graph
        let model = try ClusterModel(graph: graph, coordinates: network.coordinates, flows: network.flows,
                                     clusters: .given(TN12.seedClusters))
        let access = try StationAccessModel(graph: graph, demand: network.demand)
        let before = LinkConditions(travelTimes: network.freeFlowMinutes, flows: network.flows)
        let after = LinkConditions(travelTimes: network.loadedMinutes, flows: network.flows)
        // 1024 random plans, each edge built with probability 1/2 (fixed LCG: no seed option needed).
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let plans: [[Int]] = (0..<1024).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (0..<graph.edgeCount).filter { (state >> UInt64(20 + $0)) & 1 == 1 }
        }

        print("SmallWorld benchmark: seed-003 TN, \(graph.nodeCount) nodes, \(graph.edgeCount) links")
        printValues(network, model, access, before, after)

        var sink = 0.0
        var rows: [(String, Double)] = []
        func time(_ name: String, inner: Int, _ body: (Int) -> Double) {
            rows.append((name, medianNanoseconds(batches: batches, inner: inner) { sink += body($0) }))
        }
        time("Graph(nodeCount:edges:)", inner: 200) { _ in Double((try? Graph(nodeCount: 12, edges: graph.edges))?.edgeCount ?? 0) }
        time("averageClustering", inner: 200) { _ in graph.averageClustering() }
        time("transitivity", inner: 200) { _ in graph.transitivity() }
        time("degreeStatistics", inner: 200) { _ in graph.degreeStatistics().mean }
        time("pathLengths (hops)", inner: 50) { _ in graph.pathLengths().characteristicPathLength }
        time("pathLengths (km)", inner: 50) { _ in graph.pathLengths(metric: .weights).characteristicPathLength }
        time("Louvain on flows", inner: 50) { _ in (try? Louvain.communities(of: graph, weights: network.flows))?.modularity ?? 0 }
        time("ClusterModel (given clusters)", inner: 50) { _ in
            (try? ClusterModel(graph: graph, coordinates: network.coordinates, flows: network.flows,
                               clusters: .given(TN12.seedClusters)))?.modularity ?? 0
        }
        time("ClusterModel (Louvain)", inner: 50) { _ in
            (try? ClusterModel(graph: graph, coordinates: network.coordinates, flows: network.flows,
                               clusters: .louvain(resolution: 1)))?.modularity ?? 0
        }
        time("assess(stationEdges:) per plan", inner: 1024) { model.assess(stationEdges: plans[$0 % 1024]).utility }
        time("StationAccessModel build", inner: 50) { _ in
            (try? StationAccessModel(graph: graph, demand: network.demand))?.nodeWeights[0] ?? 0
        }
        time("average distance to station per plan", inner: 1024) {
            access.averageDistanceToNearestStation(stationEdges: plans[$0 % 1024])
        }
        time("long-range ATT before/after", inner: 200) { _ in
            (try? model.compareLongRangeTravelTimes(before: before, after: after))?.first?.after ?? 0
        }
        time("inter-cluster ATT before/after (Table III)", inner: 50) { _ in
            (try? model.compareInterClusterTravelTimes(before: network.freeFlowMinutes, after: network.loadedMinutes,
                                                       demand: network.demand))?.first?.after ?? 0
        }
        time("all of the above but Graph, once", inner: 20) { i in
            var total = graph.averageClustering() + graph.transitivity() + graph.degreeStatistics().mean
            total += graph.pathLengths().characteristicPathLength + graph.pathLengths(metric: .weights).characteristicPathLength
            let fresh = try? ClusterModel(graph: graph, coordinates: network.coordinates, flows: network.flows,
                                          clusters: .louvain(resolution: 1))
            total += fresh?.assess(stationEdges: plans[i % 1024]).utility ?? 0
            let freshAccess = try? StationAccessModel(graph: graph, demand: network.demand)
            total += freshAccess?.averageDistanceToNearestStation(stationEdges: plans[i % 1024]) ?? 0
            total += (try? model.compareLongRangeTravelTimes(before: before, after: after))?.first?.after ?? 0
            total += (try? model.compareInterClusterTravelTimes(before: network.freeFlowMinutes, after: network.loadedMinutes,
                                                                demand: network.demand))?.first?.after ?? 0
            return total
        }
        let options = SmallWorldOptions(randomSamples: samples, swapsPerEdge: 10, seed: seed)
        let sigmaBatches = min(batches, 11)
        rows.append(("sigma/omega, \(samples) references (cold)",
                     medianNanoseconds(batches: sigmaBatches, inner: 1) { _ in sink += graph.smallWorldCoefficients(options: options).omega ?? 0 }))
        let cache = SmallWorldReferenceCache()
        _ = graph.smallWorldCoefficients(options: options, cache: cache)
        rows.append(("sigma/omega, cached references",
                     medianNanoseconds(batches: batches, inner: 20) { _ in sink += graph.smallWorldCoefficients(options: options, cache: cache).omega ?? 0 }))

        print("\nTimings (median of \(batches) batches, per call):")
        for (name, nanoseconds) in rows {
            print("  \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(format(nanoseconds / 1000, 3).leftPadded(12)) us")
        }
        print("(checksum \(format(sink, 3)))")
    }

    private func printValues(_ network: TN12, _ model: ClusterModel, _ access: StationAccessModel,
                             _ before: LinkConditions, _ after: LinkConditions) {
        let graph = network.graph
        let paths = graph.pathLengths(), km = graph.pathLengths(metric: .weights)
        let coefficients = graph.smallWorldCoefficients(options: SmallWorldOptions(randomSamples: samples, seed: seed))
        print("  C = \(format(graph.averageClustering(), 6))  transitivity = \(format(graph.transitivity(), 6))"
              + "  L = \(format(paths.characteristicPathLength, 6)) hops = \(format(km.characteristicPathLength, 3)) km")
        print("  sigma = \(coefficients.sigma.map { format($0, 4) } ?? "undefined")"
              + "  omega = \(coefficients.omega.map { format($0, 4) } ?? "undefined")"
              + "  (C_r = \(format(coefficients.reference.randomClustering, 4)), L_r = \(format(coefficients.reference.randomPathLength, 4)),"
              + " C_l = \(format(coefficients.reference.latticeClustering, 4)); \(samples) samples, seed \(seed))")
        print("  clusters (seed 003), hull buffer \(format(model.areaBuffer ?? 0, 1)) km:")
        for cluster in model.clusters {
            let names = cluster.nodes.map { "T\($0 + 1)" }.joined(separator: ",")
            print("    C\(cluster.index + 1) {\(names)}: D = \(format(cluster.density, 4)) veh/h/km2,"
                  + " kappa = \(format(cluster.connectivity, 3)), U = \(format(cluster.utility, 3))")
        }
        if let louvain = try? Louvain.communities(of: graph, weights: network.flows) {
            let groups = louvain.members.map { "{" + $0.map { "T\($0 + 1)" }.joined(separator: ",") + "}" }
            print("  Louvain on the stand-in flows: \(groups.joined(separator: " ")), Q = \(format(louvain.modularity, 4))")
        }
        let table = (try? model.compareLongRangeTravelTimes(before: before, after: after)) ?? []
        print("  direct long-range links, free-flow -> BPR-loaded ATT: " + table.map {
            "C\($0.firstCluster + 1)-C\($0.secondCluster + 1) \(format($0.before, 1))->\(format($0.after, 1)) min"
        }.joined(separator: ", "))
        let pairs = (try? model.compareInterClusterTravelTimes(before: network.freeFlowMinutes, after: network.loadedMinutes,
                                                               demand: network.demand)) ?? []
        print("  inter-cluster ATT, free-flow -> BPR-loaded: " + pairs.map {
            "C\($0.firstCluster + 1)-C\($0.secondCluster + 1) \(format($0.before, 1))->\(format($0.after, 1))"
        }.joined(separator: ", ") + " min")
        let all = Array(0..<graph.edgeCount)
        print("  Z2(all links) = \(format(model.utility(stationEdges: all), 4)),"
              + " mean distance to a station (all links) = \(format(access.averageDistanceToNearestStation(stationEdges: all), 2)) km")
    }
}

/// The seed-003 12-node TN: Table I links, the TN12 synthetic layout and lengths, stand-in flows.
private struct TN12 {
    /// Table I of seed 003, nodes T1..T12 as 0..11.
    static let links = [(1, 2), (1, 3), (2, 6), (1, 4), (2, 5), (3, 4), (4, 5), (5, 6), (3, 7), (4, 8),
                        (5, 9), (6, 10), (7, 8), (8, 9), (9, 10), (7, 11), (8, 11), (9, 12), (12, 10), (11, 12)]
    /// Road km of the synthetic TN12 data (straight line x 1.2, rounded).
    static let lengthsKm: [Double] = [84, 68, 68, 49, 49, 60, 60, 60, 48, 48, 48, 48, 60, 60, 60, 68, 49, 49, 68, 84]
    /// Lanes per direction (3 on the east-west corridors), 1800 veh/h each.
    static let lanes: [Double] = [2, 2, 2, 2, 2, 3, 3, 3, 2, 2, 2, 2, 3, 3, 3, 2, 2, 2, 2, 2]
    static let points: [(Double, Double)] = [(40, 120), (110, 120), (0, 80), (50, 80), (100, 80), (150, 80),
                                             (0, 40), (50, 40), (100, 40), (150, 40), (40, 0), (110, 0)]
    static let population: [Double] = [3, 3, 2, 4, 4, 2, 2, 4, 4, 2, 3, 3]
    /// Seed 003's clusters: {T1,T4,T8,T11}, {T2,T5,T9,T12}, {T3,T7}, {T6,T10}.
    static let seedClusters = [0, 1, 2, 0, 1, 3, 2, 0, 1, 3, 0, 1]

    let graph: Graph
    let coordinates: [PlanarPoint]
    let demand: [[Double]]
    let flows: [Double]
    let freeFlowMinutes: [Double]
    let loadedMinutes: [Double]

    init() throws {
        let graph = try Graph(nodeCount: 12, edges: zip(Self.links, Self.lengthsKm).map { Edge($0.0 - 1, $0.1 - 1, weight: $1) })
        self.graph = graph
        coordinates = Self.points.map { PlanarPoint(x: $0.0, y: $0.1) }
        let km = graph.distanceMatrix(metric: .weights)
        var demand = [[Double]](repeating: [Double](repeating: 0, count: 12), count: 12)
        for o in 0..<12 { for d in 0..<12 where o != d { demand[o][d] = Self.population[o] * Self.population[d] / km[o][d] } }
        let scale = 50_189.2 / demand.joined().reduce(0, +)
        demand = demand.map { $0.map { $0 * scale } }
        self.demand = demand
        // All-or-nothing: walk each shortest path back from d (lowest-index predecessor on ties).
        var flows = [Double](repeating: 0, count: graph.edgeCount)
        for o in 0..<12 {
            for d in 0..<12 where o != d {
                var node = d
                while node != o {
                    let (previous, edge) = zip(graph.neighbors(of: node), graph.incidentEdges(of: node)).first {
                        abs(km[o][$0.0] + graph.edges[$0.1].weight - km[o][node]) < 1e-9
                    }!
                    flows[edge] += demand[o][d]
                    node = previous
                }
            }
        }
        freeFlowMinutes = Self.lengthsKm.map { $0 * 0.6 }  // 100 km/h
        // BPR (0.15, 4) on the two-way capacity, as the "after" state of the ATT table.
        loadedMinutes = zip(flows, zip(Self.lengthsKm, Self.lanes)).map { flow, link in
            let ratio = flow / (2 * 1800 * link.1)
            return link.0 * 0.6 * (1 + 0.15 * ratio * ratio * ratio * ratio)
        }
        self.flows = flows
    }
}

/// The median over `batches` of the time per call of `inner` calls of `body`, in ns.
private func medianNanoseconds(batches: Int, inner: Int, _ body: (Int) -> Void) -> Double {
    let clock = ContinuousClock()
    var samples: [Double] = []
    for _ in 0..<batches {
        let start = clock.now
        for i in 0..<inner { body(i) }
        let elapsed = clock.now - start
        let (seconds, attoseconds) = elapsed.components
        samples.append((Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(inner))
    }
    samples.sort()
    return samples[samples.count / 2]
}

private func format(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

import SmallWorld

/// What `planner smallworld` prints: the network's small-world metrics, the clusters,
/// the long-range links, and for a plan its utility, service distance and the long-range
/// travel times before and after it (seed 003 Table III).
public struct SmallWorldReport: Sendable, Codable {
    public struct ClusterRow: Sendable, Codable {
        public var cluster: Int
        public var nodes: [Int]
        public var densityVehPerHPerKm2: Double
        public var connectivity: Double
        public var areaKm2: Double
        public var isLocal: Bool
        public var utility: Double
    }

    public struct LongRangeRow: Sendable, Codable {
        public var road: String
        public var clusters: String
        public var flowVehPerH: Double
        public var utility: Double
    }

    public struct TravelTimeRow: Sendable, Codable {
        public var clusters: String
        public var beforeMin: Double
        public var afterMin: Double
        public var improvementPercent: Double
    }

    public var averageClustering: Double
    public var transitivity: Double
    public var pathLengthHops: Double
    public var pathLengthKm: Double
    public var sigma: Double?
    public var omega: Double?
    public var clusters: [ClusterRow]
    public var longRange: [LongRangeRow]
    public var plan: String?
    public var utilityZ2: Double?
    public var violations: [String]?
    public var averageDistanceToStationKm: Double?
    /// Table III: the base state is the plan with no stations.
    public var travelTimes: [TravelTimeRow]?

    /// Builds the report; with a plan, also its utility and Table III.
    public init(evaluator: PlanEvaluator, plan: Plan?, workspace: PlanEvaluator.Workspace) throws {
        let model = evaluator.clusterModel
        let graph = model.graph
        let network = evaluator.plannerCase.network
        averageClustering = graph.averageClustering()
        transitivity = graph.transitivity()
        pathLengthHops = graph.pathLengths(metric: .hops).characteristicPathLength
        let weighted = try Graph(
            nodeCount: graph.nodeCount,
            edges: graph.edges.enumerated().map { Edge($0.element.u, $0.element.v, weight: network.links[evaluator.roadArcs[$0.offset][0]].length) })
        pathLengthKm = weighted.pathLengths(metric: .weights).characteristicPathLength
        let coefficients = graph.smallWorldCoefficients(options: SmallWorldOptions(randomSamples: 20, seed: 1))
        sigma = coefficients.sigma
        omega = coefficients.omega
        clusters = model.clusters.map { c in
            ClusterRow(
                cluster: c.index + 1, nodes: c.nodes.map { $0 + 1 }, densityVehPerHPerKm2: c.density,
                connectivity: c.connectivity, areaKm2: c.area, isLocal: c.isLocal, utility: c.utility)
        }
        longRange = model.longRangeLinks.map { l in
            let e = graph.edges[l.edge]
            return LongRangeRow(
                road: "\(e.u + 1)-\(e.v + 1)", clusters: "\(l.firstCluster + 1)-\(l.secondCluster + 1)",
                flowVehPerH: l.flow, utility: l.utility)
        }
        guard let plan else { return }
        let evaluation = try evaluator.evaluate(plan, in: workspace)
        self.plan = plan.description
        utilityZ2 = evaluation.utility.z2
        violations = evaluation.violations.names
        averageDistanceToStationKm = evaluation.utility.averageDistanceToStationKm
        let base = try evaluator.roadConditions(Plan(bits: plan.bits.map { _ in false }), in: workspace)
        let after = try evaluator.roadConditions(plan, in: workspace)
        travelTimes = try model.compareLongRangeTravelTimes(before: base, after: after).map { row in
            TravelTimeRow(
                clusters: "\(row.firstCluster + 1)-\(row.secondCluster + 1)", beforeMin: row.before, afterMin: row.after,
                improvementPercent: row.improvementPercent)
        }
    }

    /// Plain-text lines.
    public var lines: [String] {
        var out: [String] = []
        out.append("network  C = \(formatted(averageClustering, 4)), transitivity \(formatted(transitivity, 4)), "
            + "L = \(formatted(pathLengthHops, 4)) hops / \(formatted(pathLengthKm, 1)) km, "
            + "sigma = \(sigma.map { formatted($0, 3) } ?? "n/a"), omega = \(omega.map { formatted($0, 3) } ?? "n/a")")
        out.append("clusters (density veh/h per km², connectivity kappa, area km², utility U_c)")
        for c in clusters {
            out.append("  \(c.cluster): nodes \(c.nodes.map(String.init).joined(separator: ",")), D = \(formatted(c.densityVehPerHPerKm2, 3)), "
                + "kappa = \(formatted(c.connectivity, 3)), area \(formatted(c.areaKm2, 0)), U = \(formatted(c.utility, 3))"
                + (c.isLocal ? "" : "  (below theta_D)"))
        }
        out.append("long-range links (road, clusters, flow veh/h, utility U_l)")
        for l in longRange {
            out.append("  \(l.road)  clusters \(l.clusters)  \(formatted(l.flowVehPerH, 1))  U = \(formatted(l.utility, 3))")
        }
        if let plan, let utilityZ2 {
            out.append("plan \(plan): Z2 = \(formatted(utilityZ2, 4)); violations: \(violations?.isEmpty == false ? violations!.joined(separator: ", ") : "none")")
            out.append("  demand-weighted distance to the nearest station: \(averageDistanceToStationKm.map { formatted($0, 1) + " km" } ?? "no stations")")
            out.append("  long-range ATT (min) before (no stations) -> after, improvement")
            for row in travelTimes ?? [] {
                out.append("  clusters \(row.clusters): \(formatted(row.beforeMin, 2)) -> \(formatted(row.afterMin, 2)), \(formatted(row.improvementPercent, 2)) %")
            }
        }
        return out
    }
}

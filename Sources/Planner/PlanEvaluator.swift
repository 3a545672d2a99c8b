import DistributionGrid
import Foundation
import Restoration
import SmallWorld
import TrafficEquilibrium

/// Evaluates plans of one case: bits → stations → NdP traffic LP (flows, π, lanes,
/// spots, unserved EV demand) → station loads on the feeder → DistFlow investment cost →
/// small-world utility → restoration value.
///
/// The evaluator holds what every plan shares (the LP's structure, the cluster model,
/// the feeder) and is `Sendable`; the per-thread state (the warm LP) lives in a
/// ``Workspace``. A workspace returns its LP to the same saved basis before every plan,
/// so a plan's evaluation does not depend on which plans the thread solved before: the
/// results are the same for any number of threads.
public struct PlanEvaluator: Sendable {
    public let plannerCase: PlannerCase
    /// The traffic problem every plan shares (demand split into conventional and EV).
    public let trafficProblem: NdPProblem
    /// The cluster model, built once from the traffic flows with every candidate built.
    public let clusterModel: ClusterModel
    /// The road (graph edge) of every candidate site.
    public let siteEdges: [Int]
    /// The directed arcs of every road (graph edge).
    public let roadArcs: [[Int]]
    /// Demand-weighted distance from every node to its nearest station (seed 003 Fig. 7).
    public let stationAccess: StationAccessModel
    /// Restoration values by station-bus multiset (cached, thread-safe; fast evaluator).
    public let restoration: RestorationEvaluator
    let investmentTemplate: FeederInvestmentEvaluator
    let totalEVDemand: Double

    /// Builds the shared parts: one NdP solve with every candidate built (the flows the
    /// clusters are drawn from) and the feeder's base power flow.
    public init(case plannerCase: PlannerCase) throws {
        self.plannerCase = plannerCase
        let p = plannerCase.parameters
        let network = plannerCase.network
        let demand = plannerCase.demand.scaled(by: p.demandScale)
        trafficProblem = Self.trafficProblem(for: plannerCase)
        totalEVDemand = trafficProblem.evDemand.interzonalTotal

        roadArcs = network.roads()
        var edgeOfArc = [Int](repeating: -1, count: network.links.count)
        for (edge, arcs) in roadArcs.enumerated() { for arc in arcs { edgeOfArc[arc] = edge } }
        siteEdges = plannerCase.candidates.map { edgeOfArc[$0.arcs[0]] }

        // Clusters come from the flows of the plan with every candidate built: the
        // traffic pattern the network carries when EVs can go anywhere.
        let reference = try NdPSolver(problem: trafficProblem).solve(
            stations: [Bool](repeating: true, count: plannerCase.candidates.count))
        let total = reference.totalFlow
        let roadFlows = roadArcs.map { arcs in arcs.reduce(0) { $0 + total[$1] } }
        let graph = try Graph(
            nodeCount: network.nodeCount,
            edges: roadArcs.map { Edge(network.links[$0[0]].tail, network.links[$0[0]].head) })
        guard let coordinates = plannerCase.coordinates else {
            throw PlannerError.missingInput("the small-world model needs node coordinates: add traffic.nodes to the case")
        }
        let source: SmallWorld.ClusterSource
        switch p.clusters {
        case .louvain: source = .louvain(resolution: 1)
        case .file: source = .given(plannerCase.givenClusters ?? [])
        }
        clusterModel = try ClusterModel(
            graph: graph, coordinates: coordinates.map { PlanarPoint(x: $0.x, y: $0.y) }, flows: roadFlows,
            clusters: source,
            parameters: UtilityParameters(
                densityWeight: p.densityWeight, connectivityWeight: p.connectivityWeight, flowWeight: p.flowWeight,
                lambda: p.utilityScale, densityThreshold: p.densityThreshold, flowThreshold: p.flowThreshold,
                maxClusterStations: p.maxStationsPerCluster, maxLongRangeStations: p.maxStationsOnLongRangeLinks,
                coverageShare: p.coverageShare))

        let zones = demand.zoneCount
        let matrix = (0..<network.nodeCount).map { i in
            (0..<network.nodeCount).map { j in i < zones && j < zones && i != j ? demand[i, j] : 0 }
        }
        stationAccess = try StationAccessModel(
            graph: graph, lengths: roadArcs.map { network.links[$0[0]].length }, demand: matrix)

        restoration = try plannerCase.restorationEvaluator()

        investmentTemplate = try FeederInvestmentEvaluator(
            feeder: plannerCase.feeder,
            parameters: InvestmentParameters(
                sourceVoltage: p.sourceVoltagePU, voltageBand: p.minVoltagePU...p.maxVoltagePU,
                substationCapacityKVA: p.substationCapacityKVA,
                substationCostPerKVA: p.substationExpansionCostUSDPerKVA, costPerCircuit: p.lineCostUSD))
    }

    /// The traffic side of a case as an NdP problem: demand scaled and split by the EV
    /// share, lanes from the road-upgrade table, one site per candidate (both directions of
    /// its road), the case's station and EV parameters. Money stays in USD.
    public static func trafficProblem(for plannerCase: PlannerCase) -> NdPProblem {
        let p = plannerCase.parameters
        let network = plannerCase.network
        let sites = plannerCase.candidates.count
        var parameters = NdPParameters(linkCount: network.linkCount, siteCount: sites)
        parameters.travelTimeValue = p.travelTimeValueOmega
        parameters.unservedPenalty = p.unservedDemandPenaltyUSD
        parameters.laneCost = plannerCase.laneCostUSD
        parameters.laneCapacity = plannerCase.laneCapacityVehPerH
        parameters.maxLanes = plannerCase.laneCapacityVehPerH.map { $0 > 0 ? Double(p.maxNewLanesPerLink) : 0 }
        parameters.spotCost = [Double](repeating: p.spotCostUSD, count: sites)
        parameters.maxSpots = [Double](repeating: Double(p.maxSpotsPerStation), count: sites)
        parameters.servicePerSpot = p.servicePerSpotVehPerH
        parameters.serviceBase = p.serviceBaseVehPerH
        parameters.chargingShare = p.chargingShare
        parameters.range = EVRangeModel(range: p.evRangeKm, originSOC: p.socOrigin, destinationSOC: p.socDestination)
        let split = NdPProblem.splitDemand(plannerCase.demand.scaled(by: p.demandScale), evShare: p.evShare)
        return NdPProblem(
            network: network, conventionalDemand: split.conventional, evDemand: split.ev,
            sites: plannerCase.candidates.map(\.arcs), parameters: parameters)
    }

    /// Per-thread state: the warm traffic LP and the feeder evaluator's buffers.
    /// Not thread-safe; make one per thread with ``makeWorkspace()``.
    public final class Workspace {
        let traffic: NdPSolver
        var investment: FeederInvestmentEvaluator
        /// The all-stations baseline every anchor is solved from.
        let baseline: NdPStartingPoint
        /// Solved anchors by mask (see ``start(_:in:)``); cleared when full, which costs
        /// re-solves but never changes a result.
        var anchors: [UInt64: NdPStartingPoint] = [:]

        init(traffic: NdPSolver, investment: FeederInvestmentEvaluator, baseline: NdPStartingPoint) {
            self.traffic = traffic
            self.investment = investment
            self.baseline = baseline
        }
    }

    /// Anchors kept per workspace. A run meets a few thousand; 1,024 keeps most of the
    /// re-solves away for about 12 MB per workspace on the built-in case.
    static let anchorCapacity = 1024

    /// How many of the first sites each anchor level builds, coarsest first: the sites
    /// enumeration varies within a chunk (all but the last 10), then half of those.
    static func anchorLevels(siteCount n: Int) -> [Int] {
        [n - 10, n - 15].filter { $0 >= 2 }
    }

    /// Points the workspace's traffic solver at the plan's starting point. Each plan
    /// starts from an anchor: the plan itself with its first k sites all built, solved in
    /// turn from the anchor of the coarser level and, first, from the all-stations
    /// baseline. Starting near the plan makes the traffic certificates succeed far more
    /// often; and since the chain of anchors is a function of the plan alone, a plan's
    /// result still depends on the plan alone, whatever the workspace solved before.
    private func start(_ plan: Plan, in workspace: Workspace) throws {
        let n = plan.bits.count
        var point = workspace.baseline
        var previous: UInt64 = n >= 64 ? .max : (1 << UInt64(n)) - 1
        for k in Self.anchorLevels(siteCount: n) {
            let anchor = plan.mask | ((1 << UInt64(k)) - 1)
            if anchor == previous { continue }
            if let kept = workspace.anchors[anchor] {
                point = kept
            } else {
                workspace.traffic.returnTo(point)
                _ = try workspace.traffic.solve(stations: Plan(mask: anchor, siteCount: n).bits)
                guard let solved = workspace.traffic.snapshot() else { break }
                if workspace.anchors.count >= Self.anchorCapacity { workspace.anchors.removeAll(keepingCapacity: true) }
                workspace.anchors[anchor] = solved
                point = solved
            }
            previous = anchor
        }
        workspace.traffic.returnTo(point)
    }

    /// A fresh workspace (builds and warms one traffic LP).
    public func makeWorkspace() throws -> Workspace {
        let solver = try NdPSolver(problem: trafficProblem)
        // Warm the master with the routes of the all-stations plan and of every plan that
        // drops one station, then return to the all-stations basis and keep that state:
        // every plan's chain of anchors starts from it, and most find all the routes they
        // need already there.
        let sites = plannerCase.candidates.count
        let all = [Bool](repeating: true, count: sites)
        _ = try solver.solve(stations: all)
        for site in 0..<sites {
            var plan = all
            plan[site] = false
            _ = try solver.solve(stations: plan)
        }
        _ = try solver.solve(stations: all)
        guard let baseline = solver.snapshot() else { throw PlannerError.missingInput("the traffic baseline did not solve") }
        return Workspace(traffic: solver, investment: investmentTemplate, baseline: baseline)
    }

    /// Evaluates one plan. Every plan's traffic LP starts from its anchor (see
    /// ``start(_:in:)``), never from the previous plan: where the LP has several optima,
    /// the lanes and spots rounded up from them (and so the investment) would otherwise
    /// depend on which plans the workspace solved before.
    public func evaluate(_ plan: Plan, in workspace: Workspace) throws -> PlanEvaluation {
        try evaluate(plan, in: workspace, valueInfeasibleRestoration: true)
    }

    /// ``evaluate(_:in:)``; without `valueInfeasibleRestoration`, an infeasible plan's
    /// restoration value is left out (nil, no scenarios): enumeration discards infeasible
    /// plans, and the restoration model is the dearest part after the traffic LP.
    func evaluate(_ plan: Plan, in workspace: Workspace, valueInfeasibleRestoration: Bool) throws -> PlanEvaluation {
        let p = plannerCase.parameters
        let candidates = plannerCase.candidates
        precondition(plan.bits.count == candidates.count, "one bit per candidate site")
        try start(plan, in: workspace)
        let traffic = try workspace.traffic.solve(stations: plan.bits)

        var stations: [PlanEvaluation.Station] = []
        var loads: [StationLoad] = []
        for site in plan.stationIndices {
            let candidate = candidates[site]
            let spots = traffic.integerSpots[site]
            let load = StationLoad(
                bus: candidate.busIndex, spots: spots, kWPerSpot: p.powerPerSpotKW, simultaneity: p.simultaneity,
                powerFactor: p.powerFactor)
            loads.append(load)
            stations.append(
                PlanEvaluation.Station(
                    site: candidate.id, fromNode: candidate.fromNode + 1, toNode: candidate.toNode + 1, bus: candidate.bus,
                    spots: spots, evFlowVehPerH: traffic.evFlowThroughSite[site], loadKW: load.pKW))
        }
        let investment = workspace.investment.evaluate(stations: loads)
        let stationEdges = plan.stationIndices.map { siteEdges[$0] }
        let assessment = clusterModel.assess(stationEdges: stationEdges)

        let costs = PlanEvaluation.Costs(
            stationsUSD: Double(stations.count) * p.stationCostUSD, spotsUSD: traffic.integerSpotCost,
            lanesUSD: traffic.integerLaneCost, substationUSD: investment.substationCost, linesUSD: investment.lineCost)
        let network = plannerCase.network
        let lanes = traffic.integerLanes.enumerated().filter { $0.element > 0 }.map {
            PlanEvaluation.LaneAddition(
                fromNode: network.links[$0.offset].tail + 1, toNode: network.links[$0.offset].head + 1, lanes: $0.element)
        }
        let violations = PlanEvaluation.Violations(
            budgetExcessUSD: max(0, costs.totalUSD - p.budgetUSD),
            clusterStationExcess: assessment.violations.clusterStationExcess,
            longRangeStationExcess: assessment.violations.longRangeStationExcess,
            sparseClusterStations: assessment.violations.sparseClustersWithStation,
            weakLinkStations: assessment.violations.weakLinksWithStation,
            coverageShortfall: assessment.violations.coverageShortfall,
            unservedEVVehPerH: traffic.unservedEV,
            gridLimitViolations: investment.violations.count)
        let feederBus = { (index: Int) in plannerCase.feeder.buses[index].number }
        let restored =
            valueInfeasibleRestoration || violations.isFeasible
            ? try restoration.energyValue(stations: stations.map(\.bus).sorted()) : nil
        return PlanEvaluation(
            plan: plan.description, stations: stations,
            objectives: PlanEvaluation.Objectives(
                travelTimeVehMin: traffic.equilibriumTravelTime,
                travelTimeCostUSD: traffic.equilibriumTravelTime * p.travelTimeValueOmega,
                utilityZ2: assessment.utility, investmentUSD: costs.totalUSD, restorationUSDPerYear: restored?.usdPerYear),
            costs: costs,
            traffic: PlanEvaluation.Traffic(
                systemTimeVehMin: traffic.systemTravelTime, equilibriumTimeVehMin: traffic.equilibriumTravelTime,
                lanes: lanes, unservedEVVehPerH: traffic.unservedEV,
                unservedConventionalVehPerH: traffic.unservedConventional,
                evPairsWithoutRoute: traffic.evPairsWithoutRoute, wardropGap: traffic.wardropGap),
            grid: PlanEvaluation.Grid(
                stationLoadKW: loads.reduce(0) { $0 + $1.pKW }, substationLoadKVA: investment.substationLoadKVA,
                substationExpansionKVA: investment.substationExpansionKVA,
                reinforcements: investment.reinforcements.map { r in
                    let branch = plannerCase.feeder.branches[r.branch]
                    return "\(feederBus(branch.from))-\(feederBus(branch.to)) x\(r.addedCircuits)"
                },
                minVoltageBeforePU: investment.minVoltageBefore, minVoltageAfterPU: investment.minVoltageAfter,
                feasible: investment.isFeasible),
            utility: PlanEvaluation.Utility(
                z2: assessment.utility, clusterStations: assessment.clusterStations,
                longRangeStations: assessment.longRangeStations, clustersServed: assessment.clustersServed,
                coveredDensityShare: assessment.coveredDensityShare,
                averageDistanceToStationKm: stationEdges.isEmpty
                    ? nil : stationAccess.averageDistanceToNearestStation(stationEdges: stationEdges)),
            restoration: (restored?.perScenario ?? []).map { s in
                PlanEvaluation.ScenarioValue(
                    scenario: s.scenario, probability: s.probability, servedWithPlan: s.withFleetsWeightedKWh,
                    servedWithout: s.withoutFleetsWeightedKWh,
                    valueUSDPerYear: p.stormsPerYear * s.probability * s.gainWeightedKWh * p.vollUSDPerWeightedKWh)
            },
            violations: violations)
    }

    /// Flow and UE travel time (t0 + π, flow-weighted over the road's directions) per
    /// road, for a plan: the link conditions of seed 003 Table III.
    public func roadConditions(_ plan: Plan, in workspace: Workspace) throws -> LinkConditions {
        try start(plan, in: workspace)
        let traffic = try workspace.traffic.solve(stations: plan.bits)
        let total = traffic.totalFlow
        let t0 = plannerCase.network.links.map(\.freeFlowTime)
        var times: [Double] = []
        var flows: [Double] = []
        for arcs in roadArcs {
            let flow = arcs.reduce(0) { $0 + total[$1] }
            let time = flow > 0
                ? arcs.reduce(0) { $0 + total[$1] * (t0[$1] + traffic.delay[$1]) } / flow
                : arcs.reduce(0) { $0 + t0[$1] + traffic.delay[$1] } / Double(arcs.count)
            times.append(time)
            flows.append(flow)
        }
        return LinkConditions(travelTimes: times, flows: flows)
    }

    /// The objectives as minimised by the optimiser: travel time, −Z2, investment,
    /// −restoration value.
    public static func minimised(_ evaluation: PlanEvaluation) -> [Double] {
        let o = evaluation.objectives
        return [o.travelTimeVehMin, -o.utilityZ2, o.investmentUSD] + (o.restorationUSDPerYear.map { [-$0] } ?? [])
    }

    /// Constraint violations scaled to comparable sizes (0 = satisfied), for
    /// constraint-domination: budget excess as a share of the budget, counts as counts,
    /// unserved EV demand as a share of the EV demand.
    public func scaledViolations(_ evaluation: PlanEvaluation) -> [Double] {
        let v = evaluation.violations
        let budget = max(plannerCase.parameters.budgetUSD, 1)
        return [
            v.budgetExcessUSD / budget, Double(v.clusterStationExcess), Double(v.longRangeStationExcess),
            Double(v.sparseClusterStations), Double(v.weakLinkStations), v.coverageShortfall,
            totalEVDemand > 0 ? v.unservedEVVehPerH / totalEVDemand : 0, Double(v.gridLimitViolations),
        ]
    }
}

/// Errors of the planner's own composition (engine errors pass through unchanged).
public enum PlannerError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingInput(String)

    public var description: String {
        switch self {
        case .missingInput(let what): return what
        }
    }
}

import ArgumentParser
import Foundation
import InputParsing
import Planner
import TrafficEquilibrium

/// `planner traffic ndp`: the NdP capacity LP for a TNTP network or for a plan of a case.
struct TrafficNdPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ndp",
        abstract: "NdP user-equilibrium LP (seed 003): link flows, delays pi, unserved demand, lanes, spots.",
        discussion: """
            Either --net and --trips (all demand conventional unless --ev-share, no stations, \
            no lanes unless --lane-cost/--lane-capacity/--max-lanes), or --case and --plan for \
            a station plan of a case (EV class, stations, lanes and spots from the case). \
            Writes links.csv, od.csv, routes.csv, sites.csv and summary.json into --out.
            """)

    @Option(help: "TNTP network file.") var net: String?
    @Option(help: "TNTP trips file.") var trips: String?
    @Option(help: "Case manifest (case.json), or 'builtin' for the built-in case.") var `case`: String?
    @Option(help: "Station plan: one 0/1 per candidate site, in the candidates table's order.") var plan: String?
    @Option(help: "Multiply the demand by this.") var demandScale: Double?
    @Option(help: "Share of the demand driving EVs (TNTP input; 0 = all conventional).") var evShare: Double = 0
    @Option(help: "omega, money per (veh·min/h) of travel time.") var omega: Double = 10_000
    @Option(help: "Money per veh/h of unserved demand (default: omega x 10^4 min).") var unservedPenalty: Double?
    @Option(help: "TNTP input: money per new lane on every arc.") var laneCost: Double = 0
    @Option(help: "TNTP input: capacity per new lane (veh/h).") var laneCapacity: Double = 0
    @Option(help: "TNTP input: maximum new lanes per arc.") var maxLanes: Double = 0
    @Flag(help: "Also compute the max concurrent demand multiple lambda* (hard capacities).") var maxDemandScale = false
    @Option(help: "Output folder.") var out: String

    func validate() throws {
        let tntp = net != nil || trips != nil
        let fromCase = self.case != nil || plan != nil
        guard tntp != fromCase else { throw ValidationError("give either --net and --trips, or --case and --plan") }
        if tntp, net == nil || trips == nil { throw ValidationError("--net and --trips go together") }
        if fromCase, self.case == nil || plan == nil { throw ValidationError("--case and --plan go together") }
        guard (0...1).contains(evShare) else { throw ValidationError("--ev-share must be in 0...1") }
    }

    func run() throws {
        let problem: NdPProblem
        let stations: [Bool]
        var siteNames: [String]
        if let net, let trips {
            let network = try failOnInput { try TNTP.readNetwork(path: net) }
            var demand = try failOnInput { try TNTP.readDemand(path: trips) }
            if let demandScale {
                guard demandScale >= 0 else { throw ValidationError("--demand-scale must be >= 0") }
                demand = demand.scaled(by: demandScale)
            }
            var parameters = NdPParameters(linkCount: network.linkCount, siteCount: 0)
            parameters.travelTimeValue = omega
            parameters.unservedPenalty = unservedPenalty ?? omega * 10_000
            parameters.laneCost = [Double](repeating: laneCost, count: network.linkCount)
            parameters.laneCapacity = [Double](repeating: laneCapacity, count: network.linkCount)
            parameters.maxLanes = [Double](repeating: maxLanes, count: network.linkCount)
            let (conventional, ev) = NdPProblem.splitDemand(demand, evShare: evShare)
            problem = NdPProblem(
                network: network, conventionalDemand: conventional, evDemand: ev, sites: [], parameters: parameters)
            stations = []
            siteNames = []
        } else if let casePath = self.case, let plan {
            let plannerCase = try failOnInput {
                casePath == "builtin" ? try PlannerCase.builtIn() : try PlannerCase.load(manifestPath: casePath)
            }
            var built = PlanEvaluator.trafficProblem(for: plannerCase)
            if let demandScale {
                built.conventionalDemand = built.conventionalDemand.scaled(by: demandScale)
                built.evDemand = built.evDemand.scaled(by: demandScale)
            }
            if let unservedPenalty { built.parameters.unservedPenalty = unservedPenalty }
            problem = built
            stations = try Plan(bitString: plan, siteCount: plannerCase.candidates.count).bits
            siteNames = plannerCase.candidates.map { "\($0.id)" }
        } else {
            throw ValidationError("give either --net and --trips, or --case and --plan")
        }

        let clock = ContinuousClock()
        let start = clock.now
        let solver = try failOnInput { try NdPSolver(problem: problem) }
        let solution = try failOnInput { try solver.solve(stations: stations, detail: true) }
        let solveTime = clock.now - start
        var scale: MaxDemandScale.Result?
        if maxDemandScale {
            scale = try failOnInput { try MaxDemandScale.solve(problem: problem, stations: stations) }
        }
        try NdPReport.write(
            problem: problem, stations: stations, siteNames: siteNames, solution: solution, scale: scale,
            seconds: solveTime.seconds, to: out)
        print(NdPReport.summaryText(problem: problem, solution: solution, scale: scale, seconds: solveTime.seconds))
        print("wrote            \(out)/{summary.json,links.csv,od.csv,routes.csv,sites.csv}")
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// Files and console text for an NdP solution.
enum NdPReport {
    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "" }

    static func write(
        problem: NdPProblem, stations: [Bool], siteNames: [String], solution: NdPSolution,
        scale: MaxDemandScale.Result?, seconds: Double, to folder: String
    ) throws {
        let network = problem.network
        var links = [
            CSVWriter.line([
                "arc", "from", "to", "capacity_veh_per_h", "free_flow_time_min", "conventional_flow", "ev_flow",
                "total_flow", "pi_min", "ue_time_min", "lanes_lp", "lanes", "saturated",
            ])
        ]
        for arc in 0..<network.linkCount {
            let link = network.links[arc]
            let flow = solution.conventionalFlow[arc] + solution.evFlow[arc]
            let capacity = link.capacity + problem.parameters.laneCapacity[arc] * solution.lanes[arc]
            links.append(
                CSVWriter.line([
                    "\(arc + 1)", "\(link.tail + 1)", "\(link.head + 1)", number(link.capacity), number(link.freeFlowTime),
                    number(solution.conventionalFlow[arc]), number(solution.evFlow[arc]), number(flow),
                    number(solution.delay[arc]), number(link.freeFlowTime + solution.delay[arc]),
                    number(solution.lanes[arc]), "\(solution.integerLanes[arc])",
                    flow >= capacity * (1 - 1e-9) ? "1" : "0",
                ]))
        }
        var ods = [CSVWriter.line(["origin", "destination", "class", "demand", "unserved", "ue_time_min", "shortest_route_min"])]
        for od in solution.odResults {
            ods.append(
                CSVWriter.line([
                    "\(od.origin + 1)", "\(od.destination + 1)", od.isEV ? "ev" : "conventional", number(od.demand),
                    number(od.unserved), number(od.travelTime), number(od.shortestRouteCost),
                ]))
        }
        var routes = [CSVWriter.line(["origin", "destination", "class", "flow", "cost_min", "nodes"])]
        for route in solution.routes {
            let nodes = Route(arcs: route.arcs, cost: 0).nodes(in: network).map { "\($0 + 1)" }.joined(separator: " ")
            routes.append(
                CSVWriter.line([
                    "\(route.origin + 1)", "\(route.destination + 1)", route.isEV ? "ev" : "conventional",
                    number(route.flow), number(route.cost), nodes,
                ]))
        }
        var sites = [CSVWriter.line(["site", "arcs", "station", "spots_lp", "spots", "ev_flow_through", "sigma_min"])]
        for site in problem.sites.indices {
            let arcs = problem.sites[site].map { "\(network.tail(of: $0) + 1)-\(network.head(of: $0) + 1)" }
            sites.append(
                CSVWriter.line([
                    site < siteNames.count ? siteNames[site] : "\(site + 1)", arcs.joined(separator: " "),
                    stations[site] ? "1" : "0", number(solution.spots[site]), "\(solution.integerSpots[site])",
                    number(solution.evFlowThroughSite[site]), number(solution.stationDelay[site]),
                ]))
        }
        let saturated = (0..<network.linkCount).filter { arc in
            let capacity = network.links[arc].capacity + problem.parameters.laneCapacity[arc] * solution.lanes[arc]
            return solution.conventionalFlow[arc] + solution.evFlow[arc] >= capacity * (1 - 1e-9)
        }
        var summary: [String: Any] = [:]
        summary["objective"] = solution.objective
        summary["travel_time_value_omega"] = problem.parameters.travelTimeValue
        summary["unserved_penalty"] = problem.parameters.unservedPenalty
        summary["system_travel_time_veh_min"] = solution.systemTravelTime
        summary["equilibrium_travel_time_veh_min"] = solution.equilibriumTravelTime
        summary["station_queueing_time_veh_min"] = solution.stationQueueingTime
        summary["unserved_conventional_veh_per_h"] = solution.unservedConventional
        summary["unserved_ev_veh_per_h"] = solution.unservedEV
        summary["ev_pairs_without_route"] = solution.evPairsWithoutRoute
        summary["feasible"] = solution.unserved <= 1e-9
        summary["lanes_lp_total"] = solution.lanes.reduce(0, +)
        summary["lanes_total"] = solution.integerLanes.reduce(0, +)
        summary["lane_cost"] = solution.laneCost
        summary["lane_cost_integer"] = solution.integerLaneCost
        summary["spots_lp_total"] = solution.spots.reduce(0, +)
        summary["spots_total"] = solution.integerSpots.reduce(0, +)
        summary["spot_cost"] = solution.spotCost
        summary["spot_cost_integer"] = solution.integerSpotCost
        summary["integer_plan_feasible"] = solution.integerPlanFeasible
        summary["saturated_links"] = saturated.count
        summary["wardrop_relative_gap"] = solution.wardropGap
        summary["method"] = solution.method.rawValue
        summary["column_generation_rounds"] = solution.rounds
        summary["route_columns"] = solution.columnCount
        summary["solve_seconds"] = seconds
        summary["stations"] = stations.map { $0 ? 1 : 0 }
        if let scale {
            summary["max_demand_scale"] = scale.scale
            summary["max_demand_scale_bottlenecks"] = scale.bottlenecks.map {
                "\(network.tail(of: $0) + 1)-\(network.head(of: $0) + 1)"
            }
        }
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(json, to: folder + "/summary.json")
        try AtomicFile.write(links.joined(separator: "\n") + "\n", to: folder + "/links.csv")
        try AtomicFile.write(ods.joined(separator: "\n") + "\n", to: folder + "/od.csv")
        try AtomicFile.write(routes.joined(separator: "\n") + "\n", to: folder + "/routes.csv")
        try AtomicFile.write(sites.joined(separator: "\n") + "\n", to: folder + "/sites.csv")
    }

    static func summaryText(problem: NdPProblem, solution: NdPSolution, scale: MaxDemandScale.Result?, seconds: Double)
        -> String
    {
        var lines = [
            "objective        \(solution.objective)  (omega x sum t0 x + lanes + spots + unserved penalty)",
            "sum t0 x         \(solution.systemTravelTime) veh·min/h (system optimum time)",
            "sum (t0+pi) x    \(solution.equilibriumTravelTime) veh·min/h (user-equilibrium time)",
            "unserved         \(solution.unservedConventional) conventional, \(solution.unservedEV) EV veh/h"
                + (solution.evPairsWithoutRoute > 0 ? " (\(solution.evPairsWithoutRoute) EV OD pairs without a feasible route)" : ""),
            solution.unserved > 1e-9
                ? "status           INFEASIBLE within capacities: \(solution.unserved) veh/h unserved at penalty \(problem.parameters.unservedPenalty) (pi then carries the penalty: UE times are not meaningful)"
                : "status           all demand served",
            "lanes            \(solution.integerLanes.reduce(0, +)) (LP \(solution.lanes.reduce(0, +))), spots \(solution.integerSpots.reduce(0, +)) (LP \(solution.spots.reduce(0, +)))",
            "Wardrop gap      \(solution.wardropGap)",
            "method           \(solution.method.rawValue): \(solution.rounds) column-generation rounds, \(solution.columnCount) route columns",
            "wall time        \(String(format: "%.6f", seconds)) s",
        ]
        if let scale { lines.append("lambda*          \(scale.scale) (\(scale.bottlenecks.count) bottleneck arcs)") }
        return lines.joined(separator: "\n")
    }
}

import Foundation
import Testing

@testable import Planner

/// The tiny hand case of docs/hand-case.md: a 4-node ring, 3 candidate sites and a 3-bus
/// zero-impedance feeder, small enough that every objective, cost item and violation of
/// all 8 plans is derived by hand (and cross-checked by `Fixtures/TinyCase/hand_check.py`,
/// which solves the NdP LP over every route with HiGHS).
///
/// Tolerances, and why:
/// - travel time: relative 1e-7, the primal/dual feasibility tolerance of Clp (the duals
///   π enter Σ (t0 + π) x); the hand values are exact rationals;
/// - Z2, coverage: 1e-12, plain arithmetic on the same few numbers;
/// - money: 1e-6 USD for items that are integers times prices (exact in binary floating
///   point), 0.01 USD for the substation (5,000 USD/kVA times a load from an iterative
///   power flow that stops at a 1e-9-ish mismatch);
/// - unserved EV demand: 1e-6 veh/h, the LP's feasibility tolerance scaled to these flows;
/// - restoration: 1e-9 relative (sums of a few exact products).
private let tinyEvaluator: PlanEvaluator = {
    do {
        guard let directory = Bundle.module.url(forResource: "TinyCase", withExtension: nil, subdirectory: "Fixtures")
        else { fatalError("the PlannerTests resources are missing Fixtures/TinyCase") }
        return try PlanEvaluator(case: PlannerCase.load(manifestPath: directory.path + "/case.json"))
    } catch { fatalError("\(error)") }
}()

/// One row of the hand table (docs/hand-case.md).
struct HandRow: Sendable, CustomTestStringConvertible {
    var plan: String
    /// Σ (t0 + π) x, veh·min/h.
    var travelTime: Double
    var z2: Double
    /// Integer spots per site, site 1 first (0 where no station).
    var spots: [Int]
    /// EV flow through each site's road, veh/h, site 1 first (0 where no station).
    var evFlows: [Double]
    /// Integer lanes added on arc 1→2 (the only congested arc).
    var lanes12: Int
    var stationsUSD: Double
    var spotsUSD: Double
    var lanesUSD: Double
    /// Substation load, kVA.
    var substationKVA: Double
    var substationUSD: Double
    var linesUSD: Double
    /// Reinforced branches as the evaluator names them.
    var reinforcements: [String]
    /// VOLL-weighted kWh served in the one-hour outage, with the plan's fleets.
    var servedWeightedKWh: Double
    var restorationUSDPerYear: Double
    var budgetExcessUSD: Double
    var clusterStationExcess: Int
    var longRangeStationExcess: Int
    var coverageShortfall: Double
    var unservedEV: Double
    var violationNames: [String]
    /// EV OD pairs with no range-feasible route (1→3, 2→4, 1→4 have demand).
    var evPairsWithoutRoute: Int {
        ["000": 3, "100": 2, "001": 1][plan] ?? 0
    }

    var investmentUSD: Double { stationsUSD + spotsUSD + lanesUSD + substationUSD + linesUSD }
    var testDescription: String { "plan \(plan)" }
}

/// The hand table. Each number's derivation is in docs/hand-case.md, section "The eight plans".
let handTable: [HandRow] = [
    HandRow(
        plan: "000", travelTime: 34_005, z2: 0, spots: [0, 0, 0], evFlows: [0, 0, 0], lanes12: 1, stationsUSD: 0, spotsUSD: 0,
        lanesUSD: 500_000, substationKVA: 200, substationUSD: 0, linesUSD: 0, reinforcements: [],
        servedWeightedKWh: 0, restorationUSDPerYear: 0, budgetExcessUSD: 0, clusterStationExcess: 0,
        longRangeStationExcess: 0, coverageShortfall: 0.5, unservedEV: 200, violationNames: ["coverage", "unserved_ev"]),
    HandRow(
        plan: "100", travelTime: 40_660, z2: 5.0 / 6, spots: [3, 0, 0], evFlows: [110, 0, 0], lanes12: 2, stationsUSD: 163_000,
        spotsUSD: 9_480, lanesUSD: 1_000_000, substationKVA: 233, substationUSD: 0, linesUSD: 0, reinforcements: [],
        servedWeightedKWh: 1_000, restorationUSDPerYear: 10_000, budgetExcessUSD: 0, clusterStationExcess: 0,
        longRangeStationExcess: 0, coverageShortfall: 0, unservedEV: 90, violationNames: ["unserved_ev"]),
    HandRow(
        plan: "010", travelTime: 45_715, z2: 5.0 / 6, spots: [0, 6, 0], evFlows: [0, 200, 0], lanes12: 2, stationsUSD: 163_000,
        spotsUSD: 18_960, lanesUSD: 1_000_000, substationKVA: 266, substationUSD: 80_000, linesUSD: 200_000,
        reinforcements: ["20-30 x1"], servedWeightedKWh: 1_000, restorationUSDPerYear: 10_000, budgetExcessUSD: 0,
        clusterStationExcess: 0, longRangeStationExcess: 0, coverageShortfall: 0, unservedEV: 0, violationNames: []),
    HandRow(
        plan: "110", travelTime: 45_715, z2: 5.0 / 6, spots: [4, 6, 0], evFlows: [140, 200, 0], lanes12: 2, stationsUSD: 326_000,
        spotsUSD: 31_600, lanesUSD: 1_000_000, substationKVA: 310, substationUSD: 300_000, linesUSD: 200_000,
        reinforcements: ["20-30 x1"], servedWeightedKWh: 1_100, restorationUSDPerYear: 11_000, budgetExcessUSD: 57_600,
        clusterStationExcess: 1, longRangeStationExcess: 0, coverageShortfall: 0, unservedEV: 0,
        violationNames: ["budget", "cluster_cap"]),
    HandRow(
        plan: "001", travelTime: 44_725, z2: 0.5, spots: [0, 0, 4], evFlows: [0, 0, 140], lanes12: 1, stationsUSD: 163_000, spotsUSD: 12_640,
        lanesUSD: 500_000, substationKVA: 244, substationUSD: 0, linesUSD: 0, reinforcements: [],
        servedWeightedKWh: 1_000, restorationUSDPerYear: 10_000, budgetExcessUSD: 0, clusterStationExcess: 0,
        longRangeStationExcess: 0, coverageShortfall: 0.5, unservedEV: 60, violationNames: ["coverage", "unserved_ev"]),
    HandRow(
        plan: "101", travelTime: 48_220, z2: 4.0 / 3, spots: [5, 0, 2], evFlows: [170, 0, 90], lanes12: 2, stationsUSD: 326_000,
        spotsUSD: 22_120, lanesUSD: 1_000_000, substationKVA: 277, substationUSD: 135_000, linesUSD: 0,
        reinforcements: [], servedWeightedKWh: 1_100, restorationUSDPerYear: 11_000, budgetExcessUSD: 0,
        clusterStationExcess: 0, longRangeStationExcess: 0, coverageShortfall: 0, unservedEV: 0, violationNames: []),
    HandRow(
        plan: "011", travelTime: 45_340, z2: 4.0 / 3, spots: [0, 5, 0], evFlows: [0, 170, 30], lanes12: 2, stationsUSD: 326_000,
        spotsUSD: 15_800, lanesUSD: 1_000_000, substationKVA: 255, substationUSD: 25_000, linesUSD: 200_000,
        reinforcements: ["20-30 x1"], servedWeightedKWh: 1_100, restorationUSDPerYear: 11_000, budgetExcessUSD: 0,
        clusterStationExcess: 0, longRangeStationExcess: 0, coverageShortfall: 0, unservedEV: 0, violationNames: []),
    HandRow(
        plan: "111", travelTime: 45_340, z2: 4.0 / 3, spots: [3, 5, 0], evFlows: [110, 170, 30], lanes12: 2, stationsUSD: 489_000,
        spotsUSD: 25_280, lanesUSD: 1_000_000, substationKVA: 288, substationUSD: 190_000, linesUSD: 200_000,
        reinforcements: ["20-30 x1"], servedWeightedKWh: 1_100, restorationUSDPerYear: 11_000,
        budgetExcessUSD: 104_280, clusterStationExcess: 1, longRangeStationExcess: 0, coverageShortfall: 0,
        unservedEV: 0, violationNames: ["budget", "cluster_cap"]),
]

@Suite struct HandCaseTests {
    @Test func caseLoadsAsDesigned() throws {
        let c = tinyEvaluator.plannerCase
        #expect(c.network.nodeCount == 4 && c.network.links.count == 8)
        #expect(c.candidates.map(\.bus) == [20, 30, 30])
        #expect(c.candidates.map(\.busIndex) == [1, 2, 2])
        #expect(c.feeder.buses.map(\.number) == [10, 20, 30])
        #expect(c.feeder.buses.map(\.pKW) == [0, 100, 100])
        #expect(c.feeder.branches.map(\.ratingKVA) == [1000, 150])
        #expect(c.givenClusters == [0, 0, 0, 1])
    }

    @Test(arguments: handTable) func planMatchesTheHandTable(_ row: HandRow) throws {
        let workspace = try tinyEvaluator.makeWorkspace()
        let e = try tinyEvaluator.evaluate(Plan(bitString: row.plan, siteCount: 3), in: workspace)

        // Objective 1: UE travel time (and its money value with omega = 10^4).
        #expect(abs(e.objectives.travelTimeVehMin - row.travelTime) <= 1e-7 * row.travelTime)
        #expect(abs(e.objectives.travelTimeCostUSD - row.travelTime * 10_000) <= 1e-7 * row.travelTime * 10_000)
        // Objective 2: Z2.
        #expect(abs(e.objectives.utilityZ2 - row.z2) <= 1e-12)
        // Objective 3: investment, item by item.
        #expect(abs(e.costs.stationsUSD - row.stationsUSD) <= 1e-6)
        #expect(abs(e.costs.spotsUSD - row.spotsUSD) <= 1e-6)
        #expect(abs(e.costs.lanesUSD - row.lanesUSD) <= 1e-6)
        #expect(abs(e.costs.substationUSD - row.substationUSD) <= 0.01)
        #expect(abs(e.costs.linesUSD - row.linesUSD) <= 1e-6)
        #expect(abs(e.objectives.investmentUSD - row.investmentUSD) <= 0.01)
        // Objective 4: restoration value.
        let restoration = try #require(e.objectives.restorationUSDPerYear)
        #expect(abs(restoration - row.restorationUSDPerYear) <= 1e-9 * max(1, row.restorationUSDPerYear))
        #expect(e.restoration.count == 1)
        if let scenario = e.restoration.first {
            #expect(abs(scenario.servedWithPlan - row.servedWeightedKWh) <= 1e-9 * max(1, row.servedWeightedKWh))
            #expect(scenario.servedWithout == 0)
        }

        // What explains the numbers: spots, lanes, feeder loads.
        var spots = [0, 0, 0]
        var evFlows = [0.0, 0, 0]
        for station in e.stations {
            spots[station.site - 1] = station.spots
            evFlows[station.site - 1] = station.evFlowVehPerH
            // 22 kW per spot at simultaneity 0.5.
            #expect(abs(station.loadKW - 11 * Double(station.spots)) <= 1e-9)
        }
        #expect(spots == row.spots)
        for (got, want) in zip(evFlows, row.evFlows) { #expect(abs(got - want) <= 1e-6) }
        #expect(abs(e.grid.stationLoadKW - 11 * Double(row.spots.reduce(0, +))) <= 1e-9)
        #expect(e.traffic.wardropGap <= 1e-9)
        #expect(abs(e.traffic.unservedConventionalVehPerH) <= 1e-6)
        let lanes12 = e.traffic.lanes.first { $0.fromNode == 1 && $0.toNode == 2 }?.lanes ?? 0
        #expect(lanes12 == row.lanes12)
        #expect(e.traffic.lanes.allSatisfy { $0.fromNode == 1 && $0.toNode == 2 })
        #expect(abs((e.grid.substationLoadKVA ?? -1) - row.substationKVA) <= 1e-6)
        #expect(e.grid.reinforcements == row.reinforcements)
        #expect(e.grid.feasible)

        // Violations, by value and by name.
        let v = e.violations
        #expect(abs(v.budgetExcessUSD - row.budgetExcessUSD) <= 0.01)
        #expect(v.clusterStationExcess == row.clusterStationExcess)
        #expect(v.longRangeStationExcess == row.longRangeStationExcess)
        #expect(v.sparseClusterStations == 0 && v.weakLinkStations == 0 && v.gridLimitViolations == 0)
        #expect(abs(v.coverageShortfall - row.coverageShortfall) <= 1e-12)
        #expect(abs(v.unservedEVVehPerH - row.unservedEV) <= 1e-6)
        #expect(v.names == row.violationNames)
        #expect(e.traffic.evPairsWithoutRoute == row.evPairsWithoutRoute)
        // Scaled for constraint-domination: budget share of B, counts, shortfall, share of
        // the 200 veh/h of EV demand.
        let scaled = tinyEvaluator.scaledViolations(e)
        let want = [
            row.budgetExcessUSD / 1_800_000, Double(row.clusterStationExcess), Double(row.longRangeStationExcess), 0, 0,
            row.coverageShortfall, row.unservedEV / 200, 0,
        ]
        #expect(scaled.count == want.count)
        for (got, expected) in zip(scaled, want) { #expect(abs(got - expected) <= 1e-9) }
        #expect(e.isFeasible == row.violationNames.isEmpty)
    }

    /// The exact front is the non-dominated subset of the hand table's feasible plans:
    /// 010, 101 and 011 are feasible and none dominates another (docs/hand-case.md).
    @Test func exactFrontIsTheHandFront() throws {
        let front = try ExactFront.enumerate(tinyEvaluator, threads: 1)
        let feasible = handTable.filter { $0.violationNames.isEmpty }
        let hand = ParetoFilter.nonDominated(feasible.map { row in
            (try! Plan(bitString: row.plan, siteCount: 3).mask,
             [row.travelTime, -row.z2, row.investmentUSD, -row.restorationUSDPerYear])
        })
        #expect(hand.map(\.mask) == [2, 5, 6])
        #expect(front.front.map(\.mask).sorted() == hand.map(\.mask).sorted())
        for (mask, objectives) in front.front {
            let row = try #require(hand.first { $0.mask == mask })
            for (got, want) in zip(objectives, row.objectives) {
                #expect(abs(got - want) <= 1e-7 * max(1, abs(want)))
            }
        }
        // 000, 100 and 001 strand some EV pair, and 110 and 111 break the cluster cap:
        // all five are recognised before the LP.
        #expect(front.counts.plans == 8)
        #expect(front.counts.rangeInfeasible == 3)
        #expect(front.counts.smallWorldInfeasible == 2)
        #expect(front.counts.evaluated == 3)
        #expect(front.counts.feasible == 3)
        // The same front with two threads (each with its own workspace).
        let parallel = try ExactFront.enumerate(tinyEvaluator, threads: 2)
        #expect(parallel.front.map(\.mask).sorted() == front.front.map(\.mask).sorted())
    }

    /// Z2's parts: clusters {1,2,3} and {4}, long-range roads 3-4 and 1-4, from the flows
    /// with every site built (1-2: 440, 2-3: 680, 3-4: 240, 1-4: 120 veh/h).
    @Test func utilityParts() throws {
        let model = tinyEvaluator.clusterModel
        #expect(model.labels == [0, 0, 0, 1])
        // Hull buffer = half the median Euclidean road length (16, 30, 30, 62.1 km) = 15 km;
        // cluster 1 is a 60 km segment: area 2 × 60 × 15 + π 15²; cluster 2 a point: π 15².
        #expect(model.areaBuffer == 15)
        let circle = Double.pi * 225
        #expect(abs(model.clusters[0].area - (1_800 + circle)) <= 1e-9)
        #expect(abs(model.clusters[1].area - circle) <= 1e-9)
        #expect(abs(model.clusters[0].density - 1_120 / (1_800 + circle)) <= 1e-12)
        #expect(model.clusters[1].density == 0)
        #expect(abs(model.clusters[0].connectivity - 2.0 / 3) <= 1e-12)
        #expect(abs(model.clusters[0].utility - 5.0 / 6) <= 1e-12)
        #expect(model.clusters[1].utility == 0)
        let links = model.longRangeLinks.map { (model.graph.edges[$0.edge], $0.flow, $0.utility) }
        #expect(links.count == 2)
        for (edge, flow, utility) in links {
            let nodes = Set([edge.u, edge.v])
            if nodes == [2, 3] {  // road 3-4 (0-based nodes)
                #expect(abs(flow - 240) <= 1e-6 && abs(utility - 1) <= 1e-12)
            } else {
                #expect(nodes == [0, 3])  // road 1-4
                #expect(abs(flow - 120) <= 1e-6 && abs(utility - 0.5) <= 1e-12)
            }
        }
    }

    /// Islands by damage, through the whole evaluator: with branch 20-30 out, a fleet serves
    /// only its own bus (bus 20: 100 kWh residential = 100; bus 30: the hospital = 1,000);
    /// with bus 30 destroyed, its load and any fleet parked there are lost (bus 20's fleet
    /// still serves bus 20: 100). Plans: 100 (bus 20), 010 (bus 30), 101 and 111 (20 and
    /// 30, or 20, 30, 30).
    @Test(arguments: [
        ("branch 20-30 out", "20-30", "", [100.0, 1_000, 1_100, 1_100]),
        ("bus 30 destroyed", "", "30", [100, 0, 100, 100]),
    ])
    func restorationIslands(_ name: String, branches: String, buses: String, served: [Double]) throws {
        // The case with its scenario table rewritten, read back through the case loader.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try tinyEvaluator.plannerCase.export(to: folder)
        try """
            scenario,probability,start_hour,duration_h,damaged_branches,damaged_buses
            damaged,1.0,0,1,\(branches),\(buses)

            """.write(toFile: folder + "/restoration/scenarios.csv", atomically: true, encoding: .utf8)
        let evaluator = try PlanEvaluator(case: PlannerCase.load(manifestPath: folder + "/case.json"))
        let workspace = try evaluator.makeWorkspace()
        for (plan, weighted) in zip(["100", "010", "101", "111"], served) {
            let e = try evaluator.evaluate(Plan(bitString: plan, siteCount: 3), in: workspace)
            let value = try #require(e.objectives.restorationUSDPerYear)
            #expect(abs(value - 2 * 5 * weighted) <= 1e-9 * max(1, weighted), "\(name), plan \(plan)")
        }
    }

    /// One lane at most on 1→2 (capacity 400): beyond it the LP diverts 1→3 vehicles to
    /// route B, so π(1→2) is the detour, 80 − 60 = 20 min, and every 1→3 traveller's UE
    /// time is 80 min; plans 000 and 001 (330 veh/h) keep the fractional lane and π = 0.5.
    /// In 111 the diverted vehicles are EVs, which pass two stations on A and one on B, so
    /// π = 20 − η σ with σ = q2 / (ω a) = 3,160 / 30,000 min (docs/hand-case.md).
    @Test func laneAtItsMaximumPricesTheDetour() throws {
        var plannerCase = tinyEvaluator.plannerCase
        plannerCase.parameters.maxNewLanesPerLink = 1
        let evaluator = try PlanEvaluator(case: plannerCase)
        let workspace = try evaluator.makeWorkspace()
        let piIn111 = 20 - 0.1 * 3_160 / 30_000
        let expected: [(String, Double, Double)] = [
            ("000", 34_005, 200), ("100", 49_240, 90), ("010", 54_880, 0), ("110", 54_880, 0),
            ("001", 44_725, 60), ("101", 56_800, 0), ("011", 53_920, 0),
            ("111", 400 * (60 + piIn111) + 40 * 80 + 2_760 + 1_920 + 8_280 + 5_760, 0),
        ]
        for (plan, time, unserved) in expected {
            let e = try evaluator.evaluate(Plan(bitString: plan, siteCount: 3), in: workspace)
            #expect(abs(e.objectives.travelTimeVehMin - time) <= 1e-7 * time, "plan \(plan)")
            #expect(abs(e.violations.unservedEVVehPerH - unserved) <= 1e-6, "plan \(plan)")
            #expect(e.traffic.lanes == [PlanEvaluation.LaneAddition(fromNode: 1, toNode: 2, lanes: 1)], "plan \(plan)")
            #expect(abs(e.costs.lanesUSD - 500_000) <= 1e-6)
        }
    }

    /// With continuous pickup one fleet's 150 kWh serves the hospital (100 kWh, weight 10)
    /// and half the residential bus (50 kWh, weight 1): 1,050 weighted kWh, 10,500 USD/yr;
    /// two fleets still serve everything (1,100).
    @Test func continuousPickupServesPartOfALoad() throws {
        var plannerCase = tinyEvaluator.plannerCase
        plannerCase.parameters.continuousPickup = true
        let restoration = try plannerCase.restorationEvaluator()
        for (buses, served) in [([20], 1_050.0), ([30], 1_050), ([30, 30], 1_100), ([20, 30], 1_100), ([20, 30, 30], 1_100)] {
            let value = try restoration.value(stations: buses)
            #expect(abs(value.usdPerYear - 2 * 5 * served) <= 1e-9 * served, "stations at buses \(buses)")
        }
    }
}

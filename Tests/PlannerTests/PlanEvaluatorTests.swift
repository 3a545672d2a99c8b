import Testing

@testable import Planner

/// The built-in case's evaluator, built once for the suite (it solves two NdP LPs).
let builtInEvaluator: PlanEvaluator = {
    do { return try PlanEvaluator(case: PlannerCase.builtIn()) } catch { fatalError("\(error)") }
}()

@Suite struct PlanEvaluatorTests {
    let sites = 20

    @Test func emptyPlanViolatesTheEVDemandConstraint() throws {
        let workspace = try builtInEvaluator.makeWorkspace()
        let e = try builtInEvaluator.evaluate(Plan(mask: 0, siteCount: sites), in: workspace)
        #expect(e.violations.unservedEVVehPerH > 0)
        #expect(e.violations.names.contains("unserved_ev"))
        #expect(!e.isFeasible)
        // With no station every EV trip longer than 50 km is stranded: all but the
        // single-link 48-49 km trips.
        #expect(e.traffic.evPairsWithoutRoute > 100)
    }

    @Test func everyStationPlanIsFeasible() throws {
        let workspace = try builtInEvaluator.makeWorkspace()
        let e = try builtInEvaluator.evaluate(Plan(mask: (1 << 20) - 1, siteCount: sites), in: workspace)
        #expect(e.isFeasible, "\(e.violations.names)")
        #expect(e.traffic.unservedEVVehPerH < 1e-6)
        #expect(e.stations.count == 20)
    }

    /// The breakdown must add up to the objectives it explains.
    @Test func breakdownAddsUp() throws {
        let workspace = try builtInEvaluator.makeWorkspace()
        let e = try builtInEvaluator.evaluate(Plan(mask: 0b1011_0110_1101_1011_0111, siteCount: sites), in: workspace)
        let c = e.costs
        #expect(abs(c.stationsUSD - Double(e.stations.count) * 163_000) < 1e-6)
        #expect(abs(c.spotsUSD - Double(e.stations.reduce(0) { $0 + $1.spots }) * 3_160) < 1e-6)
        #expect(abs(e.objectives.investmentUSD - (c.stationsUSD + c.spotsUSD + c.lanesUSD + c.substationUSD + c.linesUSD)) < 1e-6)
        let p = builtInEvaluator.plannerCase.parameters
        let load = e.stations.reduce(0.0) { $0 + Double($1.spots) * p.powerPerSpotKW * p.simultaneity }
        #expect(abs(e.grid.stationLoadKW - load) < 1e-9)
        #expect(abs(e.objectives.travelTimeCostUSD - e.objectives.travelTimeVehMin * p.travelTimeValueOmega) < 1e-3)
        #expect(e.objectives.utilityZ2 == e.utility.z2)
    }

    /// A plan's evaluation must not depend on what its workspace solved before: this is
    /// what makes runs identical for any thread count.
    @Test func evaluationDoesNotDependOnHistory() throws {
        let plan = Plan(mask: 0b1111_1011_0111_1101_1110, siteCount: sites)
        let fresh = try builtInEvaluator.evaluate(plan, in: try builtInEvaluator.makeWorkspace())
        let used = try builtInEvaluator.makeWorkspace()
        var state: UInt64 = 12345
        for _ in 0..<15 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            _ = try builtInEvaluator.evaluate(Plan(mask: (state >> 20) & ((1 << 20) - 1), siteCount: sites), in: used)
        }
        let again = try builtInEvaluator.evaluate(plan, in: used)
        #expect(again == fresh)
    }
}

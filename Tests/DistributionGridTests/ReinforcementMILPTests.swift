import LinearProgramming
import Testing

@testable import DistributionGrid

/// The greedy reinforcement rule against the exact MILP bounds (GLPK).
@Suite struct ReinforcementMILPTests {
    struct Scenario: CustomTestStringConvertible, Sendable {
        var name: String
        var source: Double
        var stations: [(bus: Int, kW: Double)]
        var testDescription: String { name }
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "base case at 1.00 pu", source: 1.0, stations: []),
        Scenario(name: "1.5 MW at 18", source: 1.05, stations: [(18, 1500)]),
        Scenario(name: "2 MW at 33", source: 1.05, stations: [(33, 2000)]),
        Scenario(name: "1 MW at 18, 25, 33", source: 1.05, stations: [(18, 1000), (25, 1000), (33, 1000)]),
        Scenario(name: "0.8 MW at 14, 22, 30", source: 1.05, stations: [(14, 800), (22, 800), (30, 800)]),
        Scenario(name: "600 kW at 1.00 pu on 18 and 33", source: 1.0, stations: [(18, 600), (33, 600)]),
    ]

    @Test(arguments: scenarios)
    func greedyIsCloseToTheExactOptimum(scenario: Scenario) throws {
        let feeder = Fixture.case33bw
        let parameters = InvestmentParameters(sourceVoltage: scenario.source, substationCapacityKVA: 10_000, costPerCircuit: 100_000)
        var evaluator = try FeederInvestmentEvaluator(feeder: feeder, parameters: parameters)
        var loads = feeder.baseLoads
        for s in scenario.stations { loads.add(StationLoad(bus: feeder.bus(s.bus), pKW: s.kW, powerFactor: 0.95)) }
        let greedy = evaluator.evaluate(loads: loads)
        let optimum = try evaluator.optimalReinforcement(loads: loads)
        #expect(greedy.isFeasible)
        #expect(optimum.firstLowerBound <= optimum.cost + 1e-6)
        #expect(optimum.cost <= greedy.lineCost + 1e-6)
        // The optimal plan passes the exact check.
        var check = DistFlowSolver(feeder: feeder)
        for (b, added) in optimum.plan.enumerated() where added > 0 { check.setCircuits(1 + added, onBranch: b) }
        let s = try check.solveSummary(loads: loads, sourceVoltage: scenario.source)
        #expect(s.minVoltage >= 0.95 * (1 - 1e-12))
        let gap = (greedy.lineCost - optimum.cost) / max(optimum.cost, 1)
        print("reinforcement gap \(scenario.name): greedy \(greedy.lineCost) optimum \(optimum.cost) first bound \(optimum.firstLowerBound) rounds \(optimum.rounds) gap \(gap)")
    }
}

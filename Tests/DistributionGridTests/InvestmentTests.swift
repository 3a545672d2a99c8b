import LinearProgramming
import Testing

@testable import DistributionGrid

@Suite struct InvestmentTests {
    static func parameters(source: Double, capacity: Double = 5000) -> InvestmentParameters {
        InvestmentParameters(sourceVoltage: source, substationCapacityKVA: capacity, costPerCircuit: 100_000)
    }

    @Test func emptyPlanOnAFeasibleBaseCaseCostsNothing() throws {
        let feeder = Fixture.case33bw
        var evaluator = try FeederInvestmentEvaluator(feeder: feeder, parameters: Self.parameters(source: 1.05))
        let result = evaluator.evaluate(stations: [])
        #expect(result.totalCost == 0)
        #expect(result.isFeasible)
        #expect(result.reinforcements.isEmpty)
        #expect(abs(result.minVoltageBefore! - 0.96788) < 1e-5)
        #expect(result.minVoltageAfter == result.minVoltageBefore)
    }

    @Test func substationIsPricedFromTheExactFlow() throws {
        let feeder = Fixture.case33bw
        // Capacity just under the exact base load at 1.05 pu (3896.20 kW, 2420.79 kVAr).
        var evaluator = try FeederInvestmentEvaluator(feeder: feeder, parameters: Self.parameters(source: 1.05, capacity: 4500))
        let result = evaluator.evaluate(stations: [])
        let exactKVA = (3896.1998 * 3896.1998 + 2420.7934 * 2420.7934).squareRoot()
        #expect(abs(result.substationLoadKVA! - exactKVA) < 1e-3)
        #expect(abs(result.substationExpansionKVA - (exactKVA - 4500)) < 1e-3)
        #expect(abs(result.substationCost - 5000 * (exactKVA - 4500)) < 5)
        #expect(result.lineCost == 0)
    }

    @Test func costGrowsMonotonicallyWithStationLoad() throws {
        let feeder = Fixture.case33bw
        for bus in [18, 25, 33] {
            var evaluator = try FeederInvestmentEvaluator(feeder: feeder, parameters: Self.parameters(source: 1.05))
            var previous = -1.0
            var previousLine = -1.0
            for step in 0...30 {
                let station = StationLoad(bus: feeder.bus(bus), pKW: Double(step) * 100, powerFactor: 0.95)
                let result = evaluator.evaluate(stations: [station])
                #expect(result.isFeasible, "bus \(bus), \(step * 100) kW")
                #expect(result.totalCost >= previous, "bus \(bus), \(step * 100) kW: \(result.totalCost) < \(previous)")
                #expect(result.lineCost >= previousLine, "bus \(bus), \(step * 100) kW")
                previous = result.totalCost
                previousLine = result.lineCost
            }
            #expect(previous > 0)
        }
    }

    @Test func reinforcementFixesTheBaseCaseAtOnePerUnit() throws {
        let feeder = Fixture.case33bw
        var evaluator = try FeederInvestmentEvaluator(feeder: feeder, parameters: Self.parameters(source: 1.0))
        let result = evaluator.evaluate(stations: [])
        #expect(result.isFeasible)
        #expect(result.minVoltageAfter! >= 0.95)
        #expect(abs(result.minVoltageBefore! - 0.91309) < 1e-5)
        #expect(result.lineCost > 0)
        // The reported circuits, applied to a fresh solver, reproduce the feasible flow.
        var check = DistFlowSolver(feeder: feeder)
        for r in result.reinforcements { check.setCircuits(1 + r.addedCircuits, onBranch: r.branch) }
        let s = try check.solveSummary(loads: feeder.baseLoads, sourceVoltage: 1.0)
        let after = try result.after.get()
        // Within the sweep tolerance (the evaluator re-solves from warm starts).
        #expect(abs(s.minVoltage - after.minVoltage) < 1e-9 && abs(s.lossesKW - after.lossesKW) < 1e-6)
    }

    @Test func loadBeyondLoadabilityIsReinforcedUntilSolvable() throws {
        let feeder = Fixture.case33bw
        var evaluator = try FeederInvestmentEvaluator(feeder: feeder, parameters: Self.parameters(source: 1.05))
        let result = evaluator.evaluate(stations: [StationLoad(bus: feeder.bus(18), pKW: 3000, powerFactor: 1)])
        guard case .failure(.voltageCollapse) = result.before else {
            Issue.record("expected no solution before reinforcement, got \(result.before)")
            return
        }
        #expect(result.minVoltageBefore == nil)
        #expect(result.isFeasible)
        #expect(result.minVoltageAfter! >= 0.95)
    }

    @Test func ratingsAreReinforcedAndUnfixableLimitsReported() throws {
        // A 3-bus chain whose first branch is rated below its flow.
        let feeder = try Feeder(
            name: "rated", baseKV: 12.66, baseMVA: 10,
            buses: [.init(number: 1, pKW: 0, qKVAr: 0), .init(number: 2, pKW: 800, qKVAr: 300), .init(number: 3, pKW: 900, qKVAr: 400)],
            branches: [.init(from: 0, to: 1, rOhm: 0.1, xOhm: 0.05, ratingKVA: 700), .init(from: 1, to: 2, rOhm: 0.2, xOhm: 0.1, ratingKVA: 2000)],
            substation: 0)
        var evaluator = try FeederInvestmentEvaluator(feeder: feeder, parameters: Self.parameters(source: 1.0))
        let result = evaluator.evaluate(loads: feeder.baseLoads)
        // About 1,860 kVA on a 700 kVA circuit: 3 circuits.
        #expect(result.reinforcements == [.init(branch: 0, addedCircuits: 2, cost: 200_000)])
        #expect(result.isFeasible)

        var tight = Self.parameters(source: 1.0)
        tight.maxAddedCircuitsPerBranch = 1
        var limited = try FeederInvestmentEvaluator(feeder: feeder, parameters: tight)
        let stuck = limited.evaluate(loads: feeder.baseLoads)
        #expect(!stuck.isFeasible)
        guard case .overload(branch: 0, let loading, let rating)? = stuck.violations.first else {
            Issue.record("expected an overload on branch 1, got \(stuck.violations)")
            return
        }
        #expect(abs(rating - 1400) < 1e-9 && loading > 1800)
        #expect(stuck.violationMagnitude > 0.3)

        var high = Self.parameters(source: 1.06)
        high.voltageBand = 0.95...1.05
        var above = try FeederInvestmentEvaluator(feeder: feeder, parameters: high)
        #expect(above.evaluate(loads: feeder.baseLoads).violations.contains(.overvoltage(bus: 0, voltage: 1.06)))
    }

    @Test func perKilometreCostsNeedLengths() throws {
        var p = Self.parameters(source: 1.05)
        p.costPerCircuitKM = 50_000
        #expect(throws: FeederError.self) { try FeederInvestmentEvaluator(feeder: Fixture.case33bw, parameters: p) }
    }
}

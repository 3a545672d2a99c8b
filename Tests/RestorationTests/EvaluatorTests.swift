import LinearProgramming
import Testing

@testable import Restoration

@Suite("Evaluator and fast heuristic")
struct EvaluatorTests {
    static let valuation = RestorationValuation(stormsPerYear: 2, usdPerWeightedKWh: 5)

    /// A few fault patterns on the 33-bus feeder (seed 001's scenario 2 and three others).
    static let scenarios: [FaultScenario] = [
        RestorationReferenceCase.seed001Scenario2(),
        FaultScenario(
            name: "a", probability: 1, startHour: 20, durationHours: 8,
            damagedBranches: [BusPair(16, 17), BusPair(31, 32), BusPair(32, 33), BusPair(4, 5), BusPair(9, 15)],
            damagedBuses: []),
        FaultScenario(
            name: "b", probability: 1, startHour: 12, durationHours: 8,
            damagedBranches: [BusPair(10, 11), BusPair(12, 13), BusPair(8, 9)], damagedBuses: [7]),
        FaultScenario(
            name: "c", probability: 1, startHour: 8, durationHours: 8,
            damagedBranches: [BusPair(27, 28), BusPair(9, 15)], damagedBuses: []),
    ]

    @Test("value is zero without fleets and never negative")
    func valueSigns() throws {
        var scenarios = Self.scenarios
        for k in scenarios.indices { scenarios[k].probability = 1 / Double(scenarios.count) }
        let evaluator = try RestorationEvaluator(
            system: RestorationReferenceCase.system(), scenarios: scenarios, valuation: Self.valuation)
        #expect(try evaluator.value(stations: []).usdPerYear == 0)
        for stations in [[25], [22], [5, 24], [17], [31, 21], [30, 30, 2]] {
            let value = try evaluator.value(stations: stations)
            #expect(value.usdPerYear >= 0)
            for entry in value.perScenario {
                #expect(entry.withFleets.weightedEnergyKWh >= entry.withoutFleets.weightedEnergyKWh - 1e-9)
            }
        }
    }

    @Test("plan value = storms x sum p_s x gain x price, cached by station multiset")
    func planValue() throws {
        let scenario = RestorationReferenceCase.seed001Scenario2()
        let evaluator = try RestorationEvaluator(
            system: RestorationReferenceCase.system(), scenarios: [scenario], valuation: Self.valuation)
        let value = try evaluator.value(stations: [25])
        // Fleet at 25 with ties switchable: 38,153 - 24,640 weighted kWh (the heuristic
        // reaches the exact value here), 2 storms, 5 USD.
        #expect(abs(value.usdPerYear - 2 * (38_152.6 - 24_639.6) * 5) < 1)
        _ = try evaluator.value(stations: [25])
        #expect(evaluator.cacheStatistics.outcomeHits == 1)
        // Order does not matter: [18, 25] and [25, 18] are one key.
        _ = try evaluator.outcome(scenario: 0, stations: [18, 25])
        _ = try evaluator.outcome(scenario: 0, stations: [25, 18])
        #expect(evaluator.cacheStatistics.outcomeHits == 2)
    }

    @Test("the value without outcomes equals the value with them, bit for bit")
    func energyValueMatchesValue() throws {
        var scenarios = Self.scenarios
        for k in scenarios.indices { scenarios[k].probability = Double(k + 1) / 10 }
        let system = RestorationReferenceCase.system()
        // Two evaluators, so that neither path reads what the other cached.
        let light = try RestorationEvaluator(system: system, scenarios: scenarios, valuation: Self.valuation)
        let full = try RestorationEvaluator(system: system, scenarios: scenarios, valuation: Self.valuation)
        for stations in [[], [25], [22], [5, 24], [17], [31, 21], [30, 30, 2], [33, 18, 25, 22]] {
            let energy = try light.energyValue(stations: stations)
            let value = try full.value(stations: stations)
            #expect(energy.usdPerYear.bitPattern == value.usdPerYear.bitPattern)
            #expect(energy.perScenario.count == value.perScenario.count)
            for (e, v) in zip(energy.perScenario, value.perScenario) {
                #expect(e.scenario == v.scenario && e.probability == v.probability)
                #expect(e.withFleetsWeightedKWh.bitPattern == v.withFleets.weightedEnergyKWh.bitPattern)
                #expect(e.withoutFleetsWeightedKWh.bitPattern == v.withoutFleets.weightedEnergyKWh.bitPattern)
            }
            // The light evaluator's outcomes, asked for afterwards, agree with its values.
            for s in scenarios.indices {
                #expect(
                    try light.outcome(scenario: s, stations: stations).weightedEnergyKWh.bitPattern
                        == light.weightedEnergyKWh(scenario: s, stations: stations).bitPattern)
            }
        }
    }

    @Test("fast solutions are feasible in the reference model and below the exact bound")
    func fastIsFeasible() throws {
        let system = RestorationReferenceCase.system()
        for (scenario, stations) in zip(Self.scenarios, [[25], [24, 5], [28, 13, 2], [23]]) {
            let instance = try ScenarioInstance(system: system, scenario: scenario, stations: stations)
            for component in instance.components {
                let fast = FastComponentEvaluator(component: component).evaluate(floor: nil)
                #expect(try Self.isFeasible(fast, in: component), "\(scenario.name) \(stations) component \(component.busIDs)")
                // The exact solution passes the same check (its hours come from separate MILPs).
                let exact = try ExactComponentSolver(component: component, limits: ExactSolveLimits(maxSeconds: 10))
                    .solve(pickup: .binary, start: fast)
                #expect(try Self.isFeasible(exact, in: component), "exact: \(scenario.name) \(stations)")
                #expect(exact.value >= fast.value - 1e-6)
            }
        }
        // Below the exact bound (a feasible point cannot beat the optimum).
        let scenario = Self.scenarios[3]
        let exact = try ExactRestoration.solve(system, scenario: scenario, stations: [23])
        let evaluator = try RestorationEvaluator(system: system, scenarios: [scenario], valuation: Self.valuation)
        let fast = try evaluator.outcome(scenario: 0, stations: [23])
        #expect(fast.weightedEnergyKWh <= exact.upperBound! + 1e-6)
    }

    /// Fixes a solution's switching and pickups in the full-horizon reference model and
    /// asks the LP whether a dispatch exists (voltages, P/Q balance, limits, energy).
    static func isFeasible(_ solution: ComponentSolution, in component: RestorationComponent) throws -> Bool {
        let model = ComponentModel(
            component: component, hours: Array(0..<component.hourCount),
            pickup: .fixed(solution.operations.map(\.pickup)), energyBudgets: true)
        var program = model.program
        for (k, e) in component.freeEdges.enumerated() {
            if let y = model.edgeVariable[k] {
                let state = solution.closedEdges[e] ? 1.0 : 0.0
                program.setBounds(ofVariable: y, lower: state, upper: state)
            }
        }
        for (k, bus) in component.rootCandidates.enumerated() {
            if let r = model.rootVariable[k] {
                let state = solution.rootBuses[bus] ? 1.0 : 0.0
                program.setBounds(ofVariable: r, lower: state, upper: state)
            }
        }
        let result = Result { try LPSolver(program, backend: program.hasIntegers ? .glpk : .clp).solve() }
        if case .failure(let error) = result, let lpError = error as? LPError, lpError == .infeasible { return false }
        _ = try result.get()
        return true
    }

    @Test("station on a damaged bus is idle and worth nothing")
    func idleStation() throws {
        let scenario = Self.scenarios[2]
        let evaluator = try RestorationEvaluator(
            system: RestorationReferenceCase.system(), scenarios: [scenario], valuation: Self.valuation)
        let outcome = try evaluator.outcome(scenario: 0, stations: [7])
        #expect(outcome.idleStations == [7])
        #expect(try evaluator.value(stations: [7]).usdPerYear == 0)
    }
}

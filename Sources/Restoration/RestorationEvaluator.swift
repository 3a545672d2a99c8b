import Foundation
import InputParsing

/// How served energy is turned into money.
public struct RestorationValuation: Sendable, Equatable {
    /// N_H: storms per year.
    public var stormsPerYear: Double
    /// Money per VOLL-weighted kWh served (USD per kWh at weight 1).
    public var usdPerWeightedKWh: Double

    /// A valuation with N_H storms per year and a price per weighted kWh.
    public init(stormsPerYear: Double, usdPerWeightedKWh: Double) {
        self.stormsPerYear = stormsPerYear
        self.usdPerWeightedKWh = usdPerWeightedKWh
    }
}

/// The restoration value of a plan in one scenario.
public struct ScenarioRestorationValue: Sendable, Equatable {
    /// Scenario name.
    public var scenario: String
    /// Scenario probability given a storm.
    public var probability: Double
    /// Restoration with the plan's fleets and with none.
    public var withFleets: RestorationOutcome
    public var withoutFleets: RestorationOutcome

    /// VOLL-weighted kWh the fleets add (never negative: the fleets may stay idle).
    public var gainWeightedKWh: Double { max(withFleets.weightedEnergyKWh - withoutFleets.weightedEnergyKWh, 0) }
}

/// The restoration value of a plan: N_H × Σ_s p_s × (weighted kWh with fleets − without) × price.
public struct PlanRestorationValue: Sendable, Equatable {
    /// USD per year.
    public var usdPerYear: Double
    /// The breakdown by scenario.
    public var perScenario: [ScenarioRestorationValue]
}

/// The VOLL-weighted kWh of one scenario with a plan's fleets and with none.
public struct ScenarioRestorationEnergy: Sendable, Equatable {
    /// Scenario name.
    public var scenario: String
    /// Scenario probability given a storm.
    public var probability: Double
    /// VOLL-weighted kWh served with the plan's fleets and with none.
    public var withFleetsWeightedKWh: Double
    public var withoutFleetsWeightedKWh: Double

    /// VOLL-weighted kWh the fleets add (never negative: the fleets may stay idle).
    public var gainWeightedKWh: Double { max(withFleetsWeightedKWh - withoutFleetsWeightedKWh, 0) }
}

/// A plan's restoration value with the weighted kWh of each scenario but not the outcomes
/// (islands, hourly service): what an optimisation needs of ``PlanRestorationValue``.
public struct PlanRestorationEnergy: Sendable, Equatable {
    /// USD per year.
    public var usdPerYear: Double
    /// The weighted kWh by scenario.
    public var perScenario: [ScenarioRestorationEnergy]
}

/// Restoration values of station sets over a fixed list of fault scenarios, cached.
///
/// The value depends only on the multiset of station buses and the scenario, so results
/// are cached by that key, and below it by (scenario, component, stations in the
/// component): a component without stations keeps its no-fleet solution. No-fleet
/// solutions are exact and computed once per scenario when the evaluator is built; the
/// fast method starts from them, so a plan is never worth less than no plan.
///
/// An optimisation asks for `energyValue(stations:)`: the same numbers as
/// `value(stations:)` without assembling each scenario's outcome (islands, hourly service),
/// which costs about a sixth more per new station set and memory per cached set.
///
/// Safe to call from several threads; results do not depend on the calling order.
public final class RestorationEvaluator: @unchecked Sendable {
    /// The feeder, its assets and options.
    public let system: RestorationSystem
    /// The fault scenarios, in the order of `outcome(scenario:stations:)`.
    public let scenarios: [FaultScenario]
    /// Storms per year and price.
    public let valuation: RestorationValuation
    /// Fast heuristic or exact MILP for station sets.
    public let method: RestorationMethod
    /// Limits of the exact solves (the no-fleet baselines always use them).
    public let limits: ExactSolveLimits

    private let bases: [ScenarioBase]
    /// Exact no-fleet solutions per scenario and base component (nil: no grid-forming source).
    private let baselines: [[(RestorationComponent, ComponentSolution)?]]
    /// Islands of each baseline solution, computed once (outcomes reuse them).
    private let baselineIslands: [[[RestorationIsland]?]]
    private let baselineOutcomes: [RestorationOutcome]
    private let lock = NSLock()
    private var outcomes: [OutcomeKey: RestorationOutcome] = [:]
    /// Weighted kWh of station sets asked for without their outcome.
    private var energies: [OutcomeKey: Double] = [:]
    private var componentSolutions: [ComponentKey: (RestorationComponent, ComponentSolution)] = [:]
    /// Values of fast component solutions asked for without the solution.
    private var componentValues: [ComponentKey: Double] = [:]
    private var counters = CacheStatistics()
    /// Spanning forests with their drop tables per (scenario, component, root): they depend
    /// on the component's branches, not on its stations, so station sets share them.
    private var forestCache: [ForestKey: ForestGeometry] = [:]

    /// Cache use so far.
    public struct CacheStatistics: Sendable, Equatable {
        /// Outcome lookups answered from the cache, and computed.
        public var outcomeHits = 0
        public var outcomeMisses = 0
        /// Component evaluations answered from the cache, and computed.
        public var componentHits = 0
        public var componentMisses = 0
    }

    /// Cache keys hash their station lists once: a dictionary hashes every key again each
    /// time it grows, and these caches grow throughout an optimisation.
    private struct OutcomeKey: Hashable {
        let scenario: Int
        let stations: [Int]
        let hash: Int

        init(scenario: Int, stations: [Int]) {
            self.scenario = scenario
            self.stations = stations
            var hasher = Hasher()
            hasher.combine(scenario)
            hasher.combine(stations)
            hash = hasher.finalize()
        }

        static func == (a: Self, b: Self) -> Bool {
            a.hash == b.hash && a.scenario == b.scenario && a.stations == b.stations
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    private struct ForestKey: Hashable {
        var scenario: Int
        var component: Int
        var root: Int
    }

    /// The shared forest of component `id` of scenario `index` rooted at `root` (built once).
    private func forest(_ index: Int, _ id: Int, _ root: Int, _ component: RestorationComponent) -> ForestGeometry {
        let key = ForestKey(scenario: index, component: id, root: root)
        lock.lock()
        if let known = forestCache[key] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let built = ForestGeometry(component: component, roots: [root])
        lock.lock()
        defer { lock.unlock() }
        // Another thread may have built it meanwhile: keep one (both are the same).
        if let known = forestCache[key] { return known }
        forestCache[key] = built
        return built
    }

    private struct ComponentKey: Hashable {
        let scenario: Int
        let component: Int
        let stations: [Int]
        let hash: Int

        init(scenario: Int, component: Int, stations: [Int]) {
            self.scenario = scenario
            self.component = component
            self.stations = stations
            var hasher = Hasher()
            hasher.combine(scenario)
            hasher.combine(component)
            hasher.combine(stations)
            hash = hasher.finalize()
        }

        static func == (a: Self, b: Self) -> Bool {
            a.hash == b.hash && a.scenario == b.scenario && a.component == b.component && a.stations == b.stations
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    /// Prepares the scenarios and solves each one without fleets (exactly).
    ///
    /// - Throws: `InputError` if a scenario does not fit the network; `LPError` if a
    ///   no-fleet solve fails.
    public init(
        system: RestorationSystem, scenarios: [FaultScenario], valuation: RestorationValuation,
        method: RestorationMethod = .fast, limits: ExactSolveLimits = ExactSolveLimits()
    ) throws {
        self.system = system
        self.scenarios = scenarios
        self.valuation = valuation
        self.method = method
        self.limits = limits
        var bases: [ScenarioBase] = []
        var baselines: [[(RestorationComponent, ComponentSolution)?]] = []
        var baselineOutcomes: [RestorationOutcome] = []
        for scenario in scenarios {
            let base = try ScenarioBase(system: system, scenario: scenario)
            var solved: [(RestorationComponent, ComponentSolution)?] = []
            for id in base.members.indices {
                if let component = base.component(id, stations: []) {
                    let start = FastComponentEvaluator(component: component, pickup: system.options.pickup)
                        .evaluate(floor: nil)
                    let solution = try ExactComponentSolver(component: component, limits: limits).solve(
                        pickup: system.options.pickup, start: start)
                    solved.append((component, solution))
                } else {
                    solved.append(nil)
                }
            }
            let instance = try ScenarioInstance(base: base, stations: [], name: scenario.name)
            baselineOutcomes.append(
                RestorationOutcome(
                    scenario: scenario, stations: [], instance: instance, solutions: solved.compactMap { $0 },
                    method: .exact, exact: true))
            bases.append(base)
            baselines.append(solved)
        }
        self.bases = bases
        self.baselines = baselines
        baselineIslands = baselines.map { scenario in
            scenario.map { $0.map { RestorationOutcome.islands(of: $0.0, $0.1) } }
        }
        self.baselineOutcomes = baselineOutcomes
    }

    /// Cache use so far.
    public var cacheStatistics: CacheStatistics {
        lock.lock()
        defer { lock.unlock() }
        return counters
    }

    /// Restoration of scenario `index` with one fleet per entry of `stations` (bus ids).
    public func outcome(scenario index: Int, stations: [Int]) throws -> RestorationOutcome {
        let sorted = stations.sorted()
        if sorted.isEmpty { return baselineOutcomes[index] }
        let key = OutcomeKey(scenario: index, stations: sorted)
        lock.lock()
        if let hit = outcomes[key] {
            counters.outcomeHits += 1
            lock.unlock()
            return hit
        }
        counters.outcomeMisses += 1
        lock.unlock()

        let (solutions, knownIslands, idle) = try componentSolutions(scenario: index, stations: sorted)
        var result = RestorationOutcome(
            scenario: scenarios[index], stations: sorted, hours: bases[index].hours, idle: idle.sorted(),
            solutions: solutions, method: method, exact: method == .exact, knownIslands: knownIslands)
        result.stations = sorted
        lock.lock()
        outcomes[key] = result
        lock.unlock()
        return result
    }

    /// VOLL-weighted kWh served in scenario `index` with one fleet per entry of `stations`:
    /// `outcome(scenario:stations:).weightedEnergyKWh`, bit for bit, without assembling the
    /// outcome's islands and hourly tables (the optimisation needs only this number).
    public func weightedEnergyKWh(scenario index: Int, stations: [Int]) throws -> Double {
        let sorted = stations.sorted()
        if sorted.isEmpty { return baselineOutcomes[index].weightedEnergyKWh }
        let key = OutcomeKey(scenario: index, stations: sorted)
        lock.lock()
        if let hit = energies[key] ?? outcomes[key]?.weightedEnergyKWh {
            counters.outcomeHits += 1
            lock.unlock()
            return hit
        }
        counters.outcomeMisses += 1
        lock.unlock()
        let weighted = try componentValueSum(scenario: index, stations: sorted)
        lock.lock()
        energies[key] = weighted
        lock.unlock()
        return weighted
    }

    /// The sum `RestorationOutcome` takes (component values in component order) over the
    /// components `componentSolutions` returns, bit for bit, with the fast method's values
    /// computed and cached without their solutions.
    private func componentValueSum(scenario index: Int, stations sorted: [Int]) throws -> Double {
        guard method == .fast else {
            var weighted = 0.0
            for (_, solution) in try componentSolutions(scenario: index, stations: sorted).solutions {
                weighted += solution.value
            }
            return weighted
        }
        let base = bases[index]
        let grouped = try ScenarioInstance.group(sorted, base: base, name: scenarios[index].name)
        var weighted = 0.0
        for id in base.members.indices {
            guard let here = grouped.byComponent[id], !here.isEmpty else {
                if let baseline = baselines[index][id] { weighted += baseline.1.value }
                continue
            }
            let componentKey = ComponentKey(
                scenario: index, component: id, stations: here.flatMap { Array(repeating: $0.bus, count: $0.count) })
            lock.lock()
            let known = componentSolutions[componentKey]?.1.value ?? componentValues[componentKey]
            if known != nil { counters.componentHits += 1 } else { counters.componentMisses += 1 }
            lock.unlock()
            if let known {
                weighted += known
                continue
            }
            guard let component = base.component(id, stations: here) else { continue }
            // The no-fleet solution is the floor (its value stands if it wins).
            let floor = baselines[index][id]?.1.value
            let value = FastComponentEvaluator(
                component: component, pickup: system.options.pickup, forests: { self.forest(index, id, $0, component) }
            ).evaluateValue(floorValue: floor) ?? floor!
            lock.lock()
            componentValues[componentKey] = value
            lock.unlock()
            weighted += value
        }
        return weighted
    }

    /// The solutions of the components of scenario `index` for sorted `stations`: cached,
    /// the no-fleet ones where a component has no station; with the islands already known
    /// per solution (nil: not computed yet) and the buses of idle stations.
    private func componentSolutions(scenario index: Int, stations sorted: [Int]) throws -> (
        solutions: [(RestorationComponent, ComponentSolution)], knownIslands: [[RestorationIsland]?], idle: [Int]
    ) {
        let base = bases[index]
        let grouped = try ScenarioInstance.group(sorted, base: base, name: scenarios[index].name)
        var solutions: [(RestorationComponent, ComponentSolution)] = []
        var knownIslands: [[RestorationIsland]?] = []
        var idle = grouped.idle
        for id in base.members.indices {
            guard let here = grouped.byComponent[id], !here.isEmpty else {
                if let baseline = baselines[index][id] {
                    solutions.append(baseline)
                    knownIslands.append(baselineIslands[index][id])
                }
                continue
            }
            let componentKey = ComponentKey(
                scenario: index, component: id, stations: here.flatMap { Array(repeating: $0.bus, count: $0.count) })
            lock.lock()
            let cached = componentSolutions[componentKey]
            if cached != nil { counters.componentHits += 1 } else { counters.componentMisses += 1 }
            lock.unlock()
            if let cached {
                solutions.append(cached)
                knownIslands.append(nil)
                continue
            }
            guard let component = base.component(id, stations: here) else {
                for station in here { idle += Array(repeating: base.busIDs[station.bus], count: station.count) }
                continue
            }
            let solution: ComponentSolution
            switch method {
            case .exact:
                let start = FastComponentEvaluator(component: component, pickup: system.options.pickup).evaluate(floor: nil)
                solution = try ExactComponentSolver(component: component, limits: limits).solve(
                    pickup: system.options.pickup, start: start)
            case .fast:
                // The no-fleet solution is the floor; it is lifted into the component only if it wins.
                let floor = baselines[index][id]?.1
                let fast = FastComponentEvaluator(
                    component: component, pickup: system.options.pickup,
                    forests: { self.forest(index, id, $0, component) }
                ).evaluate(floorValue: floor?.value)
                solution = fast ?? RestorationEvaluator.lift(floor!, into: component)
            }
            lock.lock()
            componentSolutions[componentKey] = (component, solution)
            lock.unlock()
            solutions.append((component, solution))
            knownIslands.append(nil)
        }
        return (solutions, knownIslands, idle)
    }

    /// The plan's restoration value over all scenarios.
    public func value(stations: [Int]) throws -> PlanRestorationValue {
        var perScenario: [ScenarioRestorationValue] = []
        var total = 0.0
        for (s, scenario) in scenarios.enumerated() {
            let with = try outcome(scenario: s, stations: stations)
            let entry = ScenarioRestorationValue(
                scenario: scenario.name, probability: scenario.probability, withFleets: with,
                withoutFleets: baselineOutcomes[s])
            total += scenario.probability * entry.gainWeightedKWh
            perScenario.append(entry)
        }
        return PlanRestorationValue(
            usdPerYear: valuation.stormsPerYear * total * valuation.usdPerWeightedKWh, perScenario: perScenario)
    }

    /// The plan's restoration value over all scenarios without the outcomes: the numbers
    /// of `value(stations:)`, bit for bit, at the cost of the component solutions alone.
    public func energyValue(stations: [Int]) throws -> PlanRestorationEnergy {
        var perScenario: [ScenarioRestorationEnergy] = []
        var total = 0.0
        for (s, scenario) in scenarios.enumerated() {
            let entry = ScenarioRestorationEnergy(
                scenario: scenario.name, probability: scenario.probability,
                withFleetsWeightedKWh: try weightedEnergyKWh(scenario: s, stations: stations),
                withoutFleetsWeightedKWh: baselineOutcomes[s].weightedEnergyKWh)
            total += scenario.probability * entry.gainWeightedKWh
            perScenario.append(entry)
        }
        return PlanRestorationEnergy(
            usdPerYear: valuation.stormsPerYear * total * valuation.usdPerWeightedKWh, perScenario: perScenario)
    }

    /// A no-fleet solution placed in the same component with fleets added (idle fleets).
    static func lift(_ solution: ComponentSolution, into component: RestorationComponent) -> ComponentSolution {
        var lifted = solution
        let extra = component.units.count - (solution.operations.first?.active.count ?? 0)
        if extra > 0 {
            lifted.operations = solution.operations.map { operation in
                var copy = operation
                copy.active += Array(repeating: 0, count: extra)
                copy.reactive += Array(repeating: 0, count: extra)
                return copy
            }
        }
        lifted.stats = SolveStats()
        return lifted
    }
}

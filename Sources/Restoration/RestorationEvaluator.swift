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
    private var outcomes: [Prehashed<OutcomeKey>: RestorationOutcome] = [:]
    /// Weighted kWh of station sets asked for without their outcome.
    private var energies: [Prehashed<OutcomeKey>: Double] = [:]
    private var componentSolutions: [Prehashed<ComponentKey>: (RestorationComponent, ComponentSolution)] = [:]
    /// Values of fast component solutions asked for without the solution.
    private var componentValues: [Prehashed<ComponentKey>: Double] = [:]
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

    /// A cache key with its hash computed once: a dictionary hashes every key again each
    /// time it grows, and these caches (keyed by station lists) grow throughout an
    /// optimisation.
    private struct Prehashed<Key: Hashable>: Hashable {
        let key: Key
        let hash: Int

        init(_ key: Key) {
            self.key = key
            hash = key.hashValue
        }

        static func == (a: Self, b: Self) -> Bool { a.hash == b.hash && a.key == b.key }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    private struct OutcomeKey: Hashable {
        var scenario: Int
        var stations: [Int]
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
        var scenario: Int
        var component: Int
        var stations: [Int]
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
        let key = Prehashed(OutcomeKey(scenario: index, stations: sorted))
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
        let key = Prehashed(OutcomeKey(scenario: index, stations: sorted))
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
        let values = try walkComponents(
            scenario: index, stations: sorted, baseline: { self.baselines[index][$0]?.1.value },
            cached: { self.componentSolutions[$0]?.1.value ?? self.componentValues[$0] },
            compute: { id, key, component in
                // The no-fleet solution is the floor (its value stands if it wins).
                let floor = self.baselines[index][id]?.1.value
                let value = FastComponentEvaluator(
                    component: component, pickup: self.system.options.pickup,
                    forests: { self.forest(index, id, $0, component) }
                ).evaluateValue(floorValue: floor) ?? floor!
                self.lock.lock()
                self.componentValues[key] = value
                self.lock.unlock()
                return value
            }
        ).entries
        var weighted = 0.0
        for value in values { weighted += value }
        return weighted
    }

    /// The solutions of the components of scenario `index` for sorted `stations`: cached,
    /// the no-fleet ones where a component has no station; with the islands already known
    /// per solution (nil: not computed yet) and the buses of idle stations.
    private func componentSolutions(scenario index: Int, stations sorted: [Int]) throws -> (
        solutions: [(RestorationComponent, ComponentSolution)], knownIslands: [[RestorationIsland]?], idle: [Int]
    ) {
        typealias Entry = (solution: (RestorationComponent, ComponentSolution), islands: [RestorationIsland]?)
        let (entries, idle) = try walkComponents(
            scenario: index, stations: sorted,
            baseline: { id -> Entry? in self.baselines[index][id].map { ($0, self.baselineIslands[index][id]) } },
            cached: { key -> Entry? in self.componentSolutions[key].map { ($0, nil) } },
            compute: { id, key, component -> Entry in
                let solution: ComponentSolution
                switch self.method {
                case .exact:
                    let start = FastComponentEvaluator(component: component, pickup: self.system.options.pickup)
                        .evaluate(floor: nil)
                    solution = try ExactComponentSolver(component: component, limits: self.limits).solve(
                        pickup: self.system.options.pickup, start: start)
                case .fast:
                    // The no-fleet solution is the floor; it is lifted into the component only if it wins.
                    let floor = self.baselines[index][id]?.1
                    let fast = FastComponentEvaluator(
                        component: component, pickup: self.system.options.pickup,
                        forests: { self.forest(index, id, $0, component) }
                    ).evaluate(floorValue: floor?.value)
                    solution = fast ?? RestorationEvaluator.lift(floor!, into: component)
                }
                self.lock.lock()
                self.componentSolutions[key] = (component, solution)
                self.lock.unlock()
                return ((component, solution), nil)
            })
        return (entries.map(\.solution), entries.map(\.islands), idle)
    }

    /// Walks the components of scenario `index` with sorted `stations` in component order and
    /// gives one entry per component that has a solution: `baseline(id)` where a component
    /// has no station (nil: it has no no-fleet solution either), else `cached(key)` (called
    /// under the lock; counted as a hit or a miss), else `compute(id, key, component)`. Also
    /// returns the buses of idle stations (none in their component, or in one that cannot
    /// form).
    private func walkComponents<Entry>(
        scenario index: Int, stations sorted: [Int], baseline: (_ id: Int) -> Entry?,
        cached: (Prehashed<ComponentKey>) -> Entry?,
        compute: (_ id: Int, Prehashed<ComponentKey>, RestorationComponent) throws -> Entry
    ) throws -> (entries: [Entry], idle: [Int]) {
        let base = bases[index]
        let grouped = try ScenarioInstance.group(sorted, base: base, name: scenarios[index].name)
        var entries: [Entry] = []
        var idle = grouped.idle
        for id in base.members.indices {
            guard let here = grouped.byComponent[id], !here.isEmpty else {
                if let entry = baseline(id) { entries.append(entry) }
                continue
            }
            let key = Prehashed(
                ComponentKey(
                    scenario: index, component: id, stations: here.flatMap { Array(repeating: $0.bus, count: $0.count) }))
            lock.lock()
            let known = cached(key)
            if known != nil { counters.componentHits += 1 } else { counters.componentMisses += 1 }
            lock.unlock()
            if let known {
                entries.append(known)
                continue
            }
            guard let component = base.component(id, stations: here) else {
                for station in here { idle += Array(repeating: base.busIDs[station.bus], count: station.count) }
                continue
            }
            entries.append(try compute(id, key, component))
        }
        return (entries, idle)
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

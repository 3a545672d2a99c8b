import DistributionGrid
import Restoration

extension PlannerCase {
    /// The case's feeder, assets and options as the restoration engine's input.
    public func restorationSystem() throws -> RestorationSystem {
        let p = parameters
        let network = try RestorationNetwork(
            buses: feeder.buses.map { bus in
                RestorationNetwork.Bus(
                    id: bus.number, activePowerKW: bus.pKW, reactivePowerKVAr: bus.qKVAr,
                    loadClass: busClass[bus.number].flatMap { loadClasses[$0] })
            },
            branches: feeder.branches.map { branch in
                RestorationNetwork.Branch(
                    from: feeder.buses[branch.from].number, to: feeder.buses[branch.to].number,
                    resistanceOhm: branch.rOhm, reactanceOhm: branch.xOhm, isTie: branch.isTie,
                    ratingKVA: branch.ratingKVA)
            },
            baseKV: feeder.baseKV, minVoltagePU: p.minVoltagePU, maxVoltagePU: p.maxVoltagePU,
            substationBus: feeder.buses[feeder.substation].number)
        return try RestorationSystem(
            network: network, generators: generators, fleet: p.fleet,
            options: RestorationOptions(tiesSwitchable: p.tiesSwitchable, pickup: p.continuousPickup ? .continuous : .binary))
    }

    /// A cached restoration evaluator over the case's fault scenarios.
    ///
    /// - Parameters:
    ///   - tiesSwitchable: overrides the case's tie setting when given.
    ///   - scenarios: a subset of the case's scenarios (default: all of them).
    public func restorationEvaluator(
        method: RestorationMethod = .fast, tiesSwitchable: Bool? = nil, scenarios subset: [FaultScenario]? = nil
    ) throws -> RestorationEvaluator {
        var system = try restorationSystem()
        if let tiesSwitchable { system.options.tiesSwitchable = tiesSwitchable }
        return try RestorationEvaluator(
            system: system, scenarios: subset ?? scenarios,
            valuation: RestorationValuation(
                stormsPerYear: parameters.stormsPerYear, usdPerWeightedKWh: parameters.vollUSDPerWeightedKWh),
            method: method)
    }

    /// The feeder buses hosting the plan's stations, one entry per station, sorted (the
    /// multiset the restoration value depends on).
    public func stationBuses(_ plan: Plan) -> [Int] {
        plan.stationIndices.map { candidates[$0].bus }.sorted()
    }

    /// Fault scenarios for this case's feeder: `samples` storms drawn from the hazard's
    /// fragility curves with `seed`, reduced to at most `keep` representatives whose
    /// probabilities sum to 1 (see `ScenarioGeneration`), by damage (which branches and
    /// buses failed) or by consequence (the energy served without fleets).
    public func generateScenarios(
        hazard: StormHazard? = nil, samples: Int, keep: Int, seed: UInt64, reduction: ScenarioReduction = .damage
    ) throws -> [FaultScenario] {
        let hazard = hazard ?? parameters.hazard
        let system = try restorationSystem()
        let draws = try ScenarioGeneration.sample(network: system.network, hazard: hazard, samples: samples, seed: seed)
        let distance: ScenarioGeneration.ReductionDistance
        switch reduction {
        case .damage: distance = .damage
        case .consequence:
            distance = .consequence(try ScenarioGeneration.servedWithoutFleets(draws, system: system, hazard: hazard))
        }
        return try ScenarioGeneration.reduce(draws, keep: keep, hazard: hazard, distance: distance)
    }
}

/// What the scenario reduction measures two storms by.
public enum ScenarioReduction: String, CaseIterable, Sendable {
    /// The branches and buses whose state differs (Hamming distance).
    case damage
    /// The difference in VOLL-weighted energy served without fleets.
    case consequence
}

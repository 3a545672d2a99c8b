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
    public func restorationEvaluator(method: RestorationMethod = .fast) throws -> RestorationEvaluator {
        try RestorationEvaluator(
            system: restorationSystem(), scenarios: scenarios,
            valuation: RestorationValuation(
                stormsPerYear: parameters.stormsPerYear, usdPerWeightedKWh: parameters.vollUSDPerWeightedKWh),
            method: method)
    }
}

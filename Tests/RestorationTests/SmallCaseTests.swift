import InputParsing
import Testing

@testable import Restoration

/// Hand-solvable cases and cross-checks against the monolithic reference MILP.
@Suite("Small cases")
struct SmallCaseTests {
    static let flat = HourlyProfile(name: "flat", values: Array(repeating: 1, count: 24))
    static let residential = LoadClass(name: "residential", vollWeight: 1, profile: flat)
    static let commercial = LoadClass(name: "commercial", vollWeight: 2, profile: flat)

    /// 1 - 2 - 3 - 4 with near-zero impedance: substation 1, a station at 2, loads of 60 kW
    /// (weight 1) at 3 and 50 kW (weight 2) at 4. One fleet: 100 kW, `energy` kWh.
    static func fourBus(energy: Double, pickup: PickupMode = .binary) throws -> RestorationSystem {
        let buses = [
            RestorationNetwork.Bus(id: 1, activePowerKW: 0, reactivePowerKVAr: 0, loadClass: nil),
            RestorationNetwork.Bus(id: 2, activePowerKW: 0, reactivePowerKVAr: 0, loadClass: nil),
            RestorationNetwork.Bus(id: 3, activePowerKW: 60, reactivePowerKVAr: 0, loadClass: residential),
            RestorationNetwork.Bus(id: 4, activePowerKW: 50, reactivePowerKVAr: 0, loadClass: commercial),
        ]
        let branches = [(1, 2), (2, 3), (3, 4)].map {
            RestorationNetwork.Branch(from: $0.0, to: $0.1, resistanceOhm: 0.001, reactanceOhm: 0.001)
        }
        let network = try RestorationNetwork(
            buses: buses, branches: branches, baseKV: 12.66, minVoltagePU: 0.95, maxVoltagePU: 1.05, substationBus: 1)
        let fleet = FleetSpec(
            vehiclesPerStation: 1, powerPerVehicleKW: 100, energyPerVehicleKWh: energy, usableShare: 1,
            maxReactivePowerKVAr: 100, dischargeEfficiency: 1)
        return try RestorationSystem(
            network: network, generators: [], fleet: fleet, options: RestorationOptions(pickup: pickup))
    }

    static let twoHours = FaultScenario(
        name: "cut", probability: 1, startHour: 10, durationHours: 2, damagedBranches: [], damagedBuses: [])

    @Test("4-bus hand case: the 150 kWh fleet serves the 50 kW weight-2 load in both hours")
    func fourBusBinary() throws {
        // Binary: a 100 kW fleet cannot serve 60 + 50 kW at once; 150 kWh covers bus 4 twice
        // (100 kWh, value 2 x 50 x 2 = 200) but not bus 3 on top (60 kWh more); 3 + 4 in
        // separate hours gives only 60 + 100 = 160.
        let outcome = try ExactRestoration.solve(try Self.fourBus(energy: 150), scenario: Self.twoHours, stations: [2])
        #expect(abs(outcome.weightedEnergyKWh - 200) < 1e-6)
        #expect(outcome.hours.map(\.servedBuses) == [[4], [4]])
        #expect(abs(outcome.fleetEnergyKWh[2]! - 100) < 1e-6)
        #expect(outcome.islands.count == 1 && outcome.islands[0].rootBus == 2)
    }

    @Test("4-bus hand case, continuous pickup: the spare 50 kWh serves part of bus 3")
    func fourBusContinuous() throws {
        // 100 kWh to bus 4 (value 200) plus 50 kWh to bus 3 (value 50): 250, all energy used.
        let system = try Self.fourBus(energy: 150, pickup: .continuous)
        let outcome = try ExactRestoration.solve(system, scenario: Self.twoHours, stations: [2])
        #expect(abs(outcome.weightedEnergyKWh - 250) < 1e-6)
        #expect(abs(outcome.fleetEnergyKWh[2]! - 150) < 1e-6)
    }

    @Test("value is monotone in fleet energy", arguments: [PickupMode.binary, .continuous])
    func monotoneInEnergy(pickup: PickupMode) throws {
        var previous = -1.0
        for energy in [0.0, 40, 60, 100, 150, 220, 400] {
            let system = try Self.fourBus(energy: energy, pickup: pickup)
            let value = try ExactRestoration.solve(system, scenario: Self.twoHours, stations: [2]).weightedEnergyKWh
            #expect(value >= previous - 1e-6, "energy \(energy): \(value) < \(previous)")
            previous = value
        }
        // Enough energy for everything: 2 h x (60 + 2 x 50) with two fleets' power.
        let ample = try Self.fourBus(energy: 400, pickup: pickup)
        let both = try ExactRestoration.solve(ample, scenario: Self.twoHours, stations: [2, 2])
        #expect(abs(both.weightedEnergyKWh - 320) < 1e-6)
    }

    @Test("the decomposition matches the monolithic MILP on small components")
    func decompositionMatchesMonolith() throws {
        // Scenario 2 with ties fixed open leaves small components: the gas island 26-33 and
        // the fleet's island; three hours keep the monolithic GLPK solve quick.
        let system = RestorationReferenceCase.system(options: RestorationOptions(tiesSwitchable: false))
        for (stations, start) in [([33], 8), ([18], 12), ([22], 16)] {
            let scenario = RestorationReferenceCase.seed001Scenario2(startHour: start, durationHours: 3)
            let instance = try ScenarioInstance(system: system, scenario: scenario, stations: stations)
            for component in instance.components where component.busCount <= 10 {
                let solver = ExactComponentSolver(component: component, limits: ExactSolveLimits(relativeGap: 1e-7))
                let decomposed = try solver.solve(pickup: .binary)
                let monolithic = try solver.solveFullHorizon(pickup: .binary)
                #expect(abs(decomposed.value - monolithic.value) <= 1e-6 * max(1, monolithic.value))
            }
        }
    }

    @Test("bad inputs are reported with their place")
    func badInputs() throws {
        let bus = RestorationNetwork.Bus(id: 1, activePowerKW: 10, reactivePowerKVAr: 0, loadClass: nil)
        #expect(throws: InputError.self) {
            _ = try RestorationNetwork(
                buses: [bus], branches: [], baseKV: 12.66, minVoltagePU: 0.95, maxVoltagePU: 1.05, substationBus: 1)
        }
        let system = RestorationReferenceCase.system()
        let typo = FaultScenario(
            name: "typo", probability: 1, startHour: 8, durationHours: 8, damagedBranches: [BusPair(1, 33)],
            damagedBuses: [])
        #expect(throws: InputError.self) { _ = try ExactRestoration.solve(system, scenario: typo, stations: []) }
        #expect(throws: InputError.self) {
            _ = try ExactRestoration.solve(system, scenario: RestorationReferenceCase.seed001Scenario2(), stations: [99])
        }
    }
}

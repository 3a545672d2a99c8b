/// A reference instance for tests and benchmarks: the IEEE 33-bus feeder (Baran & Wu,
/// 1989, as distributed in MATPOWER's `case33bw`) with the seed-001 restoration assumptions
/// of the project's restoration defaults (load classes, PV farms at 18, 22 and 25, a 1 MW
/// gas unit at 33, 4 × 250 kW / 600 kWh fleets). The planner builds its own system from the
/// case files; this copy exists so the engine can be tested and benchmarked on its own.
public enum RestorationReferenceCase {
    /// Baran-Wu bus data: (bus, P kW, Q kVAr). Bus 1 is the substation.
    public static let busLoads: [(bus: Int, activeKW: Double, reactiveKVAr: Double)] = [
        (1, 0, 0), (2, 100, 60), (3, 90, 40), (4, 120, 80), (5, 60, 30), (6, 60, 20), (7, 200, 100),
        (8, 200, 100), (9, 60, 20), (10, 60, 20), (11, 45, 30), (12, 60, 35), (13, 60, 35), (14, 120, 80),
        (15, 60, 10), (16, 60, 20), (17, 60, 20), (18, 90, 40), (19, 90, 40), (20, 90, 40), (21, 90, 40),
        (22, 90, 40), (23, 90, 50), (24, 420, 200), (25, 420, 200), (26, 60, 25), (27, 60, 25), (28, 60, 20),
        (29, 120, 70), (30, 200, 600), (31, 150, 70), (32, 210, 100), (33, 60, 40),
    ]

    /// Baran-Wu branch data: (from, to, r Ω, x Ω, tie). The five ties are MATPOWER's.
    public static let branchData: [(from: Int, to: Int, r: Double, x: Double, tie: Bool)] = [
        (1, 2, 0.0922, 0.047, false), (2, 3, 0.493, 0.2511, false), (3, 4, 0.366, 0.1864, false),
        (4, 5, 0.3811, 0.1941, false), (5, 6, 0.819, 0.707, false), (6, 7, 0.1872, 0.6188, false),
        (7, 8, 0.7114, 0.2351, false), (8, 9, 1.03, 0.74, false), (9, 10, 1.044, 0.74, false),
        (10, 11, 0.1966, 0.065, false), (11, 12, 0.3744, 0.1238, false), (12, 13, 1.468, 1.155, false),
        (13, 14, 0.5416, 0.7129, false), (14, 15, 0.591, 0.526, false), (15, 16, 0.7463, 0.545, false),
        (16, 17, 1.289, 1.721, false), (17, 18, 0.732, 0.574, false), (2, 19, 0.164, 0.1565, false),
        (19, 20, 1.5042, 1.3554, false), (20, 21, 0.4095, 0.4784, false), (21, 22, 0.7089, 0.9373, false),
        (3, 23, 0.4512, 0.3083, false), (23, 24, 0.898, 0.7091, false), (24, 25, 0.896, 0.7011, false),
        (6, 26, 0.203, 0.1034, false), (26, 27, 0.2842, 0.1447, false), (27, 28, 1.059, 0.9337, false),
        (28, 29, 0.8042, 0.7006, false), (29, 30, 0.5075, 0.2585, false), (30, 31, 0.9744, 0.963, false),
        (31, 32, 0.3105, 0.3619, false), (32, 33, 0.341, 0.5302, false), (21, 8, 2.0, 2.0, true),
        (9, 15, 2.0, 2.0, true), (12, 22, 2.0, 2.0, true), (18, 33, 0.5, 0.5, true), (25, 29, 0.5, 0.5, true),
    ]

    /// Hourly shapes of the defaults (hour 0 = 00:00-01:00).
    public static let residential = HourlyProfile(
        name: "residential",
        values: [
            0.45, 0.40, 0.38, 0.37, 0.38, 0.45, 0.60, 0.70, 0.65, 0.60, 0.58, 0.58, 0.60, 0.58, 0.58, 0.62, 0.72, 0.88,
            1.00, 1.00, 0.95, 0.85, 0.70, 0.55,
        ])
    /// Commercial shape of the defaults.
    public static let commercial = HourlyProfile(
        name: "commercial",
        values: [
            0.35, 0.33, 0.32, 0.32, 0.33, 0.38, 0.50, 0.70, 0.88, 0.97, 1.00, 1.00, 0.98, 1.00, 0.98, 0.95, 0.88, 0.75,
            0.62, 0.55, 0.50, 0.45, 0.40, 0.37,
        ])
    /// A flat shape (hospital, gas availability).
    public static let flat = HourlyProfile(name: "flat", values: Array(repeating: 1, count: 24))
    /// PV availability as a fraction of rating.
    public static let photovoltaic = HourlyProfile(
        name: "pv",
        values: [
            0, 0, 0, 0, 0, 0, 0.05, 0.20, 0.40, 0.60, 0.78, 0.90, 0.95, 0.90, 0.78, 0.60, 0.40, 0.20, 0.05, 0, 0, 0, 0, 0,
        ])

    /// The load class of a bus: residential 1-21, commercial 22-33, hospital at 30.
    public static func loadClass(ofBus bus: Int) -> LoadClass {
        if bus == 30 { return LoadClass(name: "hospital", vollWeight: 10, profile: flat) }
        if bus <= 21 { return LoadClass(name: "residential", vollWeight: 1, profile: residential) }
        return LoadClass(name: "commercial", vollWeight: 2, profile: commercial)
    }

    /// The 33-bus feeder at 12.66 kV with a 0.95-1.05 pu band.
    public static func network() -> RestorationNetwork {
        let buses = busLoads.map {
            RestorationNetwork.Bus(
                id: $0.bus, activePowerKW: $0.activeKW, reactivePowerKVAr: $0.reactiveKVAr,
                loadClass: $0.activeKW > 0 || $0.reactiveKVAr != 0 ? loadClass(ofBus: $0.bus) : nil)
        }
        let branches = branchData.map {
            RestorationNetwork.Branch(from: $0.from, to: $0.to, resistanceOhm: $0.r, reactanceOhm: $0.x, isTie: $0.tie)
        }
        // The data are a fixed, checked literal: construction cannot fail.
        return try! RestorationNetwork(
            buses: buses, branches: branches, baseKV: 12.66, minVoltagePU: 0.95, maxVoltagePU: 1.05, substationBus: 1)
    }

    /// PV farms at 18, 22, 25 (500 kW, unity power factor) and the 1 MW gas unit at 33.
    public static let generators: [DistributedGenerator] = [
        DistributedGenerator(
            name: "PV18", bus: 18, kind: .pv, maxActivePowerKW: 500, maxReactivePowerKVAr: 0, profile: photovoltaic),
        DistributedGenerator(
            name: "PV22", bus: 22, kind: .pv, maxActivePowerKW: 500, maxReactivePowerKVAr: 0, profile: photovoltaic),
        DistributedGenerator(
            name: "PV25", bus: 25, kind: .pv, maxActivePowerKW: 500, maxReactivePowerKVAr: 0, profile: photovoltaic),
        DistributedGenerator(
            name: "GAS33", bus: 33, kind: .gas, maxActivePowerKW: 1000, maxReactivePowerKVAr: 750, profile: flat),
    ]

    /// 4 EVs × 250 kW, 600 kWh each, 80 % usable, ±500 kVAr per station.
    public static let fleet = FleetSpec(
        vehiclesPerStation: 4, powerPerVehicleKW: 250, energyPerVehicleKWh: 600, usableShare: 0.8,
        maxReactivePowerKVAr: 500, dischargeEfficiency: 1)

    /// The whole reference system.
    public static func system(options: RestorationOptions = RestorationOptions()) -> RestorationSystem {
        // Every generator sits on a bus of the network: construction cannot fail.
        try! RestorationSystem(network: network(), generators: generators, fleet: fleet, options: options)
    }

    /// Seed 001's scenario 2: faults 16-17, 17-18, 21-22, 6-26 and ties 9-15, 12-22.
    public static func seed001Scenario2(startHour: Int = 8, durationHours: Int = 8) -> FaultScenario {
        FaultScenario(
            name: "seed001-s2", probability: 1, startHour: startHour, durationHours: durationHours,
            damagedBranches: [
                BusPair(16, 17), BusPair(17, 18), BusPair(21, 22), BusPair(6, 26), BusPair(9, 15), BusPair(12, 22),
            ], damagedBuses: [])
    }

    /// A random fault on the reference feeder, as the benchmarks and regression tests draw
    /// them: 2-6 damaged branches (ties included), start hour 08, 12, 16 or 20, 8 hours.
    public static func randomFaultScenario(using random: GSLRandom, name: String) -> FaultScenario {
        let count = 2 + Int(random.uniform() * 5)
        var damaged = Set<BusPair>()
        while damaged.count < count {
            let b = branchData[Int(random.uniform() * Double(branchData.count))]
            damaged.insert(BusPair(b.from, b.to))
        }
        let start = [8, 12, 16, 20][Int(random.uniform() * 4)]
        return FaultScenario(
            name: name, probability: 1, startHour: start, durationHours: 8,
            damagedBranches: damaged.sorted { ($0.low, $0.high) < ($1.low, $1.high) }, damagedBuses: [])
    }

    /// 1 to `maxFleets` fleets at random buses 2-33 of the reference feeder (repeats
    /// allowed), sorted.
    public static func randomStations(using random: GSLRandom, maxFleets: Int) -> [Int] {
        let count = 1 + Int(random.uniform() * Double(maxFleets))
        return (0..<count).map { _ in 2 + Int(random.uniform() * 32) }.sorted()
    }
}


import InputParsing

/// A 24-value hourly shape (fraction of peak or of rating), hour 0 = 00:00-01:00.
public struct HourlyProfile: Sendable, Equatable {
    public var name: String
    /// 24 values, each >= 0.
    public var values: [Double]

    public init(name: String, values: [Double]) {
        precondition(values.count == 24, "an hourly profile has 24 values")
        self.name = name
        self.values = values
    }

    /// The value for an hour of the day; hours wrap around midnight.
    public func value(atHour hour: Int) -> Double { values[((hour % 24) + 24) % 24] }
}

/// How a distributed generator behaves in an island.
public enum GeneratorKind: String, Sendable, CaseIterable {
    /// A dispatchable grid-forming unit with no fuel limit.
    case gas
    /// A grid-following PV unit: it cannot form an island alone; curtailable.
    case pv
    /// PV with storage: grid-forming, limited by its stored energy.
    case pvBESS = "pv_bess"

    /// Whether the unit can set voltage and frequency for an island.
    public var isGridForming: Bool { self != .pv }
}

/// A distributed generator on the feeder.
public struct DistributedGenerator: Sendable, Equatable {
    public var name: String
    public var bus: Int
    public var kind: GeneratorKind
    /// Active power at profile value 1, kW.
    public var maxActivePowerKW: Double
    /// Reactive power limit (symmetric), kVAr.
    public var maxReactivePowerKVAr: Double
    /// The hourly availability shape.
    public var profile: HourlyProfile
    /// Stored energy for PV+BESS units, kWh (nil for others).
    public var energyKWh: Double?

    public init(
        name: String, bus: Int, kind: GeneratorKind, maxActivePowerKW: Double,
        maxReactivePowerKVAr: Double, profile: HourlyProfile, energyKWh: Double? = nil
    ) {
        self.name = name
        self.bus = bus
        self.kind = kind
        self.maxActivePowerKW = maxActivePowerKW
        self.maxReactivePowerKVAr = maxReactivePowerKVAr
        self.profile = profile
        self.energyKWh = energyKWh
    }
}

/// A class of loads sharing a VOLL weight and an hourly shape.
public struct LoadClass: Sendable, Equatable {
    public var name: String
    /// Weight of one kWh served, relative to the others (residential = 1).
    public var vollWeight: Double
    public var profile: HourlyProfile

    public init(name: String, vollWeight: Double, profile: HourlyProfile) {
        self.name = name
        self.vollWeight = vollWeight
        self.profile = profile
    }
}

/// A fault scenario: the substation is cut off and some branches and buses are damaged.
public struct FaultScenario: Sendable, Equatable {
    public var name: String
    /// Probability of this scenario given a storm; scenario probabilities sum to 1.
    public var probability: Double
    /// Hour of day the outage starts (0-23).
    public var startHour: Int
    /// Outage length in whole hours.
    public var durationHours: Int
    /// Damaged branches as unordered bus pairs.
    public var damagedBranches: [BusPair]
    /// Damaged buses (their load cannot be served and they cannot carry power).
    public var damagedBuses: [Int]

    public init(
        name: String, probability: Double, startHour: Int, durationHours: Int,
        damagedBranches: [BusPair], damagedBuses: [Int]
    ) {
        self.name = name
        self.probability = probability
        self.startHour = startHour
        self.durationHours = durationHours
        self.damagedBranches = damagedBranches
        self.damagedBuses = damagedBuses
    }
}

/// An unordered pair of bus ids naming a branch.
public struct BusPair: Sendable, Hashable, CustomStringConvertible {
    public let low: Int
    public let high: Int

    public init(_ a: Int, _ b: Int) {
        low = min(a, b)
        high = max(a, b)
    }

    public var description: String { "\(low)-\(high)" }
}

/// The fleet of EVs parked at each charging station, usable for V2G after a fault.
public struct FleetSpec: Sendable, Equatable {
    public var vehiclesPerStation: Int
    /// Discharge power per vehicle, kW.
    public var powerPerVehicleKW: Double
    /// Battery energy per vehicle, kWh.
    public var energyPerVehicleKWh: Double
    /// Share of the battery the operator may discharge (0-1].
    public var usableShare: Double
    /// Reactive power limit of the station's inverters (symmetric), kVAr.
    public var maxReactivePowerKVAr: Double
    /// Discharge efficiency (0-1]: energy delivered per energy taken from the batteries.
    public var dischargeEfficiency: Double

    public init(
        vehiclesPerStation: Int, powerPerVehicleKW: Double, energyPerVehicleKWh: Double,
        usableShare: Double, maxReactivePowerKVAr: Double, dischargeEfficiency: Double
    ) {
        self.vehiclesPerStation = vehiclesPerStation
        self.powerPerVehicleKW = powerPerVehicleKW
        self.energyPerVehicleKWh = energyPerVehicleKWh
        self.usableShare = usableShare
        self.maxReactivePowerKVAr = maxReactivePowerKVAr
        self.dischargeEfficiency = dischargeEfficiency
    }

    /// Power of one station's fleet, kW.
    public var stationPowerKW: Double { Double(vehiclesPerStation) * powerPerVehicleKW }
    /// Energy one station's fleet can deliver to the grid, kWh.
    public var stationEnergyKWh: Double {
        Double(vehiclesPerStation) * energyPerVehicleKWh * usableShare * dischargeEfficiency
    }
}

/// Readers for the restoration tables of a case (CSV, see docs/case-format.md).
public enum RestorationTables {
    /// `profile,h00,...,h23`.
    public static func profiles(_ table: CSVTable) throws(InputError) -> [String: HourlyProfile] {
        let hours = (0..<24).map { String(format2: $0) }
        for hour in hours where !table.columns.contains(hour) {
            throw InputError(file: table.file, line: 1, field: hour, "missing hour column (expected h00 ... h23)")
        }
        var result: [String: HourlyProfile] = [:]
        for row in table.rows {
            let name = try row.string("profile")
            guard !name.isEmpty else { throw row.error("profile", "expected a profile name") }
            guard result[name] == nil else { throw row.error("profile", "profile \"\(name)\" is defined twice") }
            var values: [Double] = []
            for hour in hours { values.append(try row.nonNegative(hour)) }
            result[name] = HourlyProfile(name: name, values: values)
        }
        return result
    }

    /// `class,voll_weight,profile`.
    public static func loadClasses(_ table: CSVTable, profiles: [String: HourlyProfile]) throws(InputError) -> [String: LoadClass] {
        var result: [String: LoadClass] = [:]
        for row in table.rows {
            let name = try row.string("class")
            guard result[name] == nil else { throw row.error("class", "class \"\(name)\" is defined twice") }
            let profile = try lookup(row, "profile", in: profiles)
            result[name] = LoadClass(name: name, vollWeight: try row.nonNegative("voll_weight"), profile: profile)
        }
        return result
    }

    /// `name,bus,kind,p_max_kw,q_max_kvar,profile,energy_kwh`.
    public static func generators(_ table: CSVTable, profiles: [String: HourlyProfile]) throws(InputError) -> [DistributedGenerator] {
        var result: [DistributedGenerator] = []
        for row in table.rows {
            let kindText = try row.string("kind")
            guard let kind = GeneratorKind(rawValue: kindText) else {
                throw row.error("kind", "unknown generator kind \"\(kindText)\"; expected gas, pv or pv_bess")
            }
            let energy: Double? = row.optionalString("energy_kwh") == nil ? nil : try row.nonNegative("energy_kwh")
            if kind == .pvBESS && energy == nil {
                throw row.error("energy_kwh", "a pv_bess unit needs its storage energy in kWh")
            }
            let name = try row.string("name")
            if result.contains(where: { $0.name == name }) {
                throw row.error("name", "generator \"\(name)\" is defined twice")
            }
            result.append(
                DistributedGenerator(
                    name: name, bus: try row.int("bus"), kind: kind,
                    maxActivePowerKW: try row.nonNegative("p_max_kw"),
                    maxReactivePowerKVAr: try row.nonNegative("q_max_kvar"),
                    profile: try lookup(row, "profile", in: profiles), energyKWh: energy))
        }
        return result
    }

    /// `scenario,probability,start_hour,duration_h,damaged_branches,damaged_buses`;
    /// branches as `16-17;17-18`, buses as `5;6`.
    public static func scenarios(_ table: CSVTable) throws(InputError) -> [FaultScenario] {
        var result: [FaultScenario] = []
        for row in table.rows {
            let name = try row.string("scenario")
            if result.contains(where: { $0.name == name }) {
                throw row.error("scenario", "scenario \"\(name)\" is defined twice")
            }
            let probability = try row.nonNegative("probability")
            guard probability <= 1 else { throw row.error("probability", "expected a probability in [0, 1], found \(probability)") }
            let start = try row.int("start_hour")
            guard (0..<24).contains(start) else { throw row.error("start_hour", "expected an hour 0-23, found \(start)") }
            let duration = try row.int("duration_h")
            guard (1...168).contains(duration) else { throw row.error("duration_h", "expected 1-168 hours, found \(duration)") }
            var branches: [BusPair] = []
            for item in (row.optionalString("damaged_branches") ?? "").split(separator: ";") {
                let ends = item.split(separator: "-")
                guard ends.count == 2, let a = Int(ends[0].trimmingSpaces()), let b = Int(ends[1].trimmingSpaces()), a != b else {
                    throw row.error("damaged_branches", "expected bus pairs like 16-17 separated by \";\", found \"\(item)\"")
                }
                branches.append(BusPair(a, b))
            }
            var buses: [Int] = []
            for item in (row.optionalString("damaged_buses") ?? "").split(separator: ";") {
                guard let bus = Int(item.trimmingSpaces()) else {
                    throw row.error("damaged_buses", "expected bus ids separated by \";\", found \"\(item)\"")
                }
                buses.append(bus)
            }
            result.append(
                FaultScenario(
                    name: name, probability: probability, startHour: start, durationHours: duration,
                    damagedBranches: branches, damagedBuses: buses))
        }
        guard !result.isEmpty else {
            throw InputError(file: table.file, "expected at least one fault scenario")
        }
        let total = result.reduce(0) { $0 + $1.probability }
        guard abs(total - 1) <= 1e-6 else {
            throw InputError(file: table.file, field: "probability", "scenario probabilities sum to \(total), expected 1")
        }
        return result
    }

    private static func lookup(
        _ row: CSVTable.Row, _ column: String, in profiles: [String: HourlyProfile]
    ) throws(InputError) -> HourlyProfile {
        let name = try row.string(column)
        guard let profile = profiles[name] else {
            throw row.error(column, "unknown profile \"\(name)\"; defined: \(profiles.keys.sorted().joined(separator: ", "))")
        }
        return profile
    }
}

extension String {
    /// "h00" ... "h23".
    init(format2 hour: Int) {
        self = hour < 10 ? "h0\(hour)" : "h\(hour)"
    }
}

import ArgumentParser
import Foundation
import InputParsing
import Planner
import Restoration

/// `planner restore`: the restoration value of one plan (or station buses), per fault
/// scenario and in total, with the islands formed.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restoration value of a plan's fleets, per fault scenario and in total, with the islands formed.",
        discussion: """
            Value = storms per year x sum_s p_s x (VOLL-weighted kWh served with the fleets - served with \
            none) x price per weighted kWh. The fast evaluator is the one the optimisation uses; --exact \
            solves the reference MILP (to 0.01 %). With --scenario only that scenario enters the total, \
            with its own probability.
            """
    )

    @Option(name: .customLong("case"), help: "Case manifest or folder (default: the built-in case).")
    var casePath: String?

    @Option(help: "The plan: one bit per candidate site, site 1 first (e.g. 10110...).")
    var plan: String?

    @Option(help: "Station buses instead of a plan, comma-separated (a bus may repeat: one fleet per entry).")
    var buses: String?

    @Option(help: "Evaluate only the scenario with this name.")
    var scenario: String?

    @Flag(help: "Solve the exact MILP instead of the fast evaluator.")
    var exact = false

    @Flag(help: "Tie switches may not close (overrides the case).")
    var noTies = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    mutating func validate() throws {
        guard (plan == nil) != (buses == nil) else { throw ValidationError("give exactly one of --plan and --buses") }
    }

    func run() throws {
        let loaded = try loadCase(casePath)
        let stations: [Int]
        if let plan {
            stations = loaded.stationBuses(try Plan(bitString: plan, siteCount: loaded.candidates.count))
        } else {
            stations = try Self.parseBuses(buses!, feederBuses: Set(loaded.feeder.buses.map(\.number)))
        }
        var scenarios = loaded.scenarios
        if let scenario {
            scenarios = loaded.scenarios.filter { $0.name == scenario }
            guard !scenarios.isEmpty else {
                throw InputError(
                    file: "--scenario",
                    "unknown scenario \"\(scenario)\"; the case has: \(loaded.scenarios.map(\.name).joined(separator: ", "))")
            }
        }
        let evaluator = try loaded.restorationEvaluator(
            method: exact ? .exact : .fast, tiesSwitchable: noTies ? false : nil, scenarios: scenarios)
        let value = try evaluator.value(stations: stations)
        let report = RestoreReport(
            stations: stations, method: exact ? "exact" : "fast", tiesSwitchable: evaluator.system.options.tiesSwitchable,
            stormsPerYear: evaluator.valuation.stormsPerYear, usdPerWeightedKWh: evaluator.valuation.usdPerWeightedKWh,
            value: value)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            report.lines().forEach { print($0) }
        }
    }

    /// Parses `25,22` into sorted bus ids, each a bus of the feeder.
    static func parseBuses(_ text: String, feederBuses: Set<Int>) throws(InputError) -> [Int] {
        var result: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let bus = Int(trimmed) else {
                throw InputError(file: "--buses", "expected comma-separated bus numbers, found \"\(trimmed)\"")
            }
            guard feederBuses.contains(bus) else { throw InputError(file: "--buses", "bus \(bus) is not on the feeder") }
            result.append(bus)
        }
        return result.sorted()
    }
}

/// What `planner restore` prints (also its JSON form).
struct RestoreReport: Encodable {
    struct Island: Encodable {
        var rootBus: Int
        var buses: [Int]
        var closedBranches: [String]
        var sources: [String]
    }

    struct Hour: Encodable {
        var hourOfDay: Int
        var servedBuses: [Int]
        var weightedKWh: Double
    }

    struct Scenario: Encodable {
        var name: String
        var probability: Double
        var weightedKWhWithFleets: Double
        var weightedKWhWithout: Double
        var gainWeightedKWh: Double
        /// Storms x p_s x gain x price.
        var usdPerYear: Double
        /// Proven relative gap of the exact solve with fleets (nil for the fast evaluator).
        var provenGap: Double?
        var islands: [Island]
        var hours: [Hour]
        var fleetEnergyKWh: [String: Double]
        var idleStations: [Int]
    }

    var stations: [Int]
    var method: String
    var tiesSwitchable: Bool
    var stormsPerYear: Double
    var usdPerWeightedKWh: Double
    var usdPerYear: Double
    var scenarios: [Scenario]

    init(
        stations: [Int], method: String, tiesSwitchable: Bool, stormsPerYear: Double, usdPerWeightedKWh: Double,
        value: PlanRestorationValue
    ) {
        self.stations = stations
        self.method = method
        self.tiesSwitchable = tiesSwitchable
        self.stormsPerYear = stormsPerYear
        self.usdPerWeightedKWh = usdPerWeightedKWh
        usdPerYear = value.usdPerYear
        scenarios = value.perScenario.map { entry in
            let with = entry.withFleets
            return Scenario(
                name: entry.scenario, probability: entry.probability, weightedKWhWithFleets: with.weightedEnergyKWh,
                weightedKWhWithout: entry.withoutFleets.weightedEnergyKWh, gainWeightedKWh: entry.gainWeightedKWh,
                usdPerYear: stormsPerYear * entry.probability * entry.gainWeightedKWh * usdPerWeightedKWh,
                provenGap: with.method == .exact ? with.relativeGap : nil,
                islands: with.islands.map {
                    Island(
                        rootBus: $0.rootBus, buses: $0.buses, closedBranches: $0.closedBranches.map(\.description),
                        sources: $0.sources)
                },
                hours: with.hours.map {
                    Hour(hourOfDay: $0.hourOfDay, servedBuses: $0.servedBuses, weightedKWh: $0.weightedEnergyKWh)
                },
                fleetEnergyKWh: Dictionary(uniqueKeysWithValues: with.fleetEnergyKWh.map { ("\($0.key)", $0.value) }),
                idleStations: with.idleStations)
        }
    }

    func lines() -> [String] {
        var out: [String] = []
        let sites = stations.isEmpty ? "none" : stations.map { "\($0)" }.joined(separator: ",")
        out.append(
            "Restoration value, stations at buses \(sites) (\(method), ties \(tiesSwitchable ? "switchable" : "fixed open"), "
                + String(format: "%g storms/yr, %g USD per weighted kWh)", stormsPerYear, usdPerWeightedKWh))
        for s in scenarios {
            out.append("")
            var head =
                "scenario \(s.name) (p = \(String(format: "%.4g", s.probability))): "
                + String(
                    format: "%.1f weighted kWh with fleets, %.1f without, gain %.1f -> %.0f USD/yr",
                    s.weightedKWhWithFleets, s.weightedKWhWithout, s.gainWeightedKWh, s.usdPerYear)
            if let gap = s.provenGap { head += String(format: " (proven gap %.4f %%)", gap * 100) }
            out.append(head)
            for island in s.islands {
                out.append(
                    "  island root \(island.rootBus) [\(island.sources.joined(separator: ", "))]: buses "
                        + island.buses.map { "\($0)" }.joined(separator: ",")
                        + (island.closedBranches.isEmpty ? "" : "; closed " + island.closedBranches.joined(separator: " ")))
            }
            if s.islands.isEmpty { out.append("  no island can form") }
            for (bus, energy) in s.fleetEnergyKWh.sorted(by: { Int($0.key)! < Int($1.key)! }) {
                out.append(String(format: "  fleet at %@: %.1f kWh used", bus, energy))
            }
            if !s.idleStations.isEmpty {
                out.append("  idle stations (damaged or cut off): " + s.idleStations.map { "\($0)" }.joined(separator: ","))
            }
            for hour in s.hours {
                out.append(
                    String(format: "  %02d:00  %8.1f weighted kWh  ", hour.hourOfDay, hour.weightedKWh)
                        + "\(hour.servedBuses.count) buses served")
            }
        }
        out.append("")
        out.append(String(format: "total: %.0f USD/yr", usdPerYear))
        return out
    }
}

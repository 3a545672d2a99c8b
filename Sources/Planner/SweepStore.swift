import Foundation
import InputParsing

/// A sweep folder: `sweep.json` (the definition), `points/<point>-s<seed>.json` (one record
/// per finished task, written atomically), `runs/<point>-s<seed>/` (each run's full
/// outputs) and the merged `sweep.csv`.
public struct SweepStore: Sendable {
    public let directory: String
    public let definition: SweepDefinition

    public static let definitionFile = "sweep.json"
    public static let tableFile = "sweep.csv"
    public static let meanTableFile = "sweep-mean.csv"

    public init(directory: String, definition: SweepDefinition) {
        self.directory = directory
        self.definition = definition
    }

    /// Opens a folder for `definition`: writes `sweep.json`, or checks that the one there
    /// describes the same sweep (so a re-run never mixes two sweeps' records).
    public static func open(directory: String, definition: SweepDefinition) throws -> SweepStore {
        let path = directory + "/" + definitionFile
        if FileManager.default.fileExists(atPath: path) {
            let saved = try readDefinition(directory: directory)
            guard saved == definition else {
                throw InputError(
                    file: path,
                    "this folder holds a different sweep (case, parameters, seeds or optimiser settings differ); "
                        + "use another --out or delete the folder")
            }
        } else {
            try AtomicFile.write(try encode(definition), to: path)
        }
        return SweepStore(directory: directory, definition: definition)
    }

    /// The definition saved in a sweep folder.
    public static func readDefinition(directory: String) throws -> SweepDefinition {
        let path = directory + "/" + definitionFile
        let text = try TextFile.read(path)
        do {
            return try JSONDecoder().decode(SweepDefinition.self, from: Data(text.utf8))
        } catch {
            throw InputError(file: path, "not a sweep definition: \(error)")
        }
    }

    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }

    public func recordPath(_ task: SweepTask) -> String { directory + "/points/" + definition.recordName(task) }
    public func runDirectory(_ task: SweepTask) -> String {
        directory + "/runs/" + (definition.recordName(task) as NSString).deletingPathExtension
    }

    /// The record of a task when it is saved and belongs to it, else nil.
    public func record(_ task: SweepTask) -> SweepRecord? {
        guard let data = FileManager.default.contents(atPath: recordPath(task)),
            let record = try? SweepRecord.decode(data), record.pointIndex == task.point, record.seed == task.seed
        else { return nil }
        return record
    }

    /// The tasks of `tasks` without a saved record (what a re-run still has to do).
    public func pending(_ tasks: [SweepTask]) -> [SweepTask] { tasks.filter { record($0) == nil } }

    /// Saves a record's bytes atomically (after checking they decode to that task).
    public func save(_ data: Data, for task: SweepTask) throws {
        let record = try SweepRecord.decode(data)
        guard record.pointIndex == task.point, record.seed == task.seed else {
            throw PlannerError.missingInput("record for \(record.point)-s\(record.seed) sent as \(definition.recordName(task))")
        }
        try AtomicFile.write(data, to: recordPath(task))
    }

    /// The saved records of every task, in task order (missing ones left out).
    public func records() -> [SweepRecord] { definition.tasks.compactMap(record) }

    /// Writes `sweep.csv` and `sweep-mean.csv` from the saved records; returns the tasks
    /// still missing.
    @discardableResult
    public func writeTable() throws -> [SweepTask] {
        let all = definition.tasks
        let records = all.compactMap(record)
        try AtomicFile.write(SweepTable.csv(definition: definition, records: records), to: directory + "/" + Self.tableFile)
        try AtomicFile.write(
            SweepTable.meanCSV(definition: definition, records: records), to: directory + "/" + Self.meanTableFile)
        return all.filter { record($0) == nil }
    }

    /// Merges the records of shard folders into `destination`: every folder must hold the
    /// same sweep; a task found twice must have the same result. Returns the store and the
    /// tasks no folder had.
    public static func merge(_ sources: [String], into destination: String) throws -> (SweepStore, missing: [SweepTask]) {
        guard let first = sources.first else { throw InputError(file: "merge", "expected at least one sweep folder") }
        let definition = try readDefinition(directory: first)
        for source in sources.dropFirst() where try readDefinition(directory: source) != definition {
            throw InputError(file: source + "/" + definitionFile, "holds a different sweep than \(first)")
        }
        let store = try open(directory: destination, definition: definition)
        for task in definition.tasks {
            var found: (source: String, record: SweepRecord, data: Data)?
            for source in sources {
                let shard = SweepStore(directory: source, definition: definition)
                guard let record = shard.record(task), let data = FileManager.default.contents(atPath: shard.recordPath(task))
                else { continue }
                if let found {
                    var a = found.record, b = record
                    a.elapsedSeconds = 0
                    b.elapsedSeconds = 0
                    guard a == b else {
                        throw InputError(
                            file: shard.recordPath(task), "differs from \(found.source)'s result for the same point and seed")
                    }
                } else {
                    found = (source, record, data)
                }
            }
            if let found, (found.source as NSString).standardizingPath != (destination as NSString).standardizingPath {
                try store.save(found.data, for: task)
            }
        }
        let missing = try store.writeTable()
        return (store, missing)
    }
}

/// The merged table of a sweep.
public enum SweepTable {
    /// Column names: point, the swept parameters, seed, front statistics, the knee plan and
    /// its cost items.
    public static func columns(_ definition: SweepDefinition) -> [String] {
        ["point"] + definition.axes.map(\.name) + [
            "seed", "front_size", "hypervolume", "evaluations", "knee_plan", "knee_stations",
            "knee_travel_time_veh_min", "knee_utility_z2", "knee_investment_usd", "knee_restoration_usd_per_year",
            "knee_road_lane_usd", "knee_station_investment_usd", "knee_stations_usd", "knee_spots_usd",
            "knee_distribution_line_usd", "knee_substation_usd", "knee_lanes", "knee_spots",
            "knee_avg_charging_distance_km",
        ]
    }

    /// The CSV text: one row per record in task order; numbers in Swift's shortest
    /// round-trip form, so the same results always give the same bytes.
    public static func csv(definition: SweepDefinition, records: [SweepRecord]) -> String {
        var lines = [CSVWriter.line(columns(definition))]
        let order = Dictionary(uniqueKeysWithValues: definition.seeds.enumerated().map { ($0.element, $0.offset) })
        let sorted = records.sorted {
            ($0.pointIndex, order[$0.seed] ?? .max) < ($1.pointIndex, order[$1.seed] ?? .max)
        }
        for r in sorted {
            var fields = [r.point] + r.values.map(number) + [
                String(r.seed), String(r.frontSize), number(r.hypervolume), String(r.evaluations),
            ]
            if let k = r.knee {
                fields += [
                    k.plan, k.stations.map(String.init).joined(separator: ";"), number(k.objectives.travelTimeVehMin),
                    number(k.objectives.utilityZ2), number(k.objectives.investmentUSD),
                    k.objectives.restorationUSDPerYear.map(number) ?? "", number(k.costs.lanesUSD),
                    number(k.costs.stationsUSD + k.costs.spotsUSD), number(k.costs.stationsUSD), number(k.costs.spotsUSD),
                    number(k.costs.linesUSD), number(k.costs.substationUSD), String(k.lanes), String(k.spots),
                    k.averageDistanceToStationKm.map(number) ?? "",
                ]
            } else {
                fields += [String](repeating: "", count: 15)
            }
            lines.append(CSVWriter.line(fields))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Per point: the parameter values, runs saved, runs with a feasible front, and every
    /// ``SweepQuantity`` averaged over the seeds that gave a value (empty when none) —
    /// the numbers behind the surfaces.
    public static func meanCSV(definition: SweepDefinition, records: [SweepRecord]) -> String {
        let quantities = SweepQuantity.all
        var lines = [
            CSVWriter.line(["point"] + definition.axes.map(\.name) + ["runs", "feasible_runs"] + quantities.map { "mean_" + $0.name })
        ]
        let byPoint = Dictionary(grouping: records, by: \.pointIndex)
        for point in 0..<definition.pointCount {
            // Seed order, so the sums (and their last bits) never depend on arrival order.
            let seedOrder = Dictionary(uniqueKeysWithValues: definition.seeds.enumerated().map { ($0.element, $0.offset) })
            let runs = (byPoint[point] ?? []).sorted { (seedOrder[$0.seed] ?? .max) < (seedOrder[$1.seed] ?? .max) }
            guard !runs.isEmpty else { continue }
            var fields = [definition.pointID(point)] + definition.values(ofPoint: point).map(number)
            fields += [String(runs.count), String(runs.filter { $0.knee != nil }.count)]
            for quantity in quantities {
                let values = runs.compactMap(quantity.value).filter(\.isFinite)
                fields.append(values.isEmpty ? "" : number(values.reduce(0, +) / Double(values.count)))
            }
            lines.append(CSVWriter.line(fields))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

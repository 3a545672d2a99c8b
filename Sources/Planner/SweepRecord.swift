import Foundation
import InputParsing
import NSGA3

/// The result of one (point, seed) optimisation of a sweep: the front's statistics and the
/// knee plan with its cost items. Saved as `points/<point>-s<seed>.json`.
public struct SweepRecord: Sendable, Codable, Equatable {
    /// The knee plan of the run's Pareto front.
    public struct Knee: Sendable, Codable, Equatable {
        /// Plan bits, site 1 first.
        public var plan: String
        /// Built candidate sites.
        public var stations: [Int]
        public var objectives: PlanEvaluation.Objectives
        public var costs: PlanEvaluation.Costs
        /// Lanes added in total.
        public var lanes: Int
        /// Charging spots in total.
        public var spots: Int
        /// Demand-weighted average distance to the nearest station, km (seed 003 Fig 7).
        public var averageDistanceToStationKm: Double?
    }

    public var point: String
    public var pointIndex: Int
    /// Parameter values in the order of the definition's axes.
    public var values: [Double]
    public var seed: UInt64
    /// Feasible non-dominated plans found.
    public var frontSize: Int
    /// Hypervolume of the front (minimised objectives) against `hypervolumeReference`.
    public var hypervolume: Double
    /// The run's fixed reference point (see ``PlannerRun``).
    public var hypervolumeReference: [Double]
    /// Plan evaluations the run made (cache hits excluded).
    public var evaluations: Int
    /// nil when the run found no feasible plan.
    public var knee: Knee?
    /// Wall time of the run, s. Varies from run to run, so it stays out of `sweep.csv`.
    public var elapsedSeconds: Double

    /// The record as stored: pretty, sorted keys, so the same result gives the same bytes.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// A record from its stored bytes.
    public static func decode(_ data: Data) throws -> SweepRecord {
        try JSONDecoder().decode(SweepRecord.self, from: data)
    }
}

extension SweepDefinition {
    /// Runs task `task` single-threaded in `runDirectory` (the full PlannerRun outputs land
    /// there) and returns its record; nil when `shouldStop` interrupted it.
    public func run(_ task: SweepTask, base plannerCase: PlannerCase, runDirectory: String, shouldStop: () -> Bool) throws
        -> SweepRecord?
    {
        let started = Date()
        let pointCase = try pointCase(task.point, base: plannerCase)
        var settings = RunSettings()
        settings.algorithm = algorithm
        settings.population = population
        settings.generations = generations
        settings.seed = task.seed
        // Parallelism is across tasks; one thread per run keeps runs independent.
        settings.threads = 1
        // A sweep run is short and its record is the checkpoint: save state only at the end.
        settings.checkpointSeconds = .infinity
        settings.plotsDirectory = nil
        let run = try PlannerRun(case: pointCase, settings: settings, directory: runDirectory, resume: false)
        var stopped = false
        try run.run(progress: { _ in }, shouldStop: {
            stopped = shouldStop()
            return stopped
        })
        if stopped { return nil }
        let front = try run.paretoSet()
        let metadata = try JSONDecoder().decode(
            RunMetadata.self, from: Data(contentsOf: URL(fileURLWithPath: runDirectory + "/run.json")))
        let minimised = front.map(PlanEvaluator.minimised)
        let knee = DecisionSupport.kneeIndex(minimised).map { index -> SweepRecord.Knee in
            let e = front[index]
            return SweepRecord.Knee(
                plan: e.plan, stations: e.stations.map(\.site), objectives: e.objectives, costs: e.costs,
                lanes: e.traffic.lanes.reduce(0) { $0 + $1.lanes }, spots: e.stations.reduce(0) { $0 + $1.spots },
                averageDistanceToStationKm: e.utility.averageDistanceToStationKm)
        }
        return SweepRecord(
            point: pointID(task.point), pointIndex: task.point, values: values(ofPoint: task.point), seed: task.seed,
            frontSize: front.count,
            hypervolume: Hypervolume.compute(points: minimised, reference: metadata.hypervolumeReference),
            hypervolumeReference: metadata.hypervolumeReference, evaluations: metadata.evaluations, knee: knee,
            elapsedSeconds: Date().timeIntervalSince(started))
    }
}

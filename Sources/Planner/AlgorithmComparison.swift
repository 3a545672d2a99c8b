import Dispatch
import Foundation
import InputParsing
import NSGA3

/// Settings of an algorithm comparison: every algorithm is run once per seed.
public struct ComparisonSettings: Sendable, Codable, Equatable {
    /// Algorithms compared (`nsga3`, `nsga2`, `spea2`), in table order.
    public var algorithms: [String] = ["nsga3", "nsga2", "spea2"]
    /// Seeds 1 ... `seeds` for every algorithm.
    public var seeds: Int = 11
    /// Generations of every run.
    public var generations: Int = 300
    /// Population of every run.
    public var population: Int = 92
    /// Runs executed at once, each on one thread; results do not depend on it.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    /// The default comparison: NSGA-III, NSGA-II and SPEA2, 11 seeds, as `planner run`.
    public init() {}
}

/// A reference front — the exact Pareto front of `planner enumerate` — by plan identity
/// and minimised objectives.
public struct ReferenceFront: Sendable {
    /// The plans' bit strings (site 1 first), one per point.
    public var plans: [String]
    /// The minimised objectives of each plan (see ``PlanEvaluator/minimised(_:)``).
    public var objectives: [[Double]]

    /// A reference front from plans and their minimised objectives.
    public init(plans: [String], objectives: [[Double]]) {
        precondition(plans.count == objectives.count, "one objective vector per plan")
        self.plans = plans
        self.objectives = objectives
    }

    /// The front of an exhaustive enumeration.
    public init(_ exact: ExactFront, siteCount: Int) {
        self.init(
            plans: exact.front.map { Plan(mask: $0.mask, siteCount: siteCount).description },
            objectives: exact.front.map(\.objectives))
    }

    /// Reads a `pareto.csv` (as `planner run` and `planner enumerate` write it) with the
    /// objectives turned to the minimised sense. The restoration column is used when every
    /// row has it and left out when none has.
    public static func read(paretoCSV path: String) throws(InputError) -> ReferenceFront {
        let table = try CSVTable(
            path: path, required: ["plan", "travel_time_veh_min", "utility_z2", "investment_usd", "restoration_usd_per_year"])
        var plans: [String] = []
        var objectives: [[Double]] = []
        var withRestoration: Bool?
        for row in table.rows {
            let plan = try row.string("plan")
            guard !plan.isEmpty, plan.allSatisfy({ $0 == "0" || $0 == "1" }) else {
                throw row.error("plan", "expected a bit string of 0 and 1, found \"\(plan)\"")
            }
            if let first = plans.first, first.count != plan.count {
                throw row.error("plan", "expected \(first.count) bits as in the first row, found \(plan.count)")
            }
            var point = [try row.double("travel_time_veh_min"), -(try row.double("utility_z2")), try row.double("investment_usd")]
            let restoration = row.optionalString("restoration_usd_per_year") ?? ""
            let has = !restoration.isEmpty
            if let withRestoration, withRestoration != has {
                throw row.error("restoration_usd_per_year", "expected a value in every row or in none")
            }
            withRestoration = has
            if has { point.append(-(try row.double("restoration_usd_per_year"))) }
            plans.append(plan)
            objectives.append(point)
        }
        guard !plans.isEmpty else { throw InputError(file: path, "expected at least one plan on the front, found none") }
        return ReferenceFront(plans: plans, objectives: objectives)
    }
}

/// One algorithm × seed of a comparison, measured against the reference front.
public struct ComparisonRun: Sendable, Codable, Hashable {
    /// `nsga3`, `nsga2` or `spea2`.
    public var algorithm: String
    /// The run's seed.
    public var seed: UInt64
    /// Generations completed.
    public var generations: Int
    /// Plan evaluations (cache misses and hits) the run made.
    public var evaluations: Int
    /// Wall time of the run (not part of any table: it depends on the machine's load).
    public var seconds: Double
    /// Non-dominated feasible plans the run found.
    public var frontSize: Int
    /// Reference-front plans among them (by plan identity).
    public var referencePlansFound: Int
    /// The issue-8 coverage: `referencePlansFound` / the reference front's size.
    public var planCoverage: Double
    /// IGD from the reference front in objectives scaled by its range
    /// (``TableMetrics/Scaling``).
    public var invertedGenerationalDistance: Double
    /// Table IV: the first generation from which the hypervolume stays within 1 % of its final value.
    public var generationsToConverge: Int
    /// Table IV: GD from the reference front, scaled.
    public var distanceFromFront: Double
    /// The front's hypervolume in scaled objectives; its spread over seeds gives Table IV's
    /// convergence stability.
    public var scaledHypervolume: Double
    /// Table V: Schott's spacing, scaled (0 for a front of one plan).
    public var spacing: Double
    /// Table V: normalised maximum spread.
    public var spread: Double
    /// Table V: coverage of the front by distance (``TableMetrics/coverage(_:reference:radius:)``).
    public var coverage: Double
    /// Table V: diversity score.
    public var diversityScore: Double
    /// Per generation 1 ... `generations`: the hypervolume of the population's feasible
    /// non-dominated plans over the reference front's hypervolume (same reference point);
    /// nil where the run has no hypervolume.
    public var hypervolumeRatioHistory: [Double?]
}

/// Runs NSGA-III and its baselines over seeds on one case and measures each run against
/// the exact Pareto front: seed 003's Tables IV and V, the share of the exact front each
/// run finds, median and inter-quartile range per algorithm, and rank-sum tests between
/// algorithms.
///
/// Each run is an ordinary ``PlannerRun`` in `runs/<algorithm>-s<seed>/` of the output
/// folder, on one thread; runs are dealt over threads, so results do not depend on the
/// thread count. A finished run is read back from its folder instead of being run again,
/// and an interrupted one continues from its last checkpoint.
public struct AlgorithmComparison: Sendable {
    /// The case every run optimises.
    public let plannerCase: PlannerCase
    /// Algorithms, seeds and run settings.
    public let settings: ComparisonSettings
    /// The exact Pareto front every run is measured against.
    public let reference: ReferenceFront
    /// The output folder.
    public let directory: String

    /// A comparison writing into `directory`; `reference` must be the front of this case
    /// (checked on a few of its plans by ``checkReference(_:)``).
    public init(case plannerCase: PlannerCase, settings: ComparisonSettings, reference: ReferenceFront, directory: String) throws {
        guard !settings.algorithms.isEmpty, settings.seeds >= 1, settings.generations >= 1, settings.threads >= 1 else {
            throw PlannerError.missingInput("a comparison needs at least one algorithm, seed, generation and thread")
        }
        for algorithm in settings.algorithms where !["nsga3", "nsga2", "spea2"].contains(algorithm) {
            throw PlannerError.missingInput("unknown algorithm \"\(algorithm)\"; expected nsga3, nsga2 or spea2")
        }
        guard Set(settings.algorithms).count == settings.algorithms.count else {
            throw PlannerError.missingInput("an algorithm is listed twice")
        }
        guard reference.plans.allSatisfy({ $0.count == plannerCase.candidates.count }) else {
            throw PlannerError.missingInput(
                "the reference front's plans do not have \(plannerCase.candidates.count) bits (one per candidate site of this case)")
        }
        self.plannerCase = plannerCase
        self.settings = settings
        self.reference = reference
        self.directory = directory
    }

    /// Re-evaluates up to `samples` plans of the reference front, spread along it, and
    /// throws when one's objectives differ from the file's: the front belongs to another
    /// case or parameter set.
    public func checkReference(samples: Int = 5) throws {
        let evaluator = try PlanEvaluator(case: plannerCase)
        let workspace = try evaluator.makeWorkspace()
        let count = reference.plans.count
        let picks = Set((0..<min(samples, count)).map { $0 * (count - 1) / max(min(samples, count) - 1, 1) })
        for index in picks.sorted() {
            let plan = try Plan(bitString: reference.plans[index], siteCount: plannerCase.candidates.count)
            let evaluation = try evaluator.evaluate(plan, in: workspace)
            let fresh = PlanEvaluator.minimised(evaluation)
            let saved = reference.objectives[index]
            // The traffic LP is re-solved from a warm start: allow its solver tolerance.
            let agrees = fresh.count == saved.count && evaluation.isFeasible
                && zip(fresh, saved).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($0), abs($1)) }
            guard agrees else {
                throw PlannerError.missingInput(
                    "reference front plan \(reference.plans[index]) evaluates to \(fresh) on this case, not \(saved) as saved: "
                        + "the exact front was enumerated on another case or with other parameters")
            }
        }
    }

    /// The folder of one run.
    public func runDirectory(algorithm: String, seed: UInt64) -> String {
        directory + "/runs/\(algorithm)-s\(seed)"
    }

    /// Every algorithm × seed, in table order (seed-major, so a partial comparison has
    /// every algorithm).
    var jobs: [(algorithm: String, seed: UInt64)] {
        (1...settings.seeds).flatMap { seed in settings.algorithms.map { ($0, UInt64(seed)) } }
    }

    /// Runs (or reads back) every algorithm × seed; `progress` is called after each with
    /// the finished run, from worker threads.
    public func runAll(progress: @escaping @Sendable (ComparisonRun, _ reused: Bool) -> Void = { _, _ in }) throws -> [ComparisonRun] {
        let jobs = self.jobs
        let results = ResultSlots<ComparisonRun>(count: jobs.count)
        let exactHypervolumes = HypervolumeMemo(reference: reference.objectives)
        let workers = min(settings.threads, jobs.count)
        // Plain threads rather than Dispatch workers: they inherit the process's nice
        // value (Dispatch resets its threads' priority), so a niced comparison stays niced.
        let group = DispatchGroup()
        for worker in 0..<workers {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                for index in stride(from: worker, to: jobs.count, by: workers) {
                    guard !results.failed else { return }
                    do {
                        let (run, reused) = try runOne(
                            algorithm: jobs[index].algorithm, seed: jobs[index].seed, exactHypervolumes: exactHypervolumes)
                        results.set(index, run)
                        progress(run, reused)
                    } catch {
                        results.fail("\(jobs[index].algorithm) seed \(jobs[index].seed): \(error)")
                    }
                }
            }
            // The traffic LP and restoration solvers recurse modestly; give them the main thread's room.
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        if let failure = results.failure { throw PlannerError.missingInput("comparison run failed: \(failure)") }
        return results.values.map { $0! }
    }

    /// What identifies a run's settings, saved next to it so a re-run can tell whether it
    /// may reuse or resume the folder.
    struct RunKey: Codable, Equatable {
        var caseFingerprint: String
        var algorithm: String
        var seed: UInt64
        var population: Int
        var generations: Int
    }

    static let keyFile = "comparison-key.json"

    func runOne(algorithm: String, seed: UInt64, exactHypervolumes: HypervolumeMemo) throws -> (ComparisonRun, Bool) {
        let folder = runDirectory(algorithm: algorithm, seed: seed)
        let key = RunKey(
            caseFingerprint: plannerCase.fingerprint, algorithm: algorithm, seed: seed, population: settings.population,
            generations: settings.generations)
        let keyPath = folder + "/" + Self.keyFile
        let sameKey = (try? JSONDecoder().decode(RunKey.self, from: Data(contentsOf: URL(fileURLWithPath: keyPath)))) == key
        if sameKey, let finished = try? SavedComparisonRun(directory: folder), finished.isComplete(key) {
            return (try measure(finished, exactHypervolumes: exactHypervolumes), true)
        }
        var runSettings = RunSettings()
        runSettings.algorithm = algorithm
        runSettings.population = settings.population
        runSettings.generations = settings.generations
        runSettings.seed = seed
        runSettings.threads = 1
        runSettings.plotsDirectory = nil
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let canResume = sameKey && FileManager.default.fileExists(atPath: folder + "/" + PlannerRun.stateFile)
        let run: PlannerRun
        if canResume, let resumed = try? PlannerRun(case: plannerCase, settings: runSettings, directory: folder, resume: true) {
            run = resumed
        } else {
            // A stale run.json must not make a half-finished folder look complete.
            try? FileManager.default.removeItem(atPath: folder + "/run.json")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(key), to: keyPath)
            run = try PlannerRun(case: plannerCase, settings: runSettings, directory: folder, resume: false)
        }
        try run.run(progress: { _ in }, shouldStop: { false })
        return (try measure(try SavedComparisonRun(directory: folder), exactHypervolumes: exactHypervolumes), false)
    }

    func measure(_ saved: SavedComparisonRun, exactHypervolumes: HypervolumeMemo) throws -> ComparisonRun {
        guard saved.front.objectives.first.map({ $0.count }) ?? reference.objectives[0].count == reference.objectives[0].count else {
            throw PlannerError.missingInput("\(saved.directory): the run has a different objective count from the reference front")
        }
        let exactHypervolume = exactHypervolumes.value(for: saved.metadata.hypervolumeReference)
        return Self.measure(
            algorithm: saved.metadata.algorithm, seed: saved.metadata.seed, front: saved.front,
            hypervolumeHistory: saved.hypervolumeHistory, generations: saved.metadata.generationsCompleted,
            referenceFront: reference, referenceHypervolume: exactHypervolume, evaluations: saved.metadata.evaluations,
            seconds: saved.metadata.elapsedSeconds)
    }

    /// Every quantity of one run against the reference front. `hypervolumeHistory` is
    /// indexed by generation (1-based), in the run's own hypervolume units, and
    /// `referenceHypervolume` is the reference front's hypervolume in the same units.
    public static func measure(
        algorithm: String, seed: UInt64, front: ReferenceFront, hypervolumeHistory: [Int: Double], generations: Int,
        referenceFront: ReferenceFront, referenceHypervolume: Double, evaluations: Int, seconds: Double
    ) -> ComparisonRun {
        let exact = referenceFront.objectives
        let scaling = TableMetrics.Scaling(reference: exact)
        let found = Set(front.plans)
        let hits = referenceFront.plans.reduce(0) { $0 + (found.contains($1) ? 1 : 0) }
        let history = hypervolumeHistory.sorted { $0.key < $1.key }.map { (generation: $0.key, hypervolume: $0.value) }
        let empty = front.objectives.isEmpty
        return ComparisonRun(
            algorithm: algorithm, seed: seed, generations: generations, evaluations: evaluations, seconds: seconds,
            frontSize: front.plans.count, referencePlansFound: hits, planCoverage: Double(hits) / Double(exact.count),
            invertedGenerationalDistance: empty
                ? .infinity
                : Indicators.invertedGenerationalDistance(front.objectives.map(scaling.apply), reference: exact.map(scaling.apply)),
            generationsToConverge: TableMetrics.generationsToConverge(hypervolumeHistory: history) ?? generations,
            distanceFromFront: empty ? .infinity : TableMetrics.distanceFromFront(front.objectives, reference: exact),
            scaledHypervolume: empty ? 0 : TableMetrics.scaledHypervolume(front.objectives, reference: exact),
            spacing: front.objectives.count >= 2 ? TableMetrics.spacing(front.objectives, reference: exact) : 0,
            spread: empty ? 0 : TableMetrics.spread(front.objectives, reference: exact),
            coverage: empty ? 0 : TableMetrics.coverage(front.objectives, reference: exact),
            diversityScore: empty ? 0 : TableMetrics.diversityScore(front.objectives, reference: exact),
            hypervolumeRatioHistory: (0..<generations).map { g in
                hypervolumeHistory[g + 1].map { referenceHypervolume > 0 ? $0 / referenceHypervolume : .nan }
            })
    }
}

/// A finished (or interrupted) run read back from its folder.
struct SavedComparisonRun {
    let directory: String
    let metadata: RunMetadata
    let front: ReferenceFront
    let hypervolumeHistory: [Int: Double]

    init(directory: String) throws {
        self.directory = directory
        metadata = try JSONDecoder().decode(RunMetadata.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/run.json")))
        let paretoPath = directory + "/pareto.csv"
        // A run whose front is empty writes only the header.
        let text = try TextFile.read(paretoPath)
        if TextFile.lines(text).filter({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }).count <= 1 {
            front = ReferenceFront(plans: [], objectives: [])
        } else {
            front = try ReferenceFront.read(paretoCSV: paretoPath)
        }
        let table = try CSVTable(path: directory + "/history.csv", required: ["generation", "hypervolume"])
        var history: [Int: Double] = [:]
        for row in table.rows where !(row.optionalString("hypervolume") ?? "").isEmpty {
            history[try row.int("generation")] = try row.double("hypervolume")
        }
        hypervolumeHistory = history
    }

    func isComplete(_ key: AlgorithmComparison.RunKey) -> Bool {
        !metadata.stoppedEarly && metadata.generationsCompleted == key.generations && metadata.algorithm == key.algorithm
            && metadata.seed == key.seed && metadata.population == key.population
            && metadata.caseFingerprint == key.caseFingerprint
    }
}

/// The reference front's hypervolume per hypervolume reference point, computed once.
final class HypervolumeMemo: @unchecked Sendable {
    private let lock = NSLock()
    private let reference: [[Double]]
    private var values: [[Double]: Double] = [:]

    init(reference: [[Double]]) { self.reference = reference }

    func value(for point: [Double]) -> Double {
        lock.withLock {
            if let known = values[point] { return known }
            let value = Hypervolume.compute(points: reference, reference: point)
            values[point] = value
            return value
        }
    }
}

/// One result slot per job, each written by one worker; the first failure stops the rest.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value?]
    private var firstFailure: String?

    init(count: Int) { storage = [Value?](repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) { lock.withLock { storage[index] = value } }
    func fail(_ message: String) { lock.withLock { if firstFailure == nil { firstFailure = message } } }
    var failed: Bool { lock.withLock { firstFailure != nil } }
    var failure: String? { lock.withLock { firstFailure } }
    var values: [Value?] { lock.withLock { storage } }
}

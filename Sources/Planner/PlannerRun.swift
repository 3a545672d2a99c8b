import Foundation
import InputParsing
import NSGA3

/// Settings of one optimisation run.
public struct RunSettings: Sendable, Codable, Equatable {
    /// `nsga3`, `nsga2` or `spea2`.
    public var algorithm: String = "nsga3"
    public var population: Int = 92
    public var generations: Int = 300
    public var seed: UInt64 = 1
    /// Evaluation threads; results do not depend on it.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// TOPSIS weights on (travel time, utility, investment, restoration); nil = equal.
    public var topsisWeights: [Double]? = nil
    /// Save the resumable state after a generation when at least this many seconds have
    /// passed since the last save (0: after every generation); always when the run ends
    /// or is stopped. A save encodes the whole evaluation cache, so saving by the clock
    /// bounds the work an unclean kill loses without slowing short runs.
    public var checkpointSeconds: Double = 30
    /// Where the figures go (nil: no figures).
    public var plotsDirectory: String? = nil
    /// The command line, recorded in the figures' metadata.
    public var commandLine: String = ""

    public init() {}
}

/// One generation of a run, for progress display.
public struct RunProgress: Sendable {
    public var generation: Int
    public var generations: Int
    public var evaluations: Int
    public var frontSize: Int
    public var hypervolume: Double?
    public var elapsedSeconds: Double
}

/// A planning run: NSGA-III (or a baseline) over the case's plans, with every output
/// written atomically into one folder.
public final class PlannerRun {
    public let plannerCase: PlannerCase
    public let settings: RunSettings
    public let directory: String
    public let problem: PlannerProblem
    private var optimizer: Optimizer<PlannerProblem, BinaryVariation>
    private let hypervolumeReference: [Double]
    private let started = Date()

    /// The state file inside a run folder.
    public static let stateFile = "state.json"
    /// The feasible plans evaluated so far, saved with the state.
    public static let archiveFile = "archive.json"

    /// Prepares a run; with `resume`, continues from the state saved in `directory`.
    public init(case plannerCase: PlannerCase, settings: RunSettings, directory: String, resume: Bool) throws {
        self.plannerCase = plannerCase
        self.settings = settings
        self.directory = directory
        let evaluator = try PlanEvaluator(case: plannerCase)
        problem = try PlannerProblem(evaluator: evaluator)
        let m = problem.objectiveCount
        // Hypervolume reference: 10 % beyond the all-stations plan's travel time, no
        // utility, the budget, no restoration value. Fixed before the run so every
        // generation (and every algorithm) is measured against the same point.
        let full = try evaluator.evaluate(
            Plan(bits: [Bool](repeating: true, count: plannerCase.candidates.count)), in: evaluator.makeWorkspace())
        var reference = [1.1 * full.objectives.travelTimeVehMin, 0, plannerCase.parameters.budgetUSD]
        if m == 4 { reference.append(0) }
        hypervolumeReference = reference
        let algorithm: Algorithm
        switch settings.algorithm {
        case "nsga3": algorithm = .nsga3(try Self.referencePoints(objectives: m, population: settings.population))
        case "nsga2": algorithm = .nsga2
        case "spea2": algorithm = .spea2
        default: throw PlannerError.missingInput("unknown algorithm \"\(settings.algorithm)\"; expected nsga3, nsga2 or spea2")
        }
        let configuration = OptimizerConfiguration(
            algorithm: algorithm, populationSize: settings.population, seed: settings.seed, threads: settings.threads,
            hypervolumeReference: reference)
        let variation = try BinaryVariation(length: plannerCase.candidates.count)
        if resume {
            let path = directory + "/" + Self.stateFile
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let state = try JSONDecoder().decode(OptimizerState<BitGenome>.self, from: data)
            optimizer = try Optimizer(problem: problem, variation: variation, configuration: configuration, resumingFrom: state)
            let archive = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + Self.archiveFile))
            let saved = try JSONDecoder().decode([String: [Double]].self, from: archive)
            var restored: [UInt64: [Double]] = [:]
            for (key, value) in saved {
                guard let mask = UInt64(key) else { throw PlannerError.missingInput("\(Self.archiveFile): bad plan key \(key)") }
                restored[mask] = value
            }
            problem.feasibleArchive = restored
        } else {
            optimizer = try Optimizer(problem: problem, variation: variation, configuration: configuration)
        }
    }

    /// Das-Dennis points with the most divisions whose count still fits the population
    /// (4 objectives, population 92: 6 divisions, 84 points).
    static func referencePoints(objectives m: Int, population: Int) throws -> ReferencePoints {
        var divisions = 1
        while true {
            let next = try ReferencePoints.dasDennis(objectives: m, divisions: divisions + 1)
            if next.count > population { break }
            divisions += 1
        }
        return try ReferencePoints.dasDennis(objectives: m, divisions: divisions)
    }

    /// Generations completed so far.
    public var generation: Int { optimizer.state.generation }

    /// Runs to the configured generation count. `progress` is called after every
    /// generation; `shouldStop` is polled after every generation, and a stop still writes
    /// every output and the resumable state.
    public func run(progress: (RunProgress) -> Void, shouldStop: () -> Bool) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var stopped = false
        var lastSave = Date()
        while optimizer.state.generation < settings.generations {
            try optimizer.step()
            if let failure = problem.evaluationFailure {
                throw PlannerError.missingInput("evaluation failed: \(failure)")
            }
            let record = optimizer.state.history[optimizer.state.history.count - 1]
            progress(
                RunProgress(
                    generation: record.generation, generations: settings.generations, evaluations: record.evaluations,
                    frontSize: record.nonDominatedCount, hypervolume: record.hypervolume,
                    elapsedSeconds: optimizer.state.elapsedSeconds))
            if shouldStop() {
                stopped = true
                break
            }
            if Date().timeIntervalSince(lastSave) >= settings.checkpointSeconds {
                try saveState()
                lastSave = Date()
            }
        }
        try saveState()
        try writeOutputs(stopped: stopped)
    }

    private func saveState() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let archive = Dictionary(uniqueKeysWithValues: problem.feasibleArchive.map { (String($0.key), $0.value) })
        try AtomicFile.write(try encoder.encode(archive), to: directory + "/" + Self.archiveFile)
        try AtomicFile.write(try encoder.encode(optimizer.state), to: directory + "/" + Self.stateFile)
    }

    /// The Pareto set found so far with full breakdowns, in ascending bit order.
    public func paretoSet() throws -> [PlanEvaluation] {
        let workspace = try problem.evaluator.makeWorkspace()
        let siteCount = plannerCase.candidates.count
        return try problem.nonDominatedPlans().map {
            try problem.evaluator.evaluate(Plan(mask: $0.mask, siteCount: siteCount), in: workspace)
        }
    }

    private func writeOutputs(stopped: Bool) throws {
        let front = try paretoSet()
        let writer = ResultWriter(directory: directory)
        try writer.writeParetoCSV(front)
        try writer.writeParetoJSON(front)
        try writer.writeHistory(optimizer.state.history)
        try writer.writeDecision(front, weights: settings.topsisWeights)
        try writer.writeRunMetadata(
            RunMetadata(
                plannerCase: plannerCase, settings: settings, generationsCompleted: optimizer.state.generation,
                evaluations: optimizer.state.evaluations, stopped: stopped, hypervolumeReference: hypervolumeReference,
                elapsedSeconds: Date().timeIntervalSince(started), paretoSize: front.count))
        if let plots = settings.plotsDirectory {
            try RunFigures(resultsDirectories: [directory], case: plannerCase, evaluator: problem.evaluator)
                .writeAll(to: plots, command: settings.commandLine)
        }
    }
}

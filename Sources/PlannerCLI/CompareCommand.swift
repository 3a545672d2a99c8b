import ArgumentParser
import Foundation
import Planner

#if canImport(Glibc)
    import Glibc
#endif

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare NSGA-III, NSGA-II and SPEA2 over seeds against the exact Pareto front (seed 003 Tables IV and V).",
        discussion: """
            Writes runs.csv (one row per algorithm x seed), table4.csv, table5.csv, front_recovery.csv \
            (median and inter-quartile range per algorithm), ranksum.csv (pairwise Wilcoxon-Mann-Whitney tests), \
            tables.md and convergence.png. Each run is kept in <out>/runs/<algorithm>-s<seed>/: a re-run reuses \
            finished runs and continues interrupted ones.
            """)

    @Option(name: .customLong("case"), help: "Case manifest or folder (default: the built-in case).")
    var casePath: String?

    @Option(help: "Algorithms, comma-separated, in table order.")
    var algorithms: String = "nsga3,nsga2,spea2"

    @Option(help: "Seeds 1 ... N for every algorithm.")
    var seeds: Int = 11

    @Option(help: "Generations of every run.")
    var generations: Int = 300

    @Option(help: "Population of every run.")
    var population: Int = 92

    @Option(help: "The exact front: a pareto.csv from `planner enumerate` on the same case (default: enumerate now, into <out>/exact).")
    var exact: String?

    @Option(help: "Runs at once, each on one thread (default: all cores); results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Output folder.")
    var out: String

    @Option(help: "Folder of the convergence figure (default: the output folder).")
    var plots: String?

    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds: expected at least 1") }
        guard generations >= 1 else { throw ValidationError("--generations: expected at least 1") }
        guard population >= 4, population % 2 == 0 else { throw ValidationError("--population: expected an even number of at least 4") }
        guard threads >= 1 else { throw ValidationError("--threads: expected at least 1") }
    }

    func run() throws {
        let loaded = try loadCase(casePath)
        var settings = ComparisonSettings()
        settings.algorithms = algorithms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        settings.seeds = seeds
        settings.generations = generations
        settings.population = population
        settings.threads = threads

        let reference = try referenceFront(loaded)
        let comparison = try AlgorithmComparison(case: loaded, settings: settings, reference: reference, directory: out)
        try comparison.checkReference()
        let total = settings.algorithms.count * seeds
        print("exact front: \(reference.plans.count) plans; \(total) runs on \(threads) thread(s)")
        let done = Counter()
        let runs = try comparison.runAll { run, reused in
            let line = String(
                format: "[%d/%d] %@ seed %llu: %@front %d, %.1f %% of the exact front, IGD %.4f", done.increment(), total,
                run.algorithm, run.seed, reused ? "(saved) " : String(format: "%.1f s, ", run.seconds), run.frontSize,
                100 * run.planCoverage, run.invertedGenerationalDistance)
            print(line)
            fflush(nil)
        }
        let tables = ComparisonTables(runs: runs, algorithms: settings.algorithms)
        let figure = (plots ?? out) + "/convergence.png"
        try tables.write(
            to: out, figure: figure, referencePlans: reference.plans.count, command: CommandLine.arguments.joined(separator: " "))
        print("")
        print(try String(contentsOfFile: out + "/tables.md", encoding: .utf8))
        print("wrote \(out)/runs.csv, table4.csv, table5.csv, front_recovery.csv, ranksum.csv, tables.md and \(figure)")
    }

    /// The exact front from `--exact`, from an earlier enumeration in `<out>/exact`, or
    /// enumerated now (and saved there).
    func referenceFront(_ loaded: PlannerCase) throws -> ReferenceFront {
        if let exact { return try ReferenceFront.read(paretoCSV: exact) }
        let saved = out + "/exact/pareto.csv"
        if FileManager.default.fileExists(atPath: saved) {
            print("exact front: reusing \(saved)")
            return try ReferenceFront.read(paretoCSV: saved)
        }
        print("no --exact given: enumerating every plan (this takes a while; reuse \(saved) next time)")
        let evaluator = try PlanEvaluator(case: loaded)
        let exact = try ExactFront.enumerate(evaluator, threads: threads)
        try ResultWriter(directory: out + "/exact").writeParetoCSV(exact.evaluatedFront(evaluator))
        return ReferenceFront(exact, siteCount: loaded.candidates.count)
    }
}

/// A thread-safe counter for progress lines.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { value += 1; return value } }
}

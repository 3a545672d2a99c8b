import ArgumentParser
import Dispatch
import Foundation
import Planner

#if canImport(Glibc)
    import Glibc
#endif

/// Set by SIGINT/SIGTERM; the run stops after the current generation and writes its outputs.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    var isRaised: Bool { lock.withLock { raised } }
    func raise() { lock.withLock { raised = true } }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Optimise station plans of a case (default: built-in) and write the Pareto front, history, metadata and decision picks.")

    @Option(name: .customLong("case"), help: "Case manifest or folder (default: the built-in case).")
    var casePath: String?

    @Option(help: "nsga3, nsga2 or spea2.")
    var algorithm: String = "nsga3"

    @Option(help: "Population size (even).")
    var population: Int = 92

    @Option(help: "Generations.")
    var generations: Int = 300

    @Option(help: "Random seed: the same seed and case give the same results for any thread count.")
    var seed: UInt64 = 1

    @Option(help: "Evaluation threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Output folder (default: results/<case>-<algorithm>-s<seed>).")
    var out: String?

    @Option(help: "Figures folder (default: plots/<run folder name>).")
    var plots: String?

    @Flag(help: "Write no figures.")
    var noPlots = false

    @Option(help: "Continue the run saved in this folder from its last completed generation.")
    var resume: String?

    @Option(help: "TOPSIS weights on travel time, utility, investment, restoration, comma-separated.")
    var topsisWeights: String?

    func run() throws {
        let loaded = try loadCase(casePath)
        var settings = RunSettings()
        settings.algorithm = algorithm
        settings.population = population
        settings.generations = generations
        settings.seed = seed
        settings.threads = threads
        if let topsisWeights {
            let values = topsisWeights.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard values.allSatisfy({ $0 != nil && $0! >= 0 }) else {
                throw ValidationError("--topsis-weights: expected non-negative numbers separated by commas")
            }
            settings.topsisWeights = values.map { $0! }
        }
        let directory = resume ?? out ?? "results/\(loaded.manifest.name)-\(algorithm)-s\(seed)"
        if !noPlots {
            settings.plotsDirectory = plots ?? "plots/" + URL(fileURLWithPath: directory).lastPathComponent
        }
        settings.commandLine = CommandLine.arguments.joined(separator: " ")
        let run = try PlannerRun(case: loaded, settings: settings, directory: directory, resume: resume != nil)

        let stop = StopFlag()
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.raise() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }

        let interactive = isatty(STDOUT_FILENO) != 0
        try run.run(
            progress: { p in
                guard interactive else { return }
                let perGeneration = p.elapsedSeconds / Double(max(p.generation, 1))
                let eta = perGeneration * Double(p.generations - p.generation)
                let hv = p.hypervolume.map { String(format: "%.4g", $0) } ?? "-"
                print(
                    String(
                        format: "\rgen %d/%d  evals %d  front %d  HV %@  ETA %.1f s   ", p.generation, p.generations,
                        p.evaluations, p.frontSize, hv, eta), terminator: "")
                fflush(nil)
            },
            shouldStop: { stop.isRaised })
        if interactive { print("") }
        print("\(stop.isRaised ? "stopped at" : "finished") generation \(run.generation); results in \(directory)"
            + (settings.plotsDirectory.map { ", figures in \($0)" } ?? ""))
        if stop.isRaised { print("continue with: planner run --resume \(directory)") }
    }
}

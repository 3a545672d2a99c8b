import ArgumentParser
import Foundation
import Planner

#if canImport(Glibc)
    import Glibc
#endif

struct EnumerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enumerate",
        abstract: "The exact Pareto front of a small case by evaluating every plan (2^20 for the built-in case).")

    @Option(name: .customLong("case"), help: "Case manifest or folder (default: the built-in case).")
    var casePath: String?

    @Option(help: "Threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Output folder (default: results/<case>-exact).")
    var out: String?

    func run() throws {
        let loaded = try loadCase(casePath)
        let evaluator = try PlanEvaluator(case: loaded)
        let interactive = isatty(STDOUT_FILENO) != 0
        let exact = try ExactFront.enumerate(evaluator, threads: threads) { done, total in
            guard interactive, done % 16 == 0 || done == total else { return }
            print("\r\(done)/\(total) chunks", terminator: "")
            fflush(nil)
        }
        if interactive { print("") }
        let directory = out ?? "results/\(loaded.manifest.name)-exact"
        let front = try exact.evaluatedFront(evaluator)
        let writer = ResultWriter(directory: directory)
        try writer.writeParetoCSV(front)
        try writer.writeParetoJSON(front)
        let c = exact.counts
        print("\(c.plans) plans: \(c.overBudgetByStationsAlone) over budget on stations alone, \(c.rangeInfeasible) leave EV trips stranded, "
            + "\(c.smallWorldInfeasible) break a small-world constraint, \(c.evaluated) evaluated in full, \(c.feasible) feasible, \(c.front) on the exact front (\(String(format: "%.1f", c.seconds)) s)")
        print("wrote \(directory)/pareto.csv and pareto.json")
    }
}

import ArgumentParser
import Foundation
import Planner

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Regenerate the showcase report: the front and its picks, Tables III-V, Figs 4-7 and report.md.",
        discussion: """
            Runs NSGA-III on the case, enumerates the exact front, compares NSGA-III, NSGA-II and SPEA2 over seeds \
            against it, sweeps demand, station cost and coverage growth, and writes report.md with every table and \
            figure. Parts already computed for the same case and settings (the exact front, finished comparison runs \
            and sweep points) are reused, so an interrupted report continues where it stopped.
            """)

    @Option(name: .customLong("case"), help: "Case manifest or folder (default: the built-in case).")
    var casePath: String?

    @Option(help: "Tables and run folders.")
    var out: String = "results/report"

    @Option(help: "Figures.")
    var plots: String = "plots/report"

    @Option(help: "Seeds per algorithm for Tables IV-V.")
    var seeds: Int = 11

    @Option(help: "Generations of the main run and of each comparison run.")
    var generations: Int = 300

    @Option(help: "Growth grid of the sweeps, start:stop:step.")
    var growth: String = "0:0.4:0.05"

    @Option(help: "Seeds per sweep point.")
    var sweepSeeds: Int = 1

    @Option(help: "Worker threads (default: all cores); results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard seeds >= 1, sweepSeeds >= 1 else { throw ValidationError("--seeds and --sweep-seeds: expected at least 1") }
        guard generations >= 1 else { throw ValidationError("--generations: expected at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads: expected at least 1") }
    }

    func run() throws {
        let loaded = try loadCase(casePath)
        var settings = ReportSettings()
        settings.resultsDirectory = out
        settings.plotsDirectory = plots
        settings.comparisonSeeds = seeds
        settings.generations = generations
        settings.sweepSeeds = sweepSeeds
        settings.threads = threads
        settings.commandLine = CommandLine.arguments.joined(separator: " ")
        settings.growthGrid = growth  // checked by the sweep's own grid parser, which names the field
        try ShowcaseReport(case: loaded, settings: settings).generate { line in
            print(line)
            fflush(nil)
        }
    }
}

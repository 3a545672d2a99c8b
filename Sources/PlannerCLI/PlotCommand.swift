import ArgumentParser
import Foundation
import Planner

/// `planner plot KIND --from RESULTS_DIR --out FILE.png`: redraws one figure of saved
/// run results.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Redraw a figure of saved run results as a PNG.",
        discussion: """
            KIND is one of: \(RunFigures.Kind.allCases.map(\.rawValue).joined(separator: ", ")).
            convergence accepts several --from folders: one line per algorithm, the median and \
            inter-quartile band when several seeds of one algorithm are given. The other kinds draw \
            the first folder's front and knee plan.
            """)

    @Argument(help: "Figure kind: \(RunFigures.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: String

    @Option(name: .customLong("from"), help: "Results folder of `planner run` (repeat for convergence).")
    var from: [String] = []

    @Option(help: "PNG file to write.")
    var out: String

    @Option(name: .customLong("case"), help: "Case manifest or folder the runs were made on (default: the built-in case).")
    var casePath: String?

    func validate() throws {
        guard let kind = RunFigures.Kind(rawValue: kind) else {
            throw ValidationError(
                "unknown figure kind \"\(self.kind)\"; expected one of: \(RunFigures.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard !from.isEmpty else { throw ValidationError("--from: give at least one results folder") }
        guard from.count == 1 || kind == .convergence else {
            throw ValidationError("--from: \(kind.rawValue) draws one run; give one results folder (several only for convergence)")
        }
    }

    func run() throws {
        let kind = RunFigures.Kind(rawValue: kind)!
        let figures = try RunFigures(resultsDirectories: from, case: try loadCase(casePath))
        let command = (["planner"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let directory = URL(fileURLWithPath: out).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try figures.write(kind, to: out, command: command)
        print("wrote \(out)")
    }
}

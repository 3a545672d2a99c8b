import ArgumentParser
import Foundation
import Planner

struct SmallWorldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smallworld",
        abstract: "Small-world metrics, clusters, long-range links and, for a plan, Z2, service distance and Table III.")

    @Option(name: .customLong("case"), help: "Case manifest or folder (default: the built-in case).")
    var casePath: String?

    @Option(help: "A plan: one bit per candidate site, site 1 first.")
    var plan: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let loaded = try loadCase(casePath)
        let evaluator = try PlanEvaluator(case: loaded)
        let parsed = try plan.map { try Plan(bitString: $0, siteCount: loaded.candidates.count) }
        let report = try SmallWorldReport(evaluator: evaluator, plan: parsed, workspace: try evaluator.makeWorkspace())
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            report.lines.forEach { print($0) }
        }
    }
}

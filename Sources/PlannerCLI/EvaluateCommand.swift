import ArgumentParser
import Foundation
import Planner

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate one plan and print its full breakdown.")

    @Option(name: .customLong("case"), help: "Case manifest or folder (default: the built-in case).")
    var casePath: String?

    @Option(help: "The plan: one bit per candidate site, site 1 first (e.g. 10110...).")
    var plan: String

    @Flag(help: "Print the breakdown as JSON.")
    var json = false

    func run() throws {
        let loaded = try loadCase(casePath)
        let evaluator = try PlanEvaluator(case: loaded)
        let workspace = try evaluator.makeWorkspace()
        let evaluation = try evaluator.evaluate(
            try Plan(bitString: plan, siteCount: loaded.candidates.count), in: workspace)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(evaluation), as: UTF8.self))
        } else {
            EvaluationReport.lines(evaluation).forEach { print($0) }
        }
    }
}

import ArgumentParser
import Foundation
import Planner

/// `planner grid cost`: the feeder side of one plan of a case.
struct GridCostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "Price the feeder investment of a plan: station loads, substation expansion and reinforced lines.")

    @Option(name: .customLong("case"), help: "Case manifest or folder (default: the built-in case).")
    var casePath: String?

    @Option(help: "The plan: one bit per candidate site, site 1 first.")
    var plan: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let loaded = try loadCase(casePath)
        let evaluator = try PlanEvaluator(case: loaded)
        let evaluation = try evaluator.evaluate(
            try Plan(bitString: plan, siteCount: loaded.candidates.count), in: try evaluator.makeWorkspace())
        if json {
            struct Output: Encodable {
                var plan: String
                var stations: [PlanEvaluation.Station]
                var grid: PlanEvaluation.Grid
                var substationUSD: Double
                var linesUSD: Double
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let output = Output(
                plan: evaluation.plan, stations: evaluation.stations, grid: evaluation.grid,
                substationUSD: evaluation.costs.substationUSD, linesUSD: evaluation.costs.linesUSD)
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
            return
        }
        let g = evaluation.grid
        print("plan \(evaluation.plan): \(evaluation.stations.count) stations, load \(String(format: "%.1f", g.stationLoadKW)) kW")
        for s in evaluation.stations {
            print("  site \(s.site) -> bus \(s.bus): \(s.spots) spots, \(String(format: "%.1f", s.loadKW)) kW")
        }
        let before = g.minVoltageBeforePU.map { String(format: "%.5f", $0) } ?? "no power-flow solution"
        let after = g.minVoltageAfterPU.map { String(format: "%.5f", $0) } ?? "no power-flow solution"
        print("min voltage before reinforcement \(before) pu, after \(after) pu")
        print("substation load \(g.substationLoadKVA.map { String(format: "%.1f", $0) } ?? "n/a") kVA, "
            + "expansion \(String(format: "%.1f", g.substationExpansionKVA)) kVA: \(EvaluationReport.money(evaluation.costs.substationUSD))")
        print("reinforced lines: \(g.reinforcements.isEmpty ? "none" : g.reinforcements.joined(separator: ", ")): "
            + EvaluationReport.money(evaluation.costs.linesUSD))
        print("feeder investment \(EvaluationReport.money(evaluation.costs.substationUSD + evaluation.costs.linesUSD))"
            + (g.feasible ? "" : "  (limits still violated after the reinforcement rule)"))
    }
}

import ArgumentParser
import Foundation
import Planner

/// `planner bench evaluate`: time plan evaluations on a case.
struct PlannerBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Time full plan evaluations (traffic LP, feeder cost, utility, restoration) on random plans.")

    @Option(name: .customLong("case"), help: "Case manifest or folder (default: the built-in case).")
    var casePath: String?

    @Option(help: "Number of random plans.")
    var plans: Int = 500

    @Option(help: "Share of sites built in a random plan.")
    var density: Double = 0.8

    func run() throws {
        let loaded = try loadCase(casePath)
        let clock = ContinuousClock()
        var start = clock.now
        let evaluator = try PlanEvaluator(case: loaded)
        let setup = clock.now - start
        start = clock.now
        let workspace = try evaluator.makeWorkspace()
        let warm = clock.now - start
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var times: [Double] = []
        var feasible = 0
        for _ in 0..<plans {
            var bits: [Bool] = []
            for _ in loaded.candidates {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bits.append(Double(state >> 11) / Double(1 << 53) < density)
            }
            let t0 = clock.now
            let e = try evaluator.evaluate(Plan(bits: bits), in: workspace)
            times.append(Self.seconds(clock.now - t0))
            if e.isFeasible { feasible += 1 }
        }
        times.sort()
        func us(_ q: Double) -> String { String(format: "%.1f", times[Int(q * Double(times.count - 1))] * 1e6) }
        print("evaluator setup \(String(format: "%.1f", Self.seconds(setup) * 1e3)) ms, workspace \(String(format: "%.1f", Self.seconds(warm) * 1e3)) ms")
        print("\(plans) random plans (density \(density)), \(feasible) feasible: median \(us(0.5)) µs, p90 \(us(0.9)) µs, max \(us(1.0)) µs per plan")
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

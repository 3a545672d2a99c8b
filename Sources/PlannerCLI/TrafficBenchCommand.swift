import ArgumentParser
import Foundation
import LinearProgramming
import Planner
import TrafficEquilibrium

/// `planner bench traffic`: BPR equilibrium on Sioux Falls and NdP solves per plan on a case.
struct TrafficBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traffic",
        abstract: "Times BPR user equilibrium (Sioux Falls) and warm NdP solves per station plan (a case).",
        discussion: "Run on a release build. Medians over --repeat runs; per-plan figures over --plans plans.")

    @Option(help: "TNTP network for the BPR benchmark.")
    var net = "Tests/TrafficEquilibriumTests/Fixtures/SiouxFalls_net.tntp"
    @Option(help: "TNTP trips for the BPR benchmark.")
    var trips = "Tests/TrafficEquilibriumTests/Fixtures/SiouxFalls_trips.tntp"
    @Option(help: "Runs per BPR configuration.") var `repeat` = 5
    @Option(help: "Case for the NdP benchmark (manifest path or 'builtin').") var `case` = "builtin"
    @Option(help: "Plans in the NdP random walk.") var plans = 2_000
    @Option(help: "Bits flipped per step of the walk: 1 up to this.") var flips = 3
    @Option(help: "Seed of the walk.") var seed: UInt64 = 1
    @Option(help: "LP backend for the NdP part: clp or glpk.") var backend = "clp"
    @Flag(help: "Skip the BPR part.") var skipBPR = false
    @Flag(help: "Skip the NdP part.") var skipNdP = false

    func run() throws {
        if !skipBPR { try benchmarkBPR() }
        if !skipNdP { try benchmarkNdP() }
    }

    private func benchmarkBPR() throws {
        let network = try failOnInput { try TNTP.readNetwork(path: net) }
        let demand = try failOnInput { try TNTP.readDemand(path: trips) }
        print("BPR user equilibrium: \(net) (\(network.nodeCount) nodes, \(network.linkCount) links, \(demand.pairs.count) OD pairs)")
        print("algorithm  target gap   iterations  final gap     Beckmann            median ms  min ms")
        let clock = ContinuousClock()
        for (algorithm, gap) in [
            (UserEquilibrium.Algorithm.biconjugateFrankWolfe, 1e-5), (.gradientProjection, 1e-5),
            (.gradientProjection, 1e-10),
        ] {
            var times: [Double] = []
            var last: UserEquilibrium.Result?
            for _ in 0..<max(1, self.repeat) {
                let start = clock.now
                last = try failOnInput {
                    try UserEquilibrium.solve(
                        network: network, demand: demand, options: .init(algorithm: algorithm, relativeGap: gap))
                }
                times.append((clock.now - start).seconds * 1e3)
            }
            guard let result = last else { continue }
            print(
                algorithm.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                    + String(
                        format: "  %-10.0e   %10d  %-12.3e  %-18.6f  %9.3f  %6.3f", gap, result.iterations,
                        result.relativeGap, result.beckmann, median(times), times.min() ?? 0))
        }
    }

    private func benchmarkNdP() throws {
        let plannerCase = try failOnInput {
            self.case == "builtin" ? try PlannerCase.builtIn() : try PlannerCase.load(manifestPath: self.case)
        }
        let problem = PlanEvaluator.trafficProblem(for: plannerCase)
        guard let lpBackend = LPBackend(rawValue: backend) else { throw ValidationError("--backend must be clp or glpk") }
        let sites = problem.sites.count
        print("")
        print(
            "NdP LP per plan (\(lpBackend.rawValue)): case \(plannerCase.manifest.name) (\(problem.network.linkCount) arcs, \(sites) sites, "
                + "\(problem.conventionalDemand.pairs.count + problem.evDemand.pairs.count) OD-class rows)")
        // The walk: each plan differs from the previous one in 1...flips bits.
        var rng = BenchRandom(seed: seed)
        var plan = [Bool](repeating: true, count: sites)
        var walk: [[Bool]] = []
        for _ in 0..<plans {
            for _ in 0..<(1 + Int(rng.next() % UInt64(max(1, flips)))) { plan[Int(rng.next() % UInt64(sites))].toggle() }
            walk.append(plan)
        }
        let clock = ContinuousClock()

        // Cold: a new solver per plan (first 20 plans).
        var cold: [Double] = []
        for plan in walk.prefix(20) {
            let start = clock.now
            let solver = try failOnInput { try NdPSolver(problem: problem, backend: lpBackend) }
            _ = try failOnInput { try solver.solve(stations: plan) }
            cold.append((clock.now - start).seconds * 1e6)
        }

        // Warm-up shared by both warm modes: the all-stations plan, then the walk's first 200 plans.
        func warmedSolver() throws -> NdPSolver {
            let solver = try failOnInput { try NdPSolver(problem: problem, backend: lpBackend) }
            _ = try failOnInput { try solver.solve(stations: [Bool](repeating: true, count: sites)) }
            for plan in walk.prefix(200) { _ = try failOnInput { try solver.solve(stations: plan) } }
            _ = try failOnInput { try solver.solve(stations: [Bool](repeating: true, count: sites)) }
            return solver
        }
        // Modes: 0 warm from the previous plan; 1 from the baseline for every plan; 2 from the
        // baseline at the start of each chunk of 32 plans, warm inside the chunk.
        for mode in 0..<3 {
            let solver = try warmedSolver()
            if mode > 0 { solver.saveBaseline() }
            var times: [Double] = []
            var rounds: [Int] = []
            var pivots = 0
            var methods: [String: Int] = [:]
            var infeasible = 0
            for (index, plan) in walk.enumerated() {
                if mode == 1 || (mode == 2 && index % 32 == 0) { solver.returnToBaseline() }
                let start = clock.now
                let solution = try failOnInput { try solver.solve(stations: plan) }
                times.append((clock.now - start).seconds * 1e6)
                rounds.append(solution.rounds)
                pivots += solution.simplexIterations
                if solution.unserved > 1e-9 { infeasible += 1 }
                methods[solution.method.rawValue, default: 0] += 1
            }
            let sorted = times.sorted()
            print(
                ["warm from the previous plan     ", "from the baseline, every plan   ", "from the baseline, chunks of 32 "][mode]
                    + String(
                    format: "  median %7.1f µs  mean %7.1f  p10 %7.1f  p90 %7.1f  max %8.1f  mean rounds %.2f  pivots %.1f  columns %d  plans with unserved EVs %d/%d",
                    median(times), times.reduce(0, +) / Double(max(1, times.count)),
                    sorted[sorted.count / 10], sorted[sorted.count * 9 / 10], sorted.last ?? 0,
                    Double(rounds.reduce(0, +)) / Double(max(1, rounds.count)), Double(pivots) / Double(max(1, walk.count)),
                    solver.columnCount, infeasible, walk.count))
            print(
                "    solved by: " + methods.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        print(String(format: "cold (new solver + solve)          median %7.1f µs over %d plans", median(cold), cold.count))
    }

    private func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
    }
}


import ArgumentParser
import DistributionGrid
import Foundation

/// `planner bench grid`: timings of the feeder power flow and investment cost.
struct GridBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid",
        abstract: "Time the exact power flow, LinDistFlow and the feeder investment cost; check the greedy against the exact MILP.",
        discussion: """
            Power flow: median time per solve over batches (flat start each solve). Investment: random \
            plans of 1-6 charging stations (200-1,000 kW each, pf 0.95) at random buses, each priced \
            with the greedy reinforcement rule; with --milp each plan is also solved by the exact MILP \
            (GLPK, lazy cuts) and the greedy's cost gap is reported. Example: \
            planner bench grid --matpower Tests/DistributionGridTests/Fixtures/case33bw.m --milp
            """
    )

    @Option(name: .customLong("matpower"), help: "MATPOWER feeder (.m), e.g. case33bw.m.")
    var matpower: String

    @Option(help: "Timed batches per measurement (the median batch is reported).")
    var batches = 201

    @Option(help: "Solves per batch.")
    var perBatch = 100

    @Option(name: .customLong("vsource"), help: "Substation voltage for the investment runs, pu.")
    var sourceVoltage = 1.05

    @Option(help: "Existing substation capacity, kVA.")
    var capacity = 5000.0

    @Option(help: "Cost of one added circuit, $.")
    var circuitCost = 100_000.0

    @Option(help: "Random station plans to price.")
    var plans = 200

    @Option(help: "Seed of the random plans.")
    var seed: UInt64 = 1

    @Flag(help: "Also solve each plan's reinforcement exactly (MILP) and report the greedy's gap.")
    var milp = false

    @Option(help: "Cost per circuit-km, $/km; uses made-up route lengths of 0.4-2.4 km (uneven, so costs differ by branch).")
    var costPerKM = 0.0

    @Option(help: "Give every branch this rating in kVA (0: keep the case's ratings).")
    var rating = 0.0

    mutating func validate() throws {
        guard batches > 0, perBatch > 0, plans > 0 else { throw ValidationError("--batches, --per-batch and --plans must be positive") }
    }

    func run() throws {
        var feeder = try Feeder(matpowerFile: matpower)
        if costPerKM > 0 || rating > 0 {
            let branches = feeder.branches.enumerated().map { index, branch in
                var b = branch
                if costPerKM > 0 { b.lengthKM = 0.4 + Double((index * 7) % 11) * 0.2 }
                if rating > 0 { b.ratingKVA = rating }
                return b
            }
            feeder = try Feeder(
                name: feeder.name, baseKV: feeder.baseKV, baseMVA: feeder.baseMVA, buses: feeder.buses, branches: branches,
                substation: feeder.substation, sourceVoltage: feeder.sourceVoltage)
        }
        let source = feeder.sourceVoltage
        print("\(feeder.name): \(feeder.buses.count) buses; \(batches) batches × \(perBatch) solves")

        var solver = DistFlowSolver(feeder: feeder)
        let base = feeder.baseLoads
        var sink = 0.0
        let exact = try median(batches: batches, perBatch: perBatch) {
            sink += try solver.solveSummary(loads: base, sourceVoltage: source).minVoltage
        }
        let sweeps = try solver.solveSummary(loads: base, sourceVoltage: source).iterations
        print("exact power flow (base loads, \(source) pu, \(sweeps) sweeps): median \(micro(exact)) µs per solve (target <= 10 µs on 33 buses)")

        let linear = try median(batches: batches, perBatch: perBatch) {
            sink += solver.linDistFlow(loads: base, sourceVoltage: source).minSquaredVoltage
        }
        print("LinDistFlow (allocating result):  median \(micro(linear)) µs per solve")

        let full = try median(batches: batches, perBatch: perBatch) {
            sink += try solver.solve(loads: base, sourceVoltage: source).summary.lossesKW
        }
        print("exact power flow, full result:    median \(micro(full)) µs per solve")

        // Random station plans.
        var rng = BenchRandom(seed: seed)
        let candidates = feeder.buses.indices.filter { $0 != feeder.substation }
        var stationSets: [[StationLoad]] = []
        for _ in 0..<plans {
            let count = 1 + Int(rng.next() % 6)
            var set: [StationLoad] = []
            for _ in 0..<count {
                let bus = candidates[Int(rng.next() % UInt64(candidates.count))]
                let kW = 200 + Double(rng.next() % 801)
                set.append(StationLoad(bus: bus, pKW: kW, powerFactor: 0.95))
            }
            stationSets.append(set)
        }
        let parameters = InvestmentParameters(
            sourceVoltage: sourceVoltage, substationCapacityKVA: capacity, costPerCircuit: circuitCost, costPerCircuitKM: costPerKM)
        var evaluator = try FeederInvestmentEvaluator(feeder: feeder, parameters: parameters)
        var times: [Double] = []
        var results: [FeederInvestment] = []
        for set in stationSets {
            // Each plan timed over a batch of repeats.
            var result: FeederInvestment? = nil
            let t = try median(batches: 5, perBatch: 20) { result = evaluator.evaluate(stations: set) }
            times.append(t)
            results.append(result!)
        }
        let emptyTime = try median(batches: batches, perBatch: perBatch) { sink += evaluator.evaluate(stations: []).totalCost }
        times.sort()
        let reinforced = results.filter { !$0.reinforcements.isEmpty }.count
        let infeasible = results.filter { !$0.isFeasible }.count
        print("investment cost, empty plan (\(sourceVoltage) pu): median \(micro(emptyTime)) µs")
        print(
            "investment cost, \(plans) random plans: median \(micro(times[times.count / 2])) µs, p90 \(micro(times[times.count * 9 / 10])) µs, max \(micro(times.last!)) µs (target <= 50 µs); \(reinforced) needed lines, \(infeasible) infeasible"
        )

        if milp {
            var gaps: [Double] = []
            var optimalCount = 0
            var milpTimes: [Double] = []
            for (set, greedy) in zip(stationSets, results) where !greedy.reinforcements.isEmpty {
                var loads = base
                for s in set { loads.add(s) }
                let start = DispatchTime.now().uptimeNanoseconds
                guard let optimum = try? evaluator.optimalReinforcement(loads: loads) else { continue }
                milpTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
                let gap = (greedy.lineCost - optimum.cost) / optimum.cost
                gaps.append(gap)
                if gap <= 1e-9 { optimalCount += 1 }
            }
            gaps.sort()
            milpTimes.sort()
            if gaps.isEmpty {
                print("exact MILP: no plan needed lines (or the unreinforced flow had no solution)")
            } else {
                print(
                    "greedy vs exact MILP on \(gaps.count) plans needing lines: optimal on \(optimalCount), gap median \(percent(gaps[gaps.count / 2])), p90 \(percent(gaps[gaps.count * 9 / 10])), worst \(percent(gaps.last!)); MILP median \(String(format: "%.1f", milpTimes[milpTimes.count / 2] * 1000)) ms"
                )
            }
        }
        if sink.isNaN { print("") }  // keeps the timed work observable
    }

    /// Median over batches of the time per call, seconds.
    private func median(batches: Int, perBatch: Int, _ body: () throws -> Void) throws -> Double {
        var samples: [Double] = []
        samples.reserveCapacity(batches)
        for _ in 0..<batches {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<perBatch { try body() }
            let end = DispatchTime.now().uptimeNanoseconds
            samples.append(Double(end - start) * 1e-9 / Double(perBatch))
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    private func micro(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1e6) }
    private func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
}


import ArgumentParser
import Foundation
import Restoration

/// `planner bench restoration`: timings of the exact and fast restoration evaluators and the
/// fast evaluator's gap to the exact model on random fault scenarios.
struct RestorationBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restoration",
        abstract: "Time the exact and fast restoration evaluators; measure the fast one's gap to the exact MILP.",
        discussion: """
            Runs on the engine's reference instance: the IEEE 33-bus feeder with the seed-001 \
            restoration defaults (PV at 18, 22, 25; 1 MW gas at 33; 4 x 250 kW / 600 kWh fleets). \
            1. Exact: seed 001's scenario 2 (08:00-16:00) with no fleet and one fleet at 18, 22, 25, 33, \
            checked against the reference values (0.01 %). 2. Fast: time per (station set, scenario) on \
            cache misses. 3. Gap: random fault scenarios (2-6 damaged branches, start 08/12/16/20 h) x \
            random station sets (1-3 fleets at random buses), exact (solved to 0.01 %, seeded with the fast \
            solution) against fast, on VOLL-weighted kWh served. Use a release build.
            """
    )

    @Option(help: "Exact solves per station set on scenario 2 (the median is reported).")
    var repeats = 3

    @Option(help: "Random (fault scenario, station set) pairs in the gap study.")
    var samples = 100

    @Option(help: "Seed of the random scenarios and station sets.")
    var seed: UInt64 = 1

    @Option(help: "Most fleets in a random station set.")
    var maxStations = 3

    @Option(help: "Time cap per exact component solve in the gap study, seconds.")
    var exactSeconds = 20.0

    @Option(help: "Distinct random station sets for the fast timing.")
    var fastSets = 500

    @Option(
        help: """
            Cap on branch-and-price nodes of the fast timing's exact no-fleet solves (quick timing \
            runs; changes the baselines and so the fingerprint). Default: the solver's default limits.
            """)
    var baselineNodes: Int?

    @Flag(help: "Ties may not close (default: switchable).")
    var noTies = false

    @Flag(help: "Print every gap-study case.")
    var verbose = false

    /// The bench's three parts.
    enum Part: String, ExpressibleByArgument, CaseIterable {
        case exact, fast, gap
    }

    @Option(
        parsing: .upToNextOption,
        help: "Parts to run (exact: scenario-2 timings; fast: fast timings; gap: the gap study). Default: all.")
    var parts: [Part] = Part.allCases

    mutating func validate() throws {
        guard repeats > 0, samples > 0, maxStations > 0, exactSeconds > 0, fastSets > 0, (baselineNodes ?? 1) > 0 else {
            throw ValidationError("counts and times must be positive")
        }
    }

    func run() throws {
        let system = RestorationReferenceCase.system(options: RestorationOptions(tiesSwitchable: !noTies))
        let clock = ContinuousClock()
        if parts.contains(.exact) { try exactOnScenario2(system, clock) }
        if parts.contains(.fast) { try fastTiming(system, clock) }
        if parts.contains(.gap) { try gapStudy(system, clock) }
    }

    /// Reference values of the restoration defaults (VOLL-weighted kWh, scenario 2, 08:00).
    static let references: [Bool: [[Int]: Double]] = [
        true: [[]: 24_640, [18]: 38_153, [22]: 26_036, [25]: 38_153, [33]: 38_153],
        false: [[]: 21_227, [18]: 21_658, [22]: 22_624, [25]: 30_977, [33]: 27_174],
    ]

    func exactOnScenario2(_ system: RestorationSystem, _ clock: ContinuousClock) throws {
        print("Exact restoration, seed-001 scenario 2, 08:00-16:00, ties \(noTies ? "fixed open" : "switchable")")
        print("  stations   weighted kWh   reference   agrees   median s   MILPs  nodes")
        var times: [Double] = []
        for stations in [[], [18], [22], [25], [33]] {
            var runs: [Double] = []
            var outcome: RestorationOutcome?
            for _ in 0..<repeats {
                let start = clock.now
                outcome = try ExactRestoration.solve(
                    system, scenario: RestorationReferenceCase.seed001Scenario2(), stations: stations)
                runs.append(seconds(clock.now - start))
            }
            times += runs
            let value = outcome!.weightedEnergyKWh
            let reference = Self.references[!noTies]![stations]!
            let agrees = abs(value - reference) <= 1e-4 * reference + 0.5
            let label = (stations.isEmpty ? "none" : "\(stations[0])").padding(toLength: 9, withPad: " ", startingAt: 0)
            print(
                "  \(label)"
                    + String(format: " %13.1f %11.0f   ", value, reference)
                    + (agrees ? "yes   " : "NO    ")
                    + String(format: " %9.3f %7d %6d", median(runs), outcome!.stats.milps, outcome!.stats.nodes))
        }
        print(String(format: "  median over all solves: %.3f s (target <= 1 s)\n", median(times)))
    }

    func fastTiming(_ system: RestorationSystem, _ clock: ContinuousClock) throws {
        let random = GSLRandom(seed: seed &+ 1)
        var scenarios = [RestorationReferenceCase.seed001Scenario2()]
        for k in 0..<4 { scenarios.append(RestorationReferenceCase.randomFaultScenario(using: random, name: "t\(k)")) }
        for k in scenarios.indices { scenarios[k].probability = 1 / Double(scenarios.count) }
        let evaluator = try RestorationEvaluator(
            system: system, scenarios: scenarios,
            valuation: RestorationValuation(stormsPerYear: 2, usdPerWeightedKWh: 5), method: .fast,
            limits: baselineNodes.map { ExactSolveLimits(maxNodes: $0) } ?? ExactSolveLimits())
        var seen = Set<[Int]>()
        var times: [Double] = []
        var outcomeTimes: [Double] = []
        var mismatches = 0
        var computed = 0, shared = 0
        // Fingerprint of every outcome (bits of the values, hourly service, fleet energy and
        // islands), so that a speed-up can be checked to give bit-identical results.
        var fingerprint = BitFingerprint()
        var total = 0.0
        while seen.count < fastSets {
            let stations = randomStations(random)
            guard seen.insert(stations).inserted else { continue }
            for s in scenarios.indices {
                // Timed: the call the planner makes (the weighted kWh, no islands or tables).
                let before = evaluator.cacheStatistics
                let start = clock.now
                let value = try evaluator.weightedEnergyKWh(scenario: s, stations: stations)
                times.append(seconds(clock.now - start) * 1e6)
                let after = evaluator.cacheStatistics
                computed += after.componentMisses - before.componentMisses
                shared += after.componentHits - before.componentHits
                // The full outcome afterwards: for the fingerprint, and what `planner restore`
                // and the figures pay (the value path keeps component values, not solutions,
                // so the components are solved again, then islands and hourly tables built).
                let outcomeStart = clock.now
                let outcome = try evaluator.outcome(scenario: s, stations: stations)
                outcomeTimes.append(seconds(clock.now - outcomeStart) * 1e6)
                if outcome.weightedEnergyKWh.bitPattern != value.bitPattern { mismatches += 1 }
                fingerprint.add(outcome)
                total += outcome.weightedEnergyKWh
            }
        }
        times.sort()
        outcomeTimes.sort()
        print("Fast evaluator, \(fastSets) station sets x \(scenarios.count) scenarios (cache misses only)")
        let pass = [512: "AVX-512", 256: "AVX2"][VoltagePassSupport.width] ?? "portable Swift loop (no AVX2)"
        print("  voltage pass: \(pass)")
        print(
            String(
                format: "  per (station set, scenario): median %.1f us, p90 %.1f us, max %.1f us (target <= 50 us)",
                times[times.count / 2], times[times.count * 9 / 10], times.last!))
        print(
            String(
                format: "  the full outcome afterwards (solutions, islands, hourly service): median %.1f us",
                outcomeTimes[outcomeTimes.count / 2])
                + "; same weighted kWh: " + (mismatches == 0 ? "yes" : "NO, \(mismatches) differ"))
        print("  component evaluations: \(computed) computed, \(shared) shared")
        print(
            String(format: "  outcome fingerprint %016llx, total weighted kWh %.6f\n", fingerprint.value, total))
    }

    func gapStudy(_ system: RestorationSystem, _ clock: ContinuousClock) throws {
        let random = GSLRandom(seed: seed)
        let limits = ExactSolveLimits(maxSeconds: exactSeconds)
        var gaps: [Double] = [], valueGaps: [Double] = [], exactTimes: [Double] = [], proofGaps: [Double] = []
        var rows: [(gap: Double, line: String)] = []
        print("Gap study: \(samples) random fault scenarios x station sets (fast vs exact, weighted kWh served)")
        for k in 0..<samples {
            let scenario = RestorationReferenceCase.randomFaultScenario(using: random, name: "r\(k)")
            let stations = randomStations(random)
            let start = clock.now
            let exact = try ExactRestoration.solve(system, scenario: scenario, stations: stations, limits: limits)
            exactTimes.append(seconds(clock.now - start))
            let evaluator = try RestorationEvaluator(
                system: system, scenarios: [scenario],
                valuation: RestorationValuation(stormsPerYear: 2, usdPerWeightedKWh: 5), method: .fast, limits: limits)
            let fast = try evaluator.outcome(scenario: 0, stations: stations)
            let without = try evaluator.outcome(scenario: 0, stations: []).weightedEnergyKWh
            // Negative: the fast evaluator beat the exact incumbent (only possible when the
            // exact solve stopped on its time cap).
            let gap = (exact.weightedEnergyKWh - fast.weightedEnergyKWh) / max(exact.weightedEnergyKWh, 1)
            let exactGain = exact.weightedEnergyKWh - without
            let valueGap = exactGain > 1 ? (exact.weightedEnergyKWh - fast.weightedEnergyKWh) / exactGain : 0
            gaps.append(gap)
            valueGaps.append(valueGap)
            proofGaps.append(exact.relativeGap ?? 0)
            let faults = scenario.damagedBranches.map(\.description).joined(separator: ";")
            let sites = stations.map { "\($0)" }.joined(separator: ",")
            let line =
                String(format: "  %3d  start %02d  ", k, scenario.startHour) + "faults \(faults)  stations \(sites)  "
                + String(
                    format: "exact %.1f (proven gap %.4f %%, %.2f s)  fast %.1f  gap %.3f %%  value gap %.3f %%",
                    exact.weightedEnergyKWh, (exact.relativeGap ?? 0) * 100, exactTimes.last!, fast.weightedEnergyKWh,
                    gap * 100, valueGap * 100)
            rows.append((gap, line))
            if verbose { print(line) }
        }
        let proven = proofGaps.filter { $0 <= 1e-4 + 1e-9 }.count
        print(
            String(
                format: "  served-energy gap: median %.3f %%, p90 %.3f %%, worst %.3f %%, best %.3f %% (target: median <= 1 %%)",
                quantile(gaps, 0.5) * 100, quantile(gaps, 0.9) * 100, gaps.max()! * 100, gaps.min()! * 100))
        print(
            String(
                format: "  restoration-value gap (share of the exact gain): median %.3f %%, p90 %.3f %%, worst %.3f %%",
                quantile(valueGaps, 0.5) * 100, quantile(valueGaps, 0.9) * 100, valueGaps.max()! * 100))
        // Against an unproven exact incumbent the gap is only a lower bound on the true one.
        let provenGaps = zip(gaps, proofGaps).filter { $0.1 <= 1e-4 + 1e-9 }.map(\.0)
        if !provenGaps.isEmpty {
            print(
                String(
                    format: "  served-energy gap where the exact solve is proven (%d cases): median %.3f %%, p90 %.3f %%, worst %.3f %%",
                    provenGaps.count, quantile(provenGaps, 0.5) * 100, quantile(provenGaps, 0.9) * 100,
                    provenGaps.max()! * 100))
        }
        print(
            String(
                format: "  exact: %d of %d proven within 0.01 %%, worst proven gap %.3f %%; time median %.2f s, max %.2f s",
                proven, samples, proofGaps.max()! * 100, quantile(exactTimes, 0.5), exactTimes.max()!))
        print("  worst cases:")
        for row in rows.sorted(by: { $0.gap > $1.gap }).prefix(5) { print(row.line) }
    }

    func randomStations(_ random: GSLRandom) -> [Int] {
        RestorationReferenceCase.randomStations(using: random, maxFleets: maxStations)
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

private func median(_ values: [Double]) -> Double { quantile(values, 0.5) }

private func quantile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(Int(Double(sorted.count - 1) * q + 0.5), sorted.count - 1)]
}

import Foundation
import InputParsing
import Testing

@testable import Restoration

@Suite("Fault scenario generation")
struct ScenarioGenerationTests {
    static let network = RestorationReferenceCase.network()

    @Test("fragility curve: baseline, log-normal ramp, certain failure")
    func fragility() {
        let curve = FragilityCurve(baseline: 0.01, critical: 20, maximum: 60, logMean: log(40), logStandardDeviation: 0.2)
        #expect(curve.failureProbability(at: 10) == 0.01)
        #expect(abs(curve.failureProbability(at: 40) - 0.5) < 1e-12)  // Φ(0)
        #expect(abs(curve.failureProbability(at: 40 * exp(0.2)) - 0.841_344_746) < 1e-8)  // Φ(1)
        #expect(curve.failureProbability(at: 60) == 1)
        // A line fails if its conductor or any tower fails.
        var hazard = StormHazard()
        hazard.towersPerBranch = 3
        let v = 52.0
        let expected = 1 - (1 - hazard.conductor.failureProbability(at: v)) * pow(1 - hazard.tower.failureProbability(at: v), 3)
        #expect(abs(hazard.branchFailureProbability(BusPair(1, 2), windSpeed: v) - expected) < 1e-15)
    }

    @Test("same seed, same samples; another seed, other samples")
    func reproducible() throws {
        let a = try ScenarioGeneration.sample(network: Self.network, hazard: StormHazard(), samples: 200, seed: 1)
        let b = try ScenarioGeneration.sample(network: Self.network, hazard: StormHazard(), samples: 200, seed: 1)
        let c = try ScenarioGeneration.sample(network: Self.network, hazard: StormHazard(), samples: 200, seed: 2)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("failure frequencies match the fragility curves within Monte Carlo error")
    func frequencies() throws {
        // A near-deterministic storm (Weibull shape 2000: the gust is the scale within
        // 0.1 %), so every branch fails with the curve's probability at that speed.
        var hazard = StormHazard()
        hazard.windScale = 52
        hazard.windShape = 2000
        hazard.floodLogMean = log(0.9)
        hazard.floodLogStandardDeviation = 0
        hazard.floodLocalLogStandardDeviation = 0
        let samples = 4_000
        let draws = try ScenarioGeneration.sample(network: Self.network, hazard: hazard, samples: samples, seed: 11)
        let branchCount = Self.network.branches.count
        let failures = draws.reduce(0) { $0 + $1.branches.count }
        let p = hazard.branchFailureProbability(BusPair(1, 2), windSpeed: 52)
        let trials = Double(samples * branchCount)
        let frequency = Double(failures) / trials
        // Four standard errors; the speed's 0.1 % spread moves p by far less.
        #expect(abs(frequency - p) <= 4 * (p * (1 - p) / trials).squareRoot() + 1e-3, "\(frequency) vs \(p)")
        let busTrials = Double(samples * (Self.network.buses.count - 1))
        let busFrequency = Double(draws.reduce(0) { $0 + $1.buses.count }) / busTrials
        let q = hazard.bus.failureProbability(at: 0.9)
        #expect(abs(busFrequency - q) <= 4 * (q * (1 - q) / busTrials).squareRoot(), "\(busFrequency) vs \(q)")
    }

    @Test("reduction keeps at most k scenarios whose probabilities sum to 1")
    func reduction() throws {
        let draws = try ScenarioGeneration.sample(network: Self.network, hazard: StormHazard(), samples: 100, seed: 1)
        for keep in [1, 3, 10] {
            let kept = try ScenarioGeneration.reduce(draws, keep: keep, hazard: StormHazard())
            #expect(kept.count <= keep)
            #expect(abs(kept.reduce(0) { $0 + $1.probability } - 1) < 1e-12)
            #expect(kept.allSatisfy { $0.probability > 0 })
        }
        // Keeping every distinct pattern returns the empirical frequencies.
        let distinct = Set(draws.map { $0.branches.map(\.description) + ["|"] + $0.buses.map { "\($0)" } }).count
        let all = try ScenarioGeneration.reduce(draws, keep: distinct, hazard: StormHazard())
        #expect(all.count == distinct)
        for scenario in all {
            let count = draws.filter { $0.branches == scenario.damagedBranches && $0.buses == scenario.damagedBuses }.count
            #expect(abs(scenario.probability - Double(count) / 100) < 1e-12)
        }
    }

    @Test("the scenario table round-trips through the case reader")
    func tableRoundTrip() throws {
        let draws = try ScenarioGeneration.sample(network: Self.network, hazard: StormHazard(), samples: 100, seed: 3)
        let kept = try ScenarioGeneration.reduce(draws, keep: 3, hazard: StormHazard())
        let text = RestorationTables.scenarioCSV(kept, comment: "generated: 100 samples, seed 3")
        let read = try RestorationTables.scenarios(CSVTable(text: text, file: "scenarios.csv"))
        #expect(read == kept)
    }
}

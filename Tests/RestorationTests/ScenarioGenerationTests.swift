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

    @Test("consequence reduction keeps a harmful storm the damage distance merges into no damage")
    func consequenceReduction() throws {
        // A: no damage (p 1/2); B: one critical branch, consequence 2 (p 1/4); C: three
        // harmless branches, consequence 10 like A (p 1/4). Worked by hand (docs/restoration.md):
        // by damage, A and C are kept (B, one branch away, joins A); by consequence
        // (d = |dc| + 0.8 Hamming: AB 8.8, AC 2.4, BC 11.2), A and B, and C joins A.
        let a = SampledDamage(windSpeed: 10, floodDepth: 0, branches: [], buses: [])
        let b = SampledDamage(windSpeed: 30, floodDepth: 0, branches: [BusPair(1, 2)], buses: [])
        let c = SampledDamage(
            windSpeed: 30, floodDepth: 0, branches: [BusPair(24, 25), BusPair(30, 31), BusPair(32, 33)], buses: [])
        let samples = [a, a, b, c]
        let byDamage = try ScenarioGeneration.reduce(samples, keep: 2, hazard: StormHazard())
        #expect(byDamage.map(\.damagedBranches) == [[], c.branches])
        #expect(byDamage.map(\.probability) == [0.75, 0.25])
        let byConsequence = try ScenarioGeneration.reduce(
            samples, keep: 2, hazard: StormHazard(), distance: .consequence([10, 10, 2, 10]))
        #expect(byConsequence.map(\.damagedBranches) == [[], b.branches])
        #expect(byConsequence.map(\.probability) == [0.75, 0.25])
        // One consequence per sample, all finite.
        #expect(throws: InputError.self) {
            try ScenarioGeneration.reduce(samples, keep: 2, hazard: StormHazard(), distance: .consequence([1, 2]))
        }
        #expect(throws: InputError.self) {
            try ScenarioGeneration.reduce(samples, keep: 2, hazard: StormHazard(), distance: .consequence([1, 2, .nan, 4]))
        }
    }

    @Test("consequence reduction on sampled storms: probabilities sum to 1; mean consequence kept closer")
    func consequenceOnSamples() throws {
        let system = RestorationReferenceCase.system()
        let hazard = StormHazard()
        let draws = try ScenarioGeneration.sample(network: system.network, hazard: hazard, samples: 100, seed: 1)
        let served = try ScenarioGeneration.servedWithoutFleets(draws, system: system, hazard: hazard)
        #expect(served.count == draws.count)
        // Identical damage, identical consequence.
        for i in draws.indices { for j in draws.indices where draws[i] == draws[j] { #expect(served[i] == served[j]) } }
        func meanServed(_ scenarios: [FaultScenario]) throws -> Double {
            let samples = scenarios.map {
                SampledDamage(windSpeed: 0, floodDepth: 0, branches: $0.damagedBranches, buses: $0.damagedBuses)
            }
            let values = try ScenarioGeneration.servedWithoutFleets(samples, system: system, hazard: hazard)
            return zip(scenarios, values).reduce(0) { $0 + $1.0.probability * $1.1 }
        }
        let empirical = served.reduce(0, +) / Double(served.count)
        let byDamage = try ScenarioGeneration.reduce(draws, keep: 3, hazard: hazard)
        let byConsequence = try ScenarioGeneration.reduce(draws, keep: 3, hazard: hazard, distance: .consequence(served))
        #expect(abs(byConsequence.reduce(0) { $0 + $1.probability } - 1) < 1e-12)
        // The point of reducing by consequence: the kept scenarios' expected consequence is
        // nearer the 100 storms' than with the damage distance.
        #expect(abs(try meanServed(byConsequence) - empirical) < abs(try meanServed(byDamage) - empirical))
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

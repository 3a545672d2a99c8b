import CGSL
import Foundation
import InputParsing

/// A log-normal fragility curve (seed 002, section 2.2): the failure probability of a
/// component under a hazard intensity x (wind speed in m/s, water depth in m).
///
///     P(x) = baseline                      for x <  critical
///            Φ((ln x − μ) / σ)             for critical <= x < maximum
///            1                             for x >= maximum
///
/// with Φ the standard normal distribution function, μ the mean and σ the standard
/// deviation of the logarithm of the failure intensity.
public struct FragilityCurve: Sendable, Equatable {
    /// Failure probability below the critical intensity.
    public var baseline: Double
    /// Intensity where the failure rate starts to rise sharply.
    public var critical: Double
    /// Intensity the component cannot survive.
    public var maximum: Double
    /// μ: mean of ln(failure intensity).
    public var logMean: Double
    /// σ: standard deviation of ln(failure intensity).
    public var logStandardDeviation: Double

    /// A curve from its five parameters (see the type).
    public init(baseline: Double, critical: Double, maximum: Double, logMean: Double, logStandardDeviation: Double) {
        self.baseline = baseline
        self.critical = critical
        self.maximum = maximum
        self.logMean = logMean
        self.logStandardDeviation = logStandardDeviation
    }

    /// The failure probability at intensity `x`.
    public func failureProbability(at x: Double) -> Double {
        if x < critical { return baseline }
        if x >= maximum { return 1 }
        return max(baseline, gsl_cdf_ugaussian_P((log(x) - logMean) / logStandardDeviation))
    }

    /// Checks the parameters; `name` labels the error.
    func validate(_ name: String) throws(InputError) {
        guard (0...1).contains(baseline), critical > 0, maximum > critical, logMean.isFinite,
            logStandardDeviation > 0, logStandardDeviation.isFinite
        else {
            throw InputError(
                file: "fragility", field: name,
                "expected 0 <= baseline <= 1, 0 < critical < maximum and sigma > 0")
        }
    }
}

/// The storm model behind generated fault scenarios. Every scenario is an event that cuts
/// the upstream supply (the high-impact event being valued); winds and floods decide which
/// branches and buses are damaged, and so how islands can form.
///
/// Defaults are documented assumptions (docs/restoration.md), not data from the papers:
/// seed 002 gives the model but not its parameters.
public struct StormHazard: Sendable, Equatable {
    /// Peak gust of a storm, Weibull distributed (m/s).
    public var windScale: Double = 32
    public var windShape: Double = 5
    /// Conductor and tower fragility against wind speed.
    /// Calibrated so that a median storm (about 30 m/s) damages about 2 of the 37 branches
    /// of the 33-bus feeder and a 90th-percentile one (38 m/s) about 12.
    public var conductor = FragilityCurve(
        baseline: 0.002, critical: 25, maximum: 70, logMean: log(65), logStandardDeviation: 0.3)
    public var tower = FragilityCurve(
        baseline: 0.0005, critical: 25, maximum: 80, logMean: log(60), logStandardDeviation: 0.3)
    /// Towers per branch (a branch fails if its conductor or any of its towers fails).
    public var towersPerBranch: Int = 6
    /// Per-branch tower counts that override the default.
    public var towers: [BusPair: Int] = [:]
    /// Whether tie switches (normally open) are exposed like lines.
    public var tiesExposed = true
    /// Flood depth of a storm at the worst-hit bus, log-normal (m): ln depth ~ N(ζ, s).
    public var floodLogMean: Double = log(0.25)
    public var floodLogStandardDeviation: Double = 0.8
    /// Share of the storm's flood depth reaching each bus (1 for all by default).
    public var floodExposure: [Int: Double] = [:]
    /// Local variation of the depth around its exposed value: each bus's depth in a storm is
    /// the storm's depth × exposure × e^(s·z), z standard normal, independent per bus
    /// (0: every bus sees the same depth, so buses flood all or nothing).
    public var floodLocalLogStandardDeviation: Double = 0.5
    /// Bus (substation, distribution room) fragility against water depth.
    public var bus = FragilityCurve(
        baseline: 0, critical: 0.3, maximum: 2.0, logMean: log(1.2), logStandardDeviation: 0.35)
    /// Outage start (hour of day) and length of every generated scenario.
    public var startHour: Int = 8
    public var durationHours: Int = 8

    /// The documented defaults.
    public init() {}

    /// Checks ranges.
    public func validate() throws(InputError) {
        guard windScale > 0, windShape > 0, towersPerBranch >= 0, floodLogStandardDeviation >= 0,
            floodLogMean.isFinite, floodLocalLogStandardDeviation >= 0, (0..<24).contains(startHour), (1...168).contains(durationHours),
            towers.values.allSatisfy({ $0 >= 0 }), floodExposure.values.allSatisfy({ $0 >= 0 })
        else {
            throw InputError(file: "storm hazard", "expected positive wind parameters, tower counts >= 0, an hour 0-23 and 1-168 hours")
        }
        try conductor.validate("conductor")
        try tower.validate("tower")
        try bus.validate("bus")
    }

    /// Failure probability of a branch at wind speed `v`: 1 − (1 − P_c)(1 − P_t)^towers.
    public func branchFailureProbability(_ branch: BusPair, windSpeed v: Double) -> Double {
        let count = towers[branch] ?? towersPerBranch
        let survive = (1 - conductor.failureProbability(at: v)) * pow(1 - tower.failureProbability(at: v), Double(count))
        return 1 - survive
    }
}

/// A seeded Mersenne Twister from GSL with the distributions the generator needs.
/// Not Sendable: one generator per thread.
public final class GSLRandom {
    private let generator: UnsafeMutablePointer<gsl_rng>

    /// A generator seeded with `seed` (GSL's mt19937; seed 0 is GSL's default seed 4357).
    public init(seed: UInt64) {
        generator = gsl_rng_alloc(cgsl_rng_mt19937())
        gsl_rng_set(generator, UInt(truncatingIfNeeded: seed))
    }

    deinit { gsl_rng_free(generator) }

    /// Uniform on [0, 1).
    public func uniform() -> Double { gsl_rng_uniform(generator) }
    /// Weibull with scale `a` and shape `b`.
    public func weibull(scale a: Double, shape b: Double) -> Double { gsl_ran_weibull(generator, a, b) }
    /// Log-normal: exp(N(zeta, sigma²)).
    public func logNormal(zeta: Double, sigma: Double) -> Double {
        sigma == 0 ? exp(zeta) : gsl_ran_lognormal(generator, zeta, sigma)
    }
}

/// One Monte Carlo draw: the storm's intensities and what failed.
public struct SampledDamage: Sendable, Equatable {
    /// The storm's gust (m/s) and flood depth at the worst-hit bus (m).
    public var windSpeed: Double
    public var floodDepth: Double
    /// Failed branches (sorted) and buses (sorted).
    public var branches: [BusPair]
    public var buses: [Int]
}

/// Fault scenarios from fragility curves (seed 002), reduced to a few representatives
/// (seed 001 reduces 100 to 3).
public enum ScenarioGeneration {
    /// Draws `samples` storms: a gust speed (Weibull) and a flood depth (log-normal) per
    /// storm; every branch fails with its fragility at that speed, every bus with its
    /// fragility at its share of the depth. Reproducible for a given seed.
    public static func sample(
        network: RestorationNetwork, hazard: StormHazard, samples: Int, seed: UInt64
    ) throws(InputError) -> [SampledDamage] {
        try hazard.validate()
        guard samples >= 1 else { throw InputError(file: "scenario generation", field: "samples", "expected at least 1") }
        let random = GSLRandom(seed: seed)
        var result: [SampledDamage] = []
        result.reserveCapacity(samples)
        for _ in 0..<samples {
            let wind = random.weibull(scale: hazard.windScale, shape: hazard.windShape)
            let depth = random.logNormal(zeta: hazard.floodLogMean, sigma: hazard.floodLogStandardDeviation)
            var branches: [BusPair] = []
            for branch in network.branches where hazard.tiesExposed || !branch.isTie {
                // One uniform per branch in network order keeps the stream reproducible.
                if random.uniform() < hazard.branchFailureProbability(branch.ends, windSpeed: wind) {
                    branches.append(branch.ends)
                }
            }
            var buses: [Int] = []
            for bus in network.buses where bus.id != network.substationBus {
                var local = depth * (hazard.floodExposure[bus.id] ?? 1)
                if hazard.floodLocalLogStandardDeviation > 0 {
                    local *= random.logNormal(zeta: 0, sigma: hazard.floodLocalLogStandardDeviation)
                }
                if random.uniform() < hazard.bus.failureProbability(at: local) { buses.append(bus.id) }
            }
            result.append(
                SampledDamage(
                    windSpeed: wind, floodDepth: depth,
                    branches: Array(Set(branches)).sorted { ($0.low, $0.high) < ($1.low, $1.high) }, buses: buses.sorted()))
        }
        return result
    }

    /// How `reduce` measures the distance between two damage patterns.
    public enum ReductionDistance: Sendable, Equatable {
        /// The number of branches and buses whose state differs (Hamming distance).
        case damage
        /// The difference of a consequence given per sample, for example the VOLL-weighted
        /// energy the feeder serves without fleets (`servedWithoutFleets`): storms that
        /// hurt alike are alike, whatever failed. The damage distance, scaled to at most half
        /// the smallest non-zero consequence difference, breaks ties.
        case consequence([Double])
    }

    /// Reduces samples to at most `keep` scenarios by fast forward selection (Heitsch and
    /// Römisch 2003) on `distance` (default: the Hamming distance between damage sets).
    /// Identical samples are merged first; each dropped sample's probability goes to its
    /// nearest kept scenario, so the probabilities sum to 1. Ties are broken by first
    /// occurrence, so the result is deterministic.
    public static func reduce(
        _ samples: [SampledDamage], keep: Int, hazard: StormHazard, namePrefix: String = "s",
        distance measure: ReductionDistance = .damage
    ) throws(InputError) -> [FaultScenario] {
        guard keep >= 1 else { throw InputError(file: "scenario generation", field: "keep", "expected at least 1") }
        guard !samples.isEmpty else { throw InputError(file: "scenario generation", "expected at least one sample") }
        if case .consequence(let values) = measure {
            guard values.count == samples.count else {
                throw InputError(
                    file: "scenario generation", field: "consequence",
                    "expected one value per sample (\(samples.count)), got \(values.count)")
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw InputError(
                    file: "scenario generation", field: "consequence", "expected finite values, sample \(bad + 1) has \(values[bad])")
            }
        }
        // Distinct damage patterns with their probabilities, in first-seen order.
        var patterns: [(branches: Set<BusPair>, buses: Set<Int>, sample: SampledDamage, consequence: Double)] = []
        var weight: [Double] = []
        var index: [String: Int] = [:]
        for (position, sample) in samples.enumerated() {
            let key = patternKey(sample)
            if let k = index[key] {
                weight[k] += 1
            } else {
                index[key] = patterns.count
                var consequence = 0.0
                if case .consequence(let values) = measure { consequence = values[position] }
                patterns.append((Set(sample.branches), Set(sample.buses), sample, consequence))
                weight.append(1)
            }
        }
        let total = Double(samples.count)
        let probability = weight.map { $0 / total }
        let m = patterns.count
        var distance = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in (i + 1)..<max(m, i + 1) {
                let d = Double(
                    patterns[i].branches.symmetricDifference(patterns[j].branches).count
                        + patterns[i].buses.symmetricDifference(patterns[j].buses).count)
                distance[i * m + j] = d
                distance[j * m + i] = d
            }
        }
        if case .consequence = measure {
            // The consequence difference, plus the Hamming distance scaled below half the
            // smallest non-zero consequence difference: among storms that hurt alike, the
            // one with the most similar damage is nearest (a "no damage" group is then
            // represented by no damage, not by a harmless failure).
            var smallestGap = Double.infinity
            var largestHamming = 0.0
            for i in 0..<m {
                for j in (i + 1)..<max(m, i + 1) {
                    let gap = abs(patterns[i].consequence - patterns[j].consequence)
                    if gap > 0 { smallestGap = min(smallestGap, gap) }
                    largestHamming = max(largestHamming, distance[i * m + j])
                }
            }
            let tieBreak = smallestGap.isFinite ? smallestGap / (2 * (largestHamming + 1)) : 1
            for i in 0..<m {
                for j in 0..<m where j != i {
                    distance[i * m + j] =
                        abs(patterns[i].consequence - patterns[j].consequence) + tieBreak * distance[i * m + j]
                }
            }
        }
        // Fast forward selection: add the pattern that most reduces the probability-weighted
        // distance of every pattern to its nearest selected one.
        var selected: [Int] = []
        var nearest = [Double](repeating: .infinity, count: m)
        while selected.count < min(keep, m) {
            var best = -1
            var bestCost = Double.infinity
            for u in 0..<m where !selected.contains(u) {
                var cost = 0.0
                for k in 0..<m where k != u && !selected.contains(k) {
                    cost += probability[k] * min(nearest[k], distance[k * m + u])
                }
                if cost < bestCost - 1e-12 {
                    bestCost = cost
                    best = u
                }
            }
            selected.append(best)
            for k in 0..<m { nearest[k] = min(nearest[k], distance[k * m + best]) }
        }
        // Redistribute: every pattern's probability goes to its nearest selected pattern.
        var kept = [Double](repeating: 0, count: selected.count)
        for k in 0..<m {
            var target = 0
            for (s, u) in selected.enumerated() where distance[k * m + u] < distance[k * m + selected[target]] { target = s }
            kept[target] += probability[k]
        }
        let norm = kept.reduce(0, +)
        return selected.enumerated().map { s, u in
            FaultScenario(
                name: "\(namePrefix)\(s + 1)", probability: kept[s] / norm, startHour: hazard.startHour,
                durationHours: hazard.durationHours, damagedBranches: patterns[u].sample.branches,
                damagedBuses: patterns[u].sample.buses)
        }
    }

    /// A key naming a damage pattern (identical patterns share it).
    static func patternKey(_ sample: SampledDamage) -> String {
        sample.branches.map(\.description).joined(separator: ";") + "|" + sample.buses.map { "\($0)" }.joined(separator: ";")
    }

    /// The VOLL-weighted energy (kWh) the feeder serves during each sample's outage without
    /// fleets, by the fast heuristic (identical patterns are solved once): the consequence
    /// for `ReductionDistance.consequence`.
    public static func servedWithoutFleets(
        _ samples: [SampledDamage], system: RestorationSystem, hazard: StormHazard
    ) throws -> [Double] {
        var served: [String: Double] = [:]
        var values: [Double] = []
        values.reserveCapacity(samples.count)
        for (position, sample) in samples.enumerated() {
            let key = patternKey(sample)
            if let known = served[key] {
                values.append(known)
                continue
            }
            let scenario = FaultScenario(
                name: "sample \(position + 1)", probability: 1, startHour: hazard.startHour,
                durationHours: hazard.durationHours, damagedBranches: sample.branches, damagedBuses: sample.buses)
            let instance = try ScenarioInstance(system: system, scenario: scenario, stations: [])
            // The sum an outcome takes (component values in component order), without
            // assembling the outcome's islands and hourly tables. With no floor a forest
            // always wins, so every component has a value.
            var value = 0.0
            for component in instance.components {
                value += FastComponentEvaluator(component: component, pickup: system.options.pickup)
                    .evaluateValue(floorValue: nil)!
            }
            served[key] = value
            values.append(value)
        }
        return values
    }
}

extension RestorationTables {
    /// The scenario table in the case format
    /// (`scenario,probability,start_hour,duration_h,damaged_branches,damaged_buses`),
    /// readable by ``scenarios(_:)``.
    public static func scenarioCSV(_ scenarios: [FaultScenario], comment: String? = nil) -> String {
        var lines: [String] = []
        if let comment {
            for line in comment.split(separator: "\n", omittingEmptySubsequences: false) { lines.append("# " + line) }
        }
        lines.append(
            CSVWriter.line(["scenario", "probability", "start_hour", "duration_h", "damaged_branches", "damaged_buses"]))
        for scenario in scenarios {
            lines.append(
                CSVWriter.line([
                    scenario.name, String(scenario.probability), String(scenario.startHour),
                    String(scenario.durationHours),
                    scenario.damagedBranches.map { "\($0.low)-\($0.high)" }.joined(separator: ";"),
                    scenario.damagedBuses.map { "\($0)" }.joined(separator: ";"),
                ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

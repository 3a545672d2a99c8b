import Foundation

/// The convergence and diversity quantities of seed 003's Tables IV and V, which the paper
/// reports without definitions. The definitions here are ours, written so that each is
/// unit-free (objectives are scaled by the reference front's range: f̃_k =
/// (f_k − min_Z f_k) / (max_Z f_k − min_Z f_k)) and its direction matches the paper's
/// reading (convergence stability, spread, coverage and diversity: higher is better;
/// distance and spacing: lower is better). `docs/nsga3.md` states them in full.
public enum TableMetrics {
    /// The table metrics of one algorithm, averaged over runs (seeds).
    public struct Summary: Hashable, Codable, Sendable {
        /// Runs summarised.
        public var runs: Int
        /// Mean generations to converge (runs that never settle count their last generation).
        public var generationsToConverge: Double
        /// Mean distance from the Pareto front.
        public var distanceFromFront: Double
        /// Convergence stability across the runs.
        public var convergenceStability: Double
        /// Mean spacing.
        public var spacing: Double
        /// Mean spread (extent).
        public var spread: Double
        /// Mean coverage of the Pareto front.
        public var coverage: Double
        /// Mean diversity score.
        public var diversityScore: Double
    }

    /// One run's outcome.
    public struct Run: Sendable {
        /// The final feasible non-dominated front.
        public var front: [[Double]]
        /// (generation, hypervolume) pairs from the run's history.
        public var hypervolumeHistory: [(generation: Int, hypervolume: Double)]

        /// A run outcome.
        public init(front: [[Double]], hypervolumeHistory: [(generation: Int, hypervolume: Double)]) {
            self.front = front
            self.hypervolumeHistory = hypervolumeHistory
        }
    }

    /// Scales objectives by the reference front's range.
    public struct Scaling: Sendable {
        /// The reference front's smallest value per objective.
        public let low: [Double]
        /// The reference front's range per objective (positive).
        public let range: [Double]

        /// The scaling of `reference`.
        public init(reference: [[Double]]) {
            precondition(!reference.isEmpty, "scaling needs a reference front")
            let m = reference[0].count
            let low = (0..<m).map { k in reference.map { $0[k] }.min()! }
            let high = (0..<m).map { k in reference.map { $0[k] }.max()! }
            self.low = low
            self.range = (0..<m).map { HyperplaneNormalization.positiveSpread(high[$0] - low[$0], near: low[$0], high[$0]) }
        }

        /// A point in scaled coordinates.
        public func apply(_ point: [Double]) -> [Double] {
            point.indices.map { (point[$0] - low[$0]) / range[$0] }
        }
    }

    /// Generations to converge: the first generation from which the hypervolume stays
    /// within `tolerance` (relative) of the run's final hypervolume to the end.
    public static func generationsToConverge(
        hypervolumeHistory history: [(generation: Int, hypervolume: Double)], tolerance: Double = 0.01
    ) -> Int? {
        guard let final = history.last?.hypervolume else { return nil }
        var answer = history.last!.generation
        for entry in history.reversed() {
            guard abs(entry.hypervolume - final) <= tolerance * abs(final) else { break }
            answer = entry.generation
        }
        return answer
    }

    /// Distance from the Pareto front: the mean, over the front's points, of the Euclidean
    /// distance to the nearest reference point, in scaled coordinates (GD with p = 1).
    public static func distanceFromFront(_ front: [[Double]], reference: [[Double]]) -> Double {
        let scaling = Scaling(reference: reference)
        return Indicators.generationalDistance(front.map(scaling.apply), reference: reference.map(scaling.apply))
    }

    /// Convergence stability: 1 − (sample standard deviation / mean) of the runs' final
    /// hypervolumes, clamped to [0, 1]; 1 means every seed reached the same hypervolume.
    public static func convergenceStability(finalHypervolumes values: [Double]) -> Double {
        precondition(values.count >= 2, "stability needs at least two runs")
        let mean = values.reduce(0, +) / Double(values.count)
        guard mean > 0 else { return 0 }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return min(max(1 - variance.squareRoot() / mean, 0), 1)
    }

    /// Spacing: Schott's spacing of the front in scaled coordinates.
    public static func spacing(_ front: [[Double]], reference: [[Double]]) -> Double {
        let scaling = Scaling(reference: reference)
        return Indicators.spacing(front.map(scaling.apply))
    }

    /// Spread: the normalised maximum spread (Zitzler 1999; Goh & Tan 2009), the root mean
    /// square over objectives of the share of the reference front's range that the front's
    /// range overlaps. 1 when the front spans the whole Pareto front.
    public static func spread(_ front: [[Double]], reference: [[Double]]) -> Double {
        precondition(!front.isEmpty, "spread needs a front")
        let scaling = Scaling(reference: reference)
        let scaled = front.map(scaling.apply)
        let m = scaling.range.count
        var sum = 0.0
        for k in 0..<m {
            let low = scaled.map { $0[k] }.min()!
            let high = scaled.map { $0[k] }.max()!
            // The reference front spans [0, 1] in scaled coordinates.
            let overlap = max(0, min(high, 1) - max(low, 0))
            sum += overlap * overlap
        }
        return (sum / Double(m)).squareRoot()
    }

    /// Coverage of the Pareto front: the fraction of reference points with a front point
    /// within `radius` in scaled coordinates. The default radius is half the median
    /// nearest-neighbour distance between reference points, so for an enumerated discrete
    /// front a point counts when it is found, and for a sampled continuous front when a
    /// solution lies nearer to it than to its neighbours.
    public static func coverage(_ front: [[Double]], reference: [[Double]], radius: Double? = nil) -> Double {
        precondition(!front.isEmpty, "coverage needs a front")
        let scaling = Scaling(reference: reference)
        let scaledReference = reference.map(scaling.apply)
        let scaledFront = front.map(scaling.apply)
        let r = radius ?? defaultRadius(scaledReference)
        let covered = scaledReference.filter { z in
            scaledFront.contains { Indicators.squaredDistance($0, z) <= r * r }
        }
        return Double(covered.count) / Double(reference.count)
    }

    /// Diversity score: the normalised Shannon entropy of how the front's points fall on
    /// the reference points (each point counted at its nearest reference point, scaled):
    /// −Σ p_j ln p_j / ln(min(|A|, |Z|)). 1 when the points spread one per reference point
    /// (or as evenly as the counts allow), 0 when they all crowd at one.
    public static func diversityScore(_ front: [[Double]], reference: [[Double]]) -> Double {
        precondition(!front.isEmpty, "diversity needs a front")
        let scaling = Scaling(reference: reference)
        let scaledReference = reference.map(scaling.apply)
        var counts = [Int](repeating: 0, count: reference.count)
        for point in front.map(scaling.apply) {
            var best = 0
            var bestDistance = Double.infinity
            for (index, z) in scaledReference.enumerated() {
                let distance = Indicators.squaredDistance(point, z)
                if distance < bestDistance {
                    bestDistance = distance
                    best = index
                }
            }
            counts[best] += 1
        }
        let slots = min(front.count, reference.count)
        guard slots > 1 else { return 1 }
        let total = Double(front.count)
        var entropy = 0.0
        for count in counts where count > 0 {
            let share = Double(count) / total
            entropy -= share * log(share)
        }
        // With more points than reference points the best achievable entropy is ln |Z|;
        // with fewer, ln |A|.
        return min(entropy / log(Double(slots)), 1)
    }

    /// The hypervolume of a front in scaled coordinates against (1.1, ..., 1.1): the
    /// quantity whose spread across seeds defines convergence stability.
    public static func scaledHypervolume(_ front: [[Double]], reference: [[Double]]) -> Double {
        let scaling = Scaling(reference: reference)
        return Hypervolume.compute(
            points: front.map(scaling.apply), reference: [Double](repeating: 1.1, count: scaling.range.count))
    }

    /// The table row of an algorithm from its runs (at least two) against the reference
    /// (Pareto) front.
    public static func summarize(_ runs: [Run], reference: [[Double]]) -> Summary {
        precondition(runs.count >= 2, "a summary needs at least two runs")
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        let converged = runs.map { run in
            Double(generationsToConverge(hypervolumeHistory: run.hypervolumeHistory) ?? run.hypervolumeHistory.last?.generation ?? 0)
        }
        return Summary(
            runs: runs.count,
            generationsToConverge: mean(converged),
            distanceFromFront: mean(runs.map { distanceFromFront($0.front, reference: reference) }),
            convergenceStability: convergenceStability(
                finalHypervolumes: runs.map { scaledHypervolume($0.front, reference: reference) }),
            spacing: mean(runs.map { $0.front.count >= 2 ? spacing($0.front, reference: reference) : 0 }),
            spread: mean(runs.map { spread($0.front, reference: reference) }),
            coverage: mean(runs.map { coverage($0.front, reference: reference) }),
            diversityScore: mean(runs.map { diversityScore($0.front, reference: reference) }))
    }

    static func defaultRadius(_ scaledReference: [[Double]]) -> Double {
        guard scaledReference.count >= 2 else { return 0 }
        let nearest = Indicators.nearestNeighbourDistances(scaledReference).sorted()
        let middle = nearest.count / 2
        let median = nearest.count % 2 == 1 ? nearest[middle] : 0.5 * (nearest[middle - 1] + nearest[middle])
        return 0.5 * median
    }
}

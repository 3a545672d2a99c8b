import Foundation

/// The Wilcoxon–Mann–Whitney rank-sum test of two independent samples: whether values of
/// one tend to be larger than values of the other, without assuming any distribution.
///
/// The statistic is U₁ = R₁ − n₁(n₁ + 1)/2, where R₁ is the rank sum of the first sample in
/// the pooled sample (ties get their average rank), as `scipy.stats.mannwhitneyu` reports
/// it. The p-value comes from the exact null distribution of U when there are no ties and
/// both samples have fewer than 50 values (the rule of R's `wilcox.test`), and otherwise
/// from the normal approximation with the tie correction of the variance and a continuity
/// correction of ½.
public enum RankSumTest {
    /// The alternative hypothesis, about the first sample relative to the second.
    public enum Alternative: String, Sendable, Hashable, Codable {
        /// The two distributions differ (either sample tends to be larger).
        case twoSided = "two-sided"
        /// The first sample tends to be smaller.
        case less
        /// The first sample tends to be larger.
        case greater
    }

    /// How the p-value is computed.
    public enum Method: String, Sendable, Hashable, Codable {
        /// From the exact permutation distribution of U (no ties).
        case exact
        /// From the normal approximation with tie and continuity corrections.
        case normal
    }

    /// The outcome of a test.
    public struct Result: Sendable, Hashable, Codable {
        /// U₁, the Mann–Whitney statistic of the first sample.
        public var u: Double
        /// The p-value under the chosen alternative.
        public var pValue: Double
        /// How `pValue` was computed.
        public var method: Method
    }

    /// Below this size of both samples, and without ties, the exact distribution is used.
    public static let exactSampleLimit = 50

    /// Tests `x` against `y`. `method` nil chooses as the type's documentation says; an
    /// explicit `.exact` with ties is refused (the exact distribution assumes none).
    /// Non-finite values are not allowed.
    public static func test(
        _ x: [Double], _ y: [Double], alternative: Alternative = .twoSided, method: Method? = nil
    ) -> Result {
        precondition(!x.isEmpty && !y.isEmpty, "the rank-sum test needs two non-empty samples")
        precondition((x + y).allSatisfy(\.isFinite), "the rank-sum test needs finite values")
        let (ranks, tieGroups) = pooledRanks(x + y)
        let n1 = Double(x.count), n2 = Double(y.count)
        let u1 = ranks[0..<x.count].reduce(0, +) - n1 * (n1 + 1) / 2
        let hasTies = tieGroups.contains { $0 > 1 }
        let chosen = method ?? (!hasTies && x.count < exactSampleLimit && y.count < exactSampleLimit ? .exact : .normal)
        precondition(chosen == .normal || !hasTies, "the exact rank-sum distribution assumes no ties")
        let p: Double
        switch chosen {
        case .exact: p = exactPValue(u: u1, n1: x.count, n2: y.count, alternative: alternative)
        case .normal: p = normalPValue(u: u1, n1: n1, n2: n2, tieGroups: tieGroups, alternative: alternative)
        }
        return Result(u: u1, pValue: min(max(p, 0), 1), method: chosen)
    }

    /// Ranks 1...n of the pooled values (ties averaged), and the sizes of the tie groups.
    static func pooledRanks(_ values: [Double]) -> (ranks: [Double], tieGroups: [Int]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var groups: [Int] = []
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            // Positions start..<end share the average of ranks start+1 ... end.
            let average = Double(start + 1 + end) / 2
            for position in start..<end { ranks[order[position]] = average }
            groups.append(end - start)
            start = end
        }
        return (ranks, groups)
    }

    /// The number of arrangements giving each U = 0 ... n1·n2 under the null hypothesis:
    /// the coefficients of the Gaussian binomial [n1 + n2 choose n1]_q, from the recurrence
    /// C(m, n)[k] = C(m − 1, n)[k − n] + C(m, n − 1)[k] (is the largest value from the first
    /// sample or the second?). Only additions, so the tail counts keep full relative
    /// precision — the product formula with its subtractions loses digits in the tails.
    static func exactCounts(n1: Int, n2: Int) -> [Double] {
        // row[m] = C(m, n) for the current n; C(0, n) = [1] and C(m, 0) = [1].
        var row = [[Double]](repeating: [1], count: n1 + 1)
        for n in stride(from: 1, through: n2, by: 1) {
            for m in stride(from: 1, through: n1, by: 1) {
                var next = [Double](repeating: 0, count: m * n + 1)
                for (k, count) in row[m].enumerated() { next[k] += count }
                for (k, count) in row[m - 1].enumerated() { next[k + n] += count }
                row[m] = next
            }
        }
        return row[n1]
    }

    static func exactPValue(u: Double, n1: Int, n2: Int, alternative: Alternative) -> Double {
        let counts = exactCounts(n1: n1, n2: n2)
        let total = counts.reduce(0, +)
        // Without ties U is an integer.
        let k = Int(u.rounded())
        let atMost = counts[0...k].reduce(0, +) / total
        let atLeast = counts[k...].reduce(0, +) / total
        switch alternative {
        case .less: return atMost
        case .greater: return atLeast
        case .twoSided: return min(1, 2 * min(atMost, atLeast))
        }
    }

    static func normalPValue(u: Double, n1: Double, n2: Double, tieGroups: [Int], alternative: Alternative) -> Double {
        let n = n1 + n2
        let mean = n1 * n2 / 2
        let tieSum = tieGroups.reduce(0.0) { sum, t in
            let t = Double(t)
            return sum + (t * t * t - t)
        }
        let variance = n1 * n2 / 12 * ((n + 1) - tieSum / (n * (n - 1)))
        // Every value tied: no evidence either way.
        guard variance > 0 else { return 1 }
        let sd = variance.squareRoot()
        switch alternative {
        case .greater: return upperTail((u - mean - 0.5) / sd)
        case .less: return upperTail((mean - u - 0.5) / sd)
        case .twoSided: return min(1, 2 * upperTail((abs(u - mean) - 0.5) / sd))
        }
    }

    /// P(Z ≥ z) for a standard normal Z.
    static func upperTail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }
}

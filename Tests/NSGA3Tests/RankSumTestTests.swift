import Foundation
import Testing

@testable import NSGA3

@Suite struct RankSumTestTests {
    /// Reference p-values are printed by `scipy.stats.mannwhitneyu` 1.17.1 to 16-17 digits;
    /// our sums and erfc differ from scipy's in the last bits only.
    func close(_ a: Double, _ b: Double, relative: Double = 1e-12) -> Bool {
        abs(a - b) <= relative * max(abs(a), abs(b))
    }

    @Test func handComputedSmallSample() {
        // x = {1, 2} below y = {3, 4, 5}: U₁ = 0, the least of C(5, 2) = 10 equally likely
        // arrangements, so P(U ≤ 0) = 1/10.
        let r = RankSumTest.test([1, 2], [3, 4, 5])
        #expect(r.u == 0 && r.method == .exact)
        #expect(close(r.pValue, 0.2))
        #expect(close(RankSumTest.test([1, 2], [3, 4, 5], alternative: .less).pValue, 0.1))
        #expect(RankSumTest.test([1, 2], [3, 4, 5], alternative: .greater).pValue == 1)
        // Normal approximation by hand: mean n₁n₂/2 = 3, variance n₁n₂(n + 1)/12 = 3,
        // z = (3 − ½)/√3, two-sided p = erfc(z/√2).
        let normal = RankSumTest.test([1, 2], [3, 4, 5], method: .normal)
        #expect(close(normal.pValue, erfc(2.5 / 3.0.squareRoot() / 2.0.squareRoot())))
        #expect(close(normal.pValue, 0.14891467317876572))
    }

    @Test func exactCountsAreTheGaussianBinomial() {
        // [5 choose 2]_q = 1 + q + 2q² + 2q³ + 2q⁴ + q⁵ + q⁶.
        #expect(RankSumTest.exactCounts(n1: 2, n2: 3) == [1, 1, 2, 2, 2, 1, 1])
        #expect(RankSumTest.exactCounts(n1: 3, n2: 2) == [1, 1, 2, 2, 2, 1, 1])
        // The counts add up to C(22, 11) = 705 432 and are symmetric.
        let counts = RankSumTest.exactCounts(n1: 11, n2: 11)
        #expect(counts.reduce(0, +) == 705_432)
        #expect(counts == counts.reversed())
    }

    @Test func matchesScipyWithoutTies() {
        let x = [0.8, 1.9, 3.1, 4.4, 5.2, 6.7, 7.3]
        let y = [2.5, 5.9, 8.1, 9.4, 10.2, 11.6]
        let two = RankSumTest.test(x, y)
        #expect(two.u == 7 && two.method == .exact)
        #expect(close(two.pValue, 0.05128205128205128))
        #expect(close(RankSumTest.test(x, y, alternative: .less).pValue, 0.02564102564102564))
        #expect(close(RankSumTest.test(x, y, alternative: .greater).pValue, 0.9825174825174825))
        #expect(close(RankSumTest.test(x, y, method: .normal).pValue, 0.05378408886239828))
        #expect(close(RankSumTest.test(x, y, alternative: .less, method: .normal).pValue, 0.02689204443119914))
        #expect(close(RankSumTest.test(x, y, alternative: .greater, method: .normal).pValue, 0.9808406184252932))

        // Eleven seeds each, as `planner compare` uses.
        let a = [0.011, 0.023, 0.017, 0.031, 0.009, 0.027, 0.015, 0.021, 0.019, 0.013, 0.025]
        let b = [0.022, 0.034, 0.029, 0.041, 0.018, 0.037, 0.026, 0.033, 0.030, 0.024, 0.039]
        let r = RankSumTest.test(a, b)
        #expect(r.u == 17 && r.method == .exact)
        #expect(close(r.pValue, 0.0031810294968189707))
        #expect(close(RankSumTest.test(a, b, alternative: .greater).pValue, 0.9987766361605371))
        #expect(close(RankSumTest.test(a, b, method: .normal).pValue, 0.0047488281461544185))
        // Swapping the samples mirrors U and the one-sided p-values.
        let swapped = RankSumTest.test(b, a)
        #expect(swapped.u == 121 - 17 && close(swapped.pValue, r.pValue))
        #expect(close(RankSumTest.test(b, a, alternative: .greater).pValue, 0.0015905147484094853))
    }

    @Test func largeSamplesUseTheNormalApproximation() {
        let x = stride(from: 0.0, to: 120, by: 2).map { $0 }
        let y = (0..<60).map { Double($0) + 0.5 }
        let auto = RankSumTest.test(x, y)
        #expect(auto.u == 2670 && auto.method == .normal)
        #expect(close(auto.pValue, 5.026193341089756e-06, relative: 1e-10))
        #expect(close(RankSumTest.test(x, y, alternative: .greater).pValue, 2.513096670544878e-06, relative: 1e-10))
        // The exact distribution still works when asked for (3 601 counts).
        #expect(close(RankSumTest.test(x, y, method: .exact).pValue, 2.9082407164772944e-06, relative: 1e-10))
        #expect(close(RankSumTest.test(x, y, alternative: .less, method: .exact).pValue, 0.9999985858565998))
    }

    @Test func tiesUseTheCorrectedNormalApproximation() {
        let x: [Double] = [1, 2, 2, 3, 3, 3, 4]
        let y: [Double] = [2, 3, 4, 4, 5, 5, 6, 7]
        let r = RankSumTest.test(x, y)
        #expect(r.u == 8.5 && r.method == .normal)
        #expect(close(r.pValue, 0.025279736885893914))
        #expect(close(RankSumTest.test(x, y, alternative: .less).pValue, 0.012639868442946957))
        #expect(close(RankSumTest.test(x, y, alternative: .greater).pValue, 0.9907347385044912))
        // Everything tied: the variance vanishes and there is no evidence either way.
        #expect(RankSumTest.test([1, 1, 1], [1, 1]).pValue == 1)
    }

    @Test func averageRanksOfTies() {
        let (ranks, groups) = RankSumTest.pooledRanks([3, 1, 3, 2, 3])
        #expect(ranks == [4, 1, 4, 2, 4])
        #expect(groups == [1, 1, 3])
    }
}

import Testing
@testable import NSGA3

@Suite struct IndicatorsTests {
    @Test func distancesOnHandCases() {
        #expect(Indicators.invertedGenerationalDistance([[0, 0]], reference: [[3, 4], [0, 0]]) == 2.5)
        // IGD+ counts only where the front is worse than the reference point: 1 for each,
        // where IGD counts sqrt(2).
        #expect(Indicators.invertedGenerationalDistancePlus([[1, 1]], reference: [[0, 2], [2, 0]]) == 1)
        #expect(abs(Indicators.invertedGenerationalDistance([[1, 1]], reference: [[0, 2], [2, 0]]) - 2.0.squareRoot()) < 1e-15)
        #expect(Indicators.generationalDistance([[0, 1], [3, 4]], reference: [[0, 0]]) == 3)
        let front = [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]
        #expect(Indicators.invertedGenerationalDistance(front, reference: front) == 0)
        #expect(Indicators.invertedGenerationalDistancePlus(front, reference: front) == 0)
    }

    @Test func spacingAndSpreadOnHandCases() {
        #expect(Indicators.spacing([[0, 3], [1, 2], [2, 1], [3, 0]]) == 0)
        // Nearest Manhattan distances 1, 1, 2: mean 4/3, sample variance 1/3.
        #expect(abs(Indicators.spacing([[0, 0], [1, 0], [3, 0]]) - (1.0 / 3).squareRoot()) < 1e-15)
        let uniform = [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]
        #expect(Indicators.spread(uniform, reference: uniform) == 0)
        // Missing the (0, 1) end: d_f = sqrt(1/2), d_l = 0, one gap of sqrt(1/2): Δ = 1/2.
        #expect(abs(Indicators.spread([[0.5, 0.5], [1, 0]], reference: [[0, 1], [1, 0]]) - 0.5) < 1e-15)
        // Three objectives: a front equal to its evenly spread reference has Δ = 0.
        let simplex = [[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]]
        #expect(Indicators.spread(simplex, reference: simplex) == 0)
        #expect(Indicators.spread([[0.5, 0.5, 0], [0.4, 0.6, 0]], reference: simplex) > 0.5)
    }

    @Test func coverageOnHandCases() {
        let a = [[1.0, 1.0]]
        let b = [[1.0, 1.0], [2.0, 0.5], [2.0, 2.0]]
        #expect(abs(Indicators.coverage(a, over: b) - 2.0 / 3) < 1e-15)
        #expect(Indicators.coverage(b, over: a) == 1)
        #expect(Indicators.coverage([[3, 3]], over: a) == 0)
    }

    @Test func tableMetricsOnHandCases() {
        let reference = (0...10).map { [Double($0) / 10, 1 - Double($0) / 10] }
        // The front itself: no distance, full extent, every point covered, perfectly diverse.
        #expect(TableMetrics.distanceFromFront(reference, reference: reference) == 0)
        #expect(TableMetrics.spread(reference, reference: reference) == 1)
        #expect(TableMetrics.coverage(reference, reference: reference) == 1)
        #expect(abs(TableMetrics.diversityScore(reference, reference: reference) - 1) < 1e-12)
        #expect(TableMetrics.spacing(reference, reference: reference) < 1e-12)
        // Half the front: half the extent per objective, about half the points covered.
        let half = Array(reference.prefix(6))
        #expect(abs(TableMetrics.spread(half, reference: reference) - 0.5) < 1e-12)
        #expect(abs(TableMetrics.coverage(half, reference: reference) - 6.0 / 11) < 1e-12)
        // All points crowded at one end: diversity 0.
        let crowded = [[Double]](repeating: [0, 1], count: 5)
        #expect(TableMetrics.diversityScore(crowded, reference: reference) == 0)
        // Units do not matter: scaling an objective scales the reference front alike.
        let dollars = reference.map { [$0[0] * 1e7, $0[1]] }
        let shifted = half.map { [$0[0] * 1e7, $0[1] + 0.01] }
        let plain = half.map { [$0[0], $0[1] + 0.01] }
        #expect(abs(TableMetrics.distanceFromFront(shifted, reference: dollars) - TableMetrics.distanceFromFront(plain, reference: reference)) < 1e-12)
        // Convergence: the hypervolume settles within 1 % of its final value at generation 20.
        let history = [(0, 0.2), (10, 0.5), (20, 0.995), (30, 1.004), (40, 1.0)].map { (generation: $0.0, hypervolume: $0.1) }
        #expect(TableMetrics.generationsToConverge(hypervolumeHistory: history) == 20)
        #expect(TableMetrics.convergenceStability(finalHypervolumes: [2, 2, 2]) == 1)
        // Mean 2, sample standard deviation 1: stability 1/2.
        #expect(abs(TableMetrics.convergenceStability(finalHypervolumes: [1, 2, 3]) - 0.5) < 1e-15)
    }
}

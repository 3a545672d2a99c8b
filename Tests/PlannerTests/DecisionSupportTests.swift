import Testing

@testable import Planner

@Suite struct DecisionSupportTests {
    /// A convex 2-D front f2 = (1 - f1)^2 sampled at f1 = 0, 0.1, ..., 1: the knee (farthest
    /// below the line f1 + f2 = 1) is where the slope is -1, at f1 = 0.5.
    @Test func kneeOfAConvexFront() {
        let front = (0...10).map { i -> [Double] in
            let f1 = Double(i) / 10
            return [f1, (1 - f1) * (1 - f1)]
        }
        #expect(DecisionSupport.kneeIndex(front) == 5)
    }

    /// Scaling an objective by 10^7 must not move the knee (it works on normalised values).
    @Test func kneeIgnoresUnits() {
        let front = (0...10).map { i -> [Double] in
            let f1 = Double(i) / 10
            return [f1 * 1e7, (1 - f1) * (1 - f1) * 1e-2]
        }
        #expect(DecisionSupport.kneeIndex(front) == 5)
    }

    @Test func kneeOfTinyFronts() {
        #expect(DecisionSupport.kneeIndex([]) == nil)
        #expect(DecisionSupport.kneeIndex([[1, 2, 3]]) == 0)
    }

    /// Hand-computed TOPSIS: points (1,4), (2,2), (4,1) with equal weights.
    /// Column norms sqrt(21); weighted values /(2 sqrt 21); the middle point is closest.
    @Test func topsisByHand() {
        let points: [[Double]] = [[1, 4], [2, 2], [4, 1]]
        let c = DecisionSupport.topsisCloseness(points)
        // Middle: distance to best (1,1)/k and worst (4,4)/k: d+ = sqrt(2), d- = sqrt(8) => 2/3.
        #expect(abs(c[1] - 2.0 / 3.0) < 1e-12)
        // End points: d+ = 3, d- = 3 => 0.5.
        #expect(abs(c[0] - 0.5) < 1e-12 && abs(c[2] - 0.5) < 1e-12)
        #expect(DecisionSupport.topsisRanking(points) == [1, 0, 2])
        // All weight on the first objective puts the point best in it first.
        #expect(DecisionSupport.topsisRanking(points, weights: [1, 0]).first == 0)
    }
}

import Testing
@testable import NSGA3

@Suite struct ReferencePointsTests {
    @Test(arguments: [(2, 4), (3, 12), (5, 6), (8, 3), (10, 3), (4, 7)])
    func dasDennisCountIsBinomial(objectives: Int, divisions: Int) throws {
        let points = try ReferencePoints.dasDennis(objectives: objectives, divisions: divisions)
        // C(H + M - 1, M - 1), computed independently as a product of fractions.
        var expected = 1.0
        for i in 1..<objectives { expected *= Double(divisions + i) / Double(i) }
        #expect(points.count == Int(expected.rounded()))
        #expect(Set(points.points).count == points.count)
        for point in points.points {
            #expect(point.allSatisfy { $0 >= 0 })
            #expect(abs(point.reduce(0, +) - 1) < 1e-12)
            // Every coordinate is a multiple of 1/p.
            #expect(point.allSatisfy { abs($0 * Double(divisions) - ($0 * Double(divisions)).rounded()) < 1e-9 })
        }
    }

    @Test func debAndJainStandardSizes() throws {
        #expect(try ReferencePoints.standard(objectives: 3).count == 91)
        #expect(try ReferencePoints.standard(objectives: 5).count == 210)
        #expect(try ReferencePoints.standard(objectives: 8).count == 156)
        #expect(try ReferencePoints.standard(objectives: 10).count == 275)
        #expect(try ReferencePoints.standard(objectives: 15).count == 135)
        #expect(ReferencePoints.populationSize(forReferencePointCount: 91) == 92)
        #expect(ReferencePoints.populationSize(forReferencePointCount: 210) == 212)
        #expect(ReferencePoints.populationSize(forReferencePointCount: 156) == 156)
        #expect(ReferencePoints.populationSize(forReferencePointCount: 275) == 276)
    }

    @Test func twoLayerInsidePointsAreShrunkTowardsTheCentre() throws {
        let points = try ReferencePoints.twoLayer(objectives: 8, boundaryDivisions: 3, insideDivisions: 2)
        #expect(points.count == 120 + 36)
        let inside = points.points.suffix(36)
        for point in inside {
            #expect(abs(point.reduce(0, +) - 1) < 1e-12)
            // (1 - 1/2)/M + w/2 >= 1/(2M) in every coordinate.
            #expect(point.allSatisfy { $0 >= 0.5 / 8 - 1e-15 })
        }
        #expect(Set(points.points.prefix(120)).count == 120)
    }

    @Test func userGivenPointsAreValidatedAndScaled() throws {
        let points = try ReferencePoints(userGiven: [[2, 2], [0, 5]])
        #expect(points.points == [[0.5, 0.5], [0, 1]])
        #expect(throws: OptimizerError.self) { try ReferencePoints(userGiven: [[1, 2], [1, 2, 3]]) }
        #expect(throws: OptimizerError.self) { try ReferencePoints(userGiven: [[0, 0]]) }
        #expect(throws: OptimizerError.self) { try ReferencePoints(userGiven: [[-1, 2]]) }
        #expect(throws: OptimizerError.self) { try ReferencePoints.dasDennis(objectives: 1, divisions: 3) }
    }
}

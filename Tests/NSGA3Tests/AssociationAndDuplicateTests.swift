import Foundation
import Testing
@testable import NSGA3

/// The vectorised association step and the duplicate set against plain references.
@Suite struct AssociationAndDuplicateTests {
    /// The nearest direction by a plain scalar loop: largest projection, first index on ties.
    func bruteForce(_ point: [Double], _ points: ReferencePoints) -> (direction: Int, distance: Double) {
        let m = points.objectiveCount
        var best = 0
        var bestDot = -Double.infinity
        for j in 0..<points.count {
            let w = Array(points.values[j * m..<(j + 1) * m])
            let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var dot = point[0] * (w[0] / norm)
            for k in 1..<m { dot += point[k] * (w[k] / norm) }
            if dot > bestDot {
                bestDot = dot
                best = j
            }
        }
        let norm2 = point.reduce(0) { $0 + $1 * $1 }
        return (best, max(norm2 - bestDot * bestDot, 0).squareRoot())
    }

    @Test(arguments: [(3, 12), (3, 4), (5, 3), (4, 2)])
    func associationMatchesAScalarLoop(objectives: Int, divisions: Int) throws {
        let points = try ReferencePoints.dasDennis(objectives: objectives, divisions: divisions)
        let directions = UnitDirections(points)
        var random = Xoshiro256StarStar(seed: 11)
        var flat: [Double] = []
        var rows: [[Double]] = []
        // An odd count: the three-objective kernel takes points in pairs and one alone.
        for row in 0..<201 {
            // Row 0 at the ideal point (every projection 0: direction 0); row 1 on an axis;
            // the rest random, some exactly along a reference direction.
            var point = (0..<objectives).map { _ in random.uniform() * 2 }
            if row == 0 { point = [Double](repeating: 0, count: objectives) }
            if row == 1 { point = (0..<objectives).map { $0 == 1 ? 1.5 : 0 } }
            if row % 7 == 0 && row > 0 {
                let j = random.index(below: points.count)
                point = Array(points.values[j * objectives..<(j + 1) * objectives]).map { $0 * 3 }
            }
            rows.append(point)
            flat += point
        }
        var association = [Int](repeating: -1, count: rows.count)
        var distances = [Double](repeating: -1, count: rows.count)
        directions.associate(flat, into: &association, distances: &distances)
        for (index, row) in rows.enumerated() {
            let expected = bruteForce(row, points)
            // Bit for bit: the vector code multiplies and adds in the scalar loop's order.
            #expect(association[index] == expected.direction, "row \(index)")
            #expect(distances[index] == expected.distance, "row \(index)")
        }
        #expect(association[0] == 0)
    }

    @Test func repeatedDirectionsGoToTheFirst() throws {
        // User-given points with a repeat: both copies tie, and the first must win, also
        // when the copies sit in different lanes of a block of four.
        let points = try ReferencePoints(userGiven: [[1, 0], [0.5, 0.5], [0, 1], [0.2, 0.8], [0.5, 0.5], [0.5, 0.5]])
        var association = [0]
        var distances = [0.0]
        UnitDirections(points).associate([2, 2], into: &association, distances: &distances)
        #expect(association == [1])
        // d = sqrt(|f|^2 - (f.w)^2) cancels: on the line it is about sqrt(1e-16 |f|^2).
        #expect(abs(distances[0]) < 1e-7)
    }

    @Test func duplicateSetAgreesWithSet() {
        var random = Xoshiro256StarStar(seed: 3)
        // Capacity 4 forces several growths; values from a small range force repeats.
        var fast = GenomeSet(capacity: 4)
        var members: [[Double]] = []
        var reference = Set<[Double]>()
        for _ in 0..<2_000 {
            let genome = [Double(random.index(below: 30)), Double(random.index(below: 20))]
            let inserted = fast.insert(hash: HashedGenome(genome).hash, reference: members.count) { members[$0] == genome }
            if inserted { members.append(genome) }
            #expect(inserted == reference.insert(genome).inserted)
        }
        #expect(fast.count == reference.count && members.count == reference.count)
    }
}

import Testing
@testable import NSGA3

@Suite struct NonDominatedSortingTests {
    /// Deb's definition applied literally: peel off the points no remaining point dominates.
    func bruteForceFronts(_ points: [[Double]], violations: [Double]? = nil) -> [Set<Int>] {
        let v = violations ?? [Double](repeating: 0, count: points.count)
        var remaining = Set(points.indices)
        var fronts: [Set<Int>] = []
        while !remaining.isEmpty {
            let front = remaining.filter { i in
                !remaining.contains { j in
                    NonDominatedSorting.constrainedDominates(points[j], violation: v[j], points[i], violation: v[i])
                }
            }
            fronts.append(front)
            remaining.subtract(front)
        }
        return fronts
    }

    @Test(arguments: [1, 2, 3, 4, 5, 8])
    func matchesBruteForceOnRandomSetsWithDuplicates(objectives m: Int) {
        var random = Xoshiro256StarStar(seed: UInt64(m))
        for trial in 0..<40 {
            let n = 5 + trial * 3
            // Few distinct values force ties and exact duplicates.
            var points = (0..<n).map { _ in (0..<m).map { _ in Double(random.index(below: 5)) } }
            points.append(points[0])
            let fronts = NonDominatedSorting.fronts(objectives: points.flatMap { $0 }, objectiveCount: m)
            #expect(fronts.map(Set.init) == bruteForceFronts(points))
            #expect(fronts.reduce(0) { $0 + $1.count } == points.count)
        }
    }

    @Test func constrainedFrontsMatchBruteForceConstraintDomination() {
        var random = Xoshiro256StarStar(seed: 99)
        for _ in 0..<30 {
            let n = 30
            let points = (0..<n).map { _ in (0..<3).map { _ in Double(random.index(below: 4)) } }
            let violations = (0..<n).map { _ in random.chance(0.4) ? Double(random.index(below: 3) + 1) * 0.5 : 0 }
            let fronts = NonDominatedSorting.constrainedFronts(
                objectives: points.flatMap { $0 }, objectiveCount: 3, violations: violations)
            #expect(fronts.map(Set.init) == bruteForceFronts(points, violations: violations))
        }
    }

    @Test func constraintDominationOrdersHandCases() {
        let good = [1.0, 1.0]
        let bad = [5.0, 5.0]
        // Feasible beats infeasible whatever the objectives.
        #expect(NonDominatedSorting.constrainedDominates(bad, violation: 0, good, violation: 0.1))
        #expect(!NonDominatedSorting.constrainedDominates(good, violation: 0.1, bad, violation: 0))
        // Two infeasible: the smaller total violation wins; equal violations tie.
        #expect(NonDominatedSorting.constrainedDominates(bad, violation: 0.2, good, violation: 0.3))
        #expect(!NonDominatedSorting.constrainedDominates(good, violation: 0.3, bad, violation: 0.3))
        #expect(!NonDominatedSorting.constrainedDominates(bad, violation: 0.3, good, violation: 0.3))
        // Two feasible: Pareto dominance; equal points do not dominate each other.
        #expect(NonDominatedSorting.constrainedDominates(good, violation: 0, bad, violation: 0))
        #expect(!NonDominatedSorting.constrainedDominates(good, violation: 0, good, violation: 0))
        #expect(!NonDominatedSorting.constrainedDominates([1, 5], violation: 0, [5, 1], violation: 0))
        // The fronts: feasible front, feasible dominated, then infeasible by violation.
        let fronts = NonDominatedSorting.constrainedFronts(
            objectives: [5, 5, 1, 1, 0, 0, 9, 9, 2, 3], objectiveCount: 2, violations: [0, 0, 0.5, 0.2, 0.5])
        #expect(fronts == [[1], [0], [3], [2, 4]])
        let total = Evaluation(objectives: [0], violations: [-1, 0.25, 0, 0.5]).totalViolation
        #expect(total == 0.75)
    }
}

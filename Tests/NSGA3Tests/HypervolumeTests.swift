import Testing
@testable import NSGA3

@Suite struct HypervolumeTests {
    /// Exact hypervolume by counting grid cells: the distinct coordinates of the points and
    /// the reference point cut space into boxes; a box counts when some point weakly
    /// dominates its lower corner. No sampling, O(n^d · n).
    func gridHypervolume(_ points: [[Double]], reference: [Double]) -> Double {
        let d = reference.count
        let inside = points.filter { p in (0..<d).allSatisfy { p[$0] < reference[$0] } }
        if inside.isEmpty { return 0 }
        let cuts = (0..<d).map { k in Array(Set(inside.map { $0[k] } + [reference[k]])).sorted() }
        var total = 0.0
        var cell = [Int](repeating: 0, count: d)
        func visit(_ k: Int) {
            if k == d {
                let corner = (0..<d).map { cuts[$0][cell[$0]] }
                guard inside.contains(where: { p in (0..<d).allSatisfy { p[$0] <= corner[$0] } }) else { return }
                var volume = 1.0
                for axis in 0..<d { volume *= cuts[axis][cell[axis] + 1] - cuts[axis][cell[axis]] }
                total += volume
                return
            }
            for index in 0..<(cuts[k].count - 1) {
                cell[k] = index
                visit(k + 1)
            }
        }
        visit(0)
        return total
    }

    @Test func handCasesInTwoThreeAndFourDimensions() {
        // 2-D staircase: 3 + 2 + 1.
        #expect(Hypervolume.compute(points: [[1, 3], [2, 2], [3, 1]], reference: [4, 4]) == 6)
        // A single box.
        #expect(Hypervolume.compute(points: [[0, 0, 0]], reference: [1, 2, 3]) == 6)
        // 3-D: boxes of 4 and 2 overlapping in a unit cube.
        #expect(Hypervolume.compute(points: [[0, 0, 1], [1, 1, 0]], reference: [2, 2, 2]) == 5)
        // 4-D, by inclusion-exclusion: A = (0,1,0,1), B = (1,0,1,0), r = (2,2,2,2):
        // |A| = 2·1·2·1 = 4, |B| = 1·2·1·2 = 4, |A ∩ B| = 1·1·1·1 = 1, so 7.
        #expect(Hypervolume.compute(points: [[0, 1, 0, 1], [1, 0, 1, 0]], reference: [2, 2, 2, 2]) == 7)
        // Dominated points, duplicates and points outside the box change nothing.
        #expect(Hypervolume.compute(points: [[1, 3], [2, 2], [2, 2], [3, 3], [3, 1], [5, 0]], reference: [4, 4]) == 6)
        #expect(Hypervolume.compute(points: [[5, 5]], reference: [4, 4]) == 0)
        #expect(Hypervolume.compute(points: [], reference: [1, 1, 1]) == 0)
    }

    @Test(arguments: [2, 3, 4, 5, 6])
    func matchesGridCountingOnRandomSets(dimension d: Int) {
        var random = Xoshiro256StarStar(seed: UInt64(100 + d))
        let sizes = d <= 4 ? [1, 2, 5, 9, 14] : [1, 3, 6, 8]
        for n in sizes {
            for _ in 0..<3 {
                // Coarse values: ties and duplicates; points on the simplex-like surface are
                // mostly mutually non-dominated, the hard case for WFG.
                let points = (0..<n).map { _ in (0..<d).map { _ in Double(random.index(below: 7)) / 6 } }
                let reference = [Double](repeating: 1.1, count: d)
                let exact = gridHypervolume(points, reference: reference)
                let wfg = Hypervolume.compute(points: points, reference: reference)
                #expect(abs(wfg - exact) <= 1e-12 * max(1, exact), "n=\(n) d=\(d)")
            }
        }
    }

    @Test func nonDominatedSphereSetsMatchGridCounting() {
        // Mutually non-dominated points (on the unit sphere), 4 and 5 objectives.
        var random = Xoshiro256StarStar(seed: 7)
        for d in [4, 5] {
            let points = (0..<(d == 4 ? 10 : 7)).map { _ -> [Double] in
                let raw = (0..<d).map { _ in random.uniform() + 0.05 }
                let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return raw.map { $0 / norm }
            }
            let reference = [Double](repeating: 1.1, count: d)
            let exact = gridHypervolume(points, reference: reference)
            #expect(abs(Hypervolume.compute(points: points, reference: reference) - exact) <= 1e-12 * exact)
        }
    }
}

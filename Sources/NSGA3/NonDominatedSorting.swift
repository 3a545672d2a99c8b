/// Pareto dominance and non-dominated sorting, with Deb's constraint-domination.
///
/// Objective vectors are stored flat: point `i` occupies `objectives[i*m ..< (i+1)*m]`.
public enum NonDominatedSorting {
    /// Whether `a` Pareto-dominates `b` (no worse in every objective, better in one; minimised).
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        precondition(a.count == b.count, "objective vectors differ in length")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in dominates(pa.baseAddress!, pb.baseAddress!, a.count) }
        }
    }

    /// Deb's constraint-domination: a feasible point beats an infeasible one; of two
    /// infeasible points the one with the smaller total violation wins; two feasible points
    /// compare by Pareto dominance.
    public static func constrainedDominates(
        _ a: [Double], violation violationA: Double, _ b: [Double], violation violationB: Double
    ) -> Bool {
        switch (violationA > 0, violationB > 0) {
        case (false, true): return true
        case (true, false): return false
        case (true, true): return violationA < violationB
        case (false, false): return dominates(a, b)
        }
    }

    @inline(__always)
    static func dominates(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ m: Int) -> Bool {
        var better = false
        for k in 0..<m {
            if a[k] > b[k] { return false }
            if a[k] < b[k] { better = true }
        }
        return better
    }

    /// The Pareto fronts of `count` points: front 0 holds the non-dominated points, front 1
    /// those dominated only by front 0, and so on. Identical points share a front.
    ///
    /// Efficient non-dominated sort with sequential search (Zhang et al. 2015): points in
    /// lexicographic order can only be dominated by points before them, so each point goes
    /// to the first front none of whose members dominates it.
    public static func fronts(objectives: [Double], objectiveCount m: Int) -> [[Int]] {
        let count = objectives.count / m
        return fronts(objectives: objectives, objectiveCount: m, members: Array(0..<count))
    }

    /// The Pareto fronts of the listed points only (indices into `objectives`).
    public static func fronts(objectives: [Double], objectiveCount m: Int, members: [Int]) -> [[Int]] {
        precondition(m >= 1 && objectives.count % m == 0, "objective array is not a whole number of points")
        return objectives.withUnsafeBufferPointer { buffer -> [[Int]] in
            let base = buffer.baseAddress!
            // Lexicographic order; keyed by the first objective, which settles almost all
            // comparisons without touching the rest.
            let order = members.map { (first: base[$0 * m], index: $0) }.sorted { x, y in
                if x.first != y.first { return x.first < y.first }
                let a = base + x.index * m
                let b = base + y.index * m
                for k in 1..<m where a[k] != b[k] { return a[k] < b[k] }
                return x.index < y.index
            }.map(\.index)
            if m == 3 { return threeObjectiveFronts(base, order: order) }
            var fronts: [[Int]] = []
            var columns: [FrontColumns] = []
            for point in order {
                let p = base + point * m
                var placed = false
                for frontIndex in fronts.indices where !columns[frontIndex].dominates(p) {
                    fronts[frontIndex].append(point)
                    columns[frontIndex].append(p)
                    placed = true
                    break
                }
                if !placed {
                    fronts.append([point])
                    columns.append(FrontColumns(objectiveCount: m))
                    columns[columns.count - 1].append(p)
                }
            }
            return fronts
        }
    }

    /// A front's members for ENS's scan: objectives 2...m in blocks of four members (one
    /// SIMD lane each), so one comparison tests four members; lanes past the last member
    /// hold +infinity.
    private struct FrontColumns {
        let objectiveCount: Int
        var count = 0
        /// Objective k (1..<m) of members 4b..<4b+4 at `blocks[b * (m - 1) + k - 1]`.
        var blocks: [SIMD4<Double>] = []
        /// The members' objective vectors, flat, for the identity check.
        var points: [Double] = []

        init(objectiveCount: Int) {
            self.objectiveCount = objectiveCount
        }

        mutating func append(_ p: UnsafePointer<Double>) {
            let m = objectiveCount
            let lane = count % 4
            if lane == 0 { blocks.append(contentsOf: repeatElement(SIMD4(repeating: .infinity), count: m - 1)) }
            let row = (count / 4) * (m - 1)
            for k in 1..<m { blocks[row + k - 1][lane] = p[k] }
            points.append(contentsOf: UnsafeBufferPointer(start: p, count: m))
            count += 1
        }

        /// Whether a member dominates `p`, which comes later in lexicographic order than
        /// every member (so no member is worse in the first objective): some member is no
        /// worse in every other objective and differs from `p`.
        func dominates(_ p: UnsafePointer<Double>) -> Bool {
            let m = objectiveCount
            let width = m - 1
            return blocks.withUnsafeBufferPointer { b in
                points.withUnsafeBufferPointer { q in
                    guard width > 0 else {
                        // One objective: every member is no worse; one that differs dominates.
                        return (0..<count).contains { q[$0] != p[0] }
                    }
                    // Later members are the likeliest dominators: scan from the end.
                    var block = (count + 3) / 4 - 1
                    while block >= 0 {
                        let row = b.baseAddress! + block * width
                        var noWorse = SIMDMask<SIMD4<Int64>>(repeating: true)
                        for k in 0..<width { noWorse .&= row[k] .<= SIMD4(repeating: p[k + 1]) }
                        if any(noWorse) {
                            for lane in 0..<4 where noWorse[lane] && block * 4 + lane < count {
                                let member = q.baseAddress! + (block * 4 + lane) * m
                                for k in 0..<m where member[k] != p[k] { return true }
                            }
                        }
                        block -= 1
                    }
                    return false
                }
            }
        }
    }

    /// ENS for three objectives: a front dominates a later point (in lexicographic order,
    /// so no better in f1) exactly when its 2-D staircase in (f2, f3) does, which a binary
    /// search answers; O(N log N) per front instead of a scan of its members.
    private static func threeObjectiveFronts(_ base: UnsafePointer<Double>, order: [Int]) -> [[Int]] {
        var fronts: [[Int]] = []
        var stairs: [Staircase] = []
        for (rank, point) in order.enumerated() {
            let p = base + point * 3
            // Fronts in turn (most points join the first ones); the search position found
            // in the front that takes the point is where it is inserted.
            var front = 0
            var position = 0
            while front < fronts.count {
                position = stairs[front].lowerBound(p[1])
                if !stairs[front].dominates(p[0], p[1], p[2], at: position) { break }
                front += 1
            }
            if front < fronts.count {
                fronts[front].append(point)
                stairs[front].insert(p[0], p[1], p[2], at: position)
            } else {
                // Room for every point still to come: a front never grows by reallocation.
                var members = [point]
                members.reserveCapacity(order.count - rank)
                var steps = [Staircase.Step(f1: p[0], f2: p[1], f3: p[2])]
                steps.reserveCapacity(order.count - rank)
                fronts.append(members)
                stairs.append(Staircase(steps: steps))
            }
        }
        return fronts
    }

    /// The (f2, f3)-non-dominated members of a front: f2 ascending, f3 strictly descending.
    private struct Staircase {
        struct Step {
            var f1: Double
            var f2: Double
            var f3: Double
        }

        var steps: [Step]

        /// The first index with f2 >= value.
        func lowerBound(_ value: Double) -> Int {
            var low = 0
            var high = steps.count
            while low < high {
                let middle = (low + high) / 2
                if steps[middle].f2 < value { low = middle + 1 } else { high = middle }
            }
            return low
        }

        /// Whether some member q (with q1 <= x1) dominates x: q2 <= x2, q3 <= x3, q != x.
        /// `position` is `lowerBound(x2)`.
        func dominates(_ x1: Double, _ x2: Double, _ x3: Double, at position: Int) -> Bool {
            // The member with the largest f2 <= x2 has the smallest f3 among those.
            var index = position
            if index < steps.count && steps[index].f2 == x2 {
                return steps[index].f3 < x3 || (steps[index].f3 == x3 && steps[index].f1 < x1)
            }
            index -= 1
            return index >= 0 && steps[index].f3 <= x3
        }

        /// Adds a point no member dominates at `position` (`lowerBound(x2)`), dropping the
        /// members it dominates in (f2, f3).
        mutating func insert(_ x1: Double, _ x2: Double, _ x3: Double, at position: Int) {
            let start = position
            var end = start
            while end < steps.count && steps[end].f3 >= x3 { end += 1 }
            let step = Step(f1: x1, f2: x2, f3: x3)
            if end > start {
                // Overwrite the first dropped member, remove the rest.
                steps[start] = step
                if end > start + 1 { steps.removeSubrange(start + 1..<end) }
            } else {
                steps.insert(step, at: start)
            }
        }
    }

    /// Fronts under constraint-domination: the Pareto fronts of the feasible points
    /// (violation 0), then the infeasible points in groups of equal total violation,
    /// smallest first. Within a front, indices keep the order of the sort.
    public static func constrainedFronts(
        objectives: [Double], objectiveCount m: Int, violations: [Double]
    ) -> [[Int]] {
        let count = violations.count
        precondition(objectives.count == count * m, "objectives and violations describe different counts")
        var feasible: [Int] = []
        var infeasible: [Int] = []
        for index in 0..<count {
            if violations[index] > 0 { infeasible.append(index) } else { feasible.append(index) }
        }
        var result = feasible.isEmpty ? [] : fronts(objectives: objectives, objectiveCount: m, members: feasible)
        infeasible.sort { violations[$0] != violations[$1] ? violations[$0] < violations[$1] : $0 < $1 }
        var start = 0
        while start < infeasible.count {
            var end = start + 1
            while end < infeasible.count && violations[infeasible[end]] == violations[infeasible[start]] { end += 1 }
            result.append(Array(infeasible[start..<end]))
            start = end
        }
        return result
    }

    /// The rank (front number) of each point, from its fronts.
    public static func ranks(fronts: [[Int]], count: Int) -> [Int] {
        var rank = [Int](repeating: 0, count: count)
        for (frontIndex, front) in fronts.enumerated() {
            for member in front { rank[member] = frontIndex }
        }
        return rank
    }
}

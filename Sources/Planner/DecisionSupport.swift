/// Picking plans from a Pareto front: a knee point and a TOPSIS ranking.
///
/// Both work on objectives that are all minimised (negate maximised ones first), given
/// as one row per plan.
public enum DecisionSupport {
    /// The knee of a front: after min-max normalisation, the point farthest beyond the
    /// hyperplane through the extreme points (Das 1999; Deb & Gupta 2011), i.e. the plan
    /// where a small gain in one objective costs most in the others. When the extreme
    /// points do not span a hyperplane (degenerate fronts), the point closest to the
    /// ideal point is used instead. Returns `nil` for an empty front.
    public static func kneeIndex(_ objectives: [[Double]]) -> Int? {
        guard let first = objectives.first else { return nil }
        if objectives.count == 1 { return 0 }
        let m = first.count
        let normalised = normalise(objectives)
        // Extreme point per objective: the plan that is best in it (ties: best sum of the rest).
        var extremes: [[Double]] = []
        for k in 0..<m {
            let best = normalised.indices.min { a, b in
                let x = normalised[a], y = normalised[b]
                return x[k] != y[k] ? x[k] < y[k] : x.reduce(0, +) < y.reduce(0, +)
            }!
            extremes.append(normalised[best])
        }
        // Hyperplane n·f = 1 through the extremes: solve E n = 1.
        if let normal = solve(extremes, rhs: [Double](repeating: 1, count: m)) {
            let norm = normal.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0, normal.allSatisfy({ $0.isFinite }) {
                // Signed distance below the plane (towards the ideal point) is (1 - n·f)/|n|.
                let scores = normalised.map { f in (1 - zip(normal, f).reduce(0) { $0 + $1.0 * $1.1 }) / norm }
                return scores.indices.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }
            }
        }
        let distances = normalised.map { $0.reduce(0) { $0 + $1 * $1 } }
        return distances.indices.min { distances[$0] < distances[$1] }
    }

    /// TOPSIS closeness of every plan (higher is better, in [0, 1]) with the given
    /// weights (normalised to sum 1; default equal). Vector normalisation per objective.
    public static func topsisCloseness(_ objectives: [[Double]], weights: [Double]? = nil) -> [Double] {
        guard let first = objectives.first else { return [] }
        let m = first.count
        var w = weights ?? [Double](repeating: 1, count: m)
        precondition(w.count == m, "one weight per objective")
        let total = w.reduce(0, +)
        w = total > 0 ? w.map { $0 / total } : [Double](repeating: 1.0 / Double(m), count: m)
        var weighted = objectives
        for k in 0..<m {
            let norm = objectives.reduce(0) { $0 + $1[k] * $1[k] }.squareRoot()
            for i in weighted.indices { weighted[i][k] = norm > 0 ? w[k] * objectives[i][k] / norm : 0 }
        }
        // All objectives are minimised: the positive ideal is the column minimum.
        let best = (0..<m).map { k in weighted.map { $0[k] }.min()! }
        let worst = (0..<m).map { k in weighted.map { $0[k] }.max()! }
        return weighted.map { row in
            let toBest = zip(row, best).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            let toWorst = zip(row, worst).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            return toBest + toWorst > 0 ? toWorst / (toBest + toWorst) : 1
        }
    }

    /// Plan indices ordered by TOPSIS closeness, best first (ties by index).
    public static func topsisRanking(_ objectives: [[Double]], weights: [Double]? = nil) -> [Int] {
        let closeness = topsisCloseness(objectives, weights: weights)
        return closeness.indices.sorted { closeness[$0] != closeness[$1] ? closeness[$0] > closeness[$1] : $0 < $1 }
    }

    /// Min-max normalisation per objective over the set (constant objectives map to 0).
    static func normalise(_ objectives: [[Double]]) -> [[Double]] {
        let m = objectives[0].count
        let low = (0..<m).map { k in objectives.map { $0[k] }.min()! }
        let high = (0..<m).map { k in objectives.map { $0[k] }.max()! }
        return objectives.map { row in
            (0..<m).map { k in high[k] > low[k] ? (row[k] - low[k]) / (high[k] - low[k]) : 0 }
        }
    }

    /// Gaussian elimination with partial pivoting; nil when (numerically) singular.
    static func solve(_ matrix: [[Double]], rhs: [Double]) -> [Double]? {
        let n = rhs.count
        var a = matrix
        var b = rhs
        for column in 0..<n {
            let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            guard abs(a[pivot][column]) > 1e-12 else { return nil }
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = a[row][column] / a[column][column]
                for k in column..<n { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row][k] * x[k] }
            x[row] = sum / a[row][row]
        }
        return x
    }
}

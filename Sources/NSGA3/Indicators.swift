import Foundation

/// Quality indicators of an approximation front `A` (objectives minimised), many against a
/// reference set `Z` such as the true Pareto front. Points are arrays of equal length.
public enum Indicators {
    /// Inverted generational distance: the mean over `Z` of the Euclidean distance to the
    /// nearest point of `A`. Measures convergence and spread together.
    public static func invertedGenerationalDistance(_ front: [[Double]], reference: [[Double]]) -> Double {
        precondition(!front.isEmpty && !reference.isEmpty, "IGD needs a front and a reference set")
        var total = 0.0
        for z in reference {
            total += front.reduce(Double.infinity) { min($0, squaredDistance($1, z)) }.squareRoot()
        }
        return total / Double(reference.count)
    }

    /// IGD+ (Ishibuchi et al. 2015): as IGD with the dominance-compliant distance
    /// d+(z, a) = sqrt(sum_k max(a_k − z_k, 0)^2), which ignores where `a` is better than `z`.
    public static func invertedGenerationalDistancePlus(_ front: [[Double]], reference: [[Double]]) -> Double {
        precondition(!front.isEmpty && !reference.isEmpty, "IGD+ needs a front and a reference set")
        var total = 0.0
        for z in reference {
            var best = Double.infinity
            for a in front {
                var sum = 0.0
                for k in z.indices {
                    let excess = max(a[k] - z[k], 0)
                    sum += excess * excess
                }
                best = min(best, sum)
            }
            total += best.squareRoot()
        }
        return total / Double(reference.count)
    }

    /// Generational distance: the mean over `A` of the Euclidean distance to the nearest
    /// point of `Z` (the p = 1 form recommended by Ishibuchi et al. 2015 and used by pymoo;
    /// Van Veldhuizen's original divides the root of the sum of squares by |A|).
    public static func generationalDistance(_ front: [[Double]], reference: [[Double]]) -> Double {
        invertedGenerationalDistance(reference, reference: front)
    }

    /// Schott's spacing (1995): the standard deviation (divisor n − 1) of each point's
    /// Manhattan distance to its nearest neighbour in `A`. 0 for evenly spaced points.
    /// Needs at least two points.
    public static func spacing(_ front: [[Double]]) -> Double {
        let n = front.count
        precondition(n >= 2, "spacing needs at least two points")
        var nearest = [Double](repeating: .infinity, count: n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                var distance = 0.0
                for k in front[i].indices { distance += abs(front[i][k] - front[j][k]) }
                nearest[i] = min(nearest[i], distance)
            }
        }
        let mean = nearest.reduce(0, +) / Double(n)
        let variance = nearest.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        return variance.squareRoot()
    }

    /// Deb's spread Δ (0 is ideal, lower is better).
    ///
    /// For two objectives, Deb et al. 2002: with `A` sorted by f1, consecutive distances
    /// d_i, their mean d̄ and the distances d_f, d_l from the extreme points of `Z` to the
    /// ends of `A`: Δ = (d_f + d_l + Σ|d_i − d̄|) / (d_f + d_l + (N − 1) d̄).
    /// For more objectives, the generalisation of Zhou et al. 2006 (as in jMetal): with
    /// d(X) the distance from X to its nearest neighbour in `A` and e_k the point of `Z`
    /// with the largest f_k, Δ = (Σ_k d(e_k, A) + Σ_X |d(X) − d̄|) / (Σ_k d(e_k, A) + N d̄).
    public static func spread(_ front: [[Double]], reference: [[Double]]) -> Double {
        precondition(front.count >= 2 && !reference.isEmpty, "spread needs two points and a reference set")
        let m = front[0].count
        if m == 2 {
            let sorted = front.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] > $1[1] }
            let referenceSorted = reference.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] > $1[1] }
            let first = squaredDistance(referenceSorted.first!, sorted.first!).squareRoot()
            let last = squaredDistance(referenceSorted.last!, sorted.last!).squareRoot()
            let gaps = (1..<sorted.count).map { squaredDistance(sorted[$0], sorted[$0 - 1]).squareRoot() }
            let mean = gaps.reduce(0, +) / Double(gaps.count)
            let deviation = gaps.reduce(0) { $0 + abs($1 - mean) }
            let denominator = first + last + Double(gaps.count) * mean
            return denominator > 0 ? (first + last + deviation) / denominator : 0
        }
        var extremes = 0.0
        for k in 0..<m {
            let extreme = reference.max { $0[k] < $1[k] }!
            extremes += front.reduce(Double.infinity) { min($0, squaredDistance($1, extreme)) }.squareRoot()
        }
        let nearest = nearestNeighbourDistances(front)
        let mean = nearest.reduce(0, +) / Double(nearest.count)
        let deviation = nearest.reduce(0) { $0 + abs($1 - mean) }
        let denominator = extremes + Double(nearest.count) * mean
        return denominator > 0 ? (extremes + deviation) / denominator : 0
    }

    /// Zitzler's coverage C(A, B): the fraction of `B` weakly dominated by some point of `A`.
    /// C(A, B) = 1 means every point of B is matched or beaten by A. Not symmetric.
    public static func coverage(_ a: [[Double]], over b: [[Double]]) -> Double {
        precondition(!b.isEmpty, "coverage needs a non-empty second set")
        let covered = b.filter { point in
            a.contains { candidate in zip(candidate, point).allSatisfy { $0 <= $1 } }
        }
        return Double(covered.count) / Double(b.count)
    }

    /// The hypervolume of `front` against `reference` (see ``Hypervolume``).
    public static func hypervolume(_ front: [[Double]], reference: [Double]) -> Double {
        Hypervolume.compute(points: front, reference: reference)
    }

    static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for k in a.indices {
            let difference = a[k] - b[k]
            sum += difference * difference
        }
        return sum
    }

    /// Each point's Euclidean distance to its nearest other point.
    static func nearestNeighbourDistances(_ points: [[Double]]) -> [Double] {
        var nearest = [Double](repeating: .infinity, count: points.count)
        for i in points.indices {
            for j in points.indices where j != i {
                nearest[i] = min(nearest[i], squaredDistance(points[i], points[j]))
            }
        }
        return nearest.map { $0.squareRoot() }
    }
}

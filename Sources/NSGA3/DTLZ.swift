import Foundation

/// The scalable test problems DTLZ1-4 (Deb, Thiele, Laumanns & Zitzler 2002/2005), as
/// used by Deb & Jain 2014: n = M + k − 1 variables in [0, 1], k = 5 for DTLZ1 and 10 for
/// DTLZ2-4.
public struct DTLZ: Problem {
    /// Which DTLZ problem.
    public enum Kind: String, CaseIterable, Codable, Sendable {
        /// Linear front sum(f) = 0.5; 11^k − 1 local fronts.
        case dtlz1 = "DTLZ1"
        /// Spherical front |f| = 1.
        case dtlz2 = "DTLZ2"
        /// DTLZ2's front behind 3^k − 1 local fronts.
        case dtlz3 = "DTLZ3"
        /// DTLZ2 with a biased density (x^100).
        case dtlz4 = "DTLZ4"
    }

    /// The problem.
    public let kind: Kind
    /// The number of objectives M.
    public let objectiveCount: Int
    /// The number of distance variables k.
    public let distanceVariableCount: Int
    /// Unconstrained.
    public var constraintCount: Int { 0 }
    /// The number of variables n = M + k − 1.
    public var variableCount: Int { objectiveCount + distanceVariableCount - 1 }

    /// A DTLZ problem with `objectives` objectives and `k` distance variables (default
    /// 5 for DTLZ1, 10 otherwise).
    public init(_ kind: Kind, objectives: Int, k: Int? = nil) throws(OptimizerError) {
        guard objectives >= 2 else { throw .invalidConfiguration("DTLZ needs at least two objectives") }
        let distance = k ?? (kind == .dtlz1 ? 5 : 10)
        guard distance >= 1 else { throw .invalidConfiguration("DTLZ needs k >= 1") }
        self.kind = kind
        self.objectiveCount = objectives
        self.distanceVariableCount = distance
    }

    /// SBX and polynomial mutation over [0, 1]^n with Deb & Jain's settings.
    public var variation: RealVariation {
        // Bounds are valid by construction.
        try! RealVariation(
            lower: [Double](repeating: 0, count: variableCount), upper: [Double](repeating: 1, count: variableCount))
    }

    public func evaluate(_ x: RealGenome) -> Evaluation {
        let objectives = [Double](unsafeUninitializedCapacity: objectiveCount) { buffer, count in
            evaluate(x, objectives: buffer, violations: UnsafeMutableBufferPointer(start: nil, count: 0))
            count = objectiveCount
        }
        return Evaluation(objectives: objectives)
    }

    public func evaluate(
        _ x: RealGenome, objectives f: UnsafeMutableBufferPointer<Double>, violations: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(x.count == variableCount, "DTLZ expects \(variableCount) variables")
        precondition(f.count == objectiveCount && violations.isEmpty, "DTLZ writes \(objectiveCount) objectives")
        let m = objectiveCount
        var g = 0.0
        for i in (m - 1)..<x.count {
            let d = x[i] - 0.5
            switch kind {
            case .dtlz1, .dtlz3: g += d * d - cos(20 * .pi * d)
            case .dtlz2, .dtlz4: g += d * d
            }
        }
        if kind == .dtlz1 || kind == .dtlz3 { g = 100 * (Double(distanceVariableCount) + g) }
        // f_j (0-based) = P_j · h(x_{M-1-j}) for j > 0 and f_0 = P_0, where P_j is the
        // running product over the first M-1-j position variables: for DTLZ1 h = 1 - x and
        // the product of x_i (scaled by 0.5); for DTLZ2-4 h = sin θ and the product of cos θ_i,
        // θ = x^α π/2 (α = 100 for DTLZ4, 1 otherwise).
        var product = kind == .dtlz1 ? 0.5 * (1 + g) : 1 + g
        for j in stride(from: m - 1, to: 0, by: -1) {
            let position = x[m - 1 - j]
            if kind == .dtlz1 {
                f[j] = product * (1 - position)
                product *= position
            } else {
                let angle = (kind == .dtlz4 ? pow(position, 100) : position) * .pi / 2
                f[j] = product * sin(angle)
                product *= cos(angle)
            }
        }
        f[0] = product
    }

    /// Deb & Jain's IGD targets: where the reference directions meet the true front,
    /// 0.5·w for DTLZ1 (w sums to 1) and w/|w| for DTLZ2-4.
    public func targetPoints(for referencePoints: ReferencePoints) -> [[Double]] {
        referencePoints.points.map { w in
            switch kind {
            case .dtlz1: return w.map { 0.5 * $0 }
            case .dtlz2, .dtlz3, .dtlz4:
                let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return w.map { $0 / norm }
            }
        }
    }

    /// The front's nadir point: 0.5 in every objective for DTLZ1, 1 for DTLZ2-4.
    public var nadirPoint: [Double] {
        [Double](repeating: kind == .dtlz1 ? 0.5 : 1, count: objectiveCount)
    }

    /// Deb & Jain's generation counts (Table III and the DTLZ4 runs): DTLZ1/2/3/4 run
    /// 400/250/1000/600 generations at M = 3, 600/350/1000/1000 at M = 5, 750/500/1000/1250
    /// at M = 8, 1000/750/1500/2000 at M = 10 and 1500/1000/2000/3000 at M = 15.
    public var standardGenerations: Int? {
        let table: [Int: [Int]] = [
            3: [400, 250, 1000, 600], 5: [600, 350, 1000, 1000], 8: [750, 500, 1000, 1250],
            10: [1000, 750, 1500, 2000], 15: [1500, 1000, 2000, 3000],
        ]
        guard let row = table[objectiveCount] else { return nil }
        return row[Kind.allCases.firstIndex(of: kind)!]
    }
}

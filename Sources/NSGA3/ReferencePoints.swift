/// Reference points on the unit simplex that steer NSGA-III's niching (Deb & Jain 2014).
///
/// Points are stored flat, row by row; each lies on the hyperplane sum(w) = 1 with w >= 0.
public struct ReferencePoints: Hashable, Codable, Sendable {
    /// The dimension of every point.
    public let objectiveCount: Int
    /// The coordinates, `objectiveCount` per point.
    public let values: [Double]

    /// The number of points.
    public var count: Int { values.count / objectiveCount }

    /// Point `index` as an array.
    public func point(_ index: Int) -> [Double] {
        Array(values[index * objectiveCount..<(index + 1) * objectiveCount])
    }

    /// All points as arrays.
    public var points: [[Double]] { (0..<count).map(point) }

    /// Das & Dennis (1998) structured points: every w with w_i in {0, 1/p, ..., 1}, sum 1.
    /// There are C(p + M − 1, M − 1) of them.
    public static func dasDennis(objectives: Int, divisions: Int) throws(OptimizerError) -> ReferencePoints {
        guard objectives >= 2 else { throw .invalidConfiguration("reference points need at least two objectives") }
        guard divisions >= 1 else { throw .invalidConfiguration("reference points need at least one division") }
        guard let total = binomialCount(divisions + objectives - 1, objectives - 1), total <= 10_000_000 else {
            throw .invalidConfiguration("\(objectives) objectives with \(divisions) divisions give too many reference points")
        }
        var values: [Double] = []
        values.reserveCapacity(total * objectives)
        var counts = [Int](repeating: 0, count: objectives)
        // Enumerate compositions of `divisions` into `objectives` parts in lexicographic order.
        func fill(_ position: Int, _ remaining: Int) {
            if position == objectives - 1 {
                counts[position] = remaining
                for count in counts { values.append(Double(count) / Double(divisions)) }
                return
            }
            for share in stride(from: remaining, through: 0, by: -1) {
                counts[position] = share
                fill(position + 1, remaining - share)
            }
        }
        fill(0, divisions)
        return ReferencePoints(objectiveCount: objectives, values: values)
    }

    /// Deb & Jain's two-layer set for many objectives: a boundary layer with
    /// `boundaryDivisions` and an inside layer with `insideDivisions` shrunk towards the
    /// simplex centre by `insideScale` (1/2 in the paper): w' = (1 − s)/M + s·w.
    public static func twoLayer(
        objectives: Int, boundaryDivisions: Int, insideDivisions: Int, insideScale: Double = 0.5
    ) throws(OptimizerError) -> ReferencePoints {
        guard insideScale > 0, insideScale < 1 else {
            throw .invalidConfiguration("the inside layer's scale must lie in (0, 1)")
        }
        let boundary = try dasDennis(objectives: objectives, divisions: boundaryDivisions)
        let inside = try dasDennis(objectives: objectives, divisions: insideDivisions)
        let centre = (1 - insideScale) / Double(objectives)
        return ReferencePoints(
            objectiveCount: objectives, values: boundary.values + inside.values.map { centre + insideScale * $0 })
    }

    /// User-given points. Each must have `objectives` non-negative coordinates, not all zero;
    /// a point is scaled so its coordinates sum to one.
    public init(userGiven points: [[Double]]) throws(OptimizerError) {
        guard let first = points.first, first.count >= 2 else {
            throw .invalidConfiguration("expected at least one reference point with two or more coordinates")
        }
        var values: [Double] = []
        for (index, point) in points.enumerated() {
            guard point.count == first.count else {
                throw .invalidConfiguration("reference point \(index + 1) has \(point.count) coordinates, expected \(first.count)")
            }
            let sum = point.reduce(0, +)
            guard point.allSatisfy({ $0.isFinite && $0 >= 0 }), sum > 0 else {
                throw .invalidConfiguration("reference point \(index + 1) must be non-negative and not all zero")
            }
            values += point.map { $0 / sum }
        }
        self.init(objectiveCount: first.count, values: values)
    }

    /// The sets Deb & Jain use: M = 3 with p = 12 (91 points), M = 5 with p = 6 (210),
    /// M = 8 and 10 with two layers 3 + 2 (156 and 275), M = 15 with 2 + 1 (135). Other
    /// counts get the single layer whose size is closest to, and at least, 10·M.
    public static func standard(objectives: Int) throws(OptimizerError) -> ReferencePoints {
        switch objectives {
        case 3: return try dasDennis(objectives: 3, divisions: 12)
        case 5: return try dasDennis(objectives: 5, divisions: 6)
        case 8, 10: return try twoLayer(objectives: objectives, boundaryDivisions: 3, insideDivisions: 2)
        case 15: return try twoLayer(objectives: 15, boundaryDivisions: 2, insideDivisions: 1)
        default:
            guard objectives >= 2 else { throw .invalidConfiguration("reference points need at least two objectives") }
            var divisions = 1
            while let count = binomialCount(divisions + objectives - 1, objectives - 1), count < 10 * objectives {
                divisions += 1
            }
            return try dasDennis(objectives: objectives, divisions: divisions)
        }
    }

    /// Deb & Jain's population size for `count` reference points: the smallest multiple of
    /// four not below the count (91 → 92, 210 → 212, 156 → 156, 275 → 276).
    public static func populationSize(forReferencePointCount count: Int) -> Int {
        (count + 3) / 4 * 4
    }

    /// C(n, k), or `nil` when it exceeds `Int`.
    public static func binomialCount(_ n: Int, _ k: Int) -> Int? {
        guard k >= 0, n >= k else { return 0 }
        var result = 1
        for step in 0..<min(k, n - k) {
            // result * (n - step) / (step + 1) is exact at every step.
            let (product, overflow) = result.multipliedReportingOverflow(by: n - step)
            if overflow { return nil }
            result = product / (step + 1)
        }
        return result
    }

    init(objectiveCount: Int, values: [Double]) {
        self.objectiveCount = objectiveCount
        self.values = values
    }
}

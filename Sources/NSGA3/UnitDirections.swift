/// NSGA-III's reference directions as unit vectors, laid out for the association step:
/// coordinate `k` of directions `4b ..< 4b + 4` is the vector `blocks[b * objectiveCount + k]`,
/// so one point is projected on four directions per multiply-add. Lanes past `count` are
/// zero; they can only tie a real direction at projection 0, and ties go to the lower index.
@usableFromInline
struct UnitDirections: Sendable {
    /// The number of objectives.
    let objectiveCount: Int
    /// The number of directions.
    @usableFromInline let count: Int
    /// Blocks of four directions per objective.
    let blockCount: Int
    /// The coordinates, block-major, four directions per vector.
    let blocks: [SIMD4<Double>]

    /// NSGA-III's directions; none for the other algorithms.
    @usableFromInline
    init(_ algorithm: Algorithm) {
        if case .nsga3(let points) = algorithm { self.init(points) } else { self.init() }
    }

    /// No directions.
    init() {
        objectiveCount = 0
        count = 0
        blockCount = 0
        blocks = []
    }

    /// The unit vectors of `points`.
    init(_ points: ReferencePoints) {
        let m = points.objectiveCount
        objectiveCount = m
        count = points.count
        blockCount = (count + 3) / 4
        var blocks = [SIMD4<Double>](repeating: .zero, count: m * blockCount)
        for j in 0..<count {
            var norm = 0.0
            for k in 0..<m { norm += points.values[j * m + k] * points.values[j * m + k] }
            norm = norm.squareRoot()
            for k in 0..<m { blocks[(j / 4) * m + k][j % 4] = points.values[j * m + k] / norm }
        }
        self.blocks = blocks
    }

    /// The direction nearest to each point (the first one on ties) and the perpendicular
    /// distance to it. `points` are normalised objective vectors, flat, all coordinates
    /// >= 0: the nearest line then has the largest projection, and d^2 = |f|^2 - (f.w)^2.
    /// With a pool, the points are shared among its threads (each point's result is the
    /// same whichever thread computes it).
    func associate(
        _ points: [Double], into association: inout [Int], distances: inout [Double], pool: WorkerPool? = nil
    ) {
        let m = objectiveCount
        let pointCount = points.count / m
        precondition(association.count == pointCount && distances.count == pointCount, "output sizes differ")
        points.withUnsafeBufferPointer { f in
            association.withUnsafeMutableBufferPointer { a in
                distances.withUnsafeMutableBufferPointer { d in
                    let output = AssociationOutput(association: a.baseAddress!, distances: d.baseAddress!)
                    guard let pool, pointCount >= 16 * pool.threadCount else {
                        associate(f.baseAddress!, 0..<pointCount, into: output)
                        return
                    }
                    pool.run { part in associate(f.baseAddress!, pool.range(of: part, in: pointCount), into: output) }
                }
            }
        }
    }

    /// Where `associate` writes; each point's slots are written by one thread only.
    private struct AssociationOutput: @unchecked Sendable {
        let association: UnsafeMutablePointer<Int>
        let distances: UnsafeMutablePointer<Double>
    }

    private func associate(_ f: UnsafePointer<Double>, _ positions: Range<Int>, into output: AssociationOutput) {
        let m = objectiveCount
        if m == 3 {
            associateThreeObjectives(f, positions, into: output)
            return
        }
        withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: m) { p in
            blocks.withUnsafeBufferPointer { w in
                for position in positions {
                    let point = f + position * m
                    var norm2 = 0.0
                    for k in 0..<m {
                        norm2 += point[k] * point[k]
                        p[k] = SIMD4(repeating: point[k])
                    }
                    // Per lane, the largest projection and the first block attaining it.
                    // Multiply, then add, in objective order: a scalar loop's rounding.
                    var bestDots = SIMD4<Double>(repeating: -.infinity)
                    var bestBlocks = SIMD4<Int64>(repeating: 0)
                    var block = w.baseAddress!
                    for index in 0..<blockCount {
                        var dots = p[0] * block[0]
                        for k in 1..<m { dots += p[k] * block[k] }
                        block += m
                        let better = dots .> bestDots
                        bestDots.replace(with: dots, where: better)
                        bestBlocks.replace(with: Int64(index), where: better)
                    }
                    Self.store(bestDots, bestBlocks, norm2, at: position, into: output)
                }
            }
        }
    }

    /// `associate` for three objectives: the points in registers and two per pass over the
    /// directions, which doubles the independent work per loaded block (an odd last point
    /// is paired with itself). Each point gets exactly the operations of the general loop.
    private func associateThreeObjectives(_ f: UnsafePointer<Double>, _ positions: Range<Int>, into output: AssociationOutput) {
        blocks.withUnsafeBufferPointer { w in
            for position in stride(from: positions.lowerBound, to: positions.upperBound, by: 2) {
                let paired = position + 1 < positions.upperBound
                let a = f + position * 3
                let b = paired ? a + 3 : a
                let (a0, a1, a2) = (SIMD4(repeating: a[0]), SIMD4(repeating: a[1]), SIMD4(repeating: a[2]))
                let (b0, b1, b2) = (SIMD4(repeating: b[0]), SIMD4(repeating: b[1]), SIMD4(repeating: b[2]))
                var bestA = SIMD4<Double>(repeating: -.infinity)
                var bestB = bestA
                var blockA = SIMD4<Int64>(repeating: 0)
                var blockB = blockA
                var block = w.baseAddress!
                for index in 0..<Int64(blockCount) {
                    let (w0, w1, w2) = (block[0], block[1], block[2])
                    block += 3
                    let dotsA = a0 * w0 + a1 * w1 + a2 * w2
                    let dotsB = b0 * w0 + b1 * w1 + b2 * w2
                    let betterA = dotsA .> bestA
                    let betterB = dotsB .> bestB
                    bestA.replace(with: dotsA, where: betterA)
                    bestB.replace(with: dotsB, where: betterB)
                    blockA.replace(with: index, where: betterA)
                    blockB.replace(with: index, where: betterB)
                }
                Self.store(bestA, blockA, a[0] * a[0] + a[1] * a[1] + a[2] * a[2], at: position, into: output)
                if paired {
                    Self.store(bestB, blockB, b[0] * b[0] + b[1] * b[1] + b[2] * b[2], at: position + 1, into: output)
                }
            }
        }
    }

    /// Writes a point's direction (the first index among the lanes' best) and distance.
    @inline(__always)
    private static func store(
        _ bestDots: SIMD4<Double>, _ bestBlocks: SIMD4<Int64>, _ norm2: Double, at position: Int,
        into output: AssociationOutput
    ) {
        var best = Int(bestBlocks[0]) * 4
        var bestDot = bestDots[0]
        for lane in 1..<4 {
            let index = Int(bestBlocks[lane]) * 4 + lane
            if bestDots[lane] > bestDot || (bestDots[lane] == bestDot && index < best) {
                best = index
                bestDot = bestDots[lane]
            }
        }
        output.association[position] = best
        output.distances[position] = max(norm2 - bestDot * bestDot, 0).squareRoot()
    }
}

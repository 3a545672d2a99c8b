/// Contour lines of a function sampled on a rectangular grid, by marching squares with
/// linear interpolation along cell edges (consistent with bilinear interpolation inside
/// the cells), chained into polylines.
enum MarchingSquares {
    /// Contour polylines of `values[j][i]` (at `xs[i]`, `ys[j]`) at `level`, in data
    /// coordinates. Cells with a non-finite corner are skipped. Saddle cells are
    /// resolved by the value at the cell centre (the mean of its corners).
    static func contours(xs: [Double], ys: [Double], values: [[Double]], level: Double) -> [[(Double, Double)]] {
        let nx = xs.count, ny = ys.count
        guard nx >= 2, ny >= 2 else { return [] }
        // Edge keys: horizontal edge (i, j)-(i+1, j) -> 2 * (j * nx + i); vertical (i, j)-(i, j+1) -> 2 * (j * nx + i) + 1.
        func hKey(_ i: Int, _ j: Int) -> Int { 2 * (j * nx + i) }
        func vKey(_ i: Int, _ j: Int) -> Int { 2 * (j * nx + i) + 1 }
        func crossing(_ key: Int) -> (Double, Double) {
            let base = key / 2, i = base % nx, j = base / nx
            let (i2, j2) = key % 2 == 0 ? (i + 1, j) : (i, j + 1)
            let a = values[j][i], b = values[j2][i2]
            let t = a == b ? 0.5 : min(max((level - a) / (b - a), 0), 1)
            return (xs[i] + (xs[i2] - xs[i]) * t, ys[j] + (ys[j2] - ys[j]) * t)
        }
        var segments: [(Int, Int)] = []
        for j in 0..<(ny - 1) {
            for i in 0..<(nx - 1) {
                let v00 = values[j][i], v10 = values[j][i + 1], v11 = values[j + 1][i + 1], v01 = values[j + 1][i]
                guard v00.isFinite, v10.isFinite, v11.isFinite, v01.isFinite else { continue }
                // Corner above (>= level) bits: bottom-left 1, bottom-right 2, top-right 4, top-left 8.
                var code = 0
                if v00 >= level { code |= 1 }
                if v10 >= level { code |= 2 }
                if v11 >= level { code |= 4 }
                if v01 >= level { code |= 8 }
                let bottom = hKey(i, j), top = hKey(i, j + 1), left = vKey(i, j), right = vKey(i + 1, j)
                switch code {
                case 0, 15: break
                case 1, 14: segments.append((left, bottom))
                case 2, 13: segments.append((bottom, right))
                case 3, 12: segments.append((left, right))
                case 4, 11: segments.append((right, top))
                case 6, 9: segments.append((bottom, top))
                case 7, 8: segments.append((left, top))
                case 5, 10:
                    let centreAbove = (v00 + v10 + v11 + v01) / 4 >= level
                    // Code 5: bottom-left and top-right above. With the centre above they join.
                    if (code == 5) == centreAbove {
                        segments.append((left, top))
                        segments.append((bottom, right))
                    } else {
                        segments.append((left, bottom))
                        segments.append((right, top))
                    }
                default: break
                }
            }
        }
        // Chain segments through shared edge crossings.
        var byKey: [Int: [Int]] = [:]
        for (s, seg) in segments.enumerated() {
            byKey[seg.0, default: []].append(s)
            byKey[seg.1, default: []].append(s)
        }
        var used = Array(repeating: false, count: segments.count)
        var lines: [[(Double, Double)]] = []
        for start in segments.indices where !used[start] {
            used[start] = true
            var keys = [segments[start].0, segments[start].1]
            // Extend forward from the last key, then backward from the first.
            for direction in 0..<2 {
                while true {
                    let end = direction == 0 ? keys.last! : keys.first!
                    guard let next = byKey[end]?.first(where: { !used[$0] }) else { break }
                    used[next] = true
                    let other = segments[next].0 == end ? segments[next].1 : segments[next].0
                    if direction == 0 { keys.append(other) } else { keys.insert(other, at: 0) }
                }
            }
            lines.append(keys.map(crossing))
        }
        return lines
    }

    /// The grid refined `factor` times per cell by bilinear interpolation (cells with a
    /// non-finite corner stay NaN), so contours traced on it follow the bilinear
    /// surface a heat map paints, not the straight chords between cell edges.
    static func refined(xs: [Double], ys: [Double], values: [[Double]], factor: Int) -> (xs: [Double], ys: [Double], values: [[Double]]) {
        guard factor > 1, xs.count >= 2, ys.count >= 2 else { return (xs, ys, values) }
        func fine(_ grid: [Double]) -> [(Int, Double)] {
            var points: [(Int, Double)] = []
            for i in 0..<(grid.count - 1) {
                for k in 0..<factor { points.append((i, Double(k) / Double(factor))) }
            }
            points.append((grid.count - 2, 1))
            return points
        }
        let fx = fine(xs), fy = fine(ys)
        let newXs = fx.map { xs[$0.0] + (xs[$0.0 + 1] - xs[$0.0]) * $0.1 }
        let newYs = fy.map { ys[$0.0] + (ys[$0.0 + 1] - ys[$0.0]) * $0.1 }
        let newValues = fy.map { j, ty in
            fx.map { i, tx -> Double in
                let v00 = values[j][i], v10 = values[j][i + 1], v01 = values[j + 1][i], v11 = values[j + 1][i + 1]
                return (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty
            }
        }
        return (newXs, newYs, newValues)
    }
}

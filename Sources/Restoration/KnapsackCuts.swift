/// Valid inequalities from 0-1 knapsack value functions, for the hourly pickup MILPs.
///
/// With lossless LinDistFlow the active load picked up in an hour equals the active power
/// generated, so the VOLL-weighted value served is at most phi(C) = max{sum v_i x_i :
/// sum d_i x_i <= C, x binary}, where C is the generation available. Branch and bound on
/// the LP relaxation proves such subset-sum limits only by enumeration (GLPK needed 50,000
/// nodes on one hour of the evening case); the value function, computed once by dynamic
/// programming, states them in a few rows.
enum KnapsackCuts {
    /// phi at capacities 0, r, 2r, ... up to `capacity`, nondecreasing. Weights are rounded
    /// down to the grid, so entry k bounds the true value function at every capacity
    /// below (k + 1) r; one spare slot at the top absorbs rounding of the capacity.
    static func valueFunction(weights: [Double], values: [Double], capacity: Double, resolution: Double) -> [Double] {
        let slots = max(slot(capacity, resolution) + 1, 0)
        var table = [Double](repeating: 0, count: slots + 1)
        var free = 0.0
        for (weight, value) in zip(weights, values) where value > 0 {
            let w = slot(max(weight, 0), resolution)
            if w == 0 {
                free += value
                continue
            }
            if w > slots { continue }
            table.withUnsafeMutableBufferPointer { t in
                var c = slots
                while c >= w {
                    let candidate = t[c - w] + value
                    if candidate > t[c] { t[c] = candidate }
                    c -= 1
                }
            }
        }
        // Make it monotone (the in-place recursion already is, but stay safe) and add free items.
        var running = 0.0
        for c in table.indices {
            running = max(running, table[c])
            table[c] = running + free
        }
        return table
    }

    /// 10 W (or 10 VAr) steps, exact for loads given to the watt and shapes to the
    /// percent; coarser only beyond 4 MW so a table stays under 400,000 entries.
    static func resolution(for capacity: Double) -> Double {
        max(0.01, capacity / 400_000)
    }

    /// The grid slot holding `amount`, rounded down, never above the true quotient by more
    /// than floating-point noise (which the callers' spare slots absorb).
    static func slot(_ amount: Double, _ resolution: Double) -> Int {
        Int((amount / resolution + slotNoise).rounded(.down))
    }

    /// Float noise allowed per slot computation; sums of up to 100 items stay below 1e-5 slots.
    static let slotNoise = 1e-7

    /// The upper concave envelope of a nondecreasing table over slots `from...`, as lines
    /// `value <= intercept + slope * (capacity - origin)` with capacity in the table's units.
    /// Returns (intercept, slope) pairs in increasing capacity order of their left ends.
    static func concaveEnvelope(_ table: [Double], from first: Int, resolution: Double) -> [(intercept: Double, slope: Double)] {
        guard first < table.count else { return [] }
        // Only left corners of steps can be hull vertices (plus the first slot).
        var points: [(x: Double, y: Double)] = [(0, table[first])]
        var c = first + 1
        while c < table.count {
            if table[c] > table[c - 1] { points.append((Double(c - first) * resolution, table[c])) }
            c += 1
        }
        var hull: [(x: Double, y: Double)] = []
        for p in points {
            while hull.count >= 2 {
                let a = hull[hull.count - 2], b = hull[hull.count - 1]
                // Drop b if it lies on or below the segment a-p.
                if (b.y - a.y) * (p.x - a.x) <= (p.y - a.y) * (b.x - a.x) + 1e-12 { hull.removeLast() } else { break }
            }
            hull.append(p)
        }
        if hull.count == 1 { return [(hull[0].y, 0)] }
        var lines: [(intercept: Double, slope: Double)] = []
        for k in 0..<(hull.count - 1) {
            let a = hull[k], b = hull[k + 1]
            let slope = (b.y - a.y) / (b.x - a.x)
            lines.append((a.y - slope * a.x, slope))
        }
        // Beyond the last vertex the value stays flat.
        lines.append((hull[hull.count - 1].y, 0))
        return lines
    }
}

/// The exact hypervolume of a point set: the measure of the region it dominates within a
/// reference box (objectives minimised).
///
/// WFG (While, Bradstreet & Barone, IEEE TEC 2012): the volume is the sum of the points'
/// exclusive contributions, each the point's box minus the hypervolume of the "limit set"
/// (the other later points pushed to be no better than it). Sorting the points by the last
/// objective makes every limit set flat in that objective, so each recursion drops one
/// dimension; two dimensions are a sweep. Exact for any number of objectives; time grows
/// steeply with the dimension, so in 10 objectives keep sets to a few hundred points.
public enum Hypervolume {
    /// The hypervolume of `points` against `reference`. Points that do not strictly
    /// dominate the reference point in every objective contribute nothing.
    public static func compute(points: [[Double]], reference: [Double]) -> Double {
        compute(flat: points.flatMap { $0 }, reference: reference)
    }

    /// The hypervolume of flat point coordinates (`reference.count` per point).
    public static func compute(flat: [Double], reference: [Double]) -> Double {
        let d = reference.count
        precondition(d >= 1 && flat.count % d == 0, "points and reference point differ in dimension")
        // Work with box extents r - p > 0: the union of origin-anchored boxes.
        var boxes: [Double] = []
        boxes.reserveCapacity(flat.count)
        var point = [Double](repeating: 0, count: d)
        pointLoop: for start in stride(from: 0, to: flat.count, by: d) {
            for k in 0..<d {
                let extent = reference[k] - flat[start + k]
                guard extent > 0 else { continue pointLoop }
                point[k] = extent
            }
            boxes += point
        }
        var workspace = Workspace()
        let kept = nonDominatedBoxes(boxes, dimension: d, workspace: &workspace)
        return volume(of: kept, dimension: d, workspace: &workspace)
    }

    /// Scratch buffers reused across the recursion to avoid allocation in the inner loops.
    struct Workspace {
        var order: [Int] = []
    }

    /// The union volume of origin-anchored boxes (mutually non-dominated, `d` extents each).
    static func volume(of boxes: [Double], dimension d: Int, workspace: inout Workspace) -> Double {
        let n = boxes.count / d
        if n == 0 { return 0 }
        if n == 1 {
            var product = 1.0
            for k in 0..<d { product *= boxes[k] }
            return product
        }
        switch d {
        case 1:
            return boxes.max()!
        case 2:
            return area(of: boxes)
        default:
            // Ascending in the last extent: every later box reaches at least as far, so the
            // limit set of box i is flat at box i's last extent.
            let last = d - 1
            let order = (0..<n).sorted { boxes[$0 * d + last] < boxes[$1 * d + last] }
            var sorted = [Double](repeating: 0, count: n * d)
            for (position, index) in order.enumerated() {
                for k in 0..<d { sorted[position * d + k] = boxes[index * d + k] }
            }
            var total = 0.0
            var limit: [Double] = []
            limit.reserveCapacity((n - 1) * last)
            for i in 0..<n {
                let base = i * d
                var inclusive = 1.0
                for k in 0..<last { inclusive *= sorted[base + k] }
                limit.removeAll(keepingCapacity: true)
                for j in i + 1..<n {
                    for k in 0..<last { limit.append(min(sorted[base + k], sorted[j * d + k])) }
                }
                var exclusive = inclusive
                if !limit.isEmpty {
                    let reduced = nonDominatedBoxes(limit, dimension: last, workspace: &workspace)
                    exclusive -= volume(of: reduced, dimension: last, workspace: &workspace)
                }
                total += sorted[base + last] * exclusive
            }
            return total
        }
    }

    /// The area of a union of origin-anchored rectangles: sweep by width, descending.
    static func area(of boxes: [Double]) -> Double {
        let n = boxes.count / 2
        let order = (0..<n).sorted { boxes[$0 * 2] > boxes[$1 * 2] }
        var total = 0.0
        var height = 0.0
        for index in order {
            let y = boxes[index * 2 + 1]
            if y > height {
                total += boxes[index * 2] * (y - height)
                height = y
            }
        }
        return total
    }

    /// The boxes not contained in another (of two equal boxes, one is kept).
    static func nonDominatedBoxes(_ boxes: [Double], dimension d: Int, workspace: inout Workspace) -> [Double] {
        let n = boxes.count / d
        if n <= 1 { return boxes }
        // Descending by the sum of extents: a box can only be contained in one with a
        // larger or equal sum, so each box is checked against the kept ones only.
        var sums = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = 0.0
            for k in 0..<d { sum += boxes[i * d + k] }
            sums[i] = sum
        }
        workspace.order.removeAll(keepingCapacity: true)
        workspace.order.append(contentsOf: 0..<n)
        workspace.order.sort { sums[$0] > sums[$1] }
        var kept: [Double] = []
        kept.reserveCapacity(boxes.count)
        var keptCount = 0
        for index in workspace.order {
            let base = index * d
            var contained = false
            var other = 0
            while other < keptCount {
                let otherBase = other * d
                var inside = true
                for k in 0..<d where boxes[base + k] > kept[otherBase + k] {
                    inside = false
                    break
                }
                if inside {
                    contained = true
                    break
                }
                other += 1
            }
            if !contained {
                for k in 0..<d { kept.append(boxes[base + k]) }
                keptCount += 1
            }
        }
        return kept
    }
}

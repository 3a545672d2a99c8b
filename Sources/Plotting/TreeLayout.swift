/// Positions for drawing a radial feeder as a one-line diagram.
///
/// The tree is formed by the branches that are not ties, rooted at the substation.
/// From every bus the deepest child continues the parent's row (so the main trunk
/// is one straight line) and the other children start laterals on rows above or
/// below, placed greedily on the nearest row where they keep two columns of clearance
/// from what is already drawn and, when such a row exists, their diagonal connector
/// crosses nothing. Columns
/// are hop counts from the root. Buses the tree does not reach are laid out as further
/// trees below, each rooted at its first bus.
struct TreeLayout {
    /// Column (hop count) of each bus.
    var column: [Int]
    /// Row of each bus (0 is the root's trunk; negative above, positive below).
    var row: [Int]
    /// Branch indices that are part of the drawn tree; the rest are drawn as curves.
    var treeBranches: Set<Int>
    /// The parent of each bus in the drawn tree (`nil` for roots).
    var parent: [Int?]

    var columns: ClosedRange<Int> { (column.min() ?? 0)...(column.max() ?? 0) }
    var rows: ClosedRange<Int> { (row.min() ?? 0)...(row.max() ?? 0) }

    /// A subtree laid out relative to its root at (0, 0).
    private struct Local {
        var nodes: [(bus: Int, dx: Int, dy: Int)] = []
        /// Occupied column intervals per row.
        var occupied: [Int: [ClosedRange<Int>]] = [:]

        mutating func occupy(_ row: Int, _ range: ClosedRange<Int>) {
            occupied[row, default: []].append(range)
        }

        /// Whether `range` keeps two columns of clearance on `row`.
        func isFree(_ row: Int, _ range: ClosedRange<Int>) -> Bool {
            for r in occupied[row] ?? [] where range.lowerBound <= r.upperBound + 1 && r.lowerBound <= range.upperBound + 1 {
                return false
            }
            return true
        }

        /// Whether a connector between columns `from` and `from + 1` may pass `row`:
        /// no drawn interval on that row spans across the gap between them.
        func connectorPasses(_ row: Int, from: Int) -> Bool {
            for r in occupied[row] ?? [] where r.lowerBound <= from && r.upperBound >= from + 1 { return false }
            return true
        }
    }

    init(busCount: Int, branches: [(from: Int, to: Int, isTie: Bool)], root: Int) {
        var children = Array(repeating: [Int](), count: busCount)
        var parentBranch: [Int: Int] = [:]
        var parentOf = [Int?](repeating: nil, count: busCount)
        var adjacency = Array(repeating: [(Int, Int)](), count: busCount)
        for (b, branch) in branches.enumerated() where !branch.isTie && branch.from != branch.to {
            adjacency[branch.from].append((branch.to, b))
            adjacency[branch.to].append((branch.from, b))
        }
        var visited = Array(repeating: false, count: busCount)
        var roots: [Int] = []
        var tree = Set<Int>()
        // Breadth-first from the root, then from every bus not yet reached.
        let starts = [root] + (0..<busCount).filter { $0 != root }
        for start in starts where !visited[start] {
            roots.append(start)
            visited[start] = true
            var queue = [start]
            var head = 0
            while head < queue.count {
                let u = queue[head]
                head += 1
                // Neighbours in bus order, so the layout does not depend on branch order.
                for (v, b) in adjacency[u].sorted(by: { $0.0 < $1.0 }) where !visited[v] {
                    visited[v] = true
                    children[u].append(v)
                    parentBranch[v] = b
                    parentOf[v] = u
                    tree.insert(b)
                    queue.append(v)
                }
            }
        }
        // Height (longest hop count to a leaf) of every subtree, children before parents.
        var height = Array(repeating: 0, count: busCount)
        var order: [Int] = []
        for r in roots {
            var stack = [r]
            while let u = stack.popLast() {
                order.append(u)
                stack.append(contentsOf: children[u])
            }
        }
        for u in order.reversed() {
            height[u] = (children[u].map { height[$0] + 1 }.max()) ?? 0
        }
        func layout(_ top: Int) -> Local {
            var local = Local()
            // The trunk: follow the deepest child (ties broken by bus order).
            var trunk = [top]
            while let next = children[trunk.last!].max(by: { (height[$0], -$0) < (height[$1], -$1) }) {
                trunk.append(next)
            }
            for (i, bus) in trunk.enumerated() { local.nodes.append((bus, i, 0)) }
            local.occupy(0, 0...(trunk.count - 1))
            for (i, bus) in trunk.enumerated() {
                let continuation = i + 1 < trunk.count ? trunk[i + 1] : -1
                let laterals = children[bus].filter { $0 != continuation }.sorted { (height[$0], -$0) > (height[$1], -$1) }
                for child in laterals {
                    let sub = layout(child)
                    // Try rows 1, -1, 2, -2, …; a lateral above is mirrored so its own
                    // laterals also grow away from the trunk. First only rows whose
                    // diagonal connector crosses no drawn line; if none exists (lines on
                    // both sides span the gap), rows where the connector must cross one.
                    // Rows beyond `limit` are empty, so the second pass always places it.
                    let subRows = sub.occupied.keys
                    let limit = (local.occupied.keys.map(abs).max() ?? 0) + (subRows.map(abs).max() ?? 0) * 2 + 2
                    placing: for requireClearConnector in [true, false] {
                        for distance in 1...limit {
                            for sign in [1, -1] {
                                let offset = sign * distance
                                if requireClearConnector, distance > 1 {
                                    let between = offset > 0 ? Array(1..<offset) : Array((offset + 1)...(-1))
                                    if between.contains(where: { !local.connectorPasses($0, from: i) }) { continue }
                                }
                                let fits = sub.occupied.allSatisfy { r, ranges in
                                    ranges.allSatisfy { local.isFree(offset + sign * r, ($0.lowerBound + i + 1)...($0.upperBound + i + 1)) }
                                }
                                guard fits else { continue }
                                for node in sub.nodes { local.nodes.append((node.bus, node.dx + i + 1, offset + sign * node.dy)) }
                                for (r, ranges) in sub.occupied {
                                    for range in ranges { local.occupy(offset + sign * r, (range.lowerBound + i + 1)...(range.upperBound + i + 1)) }
                                }
                                break placing
                            }
                        }
                    }
                }
            }
            return local
        }
        column = Array(repeating: 0, count: busCount)
        row = Array(repeating: 0, count: busCount)
        var rowOffset = 0
        for r in roots {
            let local = layout(r)
            let minRow = local.nodes.map(\.dy).min() ?? 0
            let maxRow = local.nodes.map(\.dy).max() ?? 0
            let shift = rowOffset - (r == roots[0] ? 0 : minRow)
            for node in local.nodes {
                column[node.bus] = node.dx
                row[node.bus] = node.dy + shift
            }
            rowOffset = (r == roots[0] ? maxRow : maxRow + shift) + 2
        }
        treeBranches = tree
        parent = parentOf
    }

    /// Whether a tree line leaves `bus` upwards (to its parent or a child on a higher
    /// row), so a label above it would be crossed.
    func hasLineAbove(_ bus: Int) -> Bool {
        if let p = parent[bus], row[p] < row[bus] { return true }
        return parent.indices.contains { parent[$0] == bus && row[$0] < row[bus] }
    }
}

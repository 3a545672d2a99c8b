/// The tree that a set of closed branches forms from one root bus.
///
/// Only the buses reachable from the root over closed branches belong to the tree;
/// ``order`` lists them parents first (breadth-first, branches in index order), which is
/// the order a forward sweep needs, and its reverse the order of a backward sweep.
public struct RadialTree: Sendable, Equatable {
    /// The root (source) bus index.
    public let root: Int
    /// The buses of the tree, parents before children; `order[0] == root`.
    public let order: [Int]
    /// For each bus index: its parent bus, or -1 for the root and buses outside the tree.
    public let parent: [Int]
    /// For each bus index: the branch joining it to its parent, or -1.
    public let parentBranch: [Int]

    /// Whether a bus is energised from the root.
    public func contains(_ bus: Int) -> Bool { bus == root || parent[bus] >= 0 }

    /// The branches from the root down to `bus`, root end first (empty for the root or
    /// a bus outside the tree).
    public func path(to bus: Int) -> [Int] {
        var branches: [Int] = []
        var b = bus
        while parentBranch[b] >= 0 {
            branches.append(parentBranch[b])
            b = parent[b]
        }
        return branches.reversed()
    }

    /// The branches of the tree (one per non-root bus), in ``order``.
    public var branches: [Int] { order.dropFirst().map { parentBranch[$0] } }
}

extension Feeder {
    /// The radial tree formed by the closed branches from `root` (default: the substation).
    ///
    /// - Parameters:
    ///   - closed: one flag per branch; `true` = switch closed.
    ///   - root: the source bus index.
    ///   - spanning: when `true`, every bus must be reached, otherwise the first bus
    ///     (lowest index) that is not is reported as ``FeederError/disconnected(bus:)``;
    ///     when `false`, unreached buses are simply outside the tree (an island or a
    ///     de-energised area) and loops among them are not examined.
    /// - Throws: ``FeederError/loop(branch:label:)`` naming the first closed branch, in
    ///   branch order, whose ends are already joined by earlier closed branches.
    public func radialTree(closed: [Bool], root: Int? = nil, spanning: Bool = true) throws(FeederError) -> RadialTree {
        guard closed.count == branches.count else {
            throw .invalidFeeder("switch state has \(closed.count) flags, the feeder has \(branches.count) branches")
        }
        let root = root ?? substation
        guard buses.indices.contains(root) else {
            throw .invalidFeeder("root index \(root) is not a bus index (0..<\(buses.count))")
        }
        let n = buses.count
        let adjacency = self.adjacency
        var parent = [Int](repeating: -1, count: n)
        var parentBranch = [Int](repeating: -1, count: n)
        var visited = [Bool](repeating: false, count: n)
        var order = [root]
        order.reserveCapacity(n)
        visited[root] = true
        var head = 0
        while head < order.count {
            let u = order[head]
            head += 1
            for e in adjacency.start[u]..<adjacency.start[u + 1] {
                let b = adjacency.branch[e]
                let w = adjacency.neighbor[e]
                guard closed[b], b != parentBranch[u], !visited[w] else { continue }
                visited[w] = true
                parent[w] = u
                parentBranch[w] = b
                order.append(w)
            }
        }
        // The reached buses are a tree exactly when they hold one closed branch fewer than
        // buses. Otherwise name the loop's closing branch the way a person would: adding
        // closed branches in file order, the first whose ends are already joined.
        let inside = (0..<branches.count).filter { closed[$0] && visited[branches[$0].from] }
        if inside.count != order.count - 1 {
            var component = Array(0..<n)
            func find(_ a: Int) -> Int {
                var a = a
                while component[a] != a {
                    component[a] = component[component[a]]
                    a = component[a]
                }
                return a
            }
            for b in inside {
                let (x, y) = (find(branches[b].from), find(branches[b].to))
                if x == y { throw .loop(branch: b, label: label(ofBranch: b)) }
                component[x] = y
            }
        }
        if spanning, let missing = visited.firstIndex(of: false) {
            throw .disconnected(bus: buses[missing].number)
        }
        return RadialTree(root: root, order: order, parent: parent, parentBranch: parentBranch)
    }

    /// The tree of the normal switch state from the substation.
    public var normalTree: RadialTree {
        // The initialiser checked that the normal state is a spanning tree.
        try! radialTree(closed: normalSwitchState)
    }
}

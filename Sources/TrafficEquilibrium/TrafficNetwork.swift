/// A road network as directed arcs in compact (CSR) adjacency.
///
/// Nodes are numbered `0..<nodeCount`; the TNTP files number them from 1, and the readers
/// and writers convert. The first `zoneCount` nodes are the zones (origins and
/// destinations of demand). A two-way road is two arcs, one per direction.
///
/// The TNTP *first-thru-node* rule is kept: a node whose index is below
/// ``firstThroughNode`` may start or end a path but never be passed through. With
/// `firstThroughNode == 0` (TNTP `<FIRST THRU NODE> 1`) every node may be passed through.
public struct TrafficNetwork: Sendable, Equatable {
    /// One directed arc with its TNTP attributes.
    public struct Link: Sendable, Equatable {
        /// Tail node index (0-based).
        public var tail: Int
        /// Head node index (0-based).
        public var head: Int
        /// Practical capacity, used by BPR and as the NdP capacity (veh/h in most networks).
        public var capacity: Double
        /// Length in the network's own units (km for the EV range logic).
        public var length: Double
        /// Free-flow travel time `t0` (minutes in this project's cases).
        public var freeFlowTime: Double
        /// BPR coefficient `b` in `t0 (1 + b (x/c)^power)`.
        public var bprB: Double
        /// BPR exponent.
        public var bprPower: Double
        /// Posted speed; carried through but used by no computation.
        public var speedLimit: Double
        /// Toll; carried through but used by no computation.
        public var toll: Double
        /// TNTP link type.
        public var linkType: Int

        /// A link with the given attributes; the remaining TNTP fields default to 0 and type 1.
        public init(
            tail: Int, head: Int, capacity: Double, length: Double, freeFlowTime: Double,
            bprB: Double = 0.15, bprPower: Double = 4, speedLimit: Double = 0, toll: Double = 0,
            linkType: Int = 1
        ) {
            self.tail = tail
            self.head = head
            self.capacity = capacity
            self.length = length
            self.freeFlowTime = freeFlowTime
            self.bprB = bprB
            self.bprPower = bprPower
            self.speedLimit = speedLimit
            self.toll = toll
            self.linkType = linkType
        }
    }

    /// A problem with a network built in code (the file readers report ``InputError`` instead).
    public struct ValidationError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The arc concerned, when there is one.
        public var link: Int?
        /// What is wrong.
        public var message: String
        public var description: String {
            if let link { return "link \(link): \(message)" }
            return message
        }
    }

    /// Number of nodes.
    public let nodeCount: Int
    /// Number of zones; the zones are nodes `0..<zoneCount`.
    public let zoneCount: Int
    /// Nodes with an index below this may not be passed through (TNTP first thru node − 1).
    public let firstThroughNode: Int
    /// The arcs, in input order; an arc's index is its position here.
    public let links: [Link]

    // Struct-of-arrays copies for the inner loops.
    @usableFromInline let tails: [Int]
    @usableFromInline let heads: [Int]
    @usableFromInline let outgoingStart: [Int]
    @usableFromInline let outgoingArcs: [Int]
    @usableFromInline let incomingStart: [Int]
    @usableFromInline let incomingArcs: [Int]

    /// Builds a network and checks it: node indices in range, positive capacity,
    /// non-negative length and free-flow time, no self-loops and no parallel arcs.
    public init(
        nodeCount: Int, zoneCount: Int, firstThroughNode: Int = 0, links: [Link]
    ) throws(ValidationError) {
        guard nodeCount > 0 else { throw ValidationError(message: "a network needs at least one node") }
        guard zoneCount >= 0, zoneCount <= nodeCount else {
            throw ValidationError(message: "zone count \(zoneCount) must be in 0...\(nodeCount)")
        }
        guard firstThroughNode >= 0, firstThroughNode <= zoneCount else {
            throw ValidationError(
                message: "first through node \(firstThroughNode) must be in 0...\(zoneCount) (zones are the first nodes)")
        }
        var seen = Set<Int>()
        for (index, link) in links.enumerated() {
            guard (0..<nodeCount).contains(link.tail), (0..<nodeCount).contains(link.head) else {
                throw ValidationError(link: index, message: "node index out of 0..<\(nodeCount)")
            }
            guard link.tail != link.head else { throw ValidationError(link: index, message: "self-loop") }
            guard link.capacity > 0, link.capacity.isFinite else {
                throw ValidationError(link: index, message: "capacity must be > 0, found \(link.capacity)")
            }
            guard link.length >= 0, link.length.isFinite else {
                throw ValidationError(link: index, message: "length must be >= 0, found \(link.length)")
            }
            guard link.freeFlowTime >= 0, link.freeFlowTime.isFinite else {
                throw ValidationError(link: index, message: "free-flow time must be >= 0, found \(link.freeFlowTime)")
            }
            guard link.bprB >= 0, link.bprB.isFinite, link.bprPower >= 0, link.bprPower.isFinite else {
                throw ValidationError(link: index, message: "BPR b and power must be finite and >= 0")
            }
            guard seen.insert(link.tail * nodeCount + link.head).inserted else {
                throw ValidationError(link: index, message: "parallel arc \(link.tail)->\(link.head) (not supported)")
            }
        }
        self.nodeCount = nodeCount
        self.zoneCount = zoneCount
        self.firstThroughNode = firstThroughNode
        self.links = links
        tails = links.map(\.tail)
        heads = links.map(\.head)
        (outgoingStart, outgoingArcs) = Self.compress(nodeCount: nodeCount, keys: tails)
        (incomingStart, incomingArcs) = Self.compress(nodeCount: nodeCount, keys: heads)
    }

    /// Counting sort of arc indices by `keys[arc]`, keeping input order within a node.
    private static func compress(nodeCount: Int, keys: [Int]) -> ([Int], [Int]) {
        var start = [Int](repeating: 0, count: nodeCount + 1)
        for key in keys { start[key + 1] += 1 }
        for node in 0..<nodeCount { start[node + 1] += start[node] }
        var cursor = start
        var arcs = [Int](repeating: 0, count: keys.count)
        for (arc, key) in keys.enumerated() {
            arcs[cursor[key]] = arc
            cursor[key] += 1
        }
        return (start, arcs)
    }

    /// Number of arcs.
    @inlinable public var linkCount: Int { links.count }

    /// Tail node of an arc.
    @inlinable public func tail(of arc: Int) -> Int { tails[arc] }
    /// Head node of an arc.
    @inlinable public func head(of arc: Int) -> Int { heads[arc] }

    /// The arcs leaving `node`, in input order.
    @inlinable public func outgoing(_ node: Int) -> ArraySlice<Int> {
        outgoingArcs[outgoingStart[node]..<outgoingStart[node + 1]]
    }

    /// The arcs entering `node`, in input order.
    @inlinable public func incoming(_ node: Int) -> ArraySlice<Int> {
        incomingArcs[incomingStart[node]..<incomingStart[node + 1]]
    }

    /// Whether a path may pass through `node` (TNTP first-thru-node rule).
    @inlinable public func canPassThrough(_ node: Int) -> Bool { node >= firstThroughNode }

    /// The arc from `tail` to `head`, if there is one.
    public func arc(from tail: Int, to head: Int) -> Int? {
        guard (0..<nodeCount).contains(tail) else { return nil }
        return outgoing(tail).first { heads[$0] == head }
    }

    /// The arc running the other way along the same road, if there is one.
    public func reverse(of arc: Int) -> Int? { self.arc(from: heads[arc], to: tails[arc]) }

    /// Free-flow times `t0` of all arcs, in arc order.
    public var freeFlowTimes: [Double] { links.map(\.freeFlowTime) }
    /// Capacities of all arcs, in arc order.
    public var capacities: [Double] { links.map(\.capacity) }
    /// Lengths of all arcs, in arc order.
    public var lengths: [Double] { links.map(\.length) }

    /// Groups the arcs into roads: each arc together with its reverse arc, if any,
    /// in order of each road's first arc. Candidate charging sites are usually roads.
    public func roads() -> [[Int]] {
        var assigned = [Bool](repeating: false, count: linkCount)
        var result: [[Int]] = []
        for arc in 0..<linkCount where !assigned[arc] {
            assigned[arc] = true
            if let back = reverse(of: arc), !assigned[back] {
                assigned[back] = true
                result.append([arc, back])
            } else {
                result.append([arc])
            }
        }
        return result
    }

    /// The same network with some link attributes changed (for lane additions, closures, scenarios).
    public func replacingLinks(_ transform: (inout Link) -> Void) throws(ValidationError) -> TrafficNetwork {
        var newLinks = links
        for index in newLinks.indices { transform(&newLinks[index]) }
        return try TrafficNetwork(
            nodeCount: nodeCount, zoneCount: zoneCount, firstThroughNode: firstThroughNode, links: newLinks)
    }
}

/// Why the module refused an input. Each case says what was wrong and what was expected,
/// so a caller can pass the message on to the person who wrote the case.
public enum SmallWorldError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An edge names a node outside `0..<nodeCount`.
    case nodeOutOfRange(edge: Int, node: Int, nodeCount: Int)
    /// An edge joins a node to itself.
    case selfLoop(edge: Int, node: Int)
    /// Two edges join the same pair of nodes.
    case duplicateEdge(edge: Int, firstEdge: Int)
    /// A weight, flow, length, coordinate or area is negative, zero where it must be positive, or not finite.
    case invalidValue(what: String, index: Int, value: Double, expected: String)
    /// An array has the wrong length.
    case countMismatch(what: String, expected: Int, got: Int)
    /// A cluster label is negative, or the labels skip a cluster number.
    case invalidClusterLabels(String)
    /// A cluster's area is zero (one node or collinear nodes with no buffer): its density is undefined.
    case zeroArea(cluster: Int)
    /// A parameter lies outside its domain.
    case invalidParameter(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .nodeOutOfRange(edge, node, nodeCount):
            return "edge \(edge) names node \(node); expected a node in 0..<\(nodeCount)"
        case let .selfLoop(edge, node):
            return "edge \(edge) joins node \(node) to itself; expected two distinct nodes"
        case let .duplicateEdge(edge, firstEdge):
            return "edge \(edge) repeats the node pair of edge \(firstEdge); expected a simple graph"
        case let .invalidValue(what, index, value, expected):
            return "\(what) \(index) is \(value); expected \(expected)"
        case let .countMismatch(what, expected, got):
            return "\(what) has \(got) entries; expected \(expected)"
        case let .invalidClusterLabels(message):
            return "cluster labels: \(message)"
        case let .zeroArea(cluster):
            return "cluster \(cluster) has zero area; give its area or a positive hull buffer"
        case let .invalidParameter(name, value, expected):
            return "\(name) = \(value); expected \(expected)"
        }
    }
}

/// Why the engine refused a configuration, an evaluation or a saved state.
public enum OptimizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A setting is out of range or inconsistent with the problem; the text says which.
    case invalidConfiguration(String)
    /// The problem returned an evaluation of the wrong shape or with a non-finite value.
    case invalidEvaluation(String)
    /// A saved state does not belong to this problem and configuration.
    case incompatibleState(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let text): "invalid configuration: \(text)"
        case .invalidEvaluation(let text): "invalid evaluation: \(text)"
        case .incompatibleState(let text): "incompatible saved state: \(text)"
        }
    }
}

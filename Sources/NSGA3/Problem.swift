/// What evaluating one genome yields: objective values to minimise and constraint violations.
public struct Evaluation: Hashable, Codable, Sendable {
    /// Objective values, all minimised. A quantity to maximise enters negated.
    public var objectives: [Double]
    /// One value per inequality constraint: `<= 0` is satisfied, `> 0` is the amount of
    /// violation. The engine sums the positive parts into a total violation, so express
    /// each constraint in comparable relative units (e.g. excess divided by the limit).
    public var violations: [Double]

    /// An evaluation with the given objectives and constraint violations.
    public init(objectives: [Double], violations: [Double] = []) {
        self.objectives = objectives
        self.violations = violations
    }

    /// The sum of the positive constraint violations; 0 for a feasible genome.
    public var totalViolation: Double { Self.totalViolation(of: violations) }

    /// The sum of the positive values, in order.
    @inlinable
    static func totalViolation<Values: Collection<Double>>(of violations: Values) -> Double {
        var total = 0.0
        for value in violations where value > 0 { total += value }
        return total
    }
}

/// An optimisation problem: a genome type, objective and constraint counts, an evaluation.
///
/// `evaluate` is called concurrently from several threads and must be deterministic: the
/// same genome always gives the same evaluation. The engine caches evaluations by genome.
public protocol Problem: Sendable {
    /// The decision representation, e.g. ``BitGenome`` or ``RealGenome``.
    associatedtype Genome: Hashable & Codable & Sendable

    /// The number of objectives (all minimised).
    var objectiveCount: Int { get }
    /// The number of inequality constraints (0 for an unconstrained problem).
    var constraintCount: Int { get }
    /// The objectives and constraint violations of one genome.
    func evaluate(_ genome: Genome) -> Evaluation

    /// Writes the evaluation of one genome into buffers of `objectiveCount` objectives and
    /// `constraintCount` violations. The default copies `evaluate(_:)`'s arrays; a cheap
    /// problem evaluated millions of times can write directly and skip those arrays (the
    /// engine uses this when it keeps no cache). Both forms must give the same values.
    func evaluate(
        _ genome: Genome, objectives: UnsafeMutableBufferPointer<Double>, violations: UnsafeMutableBufferPointer<Double>)
}

extension Problem {
    public func evaluate(
        _ genome: Genome, objectives: UnsafeMutableBufferPointer<Double>, violations: UnsafeMutableBufferPointer<Double>
    ) {
        let evaluation = evaluate(genome)
        // A wrong shape is reported by the engine's check; copy what fits, mark the rest.
        for k in objectives.indices { objectives[k] = k < evaluation.objectives.count ? evaluation.objectives[k] : .nan }
        for k in violations.indices { violations[k] = k < evaluation.violations.count ? evaluation.violations[k] : .nan }
        if evaluation.objectives.count != objectives.count || evaluation.violations.count != violations.count {
            objectives[0] = .nan
        }
    }
}

/// A problem written as a closure, for problems that need no type of their own.
///
/// ```swift
/// let problem = ClosureProblem<RealGenome>(objectives: 2) { x in
///     Evaluation(objectives: [x[0] * x[0], (x[0] - 2) * (x[0] - 2)])
/// }
/// ```
public struct ClosureProblem<Genome: Hashable & Codable & Sendable>: Problem {
    public let objectiveCount: Int
    public let constraintCount: Int
    private let body: @Sendable (Genome) -> Evaluation

    /// A problem with `objectives` objectives and `constraints` constraints evaluated by `body`.
    public init(
        objectives: Int, constraints: Int = 0, evaluate body: @escaping @Sendable (Genome) -> Evaluation
    ) {
        self.objectiveCount = objectives
        self.constraintCount = constraints
        self.body = body
    }

    public func evaluate(_ genome: Genome) -> Evaluation { body(genome) }
}

/// A real-valued genome: one value per decision variable, within the bounds of its
/// ``RealVariation``.
public typealias RealGenome = [Double]

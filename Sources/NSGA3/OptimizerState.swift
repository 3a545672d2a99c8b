/// One generation's entry in a run's history.
public struct GenerationRecord: Hashable, Codable, Sendable {
    /// The generation number (0 = the initial population).
    public var generation: Int
    /// Problem evaluations made so far (cache hits excluded).
    public var evaluations: Int
    /// Offspring whose evaluation came from the cache so far.
    public var cacheHits: Int
    /// Feasible members of the population.
    public var feasibleCount: Int
    /// Members of the feasible non-dominated front.
    public var nonDominatedCount: Int
    /// Hypervolume of that front against the configured fixed reference point.
    public var hypervolume: Double?
    /// IGD of that front against the configured reference front.
    public var invertedGenerationalDistance: Double?
    /// How far the front moved since the previous generation, in units of its own range:
    /// the largest of the ideal point's and the nadir point's moves (per objective, divided
    /// by the current front's range) and the mean distance from each previous-front point to
    /// the current front in those scaled units. `nil` while there is no previous front, and
    /// when neither ``OptimizerConfiguration/recordsFrontChange`` nor a convergence rule
    /// asks for it.
    public var frontChange: Double?
    /// Wall time spent in the run so far, in seconds.
    public var elapsedSeconds: Double

    @usableFromInline
    init(
        generation: Int, evaluations: Int, cacheHits: Int, feasibleCount: Int, nonDominatedCount: Int,
        hypervolume: Double?, invertedGenerationalDistance: Double?, frontChange: Double?, elapsedSeconds: Double
    ) {
        self.generation = generation
        self.evaluations = evaluations
        self.cacheHits = cacheHits
        self.feasibleCount = feasibleCount
        self.nonDominatedCount = nonDominatedCount
        self.hypervolume = hypervolume
        self.invertedGenerationalDistance = invertedGenerationalDistance
        self.frontChange = frontChange
        self.elapsedSeconds = elapsedSeconds
    }
}

/// A member of a population: genome, objectives, constraint violations.
///
/// The genome type is unconstrained and the conformances conditional, so making an array
/// of solutions needs no runtime conformance lookup (about 0.1 ms each on first use).
public struct Solution<Genome> {
    /// The decision.
    public var genome: Genome
    /// Its objective values (minimised).
    public var objectives: [Double]
    /// Its constraint violations (> 0 violated).
    public var violations: [Double]
    /// The sum of the positive violations.
    public var totalViolation: Double
    /// Its front number under constraint-domination when it was selected (0 = non-dominated).
    public var rank: Int

    /// Whether every constraint is satisfied.
    public var isFeasible: Bool { totalViolation == 0 }

    @usableFromInline
    init(genome: Genome, objectives: [Double], violations: [Double], totalViolation: Double, rank: Int) {
        self.genome = genome
        self.objectives = objectives
        self.violations = violations
        self.totalViolation = totalViolation
        self.rank = rank
    }
}

extension Solution: Equatable where Genome: Equatable {}
extension Solution: Hashable where Genome: Hashable {}
extension Solution: Encodable where Genome: Encodable {}
extension Solution: Decodable where Genome: Decodable {}
extension Solution: Sendable where Genome: Sendable {}

/// Everything a run needs to continue: save it after any generation (it is `Codable`),
/// restore it with ``Optimizer/init(problem:variation:configuration:resumingFrom:)``, and
/// the resumed run ends exactly where the uninterrupted one would.
public struct OptimizerState<Genome: Hashable & Codable & Sendable>: Codable, Sendable {
    /// Generations completed (0 after the initial population).
    public var generation: Int { completedGenerations }
    /// Problem evaluations made (cache hits excluded).
    public var evaluations: Int { evaluationCount }
    /// Offspring evaluations served by the cache.
    public var cacheHits: Int { cacheHitCount }
    /// Wall time spent so far, in seconds.
    public var elapsedSeconds: Double { elapsed }
    /// One record per generation.
    public var history: [GenerationRecord] { records }

    // Stored under their own names so the engine's inlinable code can update them while
    // the public view stays read-only.
    @usableFromInline var completedGenerations: Int
    @usableFromInline var evaluationCount: Int
    @usableFromInline var cacheHitCount: Int
    @usableFromInline var elapsed: Double
    @usableFromInline var records: [GenerationRecord]
    @usableFromInline var key: SearchKey
    @usableFromInline var objectiveCount: Int
    @usableFromInline var constraintCount: Int
    @usableFromInline var random: Xoshiro256StarStar
    @usableFromInline var genomes: [Genome]
    /// Flat, `objectiveCount` per member.
    @usableFromInline var objectives: [Double]
    /// Flat, `constraintCount` per member.
    @usableFromInline var violations: [Double]
    @usableFromInline var totalViolations: [Double]
    /// Each member's front rank and NSGA-II crowding distance or SPEA2 fitness, for mating.
    @usableFromInline var ranks: [Int]
    @usableFromInline var scores: [Double]
    @usableFromInline var normalization: HyperplaneNormalization
    /// The feasible non-dominated front of the last generation (flat), for the front change.
    @usableFromInline var previousFront: [Double]
    @usableFromInline var cache: EvaluationCache<Genome>

    /// The state before the initial population is selected.
    @usableFromInline
    init(
        key: SearchKey, objectiveCount: Int, constraintCount: Int, random: Xoshiro256StarStar,
        cache: EvaluationCache<Genome>
    ) {
        completedGenerations = 0
        evaluationCount = 0
        cacheHitCount = 0
        elapsed = 0
        records = []
        self.key = key
        self.objectiveCount = objectiveCount
        self.constraintCount = constraintCount
        self.random = random
        genomes = []
        objectives = []
        violations = []
        totalViolations = []
        ranks = []
        scores = []
        normalization = HyperplaneNormalization(objectiveCount: objectiveCount)
        previousFront = []
        self.cache = cache
    }

    /// The population's front members: survivors ranked 0 under constraint-domination are
    /// exactly the non-dominated members of the new population (every dominator of a
    /// survivor survives, or all survivors are in front 0); of those, the feasible ones.
    @inlinable
    var frontMembers: [Int] {
        genomes.indices.filter { ranks[$0] == 0 && totalViolations[$0] == 0 }
    }

    private enum CodingKeys: String, CodingKey {
        case completedGenerations = "generation", evaluationCount = "evaluations", cacheHitCount = "cacheHits"
        case elapsed = "elapsedSeconds", records = "history", key, objectiveCount, constraintCount, random
        case genomes, objectives, violations, totalViolations, ranks, scores, normalization, previousFront, cache
    }
}

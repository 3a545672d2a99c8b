/// Which evolutionary algorithm drives the search.
public enum Algorithm: Hashable, Codable, Sendable {
    /// NSGA-III (Deb & Jain 2014) with the given reference points.
    case nsga3(ReferencePoints)
    /// NSGA-II (Deb et al. 2002): crowding distance.
    case nsga2
    /// SPEA2 (Zitzler et al. 2001): strength fitness, k-th nearest density, archive
    /// truncation; the archive has the population's size.
    case spea2

    /// A short name: `nsga3`, `nsga2` or `spea2`.
    public var name: String {
        switch self {
        case .nsga3: "nsga3"
        case .nsga2: "nsga2"
        case .spea2: "spea2"
        }
    }
}

/// How NSGA-III picks parents. (NSGA-II and SPEA2 always use their own binary tournaments.)
public enum MatingSelection: String, Hashable, Codable, Sendable {
    /// Deb & Jain: each parent is the better of two random members by feasibility
    /// (feasible first, then smaller total violation), otherwise either at random. For an
    /// unconstrained problem this is random mating. (Competitors come from shuffled
    /// permutations of the population, so every member is drawn equally often.)
    case randomFeasibilityFirst
    /// Binary tournament: feasibility, then front rank, then at random.
    case binaryTournament
}

/// Settings of an optimisation run.
public struct OptimizerConfiguration: Sendable {
    /// The algorithm.
    public var algorithm: Algorithm
    /// The population size N (even). For NSGA-III, at least the number of reference points;
    /// Deb & Jain use ``ReferencePoints/populationSize(forReferencePointCount:)``.
    public var populationSize: Int
    /// The seed of the run's random number generator.
    public var seed: UInt64
    /// Threads that evaluate offspring (1 = serial, on the calling thread). Results do not
    /// depend on it.
    public var threads: Int
    /// NSGA-III's mating selection.
    public var matingSelection: MatingSelection
    /// Whether an offspring identical to a population member or to an earlier offspring of
    /// the same generation is discarded and mating repeated (up to 100 rounds, as pymoo).
    public var eliminateDuplicates: Bool
    /// The most evaluations the cache holds; when full it is emptied (0 disables it).
    public var cacheCapacity: Int
    /// The fixed reference point of the per-generation hypervolume (`nil`: not recorded).
    public var hypervolumeReference: [Double]?
    /// Record the hypervolume every this many generations (and at the last one of a run).
    public var hypervolumeInterval: Int
    /// A reference front for the per-generation IGD (`nil`: not recorded).
    public var referenceFront: [[Double]]?
    /// Whether every record carries the front change (an O(N²M) comparison of consecutive
    /// fronts). A run with a convergence rule computes it regardless.
    public var recordsFrontChange: Bool

    /// A configuration with the common defaults.
    public init(
        algorithm: Algorithm, populationSize: Int, seed: UInt64 = 1, threads: Int = 1,
        matingSelection: MatingSelection = .randomFeasibilityFirst, eliminateDuplicates: Bool = true,
        cacheCapacity: Int = 100_000, hypervolumeReference: [Double]? = nil, hypervolumeInterval: Int = 1,
        referenceFront: [[Double]]? = nil, recordsFrontChange: Bool = true
    ) {
        self.algorithm = algorithm
        self.populationSize = populationSize
        self.seed = seed
        self.threads = threads
        self.matingSelection = matingSelection
        self.eliminateDuplicates = eliminateDuplicates
        self.cacheCapacity = cacheCapacity
        self.hypervolumeReference = hypervolumeReference
        self.hypervolumeInterval = hypervolumeInterval
        self.referenceFront = referenceFront
        self.recordsFrontChange = recordsFrontChange
    }

    /// Checks the settings against a problem's objective and constraint counts.
    @usableFromInline
    func validate(objectiveCount m: Int, constraintCount c: Int) throws(OptimizerError) {
        guard m >= 1 else { throw .invalidConfiguration("the problem must have at least one objective") }
        guard c >= 0 else { throw .invalidConfiguration("the constraint count must be >= 0") }
        guard populationSize >= 4, populationSize % 2 == 0 else {
            throw .invalidConfiguration("population size must be even and at least 4, got \(populationSize)")
        }
        guard threads >= 1 else { throw .invalidConfiguration("threads must be at least 1, got \(threads)") }
        guard cacheCapacity >= 0 else { throw .invalidConfiguration("cache capacity must be >= 0") }
        guard hypervolumeInterval >= 1 else { throw .invalidConfiguration("hypervolume interval must be at least 1") }
        if case .nsga3(let points) = algorithm {
            guard m >= 2, points.objectiveCount == m else {
                throw .invalidConfiguration(
                    "reference points have \(points.objectiveCount) coordinates, the problem has \(m) objectives")
            }
            guard populationSize >= points.count else {
                throw .invalidConfiguration(
                    "NSGA-III needs a population of at least the \(points.count) reference points, got \(populationSize)")
            }
        }
        if let reference = hypervolumeReference {
            guard reference.count == m, reference.allSatisfy(\.isFinite) else {
                throw .invalidConfiguration("the hypervolume reference point needs \(m) finite coordinates")
            }
        }
        if let front = referenceFront {
            guard !front.isEmpty, front.allSatisfy({ $0.count == m && $0.allSatisfy(\.isFinite) }) else {
                throw .invalidConfiguration("the reference front needs points of \(m) finite coordinates")
            }
        }
    }

    /// The settings that shape the search (everything but threads and monitoring): a saved
    /// state resumes only under the same key.
    @usableFromInline
    var searchKey: SearchKey {
        SearchKey(
            algorithm: algorithm, populationSize: populationSize, seed: seed, matingSelection: matingSelection,
            eliminateDuplicates: eliminateDuplicates, cacheCapacity: cacheCapacity)
    }
}

/// The search-shaping settings stored in a saved state.
@usableFromInline
struct SearchKey: Hashable, Codable, Sendable {
    var algorithm: Algorithm
    var populationSize: Int
    var seed: UInt64
    var matingSelection: MatingSelection
    var eliminateDuplicates: Bool
    var cacheCapacity: Int
}

/// Stop when the front has stopped moving: for `window` consecutive generations the
/// front change (see ``GenerationRecord/frontChange``) stays at or below `tolerance`.
public struct ConvergenceRule: Hashable, Codable, Sendable {
    /// Consecutive generations that must all be below the tolerance.
    public var window: Int
    /// The largest front change, in units of the front's own range, counted as still.
    public var tolerance: Double

    /// A rule; the defaults follow pymoo's multi-objective space termination (30, 0.0025).
    public init(window: Int = 30, tolerance: Double = 0.0025) {
        self.window = window
        self.tolerance = tolerance
    }
}

/// When a run ends: whichever of the given limits is reached first.
public struct StoppingCriteria: Hashable, Codable, Sendable {
    /// Stop after this generation.
    public var maxGenerations: Int?
    /// Stop once this many problem evaluations were made (checked after each generation,
    /// so the last one may overshoot by up to a population).
    public var maxEvaluations: Int?
    /// Stop when the front stops moving.
    public var convergence: ConvergenceRule?

    /// Criteria; at least one must be given.
    public init(maxGenerations: Int? = nil, maxEvaluations: Int? = nil, convergence: ConvergenceRule? = nil) {
        self.maxGenerations = maxGenerations
        self.maxEvaluations = maxEvaluations
        self.convergence = convergence
    }

    /// Stop after `count` generations.
    public static func generations(_ count: Int) -> StoppingCriteria { StoppingCriteria(maxGenerations: count) }

    /// Throws unless at least one limit is given and the convergence rule is sound.
    @usableFromInline
    func validate() throws(OptimizerError) {
        guard maxGenerations != nil || maxEvaluations != nil || convergence != nil else {
            throw .invalidConfiguration("give at least one stopping criterion")
        }
        if let rule = convergence, rule.window < 1 || !(rule.tolerance >= 0) {
            throw .invalidConfiguration("the convergence rule needs a window >= 1 and a tolerance >= 0")
        }
    }

    /// Whether a run with this history, generation and evaluation count should stop.
    @usableFromInline
    func isMet(by history: [GenerationRecord], generation: Int, evaluations: Int) -> Bool {
        if let limit = maxGenerations, generation >= limit { return true }
        if let limit = maxEvaluations, evaluations >= limit { return true }
        if let rule = convergence, history.count >= rule.window {
            return history.suffix(rule.window).allSatisfy { ($0.frontChange ?? .infinity) <= rule.tolerance }
        }
        return false
    }
}

import Foundation

/// A many-objective evolutionary optimiser: NSGA-III, NSGA-II or SPEA2 on any ``Problem``
/// with the matching ``Variation``.
///
/// ```swift
/// let problem = try DTLZ(.dtlz2, objectives: 3)
/// let points = try ReferencePoints.dasDennis(objectives: 3, divisions: 12)
/// var optimizer = try Optimizer(
///     problem: problem, variation: problem.variation,
///     configuration: OptimizerConfiguration(algorithm: .nsga3(points), populationSize: 92, seed: 7))
/// let population = try optimizer.run(until: .generations(250))
/// ```
///
/// Random numbers are drawn only on the calling thread, in a fixed order; offspring are
/// evaluated on `threads` threads into fixed slots. So a seed gives the same result, bit
/// for bit, for any thread count, and a resumed run continues the same stream.
///
/// The generation loop is `@inlinable`, so it is specialised for the caller's problem and
/// genome types in the caller's module.
public struct Optimizer<P: Problem, V: Variation>: Sendable where P.Genome == V.Genome {
    /// The genome type.
    public typealias Genome = P.Genome

    /// The problem being solved.
    public let problem: P
    /// The search operators.
    public let variation: V
    /// The run's settings.
    public let configuration: OptimizerConfiguration
    /// The complete run state after the last generation.
    public var state: OptimizerState<Genome> { storedState }

    @usableFromInline var storedState: OptimizerState<Genome>
    /// The algorithm without its payload, for the hot paths.
    @usableFromInline let kind: AlgorithmKind
    /// NSGA-III's reference directions as unit vectors (none for the other algorithms).
    @usableFromInline let directions: UnitDirections
    /// The population's genomes with their hashes (derived from the state, not saved).
    @usableFromInline var populationKeys: [HashedGenome<Genome>]
    /// Whether records carry the front change: as configured, or because a convergence
    /// rule is being checked.
    @usableFromInline var tracksFrontChange: Bool
    /// The measured wall time of one evaluation, which decides whether a batch is worth
    /// spreading over threads (results never depend on it).
    @usableFromInline var secondsPerEvaluation: Double?
    /// Genomes the last selection discarded: their storage is reused for the next children.
    @usableFromInline var spareGenomes: [Genome] = []

    /// Starts a run: builds and evaluates the initial population (generation 0).
    ///
    /// - Parameter initialGenomes: genomes to include in the initial population (at most
    ///   the population size); the rest are random.
    @inlinable
    public init(
        problem: P, variation: V, configuration: OptimizerConfiguration, initialGenomes: [Genome] = []
    ) throws(OptimizerError) {
        let m = problem.objectiveCount
        try configuration.validate(objectiveCount: m, constraintCount: problem.constraintCount)
        let n = configuration.populationSize
        guard initialGenomes.count <= n else {
            throw .invalidConfiguration("\(initialGenomes.count) initial genomes exceed the population size \(n)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        self.problem = problem
        self.variation = variation
        self.configuration = configuration
        kind = AlgorithmKind(configuration.algorithm)
        directions = UnitDirections(configuration.algorithm)
        tracksFrontChange = configuration.recordsFrontChange

        var random = Xoshiro256StarStar(seed: configuration.seed)
        var genomes = initialGenomes.map(HashedGenome.init)
        // The engine's own set, not `Set`: a `Set` of a generic element costs a runtime
        // conformance lookup (about 0.2 ms) on first use.
        var seen = GenomeSet(capacity: n)
        var distinct = true
        for (index, genome) in genomes.enumerated()
        where !seen.insert(hash: genome.hash, reference: index, isEqual: { genomes[$0] == genome }) {
            distinct = false
        }
        var attempts = 0
        while genomes.count < n {
            let genome = HashedGenome(variation.randomGenome(using: &random))
            attempts += 1
            // Referenced by the index it takes when appended (every new genome is).
            let isNew = seen.insert(hash: genome.hash, reference: genomes.count, isEqual: { genomes[$0] == genome })
            if !configuration.eliminateDuplicates || attempts > 100 * n || isNew {
                genomes.append(genome)
                if !isNew { distinct = false }
            }
        }
        var cache = EvaluationCache<Genome>(capacity: configuration.cacheCapacity)
        var cost: Double? = nil
        let batch = try Self.evaluate(
            genomes, problem: problem, threads: configuration.threads, cache: &cache,
            distinct: distinct, secondsPerEvaluation: &cost)
        secondsPerEvaluation = cost
        populationKeys = []
        storedState = OptimizerState(
            key: configuration.searchKey, objectiveCount: m, constraintCount: problem.constraintCount,
            random: random, cache: cache)
        storedState.evaluationCount = batch.fresh
        storedState.cacheHitCount = batch.hits
        // Selection on the initial population keeps everyone and sets ranks and scores.
        select(parents: [], offspring: genomes, batch, random: &random)
        storedState.random = random
        record(startedAt: start, clock: clock)
    }

    /// Continues a saved run. The configuration must shape the search as the saved one did
    /// (algorithm, reference points, population, seed, mating, duplicates, cache); the
    /// thread count and the monitoring settings may differ.
    @inlinable
    public init(
        problem: P, variation: V, configuration: OptimizerConfiguration, resumingFrom saved: OptimizerState<Genome>
    ) throws(OptimizerError) {
        let m = problem.objectiveCount
        let c = problem.constraintCount
        try configuration.validate(objectiveCount: m, constraintCount: c)
        try saved.checkCompatible(with: configuration, objectiveCount: m, constraintCount: c)
        self.problem = problem
        self.variation = variation
        self.configuration = configuration
        kind = AlgorithmKind(configuration.algorithm)
        directions = UnitDirections(configuration.algorithm)
        storedState = saved
        populationKeys = saved.genomes.map(HashedGenome.init)
        tracksFrontChange = configuration.recordsFrontChange
        secondsPerEvaluation = nil
    }

    // MARK: Running

    /// Runs one generation: mating, variation, evaluation, environmental selection.
    @inlinable
    public mutating func step() throws(OptimizerError) {
        let clock = ContinuousClock()
        let start = clock.now
        var random = storedState.random
        let (offspring, distinct) = makeOffspring(random: &random)
        // In place: a copy of the cache would be copied whole on write.
        let batch = try Self.evaluate(
            offspring, problem: problem, threads: configuration.threads, cache: &storedState.cache,
            distinct: distinct, secondsPerEvaluation: &secondsPerEvaluation)
        storedState.evaluationCount += batch.fresh
        storedState.cacheHitCount += batch.hits
        storedState.completedGenerations += 1
        select(parents: populationKeys, offspring: offspring, batch, random: &random)
        storedState.random = random
        record(startedAt: start, clock: clock)
    }

    /// Whether `criteria` are met by the current state.
    @inlinable
    public func isFinished(_ criteria: StoppingCriteria) -> Bool {
        criteria.isMet(by: storedState.records, generation: storedState.completedGenerations,
                       evaluations: storedState.evaluationCount)
    }

    /// Runs generations until `criteria` are met, calling `progress` after each one; the
    /// callback returns `false` to stop early. Returns the final population.
    @inlinable
    @discardableResult
    public mutating func run(
        until criteria: StoppingCriteria, progress: ((GenerationRecord) -> Bool)? = nil
    ) throws(OptimizerError) -> [Solution<Genome>] {
        try criteria.validate()
        tracksFrontChange = configuration.recordsFrontChange || criteria.convergence != nil
        defer { tracksFrontChange = configuration.recordsFrontChange }
        while !isFinished(criteria) {
            try step()
            if let progress, !progress(storedState.records[storedState.records.count - 1]) { break }
        }
        return population
    }

    // MARK: Results

    /// The current population.
    @inlinable
    public var population: [Solution<Genome>] {
        solutions(storedState.genomes.indices)
    }

    /// The feasible non-dominated members of the current population.
    @inlinable
    public var nonDominated: [Solution<Genome>] {
        solutions(storedState.frontMembers)
    }

    /// The listed members as solutions. A loop, not `map` with a closure: a closure that
    /// captures `self` makes the runtime build the optimiser's type metadata on first use,
    /// about 0.1 ms of conformance lookups.
    @inlinable
    func solutions(_ members: some Sequence<Int>) -> [Solution<Genome>] {
        let m = storedState.objectiveCount
        let c = storedState.constraintCount
        var result: [Solution<Genome>] = []
        result.reserveCapacity(members.underestimatedCount)
        for index in members {
            result.append(Solution(
                genome: storedState.genomes[index],
                objectives: Array(storedState.objectives[index * m..<(index + 1) * m]),
                violations: Array(storedState.violations[index * c..<(index + 1) * c]),
                totalViolation: storedState.totalViolations[index], rank: storedState.ranks[index]))
        }
        return result
    }

    // MARK: Generation steps

    /// N offspring from pairs of parents. With duplicate elimination, a child equal to a
    /// population member or an earlier child is dropped, for up to 100 rounds of matings.
    /// `distinct` tells whether the offspring are certainly all different.
    @inlinable
    mutating func makeOffspring(random: inout Xoshiro256StarStar) -> (offspring: [HashedGenome<Genome>], distinct: Bool) {
        let n = configuration.populationSize
        let eliminate = configuration.eliminateDuplicates
        var offspring: [HashedGenome<Genome>] = []
        offspring.reserveCapacity(n)
        // References: below `parentCount` a population member, from there on an offspring
        // (by the index an accepted child takes when appended).
        let parentCount = populationKeys.count
        var seen = GenomeSet(capacity: eliminate ? parentCount + n : 0)
        if eliminate {
            for (index, key) in populationKeys.enumerated() {
                _ = seen.insert(hash: key.hash, reference: index, isEqual: { populationKeys[$0] == key })
            }
        }
        var matings = 0
        // Tournament competitors come from shuffled permutations of the population, so every
        // member takes part in the same number of tournaments (Deb's NSGA-II code, pymoo).
        var deck = TournamentDeck(memberCount: storedState.genomes.count)
        while offspring.count < n {
            let first = selectParent(deck.draw(&random), deck.draw(&random))
            let second = selectParent(deck.draw(&random), deck.draw(&random))
            var genome1 = spareGenomes.popLast() ?? storedState.genomes[first]
            var genome2 = spareGenomes.popLast() ?? storedState.genomes[second]
            variation.offspring(
                of: storedState.genomes[first], and: storedState.genomes[second], into: &genome1, &genome2,
                using: &random)
            let child1 = HashedGenome(genome1)
            let child2 = HashedGenome(genome2)
            matings += 1
            let acceptAll = !eliminate || matings > 50 * n
            if acceptAll || seen.insert(hash: child1.hash, reference: parentCount + offspring.count, isEqual: { member in
                member < parentCount ? populationKeys[member] == child1 : offspring[member - parentCount] == child1
            }) {
                offspring.append(child1)
            }
            if offspring.count < n, acceptAll || seen.insert(hash: child2.hash, reference: parentCount + offspring.count, isEqual: { member in
                member < parentCount ? populationKeys[member] == child2 : offspring[member - parentCount] == child2
            }) {
                offspring.append(child2)
            }
        }
        return (offspring, eliminate && matings <= 50 * n)
    }

    /// The winner of a binary tournament between two members: feasibility (smaller total
    /// violation) first, then the algorithm's own preference; remaining ties go to the
    /// first, which is itself a random draw.
    @inlinable
    func selectParent(_ a: Int, _ b: Int) -> Int {
        let violationA = storedState.totalViolations[a]
        let violationB = storedState.totalViolations[b]
        if violationA != violationB { return violationA < violationB ? a : b }
        let rankA = storedState.ranks[a]
        let rankB = storedState.ranks[b]
        switch kind {
        case .nsga3:
            if configuration.matingSelection == .binaryTournament, rankA != rankB { return rankA < rankB ? a : b }
            return a
        case .nsga2:
            if rankA != rankB { return rankA < rankB ? a : b }
            let crowdingA = storedState.scores[a]
            let crowdingB = storedState.scores[b]
            if crowdingA != crowdingB { return crowdingA > crowdingB ? a : b }
            return a
        case .spea2:
            let fitnessA = storedState.scores[a]
            let fitnessB = storedState.scores[b]
            if fitnessA != fitnessB { return fitnessA < fitnessB ? a : b }
            return a
        }
    }

    /// Environmental selection over `parents` (the current population, or none at the
    /// start) and `offspring` with their evaluations in `batch`; replaces the population.
    @inlinable
    mutating func select(
        parents: [HashedGenome<Genome>], offspring: [HashedGenome<Genome>], _ batch: EvaluatedBatch,
        random: inout Xoshiro256StarStar
    ) {
        let includingParents = !parents.isEmpty
        let objectives = includingParents ? storedState.objectives + batch.objectives : batch.objectives
        let violations = includingParents ? storedState.violations + batch.violations : batch.violations
        let totals = includingParents ? storedState.totalViolations + batch.totalViolations : batch.totalViolations
        let outcome = Survival.select(
            kind, objectives: objectives, objectiveCount: storedState.objectiveCount, violations: totals,
            target: configuration.populationSize, directions: directions,
            normalization: &storedState.normalization, random: &random,
            pool: WorkerPool.shared(threads: configuration.threads))
        populationKeys = outcome.survivors.map { $0 < parents.count ? parents[$0] : offspring[$0 - parents.count] }
        storedState.genomes = populationKeys.map(\.genome)
        var survives = [Bool](repeating: false, count: parents.count + offspring.count)
        for member in outcome.survivors { survives[member] = true }
        spareGenomes.removeAll(keepingCapacity: true)
        for (member, kept) in survives.enumerated() where !kept {
            spareGenomes.append(member < parents.count ? parents[member].genome : offspring[member - parents.count].genome)
        }
        OptimizerSupport.gather(
            outcome, objectives: objectives, violations: violations, totals: totals,
            objectiveCount: storedState.objectiveCount, constraintCount: storedState.constraintCount,
            into: &storedState.objectives, &storedState.violations, &storedState.totalViolations,
            &storedState.ranks, &storedState.scores)
    }

    /// Appends the generation's record and stores its front for the next front change. The
    /// generation's wall time includes the record's own indicators.
    @inlinable
    mutating func record(startedAt start: ContinuousClock.Instant, clock: ContinuousClock) {
        var record = OptimizerSupport.record(
            generation: storedState.completedGenerations, evaluations: storedState.evaluationCount,
            cacheHits: storedState.cacheHitCount, objectives: storedState.objectives,
            objectiveCount: storedState.objectiveCount, front: storedState.frontMembers,
            feasibleCount: storedState.totalViolations.filter { $0 == 0 }.count,
            configuration: configuration, tracksFrontChange: tracksFrontChange,
            previousFront: &storedState.previousFront)
        storedState.elapsed += OptimizerSupport.seconds(clock.now - start)
        record.elapsedSeconds = storedState.elapsed
        storedState.records.append(record)
    }

    // MARK: Evaluation

    /// Evaluates genomes through the cache; identical genomes in the batch are evaluated once.
    /// `distinct` promises the batch has no repeated genome.
    @inlinable
    static func evaluate(
        _ genomes: [HashedGenome<Genome>], problem: P, threads: Int, cache: inout EvaluationCache<Genome>,
        distinct: Bool, secondsPerEvaluation: inout Double?
    ) throws(OptimizerError) -> EvaluatedBatch {
        let m = problem.objectiveCount
        let c = problem.constraintCount
        if cache.capacity == 0 && distinct {
            // Nothing to look up or merge: every genome is evaluated, in order, straight
            // into the batch's flat arrays.
            let n = genomes.count
            var batch = EvaluatedBatch(capacity: 0, objectiveCount: m, constraintCount: c, fresh: n, hits: 0)
            batch.objectives = [Double](repeating: 0, count: n * m)
            batch.violations = [Double](repeating: 0, count: n * c)
            ParallelEvaluation.evaluate(
                genomes, problem: problem, threads: threads, secondsPerEvaluation: &secondsPerEvaluation,
                objectives: &batch.objectives, violations: &batch.violations)
            batch.totalViolations.reserveCapacity(n)
            let allFinite = batch.objectives.withUnsafeBufferPointer { $0.allSatisfy(\.isFinite) }
                && batch.violations.withUnsafeBufferPointer { $0.allSatisfy(\.isFinite) }
            if !allFinite {
                for index in 0..<n {
                    let objectives = batch.objectives[index * m..<(index + 1) * m]
                    let violations = batch.violations[index * c..<(index + 1) * c]
                    guard objectives.allSatisfy(\.isFinite), violations.allSatisfy(\.isFinite) else {
                        // Evaluated again for the precise complaint (a wrong shape or a non-finite value).
                        try problem.evaluate(genomes[index].genome).check(objectiveCount: m, constraintCount: c) {
                            "\(genomes[index].genome)"
                        }
                        throw .invalidEvaluation(
                            "non-finite value in objectives \(Array(objectives)), violations \(Array(violations)) of genome \(genomes[index].genome)")
                    }
                }
            }
            batch.violations.withUnsafeBufferPointer { violations in
                for index in 0..<n {
                    batch.totalViolations.append(
                        Evaluation.totalViolation(of: UnsafeBufferPointer(rebasing: violations[index * c..<(index + 1) * c])))
                }
            }
            return batch
        }
        var source = [Int](repeating: 0, count: genomes.count)  // >= 0: into `fresh`; < 0: into `cached`
        var cached: [Evaluation] = []
        var misses: [HashedGenome<Genome>] = []
        var hits = 0
        do {
            var missIndex: [HashedGenome<Genome>: Int] = [:]
            for (position, genome) in genomes.enumerated() {
                if let evaluation = cache.lookup(genome) {
                    source[position] = -1 - cached.count
                    cached.append(evaluation)
                    hits += 1
                } else if let index = missIndex[genome] {
                    source[position] = index
                    hits += 1
                } else {
                    missIndex[genome] = misses.count
                    source[position] = misses.count
                    misses.append(genome)
                }
            }
        }
        let fresh = ParallelEvaluation.evaluate(
            misses, problem: problem, threads: threads, secondsPerEvaluation: &secondsPerEvaluation)
        for (index, evaluation) in fresh.enumerated() {
            try evaluation.check(objectiveCount: m, constraintCount: c) { "\(misses[index].genome)" }
        }
        for (index, evaluation) in fresh.enumerated() { cache.insert(misses[index], evaluation) }
        var batch = EvaluatedBatch(capacity: genomes.count, objectiveCount: m, constraintCount: c, fresh: fresh.count, hits: hits)
        for position in genomes.indices {
            batch.append(source[position] >= 0 ? fresh[source[position]] : cached[-1 - source[position]])
        }
        return batch
    }
}

/// Population indices dealt from shuffled permutations: each is drawn once per pass.
@usableFromInline
struct TournamentDeck {
    @usableFromInline var cards: [Int]
    @usableFromInline var next: Int

    @inlinable
    init(memberCount: Int) {
        cards = Array(0..<memberCount)
        next = memberCount  // shuffle before the first draw
    }

    /// The next index; a new Fisher-Yates permutation when the pass is used up.
    @inlinable
    mutating func draw(_ random: inout Xoshiro256StarStar) -> Int {
        if next == cards.count {
            for i in cards.indices { cards[i] = i }
            for i in stride(from: cards.count - 1, to: 0, by: -1) {
                cards.swapAt(i, random.index(below: i + 1))
            }
            next = 0
        }
        next += 1
        return cards[next - 1]
    }
}

/// The algorithm without its payload.
@usableFromInline
enum AlgorithmKind: Sendable {
    case nsga3, nsga2, spea2

    @usableFromInline
    init(_ algorithm: Algorithm) {
        switch algorithm {
        case .nsga3: self = .nsga3
        case .nsga2: self = .nsga2
        case .spea2: self = .spea2
        }
    }
}

/// A batch's evaluations, flattened.
@usableFromInline
struct EvaluatedBatch {
    @usableFromInline var objectives: [Double] = []
    @usableFromInline var violations: [Double] = []
    @usableFromInline var totalViolations: [Double] = []
    /// Genomes evaluated by the problem.
    @usableFromInline var fresh: Int
    /// Genomes served by the cache or by an identical genome earlier in the batch.
    @usableFromInline var hits: Int

    /// An empty batch with room for `capacity` evaluations.
    @usableFromInline
    init(capacity: Int, objectiveCount m: Int, constraintCount c: Int, fresh: Int, hits: Int) {
        objectives.reserveCapacity(capacity * m)
        violations.reserveCapacity(capacity * c)
        totalViolations.reserveCapacity(capacity)
        self.fresh = fresh
        self.hits = hits
    }

    /// Appends one evaluation.
    @usableFromInline
    mutating func append(_ evaluation: Evaluation) {
        objectives += evaluation.objectives
        violations += evaluation.violations
        totalViolations.append(evaluation.totalViolation)
    }
}

extension Evaluation {
    /// Throws unless the evaluation has the problem's shape and finite values.
    @usableFromInline
    func check(objectiveCount m: Int, constraintCount c: Int, genome: () -> String) throws(OptimizerError) {
        guard objectives.count == m, violations.count == c else {
            throw .invalidEvaluation(
                "expected \(m) objectives and \(c) violations, got \(objectives.count) and \(violations.count) for genome \(genome())")
        }
        guard objectives.allSatisfy(\.isFinite), violations.allSatisfy(\.isFinite) else {
            throw .invalidEvaluation("non-finite value in \(self) of genome \(genome())")
        }
    }
}

extension OptimizerState {
    /// Throws unless the state was saved under `configuration`'s search settings for a
    /// problem of this shape.
    @usableFromInline
    func checkCompatible(
        with configuration: OptimizerConfiguration, objectiveCount m: Int, constraintCount c: Int
    ) throws(OptimizerError) {
        guard key == configuration.searchKey else {
            throw .incompatibleState("the state was saved under different search settings")
        }
        let n = genomes.count
        guard objectiveCount == m, constraintCount == c, n == configuration.populationSize,
            objectives.count == n * m, violations.count == n * c, totalViolations.count == n,
            ranks.count == n, scores.count == n, normalization.objectiveCount == m
        else {
            throw .incompatibleState("the state does not match the problem's objective and constraint counts")
        }
    }
}

/// The engine's non-generic steps, kept out of the generic type so they are compiled once.
@usableFromInline
enum OptimizerSupport {
    @usableFromInline
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Copies the survivors' values into the population arrays.
    @usableFromInline
    static func gather(
        _ outcome: SurvivalOutcome, objectives: [Double], violations: [Double], totals: [Double],
        objectiveCount m: Int, constraintCount c: Int,
        into newObjectives: inout [Double], _ newViolations: inout [Double], _ newTotals: inout [Double],
        _ ranks: inout [Int], _ scores: inout [Double]
    ) {
        newObjectives.removeAll(keepingCapacity: true)
        newViolations.removeAll(keepingCapacity: true)
        // From raw buffers: an array slice per member would retain and release the array.
        objectives.withUnsafeBufferPointer { source in
            for member in outcome.survivors {
                newObjectives.append(contentsOf: UnsafeBufferPointer(rebasing: source[member * m..<(member + 1) * m]))
            }
        }
        violations.withUnsafeBufferPointer { source in
            for member in outcome.survivors {
                newViolations.append(contentsOf: UnsafeBufferPointer(rebasing: source[member * c..<(member + 1) * c]))
            }
        }
        newTotals = outcome.survivors.map { totals[$0] }
        ranks = outcome.ranks
        scores = outcome.scores
    }

    /// The generation's record (its elapsed time left at 0 for the caller to set); replaces
    /// `previousFront` with the current front.
    @usableFromInline
    static func record(
        generation: Int, evaluations: Int, cacheHits: Int, objectives: [Double],
        objectiveCount m: Int, front members: [Int], feasibleCount: Int, configuration: OptimizerConfiguration,
        tracksFrontChange: Bool, previousFront: inout [Double]
    ) -> GenerationRecord {
        var front: [Double] = []
        front.reserveCapacity(members.count * m)
        objectives.withUnsafeBufferPointer { source in
            for member in members { front.append(contentsOf: UnsafeBufferPointer(rebasing: source[member * m..<(member + 1) * m])) }
        }
        var hypervolume: Double? = nil
        if let reference = configuration.hypervolumeReference, generation % configuration.hypervolumeInterval == 0 {
            hypervolume = Hypervolume.compute(flat: front, reference: reference)
        }
        var igd: Double? = nil
        if let referenceFront = configuration.referenceFront, !members.isEmpty {
            igd = Indicators.invertedGenerationalDistance(
                stride(from: 0, to: front.count, by: m).map { Array(front[$0..<$0 + m]) }, reference: referenceFront)
        }
        let change = tracksFrontChange ? frontChange(from: previousFront, to: front, objectiveCount: m) : nil
        previousFront = front
        return GenerationRecord(
            generation: generation, evaluations: evaluations, cacheHits: cacheHits, feasibleCount: feasibleCount,
            nonDominatedCount: members.count, hypervolume: hypervolume, invertedGenerationalDistance: igd,
            frontChange: change, elapsedSeconds: 0)
    }

    /// The front change between two flat fronts (see ``GenerationRecord/frontChange``).
    @usableFromInline
    static func frontChange(from previous: [Double], to current: [Double], objectiveCount m: Int) -> Double? {
        guard !previous.isEmpty, !current.isEmpty else { return nil }
        var low = [Double](repeating: .infinity, count: m)
        var high = [Double](repeating: -.infinity, count: m)
        var lowBefore = low
        var highBefore = high
        for start in stride(from: 0, to: current.count, by: m) {
            for k in 0..<m {
                low[k] = min(low[k], current[start + k])
                high[k] = max(high[k], current[start + k])
            }
        }
        for start in stride(from: 0, to: previous.count, by: m) {
            for k in 0..<m {
                lowBefore[k] = min(lowBefore[k], previous[start + k])
                highBefore[k] = max(highBefore[k], previous[start + k])
            }
        }
        var inverseScale = [Double](repeating: 0, count: m)
        var change = 0.0
        for k in 0..<m {
            inverseScale[k] = 1 / HyperplaneNormalization.positiveSpread(high[k] - low[k], near: low[k], high[k])
            change = max(change, abs(low[k] - lowBefore[k]) * inverseScale[k], abs(high[k] - highBefore[k]) * inverseScale[k])
        }
        // Current points objective-major, so the distances from one point vectorise.
        let currentCount = current.count / m
        var columns = [Double](repeating: 0, count: current.count)
        for c in 0..<currentCount {
            for k in 0..<m { columns[k * currentCount + c] = current[c * m + k] * inverseScale[k] }
        }
        var squared = [Double](repeating: 0, count: currentCount)
        var total = 0.0
        columns.withUnsafeBufferPointer { column in
            squared.withUnsafeMutableBufferPointer { d in
                for start in stride(from: 0, to: previous.count, by: m) {
                    for c in 0..<currentCount { d[c] = 0 }
                    for k in 0..<m {
                        let value = previous[start + k] * inverseScale[k]
                        let row = column.baseAddress! + k * currentCount
                        for c in 0..<currentCount {
                            let difference = value - row[c]
                            d[c] += difference * difference
                        }
                    }
                    var nearest = d[0]
                    for c in 1..<currentCount { nearest = min(nearest, d[c]) }
                    total += nearest.squareRoot()
                }
            }
        }
        return max(change, total / Double(previous.count / m))
    }
}

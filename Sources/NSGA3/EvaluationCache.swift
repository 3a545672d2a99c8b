import Foundation
import Synchronization

/// A genome with its hash computed once, so the sets and dictionaries a generation builds
/// hash an integer instead of the whole genome. Hash values are per process: never saved.
/// (Unconstrained, with conditional conformances, so an array of them needs no runtime
/// conformance lookup.)
@usableFromInline
struct HashedGenome<Genome> {
    @usableFromInline let genome: Genome
    @usableFromInline let hash: Int
}

extension HashedGenome: Equatable, Hashable where Genome: Hashable {
    @inlinable
    init(_ genome: Genome) {
        self.genome = genome
        // Real genomes: a multiply-xor hash of the bit patterns, several times cheaper than
        // the standard library's seeded SipHash (the specialisation folds this test away).
        if Genome.self == RealGenome.self {
            self.hash = Self.mixedHash(unsafeBitCast(genome, to: RealGenome.self))
        } else {
            self.hash = genome.hashValue
        }
    }

    /// A hash of real values that equal genomes share (+0 and -0 hash alike), finished by
    /// splitmix64's avalanche so the low bits the sets use depend on every value.
    @inlinable
    static func mixedHash(_ values: RealGenome) -> Int {
        var state: UInt64 = 0x243F_6A88_85A3_08D3 &+ UInt64(truncatingIfNeeded: values.count)
        for value in values {
            state = (state ^ (value == 0 ? 0 : value.bitPattern)) &* 0x9E37_79B9_7F4A_7C15
            state ^= state >> 29
        }
        state = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
        state = (state ^ (state >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: state ^ (state >> 31))
    }

    @inlinable
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.hash == rhs.hash && lhs.genome == rhs.genome }

    @inlinable
    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

extension HashedGenome: Sendable where Genome: Sendable {}

/// A set of genomes for duplicate elimination within a generation. It holds references
/// (the caller's indices of the genomes) with their hashes, not copies, so inserting
/// retains nothing and no genome is hashed again (open addressing, linear probing, at most
/// half full).
@usableFromInline
struct GenomeSet {
    /// 1 + the reference of the genome in each slot; 0 for an empty slot.
    @usableFromInline var slots: [Int]
    /// The hash of the genome in each slot.
    @usableFromInline var hashes: [Int]
    /// The number of members.
    @usableFromInline var count = 0

    /// An empty set with room for `capacity` genomes before it grows.
    @inlinable
    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        slots = [Int](repeating: 0, count: size)
        hashes = [Int](repeating: 0, count: size)
    }

    /// Inserts the genome with `hash` under `reference` unless a member equal to it is
    /// there; `isEqual(member)` compares it with the member of that reference. Returns
    /// whether it was inserted.
    @inlinable
    mutating func insert(hash: Int, reference: Int, isEqual: (Int) -> Bool) -> Bool {
        if 2 * (count + 1) > slots.count { grow() }
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] != 0 {
            if hashes[slot] == hash && isEqual(slots[slot] - 1) { return false }
            slot = (slot + 1) & mask
        }
        slots[slot] = reference + 1
        hashes[slot] = hash
        count += 1
        return true
    }

    @inlinable
    mutating func grow() {
        let oldSlots = slots
        let oldHashes = hashes
        slots = [Int](repeating: 0, count: 2 * oldSlots.count)
        hashes = [Int](repeating: 0, count: 2 * oldSlots.count)
        let mask = slots.count - 1
        for index in oldSlots.indices where oldSlots[index] != 0 {
            var slot = oldHashes[index] & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = oldSlots[index]
            hashes[slot] = oldHashes[index]
        }
    }
}

/// Evaluations remembered by genome, in insertion order so a saved state is byte-stable.
/// When it reaches its capacity it is emptied (a deterministic, allocation-light policy).
@usableFromInline
struct EvaluationCache<Genome: Hashable & Codable & Sendable>: Codable, Sendable {
    @usableFromInline let capacity: Int
    @usableFromInline var genomes: [Genome] = []
    @usableFromInline var evaluations: [Evaluation] = []
    @usableFromInline var index: [HashedGenome<Genome>: Int] = [:]

    @inlinable
    init(capacity: Int) {
        self.capacity = capacity
    }

    @inlinable
    func lookup(_ key: HashedGenome<Genome>) -> Evaluation? {
        guard capacity > 0, let position = index[key] else { return nil }
        return evaluations[position]
    }

    @inlinable
    mutating func insert(_ key: HashedGenome<Genome>, _ evaluation: Evaluation) {
        guard capacity > 0, index[key] == nil else { return }
        if genomes.count >= capacity {
            genomes.removeAll(keepingCapacity: true)
            evaluations.removeAll(keepingCapacity: true)
            index.removeAll(keepingCapacity: true)
        }
        index[key] = genomes.count
        genomes.append(key.genome)
        evaluations.append(evaluation)
    }

    private enum CodingKeys: String, CodingKey { case capacity, genomes, evaluations }

    @usableFromInline
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        capacity = try container.decode(Int.self, forKey: .capacity)
        genomes = try container.decode([Genome].self, forKey: .genomes)
        evaluations = try container.decode([Evaluation].self, forKey: .evaluations)
        guard genomes.count == evaluations.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .evaluations, in: container, debugDescription: "cache has unequal genome and evaluation counts")
        }
        for (position, genome) in genomes.enumerated() { index[HashedGenome(genome)] = position }
    }

    @usableFromInline
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(capacity, forKey: .capacity)
        try container.encode(genomes, forKey: .genomes)
        try container.encode(evaluations, forKey: .evaluations)
    }
}

/// Evaluates genomes on up to `threads` threads; results land by index, so the outcome
/// does not depend on the thread count or on scheduling.
@usableFromInline
enum ParallelEvaluation {
    /// Below this much evaluation work per batch (seconds), handing it to the pool's
    /// threads costs more than it saves (a hand-over takes about a microsecond).
    @usableFromInline static let parallelThreshold = 2e-5

    /// Evaluates `genomes` on up to `threads` threads, or serially when the batch is too
    /// cheap to share; `secondsPerEvaluation` carries the measured cost between batches.
    @inlinable
    static func evaluate<P: Problem>(
        _ genomes: [HashedGenome<P.Genome>], problem: P, threads: Int, secondsPerEvaluation: inout Double?
    ) -> [Evaluation] {
        [Evaluation](unsafeUninitializedCapacity: genomes.count) { buffer, initialized in
            let output = SharedOutput(base: buffer.baseAddress)
            forEachIndex(below: genomes.count, threads: threads, secondsPerEvaluation: &secondsPerEvaluation) { index in
                (output.base! + index).initialize(to: problem.evaluate(genomes[index].genome))
            }
            initialized = genomes.count
        }
    }

    /// Evaluates `genomes` into flat arrays (`objectives` and `violations` hold room for
    /// every genome, in order), on up to `threads` threads.
    @inlinable
    static func evaluate<P: Problem>(
        _ genomes: [HashedGenome<P.Genome>], problem: P, threads: Int, secondsPerEvaluation: inout Double?,
        objectives: inout [Double], violations: inout [Double]
    ) {
        let n = genomes.count
        let m = problem.objectiveCount
        let c = problem.constraintCount
        precondition(objectives.count == n * m && violations.count == n * c, "output sizes differ")
        objectives.withUnsafeMutableBufferPointer { f in
            violations.withUnsafeMutableBufferPointer { v in
                let output = SharedRows(objectives: f.baseAddress, violations: v.baseAddress)
                forEachIndex(below: n, threads: threads, secondsPerEvaluation: &secondsPerEvaluation) { index in
                    problem.evaluate(
                        genomes[index].genome,
                        objectives: UnsafeMutableBufferPointer(start: output.objectives.map { $0 + index * m }, count: m),
                        violations: UnsafeMutableBufferPointer(start: output.violations.map { $0 + index * c }, count: c))
                }
            }
        }
    }

    /// Calls `evaluate(index)` for every index below `n`: on the pool's threads, which take
    /// the next index in turn (balancing evaluations of uneven cost), unless one thread is
    /// asked for or the measured cost says the batch is too cheap to share.
    @inlinable
    static func forEachIndex(
        below n: Int, threads: Int, secondsPerEvaluation: inout Double?, _ evaluate: (Int) -> Void
    ) {
        let clock = ContinuousClock()
        let start = clock.now
        guard n > 1, let pool = WorkerPool.shared(threads: threads),
            secondsPerEvaluation.map({ $0 * Double(n) >= parallelThreshold }) ?? true
        else {
            for index in 0..<n { evaluate(index) }
            if n > 0 { secondsPerEvaluation = OptimizerSupport.seconds(clock.now - start) / Double(n) }
            return
        }
        let next = Atomic<Int>(0)
        pool.run { _ in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < n else { break }
                evaluate(index)
            }
        }
        // Wall time times threads over-estimates the cost per evaluation slightly, which
        // errs towards staying parallel.
        secondsPerEvaluation = OptimizerSupport.seconds(clock.now - start) * Double(pool.threadCount) / Double(n)
    }

    /// Rows of flat output arrays; each row is written by exactly one thread.
    @usableFromInline
    struct SharedRows: @unchecked Sendable {
        @usableFromInline let objectives: UnsafeMutablePointer<Double>?
        @usableFromInline let violations: UnsafeMutablePointer<Double>?

        @inlinable
        init(objectives: UnsafeMutablePointer<Double>?, violations: UnsafeMutablePointer<Double>?) {
            self.objectives = objectives
            self.violations = violations
        }
    }

    /// The result buffer; each index is written by exactly one thread.
    @usableFromInline
    struct SharedOutput: @unchecked Sendable {
        @usableFromInline let base: UnsafeMutablePointer<Evaluation>?

        @inlinable
        init(base: UnsafeMutablePointer<Evaluation>?) { self.base = base }
    }
}

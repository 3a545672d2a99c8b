import Foundation

/// How genomes are created and recombined: the search operators of a genome type.
///
/// The engine calls these on one thread, in a fixed order, with its own generator, so a
/// run is reproducible from its seed.
public protocol Variation: Sendable {
    /// The genome type the operators work on.
    associatedtype Genome: Hashable & Codable & Sendable

    /// A random genome for the initial population.
    func randomGenome(using random: inout Xoshiro256StarStar) -> Genome
    /// Two children of two parents: crossover, then mutation (and repair, if any).
    func offspring(
        of first: Genome, and second: Genome, using random: inout Xoshiro256StarStar
    ) -> (Genome, Genome)
    /// The same children as `offspring(of:and:using:)`, written over `child1` and `child2`,
    /// whose storage may be reused (the engine passes genomes it has discarded).
    func offspring(
        of first: Genome, and second: Genome, into child1: inout Genome, _ child2: inout Genome,
        using random: inout Xoshiro256StarStar)
}

extension Variation {
    /// Replaces the children with `offspring(of:and:using:)`'s.
    public func offspring(
        of first: Genome, and second: Genome, into child1: inout Genome, _ child2: inout Genome,
        using random: inout Xoshiro256StarStar
    ) {
        (child1, child2) = offspring(of: first, and: second, using: &random)
    }
}

/// Simulated binary crossover and polynomial mutation on bounded real variables, as in
/// Deb's reference NSGA-II code (revision 1.1.6) used by Deb & Jain 2014.
///
/// SBX crosses each variable with probability 1/2 (bounded form, children exchanged at
/// random); polynomial mutation perturbs each variable of every child with probability
/// `mutationProbability` (default 1/n).
public struct RealVariation: Variation {
    /// Lower bound of each variable.
    public let lower: [Double]
    /// Upper bound of each variable.
    public let upper: [Double]
    /// Probability that a pair of parents is crossed at all (Deb & Jain: 1).
    public let crossoverProbability: Double
    /// SBX distribution index eta_c (Deb & Jain: 30).
    public let crossoverEta: Double
    /// Polynomial-mutation distribution index eta_m (Deb & Jain: 20).
    public let mutationEta: Double
    /// Per-variable mutation probability (Deb & Jain: 1/n).
    public let mutationProbability: Double

    /// Operators for variables with the given bounds.
    public init(
        lower: [Double], upper: [Double], crossoverProbability: Double = 1, crossoverEta: Double = 30,
        mutationEta: Double = 20, mutationProbability: Double? = nil
    ) throws(OptimizerError) {
        guard !lower.isEmpty, lower.count == upper.count else {
            throw .invalidConfiguration(
                "bounds need one lower and one upper value per variable (got \(lower.count) and \(upper.count))")
        }
        for index in lower.indices where !(lower[index].isFinite && upper[index].isFinite && lower[index] < upper[index]) {
            throw .invalidConfiguration(
                "variable \(index): expected finite bounds with lower < upper, got [\(lower[index]), \(upper[index])]")
        }
        let perVariable = mutationProbability ?? 1 / Double(lower.count)
        guard (0...1).contains(crossoverProbability), (0...1).contains(perVariable) else {
            throw .invalidConfiguration("probabilities must lie in [0, 1]")
        }
        guard crossoverEta >= 0, mutationEta >= 0 else {
            throw .invalidConfiguration("distribution indices must be >= 0")
        }
        self.lower = lower
        self.upper = upper
        self.crossoverProbability = crossoverProbability
        self.crossoverEta = crossoverEta
        self.mutationEta = mutationEta
        self.mutationProbability = perVariable
    }

    /// The number of variables.
    public var variableCount: Int { lower.count }

    public func randomGenome(using random: inout Xoshiro256StarStar) -> RealGenome {
        (0..<lower.count).map { lower[$0] + random.uniform() * (upper[$0] - lower[$0]) }
    }

    public func offspring(
        of first: RealGenome, and second: RealGenome, using random: inout Xoshiro256StarStar
    ) -> (RealGenome, RealGenome) {
        var child1 = first
        var child2 = second
        offspring(of: first, and: second, into: &child1, &child2, using: &random)
        return (child1, child2)
    }

    public func offspring(
        of first: RealGenome, and second: RealGenome, into child1: inout RealGenome, _ child2: inout RealGenome,
        using random: inout Xoshiro256StarStar
    ) {
        precondition(first.count == lower.count && second.count == lower.count, "genome length differs from the bounds")
        // Copied into the given arrays: no allocation when they are unshared and large enough.
        child1.removeAll(keepingCapacity: true)
        child1.append(contentsOf: first)
        child2.removeAll(keepingCapacity: true)
        child2.append(contentsOf: second)
        if random.uniform() <= crossoverProbability {
            simulatedBinaryCrossover(&child1, &child2, using: &random)
        }
        polynomialMutation(&child1, using: &random)
        polynomialMutation(&child2, using: &random)
    }

    /// Bounded SBX (Deb & Agrawal 1995; Deb's NSGA-II code). Parents closer than a
    /// relative 1e-14 of the variable's range are left as they are.
    func simulatedBinaryCrossover(
        _ child1: inout RealGenome, _ child2: inout RealGenome, using random: inout Xoshiro256StarStar
    ) {
        let exponent = 1 / (crossoverEta + 1)
        let power = FixedPower(crossoverEta + 1)
        // alpha = 2 - 1/beta^(eta+1) rounds to exactly 2 once beta^(eta+1) >= 2^53. A
        // bound's distance of at least `farRatio` times the parents' gap makes beta exceed
        // 2^(53/(eta+1)) by a margin (5 % of beta - 1) that no rounding closes, so alpha is
        // then 2 without computing beta.
        let farRatio = 1.05 * (pow(2, 53 / (crossoverEta + 1)) - 1) / 2
        // Raw buffers: one uniqueness check per child instead of one per write.
        child1.withUnsafeMutableBufferPointer { first in
            child2.withUnsafeMutableBufferPointer { second in
                for index in 0..<first.count {
                    guard random.uniform() <= 0.5 else { continue }
                    let parent1 = first[index]
                    let parent2 = second[index]
                    let low = lower[index]
                    let high = upper[index]
                    guard abs(parent1 - parent2) > 1e-14 * (high - low) else { continue }
                    let y1 = min(parent1, parent2)
                    let y2 = max(parent1, parent2)
                    let u = random.uniform()
                    let gap = y2 - y1
                    func alpha(boundDistance: Double) -> Double {
                        boundDistance >= farRatio * gap ? 2 : 2 - 1 / power(1 + 2 * boundDistance / gap)
                    }
                    func spreadFactor(_ alpha: Double) -> Double {
                        // alpha = 2 (the usual case) with 1/alpha = 0.5 and u*alpha = 2u, both
                        // exact: the same values without the division.
                        if alpha == 2 { return u <= 0.5 ? pow(2 * u, exponent) : pow(1 / (2 - 2 * u), exponent) }
                        return u <= 1 / alpha ? pow(u * alpha, exponent) : pow(1 / (2 - u * alpha), exponent)
                    }
                    // Parents far from both bounds give both sides alpha = 2, and one `pow`
                    // serves both.
                    let alphaLow = alpha(boundDistance: y1 - low)
                    let alphaHigh = alpha(boundDistance: high - y2)
                    let betaLow = spreadFactor(alphaLow)
                    let betaHigh = alphaHigh == alphaLow ? betaLow : spreadFactor(alphaHigh)
                    let c1 = min(max(0.5 * ((y1 + y2) - betaLow * gap), low), high)
                    let c2 = min(max(0.5 * ((y1 + y2) + betaHigh * gap), low), high)
                    if random.uniform() <= 0.5 {
                        first[index] = c2
                        second[index] = c1
                    } else {
                        first[index] = c1
                        second[index] = c2
                    }
                }
            }
        }
    }

    /// x^e, by repeated squaring when e is a small whole number (the usual distribution
    /// indices), which is several times faster than `pow` and as accurate.
    static func power(_ x: Double, _ e: Double) -> Double { FixedPower(e)(x) }

    /// Bounded polynomial mutation (Deb & Goyal 1996; Deb's NSGA-II code).
    func polynomialMutation(_ genome: inout RealGenome, using random: inout Xoshiro256StarStar) {
        let exponent = 1 / (mutationEta + 1)
        let power = FixedPower(mutationEta + 1)
        genome.withUnsafeMutableBufferPointer { values in
            for index in 0..<values.count where random.uniform() <= mutationProbability {
                let low = lower[index]
                let high = upper[index]
                let y = values[index]
                let delta1 = (y - low) / (high - low)
                let delta2 = (high - y) / (high - low)
                let u = random.uniform()
                let deltaQ: Double
                if u <= 0.5 {
                    let value = 2 * u + (1 - 2 * u) * power(1 - delta1)
                    deltaQ = pow(value, exponent) - 1
                } else {
                    let value = 2 * (1 - u) + 2 * (u - 0.5) * power(1 - delta2)
                    deltaQ = 1 - pow(value, exponent)
                }
                values[index] = min(max(y + deltaQ * (high - low), low), high)
            }
        }
    }
}

/// x^e for an exponent fixed in advance: by repeated squaring when e is a whole number
/// up to 64 (the usual distribution indices), which is several times faster than `pow`
/// and as accurate; by `pow` otherwise.
struct FixedPower {
    let exponent: Double
    /// The exponent as an integer, or -1 when `pow` is used.
    let whole: Int

    init(_ exponent: Double) {
        self.exponent = exponent
        whole = exponent >= 0 && exponent <= 64 && exponent == exponent.rounded() ? Int(exponent) : -1
    }

    func callAsFunction(_ x: Double) -> Double {
        guard whole >= 0 else { return pow(x, exponent) }
        var result = 1.0
        var base = x
        var n = whole
        while n > 0 {
            if n & 1 == 1 { result *= base }
            base *= base
            n >>= 1
        }
        return result
    }
}

/// Crossover of two bit strings.
public enum BinaryCrossover: String, Sendable, Codable, CaseIterable {
    /// Each bit exchanged with probability 1/2.
    case uniform
    /// The tails after one random cut point exchanged.
    case onePoint
    /// The segment between two random cut points exchanged.
    case twoPoint
}

/// Crossover, bit-flip mutation and an optional repair on fixed-length bit strings.
public struct BinaryVariation: Variation {
    /// The genome length.
    public let length: Int
    /// The crossover operator.
    public let crossover: BinaryCrossover
    /// Probability that a pair of parents is crossed at all.
    public let crossoverProbability: Double
    /// Probability that each bit of a child flips (default 1/n).
    public let mutationRate: Double
    /// Probability that a bit of a random initial genome is 1.
    public let initialOnesProbability: Double
    /// Makes a genome valid after variation (e.g. enforces a cardinality); must be deterministic.
    public let repair: (@Sendable (inout BitGenome) -> Void)?

    /// Operators for genomes of `length` bits.
    public init(
        length: Int, crossover: BinaryCrossover = .uniform, crossoverProbability: Double = 0.9,
        mutationRate: Double? = nil, initialOnesProbability: Double = 0.5,
        repair: (@Sendable (inout BitGenome) -> Void)? = nil
    ) throws(OptimizerError) {
        guard length >= 1 else { throw .invalidConfiguration("a bit genome needs at least one bit") }
        let rate = mutationRate ?? 1 / Double(length)
        guard (0...1).contains(crossoverProbability), (0...1).contains(rate), (0...1).contains(initialOnesProbability)
        else { throw .invalidConfiguration("probabilities must lie in [0, 1]") }
        self.length = length
        self.crossover = crossover
        self.crossoverProbability = crossoverProbability
        self.mutationRate = rate
        self.initialOnesProbability = initialOnesProbability
        self.repair = repair
    }

    public func randomGenome(using random: inout Xoshiro256StarStar) -> BitGenome {
        var genome = BitGenome(count: length)
        for index in 0..<length where random.chance(initialOnesProbability) { genome[index] = true }
        repair?(&genome)
        return genome
    }

    public func offspring(
        of first: BitGenome, and second: BitGenome, using random: inout Xoshiro256StarStar
    ) -> (BitGenome, BitGenome) {
        precondition(first.count == length && second.count == length, "genome length differs from the operator's")
        var child1 = first
        var child2 = second
        if random.uniform() < crossoverProbability {
            switch crossover {
            case .uniform:
                for index in 0..<length where random.chance(0.5) { swapBit(index, &child1, &child2) }
            case .onePoint:
                // A cut after bit `cut - 1`; cut in 1..<length keeps both parts non-empty.
                if length > 1 {
                    let cut = 1 + random.index(below: length - 1)
                    for index in cut..<length { swapBit(index, &child1, &child2) }
                }
            case .twoPoint:
                if length > 1 {
                    var a = 1 + random.index(below: length - 1)
                    var b = 1 + random.index(below: length - 1)
                    if a > b { swap(&a, &b) }
                    for index in a..<b { swapBit(index, &child1, &child2) }
                }
            }
        }
        mutate(&child1, using: &random)
        mutate(&child2, using: &random)
        repair?(&child1)
        repair?(&child2)
        return (child1, child2)
    }

    private func swapBit(_ index: Int, _ a: inout BitGenome, _ b: inout BitGenome) {
        let bit = a[index]
        a[index] = b[index]
        b[index] = bit
    }

    private func mutate(_ genome: inout BitGenome, using random: inout Xoshiro256StarStar) {
        for index in 0..<length where random.chance(mutationRate) { genome.flip(index) }
    }
}

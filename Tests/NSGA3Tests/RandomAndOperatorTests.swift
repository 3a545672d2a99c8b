import Foundation
import Testing
@testable import NSGA3

@Suite struct RandomAndOperatorTests {
    @Test func xoshiroMatchesThePublishedReferenceOutput() throws {
        // Blackman & Vigna's reference code from state {1, 2, 3, 4} (as in rand_xoshiro).
        var random = try #require(Xoshiro256StarStar(state: [1, 2, 3, 4]))
        let expected: [UInt64] = [
            11520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360,
            607_988_272_756_665_600, 16_172_922_978_634_559_625, 8_476_171_486_693_032_832,
            10_595_114_339_597_558_777, 2_904_607_092_377_533_576,
        ]
        #expect((0..<10).map { _ in random.next() } == expected)
        // SplitMix64 seeding: the first outputs from seed 0.
        #expect(Xoshiro256StarStar(seed: 0).state == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC])
        #expect(Xoshiro256StarStar(state: [0, 0, 0, 0]) == nil)
    }

    @Test func generatorStateSurvivesJSON() throws {
        var random = Xoshiro256StarStar(seed: 42)
        _ = random.next()
        let data = try JSONEncoder().encode(random)
        var restored = try JSONDecoder().decode(Xoshiro256StarStar.self, from: data)
        #expect((0..<100).map { _ in random.next() } == (0..<100).map { _ in restored.next() })
    }

    @Test func uniformDrawsAreInRangeAndUnbiased() {
        var random = Xoshiro256StarStar(seed: 5)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[random.index(below: 6)] += 1 }
        // Each count is binomial(60000, 1/6): standard deviation 91; allow 5 of them.
        #expect(counts.allSatisfy { abs($0 - 10_000) < 460 })
        for _ in 0..<1000 {
            let u = random.uniform()
            #expect(u >= 0 && u < 1)
        }
    }

    @Test func bitGenomeBasics() throws {
        var genome = BitGenome(count: 70)
        genome[0] = true
        genome[69] = true
        genome.flip(64)
        #expect(genome.onesCount == 3)
        #expect(genome.indicesOfOnes == [0, 64, 69])
        let text = genome.description
        #expect(text.count == 70)
        #expect(BitGenome(text) == genome)
        #expect(BitGenome("01x") == nil)
        let decoded = try JSONDecoder().decode(BitGenome.self, from: JSONEncoder().encode(genome))
        #expect(decoded == genome && decoded.hashValue == genome.hashValue)
    }

    @Test(arguments: BinaryCrossover.allCases)
    func binaryCrossoverKeepsLengthAndExchangesPositions(kind: BinaryCrossover) throws {
        let n = 37
        let variation = try BinaryVariation(length: n, crossover: kind, crossoverProbability: 1, mutationRate: 0)
        var random = Xoshiro256StarStar(seed: 11)
        for _ in 0..<200 {
            let a = variation.randomGenome(using: &random)
            let b = variation.randomGenome(using: &random)
            let (c, d) = variation.offspring(of: a, and: b, using: &random)
            #expect(c.count == n && d.count == n)
            // Without mutation, each position's pair of bits is the parents' pair.
            let exchanged = (0..<n).map { i -> Bool in
                #expect((c[i] == a[i] && d[i] == b[i]) || (c[i] == b[i] && d[i] == a[i]))
                return c[i] != a[i]
            }
            switch kind {
            case .uniform:
                break
            case .onePoint:
                // Exchanged positions (where the parents differ) all lie after one cut.
                let differing = (0..<n).filter { a[$0] != b[$0] }
                let swapped = differing.filter { exchanged[$0] }
                if let first = swapped.first { #expect(swapped == differing.filter { $0 >= first }) }
            case .twoPoint:
                let differing = (0..<n).filter { a[$0] != b[$0] }
                let swapped = differing.filter { exchanged[$0] }
                if let first = swapped.first, let last = swapped.last {
                    #expect(swapped == differing.filter { $0 >= first && $0 <= last })
                }
            }
        }
    }

    @Test func bitFlipMutationFlipsTheExpectedFraction() throws {
        let n = 50
        let variation = try BinaryVariation(length: n, crossoverProbability: 0)
        #expect(variation.mutationRate == 1.0 / 50)
        var random = Xoshiro256StarStar(seed: 3)
        let zero = BitGenome(count: n)
        var ones = 0
        let children = 4000
        for _ in 0..<(children / 2) {
            let (c, d) = variation.offspring(of: zero, and: zero, using: &random)
            ones += c.onesCount + d.onesCount
        }
        // Binomial(200000, 1/50): mean 4000, standard deviation 62.6; allow 5 of them.
        #expect(abs(ones - 4000) < 313)
    }

    @Test func repairRunsOnEveryChild() throws {
        let variation = try BinaryVariation(length: 8, repair: { $0[0] = false })
        var random = Xoshiro256StarStar(seed: 1)
        let full = BitGenome([Bool](repeating: true, count: 8))
        for _ in 0..<50 {
            let (c, d) = variation.offspring(of: full, and: full, using: &random)
            #expect(!c[0] && !d[0])
            #expect(!variation.randomGenome(using: &random)[0])
        }
    }

    @Test func realOperatorsStayInBoundsAndLeaveParentsAloneWhenOff() throws {
        let variation = try RealVariation(lower: [-1, 0, 10], upper: [1, 5, 20])
        var random = Xoshiro256StarStar(seed: 2)
        for _ in 0..<500 {
            let a = variation.randomGenome(using: &random)
            let b = variation.randomGenome(using: &random)
            let (c, d) = variation.offspring(of: a, and: b, using: &random)
            for child in [c, d] {
                #expect(child.indices.allSatisfy { child[$0] >= variation.lower[$0] && child[$0] <= variation.upper[$0] })
            }
        }
        let idle = try RealVariation(lower: [0, 0], upper: [1, 1], crossoverProbability: 0, mutationProbability: 0)
        let (c, d) = idle.offspring(of: [0.2, 0.3], and: [0.7, 0.9], using: &random)
        #expect(c == [0.2, 0.3] && d == [0.7, 0.9])
        #expect(throws: OptimizerError.self) { try RealVariation(lower: [1], upper: [0]) }
        #expect(abs(RealVariation.power(1.1, 31) - pow(1.1, 31)) <= 1e-14 * pow(1.1, 31))
    }

    /// Deb's bounded SBX as written (one `pow` per side, beta always computed): the
    /// operator's shortcuts (alpha = 2 far from the bounds, one `pow` for equal alphas)
    /// must give the same children bit for bit.
    static func textbookCrossover(
        _ variation: RealVariation, _ a: [Double], _ b: [Double], using random: inout Xoshiro256StarStar
    ) -> ([Double], [Double]) {
        var first = a
        var second = b
        let eta = variation.crossoverEta
        for index in a.indices {
            guard random.uniform() <= 0.5 else { continue }
            let (low, high) = (variation.lower[index], variation.upper[index])
            guard abs(first[index] - second[index]) > 1e-14 * (high - low) else { continue }
            let y1 = min(first[index], second[index])
            let y2 = max(first[index], second[index])
            let u = random.uniform()
            func spread(_ beta: Double) -> Double {
                let alpha = 2 - 1 / RealVariation.power(beta, eta + 1)
                return u <= 1 / alpha ? pow(u * alpha, 1 / (eta + 1)) : pow(1 / (2 - u * alpha), 1 / (eta + 1))
            }
            let betaLow = spread(1 + 2 * (y1 - low) / (y2 - y1))
            let betaHigh = spread(1 + 2 * (high - y2) / (y2 - y1))
            let c1 = min(max(0.5 * ((y1 + y2) - betaLow * (y2 - y1)), low), high)
            let c2 = min(max(0.5 * ((y1 + y2) + betaHigh * (y2 - y1)), low), high)
            if random.uniform() <= 0.5 { (first[index], second[index]) = (c2, c1) } else { (first[index], second[index]) = (c1, c2) }
        }
        return (first, second)
    }

    @Test(arguments: [0.0, 1, 2.5, 5, 15, 30, 100, 1000])
    func crossoverMatchesTheTextbookFormulaBitForBit(eta: Double) throws {
        let variation = try RealVariation(lower: [0, -3, 1e-9, -1e6], upper: [1, 7, 2e-9, 1e6], crossoverEta: eta)
        var random = Xoshiro256StarStar(seed: 11)
        for trial in 0..<4000 {
            // Parents spread out, close together, or close to a bound.
            var a = variation.randomGenome(using: &random)
            var b = variation.randomGenome(using: &random)
            for index in a.indices where trial % 3 != 0 {
                let range = variation.upper[index] - variation.lower[index]
                let scale = trial % 3 == 1 ? 1e-3 : 1e-9
                if trial % 7 == 0 { a[index] = variation.lower[index] + random.uniform() * scale * range }
                b[index] = min(max(a[index] + (random.uniform() - 0.5) * scale * range, variation.lower[index]), variation.upper[index])
            }
            var expectedRandom = random
            let expected = Self.textbookCrossover(variation, a, b, using: &expectedRandom)
            var (c, d) = (a, b)
            variation.simulatedBinaryCrossover(&c, &d, using: &random)
            #expect(c.map(\.bitPattern) == expected.0.map(\.bitPattern) && d.map(\.bitPattern) == expected.1.map(\.bitPattern))
            #expect(random == expectedRandom)
        }
    }

    @Test func offspringIntoReusedGenomesEqualsFreshOffspring() throws {
        let variation = try RealVariation(lower: [0, 0, 0], upper: [1, 2, 3])
        var random = Xoshiro256StarStar(seed: 3)
        var spare1: [Double] = [9, 9, 9, 9, 9]
        var spare2: [Double] = []
        for _ in 0..<200 {
            let a = variation.randomGenome(using: &random)
            let b = variation.randomGenome(using: &random)
            var copy = random
            let fresh = variation.offspring(of: a, and: b, using: &copy)
            variation.offspring(of: a, and: b, into: &spare1, &spare2, using: &random)
            #expect(spare1 == fresh.0 && spare2 == fresh.1 && random == copy)
        }
    }
}

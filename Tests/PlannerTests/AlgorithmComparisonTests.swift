import Foundation
import InputParsing
import NSGA3
import Testing

@testable import Planner

@Suite(.serialized) struct AlgorithmComparisonTests {
    func temporaryDirectory() -> String { NSTemporaryDirectory() + "planner-compare-\(UUID().uuidString)" }

    /// A discrete two-objective front of five plans on a line, as an enumeration gives it.
    let exact = ReferenceFront(
        plans: ["10000", "01000", "00100", "00010", "00001"],
        objectives: [[0, 4], [1, 3], [2, 2], [3, 1], [4, 0]])

    @Test func measuresARunByHand() {
        // The run found three exact plans and one dominated plan of its own.
        let front = ReferenceFront(
            plans: ["10000", "00100", "00001", "11000"], objectives: [[0, 4], [2, 2], [4, 0], [2, 3]])
        let run = AlgorithmComparison.measure(
            algorithm: "nsga3", seed: 1, front: front, hypervolumeHistory: [1: 2, 2: 4, 3: 7.95, 4: 8], generations: 4,
            referenceFront: exact, referenceHypervolume: 10, evaluations: 40, seconds: 0.5)
        #expect(run.referencePlansFound == 3 && run.frontSize == 4)
        #expect(run.planCoverage == 0.6)
        // Scaled by the range 4: of the missed plans, (1,3)/4 lies 1/4 from the run's
        // (2,3)/4 and (3,1)/4 lies √2/4 from (2,2)/4 and (4,0)/4, so IGD = (1/4 + √2/4)/5.
        #expect(abs(run.invertedGenerationalDistance - (0.25 + 2.0.squareRoot() / 4) / 5) < 1e-15)
        // GD: only (2,3)/4 is off the front, 1/4 from its nearest exact plans, so GD = (1/4)/4.
        #expect(abs(run.distanceFromFront - 0.25 / 4) < 1e-15)
        // Hypervolume within 1 % of the final 8 from generation 3 on.
        #expect(run.generationsToConverge == 3)
        let ratios = run.hypervolumeRatioHistory.map { $0! }
        #expect(zip(ratios, [0.2, 0.4, 0.795, 0.8]).allSatisfy { abs($0 - $1) < 1e-15 })
        // Every scaled range is covered: spread 1.
        #expect(run.spread == 1)
        #expect(run.coverage == 0.6)
    }

    @Test func emptyFrontsMeasureAsNothingFound() {
        let run = AlgorithmComparison.measure(
            algorithm: "spea2", seed: 2, front: ReferenceFront(plans: [], objectives: []), hypervolumeHistory: [:],
            generations: 3, referenceFront: exact, referenceHypervolume: 10, evaluations: 0, seconds: 0)
        #expect(run.planCoverage == 0 && run.frontSize == 0 && run.coverage == 0)
        #expect(run.invertedGenerationalDistance == .infinity)
        #expect(run.generationsToConverge == 3)
        #expect(run.hypervolumeRatioHistory == [nil, nil, nil])
    }

    @Test func quartilesAreTypeSeven() {
        // NumPy: np.percentile([1, 2, 3, 4, 10], [25, 50, 75]) = [2, 3, 4].
        let s = SeedSummary([10, 1, 3, 2, 4])
        #expect(s.median == 3 && s.lowerQuartile == 2 && s.upperQuartile == 4 && s.interquartileRange == 2)
        // np.percentile([1, 2, 3, 4], [25, 50, 75]) = [1.75, 2.5, 3.25].
        let even = SeedSummary([4, 3, 2, 1])
        #expect(even.median == 2.5 && even.lowerQuartile == 1.75 && even.upperQuartile == 3.25)
        #expect(SeedSummary([7]).interquartileRange == 0)
    }

    func syntheticRun(_ algorithm: String, seed: UInt64, coverage: Double, hypervolume: Double) -> ComparisonRun {
        ComparisonRun(
            algorithm: algorithm, seed: seed, generations: 2, evaluations: 10, seconds: 1, frontSize: 5,
            referencePlansFound: Int(coverage * 10), planCoverage: coverage, invertedGenerationalDistance: 1 - coverage,
            generationsToConverge: 2, distanceFromFront: 0.1, scaledHypervolume: hypervolume, spacing: 0.01, spread: 0.9,
            coverage: coverage, diversityScore: 0.8, hypervolumeRatioHistory: [0.5, hypervolume])
    }

    @Test func tablesSummariseAndTestBetweenAlgorithms() throws {
        var runs: [ComparisonRun] = []
        for seed in 1...5 as ClosedRange<UInt64> {
            runs.append(syntheticRun("nsga3", seed: seed, coverage: 0.9 + 0.01 * Double(seed), hypervolume: 1))
            runs.append(syntheticRun("nsga2", seed: seed, coverage: 0.5 + 0.01 * Double(seed), hypervolume: Double(seed)))
        }
        let tables = ComparisonTables(runs: runs.reversed(), algorithms: ["nsga3", "nsga2"])
        let coverage = ComparisonMetric.all.first { $0.column == "plan_coverage" }!
        #expect(abs(tables.summary(coverage, of: "nsga3").median - 0.93) < 1e-15)
        #expect(abs(tables.summary(coverage, of: "nsga2").interquartileRange - 0.02) < 1e-12)
        // Identical hypervolumes: stability 1; 1...5: 1 − sd/mean = 1 − √2.5/3.
        #expect(tables.convergenceStability(of: "nsga3") == 1)
        #expect(abs(tables.convergenceStability(of: "nsga2")! - (1 - 2.5.squareRoot() / 3)) < 1e-15)
        // Five against five, fully separated: exact two-sided p = 2/C(10, 5) = 1/126.
        let test = tables.rankSumTests().first { $0.metric == "plan_coverage" }!
        #expect(test.result.method == .exact && abs(test.result.pValue - 1.0 / 126) < 1e-15)
        #expect(test.better == "nsga3")
        // Equal values everywhere: p = 1 and no winner.
        let spacing = tables.rankSumTests().first { $0.metric == "spacing" }!
        #expect(spacing.result.pValue == 1 && spacing.better == nil)

        let table4 = tables.summaryCSV(.convergence).split(separator: "\n")
        #expect(table4[0].hasSuffix("convergence_stability"))
        #expect(table4[1].hasPrefix("nsga3,5,"))
        let runsCSV = tables.runsCSV().split(separator: "\n")
        #expect(runsCSV.count == 11)
        #expect(runsCSV[1].hasPrefix("nsga3,1,") && runsCSV[2].hasPrefix("nsga2,1,"))
        let markdown = tables.markdown(referencePlans: 10, command: "planner compare")
        #expect(markdown.contains("| NSGA-III | ") && markdown.contains("Table IV") && markdown.contains("(NSGA-III better)"))
    }

    @Test func readsParetoCSVAndRejectsBadRows() throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let header = ResultWriter.paretoColumns.joined(separator: ",")
        let good = header + "\n011,2;3,100,0.5,2000,30,,,,,,0,0,0,\n110,1;2,90,0.25,3000,10,,,,,,0,0,0,\n"
        try AtomicFile.write(good, to: directory + "/good.csv")
        let front = try ReferenceFront.read(paretoCSV: directory + "/good.csv")
        #expect(front.plans == ["011", "110"])
        #expect(front.objectives == [[100, -0.5, 2000, -30], [90, -0.25, 3000, -10]])

        let mixed = header + "\n011,2;3,100,0.5,2000,30,,,,,,0,0,0,\n110,1;2,90,0.25,3000,,,,,,,0,0,0,\n"
        try AtomicFile.write(mixed, to: directory + "/mixed.csv")
        #expect(throws: InputError.self) { try ReferenceFront.read(paretoCSV: directory + "/mixed.csv") }
        let badPlan = header + "\n0a1,2;3,100,0.5,2000,30,,,,,,0,0,0,\n"
        try AtomicFile.write(badPlan, to: directory + "/bad.csv")
        let error = #expect(throws: InputError.self) { try ReferenceFront.read(paretoCSV: directory + "/bad.csv") }
        #expect(error?.line == 2 && error?.field == "plan")
    }

    /// A small comparison on the built-in case against the front of a standalone NSGA-III
    /// run with seed 1: the comparison's own NSGA-III seed-1 run must find all of it; the
    /// result must not depend on the thread count; a re-run must reuse every saved run.
    @Test func smallComparisonOnTheBuiltInCase() throws {
        let plannerCase = try PlannerCase.builtIn()
        var runSettings = RunSettings()
        runSettings.population = 8
        runSettings.generations = 2
        runSettings.seed = 1
        runSettings.threads = 1
        let standalone = temporaryDirectory()
        try PlannerRun(case: plannerCase, settings: runSettings, directory: standalone, resume: false)
            .run(progress: { _ in }, shouldStop: { false })
        let reference = try ReferenceFront.read(paretoCSV: standalone + "/pareto.csv")

        var settings = ComparisonSettings()
        settings.algorithms = ["nsga3", "nsga2"]
        settings.seeds = 2
        settings.population = 8
        settings.generations = 2
        var outputs: [String] = []
        for threads in [1, 2] {
            settings.threads = threads
            let directory = temporaryDirectory()
            let comparison = try AlgorithmComparison(case: plannerCase, settings: settings, reference: reference, directory: directory)
            try comparison.checkReference(samples: 2)
            let runs = try comparison.runAll()
            #expect(runs.count == 4)
            let first = try #require(runs.first { $0.algorithm == "nsga3" && $0.seed == 1 })
            #expect(first.planCoverage == 1 && first.invertedGenerationalDistance == 0 && first.distanceFromFront == 0)
            let tables = ComparisonTables(runs: runs, algorithms: settings.algorithms)
            try tables.write(to: directory, figure: directory + "/convergence.png", referencePlans: reference.plans.count, command: "test")
            #expect(FileManager.default.fileExists(atPath: directory + "/convergence.png"))
            // Wall times aside, every table is the same for either thread count.
            outputs.append(
                try ["table5.csv", "front_recovery.csv", "ranksum.csv"].map {
                    try String(contentsOfFile: directory + "/" + $0, encoding: .utf8)
                }.joined() + tables.summaryCSV(.convergence))

            let reused = ReusedCounter()
            let again = try comparison.runAll { _, wasReused in if wasReused { reused.add() } }
            #expect(reused.count == 4)
            #expect(again == runs)
        }
        #expect(outputs[0] == outputs[1])

        // A front from another case is refused: perturb one objective.
        var wrong = reference
        wrong.objectives[0][0] *= 1.01
        let comparison = try AlgorithmComparison(
            case: plannerCase, settings: settings, reference: wrong, directory: temporaryDirectory())
        #expect(throws: PlannerError.self) { try comparison.checkReference(samples: 1) }
    }
}

private final class ReusedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}

import ArgumentParser
import Foundation
import InputParsing
import NSGA3

/// `planner benchmark …`: measured runs of the engines on standard problems.
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Benchmarks of the optimisation engine on standard test problems.",
        subcommands: [DTLZBenchmarkCommand.self]
    )
}

/// `planner benchmark dtlz`: one run of NSGA-III, NSGA-II or SPEA2 on DTLZ1-4.
struct DTLZBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dtlz",
        abstract: "Run an algorithm on DTLZ1-4 with Deb & Jain's settings; report IGD, hypervolume and wall time.",
        discussion: """
            Defaults follow Deb & Jain 2014: M=3 p=12 (91 reference points, population 92), \
            M=5 p=6 (210, 212), M=8 and M=10 two layers 3+2 (156 and 275 points, population 156 \
            and 276); generations DTLZ1/2/3/4 = 400/250/1000/600 at M=3 and 600/350/1000/1000 \
            at M=5. Writes DIR/front.csv (the whole final population, header f1,...,fM) and, \
            with --history, DIR/history.csv (hypervolume, IGD and front change per generation). IGD is measured on the whole final population \
            against the reference directions' intersections with the true front.
            """
    )

    enum AlgorithmChoice: String, ExpressibleByArgument, CaseIterable {
        case nsga3, nsga2, spea2
    }

    @Option(help: "DTLZ1, DTLZ2, DTLZ3 or DTLZ4.")
    var problem: String = "DTLZ2"

    @Option(help: "Number of objectives M.")
    var objectives: Int = 3

    @Option(help: "Generations (default: Deb & Jain's count for the problem and M).")
    var generations: Int?

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "nsga3, nsga2 or spea2.")
    var algorithm: AlgorithmChoice = .nsga3

    @Option(help: "Population size (default: the smallest multiple of 4 not below the reference-point count).")
    var population: Int?

    @Option(help: "Reference-point divisions p (boundary layer). Default: Deb & Jain's for M.")
    var divisions: Int?

    @Option(help: "Divisions of an inside layer shrunk by 1/2 (two-layer set); needs --divisions.")
    var insideDivisions: Int?

    @Option(help: "Evaluation threads (default: all cores). Results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Evaluation cache capacity. Real-valued genomes practically never repeat once duplicates are eliminated, so the default is 0 (off).")
    var cacheCapacity: Int = 0

    @Flag(
        inversion: .prefixedNo,
        help: "Compute the final exact hypervolume (default: on up to 6 objectives; WFG takes minutes at M = 10).")
    var hypervolume: Bool?

    @Flag(help: "Also write DIR/history.csv with hypervolume and IGD every generation (slows the run).")
    var history = false

    @Option(help: "Output directory.")
    var out: String

    func validate() throws {
        guard DTLZ.Kind(rawValue: problem.uppercased()) != nil else {
            throw ValidationError("--problem: expected DTLZ1, DTLZ2, DTLZ3 or DTLZ4, found \"\(problem)\"")
        }
        guard objectives >= 2 else { throw ValidationError("--objectives: expected at least 2, found \(objectives)") }
        if let generations, generations < 1 { throw ValidationError("--generations: expected at least 1") }
        if insideDivisions != nil && divisions == nil {
            throw ValidationError("--inside-divisions needs --divisions for the boundary layer")
        }
        guard cacheCapacity >= 0 else { throw ValidationError("--cache-capacity: expected 0 or more") }
        guard threads >= 1 else { throw ValidationError("--threads: expected at least 1, found \(threads)") }
    }

    func run() throws {
        let kind = DTLZ.Kind(rawValue: problem.uppercased())!
        let dtlz = try DTLZ(kind, objectives: objectives)
        let points: ReferencePoints
        switch (divisions, insideDivisions) {
        case (let p?, let inside?):
            points = try .twoLayer(objectives: objectives, boundaryDivisions: p, insideDivisions: inside)
        case (let p?, nil):
            points = try .dasDennis(objectives: objectives, divisions: p)
        default:
            points = try .standard(objectives: objectives)
        }
        guard let generationCount = generations ?? dtlz.standardGenerations else {
            throw ValidationError("--generations: Deb & Jain give no count for M=\(objectives); pass one")
        }
        let populationSize = population ?? ReferencePoints.populationSize(forReferencePointCount: points.count)
        let targets = dtlz.targetPoints(for: points)
        let hypervolumeReference = dtlz.nadirPoint.map { 1.1 * $0 }
        let computesHypervolume = hypervolume ?? (objectives <= 6)
        let algorithmSetting: Algorithm
        switch algorithm {
        case .nsga3: algorithmSetting = .nsga3(points)
        case .nsga2: algorithmSetting = .nsga2
        case .spea2: algorithmSetting = .spea2
        }
        let configuration = OptimizerConfiguration(
            algorithm: algorithmSetting, populationSize: populationSize, seed: seed, threads: threads,
            cacheCapacity: cacheCapacity, hypervolumeReference: history && computesHypervolume ? hypervolumeReference : nil,
            referenceFront: history ? targets : nil, recordsFrontChange: history)

        let clock = ContinuousClock()
        let start = clock.now
        var optimizer = try Optimizer(problem: dtlz, variation: dtlz.variation, configuration: configuration)
        let final = try optimizer.run(until: .generations(generationCount))
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        let front = final.map(\.objectives)
        let header = (1...objectives).map { "f\($0)" }
        var csv = CSVWriter.line(header) + "\n"
        for point in front { csv += CSVWriter.line(point.map { "\($0)" }) + "\n" }
        try AtomicFile.write(Data(csv.utf8), to: URL(fileURLWithPath: out).appendingPathComponent("front.csv").path)
        if history {
            var lines = CSVWriter.line(["generation", "evaluations", "non_dominated", "hypervolume", "igd", "front_change", "elapsed_s"]) + "\n"
            for record in optimizer.state.history {
                lines += CSVWriter.line([
                    "\(record.generation)", "\(record.evaluations)", "\(record.nonDominatedCount)",
                    record.hypervolume.map { "\($0)" } ?? "", record.invertedGenerationalDistance.map { "\($0)" } ?? "",
                    record.frontChange.map { "\($0)" } ?? "", "\(record.elapsedSeconds)",
                ]) + "\n"
            }
            try AtomicFile.write(Data(lines.utf8), to: URL(fileURLWithPath: out).appendingPathComponent("history.csv").path)
        }

        let igd = Indicators.invertedGenerationalDistance(front, reference: targets)
        print("\(kind.rawValue) M=\(objectives) \(algorithm.rawValue) population=\(populationSize) generations=\(generationCount) seed=\(seed) threads=\(threads) reference_points=\(points.count)")
        print("IGD: \(igd)")
        if computesHypervolume {
            let value = Hypervolume.compute(points: front, reference: hypervolumeReference)
            print("hypervolume: \(value) (reference point \(hypervolumeReference[0]) in every objective)")
        } else {
            print("hypervolume: not computed (M > 6; pass --hypervolume)")
        }
        print("evaluations: \(optimizer.state.evaluations)")
        print("wall time: \(seconds) s")
    }
}

import Foundation
import InputParsing
import NSGA3
import Plotting

/// A per-run quantity of a comparison, with where it is reported and which direction is better.
public struct ComparisonMetric: Sendable {
    /// Where a quantity is reported.
    public enum Table: String, Sendable {
        /// Seed 003's Table IV (convergence).
        case convergence = "table4"
        /// Seed 003's Table V (diversity).
        case diversity = "table5"
        /// How much of the exact front each run finds (issue 8).
        case exactFront = "front_recovery"
    }

    /// The column stem in the CSV files, e.g. `distance_from_front`.
    public let column: String
    /// The heading in `tables.md`.
    public let title: String
    /// The table it belongs to.
    public let table: Table
    /// Whether larger values are better.
    public let higherIsBetter: Bool
    /// The run's value.
    public let value: @Sendable (ComparisonRun) -> Double

    /// Every per-run quantity, in table order. Convergence stability is not among them: it
    /// is a property of all seeds together (from ``ComparisonRun/scaledHypervolume``,
    /// which is listed and rank-tested instead).
    public static let all: [ComparisonMetric] = [
        ComparisonMetric(
            column: "generations_to_converge", title: "Generations to converge", table: .convergence, higherIsBetter: false,
            value: { Double($0.generationsToConverge) }),
        ComparisonMetric(
            column: "distance_from_front", title: "Distance from Pareto front", table: .convergence, higherIsBetter: false,
            value: { $0.distanceFromFront }),
        ComparisonMetric(
            column: "scaled_hypervolume", title: "Scaled hypervolume", table: .convergence, higherIsBetter: true,
            value: { $0.scaledHypervolume }),
        ComparisonMetric(column: "spacing", title: "Spacing", table: .diversity, higherIsBetter: false, value: { $0.spacing }),
        ComparisonMetric(column: "spread", title: "Spread", table: .diversity, higherIsBetter: true, value: { $0.spread }),
        ComparisonMetric(
            column: "coverage", title: "Coverage of Pareto front", table: .diversity, higherIsBetter: true, value: { $0.coverage }),
        ComparisonMetric(
            column: "diversity_score", title: "Diversity score", table: .diversity, higherIsBetter: true,
            value: { $0.diversityScore }),
        ComparisonMetric(
            column: "plan_coverage", title: "Exact-front plans found", table: .exactFront, higherIsBetter: true,
            value: { $0.planCoverage }),
        ComparisonMetric(
            column: "igd", title: "IGD (scaled)", table: .exactFront, higherIsBetter: false,
            value: { $0.invertedGenerationalDistance }),
        ComparisonMetric(
            column: "front_size", title: "Front size", table: .exactFront, higherIsBetter: true, value: { Double($0.frontSize) }),
    ]
}

/// Median, quartiles and inter-quartile range of one quantity over seeds.
public struct SeedSummary: Sendable, Hashable {
    /// The median.
    public var median: Double
    /// The lower quartile.
    public var lowerQuartile: Double
    /// The upper quartile.
    public var upperQuartile: Double
    /// upperQuartile − lowerQuartile.
    public var interquartileRange: Double { upperQuartile - lowerQuartile }

    /// The summary of `values` (at least one), with quantiles interpolated between order
    /// statistics (Hyndman & Fan type 7, the default of R and NumPy).
    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "a summary needs values")
        let sorted = values.sorted()
        median = Self.quantile(sorted, 0.5)
        lowerQuartile = Self.quantile(sorted, 0.25)
        upperQuartile = Self.quantile(sorted, 0.75)
    }

    /// The type-7 quantile of sorted values.
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let low = Int(h.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        // Equal neighbours (including infinities) need no interpolation.
        if sorted[low] == sorted[high] { return sorted[low] }
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }
}

/// The tables, rank-sum tests and convergence figure of a finished comparison.
public struct ComparisonTables: Sendable {
    /// The runs, in any order.
    public let runs: [ComparisonRun]
    /// Algorithms in table order.
    public let algorithms: [String]

    /// Tables over `runs` with rows in the order of `algorithms`.
    public init(runs: [ComparisonRun], algorithms: [String]) {
        self.runs = runs.sorted { ($0.seed, algorithms.firstIndex(of: $0.algorithm) ?? 0) < ($1.seed, algorithms.firstIndex(of: $1.algorithm) ?? 0) }
        self.algorithms = algorithms
    }

    /// The runs of one algorithm in seed order.
    public func runs(of algorithm: String) -> [ComparisonRun] { runs.filter { $0.algorithm == algorithm } }

    /// The median and quartiles of `metric` for `algorithm`.
    public func summary(_ metric: ComparisonMetric, of algorithm: String) -> SeedSummary {
        SeedSummary(runs(of: algorithm).map(metric.value))
    }

    /// Convergence stability (Table IV) of an algorithm's seeds; nil with fewer than two.
    public func convergenceStability(of algorithm: String) -> Double? {
        let values = runs(of: algorithm).map(\.scaledHypervolume)
        return values.count >= 2 ? TableMetrics.convergenceStability(finalHypervolumes: values) : nil
    }

    /// One pairwise rank-sum test.
    public struct PairTest: Sendable {
        /// The quantity's column stem (``ComparisonMetric/column``).
        public var metric: String
        /// The first algorithm (whose U is reported).
        public var first: String
        /// The second algorithm.
        public var second: String
        /// The first algorithm's median over seeds.
        public var firstMedian: Double
        /// The second algorithm's median over seeds.
        public var secondMedian: Double
        /// The two-sided test of the first algorithm's values against the second's.
        public var result: RankSumTest.Result
        /// The algorithm with the better median, or nil when the medians are equal.
        public var better: String?
    }

    /// Two-sided rank-sum tests of every metric between every pair of algorithms.
    public func rankSumTests() -> [PairTest] {
        var tests: [PairTest] = []
        for metric in ComparisonMetric.all {
            for (i, first) in algorithms.enumerated() {
                for second in algorithms[(i + 1)...] {
                    let a = runs(of: first).map(metric.value), b = runs(of: second).map(metric.value)
                    // A run with an empty front has infinite distances; ranks order it last
                    // all the same, so such values are replaced by a value beyond every finite one.
                    let finite = (a + b).filter(\.isFinite)
                    let beyond = (finite.max() ?? 0) + 1 + abs(finite.max() ?? 0)
                    let clean = { (values: [Double]) in values.map { $0.isFinite ? $0 : beyond } }
                    let ma = SeedSummary(a).median, mb = SeedSummary(b).median
                    let better: String? = ma == mb ? nil : ((ma > mb) == metric.higherIsBetter ? first : second)
                    tests.append(
                        PairTest(
                            metric: metric.column, first: first, second: second, firstMedian: ma, secondMedian: mb,
                            result: RankSumTest.test(clean(a), clean(b)), better: better))
                }
            }
        }
        return tests
    }

    /// `runs.csv`: one row per algorithm × seed.
    public func runsCSV() -> String {
        var lines = [
            CSVWriter.line([
                "algorithm", "seed", "generations", "evaluations", "seconds", "front_size", "exact_plans_found", "plan_coverage",
                "igd", "generations_to_converge", "distance_from_front", "scaled_hypervolume", "spacing", "spread", "coverage",
                "diversity_score", "final_hypervolume_ratio",
            ])
        ]
        for r in runs {
            let finalRatio = r.hypervolumeRatioHistory.last.flatMap { $0 }
            lines.append(
                CSVWriter.line([
                    r.algorithm, String(r.seed), String(r.generations), String(r.evaluations), "\(r.seconds)", String(r.frontSize),
                    String(r.referencePlansFound), "\(r.planCoverage)", "\(r.invertedGenerationalDistance)",
                    String(r.generationsToConverge), "\(r.distanceFromFront)", "\(r.scaledHypervolume)", "\(r.spacing)",
                    "\(r.spread)", "\(r.coverage)", "\(r.diversityScore)", finalRatio.map { "\($0)" } ?? "",
                ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A summary table (`table4.csv`, `table5.csv`, `front_recovery.csv`): per algorithm
    /// the median and IQR of each of the table's quantities (and, for Table IV, the
    /// convergence stability over all seeds).
    public func summaryCSV(_ table: ComparisonMetric.Table) -> String {
        let metrics = ComparisonMetric.all.filter { $0.table == table }
        var header = ["algorithm", "runs"]
        for metric in metrics { header += [metric.column + "_median", metric.column + "_iqr"] }
        if table == .convergence { header.append("convergence_stability") }
        var lines = [CSVWriter.line(header)]
        for algorithm in algorithms {
            var row = [algorithm, String(runs(of: algorithm).count)]
            for metric in metrics {
                let s = summary(metric, of: algorithm)
                row += ["\(s.median)", "\(s.interquartileRange)"]
            }
            if table == .convergence { row.append(convergenceStability(of: algorithm).map { "\($0)" } ?? "") }
            lines.append(CSVWriter.line(row))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `ranksum.csv`: every pairwise two-sided test.
    public func rankSumCSV() -> String {
        var lines = [
            CSVWriter.line(["metric", "algorithm_a", "algorithm_b", "median_a", "median_b", "u_a", "p_value", "method", "better"])
        ]
        for t in rankSumTests() {
            lines.append(
                CSVWriter.line([
                    t.metric, t.first, t.second, "\(t.firstMedian)", "\(t.secondMedian)", "\(t.result.u)", "\(t.result.pValue)",
                    t.result.method.rawValue, t.better ?? "",
                ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `tables.md`: the tables as markdown with how they were measured.
    public func markdown(referencePlans: Int, command: String) -> String {
        let seeds = Set(runs.map(\.seed)).count
        let generations = runs.first?.generations ?? 0
        let seedValues = Set(runs.map(\.seed)).sorted()
        let seedList = seedValues.count == 1 ? "seed \(seedValues[0])" : "seeds \(seedValues.first!)-\(seedValues.last!)"
        var text = """
            # Algorithm comparison

            \(algorithms.map(displayName).joined(separator: ", ")) on the same case, \(seeds == 1 ? "one seed" : "\(seeds) seeds") \
            each (\(seedList)), \(generations) generations, measured against the exact Pareto front \
            (\(referencePlans) plans, from exhaustive enumeration). Each cell: median [inter-quartile range] over seeds. \
            Objectives are scaled by the exact front's range per objective before distances are taken. \
            Definitions: `docs/compare.md`.

            Command: `\(command)`


            """
        func cell(_ metric: ComparisonMetric, _ algorithm: String) -> String {
            let s = summary(metric, of: algorithm)
            return "\(Self.format(s.median)) [\(Self.format(s.interquartileRange))]"
        }
        func table(_ which: ComparisonMetric.Table, heading: String, extra: [(String, (String) -> String)] = []) {
            let metrics = ComparisonMetric.all.filter { $0.table == which }
            let titles = metrics.map { $0.title + ($0.higherIsBetter ? " ↑" : " ↓") } + extra.map(\.0)
            text += "## \(heading)\n\n| Algorithm | " + titles.joined(separator: " | ") + " |\n"
            text += "|---|" + String(repeating: "---|", count: titles.count) + "\n"
            for algorithm in algorithms {
                let cells = metrics.map { cell($0, algorithm) } + extra.map { $0.1(algorithm) }
                text += "| \(displayName(algorithm)) | " + cells.joined(separator: " | ") + " |\n"
            }
            text += "\n"
        }
        table(
            .convergence, heading: "Table IV: convergence",
            extra: [("Convergence stability ↑", { convergenceStability(of: $0).map(Self.format) ?? "–" })])
        table(.diversity, heading: "Table V: diversity")
        table(.exactFront, heading: "Exact-front recovery")
        guard !pairs.isEmpty else { return text }
        text += "## Rank-sum tests (two-sided Wilcoxon-Mann-Whitney)\n\n"
        text += "| Quantity | " + pairs.map { "\(displayName($0.0)) vs \(displayName($0.1))" }.joined(separator: " | ") + " |\n"
        text += "|---|" + String(repeating: "---|", count: pairs.count) + "\n"
        let tests = rankSumTests()
        for metric in ComparisonMetric.all {
            let cells = pairs.map { pair -> String in
                guard let t = tests.first(where: { $0.metric == metric.column && $0.first == pair.0 && $0.second == pair.1 }) else { return "" }
                let winner = t.better.map { " (\(displayName($0)) better)" } ?? ""
                return "p = \(Self.format(t.result.pValue))" + (t.result.pValue < 0.05 ? winner : "")
            }
            text += "| \(metric.title) | " + cells.joined(separator: " | ") + " |\n"
        }
        text += "\nA difference is named only where p < 0.05; p-values are exact without ties, "
            + "normal-approximated with tie and continuity corrections otherwise.\n"
        return text
    }

    var pairs: [(String, String)] {
        algorithms.enumerated().flatMap { i, first in algorithms[(i + 1)...].map { (first, $0) } }
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "–" : "∞" }
        if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
        return String(format: abs(value) < 1e-3 ? "%.2e" : "%.3g", value)
    }

    /// The convergence figure: per algorithm, the median over seeds of the population
    /// front's hypervolume as a share of the exact front's, with the inter-quartile band.
    /// The x axis stops a quarter beyond the last generation in which any run's value
    /// still changed (at least 10 generations), so a fast convergence is not squeezed
    /// against the axis; the title says so.
    public func convergencePlot() throws -> ConvergencePlot {
        let available = runs.map(\.hypervolumeRatioHistory.count).min() ?? 0
        var lastChange = 0
        for run in runs {
            let values = run.hypervolumeRatioHistory.prefix(available)
            guard let final = values.last else { continue }
            if let index = values.lastIndex(where: { $0 != final }) { lastChange = max(lastChange, index + 1) }
        }
        let shown = min(available, max(10, Int((Double(lastChange) * 1.25).rounded(.up)) + 1))
        var series: [ConvergenceSeries] = []
        for algorithm in algorithms {
            let group = runs(of: algorithm)
            guard shown > 0, !group.isEmpty else { continue }
            let values = group.map { run in run.hypervolumeRatioHistory.prefix(shown).map { $0 ?? .nan } }
            let xs = (1...shown).map(Double.init)
            let name = "\(displayName(algorithm)) (\(group.count) seeds)"
            series.append(
                group.count == 1
                    ? ConvergenceSeries(name: name, generations: xs, median: values[0])
                    : try ConvergenceSeries(name: name, generations: xs, runs: values))
        }
        let quantity = Quantity(name: "Hypervolume / exact front's", format: .plain, preference: .higherIsBetter)
        let title = shown < available
            ? "Convergence over seeds (median, IQR): generations 1-\(shown) of \(available), unchanged after"
            : "Convergence over seeds: median and inter-quartile range"
        return ConvergencePlot(
            title: title,
            panels: [ConvergencePanel(quantity: quantity, series: series, references: [ReferenceLine(value: 1, label: "exact front")])])
    }

    /// Writes `runs.csv`, `table4.csv`, `table5.csv`, `front_recovery.csv`, `ranksum.csv`
    /// and `tables.md` into `directory`, and the convergence figure to `figure`, each atomically.
    public func write(to directory: String, figure: String, referencePlans: Int, command: String) throws {
        try AtomicFile.write(runsCSV(), to: directory + "/runs.csv")
        try AtomicFile.write(summaryCSV(.convergence), to: directory + "/table4.csv")
        try AtomicFile.write(summaryCSV(.diversity), to: directory + "/table5.csv")
        try AtomicFile.write(summaryCSV(.exactFront), to: directory + "/front_recovery.csv")
        try AtomicFile.write(rankSumCSV(), to: directory + "/ranksum.csv")
        try AtomicFile.write(markdown(referencePlans: referencePlans, command: command), to: directory + "/tables.md")
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: figure).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try Plot.convergence(convergencePlot()).writePNG(
            to: figure,
            metadata: [
                PNGTextEntry(key: "Seed", value: Set(runs.map(\.seed)).sorted().map(String.init).joined(separator: ", ")),
                PNGTextEntry(key: "Command", value: command),
                PNGTextEntry(key: "Software", value: "planner (EVChargingPlanner)"),
            ])
    }
}

/// The display name of an algorithm id.
func displayName(_ algorithm: String) -> String {
    switch algorithm {
    case "nsga3": return "NSGA-III"
    case "nsga2": return "NSGA-II"
    case "spea2": return "SPEA2"
    default: return algorithm
    }
}

import Foundation
import InputParsing
import NSGA3

/// Metadata of a run, written as `run.json`.
public struct RunMetadata: Codable, Sendable {
    public var caseName: String
    public var caseFingerprint: String
    public var parameters: [String: String]
    public var algorithm: String
    public var population: Int
    public var generations: Int
    public var generationsCompleted: Int
    public var seed: UInt64
    public var threads: Int
    public var evaluations: Int
    public var stoppedEarly: Bool
    public var hypervolumeReference: [Double]
    public var objectives: [String]
    public var elapsedSeconds: Double
    public var paretoSize: Int
    public var versions: [String: String]

    init(
        plannerCase: PlannerCase, settings: RunSettings, generationsCompleted: Int, evaluations: Int, stopped: Bool,
        hypervolumeReference: [Double], elapsedSeconds: Double, paretoSize: Int
    ) {
        caseName = plannerCase.manifest.name
        caseFingerprint = plannerCase.fingerprint
        parameters = Dictionary(uniqueKeysWithValues: Mirror(reflecting: plannerCase.parameters).children.compactMap { child in
            child.label.map { ($0, "\(child.value)") }
        })
        algorithm = settings.algorithm
        population = settings.population
        generations = settings.generations
        self.generationsCompleted = generationsCompleted
        seed = settings.seed
        threads = settings.threads
        self.evaluations = evaluations
        stoppedEarly = stopped
        self.hypervolumeReference = hypervolumeReference
        objectives = [
            "travel_time_veh_min (min)", "-utility_z2 (max)", "investment_usd (min)", "-restoration_usd_per_year (max)",
        ].prefix(hypervolumeReference.count).map { $0 }
        self.elapsedSeconds = elapsedSeconds
        self.paretoSize = paretoSize
        versions = LibraryVersions.all
    }
}

/// Writes a run's tables, each atomically.
public struct ResultWriter {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The CSV header of `pareto.csv`: objectives in natural sense with units.
    public static let paretoColumns = [
        "plan", "stations", "travel_time_veh_min", "utility_z2", "investment_usd", "restoration_usd_per_year",
        "stations_usd", "spots_usd", "lanes_usd", "substation_usd", "lines_usd", "lanes", "spots",
        "unserved_ev_veh_per_h", "violations",
    ]

    public func writeParetoCSV(_ front: [PlanEvaluation]) throws {
        var lines = [CSVWriter.line(Self.paretoColumns)]
        for e in front {
            let o = e.objectives
            let c = e.costs
            lines.append(
                CSVWriter.line([
                    e.plan, e.stations.map { String($0.site) }.joined(separator: ";"),
                    number(o.travelTimeVehMin), number(o.utilityZ2), number(o.investmentUSD),
                    o.restorationUSDPerYear.map(number) ?? "", number(c.stationsUSD), number(c.spotsUSD),
                    number(c.lanesUSD), number(c.substationUSD), number(c.linesUSD),
                    String(e.traffic.lanes.reduce(0) { $0 + $1.lanes }), String(e.stations.reduce(0) { $0 + $1.spots }),
                    number(e.traffic.unservedEVVehPerH), e.violations.names.joined(separator: ";"),
                ]))
        }
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: directory + "/pareto.csv")
    }

    public func writeParetoJSON(_ front: [PlanEvaluation]) throws {
        try AtomicFile.write(try Self.json(front), to: directory + "/pareto.json")
    }

    public func writeHistory(_ history: [GenerationRecord]) throws {
        var lines = ["generation,evaluations,cache_hits,feasible,front_size,hypervolume,wall_seconds"]
        for r in history {
            lines.append(
                "\(r.generation),\(r.evaluations),\(r.cacheHits),\(r.feasibleCount),\(r.nonDominatedCount),"
                    + "\(r.hypervolume.map(number) ?? ""),\(number(r.elapsedSeconds))")
        }
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: directory + "/history.csv")
    }

    /// `decision.json`: the knee plan and the TOPSIS ranking of the front.
    public func writeDecision(_ front: [PlanEvaluation], weights: [Double]?) throws {
        struct Pick: Encodable {
            var plan: String
            var stations: [Int]
            var objectives: PlanEvaluation.Objectives
            var costs: PlanEvaluation.Costs
        }
        struct Ranked: Encodable {
            var rank: Int
            var plan: String
            var closeness: Double
        }
        struct Decision: Encodable {
            var knee: Pick?
            var kneeRule: String
            var topsisWeights: [Double]
            var topsisBest: Pick?
            var topsisRanking: [Ranked]
        }
        let minimised = front.map(PlanEvaluator.minimised)
        let m = minimised.first?.count ?? 4
        let w = weights ?? [Double](repeating: 1, count: m)
        let closeness = DecisionSupport.topsisCloseness(minimised, weights: w)
        let ranking = DecisionSupport.topsisRanking(minimised, weights: w)
        func pick(_ index: Int?) -> Pick? {
            index.map { Pick(plan: front[$0].plan, stations: front[$0].stations.map(\.site), objectives: front[$0].objectives, costs: front[$0].costs) }
        }
        let decision = Decision(
            knee: pick(DecisionSupport.kneeIndex(minimised)),
            kneeRule: "largest distance beyond the hyperplane through the extreme points, on min-max normalised objectives",
            topsisWeights: w, topsisBest: pick(ranking.first),
            topsisRanking: ranking.enumerated().map { Ranked(rank: $0.offset + 1, plan: front[$0.element].plan, closeness: closeness[$0.element]) })
        try AtomicFile.write(try Self.json(decision), to: directory + "/decision.json")
    }

    public func writeRunMetadata(_ metadata: RunMetadata) throws {
        try AtomicFile.write(try Self.json(metadata), to: directory + "/run.json")
    }

    static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }
}

/// Shortest round-trip text of a number (no locale).
func number(_ value: Double) -> String { "\(value)" }

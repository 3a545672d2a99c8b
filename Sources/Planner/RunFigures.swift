import DistributionGrid
import Foundation
import InputParsing
import Plotting
import Restoration
import SmallWorld

/// The figures of planning runs, drawn from their results folders.
///
/// Everything is read back from the files a run writes (`pareto.json`, `history.csv`,
/// `run.json`, `decision.json`), so the same code draws the figures at the end of a run
/// and redraws them later from saved results. The network and feeder figures also need
/// the case the runs were made on (node coordinates, clusters, feeder); it must be the
/// same case, checked by its fingerprint.
///
/// ```swift
/// let figures = try RunFigures(resultsDirectories: ["results/tn12-nsga3-s1"], case: plannerCase)
/// let written = try figures.writeAll(to: "plots/tn12-nsga3-s1", command: "planner run --seed 1")
/// ```
public struct RunFigures {
    /// A figure kind; its raw value is the name used on the command line.
    public enum Kind: String, CaseIterable, Sendable {
        /// Scatter matrix of the objectives, knee and TOPSIS picks highlighted.
        case paretoMatrix = "pareto-matrix"
        /// Parallel coordinates of the front.
        case parallel
        /// Hypervolume by generation, one line per algorithm.
        case convergence
        /// The road network with clusters, long-range links and the knee plan's flows and stations.
        case network
        /// The feeder with the knee plan's station buses, DGs and tie switches.
        case feeder

        /// The PNG file name the figure gets in a plots folder.
        public var fileName: String {
            switch self {
            case .paretoMatrix: return "pareto-matrix.png"
            case .parallel: return "parallel-coordinates.png"
            case .convergence: return "convergence.png"
            case .network: return "network-knee.png"
            case .feeder: return "feeder-knee.png"
            }
        }
    }

    /// One generation of a run's history.
    public struct HistoryPoint: Sendable, Equatable {
        /// Generation number.
        public var generation: Int
        /// Hypervolume of the front after this generation; nil when not measured.
        public var hypervolume: Double?
    }

    /// The saved results of one run.
    public struct SavedRun: Sendable {
        /// The results folder.
        public let directory: String
        /// The run's id: the folder's name.
        public let id: String
        /// `run.json`.
        public let metadata: RunMetadata
        /// `pareto.json`: the front with full breakdowns.
        public let front: [PlanEvaluation]
        /// `history.csv`.
        public let history: [HistoryPoint]
        /// The knee plan's bit string from `decision.json` (nil for an empty front).
        public let kneePlan: String?
        /// The TOPSIS best plan's bit string from `decision.json` (nil for an empty front).
        public let topsisPlan: String?

        /// Reads the results folder `directory`.
        public init(directory: String) throws {
            self.directory = directory
            id = URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
            metadata = try Self.decode(RunMetadata.self, directory + "/run.json")
            front = try Self.decode([PlanEvaluation].self, directory + "/pareto.json")
            let decision = try Self.decode(DecisionPicks.self, directory + "/decision.json")
            kneePlan = decision.knee?.plan
            topsisPlan = decision.topsisBest?.plan
            let path = directory + "/history.csv"
            let table = try CSVTable(path: path, required: ["generation", "hypervolume"])
            history = try table.rows.map { row throws(InputError) in
                let generation = try row.int("generation")
                // An empty field: the run measured no hypervolume in that generation.
                var hypervolume: Double? = nil
                if !(row.optionalString("hypervolume") ?? "").isEmpty { hypervolume = try row.double("hypervolume") }
                return HistoryPoint(generation: generation, hypervolume: hypervolume)
            }
        }

        /// The part of `decision.json` the figures use.
        private struct DecisionPicks: Decodable {
            struct Pick: Decodable { var plan: String }
            var knee: Pick?
            var topsisBest: Pick?
        }

        private static func decode<T: Decodable>(_ type: T.Type, _ path: String) throws -> T {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw InputError(file: path, "cannot read the file; is this a results folder of `planner run`?")
            }
            do {
                return try JSONDecoder().decode(type, from: data)
            } catch {
                throw InputError(file: path, "not the expected JSON of `planner run`: \(error)")
            }
        }
    }

    /// The runs, in the order given.
    public let runs: [SavedRun]
    /// The case the runs were made on.
    public let plannerCase: PlannerCase
    private let evaluator: PlanEvaluator?

    /// Reads the results folders. The first folder is the one whose front, knee plan and
    /// networks are drawn; all of them appear in the convergence figure. `evaluator`
    /// (optional) saves rebuilding the case's evaluator when the caller has one.
    public init(resultsDirectories: [String], case plannerCase: PlannerCase, evaluator: PlanEvaluator? = nil) throws {
        guard !resultsDirectories.isEmpty else { throw PlannerError.missingInput("no results folder given") }
        runs = try resultsDirectories.map { try SavedRun(directory: $0) }
        self.plannerCase = plannerCase
        self.evaluator = evaluator
    }

    /// The tEXt metadata of every figure: run ids (folder names), seeds, case
    /// fingerprint and the command that made the figure.
    public func metadata(command: String) -> [PNGTextEntry] {
        let fingerprints = Set(runs.map(\.metadata.caseFingerprint)).sorted()
        return [
            PNGTextEntry(key: "Run", value: runs.map(\.id).joined(separator: ", ")),
            PNGTextEntry(key: "Seed", value: runs.map { String($0.metadata.seed) }.joined(separator: ", ")),
            PNGTextEntry(key: "Case fingerprint", value: fingerprints.joined(separator: ", ")),
            PNGTextEntry(key: "Command", value: command),
            PNGTextEntry(key: "Software", value: "planner (EVChargingPlanner)"),
        ]
    }

    /// Renders one figure and writes it as a PNG at `path` (written atomically).
    public func write(_ kind: Kind, to path: String, command: String) throws {
        try write(kind, to: path, command: command, evaluator: nil)
    }

    /// Renders every figure into `directory` (created if missing) under its
    /// ``Kind/fileName``; returns the paths written.
    @discardableResult
    public func writeAll(to directory: String, command: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The network and feeder figures share one evaluator, built when first needed so
        // the front figures are written even when the case cannot be checked.
        var shared = evaluator
        var written: [String] = []
        for kind in Kind.allCases {
            if shared == nil, kind == .network || kind == .feeder { shared = try PlanEvaluator(case: try checkedCase()) }
            let path = directory + "/" + kind.fileName
            try write(kind, to: path, command: command, evaluator: shared)
            written.append(path)
        }
        return written
    }

    private func write(_ kind: Kind, to path: String, command: String, evaluator: PlanEvaluator?) throws {
        let raster = try render(kind, evaluator: evaluator)
        try raster.writePNG(to: path, metadata: metadata(command: command))
    }

    /// Renders one figure.
    public func render(_ kind: Kind) throws -> Raster {
        try render(kind, evaluator: nil)
    }

    private func render(_ kind: Kind, evaluator: PlanEvaluator?) throws -> Raster {
        switch kind {
        case .paretoMatrix:
            return try Plot.paretoScatterMatrix(
                paretoFront(travelTimeInThousands: true), style: FigureStyle(size: FigureSize(width: 8, height: 7.5)))
        case .parallel:
            return try Plot.parallelCoordinates(paretoFront(), style: FigureStyle(size: FigureSize(width: 8, height: 4.8)))
        case .convergence:
            return try Plot.convergence(convergencePlot())
        case .network:
            let evaluator = try evaluator ?? self.evaluator ?? PlanEvaluator(case: try checkedCase())
            return try Plot.networkMap(try networkMap(evaluator: evaluator), style: FigureStyle(size: FigureSize(width: 7.5, height: 5.5)))
        case .feeder:
            let evaluator = try evaluator ?? self.evaluator ?? PlanEvaluator(case: try checkedCase())
            // Stations carry only their letters here: spot counts are in the network figure,
            // and longer labels collide on the half-width map.
            var map = try networkMap(evaluator: evaluator)
            for e in map.edges.indices { map.edges[e].markerLabel = nil }
            map.markerLegend = "Station of the knee plan"
            return try Plot.coupledNetworks(
                map, feeder: feederDrawing(), couplings: couplings(evaluator: evaluator), title: feederTitle(),
                style: FigureStyle(size: FigureSize(width: 11, height: 5.5)))
        }
    }

    // MARK: Front

    /// The run whose front and knee plan are drawn.
    private var primary: SavedRun { runs[0] }

    /// Whether every plan of the front has a restoration value (older runs have none).
    private var hasRestoration: Bool {
        !primary.front.isEmpty && primary.front.allSatisfy { $0.objectives.restorationUSDPerYear != nil }
    }

    /// The objectives in their natural sense and units, as drawn.
    private func objectiveQuantities(travelTimeInThousands: Bool) -> [Quantity] {
        var quantities = [
            Quantity(
                name: "UE travel time", unit: travelTimeInThousands ? "10³ veh·min/h" : "veh·min/h", format: .plain,
                preference: .lowerIsBetter),
            Quantity(name: "Small-world utility Z2", format: .plain, preference: .higherIsBetter),
            Quantity(name: "Investment", format: .currency("$"), preference: .lowerIsBetter),
        ]
        if hasRestoration {
            quantities.append(Quantity(name: "Restoration value", unit: "/yr", format: .currency("$"), preference: .higherIsBetter))
        }
        return quantities
    }

    /// The front of the first run, coloured by investment, knee and TOPSIS highlighted.
    /// `travelTimeInThousands` writes travel time in 10³ veh·min/h, whose short tick
    /// labels fit the scatter matrix's narrow panels (millions of veh·min/h otherwise
    /// need nine-character labels).
    func paretoFront(travelTimeInThousands: Bool = false) -> ParetoFront {
        let run = primary
        let withRestoration = hasRestoration
        let travelScale = travelTimeInThousands ? 1e-3 : 1
        let points = run.front.map { e -> [Double] in
            let o = e.objectives
            return [o.travelTimeVehMin * travelScale, o.utilityZ2, o.investmentUSD] + (withRestoration ? [o.restorationUSDPerYear!] : [])
        }
        let knee = run.kneePlan.flatMap { plan in run.front.firstIndex { $0.plan == plan } }
        let topsis = run.topsisPlan.flatMap { plan in run.front.firstIndex { $0.plan == plan } }
        var highlights: [HighlightedPoint] = []
        if let knee, knee == topsis {
            highlights.append(HighlightedPoint(index: knee, label: "Knee = TOPSIS best"))
        } else {
            if let knee { highlights.append(HighlightedPoint(index: knee, label: "Knee")) }
            if let topsis { highlights.append(HighlightedPoint(index: topsis, label: "TOPSIS best")) }
        }
        let title = "Pareto front of \(run.id): \(run.front.count) plans, \(algorithmName(run.metadata.algorithm)) seed \(run.metadata.seed)"
        return ParetoFront(
            title: title, objectives: objectiveQuantities(travelTimeInThousands: travelTimeInThousands), points: points, colorBy: 2, highlights: highlights)
    }

    // MARK: Convergence

    /// Hypervolume by generation: one line per algorithm; median and inter-quartile
    /// band over the seeds of an algorithm when there are several.
    func convergencePlot() throws -> ConvergencePlot {
        // Hypervolumes are comparable only against one reference point.
        let reference = primary.metadata.hypervolumeReference
        for run in runs.dropFirst() {
            let other = run.metadata.hypervolumeReference
            let same = other.count == reference.count
                && zip(other, reference).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($0), abs($1)) }
            guard same else {
                throw PlannerError.missingInput(
                    "\(run.directory)/run.json: hypervolume reference \(other) differs from \(reference) of \(primary.directory); "
                        + "hypervolumes of these runs cannot be compared (different case, parameters or objectives)")
            }
        }
        var order: [String] = []
        var groups: [String: [SavedRun]] = [:]
        for run in runs {
            if groups[run.metadata.algorithm] == nil { order.append(run.metadata.algorithm) }
            groups[run.metadata.algorithm, default: []].append(run)
        }
        var series: [ConvergenceSeries] = []
        var seedCounts: [Int] = []
        for algorithm in order {
            let group = groups[algorithm]!
            // Generations every run of the group reached, so each median is over all seeds.
            var common = Set(group[0].history.map(\.generation))
            for run in group.dropFirst() { common.formIntersection(run.history.map(\.generation)) }
            let generations = common.sorted()
            let runs = group.map { run -> [Double] in
                let byGeneration = Dictionary(run.history.map { ($0.generation, $0.hypervolume ?? .nan) }, uniquingKeysWith: { $1 })
                return generations.map { byGeneration[$0]! }
            }
            let name = algorithmName(algorithm)
            let xs = generations.map(Double.init)
            if group.count == 1 {
                series.append(ConvergenceSeries(name: name, generations: xs, median: runs[0]))
            } else {
                series.append(try ConvergenceSeries(name: "\(name) (\(group.count) seeds)", generations: xs, runs: runs))
            }
            seedCounts.append(group.count)
        }
        let title: String
        if seedCounts.contains(where: { $0 > 1 }) {
            title = "Hypervolume by generation: median and inter-quartile range over seeds"
        } else if runs.count == 1 {
            title = "Hypervolume by generation: \(primary.id)"
        } else {
            title = "Hypervolume by generation"
        }
        // Hypervolume is a product of the objectives' units (about 10¹³ on the built-in
        // case): written as a multiple of a power of ten so the ticks read 1.2, 1.4, ...
        let largest = series.flatMap { $0.median + ($0.upperQuartile ?? []) }.filter { $0.isFinite && $0 > 0 }.max()
        let exponent = largest.map { Int(log10($0).rounded(.down)) } ?? 0
        let scale = pow(10, Double(-exponent))
        let scaled = series.map { s in
            ConvergenceSeries(
                name: s.name, generations: s.generations, median: s.median.map { $0 * scale },
                lowerQuartile: s.lowerQuartile?.map { $0 * scale }, upperQuartile: s.upperQuartile?.map { $0 * scale })
        }
        let unit = exponent == 0 ? "objective units" : "10\(Self.superscript(exponent)) objective units"
        let quantity = Quantity(name: "Hypervolume [\(unit)]", format: .plain, preference: .higherIsBetter)
        return ConvergencePlot(title: title, panels: [ConvergencePanel(quantity: quantity, series: scaled)])
    }

    /// An integer in superscript digits (for powers of ten in labels).
    static func superscript(_ value: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let text = String(String(abs(value)).map { digits[Int(String($0))!] })
        return value < 0 ? "⁻" + text : text
    }

    // MARK: Networks

    /// The case, after checking it is the one the first run was made on.
    private func checkedCase() throws -> PlannerCase {
        guard plannerCase.fingerprint == primary.metadata.caseFingerprint else {
            throw PlannerError.missingInput(
                "\(primary.directory)/run.json: the run was made on case \"\(primary.metadata.caseName)\" "
                    + "(fingerprint \(primary.metadata.caseFingerprint.prefix(12))…), not on the given case "
                    + "\"\(plannerCase.manifest.name)\" (\(plannerCase.fingerprint.prefix(12))…); pass its case with --case")
        }
        return plannerCase
    }

    /// The knee plan of the first run, if its front is not empty.
    private func kneeEvaluation() -> PlanEvaluation? {
        let run = primary
        return run.kneePlan.flatMap { plan in run.front.first { $0.plan == plan } }
    }

    /// Candidate index (position in the case's candidate list) of each knee station.
    private func kneeSites() -> [(candidate: Int, station: PlanEvaluation.Station)] {
        guard let knee = kneeEvaluation() else { return [] }
        return knee.stations.compactMap { station in
            plannerCase.candidates.firstIndex { $0.id == station.site }.map { ($0, station) }
        }
    }

    /// The road network with clusters, long-range links, the knee plan's road flows and stations.
    func networkMap(evaluator: PlanEvaluator) throws -> NetworkMap {
        let plannerCase = try checkedCase()
        guard let coordinates = plannerCase.coordinates else {
            throw PlannerError.missingInput("the network figure needs node coordinates: add traffic.nodes to the case")
        }
        let model = evaluator.clusterModel
        var position = [(x: Double, y: Double)?](repeating: nil, count: plannerCase.network.nodeCount)
        for c in coordinates where position.indices.contains(c.node) { position[c.node] = (c.x, c.y) }
        let nodes = try position.enumerated().map { node, xy -> NetworkMap.Node in
            guard let xy else { throw PlannerError.missingInput("node \(node + 1) has no coordinates") }
            return NetworkMap.Node(label: "\(node + 1)", x: xy.x, y: xy.y, category: model.labels[node])
        }
        let knee = kneeEvaluation()
        var flows: [Double]? = nil
        if let knee {
            guard knee.plan.count == plannerCase.candidates.count else {
                throw PlannerError.missingInput("\(primary.directory)/pareto.json: plan \(knee.plan) has \(knee.plan.count) bits, the case has \(plannerCase.candidates.count) sites")
            }
            let plan = try Plan(bitString: knee.plan, siteCount: plannerCase.candidates.count)
            flows = try evaluator.roadConditions(plan, in: evaluator.makeWorkspace()).flows
        }
        var markers: [Int: [String]] = [:]
        for (candidate, station) in kneeSites() {
            markers[evaluator.siteEdges[candidate], default: []].append("\(station.spots)")
        }
        let edges = evaluator.roadArcs.enumerated().map { road, arcs -> NetworkMap.Edge in
            let link = plannerCase.network.links[arcs[0]]
            var category: Int? = nil
            var isLongRange = false
            switch model.role(ofEdge: road) {
            case .intraCluster(let cluster): category = cluster
            case .longRange: isLongRange = true
            }
            return NetworkMap.Edge(
                from: link.tail, to: link.head, flow: flows?[road], category: category, isHighlighted: isLongRange,
                hasMarker: markers[road] != nil, markerLabel: markers[road]?.joined(separator: ", "))
        }
        let names = model.clusters.map { "Cluster \($0.index + 1)" + ($0.isLocal ? "" : " (sparse)") }
        let title: String
        if let knee {
            title = "Knee plan of \(primary.id): \(knee.stations.count) stations, two-way road flows"
        } else {
            title = "Road network and clusters (empty front: no knee plan to draw)"
        }
        return NetworkMap(
            title: title, nodes: nodes, edges: edges, categoryNames: names,
            flowQuantity: Quantity(name: "Road flow (both directions)", unit: "veh/h", format: .plain),
            highlightLabel: "Long-range link", markerLegend: "Station (charging spots)")
    }

    /// The feeder for drawing: the knee plan's station buses and the case's DGs.
    func feederDrawing() -> Plotting.Feeder {
        let grid: DistributionGrid.Feeder = plannerCase.feeder
        let stationBuses = Set(kneeSites().map { plannerCase.candidates[$0.candidate].busIndex })
        var generators: [Int: [String]] = [:]
        for generator in plannerCase.generators {
            guard let index = grid.index(ofBus: generator.bus) else { continue }
            generators[index, default: []].append(Self.generatorLabel(generator.kind))
        }
        let buses = grid.buses.enumerated().map { index, bus in
            Plotting.Feeder.Bus(
                label: "\(bus.number)", hasStation: stationBuses.contains(index),
                generator: generators[index].map { $0.joined(separator: ", ") })
        }
        let branches = grid.branches.map { Plotting.Feeder.Branch(from: $0.from, to: $0.to, isTie: $0.isTie) }
        return Plotting.Feeder(buses: buses, branches: branches, substation: grid.substation)
    }

    /// Each knee station's road (edge of ``networkMap(evaluator:)``) and feeder bus.
    private func couplings(evaluator: PlanEvaluator) -> [Coupling] {
        kneeSites().map { Coupling(edge: evaluator.siteEdges[$0.candidate], bus: plannerCase.candidates[$0.candidate].busIndex) }
    }

    private func feederTitle() -> String {
        guard let knee = kneeEvaluation() else {
            return "Road network and feeder \(plannerCase.feeder.name) (empty front: no knee plan to draw)"
        }
        let reinforced = knee.grid.reinforcements.isEmpty ? "" : ", \(knee.grid.reinforcements.count) reinforced branches"
        return "Knee plan of \(primary.id): stations on roads and their feeder buses\(reinforced)"
    }

    private static func generatorLabel(_ kind: GeneratorKind) -> String {
        switch kind {
        case .gas: return "Gas"
        case .pv: return "PV"
        case .pvBESS: return "PV+BESS"
        }
    }

    private func algorithmName(_ algorithm: String) -> String {
        switch algorithm {
        case "nsga3": return "NSGA-III"
        case "nsga2": return "NSGA-II"
        case "spea2": return "SPEA2"
        default: return algorithm
        }
    }
}

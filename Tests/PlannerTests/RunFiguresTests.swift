import Foundation
import Testing

@testable import Planner

/// The PNG chunk structure, parsed here so the tests check the files as a viewer reads them.
struct PNGChunks {
    var width: Int
    var height: Int
    var bitDepth: Int
    var colorType: Int
    /// tEXt entries in file order (Latin-1).
    var text: [String: String]

    init(path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
        guard bytes.count > 8, Array(bytes[0..<8]) == signature else { throw PlannerError.missingInput("\(path): bad signature") }
        func u32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        var offset = 8
        var header: (Int, Int, Int, Int)? = nil
        var text: [String: String] = [:]
        var sawEnd = false
        while offset + 12 <= bytes.count {
            let length = u32(offset)
            guard offset + 12 + length <= bytes.count else { throw PlannerError.missingInput("\(path): chunk runs past the end") }
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = bytes[(offset + 8)..<(offset + 8 + length)]
            if type == "IHDR" {
                let b = body.startIndex
                header = (u32(b), u32(b + 4), Int(bytes[b + 8]), Int(bytes[b + 9]))
            } else if type == "tEXt", let zero = body.firstIndex(of: 0) {
                let latin1 = { (s: ArraySlice<UInt8>) in String(s.map { Character(Unicode.Scalar($0)) }) }
                text[latin1(body[..<zero])] = latin1(body[(zero + 1)...])
            }
            offset += 12 + length
            if type == "IEND" {
                sawEnd = true
                break
            }
        }
        guard let (w, h, depth, colorType) = header, sawEnd else { throw PlannerError.missingInput("\(path): no IHDR or IEND") }
        (width, height, bitDepth, self.colorType) = (w, h, depth, colorType)
        self.text = text
    }
}

@Suite(.serialized) struct RunFiguresTests {
    /// One tiny run shared by the tests (the run dominates their time).
    static let run: Result<(directory: String, plannerCase: PlannerCase), any Error> = Result {
        let plannerCase = try PlannerCase.builtIn()
        var settings = RunSettings()
        settings.population = 12
        settings.generations = 3
        settings.seed = 7
        settings.threads = 2
        let directory = NSTemporaryDirectory() + "run-figures-\(UUID().uuidString)/tn12-nsga3-s7"
        try PlannerRun(case: plannerCase, settings: settings, directory: directory, resume: false)
            .run(progress: { _ in }, shouldStop: { false })
        return (directory, plannerCase)
    }

    func temporaryDirectory() -> String { NSTemporaryDirectory() + "run-figures-\(UUID().uuidString)" }

    /// A copy of the run's results folder named `name`, for edited variants.
    func copyOfRun(named name: String) throws -> String {
        let source = try Self.run.get().directory
        let target = temporaryDirectory() + "/" + name
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for file in ["pareto.json", "history.csv", "run.json", "decision.json"] {
            try FileManager.default.copyItem(atPath: source + "/" + file, toPath: target + "/" + file)
        }
        return target
    }

    func editRunMetadata(in directory: String, _ edit: (inout RunMetadata) -> Void) throws {
        let path = directory + "/run.json"
        var metadata = try JSONDecoder().decode(RunMetadata.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        edit(&metadata)
        try JSONEncoder().encode(metadata).write(to: URL(fileURLWithPath: path))
    }

    @Test func everyFigureOfARunIsAPNGWithItsMetadata() throws {
        let (directory, plannerCase) = try Self.run.get()
        let plots = temporaryDirectory()
        let figures = try RunFigures(resultsDirectories: [directory], case: plannerCase)
        let written = try figures.writeAll(to: plots, command: "planner run --population 12 --generations 3 --seed 7")
        #expect(written.map { URL(fileURLWithPath: $0).lastPathComponent } == RunFigures.Kind.allCases.map(\.fileName))
        // Sizes at 150 dpi: scatter matrix 8 x 7.5 in, parallel 8 x 4.8, network 7.5 x 5.5, coupled view 11 x 5.5.
        let expectedSizes: [RunFigures.Kind: (Int, Int)] = [
            .paretoMatrix: (1200, 1125), .parallel: (1200, 720), .network: (1125, 825), .feeder: (1650, 825),
        ]
        for kind in RunFigures.Kind.allCases {
            let png = try PNGChunks(path: plots + "/" + kind.fileName)
            #expect(png.bitDepth == 8, "\(kind)")
            #expect(png.colorType == 6, "\(kind): RGBA")
            if let (w, h) = expectedSizes[kind] {
                #expect(png.width == w && png.height == h, "\(kind): \(png.width) x \(png.height)")
            } else {
                #expect(png.width > 300 && png.height > 300, "\(kind)")
            }
            #expect(png.text["Run"] == "tn12-nsga3-s7", "\(kind)")
            #expect(png.text["Seed"] == "7", "\(kind)")
            #expect(png.text["Case fingerprint"] == plannerCase.fingerprint, "\(kind)")
            #expect(png.text["Command"] == "planner run --population 12 --generations 3 --seed 7", "\(kind)")
        }
    }

    @Test func frontFiguresHighlightTheDecisionPicksAndDropAMissingRestorationObjective() throws {
        let (directory, plannerCase) = try Self.run.get()
        let figures = try RunFigures(resultsDirectories: [directory], case: plannerCase)
        let run = figures.runs[0]
        #expect(!run.front.isEmpty)
        let front = figures.paretoFront()
        #expect(front.points.count == run.front.count)
        let hasRestoration = run.front.allSatisfy { $0.objectives.restorationUSDPerYear != nil }
        #expect(front.objectives.count == (hasRestoration ? 4 : 3))
        #expect(front.colorBy == 2, "coloured by investment")
        let highlighted = Set(front.highlights.map { run.front[$0.index].plan })
        #expect(highlighted == Set([run.kneePlan!, run.topsisPlan!]))
        #expect(front.points[0][0] == run.front[0].objectives.travelTimeVehMin)
        #expect(front.points[0][1] == run.front[0].objectives.utilityZ2, "utility in its natural (maximised) sense")

        // A front with restoration values gets the fourth objective.
        let withRestoration = try copyOfRun(named: "with-restoration")
        var evaluations = run.front
        for i in evaluations.indices { evaluations[i].objectives.restorationUSDPerYear = 1000 * Double(i + 1) }
        try ResultWriter(directory: withRestoration).writeParetoJSON(evaluations)
        let four = try RunFigures(resultsDirectories: [withRestoration], case: plannerCase).paretoFront()
        #expect(four.objectives.count == 4)
        #expect(four.points.last?[3] == 1000 * Double(evaluations.count))
        _ = try RunFigures(resultsDirectories: [withRestoration], case: plannerCase).render(.paretoMatrix)
    }

    @Test func convergenceGroupsRunsByAlgorithmWithQuartilesOverSeeds() throws {
        let (directory, plannerCase) = try Self.run.get()
        let secondSeed = try copyOfRun(named: "tn12-nsga3-s8")
        try editRunMetadata(in: secondSeed) { $0.seed = 8 }
        let other = try copyOfRun(named: "tn12-nsga2-s7")
        try editRunMetadata(in: other) { $0.algorithm = "nsga2" }
        let figures = try RunFigures(resultsDirectories: [directory, secondSeed, other], case: plannerCase)
        let plot = try figures.convergencePlot()
        #expect(plot.panels.count == 1)
        let series = plot.panels[0].series
        #expect(series.map(\.name) == ["NSGA-III (2 seeds)", "NSGA-II"])
        #expect(series[0].generations == [0, 1, 2, 3])
        #expect(series[0].lowerQuartile != nil && series[1].lowerQuartile == nil)
        // Drawn as multiples of one power of ten, the same for every point.
        let hypervolumes = figures.runs[0].history.compactMap(\.hypervolume)
        #expect(hypervolumes.count == 4 && hypervolumes.last! > 0)
        let ratios = zip(series[1].median, hypervolumes).map { $0 / $1 }
        let exponent = log10(ratios[0])
        #expect(abs(exponent - exponent.rounded()) < 1e-9)
        #expect(ratios.allSatisfy { abs($0 / ratios[0] - 1) < 1e-12 })
        #expect(series[1].median.max()! >= 1 && series[1].median.max()! < 10)
        let plots = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: plots, withIntermediateDirectories: true)
        try figures.write(.convergence, to: plots + "/c.png", command: "planner plot convergence")
        #expect(try PNGChunks(path: plots + "/c.png").text["Seed"] == "7, 8, 7")

        // Hypervolumes against different reference points are not comparable.
        let shifted = try copyOfRun(named: "shifted")
        try editRunMetadata(in: shifted) { $0.hypervolumeReference[0] *= 2 }
        #expect(throws: PlannerError.self) { try RunFigures(resultsDirectories: [directory, shifted], case: plannerCase).convergencePlot() }
    }

    @Test func anEmptyFrontStillRendersEveryFigure() throws {
        let (_, plannerCase) = try Self.run.get()
        let empty = try copyOfRun(named: "empty")
        try ResultWriter(directory: empty).writeParetoJSON([])
        try ResultWriter(directory: empty).writeDecision([], weights: nil)
        let figures = try RunFigures(resultsDirectories: [empty], case: plannerCase)
        #expect(figures.runs[0].kneePlan == nil)
        let plots = temporaryDirectory()
        let written = try figures.writeAll(to: plots, command: "test")
        for path in written { #expect(try PNGChunks(path: path).colorType == 6) }
    }

    @Test func networkFiguresRefuseAnotherCase() throws {
        let (_, plannerCase) = try Self.run.get()
        let foreign = try copyOfRun(named: "foreign")
        try editRunMetadata(in: foreign) { $0.caseFingerprint = "0123456789abcdef" }
        let figures = try RunFigures(resultsDirectories: [foreign], case: plannerCase)
        _ = try figures.render(.paretoMatrix)
        #expect(throws: PlannerError.self) { try figures.render(.network) }
        #expect(throws: PlannerError.self) { try figures.render(.feeder) }
    }

    @Test func aFolderWithoutResultsIsAnInputError() throws {
        let (_, plannerCase) = try Self.run.get()
        #expect { try RunFigures(resultsDirectories: [temporaryDirectory()], case: plannerCase) } throws: { error in
            "\(error)".contains("run.json")
        }
    }
}

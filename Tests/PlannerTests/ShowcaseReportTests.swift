import Foundation
import Testing

@testable import Planner

/// The report on the tiny hand case (3 sites, so enumeration and every run are quick):
/// every part is written and every figure `report.md` shows exists.
@Suite struct ShowcaseReportTests {
    @Test func reportWritesEveryTableAndEveryLinkedFigure() throws {
        let fixture = try #require(Bundle.module.url(forResource: "TinyCase", withExtension: nil, subdirectory: "Fixtures"))
        let plannerCase = try PlannerCase.load(manifestPath: fixture.path + "/case.json")
        let root = NSTemporaryDirectory() + "report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        var settings = ReportSettings()
        settings.resultsDirectory = root + "/results/report"
        settings.plotsDirectory = root + "/plots/report"
        settings.population = 8
        settings.generations = 4
        settings.comparisonSeeds = 2
        settings.growthGrid = "0:0.1:0.1"
        settings.sweepPopulation = 8
        settings.sweepGenerations = 2
        settings.threads = 2
        let path = try ShowcaseReport(case: plannerCase, settings: settings).generate { _ in }
        let markdown = try String(contentsOfFile: path, encoding: .utf8)

        for table in [
            "run/pareto.csv", "run/decision.json", "table3.csv", "exact/pareto.csv", "compare/table4.csv", "compare/table5.csv",
            "compare/ranksum.csv", "sweep-demand-cost/sweep.csv", "sweep-cost-coverage/sweep.csv",
        ] {
            #expect(FileManager.default.fileExists(atPath: settings.resultsDirectory + "/" + table), "\(table)")
        }
        // Every image link resolves relative to report.md.
        let links = markdown.split(separator: "](").dropFirst().compactMap { $0.split(separator: ")").first.map(String.init) }
            .filter { $0.hasSuffix(".png") }
        #expect(links.count >= 5)  // front (4) and convergence; sweep surfaces only where a point is feasible
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        for link in links {
            let target = folder.appendingPathComponent(link).standardizedFileURL.path
            #expect(FileManager.default.fileExists(atPath: target), "\(link)")
        }
        #expect(markdown.contains("## Tables IV and V"))
        #expect(markdown.contains("## Table III"))
        #expect(markdown.contains("## Restoration"))
    }
}

import Foundation
import Testing

@testable import Planner

@Suite(.serialized) struct PlannerRunTests {
    func settings(threads: Int, generations: Int) -> RunSettings {
        var s = RunSettings()
        s.population = 12
        s.generations = generations
        s.seed = 7
        s.threads = threads
        s.checkpointSeconds = 0
        return s
    }

    func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "planner-run-\(UUID().uuidString)"
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func sameSeedGivesTheSameFrontForOneAndTwoThreads() throws {
        let plannerCase = try PlannerCase.builtIn()
        var fronts: [String] = []
        for threads in [1, 2] {
            let directory = temporaryDirectory()
            let run = try PlannerRun(
                case: plannerCase, settings: settings(threads: threads, generations: 4), directory: directory, resume: false)
            try run.run(progress: { _ in }, shouldStop: { false })
            fronts.append(try read(directory + "/pareto.csv"))
            for file in ["pareto.json", "history.csv", "run.json", "decision.json", "state.json"] {
                #expect(FileManager.default.fileExists(atPath: directory + "/" + file), "\(file)")
            }
        }
        #expect(fronts[0] == fronts[1])
        #expect(fronts[0].split(separator: "\n").first == Substring(ResultWriter.paretoColumns.joined(separator: ",")))
    }

    @Test func resumingAStoppedRunGivesTheUninterruptedFront() throws {
        let plannerCase = try PlannerCase.builtIn()
        let straight = temporaryDirectory()
        try PlannerRun(case: plannerCase, settings: settings(threads: 2, generations: 5), directory: straight, resume: false)
            .run(progress: { _ in }, shouldStop: { false })

        let interrupted = temporaryDirectory()
        var generationsSeen = 0
        let first = try PlannerRun(
            case: plannerCase, settings: settings(threads: 2, generations: 5), directory: interrupted, resume: false)
        // Stop after generation 2, as Ctrl-C would.
        try first.run(progress: { generationsSeen = $0.generation }, shouldStop: { generationsSeen >= 2 })
        #expect(first.generation == 2)
        let resumed = try PlannerRun(
            case: plannerCase, settings: settings(threads: 2, generations: 5), directory: interrupted, resume: true)
        try resumed.run(progress: { _ in }, shouldStop: { false })
        #expect(resumed.generation == 5)
        #expect(try read(interrupted + "/pareto.csv") == read(straight + "/pareto.csv"))
    }
}

@Suite struct ParetoFilterTests {
    /// Against a brute-force O(n^2) check on seeded random sets with duplicates.
    @Test func matchesBruteForce() {
        var state: UInt64 = 3
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double((state >> 33) % 7)
        }
        for _ in 0..<20 {
            let points = (0..<40).map { i in (i, [next(), next(), next()]) }
            let fast = ParetoFilter.nonDominated(points).map(\.mask)
            let brute = points.filter { p in !points.contains { ParetoFilter.dominates($0.1, p.1) } }.map(\.0)
            #expect(fast == brute)
        }
    }
}

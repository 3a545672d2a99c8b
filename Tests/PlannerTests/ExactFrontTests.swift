import Foundation
import Testing

@testable import Planner

/// `planner enumerate` against `planner run` on the tiny hand case (8 plans).
@Suite struct ExactFrontTests {
    @Test func exactFrontIsNonDominatedAndContainsTheRunsFront() throws {
        let fixture = try #require(Bundle.module.url(forResource: "TinyCase", withExtension: nil, subdirectory: "Fixtures"))
        let plannerCase = try PlannerCase.load(manifestPath: fixture.path + "/case.json")
        let exact = try ExactFront.enumerate(PlanEvaluator(case: plannerCase), threads: 2)
        #expect(!exact.front.isEmpty)
        // Non-dominated: no front point is at least as good everywhere and better somewhere.
        for a in exact.front {
            for b in exact.front where a.mask != b.mask {
                let dominates = zip(b.objectives, a.objectives).allSatisfy { $0 <= $1 }
                    && zip(b.objectives, a.objectives).contains { $0 < $1 }
                #expect(!dominates, "plan \(b.mask) dominates \(a.mask)")
            }
        }
        var settings = RunSettings()
        settings.population = 8
        settings.generations = 10
        settings.threads = 1
        for seed in [1, 2, 3] as [UInt64] {
            settings.seed = seed
            let directory = NSTemporaryDirectory() + "exact-front-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let run = try PlannerRun(case: plannerCase, settings: settings, directory: directory, resume: false)
            try run.run(progress: { _ in }, shouldStop: { false })
            let found = run.problem.nonDominatedPlans()
            #expect(!found.isEmpty)
            for plan in found {
                let match = exact.front.first { $0.mask == plan.mask }
                #expect(match != nil, "seed \(seed): run front plan \(plan.mask) is not on the exact front")
                // The same evaluation on both paths: the objectives agree to the LP's tolerance.
                if let match {
                    for (x, y) in zip(match.objectives, plan.objectives) { #expect(abs(x - y) <= 1e-7 * max(1, abs(y))) }
                }
            }
        }
    }
}

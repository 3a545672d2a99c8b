import Foundation
import InputParsing
import Restoration
import Testing

@testable import Planner

@Suite struct RestorationAdapterTests {
    /// `planner scenarios generate` writes what the case reader loads back unchanged.
    @Test func generatedScenarioTableLoadsAsTheCaseScenarios() throws {
        let directory = try exportedBuiltInCase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let original = try PlannerCase.load(manifestPath: directory + "/case.json")
        let generated = try original.generateScenarios(samples: 100, keep: 3, seed: 1)
        #expect(!generated.isEmpty && generated.count <= 3)
        // Reduced probabilities sum to 1 (rounding of the division only).
        #expect(abs(generated.reduce(0) { $0 + $1.probability } - 1) < 1e-12)
        try AtomicFile.write(
            RestorationTables.scenarioCSV(generated, comment: "test"),
            to: directory + "/" + original.manifest.scenariosFile)
        let reloaded = try PlannerCase.load(manifestPath: directory + "/case.json")
        #expect(reloaded.scenarios == generated)
        #expect(reloaded.fingerprint != original.fingerprint)
        // Same seed, same table.
        #expect(try original.generateScenarios(samples: 100, keep: 3, seed: 1) == generated)
    }

    @Test func planStationsAreTheCandidateBuses() throws {
        let loaded = try PlannerCase.builtIn()
        let count = loaded.candidates.count
        let plan = Plan(bits: (0..<count).map { $0 == 0 || $0 == count - 1 })
        #expect(loaded.stationBuses(plan) == [loaded.candidates[0].bus, loaded.candidates[count - 1].bus].sorted())
        #expect(loaded.stationBuses(Plan(bits: Array(repeating: false, count: count))).isEmpty)
    }
}

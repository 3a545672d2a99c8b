import Foundation
import InputParsing
import Testing

@testable import Planner

/// Copies the built-in case into a fresh temporary folder and returns it.
func exportedBuiltInCase() throws -> String {
    let directory = NSTemporaryDirectory() + "planner-case-\(UUID().uuidString)"
    try PlannerCase.builtIn().export(to: directory)
    return directory
}

/// Replaces the first occurrence of `original` in a case file, failing if absent.
func edit(_ directory: String, _ file: String, replacing original: String, with replacement: String) throws {
    let path = directory + "/" + file
    let text = try String(contentsOfFile: path, encoding: .utf8)
    guard let range = text.range(of: original) else {
        throw InputError(file: path, "test setup: \"\(original)\" not found")
    }
    try text.replacingCharacters(in: range, with: replacement).write(toFile: path, atomically: true, encoding: .utf8)
}

@Suite struct PlannerCaseTests {
    @Test func builtInCaseHasTheDocumentedShape() throws {
        let summary = try PlannerCase.builtIn().summary
        #expect(summary.nodes == 12)
        #expect(summary.directedLinks == 40)
        #expect(summary.odPairs == 132)
        // The trips file lists each OD volume with one decimal; the sum is exact to 1e-6.
        #expect(abs(summary.totalDemandVehPerH - 50_189.2) < 1e-6)
        #expect(summary.candidateSites == 20)
        #expect(summary.buses == 33)
        #expect(summary.branches == 37)
        #expect(summary.ties == 5)
        #expect(abs(summary.totalLoadKW - 3_715) < 1e-9)
        #expect(abs(summary.totalLoadKVAr - 2_300) < 1e-9)
        #expect(summary.generators == 4)
        #expect(summary.scenarios == 1)
    }

    @Test func builtInCouplingFollowsTheSyntheticLinkTable() throws {
        let loaded = try PlannerCase.builtIn()
        // Road 1 is T1-T2 coupled to bus 2; road 19 is T12-T10 coupled to bus 18.
        #expect(loaded.candidates[0].fromNode == 0 && loaded.candidates[0].toNode == 1)
        #expect(loaded.candidates[0].bus == 2 && loaded.candidates[0].arcs.count == 2)
        #expect(loaded.candidates[18].bus == 18 && loaded.candidates[18].lengthKm == 68)
        // Lane cost: 168 MUSD per lane on road 1, times the case's lane_cost_scale.
        #expect(abs(loaded.laneCostUSD[0] - 168e6 * loaded.parameters.laneCostScale) < 1e-3)
        #expect(loaded.laneCapacityVehPerH[0] == 1800)
    }

    @Test func exportThenLoadGivesTheSameCase() throws {
        let original = try PlannerCase.builtIn()
        let directory = try exportedBuiltInCase()
        let copy = try PlannerCase.load(manifestPath: directory + "/case.json")
        #expect(copy.fingerprint == original.fingerprint)
        #expect(copy.summary == original.summary)
        #expect(copy.network == original.network)
        #expect(copy.feeder == original.feeder)
        #expect(copy.parameters == original.parameters)
    }

    /// Malformed inputs, each rejected with a message naming the file and the place.
    /// (file to edit, text to replace, replacement, file named in the error, line, field, message part)
    static let malformed: [(String, String, String, String, Int?, String?, String)] = [
        ("traffic/TN12_net.tntp", "\t1\t2\t3600.0", "\t1\t2\tabc", "TN12_net.tntp", 10, "capacity", "expected a number"),
        ("traffic/TN12_net.tntp", "\t1\t2\t3600.0", "\t1\t13\t3600.0", "TN12_net.tntp", 10, "term_node", "unknown node 13"),
        ("traffic/TN12_net.tntp", "\t1\t2\t3600.0", "\t1\t2\t-3600.0", "TN12_net.tntp", 10, "capacity", "> 0"),
        ("traffic/TN12_net.tntp", "\t2\t1\t3600.0", "\t1\t2\t3600.0", "TN12_net.tntp", 11, "term_node", "duplicate link"),
        ("traffic/TN12_trips.tntp", "12 : 168.3;", "13 : 168.3;", "TN12_trips.tntp", 7, nil, "13"),
        ("feeder/case33bw.m", "\t21\t8\t2.0000\t2.0000\t0\t0\t0\t0\t0\t0\t0", "\t21\t8\t2.0000\t2.0000\t0\t0\t0\t0\t0\t0\t1",
         "case33bw.m", nil, nil, "loop"),
        ("feeder/case33bw.m", "mpc.baseMVA = 10;", "mpc.baseMVA = 10;\nmpc.bus(2, 3) = 7;", "case33bw.m", 18, nil, "unsupported statement"),
        ("restoration/bus_classes.csv", "\n7,residential", "", "bus_classes.csv", nil, "bus", "load bus 7 has no row"),
        ("case.json", "\"range\": \"100 km\"", "\"range\": \"100 leagues\"", "case.json", 18, "ev.range", "unknown unit"),
        ("candidates.csv", "\n3,2,6,19", "\n3,2,6,34", "candidates.csv", 6, "bus", "unknown feeder bus 34"),
        ("candidates.csv", "\n3,2,6,19", "\n3,2,7,19", "candidates.csv", 6, "to_node", "no link joins nodes 2 and 7"),
        ("candidates.csv", "\n3,2,6,19", "\n2,2,6,19", "candidates.csv", 6, "site", "listed twice"),
        ("restoration/scenarios.csv", "16-17;", "16-19;", "scenarios.csv", 4, "damaged_branches", "no feeder branch joins buses 16 and 19"),
        ("restoration/scenarios.csv", "seed001-s2,1.0", "seed001-s2,0.7", "scenarios.csv", nil, "probability", "sum to 0.7"),
        ("restoration/dgs.csv", "PV18,18,pv,500,0,pv,", "PV18,18,pv,500,0,solar,", "dgs.csv", 4, "profile", "unknown profile"),
        ("restoration/dgs.csv", "PV18,18,pv,500,0,pv,", "PV18,18,wind,500,0,pv,", "dgs.csv", 4, "kind", "unknown generator kind"),
        ("traffic/road_upgrades.csv", "\n1,2,", "\n1,2,x", "road_upgrades.csv", 5, "lane_cost_usd", "expected a number"),
    ]

    @Test(arguments: 0..<malformed.count)
    func malformedInputIsRejectedWithItsPlace(index: Int) throws {
        let (file, original, replacement, namedFile, line, field, message) = Self.malformed[index]
        let directory = try exportedBuiltInCase()
        try edit(directory, file, replacing: original, with: replacement)
        do {
            _ = try PlannerCase.load(manifestPath: directory + "/case.json")
            Issue.record("case \(index) (\(file)) was accepted")
        } catch {
            #expect(error.file.hasSuffix(namedFile), "case \(index): \(error)")
            if let line { #expect(error.line == line, "case \(index): \(error)") }
            if let field { #expect(error.field == field, "case \(index): \(error)") }
            #expect(error.description.contains(message), "case \(index): \(error)")
        }
    }

    @Test func missingTableIsReportedByName() throws {
        let directory = try exportedBuiltInCase()
        try FileManager.default.removeItem(atPath: directory + "/traffic/TN12_trips.tntp")
        do {
            _ = try PlannerCase.load(manifestPath: directory + "/case.json")
            Issue.record("accepted a case without its trips")
        } catch {
            #expect(error.file.hasSuffix("traffic/TN12_trips.tntp"))
            #expect(error.message == "file not found")
        }
    }

    @Test func emptyTripsAreRejected() throws {
        let directory = try exportedBuiltInCase()
        let path = directory + "/traffic/TN12_trips.tntp"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Zero every volume: "d : v;" -> "d : 0.0;".
        let zeroed = text.replacingOccurrences(of: #":\s*[0-9.]+;"#, with: ": 0.0;", options: .regularExpression)
            .replacingOccurrences(of: "<TOTAL OD FLOW> 50189.2", with: "<TOTAL OD FLOW> 0")
        try zeroed.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try PlannerCase.load(manifestPath: directory + "/case.json")
            Issue.record("accepted empty trips")
        } catch {
            #expect(error.file.hasSuffix("TN12_trips.tntp"))
            #expect(error.description.contains("empty trips"), "\(error)")
        }
    }
}

import Foundation
import InputParsing
import Testing

@testable import Planner

@Suite struct SweepParameterTests {
    @Test func gridIncludesTheStopAndPrintsCleanValues() throws {
        let axis = try SweepAxis(parsing: "demand_growth=0:0.4:0.05")
        #expect(axis.parameter.name == "demand_growth")
        #expect(axis.values.count == 9)
        // 0.05 * 3 is 0.15000000000000002 in binary; the grid keeps the decimal the user meant.
        #expect(axis.values.map { "\($0)" } == ["0.0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4"])
        #expect(try SweepAxis(parsing: "ev_share=0.5:0.1:0.2").values == [0.5, 0.3, 0.1])
        #expect(try SweepAxis(parsing: "ev_range=100:150:40").values == [100, 140])
    }

    @Test func listKeepsTheGivenOrder() throws {
        let axis = try SweepAxis(parsing: " budget = 3e7, 1e7 ,2e7")
        #expect(axis.values == [3e7, 1e7, 2e7])
        #expect(try SweepAxis(parsing: "max_stations_per_cluster=4").values == [4])
    }

    @Test(arguments: [
        ("speed_growth=0:1:0.5", "unknown sweep parameter; known: demand_growth, "),
        ("demand_growth", "expected name=start:stop:step"),
        ("ev_share=0:1.5:0.5", "value 1.5 is out of range"),
        ("ev_share=0:1:0", "the step must be positive"),
        ("ev_share=0:1", "expected start:stop:step"),
        ("ev_share=0.1,x", "expected a number, found \"x\""),
        ("ev_share=", "expected a number, found \"\""),
        ("ev_share=0.1,0.1", "a value is listed twice"),
        ("max_stations_per_cluster=2.5", "expected a whole number"),
        ("demand_growth=0:1:0.00001", "more than 10000 points"),
        ("demand_growth=nan", "expected a number"),
    ])
    func badInputIsRejectedWithAReason(text: String, message: String) {
        do {
            _ = try SweepAxis(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(String(describing: error).contains(message), "\(error)")
        }
    }

    @Test func unknownNameListsEveryKnownParameter() {
        do {
            _ = try SweepParameter.named("nope")
            Issue.record("accepted an unknown name")
        } catch {
            for parameter in SweepParameter.all { #expect(String(describing: error).contains(parameter.name)) }
        }
    }

    @Test func demandGrowthScalesTotalDemand() throws {
        let base = try PlannerCase.builtIn()
        let grown = try SweepParameter.named("demand_growth").apply(0.1, to: base)
        func total(_ c: PlannerCase) -> Double {
            let problem = PlanEvaluator.trafficProblem(for: c)
            return problem.conventionalDemand.interzonalTotal + problem.evDemand.interzonalTotal
        }
        // Relative to the loaded case's own scale; 1e-12 allows the sums' rounding.
        #expect(abs(total(grown) / total(base) - 1.1) < 1e-12)
        #expect(grown.parameters.demandScale == base.parameters.demandScale * 1.1)
    }

    @Test func costGrowthsScaleTheirUnitCosts() throws {
        let base = try PlannerCase.builtIn()
        let stations = try SweepParameter.named("station_cost_growth").apply(0.25, to: base)
        #expect(stations.parameters.stationCostUSD == base.parameters.stationCostUSD * 1.25)
        #expect(stations.parameters.spotCostUSD == base.parameters.spotCostUSD * 1.25)
        #expect(stations.laneCostUSD == base.laneCostUSD)
        let lanes = try SweepParameter.named("lane_cost_growth").apply(0.5, to: base)
        #expect(lanes.laneCostUSD == base.laneCostUSD.map { $0 * 1.5 })
        #expect(lanes.laneCostUSD.contains { $0 > 0 })
        let all = try SweepParameter.named("cost_growth").apply(1, to: base)
        #expect(all.parameters.lineCostUSD == 2 * base.parameters.lineCostUSD)
        #expect(all.parameters.substationExpansionCostUSDPerKVA == 2 * base.parameters.substationExpansionCostUSDPerKVA)
        #expect(all.laneCostUSD == base.laneCostUSD.map { $0 * 2 })
        let coverage = try SweepParameter.named("coverage_growth").apply(0.2, to: base)
        #expect(coverage.parameters.coverageShare == min(1, base.parameters.coverageShare * 1.2))
        #expect(try SweepParameter.named("coverage_growth").apply(10, to: base).parameters.coverageShare == 1)
        #expect(throws: InputError.self) { try SweepParameter.named("ev_share").apply(-0.1, to: base) }
    }
}

@Suite struct SweepDefinitionTests {
    func definition(seeds: [UInt64] = [1, 2]) throws -> SweepDefinition {
        try SweepDefinition(
            plannerCase: PlannerCase.builtIn(),
            axes: [SweepAxis(parsing: "demand_growth=0:0.2:0.1"), SweepAxis(parsing: "ev_share=0.1,0.2,0.3,0.4")],
            seeds: seeds, algorithm: "nsga3", population: 4, generations: 1)
    }

    @Test func pointsAreTheCartesianProductLastAxisFastest() throws {
        let d = try definition()
        #expect(d.pointCount == 12)
        #expect(d.values(ofPoint: 0) == [0, 0.1])
        #expect(d.values(ofPoint: 1) == [0, 0.2])
        #expect(d.values(ofPoint: 4) == [0.1, 0.1])
        #expect(d.values(ofPoint: 11) == [0.2, 0.4])
        let all = Set((0..<d.pointCount).map { d.values(ofPoint: $0) })
        #expect(all.count == 12)
        #expect(d.pointID(0) == "p01" && d.pointID(11) == "p12")
        #expect(d.tasks.count == 24)
        #expect(d.tasks.prefix(2) == [SweepTask(point: 0, seed: 1), SweepTask(point: 0, seed: 2)])
        let c = try d.pointCase(11, base: PlannerCase.builtIn())
        #expect(c.parameters.evShare == 0.4)
    }

    @Test func shardsCoverEveryTaskExactlyOnce() throws {
        let tasks = try definition().tasks
        for n in 1...7 {
            var seen: [SweepTask: Int] = [:]
            for k in 1...n {
                let share = try SweepShard(parsing: "\(k)/\(n)").deal(tasks)
                #expect(abs(share.count - tasks.count / n) <= 1, "balanced")
                for task in share { seen[task, default: 0] += 1 }
            }
            #expect(seen.count == tasks.count && seen.values.allSatisfy { $0 == 1 }, "\(n) shards")
        }
        for bad in ["0/2", "3/2", "1/0", "1", "a/b", "1/2/3"] {
            #expect(throws: InputError.self, "\(bad)") { try SweepShard(parsing: bad) }
        }
    }

    @Test func recordsRoundTripEveryDoubleExactly() throws {
        let awkward = [0.1 + 0.2, 1e-300, 2.4208628007217316e+18, 1.0 / 3, -0.0, 123456789.12345678]
        let record = SweepRecord(
            point: "p1", pointIndex: 0, values: awkward, seed: 1, frontSize: 3, hypervolume: awkward[2],
            hypervolumeReference: awkward, evaluations: 10, knee: nil, elapsedSeconds: 0.1)
        let back = try SweepRecord.decode(try record.encoded())
        #expect(back.values.map(\.bitPattern) == awkward.map(\.bitPattern))
        #expect(try back.encoded() == (try record.encoded()))
    }

    @Test func surfaceAveragesSeedsAndMarksMissingPoints() throws {
        let d = try SweepDefinition(
            plannerCase: PlannerCase.builtIn(),
            axes: [SweepAxis(parsing: "demand_growth=0.2,0"), SweepAxis(parsing: "station_cost_growth=0,0.1")],
            seeds: [1, 2], algorithm: "nsga3", population: 4, generations: 1)
        let directory = NSTemporaryDirectory() + "sweep-surface-\(UUID().uuidString)"
        let store = try SweepStore.open(directory: directory, definition: d)
        func knee(lines: Double) -> SweepRecord.Knee {
            SweepRecord.Knee(
                plan: "1", stations: [1],
                objectives: .init(travelTimeVehMin: 1, travelTimeCostUSD: 1, utilityZ2: 1, investmentUSD: 1, restorationUSDPerYear: nil),
                costs: .init(stationsUSD: 1, spotsUSD: 0, lanesUSD: 0, substationUSD: 0, linesUSD: lines), lanes: 0, spots: 1,
                averageDistanceToStationKm: nil)
        }
        // Point 0 is (0.2, 0); seeds 1 and 2 give 10 and 30 → mean 20. Point 3 (0, 0.1) one seed.
        for (point, seed, lines) in [(0, UInt64(1), 10.0), (0, 2, 30), (3, 1, 7)] {
            let task = SweepTask(point: point, seed: seed)
            let record = SweepRecord(
                point: d.pointID(point), pointIndex: point, values: d.values(ofPoint: point), seed: seed, frontSize: 1,
                hypervolume: 0, hypervolumeReference: [1], evaluations: 1, knee: knee(lines: lines), elapsedSeconds: 0)
            try store.save(try record.encoded(), for: task)
        }
        let surface = try store.surface(SweepQuantity.named("distribution_line_usd"))
        #expect(surface.xValues == [0, 0.2] && surface.yValues == [0, 0.1])
        #expect(surface.values[0][1] == 20)  // x = 0.2, y = 0
        #expect(surface.values[1][0] == 7)  // x = 0, y = 0.1
        #expect(surface.values[0][0].isNaN && surface.values[1][1].isNaN)
        // A record saved under another task's name is refused.
        let wrong = try #require(store.record(SweepTask(point: 0, seed: 1)))
        #expect(throws: (any Error).self) { try store.save(try wrong.encoded(), for: SweepTask(point: 1, seed: 1)) }
    }
}

/// Whole sweeps on the built-in case with tiny optimisations (population 8, 2 generations:
/// enough to find feasible plans at every point), so the suite stays fast in a debug build.
@Suite(.serialized) struct SweepRunTests {
    func definition() throws -> SweepDefinition {
        try SweepDefinition(
            plannerCase: PlannerCase.builtIn(),
            axes: [SweepAxis(parsing: "demand_growth=0,0.2"), SweepAxis(parsing: "station_cost_growth=0:0.2:0.2")],
            seeds: [1], algorithm: "nsga3", population: 8, generations: 2)
    }

    func temporaryDirectory(_ name: String) -> String { NSTemporaryDirectory() + "sweep-\(name)-\(UUID().uuidString)" }

    func runAll(_ store: SweepStore, _ tasks: [SweepTask], threads: Int) throws -> [SweepTask] {
        var delivered: [SweepTask] = []
        try SweepRunner(store: store, baseCase: PlannerCase.builtIn(), threads: threads).execute(tasks, shouldStop: { false }) {
            task, data in
            try store.save(data, for: task)
            delivered.append(task)
        }
        return delivered
    }

    @Test func shardsMergeToTheSingleRunTableAndResumeSkipsFinishedTasks() throws {
        let d = try definition()
        // The whole sweep on two threads.
        let single = try SweepStore.open(directory: temporaryDirectory("single"), definition: d)
        #expect(Set(try runAll(single, d.tasks, threads: 2)) == Set(d.tasks))
        #expect(try single.writeTable().isEmpty)
        let table = try String(contentsOfFile: single.directory + "/sweep.csv", encoding: .utf8)
        #expect(table.split(separator: "\n").count == 5)
        #expect(table.hasPrefix(SweepTable.columns(d).joined(separator: ",") + "\n"))
        #expect(single.records().allSatisfy { $0.knee != nil && $0.frontSize > 0 && $0.hypervolume > 0 })

        // Two shards, one thread each, merged: the same bytes.
        var shards: [String] = []
        for k in 1...2 {
            let store = try SweepStore.open(directory: temporaryDirectory("shard\(k)"), definition: d)
            let share = SweepShard(validIndex: k, count: 2).deal(d.tasks)
            _ = try runAll(store, share, threads: 1)
            shards.append(store.directory)
        }
        let merged = temporaryDirectory("merged")
        let (_, missing) = try SweepStore.merge(shards, into: merged)
        #expect(missing.isEmpty)
        #expect(try String(contentsOfFile: merged + "/sweep.csv", encoding: .utf8) == table)
        let means = try String(contentsOfFile: single.directory + "/sweep-mean.csv", encoding: .utf8)
        #expect(try String(contentsOfFile: merged + "/sweep-mean.csv", encoding: .utf8) == means)
        #expect(means.split(separator: "\n").count == 5)
        // One shard alone is incomplete and says so.
        #expect(try SweepStore.merge([shards[0]], into: temporaryDirectory("half")).missing.count == 2)

        // Resume: nothing left; after losing one record only that task runs again, and the
        // table comes out the same.
        #expect(single.pending(d.tasks).isEmpty)
        let lost = d.tasks[2]
        try FileManager.default.removeItem(atPath: single.recordPath(lost))
        #expect(single.pending(d.tasks) == [lost])
        #expect(try runAll(single, single.pending(d.tasks), threads: 2) == [lost])
        try single.writeTable()
        #expect(try String(contentsOfFile: single.directory + "/sweep.csv", encoding: .utf8) == table)

        // A different sweep may not reuse the folder.
        var other = d
        other.generations = 3
        #expect(throws: InputError.self) { try SweepStore.open(directory: single.directory, definition: other) }
    }
}

import Foundation
import Testing

@testable import Restoration

/// Pins the fast evaluator's results: the planner's committed results depend on them, so a
/// speed-up must give bit-identical values. The expected values were recorded from the
/// evaluator before its optimisation (see `Fixtures/FastEvaluatorBaseline.swift`).
@Suite("Fast evaluator regression")
struct FastEvaluatorRegressionTests {
    /// One system variant of the pinned cases.
    struct Variant {
        var name: String
        var system: RestorationSystem
    }

    /// The reference case (ties switchable, binary pickup), and variants that reach the
    /// other branches of the heuristic: continuous pickup, ties open, and branch ratings with
    /// a PV+BESS unit (shared inverter limit, energy-limited non-fleet source).
    static func variants() -> [Variant] {
        let reference = RestorationReferenceCase.system()
        let continuous = RestorationReferenceCase.system(options: RestorationOptions(pickup: .continuous))
        let noTies = RestorationReferenceCase.system(options: RestorationOptions(tiesSwitchable: false))
        let base = RestorationReferenceCase.network()
        let ratedBranches = RestorationReferenceCase.branchData.enumerated().map { k, b in
            RestorationNetwork.Branch(
                from: b.from, to: b.to, resistanceOhm: b.r, reactanceOhm: b.x, isTie: b.tie,
                ratingKVA: [900.0, 1_400, 2_500][k % 3])
        }
        // Literal data: construction cannot fail.
        let ratedNetwork = try! RestorationNetwork(
            buses: base.buses, branches: ratedBranches, baseKV: 12.66, minVoltagePU: 0.95, maxVoltagePU: 1.05,
            substationBus: 1)
        var generators = RestorationReferenceCase.generators
        generators[1] = DistributedGenerator(
            name: "PVB22", bus: 22, kind: .pvBESS, maxActivePowerKW: 500, maxReactivePowerKVAr: 200,
            profile: RestorationReferenceCase.photovoltaic, energyKWh: 900)
        let rated = try! RestorationSystem(
            network: ratedNetwork, generators: generators, fleet: RestorationReferenceCase.fleet)
        return [
            Variant(name: "reference", system: reference), Variant(name: "continuous", system: continuous),
            Variant(name: "no-ties", system: noTies), Variant(name: "rated+bess", system: rated),
        ]
    }

    static let scenariosPerVariant = 8
    static let setsPerScenario = 10

    /// Fingerprints of the fast evaluator on every pinned case: per (variant, scenario,
    /// station set, component with stations) the value's bits, each hour's weighted kWh
    /// served (bits) and a hash of every hour's pickups, outputs and switching.
    static func fingerprints(voltagePassWidth: Int) throws -> [UInt64] {
        var records: [UInt64] = []
        for variant in variants() {
            let random = GSLRandom(seed: 7)
            for s in 0..<scenariosPerVariant {
                let scenario = RestorationReferenceCase.randomFaultScenario(using: random, name: "\(variant.name)-\(s)")
                let base = try ScenarioBase(system: variant.system, scenario: scenario)
                for _ in 0..<setsPerScenario {
                    let stations = RestorationReferenceCase.randomStations(using: random, maxFleets: 3)
                    let grouped = try ScenarioInstance.group(stations, base: base, name: scenario.name)
                    for id in base.members.indices {
                        guard let here = grouped.byComponent[id], !here.isEmpty,
                            let component = base.component(id, stations: here)
                        else { continue }
                        var evaluator = FastComponentEvaluator(component: component, pickup: variant.system.options.pickup)
                        evaluator.voltagePassWidth = voltagePassWidth
                        let solution = evaluator.evaluate(floor: nil)
                        records.append(solution.value.bitPattern)
                        var hash = BitFingerprint()
                        for (t, operation) in solution.operations.enumerated() {
                            var served = 0.0
                            for i in 0..<component.busCount { served += component.value(i, t) * operation.pickup[i] }
                            records.append(served.bitPattern)
                            for x in operation.pickup + operation.active + operation.reactive + operation.squaredVoltage {
                                hash.add(x.bitPattern)
                            }
                        }
                        for closed in solution.closedEdges { hash.add(closed ? 1 : 0) }
                        for root in solution.rootBuses { hash.add(root ? 1 : 0) }
                        records.append(hash.value)
                    }
                }
            }
        }
        return records
    }

    /// The voltage pass's widths this processor runs: the portable loop, and AVX2 and
    /// AVX-512 where available (all must give the recorded bits).
    static var widths: [Int] { [0, 256, 512].filter { $0 <= VoltagePassSupport.width } }

    @Test("values, hourly service and operations are bit-identical to the recorded baseline", arguments: widths)
    func matchesBaseline(voltagePassWidth: Int) throws {
        let records = try Self.fingerprints(voltagePassWidth: voltagePassWidth)
        // Record mode (when the results change on purpose): writes the fixture from the
        // portable loop.
        if voltagePassWidth == 0, let path = ProcessInfo.processInfo.environment["RESTORATION_RECORD_FAST_BASELINE"] {
            try Self.fixtureSource(records).write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(records.count == fastEvaluatorBaseline.count)
        let mismatches = zip(records, fastEvaluatorBaseline).enumerated().filter { $0.element.0 != $0.element.1 }
        #expect(mismatches.isEmpty, "first mismatches at records \(mismatches.prefix(5).map(\.offset))")
    }

    static func fixtureSource(_ records: [UInt64]) -> String {
        var text = """
            // Generated by FastEvaluatorRegressionTests with RESTORATION_RECORD_FAST_BASELINE set.
            // Recorded before the evaluator's first speed-up (5788771) and again when its
            // results last changed on purpose: the efficiency order only in power-bound hours
            // (docs/restoration.md, "Fast evaluator").
            // Fingerprints of \(records.count / 1) words: see `FastEvaluatorRegressionTests.fingerprints`.

            /// Recorded fingerprints of the fast evaluator (do not edit by hand).
            let fastEvaluatorBaseline: [UInt64] = [

            """
        for start in stride(from: 0, to: records.count, by: 4) {
            let line = records[start..<min(start + 4, records.count)].map { "0x" + String($0, radix: 16) }
            text += "    " + line.joined(separator: ", ") + ",\n"
        }
        return text + "]\n"
    }
}

import Testing

@testable import Restoration

/// Seed 001 scenario 2 (faults 16-17, 17-18, 21-22, 6-26, 9-15, 12-22; 08:00-16:00), one
/// fleet at the named bus, against the reference values of the restoration defaults
/// (an independent MILP, HiGHS, gap 1e-4; the table rounds to whole kWh).
@Suite("Scenario 2 reference values")
struct ReferenceValueTests {
    /// The MILP gap of the references (0.01 %) plus their rounding to whole kWh.
    static func agrees(_ value: Double, _ reference: Double) -> Bool {
        abs(value - reference) <= 1e-4 * reference + 0.5
    }

    static func solve(_ stations: [Int], ties: Bool, pickup: PickupMode) throws -> RestorationOutcome {
        let system = RestorationReferenceCase.system(options: RestorationOptions(tiesSwitchable: ties, pickup: pickup))
        return try ExactRestoration.solve(system, scenario: RestorationReferenceCase.seed001Scenario2(), stations: stations)
    }

    static let switchable: [([Int], Double)] = [([], 24_640), ([18], 38_153), ([22], 26_036), ([25], 38_153), ([33], 38_153)]
    static let fixedOpen: [([Int], Double)] = [([], 21_227), ([18], 21_658), ([22], 22_624), ([25], 30_977), ([33], 27_174)]
    static let continuousPickup: [([Int], Double)] = [
        ([], 25_137), ([18], 38_479), ([22], 26_534), ([25], 38_479), ([33], 38_479),
    ]

    @Test("ties switchable, binary pickup", arguments: switchable)
    func tiesSwitchable(stations: [Int], reference: Double) throws {
        let outcome = try Self.solve(stations, ties: true, pickup: .binary)
        #expect(Self.agrees(outcome.weightedEnergyKWh, reference), "\(stations): \(outcome.weightedEnergyKWh)")
        #expect((outcome.relativeGap ?? 1) <= 1e-4)
    }

    @Test("ties may not close, binary pickup", arguments: fixedOpen)
    func tiesFixedOpen(stations: [Int], reference: Double) throws {
        let outcome = try Self.solve(stations, ties: false, pickup: .binary)
        #expect(Self.agrees(outcome.weightedEnergyKWh, reference), "\(stations): \(outcome.weightedEnergyKWh)")
    }

    @Test("continuous pickup, ties switchable", arguments: continuousPickup)
    func continuous(stations: [Int], reference: Double) throws {
        let outcome = try Self.solve(stations, ties: true, pickup: .continuous)
        #expect(Self.agrees(outcome.weightedEnergyKWh, reference), "\(stations): \(outcome.weightedEnergyKWh)")
    }

    @Test("seed 001's ranking with ties fixed open: 25 > 33 > 22 > 18")
    func ranking() throws {
        let values = try [25, 33, 22, 18].map { try Self.solve([$0], ties: false, pickup: .binary).weightedEnergyKWh }
        #expect(values == values.sorted(by: >))
    }

    @Test("every island is a tree with one grid-forming root, islands are disjoint")
    func radiality() throws {
        for stations in [[25], [18, 22]] {
            let outcome = try Self.solve(stations, ties: true, pickup: .binary)
            var seen = Set<Int>()
            for island in outcome.islands {
                #expect(island.closedBranches.count == island.buses.count - 1)
                #expect(island.buses.contains(island.rootBus))
                // Connected: a walk over the closed branches from the root reaches every bus.
                var reached: Set<Int> = [island.rootBus]
                var frontier = [island.rootBus]
                while let bus = frontier.popLast() {
                    for branch in island.closedBranches where branch.low == bus || branch.high == bus {
                        let other = branch.low == bus ? branch.high : branch.low
                        if reached.insert(other).inserted { frontier.append(other) }
                    }
                }
                #expect(reached == Set(island.buses))
                #expect(seen.isDisjoint(with: island.buses))
                seen.formUnion(island.buses)
                // No damaged branch is closed.
                let damaged = Set(RestorationReferenceCase.seed001Scenario2().damagedBranches)
                #expect(island.closedBranches.allSatisfy { !damaged.contains($0) })
            }
            // Every served bus is energised.
            for hour in outcome.hours { #expect(Set(hour.servedBuses).isSubset(of: seen)) }
        }
    }
}

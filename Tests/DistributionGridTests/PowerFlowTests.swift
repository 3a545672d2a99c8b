import Testing

@testable import DistributionGrid

/// Reference values: pandapower 3.5.6 AC power flow (Newton-Raphson), measured on the
/// MATPOWER cases. The issue asks for agreement to 1e-5 pu and 0.1 kW; the references
/// themselves are printed to 5 decimals / 0.01 kW, so the tolerances below are half a unit
/// of the last printed digit plus the sweep's own tolerance (~1e-10).
@Suite struct PowerFlowReferenceTests {
    func solve(_ feeder: Feeder, source: Double, extra: [(Int, Double, Double)] = []) throws -> PowerFlowSolution {
        var loads = feeder.baseLoads
        for (bus, p, q) in extra { loads.add(pKW: p, qKVAr: q, toBus: feeder.bus(bus)) }
        var solver = DistFlowSolver(feeder: feeder)
        return try solver.solve(loads: loads, sourceVoltage: source)
    }

    @Test func case33bwAtOnePerUnit() throws {
        let feeder = Fixture.case33bw
        let s = try solve(feeder, source: 1.0)
        #expect(abs(s.summary.minVoltage - 0.91309) <= 0.5e-5)
        #expect(feeder.buses[s.summary.minVoltageBus].number == 18)
        #expect(abs(s.summary.lossesKW - 202.68) <= 0.005)
        #expect(abs(s.summary.substationPKW - 3917.68) <= 0.005)
        #expect(abs(s.summary.substationQKVAr - 2435.14) <= 0.005)
        // Energy balance: substation = loads + losses.
        #expect(abs(s.summary.substationPKW - 3715 - s.summary.lossesKW) <= 1e-6)
        let lin = DistFlowSolver(feeder: feeder).linDistFlow(loads: feeder.baseLoads, sourceVoltage: 1.0)
        #expect(abs(lin.minVoltage - 0.91593) <= 0.5e-5)
        // LinDistFlow leaves out the losses and under-prices the substation by 244 kVA.
        let error = LinDistFlowError(exact: s, linear: lin)
        #expect(abs(error.substationKVAError - -243.5) <= 0.5)
    }

    @Test func case33bwAtHigherSource() throws {
        let feeder = Fixture.case33bw
        let s = try solve(feeder, source: 1.05)
        #expect(abs(s.summary.minVoltage - 0.96788) <= 0.5e-5)
        #expect(feeder.buses[s.summary.minVoltageBus].number == 18)
        #expect(abs(s.summary.lossesKW - 181.20) <= 0.005)
    }

    @Test func case69AtOnePerUnit() throws {
        let feeder = Fixture.case69
        let s = try solve(feeder, source: 1.0)
        #expect(abs(s.summary.minVoltage - 0.90919) <= 0.5e-5)
        #expect(feeder.buses[s.summary.minVoltageBus].number == 65)
        #expect(abs(s.summary.lossesKW - 224.99) <= 0.005)
    }

    @Test func case33bwWithExtraLoads() throws {
        let feeder = Fixture.case33bw
        let a = try solve(feeder, source: 1.0, extra: [(18, 1000, 0)])
        #expect(abs(a.summary.minVoltage - 0.82112) <= 0.5e-5)
        #expect(abs(a.summary.lossesKW - 482.8) <= 0.05)
        let b = try solve(feeder, source: 1.0, extra: [(33, 2000, 0)])
        #expect(abs(b.summary.minVoltage - 0.80288) <= 0.5e-5)
        #expect(abs(b.summary.lossesKW - 783.7) <= 0.05)
        // 2 MW at bus 18: LinDistFlow under-prices the substation by about 1,578 kVA.
        let c = try solve(feeder, source: 1.0, extra: [(18, 2000, 0)])
        var loads = feeder.baseLoads
        loads.add(pKW: 2000, qKVAr: 0, toBus: feeder.bus(18))
        let lin = DistFlowSolver(feeder: feeder).linDistFlow(loads: loads, sourceVoltage: 1.0)
        #expect(abs(LinDistFlowError(exact: c, linear: lin).substationKVAError - -1578) <= 1)
    }

    @Test func loadBeyondTheNosePointHasNoSolution() throws {
        let feeder = Fixture.case33bw
        #expect {
            _ = try solve(feeder, source: 1.0, extra: [(18, 3000, 0)])
        } throws: { error in
            guard case PowerFlowError.voltageCollapse = error else { return false }
            return true
        }
        // The loadability at bus 18 is about 2.44 MW: just below it the sweep still
        // converges (slowly, near the nose), just above it collapses.
        var solver = DistFlowSolver(feeder: feeder, options: DistFlowOptions(maxIterations: 5000))
        var below = feeder.baseLoads
        below.add(pKW: 2420, qKVAr: 0, toBus: feeder.bus(18))
        let nearNose = try solver.solveSummary(loads: below, sourceVoltage: 1.0)
        #expect(nearNose.minVoltage < 0.65)
        var above = feeder.baseLoads
        above.add(pKW: 2450, qKVAr: 0, toBus: feeder.bus(18))
        #expect(throws: PowerFlowError.self) { try solver.solveSummary(loads: above, sourceVoltage: 1.0) }
    }
}

import Testing

@testable import DistributionGrid

/// Minimal complex arithmetic for the hand solutions.
struct Complex {
    var re: Double
    var im: Double
    init(_ re: Double, _ im: Double) {
        self.re = re
        self.im = im
    }
    static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    static func * (a: Complex, b: Complex) -> Complex { Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re) }
    static func / (a: Complex, b: Complex) -> Complex {
        let d = b.re * b.re + b.im * b.im
        return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }
    var conjugate: Complex { Complex(re, -im) }
    var magnitude: Double { (re * re + im * im).squareRoot() }
    var squaredMagnitude: Double { re * re + im * im }
}

/// Builds a feeder with 1 kV and 1 MVA bases, so ohms are per unit and kW are 1000 × pu.
func chainFeeder(loads: [(Double, Double)], impedances: [(Double, Double)]) throws -> Feeder {
    let buses = [Feeder.Bus(number: 1, pKW: 0, qKVAr: 0)]
        + loads.enumerated().map { Feeder.Bus(number: $0.offset + 2, pKW: $0.element.0, qKVAr: $0.element.1) }
    let branches = impedances.enumerated().map { Feeder.Branch(from: $0.offset, to: $0.offset + 1, rOhm: $0.element.0, xOhm: $0.element.1) }
    return try Feeder(name: "chain", baseKV: 1, baseMVA: 1, buses: buses, branches: branches, substation: 0)
}

@Suite struct HandSolvedTests {
    /// Three buses in a chain 1-2-3, solved by hand with the ladder method: fix the far-end
    /// voltage, walk back to the source with Ohm's law (I = conj(S/V), V_up = V + Z I),
    /// then give the sweep the source voltage that came out. In per unit:
    /// z12 = 0.01 + 0.02j, z23 = 0.02 + 0.01j, S2 = 0.3 + 0.1j, S3 = 0.5 + 0.2j, V3 = 0.95.
    @Test func threeBusChainMatchesTheLadderSolution() throws {
        let z12 = Complex(0.01, 0.02)
        let z23 = Complex(0.02, 0.01)
        let s2 = Complex(0.3, 0.1)
        let s3 = Complex(0.5, 0.2)
        let v3 = Complex(0.95, 0)
        let i23 = (s3 / v3).conjugate
        let v2 = v3 + z23 * i23
        let i12 = i23 + (s2 / v2).conjugate
        let v1 = v2 + z12 * i12
        let losses = z12.re * i12.squaredMagnitude + z23.re * i23.squaredMagnitude
        let sourceP = s2.re + s3.re + losses
        let sourceQ = s2.im + s3.im + z12.im * i12.squaredMagnitude + z23.im * i23.squaredMagnitude

        let feeder = try chainFeeder(loads: [(300, 100), (500, 200)], impedances: [(0.01, 0.02), (0.02, 0.01)])
        var solver = DistFlowSolver(feeder: feeder, options: DistFlowOptions(tolerance: 1e-14))
        let s = try solver.solve(loads: feeder.baseLoads, sourceVoltage: v1.magnitude)
        // Tolerances: the sweep stops at 1e-14 pu² of change, so 1e-12 is ample.
        #expect(abs(s.voltage[1] - v2.magnitude) < 1e-12)
        #expect(abs(s.voltage[2] - 0.95) < 1e-12)
        #expect(abs(s.summary.lossesKW - losses * 1000) < 1e-9)
        #expect(abs(s.summary.substationPKW - sourceP * 1000) < 1e-9)
        #expect(abs(s.summary.substationQKVAr - sourceQ * 1000) < 1e-9)
        #expect(abs(s.branchCurrentA[0] - i12.magnitude * 1e6 / (3.0.squareRoot() * 1e3)) < 1e-6)
        #expect(s.summary.minVoltageBus == 2)
        // Two-bus closed form for the last branch given v2: |V3|^4 - (v2 - 2(rP+xQ))|V3|^2 + |z|^2 |S|^2 = 0.
        let b = v2.squaredMagnitude - 2 * (z23.re * s3.re + z23.im * s3.im)
        let v3Squared = (b + (b * b - 4 * z23.squaredMagnitude * s3.squaredMagnitude).squareRoot()) / 2
        #expect(abs(v3Squared.squareRoot() - 0.95) < 1e-12)
    }

    /// LinDistFlow drops terms of second order in the flows, so its error shrinks like the
    /// square of the load scale: ×0.1 load -> ×0.01 error.
    @Test func linDistFlowConvergesToTheExactFlowAsLoadsShrink() throws {
        let feeder = Fixture.case33bw
        var solver = DistFlowSolver(feeder: feeder)
        var errors: [Double] = []
        for scale in [1.0, 0.1, 0.01] {
            let loads = feeder.baseLoads.scaled(by: scale)
            let exact = try solver.solve(loads: loads, sourceVoltage: 1.0)
            let lin = solver.linDistFlow(loads: loads, sourceVoltage: 1.0)
            errors.append(LinDistFlowError(exact: exact, linear: lin).maxVoltageError)
        }
        #expect(errors[0] > 1e-3)  // visible at full load (0.91593 vs 0.91309 at bus 18)
        #expect(errors[1] < 0.02 * errors[0])
        #expect(errors[2] < 0.02 * errors[1])
        #expect(errors[2] < 1e-6)
    }

    @Test func parallelCircuitsDivideTheImpedance() throws {
        let single = try chainFeeder(loads: [(300, 100), (500, 200)], impedances: [(0.01, 0.02), (0.01, 0.005)])
        let halved = try chainFeeder(loads: [(300, 100), (500, 200)], impedances: [(0.01, 0.02), (0.005, 0.0025)])
        var a = DistFlowSolver(feeder: single)
        a.setCircuits(2, onBranch: 1)
        var b = DistFlowSolver(feeder: halved)
        let sa = try a.solve(loads: single.baseLoads, sourceVoltage: 1.02)
        let sb = try b.solve(loads: halved.baseLoads, sourceVoltage: 1.02)
        #expect(sa.voltage == sb.voltage)
        a.resetCircuits()
        #expect(a.circuits == [1, 1])
    }

    @Test func islandTreeSolvesOnlyItsBuses() throws {
        let feeder = Fixture.case33bw
        var closed = feeder.normalSwitchState
        closed[16] = false  // open 17-18: bus 18 is cut off
        let tree = try feeder.radialTree(closed: closed, spanning: false)
        var solver = DistFlowSolver(feeder: feeder, tree: tree)
        let s = try solver.solve(loads: feeder.baseLoads, sourceVoltage: 1.0)
        #expect(s.voltage[feeder.bus(18)].isNaN)
        #expect(abs(s.summary.substationPKW - s.summary.lossesKW - (3715 - 90)) < 1e-6)
    }

    @Test func invalidInputsAreTypedErrors() {
        let feeder = Fixture.case33bw
        var solver = DistFlowSolver(feeder: feeder)
        #expect(throws: PowerFlowError.invalidInput("source voltage must be > 0 pu, found 0.0")) {
            try solver.solveSummary(loads: feeder.baseLoads, sourceVoltage: 0)
        }
        var loads = feeder.baseLoads
        loads.pKW[3] = .nan
        #expect(throws: PowerFlowError.self) { try solver.solveSummary(loads: loads, sourceVoltage: 1) }
        solver.options.maxIterations = 2
        #expect {
            try solver.solveSummary(loads: feeder.baseLoads, sourceVoltage: 1)
        } throws: { error in
            guard case PowerFlowError.notConverged(iterations: 2, _) = error else { return false }
            return true
        }
    }

    @Test func stationLoadFollowsSpotsAndPowerFactor() {
        let station = StationLoad(bus: 4, spots: 20, kWPerSpot: 50, simultaneity: 0.6, powerFactor: 0.95)
        #expect(station.pKW == 600)
        // Q = P tan(acos 0.95) = 600 × 0.328684...
        #expect(abs(station.qKVAr - 197.2104) < 1e-4)
        var loads = BusLoads(count: 6)
        loads.add(station)
        #expect(loads.pKW[4] == 600 && loads.totalQKVAr == station.qKVAr)
    }
}

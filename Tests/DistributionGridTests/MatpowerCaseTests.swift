import InputParsing
import Testing

@testable import DistributionGrid

/// A small valid case; `replace` swaps a line for error tests.
func smallCase(
    bus: [String] = [
        "1\t3\t0\t0\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;",
        "2\t1\t100\t60\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;",
        "3\t1\t90\t40\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;",
    ],
    branch: [String] = [
        "1\t2\t0.0922\t0.0470\t0\t0\t0\t0\t0\t0\t1\t-360\t360;",
        "2\t3\t0.4930\t0.2511\t0\t0\t0\t0\t0\t0\t1\t-360\t360;",
    ],
    conversions: [String] = [
        "[PQ, PV, REF, NONE, BUS_I, BUS_TYPE, PD, QD, GS, BS, BUS_AREA, VM, ...",
        "    VA, BASE_KV, ZONE, VMAX, VMIN, LAM_P, LAM_Q, MU_VMAX, MU_VMIN] = idx_bus;",
        "[F_BUS, T_BUS, BR_R, BR_X, BR_B, RATE_A, RATE_B, RATE_C, ...",
        "    TAP, SHIFT, BR_STATUS, PF, QF, PT, QT, MU_SF, MU_ST, ...",
        "    ANGMIN, ANGMAX, MU_ANGMIN, MU_ANGMAX] = idx_brch;",
        "Vbase = mpc.bus(1, BASE_KV) * 1e3;      %% in Volts",
        "Sbase = mpc.baseMVA * 1e6;              %% in VA",
        "mpc.branch(:, [BR_R BR_X]) = mpc.branch(:, [BR_R BR_X]) / (Vbase^2 / Sbase);",
        "mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e3;",
    ]
) -> String {
    // Line numbers: bus rows from line 6, gen row 11, branch rows from 14, conversions from 17.
    var lines = [
        "function mpc = small",
        "%% a three-bus test feeder",
        "mpc.version = '2';",
        "mpc.baseMVA = 10;",
        "mpc.bus = [ %% kW here",
    ]
    lines += bus.map { "\t" + $0 }
    lines += ["];", "mpc.gen = [", "\t1\t0\t0\t10\t-10\t1\t100\t1\t10\t0;", "];", "mpc.branch = ["]
    lines += branch.map { "\t" + $0 }
    lines += ["];"]
    lines += conversions
    return lines.joined(separator: "\n") + "\n"
}

func inputError(_ body: () throws -> Void) -> InputError? {
    do {
        try body()
        return nil
    } catch let error as InputError {
        return error
    } catch {
        return nil
    }
}

@Suite struct MatpowerReaderTests {
    @Test func readsCase33bwWithItsUnitConversions() throws {
        let mpc = try MatpowerCase(path: Fixture.path("case33bw"))
        #expect(mpc.name == "case33bw")
        #expect(mpc.version == "2")
        #expect(mpc.baseMVA == 10)
        #expect(mpc.bus.rows.count == 33 && mpc.bus.columnCount == 13)
        #expect(mpc.branch.rows.count == 37 && mpc.branch.columnCount == 13)
        #expect(mpc.gen.rows.count == 1 && mpc.gen.columnCount == 21)
        #expect(mpc.gencost?.rows == [[2, 0, 0, 3, 0, 20, 0]])
        // Loads converted from kW to MW, impedances from ohm to per unit (Z_base = 16.03 ohm).
        #expect(mpc.bus.rows[1][2] == 100 / 1e3)
        let zBase = 12660.0 * 12660.0 / 10e6
        #expect(mpc.branch.rows[0][2] == 0.0922 / zBase)
        #expect(mpc.branch.rows[36][10] == 0)
        #expect(mpc.bus.line(ofRow: 0) == 22)

        let feeder = try Feeder(matpower: mpc)
        #expect(feeder.buses.count == 33)
        #expect(feeder.ties.count == 5)
        #expect(feeder.ties.map { feeder.label(ofBranch: $0) } == [
            "branch 33 (21-8)", "branch 34 (9-15)", "branch 35 (12-22)", "branch 36 (18-33)", "branch 37 (25-29)",
        ])
        // Back to ohms within rounding.
        #expect(abs(feeder.branches[0].rOhm - 0.0922) < 1e-12)
        #expect(abs(feeder.branches[36].xOhm - 0.5) < 1e-12)
        #expect(feeder.branches.allSatisfy { $0.ratingKVA == nil })
        #expect(feeder.baseLoads.totalPKW == 3715 && abs(feeder.baseLoads.totalQKVAr - 2300) < 1e-9)
        #expect(feeder.sourceVoltage == 1)
    }

    @Test(arguments: ["case33bw", "case69"])
    func roundTripGivesTheSameCase(name: String) throws {
        let original = try MatpowerCase(path: Fixture.path(name))
        let written = original.text
        let reread = try MatpowerCase(text: written, file: "written.m")
        #expect(reread == original)
        // And the text is stable from then on.
        #expect(reread.text == written)
        #expect(try Feeder(matpower: reread) == Feeder(matpower: original))
    }

    @Test func conversionIdiomsTolerateWhitespaceAndCommas() throws {
        let text = smallCase(conversions: [
            "[PQ,PV,REF,NONE,BUS_I,BUS_TYPE,PD,QD,GS,BS,BUS_AREA,VM,VA,BASE_KV] = idx_bus ;",
            "[ F_BUS  T_BUS BR_R BR_X ] = idx_brch;",
            "Vb=mpc.bus( 1 ,BASE_KV )*1000;",
            "Sb = mpc.baseMVA*1e6",
            "mpc.branch( : , [ BR_R, BR_X ] ) = mpc.branch(:,[BR_R BR_X])/( Vb ^ 2/Sb );",
            "mpc.bus(:,[PD QD])=mpc.bus(:, [PD, QD] )/1e3;",
        ])
        let mpc = try MatpowerCase(text: text, file: "small.m")
        let reference = try MatpowerCase(text: smallCase(), file: "small.m")
        #expect(mpc == reference)
        #expect(mpc.bus.rows[2][3] == 0.04)
    }

    @Test func refusesOtherStatementsNamingTheLine() {
        let cases: [(String, String)] = [
            ("mpc.bus(:, PD) = 2 * mpc.bus(:, PD);", "unsupported statement"),
            ("x = 3;", "unsupported statement"),
            ("disp('hello')", "unsupported statement"),
            ("mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e6;", "kW-to-MW divisor"),
            ("Vbase = mpc.bus(1, BASE_KV) * 1e6;", "kV-to-V factor"),
            ("mpc.bus_name = { 'a'; 'b'; 'c' };", "numeric matrix"),
        ]
        for (statement, message) in cases {
            var conversions = Array(smallCase().split(separator: "\n").suffix(9).map(String.init))
            conversions.insert(statement, at: 5)
            let error = inputError { _ = try MatpowerCase(text: smallCase(conversions: conversions), file: "small.m") }
            #expect(error?.line == 22, "\(statement)")
            #expect(error?.message.contains(message) == true, "\(statement): \(String(describing: error))")
        }
        // A conversion before the names it uses are defined.
        let early = inputError {
            _ = try MatpowerCase(text: smallCase(conversions: ["mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e3;"]), file: "small.m")
        }
        #expect(early?.message.contains("PD is undefined") == true)
    }

    @Test func reportsBadDataWithFileLineAndField() {
        func error(_ text: String) -> InputError? { inputError { _ = try Feeder(matpower: MatpowerCase(text: text, file: "small.m")) } }

        let badNumber = error(smallCase(bus: [
            "1\t3\t0\t0\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;", "2\t1\t1.0.0\t60\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;",
        ]))
        #expect(badNumber?.file == "small.m" && badNumber?.line == 7)
        #expect(badNumber?.field == "mpc.bus(:, PD)")
        #expect(badNumber?.message.contains("1.0.0") == true)

        let shortRow = error(smallCase(bus: [
            "1\t3\t0\t0\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;", "2\t1\t100\t60\t0\t0\t1\t1\t0\t12.66\t1\t1.1;",
        ]))
        #expect(shortRow?.line == 7 && shortRow?.message.contains("expected 13") == true)

        let wrongWidth = error(smallCase(bus: ["1\t3\t0\t0\t0\t0\t1\t1\t0\t12.66\t1\t1.1;"], branch: []))
        #expect(wrongWidth?.line == 6 && wrongWidth?.message.contains("expected 13, 17 columns") == true)

        let duplicate = error(smallCase(bus: [
            "1\t3\t0\t0\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;", "2\t1\t100\t60\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;",
            "2\t1\t90\t40\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;",
        ]))
        #expect(duplicate?.line == 8 && duplicate?.field == "mpc.bus(:, BUS_I)")
        #expect(duplicate?.message.contains("bus 2 appears twice") == true)

        let unknownBus = error(smallCase(branch: [
            "1\t2\t0.0922\t0.0470\t0\t0\t0\t0\t0\t0\t1\t-360\t360;", "2\t7\t0.4930\t0.2511\t0\t0\t0\t0\t0\t0\t1\t-360\t360;",
        ]))
        #expect(unknownBus?.line == 15 && unknownBus?.field == "mpc.branch(:, T_BUS)")
        #expect(unknownBus?.message.contains("bus 7") == true)

        let noSlack = error(smallCase(bus: [
            "1\t1\t0\t0\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;", "2\t1\t100\t60\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;",
            "3\t1\t90\t40\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;",
        ]))
        #expect(noSlack?.message.contains("no slack bus") == true)

        let noGen = inputError { _ = try MatpowerCase(text: "mpc.version = '2';\nmpc.baseMVA = 1;\nmpc.bus = [1 3 0 0 0 0 1 1 0 10 1 1 1];", file: "x.m") }
        #expect(noGen?.field == "mpc.gen")

        let version1 = inputError { _ = try MatpowerCase(text: smallCase().replacingOccurrences(of: "'2'", with: "'1'"), file: "x.m") }
        #expect(version1?.field == "mpc.version")

        let unclosed = inputError { _ = try MatpowerCase(text: "mpc.version = '2';\nmpc.bus = [\n1 3 0", file: "x.m") }
        #expect(unclosed?.message.contains("unclosed bracket") == true)

        let shunt = error(smallCase(bus: [
            "1\t3\t0\t0\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;", "2\t1\t100\t60\t0\t0.5\t1\t1\t0\t12.66\t1\t1.1\t0.9;",
            "3\t1\t90\t40\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;",
        ]))
        #expect(shunt?.line == 7 && shunt?.field == "mpc.bus(:, BS)")
    }

    @Test func rejectsLoopsAndDisconnectedBusesWithTheirPlace() {
        // A third closed branch 1-3 closes the loop 1-2-3.
        let loop = inputError {
            _ = try Feeder(matpower: MatpowerCase(text: smallCase(branch: [
                "1\t2\t0.0922\t0.0470\t0\t0\t0\t0\t0\t0\t1\t-360\t360;", "2\t3\t0.4930\t0.2511\t0\t0\t0\t0\t0\t0\t1\t-360\t360;",
                "1\t3\t0.5\t0.5\t0\t0\t0\t0\t0\t0\t1\t-360\t360;",
            ]), file: "small.m"))
        }
        #expect(loop?.line == 16)
        #expect(loop?.message.contains("branch 3 (1-3) closes a loop") == true)
        // The same branch as an open tie is fine.
        #expect(throws: Never.self) {
            try Feeder(matpower: MatpowerCase(text: smallCase(branch: [
                "1\t2\t0.0922\t0.0470\t0\t0\t0\t0\t0\t0\t1\t-360\t360;", "2\t3\t0.4930\t0.2511\t0\t0\t0\t0\t0\t0\t1\t-360\t360;",
                "1\t3\t0.5\t0.5\t0\t0\t0\t0\t0\t0\t0\t-360\t360;",
            ]), file: "small.m"))
        }
        // Bus 3 hangs off an open branch only.
        let island = inputError {
            _ = try Feeder(matpower: MatpowerCase(text: smallCase(branch: [
                "1\t2\t0.0922\t0.0470\t0\t0\t0\t0\t0\t0\t1\t-360\t360;", "2\t3\t0.4930\t0.2511\t0\t0\t0\t0\t0\t0\t0\t-360\t360;",
            ]), file: "small.m"))
        }
        #expect(island?.line == 8 && island?.field == "mpc.bus(:, BUS_I)")
        #expect(island?.message.contains("bus 3 is not connected") == true)
    }

    @Test func closingATieInCase33bwIsALoop() throws {
        let feeder = Fixture.case33bw
        var closed = feeder.normalSwitchState
        closed[35] = true  // tie 18-33
        #expect(throws: FeederError.loop(branch: 35, label: "branch 36 (18-33)")) {
            try feeder.radialTree(closed: closed)
        }
        // Opening 17-18 (branch 17) restores radiality: bus 18 is then fed from 33.
        closed[16] = false
        let tree = try feeder.radialTree(closed: closed)
        #expect(tree.parent[feeder.bus(18)] == feeder.bus(33))
        #expect(tree.path(to: feeder.bus(18)).count == 14)
        // Opening 17-18 alone disconnects bus 18.
        var open = feeder.normalSwitchState
        open[16] = false
        #expect(throws: FeederError.disconnected(bus: 18)) { try feeder.radialTree(closed: open) }
        // ... unless islands are allowed.
        let partial = try feeder.radialTree(closed: open, spanning: false)
        #expect(!partial.contains(feeder.bus(18)) && partial.order.count == 32)
    }
}

@Suite struct MatlabSyntaxTests {
    @Test func acceptsTheMatlabFormsCaseFilesUse() throws {
        let text = """
            function mpc = syntax
            %{
            a block comment with mpc.bus = [ 1 2 3 ]; inside
            %}
            mpc.version = '2';
            mpc.baseMVA = 100;
            mpc.bus = [
            \t1, 3, 0, 0, 0, 0, 1, 1.02, 0, 11, 1, 1.1, 0.9
            \t2  1  1.5e-1  0.05 ...  loads in MW already
            \t   0 0 1 1 0 11 1 1.1 0.9;
            ];
            mpc.gen = [ 1 0 0 Inf -Inf 1.02 100 1 10 0 ];
            mpc.branch = [ 1 2 0.01 0.02 0 0 0 0 0 0 1 -360 360 ];
            mpc.areas = [ 1 1 ];
            """
        let mpc = try MatpowerCase(text: text, file: "syntax.m")
        #expect(mpc.bus.rows.count == 2)
        #expect(mpc.bus.rows[1][2] == 0.15)
        #expect(mpc.gen.rows[0][3] == .infinity && mpc.gen.rows[0][4] == -.infinity)
        #expect(mpc.otherMatrices == [.init(name: "areas", matrix: MatpowerMatrix(rows: [[1, 1]]))])
        #expect(try MatpowerCase(text: mpc.text, file: "again.m") == mpc)
        let feeder = try Feeder(matpower: mpc)
        #expect(feeder.sourceVoltage == 1.02)
        // Z_base = 11² / 100 = 1.21 ohm.
        #expect(abs(feeder.branches[0].rOhm - 0.0121) < 1e-15)
        #expect(feeder.buses[1].pKW == 150)
    }

    @Test func refusesExpressionsInsideMatrices() {
        let error = inputError {
            _ = try MatpowerCase(text: "mpc.version = '2';\nmpc.baseMVA = 1;\nmpc.bus = [1 3 0 0 0 0 1 1 - 1 0 10 1 1 1];", file: "x.m")
        }
        #expect(error?.line == 3 && error?.message.contains("expected a number, found \"-\"") == true)
    }

    @Test func manualFeedersAreChecked() {
        let bus = Feeder.Bus(number: 1, pKW: 0, qKVAr: 0)
        #expect(throws: FeederError.invalidBus(bus: 1, "appears twice (indices 0 and 1)")) {
            try Feeder(name: "x", baseKV: 10, buses: [bus, bus], branches: [.init(from: 0, to: 1, rOhm: 1, xOhm: 1)], substation: 0)
        }
        #expect(throws: FeederError.self) {
            try Feeder(
                name: "x", baseKV: 10, buses: [bus, .init(number: 2, pKW: 0, qKVAr: 0)],
                branches: [.init(from: 0, to: 1, rOhm: -1, xOhm: 1)], substation: 0)
        }
    }
}

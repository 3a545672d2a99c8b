import InputParsing

extension Feeder {
    /// The feeder of a MATPOWER case.
    ///
    /// - The slack bus (type 3, exactly one) is the substation; the source voltage is the
    ///   set point `VG` of its in-service generators, or its `VM` when it has none.
    /// - Loads are `PD`, `QD` in kW/kVAr; in-service generators at other buses are fixed
    ///   injections subtracted from their bus load (MATPOWER's own treatment of a
    ///   generator at a PQ bus). Voltage-controlled (type 2) and isolated (type 4) buses,
    ///   bus shunts, line charging, transformers and phase shifters are refused: they have
    ///   no place in this radial, single-voltage model.
    /// - Impedances become ohms with Z_base = BASE_KV² / baseMVA; `RATE_A` becomes kVA
    ///   (0 = no rating); branches with status 0 are the normally-open ties.
    ///
    /// - Throws: ``InputError`` naming the case file, the line of the offending row and the
    ///   column — including the branch that closes a loop or the bus left disconnected.
    public init(matpower mpc: MatpowerCase) throws(InputError) {
        typealias B = MatpowerCase.BusColumn
        typealias G = MatpowerCase.GenColumn
        typealias R = MatpowerCase.BranchColumn
        let file = mpc.file
        func fail(_ matrix: String, _ row: Int, _ column: Int?, _ message: String) -> InputError {
            let m: MatpowerMatrix = matrix == "bus" ? mpc.bus : (matrix == "gen" ? mpc.gen : mpc.branch)
            return InputError(
                file: file, line: m.line(ofRow: row),
                field: column.map { MatpowerCase.field(matrix, $0) } ?? "mpc.\(matrix)", message)
        }

        var buses: [Bus] = []
        var indexByNumber: [Int: Int] = [:]
        var slack: Int? = nil
        let baseKV = mpc.bus.rows[0][B.baseKV]
        for (r, row) in mpc.bus.rows.enumerated() {
            let number = Int(row[B.number])
            indexByNumber[number] = r
            switch Int(row[B.type]) {
            case MatpowerCase.BusType.slack:
                if let first = slack {
                    throw fail(
                        "bus", r, B.type,
                        "a radial feeder has one substation; buses \(buses[first].number) and \(number) are both slack (type 3)")
                }
                slack = r
            case MatpowerCase.BusType.pv:
                throw fail("bus", r, B.type, "bus \(number) is voltage-controlled (type 2); the feeder model takes PQ buses (type 1) and one slack bus")
            case MatpowerCase.BusType.isolated:
                throw fail("bus", r, B.type, "bus \(number) is isolated (type 4); remove it or connect it")
            default:
                break
            }
            guard row[B.gs] == 0, row[B.bs] == 0 else {
                throw fail("bus", r, row[B.gs] != 0 ? B.gs : B.bs, "bus \(number) has a shunt; shunts are not supported by the feeder model")
            }
            guard row[B.baseKV] == baseKV else {
                throw fail(
                    "bus", r, B.baseKV,
                    "bus \(number) is at \(row[B.baseKV]) kV, bus \(buses.first.map { String($0.number) } ?? "?") at \(baseKV) kV; a feeder has one voltage level")
            }
            buses.append(Bus(number: number, pKW: row[B.pd] * 1000, qKVAr: row[B.qd] * 1000))
        }
        guard baseKV > 0 else { throw fail("bus", 0, B.baseKV, "expected a base voltage > 0 kV, found \(baseKV)") }
        guard let substation = slack else {
            throw fail("bus", 0, B.type, "no slack bus (type 3)")
        }

        var sourceVoltage: Double? = nil
        for (r, row) in mpc.gen.rows.enumerated() where row[G.status] > 0 {
            let bus = indexByNumber[Int(row[G.bus])]!
            if bus == substation {
                let vg = row[G.vg]
                guard vg.isFinite, vg > 0 else { throw fail("gen", r, G.vg, "expected a voltage set point > 0 pu, found \(vg)") }
                if let earlier = sourceVoltage, earlier != vg {
                    throw fail("gen", r, G.vg, "generators at the substation disagree on the voltage set point (\(earlier) and \(vg) pu)")
                }
                sourceVoltage = vg
            } else {
                guard row[G.pg].isFinite, row[G.qg].isFinite else {
                    throw fail("gen", r, G.pg, "expected finite PG and QG for a fixed injection")
                }
                buses[bus].pKW -= row[G.pg] * 1000
                buses[bus].qKVAr -= row[G.qg] * 1000
            }
        }
        let slackVm = mpc.bus.rows[substation][B.vm]
        let source = sourceVoltage ?? slackVm
        guard source > 0 else { throw fail("bus", substation, B.vm, "expected a source voltage > 0 pu, found \(source)") }

        let zBase = baseKV * baseKV / mpc.baseMVA
        var branches: [Branch] = []
        for (r, row) in mpc.branch.rows.enumerated() {
            guard row[R.b] == 0 else { throw fail("branch", r, R.b, "line charging is not supported by the feeder model; expected 0") }
            guard row[R.ratio] == 0 || row[R.ratio] == 1 else {
                throw fail("branch", r, R.ratio, "transformers are not supported by the single-voltage feeder model; expected 0")
            }
            guard row[R.angle] == 0 else { throw fail("branch", r, R.angle, "phase shifters are not supported; expected 0") }
            guard row[R.r] >= 0 else { throw fail("branch", r, R.r, "expected a resistance >= 0, found \(row[R.r])") }
            guard row[R.x] >= 0 else { throw fail("branch", r, R.x, "expected a reactance >= 0, found \(row[R.x])") }
            guard row[R.rateA] >= 0 else { throw fail("branch", r, R.rateA, "expected a rating >= 0 MVA (0 = none), found \(row[R.rateA])") }
            let status = row[R.status]
            guard status == 0 || status == 1 else { throw fail("branch", r, R.status, "expected 1 (closed) or 0 (open tie), found \(status)") }
            let from = indexByNumber[Int(row[R.from])]!
            let to = indexByNumber[Int(row[R.to])]!
            guard from != to else { throw fail("branch", r, R.to, "branch starts and ends at bus \(Int(row[R.from]))") }
            branches.append(
                Branch(
                    from: from, to: to, rOhm: row[R.r] * zBase, xOhm: row[R.x] * zBase,
                    ratingKVA: row[R.rateA] > 0 ? row[R.rateA] * 1000 : nil, isNormallyClosed: status == 1))
        }

        do {
            try self.init(
                name: mpc.name, baseKV: baseKV, baseMVA: mpc.baseMVA, buses: buses, branches: branches,
                substation: substation, sourceVoltage: source)
        } catch {
            switch error {
            case .loop(let branch, let label):
                throw fail("branch", branch, nil, "\(label) closes a loop: the closed branches (status 1) must form a radial network; open it (status 0) or remove it")
            case .disconnected(let bus):
                throw fail(
                    "bus", indexByNumber[bus]!, MatpowerCase.BusColumn.number,
                    "bus \(bus) is not connected to the substation (bus \(buses[substation].number)) over closed branches")
            case .invalidBranch(let branch, let message):
                throw fail("branch", branch, nil, message)
            case .invalidBus(let bus, let message):
                throw fail("bus", indexByNumber[bus] ?? 0, nil, message)
            case .invalidFeeder(let message):
                throw InputError(file: file, message)
            }
        }
    }

    /// Reads a MATPOWER case file and builds its feeder.
    public init(matpowerFile path: String) throws(InputError) {
        try self.init(matpower: try MatpowerCase(path: path))
    }
}

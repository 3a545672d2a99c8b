import InputParsing

/// A numeric matrix of a MATPOWER case, one array per row.
///
/// Equality compares the values only, not where they came from.
public struct MatpowerMatrix: Sendable, Equatable, CustomStringConvertible {
    /// The rows, each with the same number of columns.
    public var rows: [[Double]]
    /// The 1-based source line of each row (0 when the row was not read from a file).
    public var lines: [Int]

    /// A matrix from rows; `lines` defaults to "unknown" (0) for every row.
    public init(rows: [[Double]], lines: [Int]? = nil) {
        self.rows = rows
        self.lines = lines ?? Array(repeating: 0, count: rows.count)
    }

    /// The number of columns (0 for an empty matrix).
    public var columnCount: Int { rows.first?.count ?? 0 }

    /// The source line of row `index`, or `nil` when unknown.
    public func line(ofRow index: Int) -> Int? {
        index < lines.count && lines[index] > 0 ? lines[index] : nil
    }

    /// Equal values, wherever they were read from.
    public static func == (a: MatpowerMatrix, b: MatpowerMatrix) -> Bool { a.rows == b.rows }

    /// The matrix size, e.g. "33×13 matrix".
    public var description: String { "\(rows.count)×\(columnCount) matrix" }
}

/// A MATPOWER case (format version 2), read from or written to a `.m` case file.
///
/// The values are MATPOWER's own units after the file has run: impedances in per unit on
/// `baseMVA` and the bus base voltage, powers in MW and MVAr. MATPOWER's distribution
/// cases (`case33bw.m`, `case69.m`) store ohms and kW in their matrices and convert them
/// with MATLAB statements after the matrices; the reader recognises exactly those
/// conversion idioms and applies them:
///
/// ```matlab
/// [PQ, PV, REF, NONE, BUS_I, ...] = idx_bus;
/// [F_BUS, T_BUS, BR_R, BR_X, ...] = idx_brch;
/// Vbase = mpc.bus(1, BASE_KV) * 1e3;
/// Sbase = mpc.baseMVA * 1e6;
/// mpc.branch(:, [BR_R BR_X]) = mpc.branch(:, [BR_R BR_X]) / (Vbase^2 / Sbase);
/// mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e3;
/// ```
///
/// Any other executable statement is refused with an ``InputError`` naming its line, as
/// are malformed numbers, wrong column counts, duplicate bus numbers, branches or
/// generators at unknown buses and a case without a slack bus.
///
/// Equality compares the data, not the file name or source lines.
public struct MatpowerCase: Sendable, Equatable {
    /// A further numeric matrix of the case (`mpc.areas`, ...), kept for writing back.
    public struct NamedMatrix: Sendable, Equatable {
        /// The field name after `mpc.`.
        public var name: String
        /// The values.
        public var matrix: MatpowerMatrix

        /// A named matrix.
        public init(name: String, matrix: MatpowerMatrix) {
            self.name = name
            self.matrix = matrix
        }
    }

    /// The case name (the MATLAB function name, or the file name without `.m`).
    public var name: String
    /// The file the case was read from, used in error messages.
    public var file: String
    /// The case format version; only `"2"` is supported.
    public var version: String
    /// The system power base in MVA.
    public var baseMVA: Double
    /// `mpc.bus`: one row per bus (at least 13 columns).
    public var bus: MatpowerMatrix
    /// `mpc.gen`: one row per generator (at least 10 columns).
    public var gen: MatpowerMatrix
    /// `mpc.branch`: one row per branch (at least 13 columns).
    public var branch: MatpowerMatrix
    /// `mpc.gencost`, when present.
    public var gencost: MatpowerMatrix?
    /// Other numeric `mpc.<name>` matrices, in file order.
    public var otherMatrices: [NamedMatrix]

    /// A case from its parts, validated like a case read from a file.
    public init(
        name: String, file: String = "<memory>", version: String = "2", baseMVA: Double,
        bus: MatpowerMatrix, gen: MatpowerMatrix, branch: MatpowerMatrix,
        gencost: MatpowerMatrix? = nil, otherMatrices: [NamedMatrix] = []
    ) throws(InputError) {
        self.name = name
        self.file = file
        self.version = version
        self.baseMVA = baseMVA
        self.bus = bus
        self.gen = gen
        self.branch = branch
        self.gencost = gencost
        self.otherMatrices = otherMatrices
        try validate()
    }

    /// Reads a case file.
    public init(path: String) throws(InputError) {
        try self.init(text: try TextFile.read(path), file: path)
    }

    /// Parses case text; `file` names the source in error messages and, when the text has
    /// no `function mpc = name` line, gives the case name.
    public init(text: String, file: String) throws(InputError) {
        var reader = MatpowerReader(file: file)
        for statement in try MatlabTokenizer.statements(text, file: file) {
            try reader.read(statement)
        }
        guard let version = reader.version else {
            throw InputError(file: file, field: "mpc.version", "missing: expected mpc.version = '2';")
        }
        guard let baseMVA = reader.baseMVA else {
            throw InputError(file: file, field: "mpc.baseMVA", "missing: expected the system MVA base, e.g. mpc.baseMVA = 10;")
        }
        func required(_ name: String) throws(InputError) -> MatpowerMatrix {
            guard let matrix = reader.matrices[name] else {
                throw InputError(file: file, field: "mpc.\(name)", "missing: a case needs mpc.bus, mpc.gen and mpc.branch")
            }
            return matrix
        }
        self.name = reader.functionName ?? MatpowerCase.stem(of: file)
        self.file = file
        self.version = version
        self.baseMVA = baseMVA
        self.bus = try required("bus")
        self.gen = try required("gen")
        self.branch = try required("branch")
        self.gencost = reader.matrices["gencost"]
        self.otherMatrices = reader.matrixOrder.filter { !MatpowerCase.standardMatrices.contains($0) }.map {
            NamedMatrix(name: $0, matrix: reader.matrices[$0]!)
        }
        try validate()
    }

    /// Equal data, whatever the file name and source lines.
    public static func == (a: MatpowerCase, b: MatpowerCase) -> Bool {
        a.name == b.name && a.version == b.version && a.baseMVA == b.baseMVA && a.bus == b.bus
            && a.gen == b.gen && a.branch == b.branch && a.gencost == b.gencost
            && a.otherMatrices == b.otherMatrices
    }

    static let standardMatrices: Set<String> = ["bus", "gen", "branch", "gencost"]

    static func stem(of file: String) -> String {
        var base = Substring(file)
        if let slash = base.lastIndex(of: "/") { base = base[base.index(after: slash)...] }
        if base.hasSuffix(".m") { base = base.dropLast(2) }
        return String(base)
    }
}

// MARK: - Column layout

extension MatpowerCase {
    /// 0-based column indices of `mpc.bus` (MATPOWER's `idx_bus` minus one).
    public enum BusColumn {
        /// BUS_I, BUS_TYPE, PD, QD, GS, BS, BUS_AREA.
        public static let number = 0, type = 1, pd = 2, qd = 3, gs = 4, bs = 5, area = 6
        /// VM, VA, BASE_KV, ZONE, VMAX, VMIN.
        public static let vm = 7, va = 8, baseKV = 9, zone = 10, vmax = 11, vmin = 12
    }

    /// 0-based column indices of `mpc.gen` (MATPOWER's `idx_gen` minus one).
    public enum GenColumn {
        /// GEN_BUS, PG, QG, QMAX, QMIN, VG, MBASE.
        public static let bus = 0, pg = 1, qg = 2, qmax = 3, qmin = 4, vg = 5, mBase = 6
        /// GEN_STATUS, PMAX, PMIN.
        public static let status = 7, pmax = 8, pmin = 9
    }

    /// 0-based column indices of `mpc.branch` (MATPOWER's `idx_brch` minus one).
    public enum BranchColumn {
        /// F_BUS, T_BUS, BR_R, BR_X, BR_B, RATE_A, RATE_B, RATE_C.
        public static let from = 0, to = 1, r = 2, x = 3, b = 4, rateA = 5, rateB = 6, rateC = 7
        /// TAP, SHIFT, BR_STATUS, ANGMIN, ANGMAX.
        public static let ratio = 8, angle = 9, status = 10, angmin = 11, angmax = 12
    }

    /// MATPOWER bus types.
    public enum BusType {
        /// PQ (load), PV (voltage-controlled), REF (slack), NONE (isolated).
        public static let pq = 1, pv = 2, slack = 3, isolated = 4
    }

    /// `idx_bus`'s outputs, in order; entry `i` has value `i + 1`, except the four bus
    /// types PQ, PV, REF, NONE (1...4) that come first.
    static let busNames = [
        "BUS_I", "BUS_TYPE", "PD", "QD", "GS", "BS", "BUS_AREA", "VM", "VA", "BASE_KV", "ZONE",
        "VMAX", "VMIN", "LAM_P", "LAM_Q", "MU_VMAX", "MU_VMIN",
    ]
    static let busTypeNames = ["PQ", "PV", "REF", "NONE"]
    static let branchNames = [
        "F_BUS", "T_BUS", "BR_R", "BR_X", "BR_B", "RATE_A", "RATE_B", "RATE_C", "TAP", "SHIFT",
        "BR_STATUS", "PF", "QF", "PT", "QT", "MU_SF", "MU_ST", "ANGMIN", "ANGMAX", "MU_ANGMIN",
        "MU_ANGMAX",
    ]
    static let genNames = [
        "GEN_BUS", "PG", "QG", "QMAX", "QMIN", "VG", "MBASE", "GEN_STATUS", "PMAX", "PMIN", "PC1",
        "PC2", "QC1MIN", "QC1MAX", "QC2MIN", "QC2MAX", "RAMP_AGC", "RAMP_10", "RAMP_30", "RAMP_Q",
        "APF", "MU_PMAX", "MU_PMIN", "MU_QMAX", "MU_QMIN",
    ]

    /// `mpc.bus(:, PD)`-style field name for error messages.
    static func field(_ matrix: String, _ column: Int) -> String {
        let names: [String] =
            switch matrix {
            case "bus": busNames
            case "branch": branchNames
            case "gen": genNames
            default: []
            }
        return column < names.count ? "mpc.\(matrix)(:, \(names[column]))" : "mpc.\(matrix)(:, \(column + 1))"
    }
}

// MARK: - Validation

extension MatpowerCase {
    /// Checks shapes, numbering and references; throws at the first problem found.
    func validate() throws(InputError) {
        guard version == "2" else {
            throw InputError(
                file: file, field: "mpc.version",
                "expected '2' (MATPOWER case format version 2), found '\(version)'")
        }
        guard baseMVA.isFinite, baseMVA > 0 else {
            throw InputError(file: file, field: "mpc.baseMVA", "expected a positive number, found \(baseMVA)")
        }
        try checkShape(bus, "bus", allowed: [13, 17])
        try checkShape(gen, "gen", allowed: [10, 21, 25])
        try checkShape(branch, "branch", allowed: [13, 17, 21])
        guard !bus.rows.isEmpty else {
            throw InputError(file: file, field: "mpc.bus", "expected at least one bus")
        }
        for named in [("bus", bus), ("gen", gen), ("branch", branch)] {
            for (r, row) in named.1.rows.enumerated() {
                for (c, value) in row.enumerated() where value.isNaN {
                    throw InputError(
                        file: file, line: named.1.line(ofRow: r), field: MatpowerCase.field(named.0, c),
                        "expected a number, found NaN")
                }
            }
        }

        var busRow: [Int: Int] = [:]
        var hasSlack = false
        for (r, row) in bus.rows.enumerated() {
            let line = bus.line(ofRow: r)
            let number = try wholeNumber(row[BusColumn.number], "bus", BusColumn.number, line)
            guard number > 0 else {
                throw InputError(
                    file: file, line: line, field: MatpowerCase.field("bus", BusColumn.number),
                    "expected a positive bus number, found \(number)")
            }
            if let first = busRow[number] {
                let firstLine = bus.line(ofRow: first).map { " (line \($0))" } ?? ""
                throw InputError(
                    file: file, line: line, field: MatpowerCase.field("bus", BusColumn.number),
                    "bus \(number) appears twice; first at row \(first + 1)\(firstLine)")
            }
            busRow[number] = r
            let type = try wholeNumber(row[BusColumn.type], "bus", BusColumn.type, line)
            guard (1...4).contains(type) else {
                throw InputError(
                    file: file, line: line, field: MatpowerCase.field("bus", BusColumn.type),
                    "expected a bus type 1 (PQ), 2 (PV), 3 (slack) or 4 (isolated), found \(type)")
            }
            if type == BusType.slack { hasSlack = true }
            for column in [BusColumn.pd, BusColumn.qd, BusColumn.gs, BusColumn.bs, BusColumn.vm, BusColumn.va, BusColumn.baseKV, BusColumn.vmax, BusColumn.vmin]
            where !row[column].isFinite {
                throw InputError(
                    file: file, line: line, field: MatpowerCase.field("bus", column),
                    "expected a finite number, found \(row[column])")
            }
        }
        guard hasSlack else {
            throw InputError(
                file: file, line: bus.line(ofRow: 0), field: MatpowerCase.field("bus", BusColumn.type),
                "no slack bus: one bus must have type 3 (the reference/substation bus)")
        }

        for (r, row) in gen.rows.enumerated() {
            let line = gen.line(ofRow: r)
            let number = try wholeNumber(row[GenColumn.bus], "gen", GenColumn.bus, line)
            guard busRow[number] != nil else {
                throw InputError(
                    file: file, line: line, field: MatpowerCase.field("gen", GenColumn.bus),
                    "generator at bus \(number), which is not in mpc.bus")
            }
        }

        for (r, row) in branch.rows.enumerated() {
            let line = branch.line(ofRow: r)
            for column in [BranchColumn.from, BranchColumn.to] {
                let number = try wholeNumber(row[column], "branch", column, line)
                guard busRow[number] != nil else {
                    throw InputError(
                        file: file, line: line, field: MatpowerCase.field("branch", column),
                        "branch \(r + 1) ends at bus \(number), which is not in mpc.bus")
                }
            }
            for column in [BranchColumn.r, BranchColumn.x, BranchColumn.b, BranchColumn.rateA, BranchColumn.ratio, BranchColumn.angle, BranchColumn.status]
            where !row[column].isFinite {
                throw InputError(
                    file: file, line: line, field: MatpowerCase.field("branch", column),
                    "expected a finite number, found \(row[column])")
            }
        }

        if let gencost {
            guard gencost.rows.isEmpty || gencost.rows.count == gen.rows.count || gencost.rows.count == 2 * gen.rows.count else {
                throw InputError(
                    file: file, line: gencost.line(ofRow: 0), field: "mpc.gencost",
                    "expected one row per generator (\(gen.rows.count)) or two (\(2 * gen.rows.count)), found \(gencost.rows.count)")
            }
            for (r, row) in gencost.rows.enumerated() {
                let line = gencost.line(ofRow: r)
                guard row.count >= 4 else {
                    throw InputError(file: file, line: line, field: "mpc.gencost", "expected at least 4 columns, found \(row.count)")
                }
                let model = try wholeNumber(row[0], "gencost", 0, line)
                let n = try wholeNumber(row[3], "gencost", 3, line)
                guard model == 1 || model == 2 else {
                    throw InputError(
                        file: file, line: line, field: "mpc.gencost(:, MODEL)",
                        "expected 1 (piecewise linear) or 2 (polynomial), found \(model)")
                }
                let needed = 4 + (model == 1 ? 2 * n : n)
                guard n >= 0, row.count >= needed else {
                    throw InputError(
                        file: file, line: line, field: "mpc.gencost(:, NCOST)",
                        "\(n) cost terms need \(needed) columns, the row has \(row.count)")
                }
            }
        }
    }

    private func checkShape(_ matrix: MatpowerMatrix, _ name: String, allowed: [Int]) throws(InputError) {
        guard !matrix.rows.isEmpty else { return }
        let count = matrix.columnCount
        guard allowed.contains(count) else {
            let list = allowed.map(String.init).joined(separator: ", ")
            throw InputError(
                file: file, line: matrix.line(ofRow: 0), field: "mpc.\(name)",
                "expected \(list) columns, found \(count)")
        }
    }

    private func wholeNumber(_ value: Double, _ matrix: String, _ column: Int, _ line: Int?) throws(InputError) -> Int {
        guard value.isFinite, value == value.rounded(), abs(value) < 1e15 else {
            throw InputError(
                file: file, line: line, field: MatpowerCase.field(matrix, column),
                "expected a whole number, found \(value)")
        }
        return Int(value)
    }
}

// MARK: - Reading statements

/// The state of a case file as its statements run.
struct MatpowerReader {
    enum Variable {
        case volts(Double)
        case voltAmperes(Double)
    }

    let file: String
    var functionName: String?
    var version: String?
    var baseMVA: Double?
    var matrices: [String: MatpowerMatrix] = [:]
    var matrixOrder: [String] = []
    /// Names bound by `[...] = idx_bus;` / `idx_brch;`, with their MATLAB values.
    var constants: [String: (value: Int, source: String)] = [:]
    var variables: [String: Variable] = [:]

    init(file: String) { self.file = file }

    mutating func read(_ statement: MatlabStatement) throws(InputError) {
        let tokens = statement.tokens
        let line = statement.line
        if case .identifier("function") = tokens[0].kind {
            // function mpc = name
            guard tokens.count == 4, tokens[1].kind == .identifier("mpc"), tokens[2].kind == .symbol("="),
                case .identifier(let name) = tokens[3].kind
            else {
                throw InputError(
                    file: file, line: line,
                    "expected 'function mpc = NAME' (MATPOWER case format version 2); version 1 cases are not supported")
            }
            guard functionName == nil, matrices.isEmpty else {
                throw InputError(file: file, line: line, "a second function definition is not supported")
            }
            functionName = name
            return
        }
        if tokens.count >= 4, tokens[0].kind == .identifier("mpc"), tokens[1].kind == .symbol("."),
            case .identifier(let fieldName) = tokens[2].kind, tokens[3].kind == .symbol("=")
        {
            try assign(field: fieldName, value: Array(tokens[4...]), line: line)
            return
        }
        try conversion(statement)
    }

    /// `mpc.<field> = <value>`.
    private mutating func assign(field fieldName: String, value: [MatlabToken], line: Int) throws(InputError) {
        let field = "mpc.\(fieldName)"
        switch fieldName {
        case "version":
            guard value.count == 1, case .string(let text) = value[0].kind else {
                throw InputError(file: file, line: line, field: field, "expected a quoted version, e.g. mpc.version = '2';")
            }
            version = text
        case "baseMVA":
            guard value.count == 1, case .number(let number) = value[0].kind else {
                throw InputError(
                    file: file, line: line, field: field,
                    "expected a number, found \(value.isEmpty ? "nothing" : "\"\(value.map(\.text).joined(separator: " "))\"")")
            }
            baseMVA = number
        default:
            guard let first = value.first, first.kind == .symbol("["), value.last?.kind == .symbol("]") else {
                throw InputError(
                    file: file, line: line, field: field,
                    "expected a numeric matrix [ ... ]; cell arrays, strings and expressions are not supported")
            }
            if matrices[fieldName] != nil {
                throw InputError(file: file, line: line, field: field, "assigned twice")
            }
            matrices[fieldName] = try matrix(Array(value.dropFirst().dropLast()), field: field)
            matrixOrder.append(fieldName)
        }
    }

    /// The rows of `[ ... ]`: values separated by spaces or commas, rows by `;` or line ends.
    private func matrix(_ tokens: [MatlabToken], field: String) throws(InputError) -> MatpowerMatrix {
        var rows: [[Double]] = []
        var lines: [Int] = []
        var row: [Double] = []
        var rowLine = 0
        func endRow() throws(InputError) {
            guard !row.isEmpty else { return }
            if let width = rows.first?.count, row.count != width {
                throw InputError(
                    file: file, line: rowLine, field: field,
                    "row has \(row.count) values, expected \(width) like the first row")
            }
            rows.append(row)
            lines.append(rowLine)
            row = []
        }
        for token in tokens {
            switch token.kind {
            case .number(let value):
                if row.isEmpty { rowLine = token.line }
                row.append(value)
            case .symbol(";"), .rowBreak:
                try endRow()
            case .symbol(","):
                continue
            default:
                throw InputError(
                    file: file, line: token.line, field: row.isEmpty ? field : MatpowerCase.field(String(field.dropFirst(4)), row.count),
                    "expected a number, found \"\(token.text)\"")
            }
        }
        try endRow()
        return MatpowerMatrix(rows: rows, lines: lines)
    }

    // MARK: Unit-conversion idioms

    /// Runs one of the recognised unit-conversion statements, or refuses the statement.
    private mutating func conversion(_ statement: MatlabStatement) throws(InputError) {
        let line = statement.line
        // Commas inside [ ] only separate names; drop them so `[PD, QD]` reads as `[PD QD]`.
        var tokens: [MatlabToken] = []
        var squareDepth = 0
        for token in statement.tokens {
            if token.kind == .symbol("[") { squareDepth += 1 }
            if token.kind == .symbol("]") { squareDepth -= 1 }
            if squareDepth > 0 && (token.kind == .symbol(",") || token.kind == .rowBreak) { continue }
            tokens.append(token)
        }
        let text = statement.tokens.map(\.text).joined(separator: " ")

        // [PQ, PV, ...] = idx_bus;  /  [F_BUS, ...] = idx_brch;
        if let close = tokens.firstIndex(where: { $0.kind == .symbol("]") }), tokens[0].kind == .symbol("["),
            tokens.count == close + 3, tokens[close + 1].kind == .symbol("="),
            case .identifier(let function) = tokens[close + 2].kind, function == "idx_bus" || function == "idx_brch"
        {
            let canonical = function == "idx_bus" ? MatpowerCase.busTypeNames + MatpowerCase.busNames : MatpowerCase.branchNames
            let names = tokens[1..<close]
            guard names.count <= canonical.count else {
                throw InputError(file: file, line: line, "\(function) returns \(canonical.count) values, \(names.count) names given")
            }
            for (position, token) in names.enumerated() {
                guard case .identifier(let name) = token.kind, name == canonical[position] else {
                    throw InputError(
                        file: file, line: token.line,
                        "output \(position + 1) of \(function) is \(canonical[position]), found \"\(token.text)\"; list MATPOWER's names in order")
                }
                let value =
                    function == "idx_bus"
                    ? (position < 4 ? position + 1 : position - 3) : position + 1
                constants[name] = (value, function)
            }
            return
        }

        let (shape, identifiers, numbers) = MatpowerReader.shape(tokens)

        // Vbase = mpc.bus(1, BASE_KV) * 1e3;
        if shape == ["$", "=", "mpc", ".", "bus", "(", "#", ",", "$", ")", "*", "#"] {
            let row = numbers[0]
            try requireConstant(identifiers[1], "BASE_KV", line: line)
            try requireNumber(numbers[1], 1e3, "the kV-to-V factor 1e3", line: line)
            guard let bus = matrices["bus"] else {
                throw InputError(file: file, line: line, field: "mpc.bus", "used before it is defined")
            }
            guard row == row.rounded(), row >= 1, Int(row) <= bus.rows.count else {
                throw InputError(file: file, line: line, field: "mpc.bus", "row \(row) does not exist (the matrix has \(bus.rows.count) rows)")
            }
            variables[identifiers[0]] = .volts(bus.rows[Int(row) - 1][MatpowerCase.BusColumn.baseKV] * 1e3)
            return
        }
        // Sbase = mpc.baseMVA * 1e6;
        if shape == ["$", "=", "mpc", ".", "baseMVA", "*", "#"] {
            try requireNumber(numbers[0], 1e6, "the MVA-to-VA factor 1e6", line: line)
            guard let baseMVA else {
                throw InputError(file: file, line: line, field: "mpc.baseMVA", "used before it is defined")
            }
            variables[identifiers[0]] = .voltAmperes(baseMVA * 1e6)
            return
        }
        // mpc.branch(:, [BR_R BR_X]) = mpc.branch(:, [BR_R BR_X]) / (Vbase^2 / Sbase);
        if shape == [
            "mpc", ".", "branch", "(", ":", ",", "[", "$", "$", "]", ")", "=", "mpc", ".", "branch", "(", ":", ",",
            "[", "$", "$", "]", ")", "/", "(", "$", "^", "#", "/", "$", ")",
        ] {
            for (k, expected) in ["BR_R", "BR_X", "BR_R", "BR_X"].enumerated() {
                try requireConstant(identifiers[k], expected, line: line)
            }
            try requireNumber(numbers[0], 2, "the exponent 2 of Vbase^2", line: line)
            guard case .volts(let volts) = variables[identifiers[4]] else {
                throw InputError(file: file, line: line, "\(identifiers[4]) must be set first by \(identifiers[4]) = mpc.bus(1, BASE_KV) * 1e3;")
            }
            guard case .voltAmperes(let va) = variables[identifiers[5]] else {
                throw InputError(file: file, line: line, "\(identifiers[5]) must be set first by \(identifiers[5]) = mpc.baseMVA * 1e6;")
            }
            guard var branch = matrices["branch"] else {
                throw InputError(file: file, line: line, field: "mpc.branch", "used before it is defined")
            }
            let zBase = volts * volts / va
            guard zBase.isFinite, zBase > 0 else {
                throw InputError(file: file, line: line, "the impedance base Vbase^2 / Sbase is \(zBase); expected a positive number")
            }
            for r in branch.rows.indices {
                branch.rows[r][MatpowerCase.BranchColumn.r] /= zBase
                branch.rows[r][MatpowerCase.BranchColumn.x] /= zBase
            }
            matrices["branch"] = branch
            return
        }
        // mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e3;
        if shape == [
            "mpc", ".", "bus", "(", ":", ",", "[", "$", "$", "]", ")", "=", "mpc", ".", "bus", "(", ":", ",", "[",
            "$", "$", "]", ")", "/", "#",
        ] {
            for (k, expected) in ["PD", "QD", "PD", "QD"].enumerated() {
                try requireConstant(identifiers[k], expected, line: line)
            }
            try requireNumber(numbers[0], 1e3, "the kW-to-MW divisor 1e3", line: line)
            guard var bus = matrices["bus"] else {
                throw InputError(file: file, line: line, field: "mpc.bus", "used before it is defined")
            }
            for r in bus.rows.indices {
                bus.rows[r][MatpowerCase.BusColumn.pd] /= 1e3
                bus.rows[r][MatpowerCase.BusColumn.qd] /= 1e3
            }
            matrices["bus"] = bus
            return
        }
        throw InputError(
            file: file, line: line,
            "unsupported statement \"\(text)\": the reader accepts mpc.* data assignments and the unit conversions of MATPOWER's distribution cases only")
    }

    /// The statement as a pattern: identifiers other than the fixed words become `$`,
    /// numbers `#`; the captured identifiers and numbers are returned in order.
    private static func shape(_ tokens: [MatlabToken]) -> (shape: [String], identifiers: [String], numbers: [Double]) {
        let fixed: Set<String> = ["mpc", "bus", "branch", "baseMVA"]
        var shape: [String] = []
        var identifiers: [String] = []
        var numbers: [Double] = []
        for token in tokens {
            switch token.kind {
            case .identifier(let name):
                if fixed.contains(name) {
                    shape.append(name)
                } else {
                    shape.append("$")
                    identifiers.append(name)
                }
            case .number(let value):
                shape.append("#")
                numbers.append(value)
            case .symbol(let c):
                shape.append(String(c))
            case .string(let s):
                shape.append("'\(s)'")
            case .rowBreak:
                continue
            case .malformed(let text):
                shape.append("?\(text)")
            }
        }
        return (shape, identifiers, numbers)
    }

    private func requireConstant(_ name: String, _ expected: String, line: Int) throws(InputError) {
        guard let bound = constants[name] else {
            throw InputError(
                file: file, line: line,
                "\(name) is undefined here: MATPOWER's column names come from [...] = idx_bus; / idx_brch;, which must come first")
        }
        guard name == expected else {
            throw InputError(file: file, line: line, "expected \(expected) here, found \(name) (from \(bound.source))")
        }
    }

    private func requireNumber(_ value: Double, _ expected: Double, _ what: String, line: Int) throws(InputError) {
        guard value == expected else {
            throw InputError(file: file, line: line, "expected \(what), found \(value)")
        }
    }
}

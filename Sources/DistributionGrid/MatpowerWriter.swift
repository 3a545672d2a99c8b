extension MatpowerCase {
    /// The case as MATPOWER case-file text (format version 2), in MATPOWER's units
    /// (per unit impedances, MW), without unit-conversion statements.
    ///
    /// Numbers are written in the shortest form that reads back to the same `Double`, so
    /// reading the text gives a case equal to this one.
    public var text: String {
        let functionName = MatpowerCase.identifier(from: name)
        var out = "function mpc = \(functionName)\n"
        out += "%\(functionName.uppercased())  MATPOWER case written by the DistributionGrid module.\n"
        out += "%   Values in MATPOWER units: impedances in per unit, powers in MW and MVAr.\n\n"
        out += "%% MATPOWER Case Format : Version 2\n"
        out += "mpc.version = '\(version)';\n\n"
        out += "%%-----  Power Flow Data  -----%%\n%% system MVA base\n"
        out += "mpc.baseMVA = \(MatpowerCase.format(baseMVA));\n\n"
        out += "%% bus data\n"
        out += MatpowerCase.write(bus, name: "bus", header: Array(MatpowerCase.busNames.prefix(bus.columnCount)))
        out += "\n%% generator data\n"
        out += MatpowerCase.write(gen, name: "gen", header: Array(MatpowerCase.genNames.prefix(gen.columnCount)))
        out += "\n%% branch data\n"
        out += MatpowerCase.write(branch, name: "branch", header: Array(MatpowerCase.branchNames.prefix(branch.columnCount)))
        if let gencost {
            out += "\n%%-----  OPF Data  -----%%\n%% generator cost data\n"
            out += MatpowerCase.write(gencost, name: "gencost", header: [])
        }
        for named in otherMatrices {
            out += "\n"
            out += MatpowerCase.write(named.matrix, name: named.name, header: [])
        }
        return out
    }

    static func write(_ matrix: MatpowerMatrix, name: String, header: [String]) -> String {
        var out = ""
        if !header.isEmpty { out += "%\t" + header.joined(separator: "\t") + "\n" }
        out += "mpc.\(name) = [\n"
        for row in matrix.rows {
            out += "\t" + row.map(format).joined(separator: "\t") + ";\n"
        }
        out += "];\n"
        return out
    }

    /// The shortest text that reads back to `value`; whole numbers without a point.
    static func format(_ value: Double) -> String {
        if value == .infinity { return "Inf" }
        if value == -.infinity { return "-Inf" }
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int(value))
        }
        return "\(value)"
    }

    /// A MATLAB identifier made from a case name.
    static func identifier(from name: String) -> String {
        var result = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
        if result.isEmpty || !(result.first!.isLetter) { result = "case_" + result }
        return result
    }
}

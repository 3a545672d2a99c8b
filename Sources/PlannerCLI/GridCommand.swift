import ArgumentParser
import DistributionGrid
import Foundation
import InputParsing

/// `planner grid ...`: power flow on radial feeders.
struct GridCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid",
        abstract: "Radial feeder power flow (exact DistFlow and LinDistFlow).",
        subcommands: [GridPowerFlowCommand.self, GridCostCommand.self]
    )
}

/// `planner grid pf --matpower CASE.m ...`
struct GridPowerFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pf",
        abstract: "Solve the exact power flow of a MATPOWER feeder and compare LinDistFlow.",
        discussion: """
            Prints the minimum voltage and its bus, the losses, the substation P/Q/S of the exact \
            (backward/forward sweep) power flow, and LinDistFlow's minimum voltage and its errors. \
            A load beyond the feeder's loadability has no power-flow solution: that is reported and \
            the command exits with status 2.
            """
    )

    @Option(name: .customLong("matpower"), help: "MATPOWER case file (.m).")
    var matpower: String

    @Option(name: .customLong("vsource"), help: "Substation voltage, pu (default: the case's set point).")
    var sourceVoltage: Double?

    @Option(name: .customLong("load"), help: "Extra load BUS=KW[:KVAR] (repeatable; bus numbers as in the case).")
    var loads: [String] = []

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Sweep tolerance on squared voltages, pu².")
    var tolerance = 1e-10

    @Option(help: "Sweep cap.")
    var maxIterations = 100

    mutating func validate() throws {
        if let v = sourceVoltage, !(v.isFinite && v > 0) { throw ValidationError("--vsource must be > 0 pu") }
        guard tolerance > 0, maxIterations > 0 else { throw ValidationError("--tolerance and --max-iterations must be positive") }
    }

    func run() throws {
        let feeder = try Feeder(matpowerFile: matpower)
        var busLoads = feeder.baseLoads
        for text in loads {
            let extra = try ExtraLoad(text, feeder: feeder)
            busLoads.add(pKW: extra.pKW, qKVAr: extra.qKVAr, toBus: extra.bus)
        }
        let source = sourceVoltage ?? feeder.sourceVoltage
        var solver = DistFlowSolver(feeder: feeder, options: DistFlowOptions(tolerance: tolerance, maxIterations: maxIterations))
        let linear = solver.linDistFlow(loads: busLoads, sourceVoltage: source)
        var report = PowerFlowReport(
            feeder: feeder.name, buses: feeder.buses.count, ties: feeder.ties.count, baseKV: feeder.baseKV,
            sourceVoltage: source, totalLoadKW: busLoads.totalPKW, totalLoadKVAr: busLoads.totalQKVAr,
            solved: false, error: nil, iterations: nil, minVoltage: nil, minVoltageBus: nil, lossesKW: nil,
            substationPKW: nil, substationQKVAr: nil, substationKVA: nil,
            linDistFlow: .init(
                minVoltage: linear.minVoltage.isNaN ? nil : linear.minVoltage,
                minVoltageBus: feeder.buses[linear.minVoltageBus].number,
                substationKVA: linear.substationKVA, minVoltageError: nil, maxVoltageError: nil, substationKVAError: nil))
        var solved = true
        do {
            let s = try solver.solve(loads: busLoads, sourceVoltage: source)
            let error = LinDistFlowError(exact: s, linear: linear)
            report.solved = true
            report.iterations = s.summary.iterations
            report.minVoltage = s.summary.minVoltage
            report.minVoltageBus = feeder.buses[s.summary.minVoltageBus].number
            report.lossesKW = s.summary.lossesKW
            report.substationPKW = s.summary.substationPKW
            report.substationQKVAr = s.summary.substationQKVAr
            report.substationKVA = s.summary.substationKVA
            report.linDistFlow.minVoltageError = error.minVoltageError
            report.linDistFlow.maxVoltageError = error.maxVoltageError
            report.linDistFlow.substationKVAError = error.substationKVAError
        } catch {
            solved = false
            report.error = error.description
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
        if !solved { throw ExitCode(2) }
    }
}

/// A malformed command-line value, reported without the usage text.
struct GridArgumentError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One `--load BUS=KW[:KVAR]` argument.
struct ExtraLoad {
    var bus: Int
    var pKW: Double
    var qKVAr: Double

    init(_ text: String, feeder: Feeder) throws {
        let parts = text.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let number = Int(parts[0].trimmingSpaces()) else {
            throw GridArgumentError("--load \(text): expected BUS=KW[:KVAR], e.g. 18=1000 or 18=1000:300")
        }
        guard let bus = feeder.index(ofBus: number) else {
            throw GridArgumentError("--load \(text): bus \(number) is not in \(feeder.name)")
        }
        let values = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(values.count), let p = Double(values[0].trimmingSpaces()), p.isFinite else {
            throw GridArgumentError("--load \(text): expected a number of kW after '='")
        }
        var q = 0.0
        if values.count == 2 {
            guard let parsed = Double(values[1].trimmingSpaces()), parsed.isFinite else {
                throw GridArgumentError("--load \(text): expected a number of kVAr after ':'")
            }
            q = parsed
        }
        self.bus = bus
        self.pKW = p
        self.qKVAr = q
    }
}

/// What `planner grid pf` prints.
struct PowerFlowReport: Codable {
    struct Linear: Codable {
        var minVoltage: Double?
        var minVoltageBus: Int
        var substationKVA: Double
        var minVoltageError: Double?
        var maxVoltageError: Double?
        var substationKVAError: Double?
    }

    var feeder: String
    var buses: Int
    var ties: Int
    var baseKV: Double
    var sourceVoltage: Double
    var totalLoadKW: Double
    var totalLoadKVAr: Double
    var solved: Bool
    var error: String?
    var iterations: Int?
    var minVoltage: Double?
    var minVoltageBus: Int?
    var lossesKW: Double?
    var substationPKW: Double?
    var substationQKVAr: Double?
    var substationKVA: Double?
    var linDistFlow: Linear

    var text: String {
        func f(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
        var lines = [
            "\(feeder): \(buses) buses, \(ties) ties, \(f(baseKV, 2)) kV; load \(f(totalLoadKW, 2)) kW, \(f(totalLoadKVAr, 2)) kVAr",
            "source voltage        \(f(sourceVoltage, 5)) pu",
        ]
        if solved, let minVoltage, let minVoltageBus, let lossesKW, let substationPKW, let substationQKVAr, let substationKVA, let iterations {
            lines += [
                "minimum voltage       \(f(minVoltage, 5)) pu at bus \(minVoltageBus)",
                "losses                \(f(lossesKW, 2)) kW",
                "substation            \(f(substationPKW, 2)) kW  \(f(substationQKVAr, 2)) kVAr  \(f(substationKVA, 2)) kVA",
                "sweeps                \(iterations)",
            ]
        } else {
            lines.append("exact power flow      \(error ?? "no solution")")
        }
        let linMin = linDistFlow.minVoltage.map { f($0, 5) + " pu" } ?? "below zero (v < 0)"
        var linLine = "LinDistFlow minimum   \(linMin) at bus \(linDistFlow.minVoltageBus)"
        if let e = linDistFlow.minVoltageError, let m = linDistFlow.maxVoltageError {
            linLine += " (error \(e >= 0 ? "+" : "")\(f(e, 5)) pu; largest bus error \(f(m, 5)) pu)"
        } else {
            linLine += " (meaningless: the exact flow has no solution)"
        }
        lines.append(linLine)
        var subLine = "LinDistFlow substation \(f(linDistFlow.substationKVA, 2)) kVA"
        if let e = linDistFlow.substationKVAError { subLine += " (\(e <= 0 ? "under" : "over") by \(f(abs(e), 2)) kVA)" }
        lines.append(subLine)
        return lines.joined(separator: "\n")
    }
}

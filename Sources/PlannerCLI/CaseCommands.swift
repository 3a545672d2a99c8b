import ArgumentParser
import Foundation
import InputParsing
import Planner

/// Loads the case a command names, or the built-in one.
/// A folder stands for the `case.json` inside it. Errors print as `file:line: field: message`.
func loadCase(_ path: String?) throws(InputError) -> PlannerCase {
    guard let path else { return try PlannerCase.builtIn() }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        return try PlannerCase.load(manifestPath: path + "/case.json")
    }
    return try PlannerCase.load(manifestPath: path)
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Load a case (default: the built-in one), check it and print its summary.")

    @Argument(help: "A case manifest (case.json) or a folder holding one. Omit for the built-in case.")
    var casePath: String?

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func run() throws {
        let summary = try loadCase(casePath).summary
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            summary.lines.forEach { print($0) }
            print("ok")
        }
    }
}

struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Work with case files.",
        subcommands: [ExportCommand.self])

    struct ExportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a case (default: the built-in one) as editable files into a folder.")

        @Argument(help: "The folder to write (created if missing).")
        var directory: String

        @Option(name: .customLong("case"), help: "The case to export instead of the built-in one.")
        var casePath: String?

        func run() throws {
            let loaded = try loadCase(casePath)
            try loaded.export(to: directory)
            print("wrote \(loaded.files.count) files to \(directory); check them with: planner validate \(directory)/case.json")
        }
    }
}

import ArgumentParser

@main
struct PlannerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planner",
        abstract: "Many-objective planner for EV charging stations on coupled traffic and power networks.",
        subcommands: [BenchmarkCommand.self]
    )
}

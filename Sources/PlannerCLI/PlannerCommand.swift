import ArgumentParser

@main
struct PlannerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planner",
        abstract: "Many-objective planner for EV charging stations on coupled traffic and power networks.",
        subcommands: [
            ValidateCommand.self, CaseCommand.self, EvaluateCommand.self, SmallWorldCommand.self, TrafficCommand.self, GridCommand.self,
            BenchmarkCommand.self, BenchCommand.self,
        ]
    )
}

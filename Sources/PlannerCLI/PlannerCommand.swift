import ArgumentParser

@main
struct PlannerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planner",
        abstract: "Many-objective planner for EV charging stations on coupled traffic and power networks.",
        subcommands: [
            RunCommand.self, EnumerateCommand.self, EvaluateCommand.self, ValidateCommand.self, CaseCommand.self,
            SmallWorldCommand.self, TrafficCommand.self, GridCommand.self, BenchmarkCommand.self, BenchCommand.self, PlotCommand.self,
            RestoreCommand.self, ScenariosCommand.self, SweepCommand.self, CompareCommand.self, ReportCommand.self,
        ]
    )
}

import ArgumentParser

/// `planner bench ...`: benchmarks that print figures (run them on a release build).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print timings (use a release build: swift build -c release).",
        subcommands: [
            PlannerBenchCommand.self, TrafficBenchCommand.self, GridBenchCommand.self, SmallWorldBenchCommand.self,
            PlotBenchCommand.self, RestorationBenchCommand.self,
        ]
    )
}

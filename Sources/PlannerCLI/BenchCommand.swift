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

/// SplitMix64: a small seeded generator so benchmark inputs repeat exactly.
struct BenchRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

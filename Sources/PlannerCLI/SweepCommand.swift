import ArgumentParser
import Dispatch
import Foundation
import InputParsing
import Planner

#if canImport(Glibc)
    import Glibc
#endif

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Optimise the case over a grid of parameter values (several seeds per point); merge into sweep.csv and surfaces.",
        subcommands: [SweepRunCommand.self, SweepMergeCommand.self],
        defaultSubcommand: SweepRunCommand.self)
}

struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sweep (the default: `planner sweep --param ...` is `planner sweep run --param ...`).",
        discussion: """
            Parameters: \(SweepParameter.all.map(\.name).joined(separator: ", ")) (docs/sweep.md).
            Finished (point, seed) records in OUT/points are skipped on a re-run. Under `mpirun -np N` the tasks are
            dealt to the ranks and rank 0 writes every output.
            """)

    @Option(name: .customLong("param"), help: "name=start:stop:step or name=v1,v2,... (repeat for more parameters).")
    var parameters: [String] = []

    @Option(help: "Seeds per point: runs seeds 1...N.")
    var seeds: Int = 1

    @Option(name: .customLong("case"), help: "Case manifest or folder (default: the built-in case).")
    var casePath: String?

    @Option(help: "nsga3, nsga2 or spea2.")
    var algorithm: String = "nsga3"

    @Option(help: "Population per run (sweep default 48: see docs/sweep.md for the time budget).")
    var population: Int = 48

    @Option(help: "Generations per run (sweep default 60).")
    var generations: Int = 60

    @Option(help: "Runs at once (each single-threaded; default: all cores, or 1 per rank under mpirun).")
    var threads: Int?

    @Option(help: "Compute only shard K of N (1 <= K <= N) of the (point, seed) list, for job arrays.")
    var shard: String?

    @Option(help: "Sweep folder.")
    var out: String

    @Option(help: "Figures folder (default: OUT/plots).")
    var plots: String?

    @Option(name: .customLong("surface"), help: "Quantity to draw over two parameters (repeatable; default for two parameters: Figs 4-7's four).")
    var surfaces: [String] = []

    @Flag(help: "Write no figures.")
    var noPlots = false

    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds: expected at least 1") }
        guard population >= 4, population % 2 == 0 else { throw ValidationError("--population: expected an even number >= 4") }
        guard generations >= 1 else { throw ValidationError("--generations: expected at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads: expected at least 1") }
    }

    func run() throws {
        let baseCase = try loadCase(casePath)
        let axes = try parameters.map { try SweepAxis(parsing: $0) }
        let definition = try SweepDefinition(
            plannerCase: baseCase, axes: axes, seeds: (1...UInt64(seeds)).map { $0 }, algorithm: algorithm,
            population: population, generations: generations)
        let quantities = try surfaces.map(SweepQuantity.named)
        if !quantities.isEmpty && axes.count != 2 {
            throw ValidationError("--surface needs exactly two --param; this sweep has \(axes.count)")
        }
        let shard = try shard.map { try SweepShard(parsing: $0) } ?? .whole
        let stop = StopFlag()
        let signals = installStopHandlers(stop)
        defer { signals.forEach { $0.cancel() } }

        if let world = MPIWorld.fromEnvironment() {
            try runUnderMPI(world, definition: definition, baseCase: baseCase, shard: shard, stop: stop, quantities: quantities)
            return
        }
        let store = try SweepStore.open(directory: out, definition: definition)
        let mine = shard.deal(definition.tasks)
        let pending = store.pending(mine)
        let runner = SweepRunner(store: store, baseCase: baseCase, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        say(
            "sweep: \(definition.pointCount) points x \(definition.seeds.count) seeds; "
                + (shard == .whole ? "" : "shard \(shard.index)/\(shard.count): \(mine.count) tasks; ")
                + "\(mine.count - pending.count) already done, \(pending.count) to run on \(min(runner.threads, max(pending.count, 1))) threads")
        let started = Date()
        var done = 0
        try runner.execute(pending, shouldStop: { stop.isRaised }) { task, data in
            try store.save(data, for: task)
            done += 1
            say("  \(definition.recordName(task)) done (\(done)/\(pending.count), \(elapsed(since: started)))")
        }
        try finish(store: store, tasks: mine, stopped: stop.isRaised, quantities: quantities)
    }

    /// Writes the table (and surfaces when the sweep is complete) and says what is left.
    func finish(store: SweepStore, tasks: [SweepTask], stopped: Bool, quantities: [SweepQuantity]) throws {
        let missing = try store.writeTable()
        let missingHere = Set(missing).intersection(tasks).count
        say("\(stopped ? "stopped" : "finished"); \(store.directory)/\(SweepStore.tableFile) has \(store.definition.tasks.count - missing.count) of \(store.definition.tasks.count) rows")
        if missingHere > 0 { say("re-run the same command to compute the \(missingHere) missing tasks") }
        guard missing.isEmpty, !noPlots else { return }
        let chosen = quantities.isEmpty && store.definition.axes.count == 2 ? SweepQuantity.figures : quantities
        guard !chosen.isEmpty else { return }
        if store.definition.axes.contains(where: { $0.values.count < 2 }) {
            say("no surfaces: every swept parameter needs two values or more")
            return
        }
        let written = try store.writeSurfaces(
            chosen, to: plots ?? store.directory + "/plots", command: CommandLine.arguments.joined(separator: " "))
        say("surfaces: \(written.count) figures in \(plots ?? store.directory + "/plots")")
    }
}

struct SweepMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the shard folders of one sweep into one folder with sweep.csv and surfaces.")

    @Argument(help: "Shard folders (each made by planner sweep ... --shard K/N --out DIR).")
    var sources: [String]

    @Option(help: "Merged sweep folder.")
    var out: String

    @Option(help: "Figures folder (default: OUT/plots).")
    var plots: String?

    @Option(name: .customLong("surface"), help: "Quantity to draw over two parameters (repeatable).")
    var surfaces: [String] = []

    @Flag(help: "Write no figures.")
    var noPlots = false

    func run() throws {
        let (store, missing) = try SweepStore.merge(sources, into: out)
        say("merged \(sources.count) folders: \(store.definition.tasks.count - missing.count) of \(store.definition.tasks.count) tasks in \(out)/\(SweepStore.tableFile)")
        if !missing.isEmpty {
            say("missing: " + missing.prefix(10).map(store.definition.recordName).joined(separator: ", ") + (missing.count > 10 ? ", ..." : ""))
            throw ExitCode(2)
        }
        guard !noPlots else { return }
        let quantities = try surfaces.map(SweepQuantity.named)
        let chosen = quantities.isEmpty && store.definition.axes.count == 2 ? SweepQuantity.figures : quantities
        guard !chosen.isEmpty, store.definition.axes.allSatisfy({ $0.values.count >= 2 }) else { return }
        let written = try store.writeSurfaces(chosen, to: plots ?? out + "/plots", command: CommandLine.arguments.joined(separator: " "))
        say("surfaces: \(written.count) figures in \(plots ?? out + "/plots")")
    }
}

/// SIGINT/SIGTERM raise `stop`: runs in flight end without a record, finished ones stay.
func installStopHandlers(_ stop: StopFlag) -> [DispatchSourceSignal] {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    return [SIGINT, SIGTERM].map { number in
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { stop.raise() }
        source.resume()
        return source
    }
}

/// Prints a line and flushes, so progress shows in logs and under mpirun.
func say(_ line: String) {
    print(line)
    fflush(nil)
}

func elapsed(since start: Date) -> String { String(format: "%.1f s", Date().timeIntervalSince(start)) }

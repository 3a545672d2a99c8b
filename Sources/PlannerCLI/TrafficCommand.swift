import ArgumentParser
import Foundation
import InputParsing
import TrafficEquilibrium

/// `planner traffic ...`: traffic assignment on TNTP networks.
struct TrafficCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traffic",
        abstract: "Traffic assignment: BPR user equilibrium and the NdP capacity LP.",
        subcommands: [TrafficUECommand.self, TrafficNdPCommand.self]
    )
}

/// Reports an input error the way compilers do and exits with status 1.
func failOnInput<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as InputError {
        throw ValidationError(error.description)
    } catch let error as TrafficModelError {
        throw ValidationError(error.description)
    }
}

struct TrafficUECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ue",
        abstract: "BPR user equilibrium; writes the TNTP flow file (From To Volume Cost).")

    @Option(help: "TNTP network file (_net.tntp).") var net: String
    @Option(help: "TNTP trips file (_trips.tntp).") var trips: String
    @Option(help: "Stop at this relative gap (TSTT - SPTT) / TSTT.") var gap: Double = 1e-10
    @Option(help: "bfw (bi-conjugate Frank-Wolfe) or path (gradient projection).")
    var algorithm: String = "path"
    @Option(help: "Iteration limit.") var maxIterations: Int = 100_000
    @Option(help: "Output flow file.") var out: String

    func run() throws {
        guard let method = UserEquilibrium.Algorithm(rawValue: algorithm) else {
            throw ValidationError("--algorithm must be bfw or path, found \(algorithm)")
        }
        let network = try failOnInput { try TNTP.readNetwork(path: net) }
        let demand = try failOnInput { try TNTP.readDemand(path: trips) }
        let clock = ContinuousClock()
        var result: UserEquilibrium.Result?
        let elapsed = try clock.measure {
            result = try failOnInput {
                try UserEquilibrium.solve(
                    network: network, demand: demand,
                    options: .init(algorithm: method, relativeGap: gap, maxIterations: maxIterations))
            }
        }
        guard let result else { return }
        try AtomicFile.write(TNTP.flowText(network: network, volume: result.flows, cost: result.times), to: out)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("algorithm        \(method.rawValue)")
        print("iterations       \(result.iterations)")
        print("relative gap     \(result.relativeGap)\(result.converged ? "" : "  (NOT converged to \(gap))")")
        print("TSTT             \(result.totalTravelTime)")
        print("SPTT             \(result.shortestPathTravelTime)")
        print("Beckmann         \(result.beckmann)")
        print("wall time        \(String(format: "%.6f", seconds)) s")
        print("wrote            \(out)")
    }
}

import ArgumentParser

struct TrafficNdPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ndp", abstract: "NdP capacity LP (work in progress).")
}

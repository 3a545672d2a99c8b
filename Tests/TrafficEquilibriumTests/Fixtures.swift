import Foundation
import TrafficEquilibrium

/// Paths of the test fixtures (copied from the project's reference data; see Fixtures/README.md).
enum Fixture {
    static func path(_ name: String) -> String {
        let url = URL(fileURLWithPath: name)
        guard
            let found = Bundle.module.path(
                forResource: url.deletingPathExtension().lastPathComponent, ofType: url.pathExtension,
                inDirectory: "Fixtures")
        else { fatalError("fixture \(name) is missing") }
        return found
    }

    static func siouxFalls() throws -> (TrafficNetwork, Demand) {
        (try TNTP.readNetwork(path: path("SiouxFalls_net.tntp")), try TNTP.readDemand(path: path("SiouxFalls_trips.tntp")))
    }

    static func tn12() throws -> (TrafficNetwork, Demand) {
        (
            try TNTP.readNetwork(path: path("TN12_synthetic_net.tntp")),
            try TNTP.readDemand(path: path("TN12_synthetic_trips.tntp"))
        )
    }
}

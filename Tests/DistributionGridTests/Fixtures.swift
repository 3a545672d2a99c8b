import Foundation
import Testing

@testable import DistributionGrid

/// Loads the MATPOWER fixtures bundled with the test target.
enum Fixture {
    static func path(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "m", subdirectory: "Fixtures") else {
            fatalError("fixture \(name).m missing from the test bundle")
        }
        return url.path
    }

    static func text(_ name: String) -> String {
        try! String(contentsOfFile: path(name), encoding: .utf8)
    }

    static let case33bw: Feeder = try! Feeder(matpowerFile: path("case33bw"))
    static let case69: Feeder = try! Feeder(matpowerFile: path("case69"))
}

extension Feeder {
    /// The index of a bus number, for tests.
    func bus(_ number: Int) -> Int { index(ofBus: number)! }
}

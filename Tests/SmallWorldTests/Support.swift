import Foundation
import Testing
@testable import SmallWorld

/// Loads the test fixtures.
enum Fixture {
    /// Zachary's karate club (see Fixtures/README.md), members renumbered 0..<34.
    static func karate() throws -> Graph {
        let url = try #require(Bundle.module.url(forResource: "karate", withExtension: "edges", subdirectory: "Fixtures"))
        let text = try String(contentsOf: url, encoding: .utf8)
        var pairs: [(Int, Int)] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ").compactMap { Int($0) }
            try #require(fields.count == 2, "bad fixture line \(line)")
            pairs.append((fields[0] - 1, fields[1] - 1))
        }
        return try Graph(nodeCount: 34, pairs: pairs)
    }
}

/// |a - b| <= tolerance, with both values in the failure message.
func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool { abs(a - b) <= tolerance }

import Foundation
import Testing

@testable import Plotting

/// Renders compared against reviewed reference PNGs in `Golden/` (found beside this
/// file: the test target declares no resources). Set `PLOTTING_UPDATE_GOLDEN=1` to
/// rewrite them after an intended change, then look at every image before committing.
@Suite struct GoldenImageTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    static let style = FigureStyle(size: FigureSize(width: 5, height: 3.75, dpi: 64))

    static func cases() -> [(String, @Sendable () throws -> Raster)] {
        [
            ("convergence", { try Plot.convergence(PlotSamples.convergence(generations: 60), style: style) }),
            ("feeder", { try Plot.feeder(PlotSamples.feeder(), title: "IEEE 33-bus feeder", style: style) }),
            ("heat-map", { try Plot.heatMap(PlotSamples.sensitivitySurface(steps: 5), style: style) }),
        ]
    }

    @Test(arguments: ["convergence", "feeder", "heat-map"])
    func matchesGolden(_ name: String) throws {
        let raster = try Self.cases().first { $0.0 == name }!.1()
        let path = Self.goldenDirectory + "/\(name).png"
        if ProcessInfo.processInfo.environment["PLOTTING_UPDATE_GOLDEN"] == "1" {
            try raster.writePNG(to: path, metadata: [PNGTextEntry(key: "Figure", value: name)])
        }
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("missing golden image \(path); run with PLOTTING_UPDATE_GOLDEN=1 and review it")
            return
        }
        let golden = try PNGFile(path: path)
        #expect(golden.width == raster.width && golden.height == raster.height)
        guard golden.width == raster.width, golden.height == raster.height else { return }
        // Tolerance: other Cairo, pixman or FreeType builds shift antialiased edges and
        // glyph coverage by a few levels; a moved element or changed colour differs by
        // far more on many pixels. So: mean channel difference <= 1.5 levels and at most
        // 0.5 % of pixels off by more than 64 levels in some channel.
        var total = 0, bad = 0
        for p in 0..<(raster.width * raster.height) {
            var worst = 0
            for c in 0..<4 {
                let d = abs(Int(raster.rgba[p * 4 + c]) - Int(golden.rgba[p * 4 + c]))
                total += d
                worst = max(worst, d)
            }
            if worst > 64 { bad += 1 }
        }
        let pixels = raster.width * raster.height
        let mean = Double(total) / Double(pixels * 4)
        let badShare = Double(bad) / Double(pixels)
        #expect(mean <= 1.5, "\(name): mean channel difference \(mean)")
        #expect(badShare <= 0.005, "\(name): \(bad) pixels (\(badShare * 100) %) differ strongly")
    }

    /// The comparison itself must catch a real change: a shifted copy fails it.
    @Test func toleranceRejectsAShiftedImage() throws {
        let raster = try Self.cases()[1].1()
        var shifted = raster.rgba
        let rowBytes = raster.width * 4
        for y in 0..<raster.height {
            for x in stride(from: raster.width - 1, to: 2, by: -1) {
                for c in 0..<4 { shifted[y * rowBytes + x * 4 + c] = raster.rgba[y * rowBytes + (x - 3) * 4 + c] }
            }
        }
        var bad = 0
        for p in 0..<(raster.width * raster.height) where (0..<4).contains(where: { abs(Int(shifted[p * 4 + $0]) - Int(raster.rgba[p * 4 + $0])) > 64 }) {
            bad += 1
        }
        #expect(Double(bad) / Double(raster.width * raster.height) > 0.005)
    }
}

import Foundation
import Testing

@testable import Plotting

@Suite struct PNGOutputTests {
    @Test func writesRGBAWithTextChunksThatReadBack() throws {
        let raster = try Plot.convergence(PlotSamples.convergence(generations: 20), style: FigureStyle(size: FigureSize(width: 4, height: 3, dpi: 60)))
        try withTemporaryDirectory { dir in
            let path = dir + "/convergence.png"
            let metadata = [
                PNGTextEntry(key: "Run", value: "run-0042"), PNGTextEntry(key: "Seed", value: "7"),
                PNGTextEntry(key: "Case hash", value: "sha256:ab12"), PNGTextEntry(key: "Command", value: "planner run --seed 7 --out résumé"),
            ]
            try raster.writePNG(to: path, metadata: metadata)
            let png = try PNGFile(path: path)
            #expect(png.width == 240 && png.height == 180)
            #expect(png.bitDepth == 8)
            #expect(png.colorType == 6)  // truecolour with alpha
            #expect(png.text.map(\.key) == ["Run", "Seed", "Case hash", "Command"])
            #expect(png.value("Command") == "planner run --seed 7 --out résumé")  // é is Latin-1
            #expect(png.chunkTypes.contains("IDAT"))
            #expect(png.rgba == raster.rgba)  // lossless round trip
            // No partial file is left beside the target.
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["convergence.png"])
        }
    }

    /// Cairo stores premultiplied native-endian ARGB; the raster must come out as
    /// straight RGBA in byte order R, G, B, A.
    @Test func unpremultipliesAndOrdersChannels() throws {
        let canvas = try Canvas(size: FigureSize(width: 1, height: 1, dpi: 40), background: nil)
        canvas.fill(Rect(x: 0, y: 0, width: 36, height: 72), Color(red: 1, green: 0.5, blue: 0, alpha: 0.5))
        canvas.fill(Rect(x: 36, y: 0, width: 36, height: 72), Color(red: 0, green: 0.2, blue: 1, alpha: 1))
        let raster = try canvas.raster()
        let left = raster.pixel(x: 5, y: 20), right = raster.pixel(x: 35, y: 20)
        // Premultiplication keeps 8 bits of 0.5 × channel; undoing it is exact to ±1.
        #expect(left.alpha == 128)
        #expect(abs(Int(left.red) - 255) <= 1 && abs(Int(left.green) - 128) <= 2 && left.blue == 0)
        #expect(right == (0, 51, 255, 255))
        let corner = try Canvas(size: FigureSize(width: 1, height: 1, dpi: 40), background: nil).raster().pixel(x: 0, y: 0)
        #expect(corner == (0, 0, 0, 0))
    }

    @Test func nonLatin1TextIsEscapedNotDropped() throws {
        let raster = try Raster(width: 1, height: 1, rgba: [255, 255, 255, 255])
        try withTemporaryDirectory { dir in
            try raster.writePNG(to: dir + "/a.png", metadata: [PNGTextEntry(key: "Case", value: "北京 case")])
            #expect(try PNGFile(path: dir + "/a.png").value("Case") == "\\u{5317}\\u{4EAC} case")
        }
    }

    @Test func badMetadataIsRejected() throws {
        let raster = try Raster(width: 1, height: 1, rgba: [0, 0, 0, 255])
        try withTemporaryDirectory { dir in
            let path = dir + "/a.png"
            for key in ["", " lead", "trail ", "double  space", String(repeating: "k", count: 80), "tab\tkey", "中"] {
                #expect(throws: PlotError.self) { try raster.writePNG(to: path, metadata: [PNGTextEntry(key: key, value: "v")]) }
            }
            #expect(throws: PlotError.self) {
                try raster.writePNG(to: path, metadata: [PNGTextEntry(key: "Run", value: "a"), PNGTextEntry(key: "Run", value: "b")])
            }
            let many = (0..<33).map { PNGTextEntry(key: "K\($0)", value: "v") }
            #expect(throws: PlotError.self) { try raster.writePNG(to: path, metadata: many) }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func unwritablePathIsAnErrorNotACrash() throws {
        let raster = try Raster(width: 2, height: 2, rgba: [UInt8](repeating: 200, count: 16))
        #expect(throws: PlotError.self) { try raster.writePNG(to: "/nonexistent-dir-for-plot-test/x.png") }
        #expect(throws: PlotError.self) { try Raster(width: 2, height: 2, rgba: [0]) }
    }
}

import ArgumentParser
import Foundation
import Plotting

/// `planner bench plot`: renders every figure kind from synthetic data, writes the PNGs
/// and prints render and write times.
struct PlotBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Render every figure kind with synthetic data and print the timings (target: <= 50 ms per figure)."
    )

    @Option(name: .long, help: "Folder for the PNG files (created if missing).")
    var out: String = "plot-bench"

    @Option(name: .long, help: "Renders per figure; the median and maximum are reported.")
    var repeats: Int = 5

    @Option(name: .long, help: "Resolution in dots per inch.")
    var dpi: Double = 150

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let metadata = [
            PNGTextEntry(key: "Software", value: "planner bench plot"),
            PNGTextEntry(key: "Run", value: "bench"),
            PNGTextEntry(key: "Seed", value: "42"),
        ]
        let figures = PlotSamples.benchmarkFigures(dpi: dpi)
        print("figure                      pixels      render median   render max   write")
        var worst = 0.0
        for figure in figures {
            var times: [Double] = []
            var raster: Raster? = nil
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                raster = try figure.render()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            guard let raster else { continue }
            let path = (out as NSString).appendingPathComponent(figure.name + ".png")
            let start = DispatchTime.now().uptimeNanoseconds
            try raster.writePNG(to: path, metadata: metadata + [PNGTextEntry(key: "Figure", value: figure.name)])
            let write = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            times.sort()
            let median = times[times.count / 2]
            worst = max(worst, median)
            let pixels = "\(raster.width)x\(raster.height)"
            print(
                figure.name.padding(toLength: 28, withPad: " ", startingAt: 0)
                    + pixels.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + String(format: "%8.1f ms     %8.1f ms  %6.1f ms", median, times.last!, write))
        }
        print(String(format: "slowest median render: %.1f ms (target <= 50 ms); PNGs in %@", worst, out))
    }
}

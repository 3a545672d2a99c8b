import Foundation
import Testing

@testable import Plotting

/// Small, low-resolution renders keep the debug-build test time short.
let smallStyle = FigureStyle(size: FigureSize(width: 5, height: 4, dpi: 50))

/// Pixels in the centre of the image that are not near-white: text or data was drawn there.
func inkInCentre(_ raster: Raster) -> Int {
    var count = 0
    for y in (raster.height / 3)..<(2 * raster.height / 3) {
        for x in (raster.width / 5)..<(4 * raster.width / 5) {
            let p = raster.pixel(x: x, y: y)
            if Int(p.red) + Int(p.green) + Int(p.blue) < 600 { count += 1 }
        }
    }
    return count
}

@Suite struct FigureTests {
    @Test func everyBenchmarkFigureRendersAtItsSize() throws {
        for figure in PlotSamples.benchmarkFigures(dpi: 40) {
            let raster = try figure.render()
            #expect(raster.width > 100 && raster.height > 100, "\(figure.name)")
            #expect(raster.rgba.count == raster.width * raster.height * 4)
            #expect(inkInCentre(raster) > 100, "\(figure.name) looks empty")
        }
    }

    @Test func renderingIsDeterministic() throws {
        let front = PlotSamples.paretoFront(count: 40)
        #expect(try Plot.paretoScatterMatrix(front, style: smallStyle) == Plot.paretoScatterMatrix(front, style: smallStyle))
        let surface = PlotSamples.sensitivitySurface(steps: 5)
        #expect(try Plot.surface3D(surface, style: smallStyle) == Plot.surface3D(surface, style: smallStyle))
    }

    @Test func sizeAndDpiSetThePixels() throws {
        let raster = try Plot.feeder(PlotSamples.feeder(), title: "F", style: FigureStyle(size: FigureSize(width: 6, height: 3, dpi: 100)))
        #expect(raster.width == 600 && raster.height == 300)
        #expect(throws: PlotError.self) { try Plot.feeder(PlotSamples.feeder(), title: "F", style: FigureStyle(size: FigureSize(width: 6, height: 3, dpi: 5))) }
        #expect(throws: PlotError.self) { try Plot.feeder(PlotSamples.feeder(), title: "F", style: FigureStyle(size: FigureSize(width: 0, height: 3))) }
    }

    // MARK: Empty and single-point data render a message instead of crashing.

    @Test func emptyAndSinglePointFronts() throws {
        let objectives = PlotSamples.plannerObjectives
        for points in [[[Double]](), [[1.2e5, 0.5, 4e6, 1e5]]] {
            let front = ParetoFront(title: "Front", objectives: objectives, points: points, colorBy: 3)
            #expect(inkInCentre(try Plot.paretoScatterMatrix(front, style: smallStyle)) > 0)
            #expect(inkInCentre(try Plot.parallelCoordinates(front, style: smallStyle)) > 0)
        }
        let none = ParetoFront(title: "Front", objectives: [], points: [])
        _ = try Plot.paretoScatterMatrix(none, style: smallStyle)
        _ = try Plot.parallelCoordinates(none, style: smallStyle)
        let one = ParetoFront(title: "Front", objectives: [objectives[0]], points: [[1], [2], [3]], colorBy: 0)
        _ = try Plot.paretoScatterMatrix(one, style: smallStyle)
        _ = try Plot.parallelCoordinates(one, style: smallStyle)
    }

    @Test func emptyAndSingleGenerationConvergence() throws {
        let empty = ConvergencePlot(title: "C", panels: [])
        #expect(inkInCentre(try Plot.convergence(empty, style: smallStyle)) > 0)
        let single = ConvergencePlot(title: "C", panels: [ConvergencePanel(quantity: Quantity(name: "HV"), series: [ConvergenceSeries(name: "A", generations: [0], median: [0.5])])])
        #expect(inkInCentre(try Plot.convergence(single, style: smallStyle)) > 0)
        let nonPositiveLog = ConvergencePlot(title: "C", panels: [ConvergencePanel(quantity: Quantity(name: "IGD"), series: [ConvergenceSeries(name: "A", generations: [0, 1], median: [0, -1])], logarithmic: true)])
        _ = try Plot.convergence(nonPositiveLog, style: smallStyle)
    }

    @Test func emptyAndSingleNodeNetworks() throws {
        #expect(inkInCentre(try Plot.networkMap(NetworkMap(title: "M", nodes: [], edges: []), style: smallStyle)) > 0)
        let single = NetworkMap(title: "M", nodes: [NetworkMap.Node(label: "1", x: 3, y: 3)], edges: [])
        #expect(inkInCentre(try Plot.networkMap(single, style: smallStyle)) > 0)
        #expect(inkInCentre(try Plot.feeder(Feeder(buses: [], branches: []), title: "F", style: smallStyle)) > 0)
        _ = try Plot.feeder(Feeder(buses: [Feeder.Bus(label: "1")], branches: []), title: "F", style: smallStyle)
        let state = RestorationState(damagedBranches: [], closedBranches: [], island: [], servedFraction: [], sources: [])
        _ = try Plot.restorationIslands(Feeder(buses: [], branches: []), state: state, title: "R", style: smallStyle)
    }

    @Test func emptySingleAndGappySurfaces() throws {
        let q = Quantity(name: "q")
        let empty = GridSurface(title: "S", x: q, y: q, z: q, xValues: [], yValues: [], values: [])
        #expect(inkInCentre(try Plot.surface3D(empty, style: smallStyle)) > 0)
        #expect(inkInCentre(try Plot.heatMap(empty, style: smallStyle)) > 0)
        let single = GridSurface(title: "S", x: q, y: q, z: q, xValues: [0], yValues: [0], values: [[4]])
        #expect(inkInCentre(try Plot.surface3D(single, style: smallStyle)) > 0)
        #expect(inkInCentre(try Plot.heatMap(single, style: smallStyle)) > 0)
        var gappy = PlotSamples.sensitivitySurface(steps: 5)
        gappy.values[2][2] = .nan
        _ = try Plot.surface3D(gappy, style: smallStyle)
        _ = try Plot.heatMap(gappy, style: smallStyle)
        var flat = gappy
        flat.values = flat.values.map { $0.map { _ in 7 } }
        _ = try Plot.heatMap(flat, style: smallStyle)
    }

    // MARK: Inconsistent data is an error, never a crash.

    @Test func inconsistentDataThrows() throws {
        let q = Quantity(name: "q")
        #expect(throws: PlotError.self) { try Plot.paretoScatterMatrix(ParetoFront(title: "", objectives: [q, q], points: [[1]]), style: smallStyle) }
        #expect(throws: PlotError.self) { try Plot.parallelCoordinates(ParetoFront(title: "", objectives: [q], points: [[1]], colorBy: 3), style: smallStyle) }
        #expect(throws: PlotError.self) { try Plot.paretoScatterMatrix(ParetoFront(title: "", objectives: [q], points: [[1]], highlights: [HighlightedPoint(index: 5, label: "k")]), style: smallStyle) }
        #expect(throws: PlotError.self) { try Plot.networkMap(NetworkMap(title: "", nodes: [.init(label: "a", x: 0, y: 0)], edges: [.init(from: 0, to: 1)]), style: smallStyle) }
        #expect(throws: PlotError.self) { try Plot.networkMap(NetworkMap(title: "", nodes: [.init(label: "a", x: .nan, y: 0)], edges: []), style: smallStyle) }
        #expect(throws: PlotError.self) { try Plot.feeder(Feeder(buses: [.init(label: "1")], branches: [.init(from: 0, to: 2)]), title: "", style: smallStyle) }
        let state = RestorationState(damagedBranches: [], closedBranches: [], island: [nil], servedFraction: [], sources: [])
        #expect(throws: PlotError.self) { try Plot.restorationIslands(PlotSamples.feeder(), state: state, title: "", style: smallStyle) }
        #expect(throws: PlotError.self) { try Plot.heatMap(GridSurface(title: "", x: q, y: q, z: q, xValues: [1, 0], yValues: [0], values: [[1, 2]]), style: smallStyle) }
        #expect(throws: PlotError.self) { try Plot.surface3D(GridSurface(title: "", x: q, y: q, z: q, xValues: [0, 1], yValues: [0], values: [[1]]), style: smallStyle) }
        #expect(throws: PlotError.self) { try ConvergenceSeries(name: "A", generations: [0, 1], runs: [[1, 2], [1]]) }
        let bad = ConvergencePlot(title: "", panels: [ConvergencePanel(quantity: q, series: [ConvergenceSeries(name: "A", generations: [0, 1], median: [1])])])
        #expect(throws: PlotError.self) { try Plot.convergence(bad, style: smallStyle) }
    }

    @Test func quartilesFromRunsMatchHandComputedValues() throws {
        // Values 1…5 at one generation: type-7 quartiles are 2 and 4, median 3.
        let series = try ConvergenceSeries(name: "A", generations: [0], runs: [[5], [1], [4], [2], [3], [.nan]])
        #expect(series.median == [3])
        #expect(series.lowerQuartile == [2])
        #expect(series.upperQuartile == [4])
        // Four values 1, 2, 3, 10: h = 0.75 → 1.75; median 2.5; upper 3 + 0.25 × 7 = 4.75.
        let four = try ConvergenceSeries(name: "B", generations: [0], runs: [[1], [2], [3], [10]])
        #expect(four.lowerQuartile == [1.75] && four.median == [2.5] && four.upperQuartile == [4.75])
    }
}

/// Awkward but valid inputs: large fronts, long names, negative values, a bigger
/// feeder, many clusters. They must render; with `PLOTTING_DUMP_DIR` set they are also
/// written there for a look.
@Suite struct StressFigureTests {
    func dump(_ raster: Raster, _ name: String) throws {
        guard let dir = ProcessInfo.processInfo.environment["PLOTTING_DUMP_DIR"] else { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try raster.writePNG(to: dir + "/\(name).png")
    }

    @Test func largeFrontWithLongNamesAndNegativeValues() throws {
        var front = PlotSamples.paretoFront(count: 1000)
        front.objectives[1] = Quantity(name: "Small-world utility of the coupled network (weighted)", preference: .higherIsBetter)
        front.points = front.points.map { [$0[0], $0[1] - 0.6, $0[2], $0[3]] }
        front.points[5][2] = .nan
        try dump(try Plot.paretoScatterMatrix(front), "stress-scatter")
        try dump(try Plot.parallelCoordinates(front), "stress-parallel")
        var three = PlotSamples.paretoFront(count: 50)
        three.objectives.removeLast()
        three.points = three.points.map { Array($0.prefix(3)) }
        three.colorBy = 2
        try dump(try Plot.paretoScatterMatrix(three), "stress-scatter-3")
        var two = three
        two.objectives.removeLast()
        two.points = two.points.map { Array($0.prefix(2)) }
        two.colorBy = nil
        try dump(try Plot.paretoScatterMatrix(two), "stress-scatter-2")
    }

    @Test func feeder69() throws {
        let normal = [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12), (12, 13), (13, 14), (14, 15), (15, 16), (16, 17), (17, 18), (18, 19), (19, 20), (20, 21), (21, 22), (22, 23), (23, 24), (24, 25), (25, 26), (26, 27), (3, 28), (28, 29), (29, 30), (30, 31), (31, 32), (32, 33), (33, 34), (34, 35), (3, 36), (36, 37), (37, 38), (38, 39), (39, 40), (40, 41), (41, 42), (42, 43), (43, 44), (44, 45), (45, 46), (4, 47), (47, 48), (48, 49), (49, 50), (8, 51), (51, 52), (9, 53), (53, 54), (54, 55), (55, 56), (56, 57), (57, 58), (58, 59), (59, 60), (60, 61), (61, 62), (62, 63), (63, 64), (64, 65), (11, 66), (66, 67), (12, 68), (68, 69)]
        let ties = [(11, 43), (13, 21), (15, 46), (50, 59), (27, 65)]
        let feeder = Feeder(
            buses: (1...69).map { Feeder.Bus(label: "\($0)", hasStation: [12, 27, 50, 61].contains($0), generator: $0 == 61 ? "Gas" : nil) },
            branches: normal.map { Feeder.Branch(from: $0.0 - 1, to: $0.1 - 1) } + ties.map { Feeder.Branch(from: $0.0 - 1, to: $0.1 - 1, isTie: true) })
        let layout = feeder.layout
        #expect(Set(zip(layout.column, layout.row).map { "\($0),\($1)" }).count == 69)
        try dump(try Plot.feeder(feeder, title: "69-bus feeder"), "stress-feeder-69")
    }

    @Test func manyClustersAndParallelLinks() throws {
        var map = PlotSamples.networkMap()
        map.nodes = map.nodes.enumerated().map { var n = $0.element; n.category = $0.offset % 10; return n }
        map.edges = map.edges.flatMap { e -> [NetworkMap.Edge] in
            var back = e
            (back.from, back.to) = (e.to, e.from)
            back.flow = (e.flow ?? 0) * 0.4
            back.hasMarker = false
            var forward = e
            forward.category = e.from % 10
            return [forward, back]
        }
        try dump(try Plot.networkMap(map), "stress-network")
    }

    @Test func steepSurfaceAndCoarseGrid() throws {
        var surface = PlotSamples.sensitivitySurface(steps: 3)
        surface.values[0][0] = -2e6
        try dump(try Plot.heatMap(surface), "stress-heat-coarse")
        try dump(try Plot.surface3D(surface, view: SurfaceView(azimuth: 30, elevation: 50)), "stress-surface-view")
        var big = PlotSamples.sensitivitySurface(steps: 41)
        big.values[10][10] = .nan
        try dump(try Plot.surface3D(big), "stress-surface-41")
        try dump(try Plot.heatMap(big), "stress-heat-41")
    }
}

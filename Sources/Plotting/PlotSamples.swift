import Foundation

/// Deterministic synthetic data for every figure kind, shaped like the planner's real
/// output: for the plot benchmark, the documentation and tests.
public enum PlotSamples {
    /// SplitMix64: a tiny, well-mixed generator so samples are the same everywhere.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Uniform in [0, 1).
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        /// Standard normal (Box-Muller).
        mutating func normal() -> Double {
            let u = max(uniform(), 1e-300), v = uniform()
            return sqrt(-2 * log(u)) * cos(2 * Double.pi * v)
        }
    }

    /// Hypervolume and IGD of three algorithms over `generations`, 11 seeds each.
    public static func convergence(generations: Int = 200) -> ConvergencePlot {
        var rng = Generator(state: 42)
        let xs = (0...generations).map(Double.init)
        let algorithms = [("NSGA-III", 25.0, 0.92), ("NSGA-II", 40.0, 0.88), ("SPEA2", 55.0, 0.86)]
        var hv: [ConvergenceSeries] = [], igd: [ConvergenceSeries] = []
        for (name, tau, top) in algorithms {
            var hvRuns: [[Double]] = [], igdRuns: [[Double]] = []
            for _ in 0..<11 {
                let speed = tau * (1 + 0.15 * rng.normal())
                let level = top * (1 + 0.01 * rng.normal())
                hvRuns.append(xs.map { g in level * (1 - 0.85 * exp(-g / speed)) + 0.004 * rng.normal() })
                igdRuns.append(xs.map { g in 0.002 + 0.6 * exp(-g / (speed * 0.8)) * (1 + 0.1 * rng.normal()) })
            }
            hv.append(try! ConvergenceSeries(name: name, generations: xs, runs: hvRuns))
            igd.append(try! ConvergenceSeries(name: name, generations: xs, runs: igdRuns))
        }
        return ConvergencePlot(
            title: "Convergence over 11 seeds (median and inter-quartile range)",
            panels: [
                ConvergencePanel(
                    quantity: Quantity(name: "Hypervolume", preference: .higherIsBetter), series: hv,
                    references: [ReferenceLine(value: 0.935, label: "exact front")]),
                ConvergencePanel(quantity: Quantity(name: "IGD", preference: .lowerIsBetter), series: igd, logarithmic: true),
            ])
    }
}

extension PlotSamples {
    /// One figure of the benchmark: a name (also the PNG file name) and its renderer.
    public struct BenchmarkFigure: Sendable {
        /// The figure's name.
        public let name: String
        /// Renders the figure.
        public let render: @Sendable () throws(PlotError) -> Raster
    }

    /// Every figure kind with synthetic data, at `dpi`.
    public static func benchmarkFigures(dpi: Double = 150) -> [BenchmarkFigure] {
        @Sendable func style(_ size: FigureSize?) -> FigureStyle {
            var s = FigureStyle()
            if let size { s.size = FigureSize(width: size.width, height: size.height, dpi: dpi) }
            return s
        }
        let convergence = convergence()
        let front = paretoFront()
        let map = networkMap()
        let feeder = feeder()
        let restoration = restorationState()
        let couplings = sampleCouplings
        let surface = sensitivitySurface()
        return [
            BenchmarkFigure(name: "pareto-scatter-matrix") { () throws(PlotError) -> Raster in
                try Plot.paretoScatterMatrix(front, style: style(FigureSize(width: 8, height: 7.5)))
            },
            BenchmarkFigure(name: "parallel-coordinates") { () throws(PlotError) -> Raster in
                try Plot.parallelCoordinates(front, style: style(FigureSize(width: 8, height: 4.8)))
            },
            BenchmarkFigure(name: "network-map") { () throws(PlotError) -> Raster in
                try Plot.networkMap(map, style: style(FigureSize(width: 7.5, height: 5.5)))
            },
            BenchmarkFigure(name: "feeder") { () throws(PlotError) -> Raster in
                try Plot.feeder(feeder, title: "IEEE 33-bus feeder: stations, DGs and tie switches", style: style(FigureSize(width: 8, height: 4.6)))
            },
            BenchmarkFigure(name: "coupled-networks") { () throws(PlotError) -> Raster in
                try Plot.coupledNetworks(map, feeder: feeder, couplings: couplings, title: "Coupled networks: stations and their grid buses", style: style(FigureSize(width: 11, height: 5.5)))
            },
            BenchmarkFigure(name: "restoration-islands") { () throws(PlotError) -> Raster in
                try Plot.restorationIslands(feeder, state: restoration, title: "Outage scenario 2: islands formed after the storm", style: style(FigureSize(width: 8, height: 5)))
            },
            BenchmarkFigure(name: "sensitivity-surface-3d") { () throws(PlotError) -> Raster in
                try Plot.surface3D(surface, style: style(FigureSize(width: 7, height: 5.5)))
            },
            BenchmarkFigure(name: "sensitivity-heat-map") { () throws(PlotError) -> Raster in
                try Plot.heatMap(surface, style: style(FigureSize(width: 6.4, height: 5)))
            },
            BenchmarkFigure(name: "convergence") { () throws(PlotError) -> Raster in
                try Plot.convergence(convergence, style: style(Plot.defaultConvergenceSize(panels: convergence.panels.count)))
            },
        ]
    }
}

extension PlotSamples {
    /// The four planner objectives in their natural sense and units.
    public static let plannerObjectives: [Quantity] = [
        Quantity(name: "UE travel time", unit: "veh·h", format: .si, preference: .lowerIsBetter),
        Quantity(name: "Small-world utility", preference: .higherIsBetter),
        Quantity(name: "Investment cost", format: .currency("$"), preference: .lowerIsBetter),
        Quantity(name: "Restoration value", unit: "/yr", format: .currency("$"), preference: .higherIsBetter),
    ]

    /// A synthetic four-objective front of `count` solutions with a knee and a TOPSIS pick.
    public static func paretoFront(count: Int = 120) -> ParetoFront {
        var rng = Generator(state: 7)
        var points: [[Double]] = []
        for _ in 0..<count {
            let spend = rng.uniform()  // how much the plan builds
            let focus = rng.uniform()  // traffic- versus grid-oriented
            let cost = 3.0e6 + 9.0e6 * spend + 0.4e6 * rng.normal().magnitude
            let travel = 1.08e5 + 0.45e5 * exp(-3.2 * spend * (0.6 + 0.4 * focus)) + 1.5e3 * rng.normal()
            let utility = 0.35 + 0.5 * pow(spend, 0.7) * (0.7 + 0.3 * focus) + 0.02 * rng.normal()
            let restoration = 40e3 + 260e3 * spend * (1.2 - 0.6 * focus) + 8e3 * rng.normal()
            points.append([travel, utility, cost, restoration])
        }
        return ParetoFront(
            title: "Pareto front: \(count) plans", objectives: plannerObjectives, points: points, colorBy: 3,
            highlights: count < 2 ? [] : [HighlightedPoint(index: 17 % count, label: "Knee point"), HighlightedPoint(index: 42 % count, label: "TOPSIS best")])
    }
}

extension PlotSamples {
    /// The 12-node test road network of seed 003 on its synthetic layout (km), with
    /// three clusters, flows, long-range links and five stations.
    public static func networkMap() -> NetworkMap {
        let coordinates: [(Double, Double)] = [
            (40, 120), (110, 120), (0, 80), (50, 80), (100, 80), (150, 80), (0, 40), (50, 40), (100, 40), (150, 40), (40, 0), (110, 0),
        ]
        let cluster = [0, 0, 1, 0, 0, 2, 1, 1, 2, 2, 1, 2]
        let nodes = coordinates.enumerated().map { NetworkMap.Node(label: "\($0.offset + 1)", x: $0.element.0, y: $0.element.1, category: cluster[$0.offset]) }
        let links = [(1, 2), (1, 3), (2, 6), (1, 4), (2, 5), (3, 4), (4, 5), (5, 6), (3, 7), (4, 8), (5, 9), (6, 10), (7, 8), (8, 9), (9, 10), (7, 11), (8, 11), (9, 12), (12, 10), (11, 12)]
        var rng = Generator(state: 11)
        let stations: [Int: String] = [3: "32 spots", 6: "18 spots", 10: "24 spots", 13: "40 spots", 17: "12 spots"]
        let edges = links.enumerated().map { k, link -> NetworkMap.Edge in
            let (a, b) = (link.0 - 1, link.1 - 1)
            let same = cluster[a] == cluster[b]
            return NetworkMap.Edge(
                from: a, to: b, flow: 900 + 4200 * rng.uniform(), category: same ? cluster[a] : nil, isHighlighted: !same,
                hasMarker: stations[k] != nil, markerLabel: stations[k])
        }
        return NetworkMap(title: "Road network: flows, clusters and stations", nodes: nodes, edges: edges, categoryNames: ["North", "West", "East"])
    }

    /// Station links of ``networkMap()`` and their buses on ``feeder()`` (indices).
    public static let sampleCouplings = [
        Coupling(edge: 3, bus: 11), Coupling(edge: 6, bus: 5), Coupling(edge: 10, bus: 8),
        Coupling(edge: 13, bus: 17), Coupling(edge: 17, bus: 29),
    ]

    /// The IEEE 33-bus feeder (Baran & Wu 1989 topology, five tie switches) with PV at
    /// buses 18, 22 and 25, a gas unit at 33 and stations at 12, 18 and 30.
    public static func feeder() -> Feeder {
        let stations: Set<Int> = [12, 18, 30]
        let generators: [Int: String] = [18: "PV", 22: "PV", 25: "PV+BESS", 33: "Gas"]
        let buses = (1...33).map { Feeder.Bus(label: "\($0)", hasStation: stations.contains($0), generator: generators[$0]) }
        var pairs = (1...17).map { ($0, $0 + 1) }
        pairs += [(2, 19), (19, 20), (20, 21), (21, 22), (3, 23), (23, 24), (24, 25), (6, 26)]
        pairs += (26...32).map { ($0, $0 + 1) }
        var branches = pairs.map { Feeder.Branch(from: $0.0 - 1, to: $0.1 - 1) }
        branches += [(8, 21), (9, 15), (12, 22), (18, 33), (25, 29)].map { Feeder.Branch(from: $0.0 - 1, to: $0.1 - 1, isTie: true) }
        return Feeder(buses: buses, branches: branches, substation: 0)
    }

    /// An outage of the 33-bus feeder: substation cut off, three branches damaged, three
    /// islands formed around the gas unit, a station fleet and a PV+BESS unit.
    public static func restorationState() -> RestorationState {
        let feeder = feeder()
        func branch(_ a: Int, _ b: Int) -> Int {
            feeder.branches.firstIndex { ($0.from, $0.to) == (a - 1, b - 1) || ($0.from, $0.to) == (b - 1, a - 1) }!
        }
        let damaged: Set<Int> = [branch(5, 6), branch(10, 11), branch(2, 19)]
        var closed = Set(feeder.branches.indices.filter { !feeder.branches[$0].isTie })
        closed.subtract(damaged)
        closed.remove(branch(3, 23))
        var island = [Int?](repeating: nil, count: 33)
        for b in [6, 7, 8, 9, 10] + Array(26...33) { island[b - 1] = 0 }
        for b in 11...18 { island[b - 1] = 1 }
        for b in 23...25 { island[b - 1] = 2 }
        var served = (1...33).map { island[$0 - 1] == nil ? 0.0 : 1.0 }
        served[0] = .nan  // the substation bus carries no load
        served[29] = 0.4
        served[31] = 0
        served[13] = 0.6
        return RestorationState(
            damagedBranches: damaged, closedBranches: closed, island: island, servedFraction: served,
            sources: [.init(bus: 32, label: "Gas DG"), .init(bus: 17, label: "Fleet V2G"), .init(bus: 24, label: "PV+BESS")],
            islandNames: ["Island 1 (gas DG, bus 33)", "Island 2 (fleet, bus 18)", "Island 3 (PV+BESS, bus 25)"])
    }

    /// Road investment over demand growth × station-cost growth (0-40 %, 5 % steps),
    /// shaped like seed 003 Fig. 4: 3.3 M$ at no growth, 11.9 M$ at 40 % / 40 %.
    public static func sensitivitySurface(steps: Int = 9) -> GridSurface {
        let grid = (0..<steps).map { 0.4 * Double($0) / Double(steps - 1) }
        let values = grid.map { c in
            grid.map { d -> Double in
                let s = (d + c) / 0.8
                return 3.32e6 + 8.58e6 * (0.3 * s + 0.7 * pow(s, 2.5)) + 0.6e6 * (d - c) / 0.4 * s * (1 - s)
            }
        }
        return GridSurface(
            title: "Road investment cost by demand and station-cost growth",
            x: Quantity(name: "Traffic demand growth", format: .fractionAsPercent),
            y: Quantity(name: "Station cost growth", format: .fractionAsPercent),
            z: Quantity(name: "Road investment", format: .currency("$")),
            xValues: grid, yValues: grid, values: values)
    }
}

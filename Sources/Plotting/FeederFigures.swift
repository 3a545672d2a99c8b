import Foundation

/// A radial distribution feeder for drawing: buses and branches by index.
public struct Feeder: Sendable, Hashable {
    /// One bus.
    public struct Bus: Sendable, Hashable {
        /// The label drawn next to the bus, e.g. "18".
        public var label: String
        /// Whether a charging station is connected here.
        public var hasStation: Bool
        /// The kind of distributed generator at the bus ("Gas", "PV", "PV+BESS"), if any.
        public var generator: String?

        /// A bus.
        public init(label: String, hasStation: Bool = false, generator: String? = nil) {
            self.label = label
            self.hasStation = hasStation
            self.generator = generator
        }
    }

    /// One branch (line or switch) between two buses.
    public struct Branch: Sendable, Hashable {
        /// Index of one end in ``Feeder/buses``.
        public var from: Int
        /// Index of the other end.
        public var to: Int
        /// A normally open tie switch: drawn dashed, and not part of the radial tree.
        public var isTie: Bool

        /// A branch.
        public init(from: Int, to: Int, isTie: Bool = false) {
            self.from = from
            self.to = to
            self.isTie = isTie
        }
    }

    /// The buses.
    public var buses: [Bus]
    /// The branches.
    public var branches: [Branch]
    /// The substation (source) bus, the root of the drawing.
    public var substation: Int

    /// A feeder.
    public init(buses: [Bus], branches: [Branch], substation: Int = 0) {
        self.buses = buses
        self.branches = branches
        self.substation = substation
    }

    func validate() throws(PlotError) {
        guard buses.isEmpty || buses.indices.contains(substation) else {
            throw PlotError.invalidData("substation index \(substation) is outside 0..<\(buses.count)")
        }
        for (b, branch) in branches.enumerated() where !buses.indices.contains(branch.from) || !buses.indices.contains(branch.to) {
            throw PlotError.invalidData("branch \(b) joins buses \(branch.from) and \(branch.to), outside 0..<\(buses.count)")
        }
    }

    var layout: TreeLayout {
        TreeLayout(busCount: buses.count, branches: branches.map { ($0.from, $0.to, $0.isTie) }, root: substation)
    }
}

/// The operating state of a feeder during an outage: what is damaged, which branches
/// are closed, which buses form which island and how much of their load is served.
public struct RestorationState: Sendable, Hashable {
    /// A grid-forming source of an island.
    public struct Source: Sendable, Hashable {
        /// The bus index.
        public var bus: Int
        /// What it is, e.g. "Gas DG", "Fleet V2G".
        public var label: String

        /// A source at `bus`.
        public init(bus: Int, label: String) {
            self.bus = bus
            self.label = label
        }
    }

    /// Indices of damaged branches (out of service).
    public var damagedBranches: Set<Int>
    /// Indices of branches closed in the restoration configuration; every other
    /// branch is open.
    public var closedBranches: Set<Int>
    /// The island of each bus (0, 1, …), or `nil` when it is not energised.
    public var island: [Int?]
    /// Share of each bus's load served over the outage, 0...1 (NaN for buses without load).
    public var servedFraction: [Double]
    /// The grid-forming sources.
    public var sources: [Source]
    /// Island names for the legend (index = island number); missing ones read "Island n".
    public var islandNames: [String]

    /// A restoration state.
    public init(damagedBranches: Set<Int>, closedBranches: Set<Int>, island: [Int?], servedFraction: [Double], sources: [Source], islandNames: [String] = []) {
        self.damagedBranches = damagedBranches
        self.closedBranches = closedBranches
        self.island = island
        self.servedFraction = servedFraction
        self.sources = sources
        self.islandNames = islandNames
    }
}

/// The two feeder figures share their layout; this holds the geometry.
private struct FeederGeometry {
    var position: [Point]
    var spacing: Double
    var area: Rect
    var layout: TreeLayout

    init(_ layout: TreeLayout, in area: Rect) {
        self.layout = layout
        let cols = layout.columns, rows = layout.rows
        let dx = cols.count > 1 ? min(area.width / Double(cols.count - 1), 70) : 0
        let dy = rows.count > 1 ? min(area.height / Double(rows.count - 1), 60) : 0
        let usedWidth = dx * Double(cols.count - 1), usedHeight = dy * Double(rows.count - 1)
        let x0 = area.minX + (area.width - usedWidth) / 2, y0 = area.minY + (area.height - usedHeight) / 2
        position = zip(layout.column, layout.row).map { c, r in
            Point(x0 + Double(c - cols.lowerBound) * dx, y0 + Double(r - rows.lowerBound) * dy)
        }
        spacing = min(dx > 0 ? dx : 60, dy > 0 ? dy : 60)
        self.area = area
    }

    /// A gentle arc for branches outside the tree (ties), bulging to the side so it
    /// does not run along the straight tree lines.
    func arc(_ a: Point, _ b: Point) -> (Point, Point) {
        let mx = b.x - a.x, my = b.y - a.y
        let length = max(hypot(mx, my), 1e-9)
        let bulge = min(0.22 * length, spacing * 0.9)
        let nx = -my / length * bulge, ny = mx / length * bulge
        return (Point(a.x + mx / 3 + nx, a.y + my / 3 + ny), Point(a.x + 2 * mx / 3 + nx, a.y + 2 * my / 3 + ny))
    }
}

extension Plot {
    static let stationColor = Color.black
    static let generatorShapes: [MarkerShape] = [.triangleUp, .diamond, .triangleDown, .star]
    static let generatorColors: [Color] = [Color(hex: 0xD55E00), Color(hex: 0xE69F00), Color(hex: 0x009E73), Color(hex: 0xCC79A7)]

    /// Draws a radial feeder as a one-line diagram laid out from its tree: the trunk in
    /// a straight line, laterals on rows above and below, tie switches as dashed arcs,
    /// the substation as a square, charging-station buses and DGs (by kind) marked.
    public static func feeder(_ feeder: Feeder, title: String, style: FigureStyle = FigureStyle()) throws(PlotError) -> Raster {
        try feeder.validate()
        let canvas = try Canvas(size: style.size ?? FigureSize(width: 8, height: 4.6), fontScale: style.fontScale)
        let top = canvas.drawTitle(title)
        let legend = Legend(entries: feederLegendEntries(feeder))
        let legendWidth = legend.size(canvas).width
        let area = Rect(x: Theme.outerMargin + 16, y: top + 18, width: canvas.widthPoints - 2 * Theme.outerMargin - legendWidth - 44, height: canvas.heightPoints - top - 18 - Theme.outerMargin - 22)
        legend.draw(canvas, at: Point(canvas.widthPoints - Theme.outerMargin - legendWidth, top + 4))
        drawFeeder(canvas, feeder, in: area)
        return try canvas.raster()
    }

    static func feederLegendEntries(_ feeder: Feeder) -> [LegendEntry] {
        var entries: [LegendEntry] = [
            LegendEntry(label: "Substation", swatch: .marker(.square, fill: Color.gray(0.2), stroke: .white, size: 10)),
            LegendEntry(label: "Bus", swatch: .lineAndMarker(Color.gray(0.3), width: 1.4, dash: nil, .circle, fill: .white, stroke: Color.gray(0.2), size: 6)),
        ]
        if feeder.branches.contains(where: \.isTie) {
            entries.append(LegendEntry(label: "Tie switch (open)", swatch: .line(Color.gray(0.35), width: 1.1, dash: [4, 2.5])))
        }
        if feeder.buses.contains(where: \.hasStation) {
            entries.append(LegendEntry(label: "Charging-station bus", swatch: .marker(.square, fill: stationColor, stroke: .white, size: 7.5)))
        }
        for (k, kind) in generatorKinds(feeder).enumerated() {
            entries.append(LegendEntry(label: "DG: \(kind)", swatch: .marker(generatorShapes[k % 4], fill: generatorColors[k % 4], stroke: .white, size: 9)))
        }
        return entries
    }

    /// Draws the feeder's one-line diagram into `area`; `tags` puts a boxed text next to
    /// buses (the coupled view's station letters).
    static func drawFeeder(_ canvas: Canvas, _ feeder: Feeder, in area: Rect, tags: [Int: String] = [:]) {
        guard !feeder.buses.isEmpty else {
            canvas.drawMessage("No buses to draw", in: area)
            return
        }
        let layout = feeder.layout
        let geometry = FeederGeometry(layout, in: area)
        let p = geometry.position
        for (b, branch) in feeder.branches.enumerated() where layout.treeBranches.contains(b) {
            canvas.line(p[branch.from], p[branch.to], width: 1.4, color: Color.gray(0.3))
        }
        for (b, branch) in feeder.branches.enumerated() where !layout.treeBranches.contains(b) && branch.from != branch.to {
            let (c1, c2) = geometry.arc(p[branch.from], p[branch.to])
            canvas.curve(p[branch.from], c1, c2, p[branch.to], width: 1.1, color: branch.isTie ? Color.gray(0.35) : Color.gray(0.3), dash: branch.isTie ? [4, 2.5] : nil)
        }
        drawBuses(canvas, feeder, geometry, kinds: generatorKinds(feeder)) { _ in
            (fill: Color.white, stroke: Color.gray(0.2), served: nil)
        }
        for (bus, tag) in tags.sorted(by: { $0.key < $1.key }) where feeder.buses.indices.contains(bus) {
            // Right of the bus, on the side away from its label.
            let below = !layout.hasLineAbove(bus)
            let at = Point(p[bus].x + 8, p[bus].y + (below ? 7 : -7))
            let box = canvas.textBox(tag, at: at, font: Font(size: 7, bold: true), horizontal: .left, vertical: below ? .top : .bottom).insetBy(-2, -1)
            canvas.roundedRectangle(box, radius: 2, fill: Color.black, stroke: nil)
            canvas.text(tag, at: at, font: Font(size: 7, bold: true), color: .white, horizontal: .left, vertical: below ? .top : .bottom)
        }
        if feeder.buses.count == 1 {
            canvas.drawMessage("A single bus and no branches", in: Rect(x: area.minX, y: area.maxY - 30, width: area.width, height: 30))
        }
    }

    /// Draws one outage scenario on the feeder's normal layout: damaged branches crossed
    /// out, energised branches and buses in their island's colour, open branches dashed,
    /// each bus's served share of load as a filled pie, sources marked and labelled.
    public static func restorationIslands(_ feeder: Feeder, state: RestorationState, title: String, style: FigureStyle = FigureStyle()) throws(PlotError) -> Raster {
        try feeder.validate()
        guard state.island.count == feeder.buses.count, state.servedFraction.count == feeder.buses.count else {
            throw PlotError.invalidData("restoration state has \(state.island.count) islands and \(state.servedFraction.count) served shares for \(feeder.buses.count) buses")
        }
        for b in state.damagedBranches.union(state.closedBranches) where !feeder.branches.indices.contains(b) {
            throw PlotError.invalidData("branch index \(b) is outside 0..<\(feeder.branches.count)")
        }
        for s in state.sources where !feeder.buses.indices.contains(s.bus) {
            throw PlotError.invalidData("source \"\(s.label)\" is at bus index \(s.bus), outside 0..<\(feeder.buses.count)")
        }
        let canvas = try Canvas(size: style.size ?? FigureSize(width: 8, height: 5), fontScale: style.fontScale)
        let top = canvas.drawTitle(title)
        let islands = Set(state.island.compactMap { $0 }).sorted()
        func islandColor(_ i: Int) -> Color { CategoricalPalette.color(islands.firstIndex(of: i) ?? i) }

        var entries: [LegendEntry] = []
        for i in islands {
            let name = state.islandNames.indices.contains(i) ? state.islandNames[i] : "Island \(i + 1)"
            entries.append(LegendEntry(label: name, swatch: .line(islandColor(i), width: 3, dash: nil)))
        }
        entries += [
            LegendEntry(label: "De-energised branch", swatch: .line(Color.gray(0.55), width: 1.2, dash: nil)),
            LegendEntry(label: "Open switch / branch", swatch: .line(Color.gray(0.6), width: 1, dash: [3, 2.5])),
            LegendEntry(label: "Damaged branch", swatch: .lineAndMarker(Color(hex: 0x8B1A1A), width: 1.2, dash: nil, .cross, fill: nil, stroke: Color(hex: 0xC00000), size: 8)),
            LegendEntry(label: "Bus load served (pie = share)", swatch: .marker(.circle, fill: CategoricalPalette.color(0), stroke: Color.gray(0.2), size: 8)),
            LegendEntry(label: "Bus load shed", swatch: .marker(.circle, fill: .white, stroke: Color.gray(0.45), size: 8)),
            LegendEntry(label: "Grid-forming source", swatch: .marker(.triangleUp, fill: .black, stroke: .white, size: 10)),
        ]
        let legend = Legend(entries: entries)
        let legendSize = legend.size(canvas)
        let area = Rect(x: Theme.outerMargin + 16, y: top + 18, width: canvas.widthPoints - 2 * Theme.outerMargin - legendSize.width - 44, height: canvas.heightPoints - top - 18 - Theme.outerMargin - 40)
        legend.draw(canvas, at: Point(canvas.widthPoints - Theme.outerMargin - legendSize.width, top + 4))
        guard !feeder.buses.isEmpty else {
            canvas.drawMessage("No buses to draw", in: area)
            return try canvas.raster()
        }
        let layout = feeder.layout
        let geometry = FeederGeometry(layout, in: area)
        let p = geometry.position
        let damagedColor = Color(hex: 0x8B1A1A)
        for (b, branch) in feeder.branches.enumerated() where branch.from != branch.to {
            let a = p[branch.from], c = p[branch.to]
            let inTree = layout.treeBranches.contains(b)
            let (c1, c2) = inTree ? (a, c) : geometry.arc(a, c)
            let damaged = state.damagedBranches.contains(b)
            let closed = state.closedBranches.contains(b) && !damaged
            let energised = closed && state.island[branch.from] != nil && state.island[branch.from] == state.island[branch.to]
            if damaged {
                canvas.curve(a, c1, c2, c, width: 1.2, color: damagedColor)
            } else if energised, let island = state.island[branch.from] {
                canvas.curve(a, c1, c2, c, width: 3, color: islandColor(island))
            } else if closed {
                canvas.curve(a, c1, c2, c, width: 1.2, color: Color.gray(0.55))
            } else {
                canvas.curve(a, c1, c2, c, width: 1, color: Color.gray(0.6), dash: [3, 2.5])
            }
        }
        for b in state.damagedBranches.sorted() {
            let branch = feeder.branches[b]
            let a = p[branch.from], c = p[branch.to]
            let mid: Point
            if layout.treeBranches.contains(b) {
                mid = Point((a.x + c.x) / 2, (a.y + c.y) / 2)
            } else {
                let (c1, c2) = geometry.arc(a, c)
                mid = Point((a.x + 3 * c1.x + 3 * c2.x + c.x) / 8, (a.y + 3 * c1.y + 3 * c2.y + c.y) / 8)
            }
            canvas.marker(.cross, at: mid, size: 9, fill: nil, stroke: .white, width: 3.4)
            canvas.marker(.cross, at: mid, size: 9, fill: nil, stroke: Color(hex: 0xC00000), width: 2)
        }
        drawBuses(canvas, feeder, geometry, kinds: [], showStations: true) { bus in
            let served = state.servedFraction[bus]
            let color = state.island[bus].map(islandColor) ?? Color.gray(0.5)
            return (fill: Color.white, stroke: served.isFinite && served > 0 ? Color.gray(0.2) : Color.gray(0.45), served: served.isFinite ? (min(max(served, 0), 1), color) : nil)
        }
        for source in state.sources {
            let at = p[source.bus]
            let up = layout.hasLineAbove(source.bus)
            let marker = Point(at.x, at.y + (up ? -13 : 13))
            canvas.line(at, marker, width: 1, color: .black)
            canvas.marker(.triangleUp, at: marker, size: 10, fill: .black, stroke: .white, width: 0.8)
            _ = canvas.labelBox(source.label, at: Point(marker.x, marker.y + (up ? -7 : 7)), font: Theme.smallFont, color: .black, horizontal: .center, vertical: up ? .bottom : .top)
        }
        // Served share of all buses with load, unweighted (the caller's title carries the energy figure).
        let loads = state.servedFraction.filter(\.isFinite)
        if !loads.isEmpty {
            let fullyServed = loads.filter { $0 >= 0.999 }.count, shed = loads.filter { $0 <= 0.001 }.count
            canvas.drawFootnote("\(fullyServed) of \(loads.count) load buses fully served, \(shed) fully shed, \(loads.count - fullyServed - shed) partly served")
        }
        return try canvas.raster()
    }

    static func generatorKinds(_ feeder: Feeder) -> [String] {
        var kinds: [String] = []
        for bus in feeder.buses { if let g = bus.generator, !kinds.contains(g) { kinds.append(g) } }
        return kinds
    }

    private static func drawBuses(
        _ canvas: Canvas, _ feeder: Feeder, _ geometry: FeederGeometry, kinds: [String], showStations: Bool = true,
        style: (Int) -> (fill: Color, stroke: Color, served: (Double, Color)?)
    ) {
        let p = geometry.position
        let radius = min(5.0, max(2.5, geometry.spacing * 0.16))
        let font = Font(size: min(7.5, max(5.5, geometry.spacing * 0.3)))
        for (i, bus) in feeder.buses.enumerated() {
            let s = style(i)
            if i == feeder.substation {
                canvas.marker(.square, at: p[i], size: radius * 3.2, fill: Color.gray(0.2), stroke: .white, width: 0.8)
            } else if bus.hasStation && showStations {
                canvas.marker(.square, at: p[i], size: radius * 2.9, fill: stationColor, stroke: .white, width: 0.8)
                if let (share, color) = s.served {
                    canvas.circle(p[i], radius: radius * 0.95, fill: .white)
                    if share > 0 { canvas.wedge(p[i], radius: radius * 0.95, start: -Double.pi / 2, end: -Double.pi / 2 + 2 * Double.pi * share, fill: color) }
                }
            } else {
                canvas.circle(p[i], radius: radius, fill: s.fill, stroke: s.stroke, width: 0.9)
                if let (share, color) = s.served, share > 0 {
                    canvas.wedge(p[i], radius: radius - 0.45, start: -Double.pi / 2, end: -Double.pi / 2 + 2 * Double.pi * share, fill: color)
                }
            }
            // The label goes where no tree line leaves the bus; a DG hangs on the other side.
            let labelBelow = geometry.layout.hasLineAbove(i)
            if let g = bus.generator, let k = kinds.firstIndex(of: g) {
                let marker = Point(p[i].x, p[i].y + (labelBelow ? -1 : 1) * (radius + 8))
                canvas.line(p[i], marker, width: 0.9, color: Color.gray(0.2))
                canvas.marker(generatorShapes[k % 4], at: marker, size: 9, fill: generatorColors[k % 4], stroke: .white, width: 0.7)
            }
            if labelBelow {
                canvas.text(bus.label, at: Point(p[i].x, p[i].y + radius + 2.5), font: font, color: Theme.textColor, horizontal: .center, vertical: .top)
            } else {
                canvas.text(bus.label, at: Point(p[i].x, p[i].y - radius - 2.5), font: font, color: Theme.textColor, horizontal: .center, vertical: .bottom)
            }
        }
    }
}

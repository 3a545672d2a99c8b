import Foundation

/// A road network for drawing from node coordinates: links with flows, clusters,
/// highlighted links and markers at link midpoints (charging stations).
public struct NetworkMap: Sendable, Hashable {
    /// One node.
    public struct Node: Sendable, Hashable {
        /// The label, e.g. "7"; short labels are drawn inside the node circle.
        public var label: String
        /// Horizontal coordinate (any unit; east is right).
        public var x: Double
        /// Vertical coordinate (north is up).
        public var y: Double
        /// The category (cluster) of the node, or `nil`.
        public var category: Int?

        /// A node.
        public init(label: String, x: Double, y: Double, category: Int? = nil) {
            self.label = label
            self.x = x
            self.y = y
            self.category = category
        }
    }

    /// One link between two nodes.
    public struct Edge: Sendable, Hashable {
        /// Index of the first node in ``NetworkMap/nodes``.
        public var from: Int
        /// Index of the second node.
        public var to: Int
        /// The flow that sets the line width (proportional, zero gives a hairline), or `nil`.
        public var flow: Double?
        /// The category (cluster) colouring the link, or `nil` for neutral grey.
        public var category: Int?
        /// Whether the link is highlighted (long-range links).
        public var isHighlighted: Bool
        /// Whether a marker (a charging station) sits at the midpoint.
        public var hasMarker: Bool
        /// Text next to the marker, e.g. the number of charging spots.
        public var markerLabel: String?

        /// A link.
        public init(from: Int, to: Int, flow: Double? = nil, category: Int? = nil, isHighlighted: Bool = false, hasMarker: Bool = false, markerLabel: String? = nil) {
            self.from = from
            self.to = to
            self.flow = flow
            self.category = category
            self.isHighlighted = isHighlighted
            self.hasMarker = hasMarker
            self.markerLabel = markerLabel
        }
    }

    /// The figure title.
    public var title: String
    /// The nodes.
    public var nodes: [Node]
    /// The links; two links between the same nodes (the two directions) are drawn side by side.
    public var edges: [Edge]
    /// Category names for the legend (index = category); missing ones read "Cluster n".
    public var categoryNames: [String]
    /// What the flows measure, for the width legend.
    public var flowQuantity: Quantity
    /// Legend text for highlighted links.
    public var highlightLabel: String
    /// Legend text for midpoint markers.
    public var markerLegend: String

    /// A network map.
    public init(
        title: String, nodes: [Node], edges: [Edge], categoryNames: [String] = [], flowQuantity: Quantity = Quantity(name: "Link flow", unit: "veh/h"),
        highlightLabel: String = "Long-range link", markerLegend: String = "Charging station"
    ) {
        self.title = title
        self.nodes = nodes
        self.edges = edges
        self.categoryNames = categoryNames
        self.flowQuantity = flowQuantity
        self.highlightLabel = highlightLabel
        self.markerLegend = markerLegend
    }

    func validate() throws(PlotError) {
        for (i, n) in nodes.enumerated() where !n.x.isFinite || !n.y.isFinite {
            throw PlotError.invalidData("node \(i) (\"\(n.label)\") has a non-finite coordinate")
        }
        for (e, edge) in edges.enumerated() where !nodes.indices.contains(edge.from) || !nodes.indices.contains(edge.to) {
            throw PlotError.invalidData("link \(e) joins nodes \(edge.from) and \(edge.to), outside 0..<\(nodes.count)")
        }
    }
}

extension Plot {
    static let highlightHalo = Color(hex: 0xF0E442, alpha: 0.85)

    /// Cluster colours skip yellow, which marks highlighted links.
    static func clusterColor(_ category: Int) -> Color {
        CategoricalPalette.color(category, from: CategoricalPalette.withoutYellow)
    }
    static let maxFlowWidth = 9.0

    /// Draws the network at true aspect ratio: link widths proportional to flow, links
    /// and nodes coloured by category, highlighted links on a yellow halo, markers at
    /// link midpoints; the legend (categories, flow widths, highlight, marker) sits at
    /// the right, outside the map.
    public static func networkMap(_ map: NetworkMap, style: FigureStyle = FigureStyle()) throws(PlotError) -> Raster {
        try map.validate()
        let canvas = try Canvas(size: style.size ?? FigureSize(width: 7.5, height: 5.5), fontScale: style.fontScale)
        let top = canvas.drawTitle(map.title)
        let legend = networkLegend(map)
        let legendSize = legend.size(canvas)
        let area = Rect(x: Theme.outerMargin, y: top, width: canvas.widthPoints - 2 * Theme.outerMargin - legendSize.width - 12, height: canvas.heightPoints - top - Theme.outerMargin - 12)
        legend.draw(canvas, at: Point(area.maxX + 12, top + 4))
        drawNetwork(canvas, map, in: area)
        return try canvas.raster()
    }

    static func networkLegend(_ map: NetworkMap) -> Legend {
        var entries: [LegendEntry] = []
        let categories = Set(map.nodes.compactMap(\.category) + map.edges.compactMap(\.category)).sorted()
        if !categories.isEmpty {
            entries.append(LegendEntry(label: "Clusters", swatch: .heading))
            for c in categories {
                let name = map.categoryNames.indices.contains(c) ? map.categoryNames[c] : "Cluster \(c + 1)"
                entries.append(LegendEntry(label: name, swatch: .patch(clusterColor(c))))
            }
        }
        let flows = map.edges.compactMap(\.flow).filter { $0.isFinite && $0 >= 0 }
        if let maxFlow = flows.max(), maxFlow > 0 {
            entries.append(LegendEntry(label: Formatting.title(map.flowQuantity, unit: nil), swatch: .heading))
            // Three round values spanning the flows: the top one at or below the maximum.
            let step = Ticks.niceStep(atLeast: maxFlow / 3)
            var samples = [1.0, 2.0, 3.0].map { $0 * step }.filter { $0 <= maxFlow * 1.0001 }
            if samples.isEmpty { samples = [maxFlow] }
            for s in samples {
                entries.append(LegendEntry(label: Formatting.single(s, map.flowQuantity), swatch: .line(Color.gray(0.45), width: flowWidth(s, max: maxFlow), dash: nil)))
            }
        }
        var symbols: [LegendEntry] = []
        if map.edges.contains(where: \.isHighlighted) {
            symbols.append(LegendEntry(label: map.highlightLabel, swatch: .lineWithHalo(Color.gray(0.45), width: 2.5, halo: highlightHalo)))
        }
        if map.edges.contains(where: \.hasMarker) {
            symbols.append(LegendEntry(label: map.markerLegend, swatch: .marker(.square, fill: stationColor, stroke: .white, size: 8)))
        }
        if !symbols.isEmpty {
            entries.append(LegendEntry(label: "Symbols", swatch: .heading))
            entries += symbols
        }
        return Legend(entries: entries, font: Theme.legendFont)
    }

    static func flowWidth(_ flow: Double, max maxFlow: Double) -> Double {
        guard maxFlow > 0, flow.isFinite else { return 1 }
        return 0.6 + (maxFlowWidth - 0.6) * min(max(flow / maxFlow, 0), 1)
    }

    /// Draws the network into `area`, keeping the coordinates' aspect ratio.
    static func drawNetwork(_ canvas: Canvas, _ map: NetworkMap, in area: Rect) {
        guard !map.nodes.isEmpty else {
            canvas.drawMessage("No nodes to draw", in: area)
            return
        }
        let xs = map.nodes.map(\.x), ys = map.nodes.map(\.y)
        let (minX, maxX, minY, maxY) = (xs.min()!, xs.max()!, ys.min()!, ys.max()!)
        let spanX = maxX - minX, spanY = maxY - minY
        let margin = 26.0
        let inner = area.insetBy(margin, margin)
        let scale: Double
        if spanX <= 0 && spanY <= 0 {
            scale = 1
        } else {
            scale = min(spanX > 0 ? inner.width / spanX : .infinity, spanY > 0 ? inner.height / spanY : .infinity)
        }
        let cx = inner.midX - (minX + maxX) / 2 * scale, cy = inner.midY + (minY + maxY) / 2 * scale
        let p = map.nodes.map { Point(cx + $0.x * scale, cy - $0.y * scale) }
        let flows = map.edges.compactMap(\.flow).filter { $0.isFinite && $0 >= 0 }
        let maxFlow = flows.max() ?? 0
        let nodeRadius = map.nodes.count > 60 ? 4.0 : 9.0

        // Links between the same pair of nodes are spread side by side.
        var groups: [[Int]: [Int]] = [:]
        for (e, edge) in map.edges.enumerated() where edge.from != edge.to {
            groups[[min(edge.from, edge.to), max(edge.from, edge.to)], default: []].append(e)
        }
        var ends: [Int: (Point, Point)] = [:]
        for (_, members) in groups {
            var widths = members.map { map.edges[$0].flow.map { flowWidth($0, max: maxFlow) } ?? 1.2 }
            let total = widths.reduce(0, +) + Double(members.count - 1) * 1.5
            var offset = -total / 2
            for (k, e) in members.enumerated() {
                let edge = map.edges[e]
                let a = p[min(edge.from, edge.to)], b = p[max(edge.from, edge.to)]
                let length = max(hypot(b.x - a.x, b.y - a.y), 1e-9)
                let nx = -(b.y - a.y) / length, ny = (b.x - a.x) / length
                let shift = members.count == 1 ? 0 : offset + widths[k] / 2
                ends[e] = (Point(p[edge.from].x + nx * shift, p[edge.from].y + ny * shift), Point(p[edge.to].x + nx * shift, p[edge.to].y + ny * shift))
                offset += widths[k] + 1.5
            }
            widths.removeAll()
        }
        func width(_ edge: NetworkMap.Edge) -> Double { edge.flow.map { flowWidth($0, max: maxFlow) } ?? 1.2 }
        for (e, edge) in map.edges.enumerated() where edge.isHighlighted {
            guard let (a, b) = ends[e] else { continue }
            canvas.line(a, b, width: width(edge) + 7, color: highlightHalo, roundCap: true)
        }
        for (e, edge) in map.edges.enumerated() {
            guard let (a, b) = ends[e] else { continue }
            let color = edge.category.map { clusterColor($0) } ?? Color.gray(0.45)
            canvas.line(a, b, width: width(edge), color: color.withAlpha(0.9))
        }
        for (i, node) in map.nodes.enumerated() {
            let fill = node.category.map { clusterColor($0).lightened(0.55) } ?? Color.gray(0.92)
            let stroke = node.category.map { clusterColor($0) } ?? Color.gray(0.3)
            canvas.circle(p[i], radius: nodeRadius, fill: fill, stroke: stroke, width: 1.4)
            let font = Font(size: 7.5, bold: true)
            if canvas.measure(node.label, font).width <= nodeRadius * 1.8 {
                canvas.text(node.label, at: p[i], font: font, color: Theme.textColor, horizontal: .center, vertical: .middle)
            } else {
                _ = canvas.labelBox(node.label, at: Point(p[i].x + nodeRadius + 2, p[i].y - nodeRadius), font: Theme.smallFont, horizontal: .left, vertical: .bottom)
            }
        }
        // Markers last, so no line covers them; labels beside, away from the link.
        for (e, edge) in map.edges.enumerated() where edge.hasMarker {
            guard let (a, b) = ends[e] else { continue }
            let mid = Point((a.x + b.x) / 2, (a.y + b.y) / 2)
            canvas.marker(.square, at: mid, size: 8, fill: stationColor, stroke: .white, width: 1)
            if let label = edge.markerLabel, !label.isEmpty {
                let length = max(hypot(b.x - a.x, b.y - a.y), 1e-9)
                var nx = -(b.y - a.y) / length, ny = (b.x - a.x) / length
                if ny > 0 || (ny == 0 && nx < 0) { (nx, ny) = (-nx, -ny) }  // prefer above the link
                let at = Point(mid.x + nx * (width(edge) / 2 + 8), mid.y + ny * (width(edge) / 2 + 8))
                _ = canvas.labelBox(label, at: at, font: Theme.smallFont, horizontal: nx < -0.3 ? .right : (nx > 0.3 ? .left : .center), vertical: .middle)
            }
        }
        if map.nodes.count == 1 {
            canvas.drawMessage("A single node and no links", in: Rect(x: area.minX, y: area.maxY - 40, width: area.width, height: 30))
        } else if map.edges.isEmpty {
            canvas.drawMessage("No links to draw", in: Rect(x: area.minX, y: area.maxY - 40, width: area.width, height: 30))
        }
    }
}

/// A station site on the road network and the feeder bus it draws power from.
public struct Coupling: Sendable, Hashable {
    /// Index of the link in ``NetworkMap/edges`` that holds the station.
    public var edge: Int
    /// Index of the bus in ``Feeder/buses``.
    public var bus: Int

    /// A coupling of a link's station to a bus.
    public init(edge: Int, bus: Int) {
        self.edge = edge
        self.bus = bus
    }
}

extension Plot {
    /// The coupled view: the road network (left) and the feeder (right) side by side,
    /// each coupled station lettered on its link and the same letter on its grid bus;
    /// one legend underneath for both.
    public static func coupledNetworks(_ map: NetworkMap, feeder: Feeder, couplings: [Coupling], title: String, style: FigureStyle = FigureStyle()) throws(PlotError) -> Raster {
        try map.validate()
        try feeder.validate()
        for c in couplings where !map.edges.indices.contains(c.edge) || !feeder.buses.indices.contains(c.bus) {
            throw PlotError.invalidData("coupling of link \(c.edge) to bus \(c.bus) is out of range (\(map.edges.count) links, \(feeder.buses.count) buses)")
        }
        let canvas = try Canvas(size: style.size ?? FigureSize(width: 11, height: 5.5), fontScale: style.fontScale)
        let top = canvas.drawTitle(title)
        // Letters A, B, …, Z, AA, … in coupling order.
        func letter(_ k: Int) -> String {
            var k = k, text = ""
            repeat {
                text = String(UnicodeScalar(UInt8(65 + k % 26))) + text
                k = k / 26 - 1
            } while k >= 0
            return text
        }
        var lettered = map
        var tags: [Int: [String]] = [:]
        for (k, c) in couplings.enumerated() {
            let tag = letter(k)
            lettered.edges[c.edge].hasMarker = true
            let existing = lettered.edges[c.edge].markerLabel ?? ""
            lettered.edges[c.edge].markerLabel = existing.isEmpty ? tag : "\(tag): \(existing)"
            tags[c.bus, default: []].append(tag)
        }
        var entries = networkLegend(lettered).entries
        entries.append(LegendEntry(label: "Feeder", swatch: .heading))
        entries += feederLegendEntries(feeder)
        if !couplings.isEmpty {
            entries.append(LegendEntry(label: "Station and its grid bus", swatch: .tag("A")))
        }
        var legend = Legend(entries: entries, font: Theme.legendFont)
        legend.columns = max(1, min(4, Int((canvas.widthPoints - 2 * Theme.outerMargin) / 170)))
        let legendSize = legend.size(canvas)
        let panelsBottom = canvas.heightPoints - Theme.outerMargin - legendSize.height - 10
        let gap = 16.0
        let leftWidth = (canvas.widthPoints - 2 * Theme.outerMargin - gap) * 0.45
        let mapArea = Rect(x: Theme.outerMargin, y: top + 14, width: leftWidth, height: panelsBottom - top - 14)
        let feederArea = Rect(x: mapArea.maxX + gap + 14, y: top + 30, width: canvas.widthPoints - Theme.outerMargin - mapArea.maxX - gap - 28, height: panelsBottom - top - 50)
        canvas.text("Road network", at: Point(mapArea.midX, top), font: Theme.panelTitleFont, color: Theme.textColor, horizontal: .center, vertical: .top)
        canvas.text("Distribution feeder", at: Point(feederArea.midX, top), font: Theme.panelTitleFont, color: Theme.textColor, horizontal: .center, vertical: .top)
        canvas.line(Point(mapArea.maxX + gap / 2, top + 4), Point(mapArea.maxX + gap / 2, panelsBottom), width: 0.6, color: Color.gray(0.8))
        drawNetwork(canvas, lettered, in: mapArea)
        drawFeeder(canvas, feeder, in: feederArea, tags: tags.mapValues { $0.joined(separator: ",") })
        legend.draw(canvas, at: Point((canvas.widthPoints - legendSize.width) / 2, panelsBottom + 6))
        return try canvas.raster()
    }
}

import Foundation

/// One algorithm's indicator over generations: the median over seeds and, when there
/// are several seeds, the inter-quartile band.
public struct ConvergenceSeries: Sendable, Hashable {
    /// The legend name, e.g. "NSGA-III".
    public var name: String
    /// The x values (generations or evaluations), increasing.
    public var generations: [Double]
    /// The median at each generation.
    public var median: [Double]
    /// The lower quartile at each generation, or `nil` for no band.
    public var lowerQuartile: [Double]?
    /// The upper quartile at each generation, or `nil` for no band.
    public var upperQuartile: [Double]?

    /// A series from precomputed statistics (all arrays as long as `generations`).
    public init(name: String, generations: [Double], median: [Double], lowerQuartile: [Double]? = nil, upperQuartile: [Double]? = nil) {
        self.name = name
        self.generations = generations
        self.median = median
        self.lowerQuartile = lowerQuartile
        self.upperQuartile = upperQuartile
    }

    /// A series from raw runs: `runs[r][g]` is run r's value at `generations[g]`. The
    /// median and quartiles use linear interpolation between order statistics
    /// (Hyndman & Fan type 7, as R and NumPy); non-finite values are left out, and a
    /// generation with no finite value gets NaN (a gap in the line).
    public init(name: String, generations: [Double], runs: [[Double]]) throws(PlotError) {
        for (r, run) in runs.enumerated() where run.count != generations.count {
            throw PlotError.invalidData("series \"\(name)\": run \(r) has \(run.count) values for \(generations.count) generations")
        }
        var median: [Double] = [], lower: [Double] = [], upper: [Double] = []
        for g in generations.indices {
            let values = runs.map { $0[g] }.filter { $0.isFinite }.sorted()
            median.append(Statistics.quantile(values, 0.5))
            lower.append(Statistics.quantile(values, 0.25))
            upper.append(Statistics.quantile(values, 0.75))
        }
        self.init(name: name, generations: generations, median: median, lowerQuartile: runs.count > 1 ? lower : nil, upperQuartile: runs.count > 1 ? upper : nil)
    }
}

/// A horizontal reference value, e.g. the hypervolume of the exact Pareto front.
public struct ReferenceLine: Sendable, Hashable {
    /// The value on the y axis.
    public var value: Double
    /// Its label, drawn at the right end of the line.
    public var label: String

    /// A reference line at `value` labelled `label`.
    public init(value: Double, label: String) {
        self.value = value
        self.label = label
    }
}

/// One indicator (hypervolume, IGD, …) with a line per algorithm.
public struct ConvergencePanel: Sendable, Hashable {
    /// The indicator on the y axis.
    public var quantity: Quantity
    /// One series per algorithm; the same name keeps the same colour in every panel.
    public var series: [ConvergenceSeries]
    /// A logarithmic y axis (values <= 0 are then left out and counted in a note).
    public var logarithmic: Bool
    /// Optional reference values drawn as dashed lines.
    public var references: [ReferenceLine]

    /// A panel for one indicator.
    public init(quantity: Quantity, series: [ConvergenceSeries], logarithmic: Bool = false, references: [ReferenceLine] = []) {
        self.quantity = quantity
        self.series = series
        self.logarithmic = logarithmic
        self.references = references
    }
}

/// Indicators by generation, one panel per indicator, stacked with a shared x axis.
public struct ConvergencePlot: Sendable, Hashable {
    /// The figure title.
    public var title: String
    /// The x quantity, by default generations.
    public var xQuantity: Quantity
    /// The panels, top to bottom.
    public var panels: [ConvergencePanel]

    /// A convergence figure.
    public init(title: String, xQuantity: Quantity = Quantity(name: "Generation", format: .integer), panels: [ConvergencePanel]) {
        self.title = title
        self.xQuantity = xQuantity
        self.panels = panels
    }
}

enum Statistics {
    /// Type-7 quantile of sorted finite values; NaN when empty.
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = Double(sorted.count - 1) * p
        let lo = Int(floor(h)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}

extension Plot {
    /// The default size of a convergence figure: 6.4 × 4.2 in per panel stack.
    static func defaultConvergenceSize(panels: Int) -> FigureSize {
        FigureSize(width: 6.4, height: panels <= 1 ? 4.2 : min(2.6 * Double(panels) + 0.8, 12))
    }

    /// Draws indicator convergence: per series a median line with sparse markers and
    /// an inter-quartile band; a shared legend in an empty corner of the first panel
    /// or, when every corner holds data, right of the panels.
    public static func convergence(_ plot: ConvergencePlot, style: FigureStyle = FigureStyle()) throws(PlotError) -> Raster {
        for panel in plot.panels {
            for s in panel.series {
                let n = s.generations.count
                guard s.median.count == n, s.lowerQuartile.map({ $0.count == n }) ?? true, s.upperQuartile.map({ $0.count == n }) ?? true else {
                    throw PlotError.invalidData("series \"\(s.name)\": generations, median and quartiles must have the same length")
                }
            }
        }
        let canvas = try Canvas(size: style.size ?? defaultConvergenceSize(panels: plot.panels.count), fontScale: style.fontScale)
        let top = canvas.drawTitle(plot.title)

        // Colours and markers by series name, in order of first appearance.
        var names: [String] = []
        for panel in plot.panels { for s in panel.series where !names.contains(s.name) { names.append(s.name) } }
        let shapes: [MarkerShape] = [.circle, .square, .triangleUp, .diamond, .triangleDown, .star, .plus, .cross]
        func color(_ name: String) -> Color { CategoricalPalette.color(names.firstIndex(of: name) ?? 0) }
        func shape(_ name: String) -> MarkerShape { shapes[(names.firstIndex(of: name) ?? 0) % shapes.count] }

        var legend = Legend(entries: names.map { name in
            LegendEntry(label: name, swatch: .lineAndMarker(color(name), width: 1.6, dash: nil, shape(name), fill: color(name), stroke: .white, size: 5.5))
        })
        let hasBands = plot.panels.contains { $0.series.contains { $0.lowerQuartile != nil } }
        if hasBands { legend.entries.append(LegendEntry(label: "inter-quartile range", swatch: .patch(Color.gray(0.5).withAlpha(0.25)))) }

        // The x range covers every finite generation.
        let allX = plot.panels.flatMap { $0.series.flatMap { $0.generations } }.filter { $0.isFinite }
        let xLow = allX.min() ?? 0, xHigh = allX.max() ?? 1
        let (xLower, xUpper) = allX.isEmpty ? (0, 1) : (xHigh > xLow ? (xLow, xHigh) : Axis.viewRange(xLow, xHigh, scale: .linear))

        var omitted = 0
        var notes: [String] = []
        let panels = plot.panels.isEmpty ? [ConvergencePanel(quantity: Quantity(name: "Indicator"), series: [])] : plot.panels

        // y ranges first: they fix the left margin.
        struct PanelRange { var lower: Double; var upper: Double; var scale: AxisScale; var empty: Bool }
        var ranges: [PanelRange] = []
        for panel in panels {
            let scale: AxisScale = panel.logarithmic ? .logarithmic : .linear
            var values: [Double] = []
            for s in panel.series {
                values += s.median + (s.lowerQuartile ?? []) + (s.upperQuartile ?? [])
            }
            values += panel.references.map(\.value)
            let usable = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
            omitted += panel.series.reduce(0) { acc, s in acc + s.median.filter { !$0.isFinite || (scale == .logarithmic && $0 <= 0) }.count }
            if let lo = usable.min(), let hi = usable.max() {
                let (l, u) = Axis.viewRange(lo, hi, scale: scale)
                ranges.append(PanelRange(lower: l, upper: u, scale: scale, empty: false))
            } else {
                ranges.append(PanelRange(lower: scale == .linear ? 0 : 0.1, upper: scale == .linear ? 1 : 10, scale: scale, empty: true))
            }
        }
        if omitted > 0 { notes.append("\(omitted) median value\(omitted == 1 ? "" : "s") not drawn (missing, or not positive on a log axis)") }
        let singleGeneration = Set(allX).count == 1
        if singleGeneration { notes.append("only one generation recorded") }

        let footnoteSpace = notes.isEmpty ? 0.0 : canvas.measure("Ag", Theme.smallFont).height + 4
        let bottomSpace = Axes2D.bottomSpace(canvas, hasTitle: true) + Theme.outerMargin + footnoteSpace
        let gapBetween = 10.0
        let panelHeight = (canvas.heightPoints - top - bottomSpace - gapBetween * Double(panels.count - 1)) / Double(panels.count)

        // Layout pass: the widest y labels fix the left edge; a legend outside fixes the right.
        func layout(legendOutside: Bool) -> (left: Double, right: Double, axes: [Axes2D]) {
            var yAxes: [Axis] = []
            for (i, panel) in panels.enumerated() {
                yAxes.append(Axis.make(panel.quantity, lower: ranges[i].lower, upper: ranges[i].upper, scale: ranges[i].scale, length: panelHeight, horizontal: false, canvas: canvas))
            }
            let left = Theme.outerMargin + (yAxes.map { Axes2D.leftSpace(canvas, labels: $0.labels, hasTitle: true) }.max() ?? 0)
            let legendWidth = legendOutside ? legend.size(canvas).width + 10 : 0
            let right = canvas.widthPoints - Theme.outerMargin - legendWidth - 6
            let x = Axis.make(plot.xQuantity, lower: xLower, upper: xUpper, scale: .linear, length: right - left, horizontal: true, canvas: canvas)
            var axes: [Axes2D] = []
            for (i, y) in yAxes.enumerated() {
                let frame = Rect(x: left, y: top + Double(i) * (panelHeight + gapBetween), width: right - left, height: panelHeight)
                axes.append(Axes2D(frame: frame, x: x, y: y))
            }
            return (left, right, axes)
        }

        func occupancy(_ axes: Axes2D, _ panel: ConvergencePanel, references: Bool = true) -> Occupancy {
            var occ = Occupancy(area: axes.frame)
            for s in panel.series {
                let pts = zip(s.generations, s.median).map { axes.point($0, $1) }
                for i in pts.indices.dropLast() { occ.markSegment(pts[i], pts[i + 1], halfWidth: 1) }
                pts.forEach { occ.mark($0, radius: 3) }
                if let lo = s.lowerQuartile, let hi = s.upperQuartile {
                    occ.markBand(lower: zip(s.generations, lo).map { axes.point($0, $1) }, upper: zip(s.generations, hi).map { axes.point($0, $1) })
                }
            }
            if references {
                for r in panel.references { occ.markSegment(axes.point(xLower, r.value), axes.point(xUpper, r.value), halfWidth: 6) }
            }
            return occ
        }

        var (_, _, axesList) = layout(legendOutside: false)
        let legendSize = legend.size(canvas)
        var legendRect: Rect? = nil
        if !names.isEmpty {
            legendRect = occupancy(axesList[0], panels[0]).emptyCorner(width: legendSize.width, height: legendSize.height)
            if legendRect == nil {
                axesList = layout(legendOutside: true).axes
                let frame = axesList[0].frame
                legendRect = Rect(x: frame.maxX + 10, y: frame.minY, width: legendSize.width, height: legendSize.height)
            }
        }

        for (i, panel) in panels.enumerated() {
            let axes = axesList[i]
            let isLast = i == panels.count - 1
            axes.drawGrid(canvas)
            canvas.withClip(axes.frame) {
                for s in panel.series {
                    guard let lo = s.lowerQuartile, let hi = s.upperQuartile else { continue }
                    drawBand(canvas, axes, s.generations, lo, hi, color: color(s.name).withAlpha(0.2))
                }
                for r in panel.references where r.value.isFinite {
                    let a = axes.point(xLower, r.value), b = axes.point(xUpper, r.value)
                    canvas.line(a, b, width: 1, color: Color.gray(0.35), dash: [5, 3])
                }
                for s in panel.series {
                    let c = color(s.name)
                    for run in finiteRuns(s.generations, s.median, positiveOnly: ranges[i].scale == .logarithmic) {
                        canvas.polyline(run.map { axes.point($0.0, $0.1) }, width: 1.6, color: c)
                    }
                    // About eight markers per line, at the same generations for every series.
                    let n = s.generations.count
                    let every = max(1, n / 8)
                    for g in stride(from: 0, to: n, by: every) {
                        let v = s.median[g]
                        guard v.isFinite, s.generations[g].isFinite, ranges[i].scale == .linear || v > 0 else { continue }
                        canvas.marker(shape(s.name), at: axes.point(s.generations[g], v), size: 5.5, fill: c, stroke: .white, width: 0.7)
                    }
                }
            }
            // Reference labels go at an end of their line, above or below it, where
            // they cover no data (and no legend); right end above if nothing is free.
            var free = occupancy(axes, panel, references: false)
            if i == 0, let legendRect { free.markRect(legendRect) }
            for r in panel.references where r.value.isFinite {
                let y = axes.point(xLower, r.value).y
                guard y >= axes.frame.minY, y <= axes.frame.maxY else { continue }
                let candidates: [(Point, HorizontalAnchor, VerticalAnchor)] = [
                    (Point(axes.frame.maxX - 4, y - 2.5), .right, .bottom), (Point(axes.frame.minX + 4, y - 2.5), .left, .bottom),
                    (Point(axes.frame.maxX - 4, y + 2.5), .right, .top), (Point(axes.frame.minX + 4, y + 2.5), .left, .top),
                ]
                let fitting = candidates.first { c in
                    let box = canvas.textBox(r.label, at: c.0, font: Theme.smallFont, horizontal: c.1, vertical: c.2).insetBy(-2, -1)
                    return box.minY >= axes.frame.minY && box.maxY <= axes.frame.maxY && free.isFree(box)
                } ?? candidates[0]
                let box = canvas.labelBox(r.label, at: fitting.0, font: Theme.smallFont, color: Color.gray(0.3), horizontal: fitting.1, vertical: fitting.2)
                free.markRect(box)
            }
            axes.drawFrame(canvas, xLabels: isLast, yLabels: true, xTitle: isLast ? axes.x.title : nil, yTitle: axes.y.title)
            if panel.series.isEmpty || ranges[i].empty {
                canvas.drawMessage(panel.series.isEmpty ? "No convergence data" : "No finite values to plot", in: axes.frame)
            }
        }
        if let legendRect { legend.draw(canvas, at: Point(legendRect.minX, legendRect.minY)) }
        canvas.drawFootnote(notes.joined(separator: "; "))
        return try canvas.raster()
    }

    /// Consecutive runs of drawable points (a NaN breaks the line).
    static func finiteRuns(_ xs: [Double], _ ys: [Double], positiveOnly: Bool) -> [[(Double, Double)]] {
        var runs: [[(Double, Double)]] = [], current: [(Double, Double)] = []
        for (x, y) in zip(xs, ys) {
            if x.isFinite, y.isFinite, !positiveOnly || y > 0 {
                current.append((x, y))
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    static func drawBand(_ canvas: Canvas, _ axes: Axes2D, _ xs: [Double], _ lo: [Double], _ hi: [Double], color: Color) {
        var segment: [(Double, Double, Double)] = []
        func flush() {
            guard segment.count >= 2 else {
                segment = []
                return
            }
            let upper = segment.map { axes.point($0.0, $0.2) }
            let lower = segment.reversed().map { axes.point($0.0, $0.1) }
            canvas.polygon(upper + lower, fill: color)
            segment = []
        }
        for i in xs.indices {
            let ok = xs[i].isFinite && lo[i].isFinite && hi[i].isFinite && (axes.y.scale == .linear || (lo[i] > 0 && hi[i] > 0))
            if ok { segment.append((xs[i], lo[i], hi[i])) } else { flush() }
        }
        flush()
    }
}

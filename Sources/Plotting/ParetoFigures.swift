import Foundation

/// A set of solutions scored on several objectives, in each objective's natural sense
/// (costs as costs, utilities as utilities), for the scatter matrix and parallel
/// coordinates.
public struct ParetoFront: Sendable, Hashable {
    /// The figure title.
    public var title: String
    /// The objectives: names, units, number formats and preferred directions.
    public var objectives: [Quantity]
    /// One row per solution, one value per objective. Rows with a non-finite value
    /// are not drawn and are counted in a note.
    public var points: [[Double]]
    /// The objective whose value colours the points (with a colour bar), or `nil`.
    public var colorBy: Int?
    /// Solutions to point out (knee, TOPSIS picks), drawn on top with a legend entry.
    public var highlights: [HighlightedPoint]

    /// A front to draw.
    public init(title: String, objectives: [Quantity], points: [[Double]], colorBy: Int? = nil, highlights: [HighlightedPoint] = []) {
        self.title = title
        self.objectives = objectives
        self.points = points
        self.colorBy = colorBy
        self.highlights = highlights
    }

    func validate() throws(PlotError) {
        for (r, row) in points.enumerated() where row.count != objectives.count {
            throw PlotError.invalidData("point \(r) has \(row.count) values for \(objectives.count) objectives")
        }
        if let c = colorBy, !objectives.indices.contains(c) {
            throw PlotError.invalidData("colorBy \(c) is not an objective index (0..<\(objectives.count))")
        }
        for h in highlights where !points.indices.contains(h.index) {
            throw PlotError.invalidData("highlighted point \"\(h.label)\" has index \(h.index), outside 0..<\(points.count)")
        }
    }

    /// Indices of the rows whose values are all finite.
    var finiteRows: [Int] { points.indices.filter { points[$0].allSatisfy(\.isFinite) } }
}

/// One solution singled out in a front, e.g. the knee point or the TOPSIS choice.
public struct HighlightedPoint: Sendable, Hashable {
    /// The row in ``ParetoFront/points``.
    public var index: Int
    /// The legend label, e.g. "Knee point".
    public var label: String

    /// A highlighted solution.
    public init(index: Int, label: String) {
        self.index = index
        self.label = label
    }
}

/// Marker and colour of the n-th highlight: bold shapes in colours that stand apart
/// from viridis and cividis.
enum HighlightStyle {
    static let shapes: [MarkerShape] = [.star, .diamond, .square, .triangleUp, .triangleDown, .plus]
    static let colors: [Color] = [Color(hex: 0xD55E00), .black, Color(hex: 0xCC79A7), Color(hex: 0x56B4E9), Color(hex: 0xE69F00), Color(hex: 0x009E73)]
    static func shape(_ i: Int) -> MarkerShape { shapes[i % shapes.count] }
    static func color(_ i: Int) -> Color { colors[i % colors.count] }
}

extension Plot {
    /// Draws the lower triangle of a scatter matrix: objective j against objective i
    /// below the diagonal, a histogram of each objective on it. Points are coloured by
    /// ``ParetoFront/colorBy`` with a colour bar; highlights are drawn on top and
    /// marked on the histograms. Legend and colour bar use the empty upper triangle.
    public static func paretoScatterMatrix(_ front: ParetoFront, style: FigureStyle = FigureStyle()) throws(PlotError) -> Raster {
        try front.validate()
        let k = front.objectives.count
        let canvas = try Canvas(size: style.size ?? FigureSize(width: 8, height: 7.5), fontScale: style.fontScale)
        let top = canvas.drawTitle(front.title)
        let rows = front.finiteRows
        var notes: [String] = []
        if rows.count < front.points.count {
            let dropped = front.points.count - rows.count
            notes.append("\(dropped) solution\(dropped == 1 ? "" : "s") with missing values not drawn")
        }
        let footnote = notes.joined(separator: "; ")
        let footSpace = footnote.isEmpty ? 0 : canvas.measure("Ag", Theme.smallFont).height + 4
        guard k >= 1 else {
            canvas.drawMessage("No objectives to plot", in: Rect(x: 40, y: top, width: canvas.widthPoints - 80, height: canvas.heightPoints - top - 40))
            return try canvas.raster()
        }

        // Ranges and axes in "compact" form: the unit goes into the axis title.
        var lows: [Double] = [], highs: [Double] = []
        for j in 0..<k {
            let values = rows.map { front.points[$0][j] }
            let (lo, hi) = Axis.viewRange(values.min() ?? 0, values.max() ?? 1, scale: .linear, padding: 0.07)
            lows.append(lo)
            highs.append(hi)
        }
        let gap = 7.0
        let rightReserve = k == 1 ? 150.0 : 0
        // First guess of the cell size, then the real margins from the labels.
        var left = 60.0
        var bottom = 60.0
        var cell = 0.0
        var axes: [Axis] = []
        var titleLines = 1
        for _ in 0..<3 {
            cell = min((canvas.widthPoints - left - Theme.outerMargin - rightReserve - gap * Double(k - 1)) / Double(k),
                       (canvas.heightPoints - top - bottom - gap * Double(k - 1)) / Double(k))
            // The same objective is an x axis in its column and a y axis in its row:
            // one set of ticks, spaced for the tighter (vertical) direction.
            axes = (0..<k).map { j in
                Axis.make(front.objectives[j], lower: lows[j], upper: highs[j], scale: .linear, length: cell, horizontal: false, canvas: canvas, placement: .axisTitle)
            }
            titleLines = Axes2D.titleLines(axes.map(\.title), canvas, width: cell)
            let yLabelSets = k > 1 ? (1..<k).map { axes[$0].labels } : [[String]]()
            let widest = yLabelSets.map { Axes2D.leftSpace(canvas, labels: $0, hasTitle: true, titleLines: titleLines) }.max() ?? 0
            left = Theme.outerMargin + max(widest, canvas.measure("Ag", Theme.labelFont).height + 8)
            bottom = Axes2D.bottomSpace(canvas, hasTitle: true, titleLines: titleLines) + Theme.outerMargin + footSpace
        }
        func frame(_ i: Int, _ j: Int) -> Rect {
            Rect(x: left + Double(j) * (cell + gap), y: top + Double(i) * (cell + gap), width: cell, height: cell)
        }

        let colorIndex = front.colorBy
        var colorLow = 0.0, colorHigh = 1.0
        if let c = colorIndex {
            let values = rows.map { front.points[$0][c] }
            colorLow = values.min() ?? 0
            colorHigh = values.max() ?? 1
        }
        func pointColor(_ r: Int) -> Color {
            guard let c = colorIndex else { return CategoricalPalette.okabeIto[0] }
            let t = colorHigh > colorLow ? (front.points[r][c] - colorLow) / (colorHigh - colorLow) : 0.5
            return style.colorMap.color(at: t)
        }
        let highlighted = Set(front.highlights.map(\.index))
        let markerSize = rows.count > 400 ? 3.2 : 4.6

        for i in 0..<k {
            for j in 0...i {
                let f = frame(i, j)
                if i == j {
                    // Histogram of objective i.
                    let values = rows.map { front.points[$0][i] }
                    let counts = histogram(values, lower: lows[i], upper: highs[i], bins: max(5, min(20, Int(Double(values.count).squareRoot().rounded(.up)))))
                    let yAxis = Axis(lower: 0, upper: Double(counts.max() ?? 1) * 1.1, scale: .linear, ticks: [], labels: [], title: "")
                    let panel = Axes2D(frame: f, x: axes[i], y: yAxis)
                    panel.drawGrid(canvas, horizontal: false)
                    canvas.withClip(f) {
                        let width = (highs[i] - lows[i]) / Double(counts.count)
                        for (b, count) in counts.enumerated() where count > 0 {
                            let a = panel.point(lows[i] + Double(b) * width, 0), c = panel.point(lows[i] + Double(b + 1) * width, Double(count))
                            canvas.rectangle(Rect(x: a.x + 0.4, y: c.y, width: c.x - a.x - 0.8, height: a.y - c.y), fill: Color.gray(0.72), stroke: nil)
                        }
                        for (h, highlight) in front.highlights.enumerated() where rows.contains(highlight.index) {
                            let px = panel.point(front.points[highlight.index][i], 0).x
                            canvas.line(Point(px, f.minY), Point(px, f.maxY), width: 1.4, color: HighlightStyle.color(h), dash: [3, 2])
                        }
                    }
                    panel.drawFrame(canvas, xLabels: i == k - 1, yLabels: false, xTitle: i == k - 1 ? axes[i].title : nil, yTitle: nil, titleLines: titleLines)
                    if i == 0, k > 1 {
                        canvas.text("count", at: Point(f.minX - 4, f.midY), font: Theme.smallFont, color: Theme.mutedText, horizontal: .center, vertical: .bottom, angle: Double.pi / 2)
                    }
                    continue
                }
                let panel = Axes2D(frame: f, x: axes[j], y: axes[i])
                panel.drawGrid(canvas)
                canvas.withClip(f) {
                    for r in rows where !highlighted.contains(r) {
                        canvas.marker(.circle, at: panel.point(front.points[r][j], front.points[r][i]), size: markerSize, fill: pointColor(r).withAlpha(0.9), stroke: Color.white.withAlpha(0.8), width: 0.4)
                    }
                    for (h, highlight) in front.highlights.enumerated() where rows.contains(highlight.index) {
                        let p = panel.point(front.points[highlight.index][j], front.points[highlight.index][i])
                        canvas.marker(HighlightStyle.shape(h), at: p, size: 9.5, fill: HighlightStyle.color(h), stroke: .white, width: 0.9)
                    }
                }
                panel.drawFrame(canvas, xLabels: i == k - 1, yLabels: j == 0, xTitle: i == k - 1 ? axes[j].title : nil, yTitle: j == 0 ? axes[i].title : nil, titleLines: titleLines)
            }
        }

        // Legend and colour bar in the empty upper triangle (or at the right for k = 1).
        var free: Rect
        if k >= 2 {
            let m = k / 2
            let a = frame(0, k - m == m ? m : k - m), b = frame(m - 1, k - 1)
            free = a.union(b)
            if k == 3 { free = frame(0, 1).union(frame(0, 2)) }
        } else {
            free = Rect(x: frame(0, 0).maxX + 20, y: top, width: rightReserve - 20 - Theme.outerMargin, height: cell)
        }
        var entries: [LegendEntry] = []
        if !rows.isEmpty {
            entries.append(LegendEntry(label: "Solution", swatch: .marker(.circle, fill: colorIndex == nil ? CategoricalPalette.okabeIto[0] : style.colorMap.color(at: 0.6), stroke: .white, size: 6)))
        }
        for (h, highlight) in front.highlights.enumerated() {
            entries.append(LegendEntry(label: highlight.label, swatch: .marker(HighlightStyle.shape(h), fill: HighlightStyle.color(h), stroke: .white, size: 10)))
        }
        let preferences = front.objectives.compactMap(\.preference)
        var legend = Legend(entries: entries)
        let barReserve = colorIndex != nil && !rows.isEmpty ? 70.0 : 0
        let maxLegendWidth = free.width - barReserve - 10
        legend.entries = legend.entries.map { e in
            LegendEntry(label: canvas.fitted(e.label, Theme.legendFont, width: maxLegendWidth - legend.swatchWidth - 5 - 2 * legend.padding), swatch: e.swatch)
        }
        var y = free.minY + 4
        if !legend.entries.isEmpty {
            legend.draw(canvas, at: Point(free.minX + 6, y))
            y += legend.size(canvas).height + 8
        }
        if !preferences.isEmpty {
            let hint = "\u{2193} lower is better   \u{2191} higher is better"
            canvas.text(canvas.fitted(hint, Theme.smallFont, width: maxLegendWidth), at: Point(free.minX + 6, y), font: Theme.smallFont, color: Theme.mutedText, vertical: .top)
            y += canvas.measure(hint, Theme.smallFont).height + 6
        }
        if rows.isEmpty {
            canvas.drawMessage("Empty front: no solutions to plot", in: k >= 2 ? frame(k - 1, 0) : frame(0, 0))
        } else if rows.count == 1 {
            canvas.drawMessage("The front has a single solution", in: Rect(x: free.minX, y: y, width: free.width - barReserve, height: max(30, free.maxY - y)))
        }
        if let c = colorIndex, !rows.isEmpty {
            let bar = ColorBar(quantity: front.objectives[c], lower: colorLow, upper: colorHigh, colorMap: style.colorMap)
            let height = min(free.height - 16, 220)
            let width = bar.width(canvas, height: height)
            bar.draw(canvas, x: free.maxX - width - 4, top: free.minY + 8, height: height)
        }
        canvas.drawFootnote(footnote)
        return try canvas.raster()
    }

    /// Counts of `values` in `bins` equal bins over [lower, upper].
    static func histogram(_ values: [Double], lower: Double, upper: Double, bins: Int) -> [Int] {
        var counts = Array(repeating: 0, count: max(bins, 1))
        guard upper > lower else { return counts }
        for v in values {
            let b = Int((v - lower) / (upper - lower) * Double(counts.count))
            counts[min(max(b, 0), counts.count - 1)] += 1
        }
        return counts
    }

    /// Draws one polyline per solution across parallel vertical axes, one axis per
    /// objective spanning exactly the front's range (its minimum and maximum are
    /// written below and above the axis, outside the lines). Lines are coloured by
    /// ``ParetoFront/colorBy``; highlights are drawn thick on top.
    public static func parallelCoordinates(_ front: ParetoFront, style: FigureStyle = FigureStyle()) throws(PlotError) -> Raster {
        try front.validate()
        let k = front.objectives.count
        let canvas = try Canvas(size: style.size ?? FigureSize(width: 8, height: 4.8), fontScale: style.fontScale)
        let top = canvas.drawTitle(front.title)
        let rows = front.finiteRows
        var notes: [String] = []
        if rows.count < front.points.count {
            let dropped = front.points.count - rows.count
            notes.append("\(dropped) solution\(dropped == 1 ? "" : "s") with missing values not drawn")
        }
        if front.objectives.contains(where: { $0.preference != nil }) {
            notes.insert("\u{2193} lower is better, \u{2191} higher is better; each axis spans the front's range", at: 0)
        }
        let footSpace = notes.isEmpty ? 0 : canvas.measure("Ag", Theme.smallFont).height + 4

        // Right column: highlight legend above the colour bar.
        var entries: [LegendEntry] = []
        for (h, highlight) in front.highlights.enumerated() {
            entries.append(LegendEntry(label: highlight.label, swatch: .lineAndMarker(HighlightStyle.color(h), width: 2.4, dash: nil, HighlightStyle.shape(h), fill: HighlightStyle.color(h), stroke: .white, size: 9)))
        }
        let legend = Legend(entries: entries)
        let legendSize = legend.size(canvas)
        let labelHeight = canvas.measure("Ag", Theme.tickFont).height
        let nameHeight = canvas.measure("Ag", Theme.labelFont).height
        let plotTop = top + labelHeight + 6
        let plotBottom = canvas.heightPoints - Theme.outerMargin - footSpace - labelHeight - 6 - 2 * nameHeight - 8
        let plotHeight = plotBottom - plotTop
        var colorBar: ColorBar? = nil
        var colorLow = 0.0, colorHigh = 1.0
        if let c = front.colorBy, !rows.isEmpty {
            let values = rows.map { front.points[$0][c] }
            colorLow = values.min() ?? 0
            colorHigh = values.max() ?? 1
            colorBar = ColorBar(quantity: front.objectives[c], lower: colorLow, upper: colorHigh, colorMap: style.colorMap)
        }
        let barHeight = max(60, plotHeight - (legend.entries.isEmpty ? 0 : legendSize.height + 14))
        let barWidth = colorBar?.width(canvas, height: barHeight) ?? 0
        let rightColumn = max(legend.entries.isEmpty ? 0 : legendSize.width, barWidth)
        // The outer axes' names and bounds are centred on them: leave half their width.
        func halfWidth(_ j: Int, room: Double) -> Double {
            guard front.objectives.indices.contains(j) else { return 20 }
            let q = front.objectives[j]
            let name = wrap(Formatting.title(q, unit: nil), canvas, Theme.labelFont, width: room, maxLines: 2).map { canvas.measure($0, Theme.labelFont).width }.max() ?? 0
            let values = rows.map { front.points[$0][j] }
            let bounds = [values.min() ?? 0, values.max() ?? 0].map { canvas.measure(Formatting.single($0, q), Theme.tickFont).width }.max() ?? 0
            return max(name, bounds, 24) / 2 + 2
        }
        var plotLeft = Theme.outerMargin + 30
        var plotRight = canvas.widthPoints - Theme.outerMargin - (rightColumn > 0 ? rightColumn + 24 : 30)
        for _ in 0..<2 {
            let room = k > 1 ? (plotRight - plotLeft) / Double(k - 1) - 6 : plotRight - plotLeft
            plotLeft = Theme.outerMargin + halfWidth(0, room: room)
            plotRight = canvas.widthPoints - Theme.outerMargin - (rightColumn > 0 ? rightColumn + 14 : 0) - halfWidth(k - 1, room: room)
        }
        let spacing = k > 1 ? (plotRight - plotLeft) / Double(k - 1) : 0
        func axisX(_ j: Int) -> Double { k > 1 ? plotLeft + Double(j) * spacing : (plotLeft + plotRight) / 2 }

        var lows: [Double] = [], highs: [Double] = []
        for j in 0..<k {
            let values = rows.map { front.points[$0][j] }
            var lo = values.min() ?? 0, hi = values.max() ?? 1
            if hi <= lo { (lo, hi) = Axis.viewRange(lo, hi, scale: .linear) }
            lows.append(lo)
            highs.append(hi)
        }
        func y(_ j: Int, _ v: Double) -> Double { plotBottom - (v - lows[j]) / (highs[j] - lows[j]) * plotHeight }
        func lineColor(_ r: Int) -> Color {
            guard let c = front.colorBy else { return CategoricalPalette.okabeIto[0] }
            let t = colorHigh > colorLow ? (front.points[r][c] - colorLow) / (colorHigh - colorLow) : 0.5
            return style.colorMap.color(at: t)
        }

        let highlighted = Set(front.highlights.map(\.index))
        let alpha = rows.count > 200 ? 0.35 : 0.6
        canvas.withClip(Rect(x: plotLeft - 12, y: plotTop - 6, width: plotRight - plotLeft + 24, height: plotHeight + 12)) {
            for r in rows where !highlighted.contains(r) {
                canvas.polyline((0..<k).map { Point(axisX($0), y($0, front.points[r][$0])) }, width: 1, color: lineColor(r).withAlpha(alpha))
            }
        }
        for j in 0..<k {
            canvas.line(Point(axisX(j), plotTop), Point(axisX(j), plotBottom), width: 1.1, color: Theme.axisColor)
        }
        for (h, highlight) in front.highlights.enumerated() where rows.contains(highlight.index) {
            let points = (0..<k).map { Point(axisX($0), y($0, front.points[highlight.index][$0])) }
            canvas.polyline(points, width: 3.6, color: .white)
            canvas.polyline(points, width: 2.4, color: HighlightStyle.color(h))
            for p in points { canvas.marker(HighlightStyle.shape(h), at: p, size: 9, fill: HighlightStyle.color(h), stroke: .white, width: 0.8) }
        }
        // Bounds and names outside the lines.
        for j in 0..<k {
            let q = front.objectives[j]
            let x = axisX(j)
            let room = k > 1 ? spacing - 6 : plotRight - plotLeft
            canvas.text(canvas.fitted(Formatting.single(highs[j], q), Theme.tickFont, width: room), at: Point(x, plotTop - 4), font: Theme.tickFont, color: Theme.textColor, horizontal: .center, vertical: .bottom)
            canvas.text(canvas.fitted(Formatting.single(lows[j], q), Theme.tickFont, width: room), at: Point(x, plotBottom + 4), font: Theme.tickFont, color: Theme.textColor, horizontal: .center, vertical: .top)
            let title = Formatting.title(q, unit: nil)
            let lines = wrap(title, canvas, Theme.labelFont, width: room, maxLines: 2)
            for (l, line) in lines.enumerated() {
                canvas.text(line, at: Point(x, plotBottom + 4 + labelHeight + 6 + Double(l) * nameHeight * 1.1), font: Theme.labelFont, color: Theme.textColor, horizontal: .center, vertical: .top)
            }
        }
        let plotArea = Rect(x: plotLeft, y: plotTop, width: plotRight - plotLeft, height: plotHeight)
        if k == 0 {
            canvas.drawMessage("No objectives to plot", in: plotArea)
        } else if rows.isEmpty {
            canvas.drawMessage("Empty front: no solutions to plot", in: plotArea)
        } else if rows.count == 1 {
            canvas.drawMessage("The front has a single solution", in: Rect(x: plotArea.minX, y: plotArea.minY, width: plotArea.width, height: 40))
        }
        var rightY = plotTop
        if !legend.entries.isEmpty {
            legend.draw(canvas, at: Point(canvas.widthPoints - Theme.outerMargin - rightColumn, rightY))
            rightY += legendSize.height + 14
        }
        if let colorBar {
            colorBar.draw(canvas, x: canvas.widthPoints - Theme.outerMargin - rightColumn, top: rightY, height: barHeight)
        }
        canvas.drawFootnote(notes.joined(separator: "; "))
        return try canvas.raster()
    }

    /// Splits `text` at spaces into at most `maxLines` lines of `width` points (the last
    /// line shortened with an ellipsis if needed).
    static func wrap(_ text: String, _ canvas: Canvas, _ font: Font, width: Double, maxLines: Int) -> [String] {
        let words = text.split(separator: " ").map(String.init)
        var lines: [String] = []
        var current = ""
        for word in words {
            let candidate = current.isEmpty ? word : current + " " + word
            if canvas.measure(candidate, font).width <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty { lines.append(current) }
        if lines.count > maxLines {
            let rest = lines[(maxLines - 1)...].joined(separator: " ")
            lines = Array(lines.prefix(maxLines - 1)) + [rest]
        }
        return lines.map { canvas.fitted($0, font, width: width) }
    }
}

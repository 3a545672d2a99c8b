import Foundation

/// What a legend entry shows before its label.
enum LegendSwatch {
    case line(Color, width: Double, dash: [Double]?)
    case lineWithBand(Color, width: Double)
    case marker(MarkerShape, fill: Color?, stroke: Color?, size: Double)
    case patch(Color)
    /// A line under a marker (edges with a station at the midpoint, and the like).
    case lineAndMarker(Color, width: Double, dash: [Double]?, MarkerShape, fill: Color?, stroke: Color?, size: Double)
    /// A line on a wider halo (highlighted links).
    case lineWithHalo(Color, width: Double, halo: Color)
    /// White bold text on a black box (the coupled view's station letters).
    case tag(String)
    /// A heading line with no swatch.
    case heading
}

struct LegendEntry {
    var label: String
    var swatch: LegendSwatch
}

/// A boxed list of swatches and labels, measured before it is placed.
struct Legend {
    var entries: [LegendEntry]
    var font = Theme.legendFont
    var columns = 1
    let swatchWidth = 20.0
    let padding = 5.0

    func rowHeight(_ canvas: Canvas) -> Double { canvas.measure("Ag", font).height * 1.45 }

    /// Entries split into columns of about equal length; a heading never ends a
    /// column, it moves to the top of the next one with its entries.
    private func split() -> [[LegendEntry]] {
        let count = max(columns, 1)
        let target = (entries.count + count - 1) / count
        var result: [[LegendEntry]] = [[]]
        for entry in entries {
            if result[result.count - 1].count >= target, result.count < count {
                var moved: [LegendEntry] = []
                while let last = result[result.count - 1].last, last.swatch.isHeading {
                    moved.insert(result[result.count - 1].removeLast(), at: 0)
                }
                result.append(moved)
            }
            result[result.count - 1].append(entry)
        }
        return result
    }

    private func columnWidths(_ canvas: Canvas, _ parts: [[LegendEntry]]) -> [Double] {
        parts.map { part in
            part.map { entry -> Double in
                let text = canvas.measure(entry.label, entry.swatch.isHeading ? Font(size: font.size, bold: true) : font).width
                return entry.swatch.isHeading ? text : swatchWidth + 5 + text
            }.max() ?? 0
        }
    }

    func size(_ canvas: Canvas) -> (width: Double, height: Double) {
        guard !entries.isEmpty else { return (0, 0) }
        let parts = split()
        let rows = parts.map(\.count).max() ?? 0
        let widths = columnWidths(canvas, parts)
        let width = widths.reduce(0, +) + Double(parts.count - 1) * 12 + 2 * padding
        return (width, Double(rows) * rowHeight(canvas) + 2 * padding - rowHeight(canvas) * 0.15)
    }

    func draw(_ canvas: Canvas, at origin: Point, boxed: Bool = true) {
        guard !entries.isEmpty else { return }
        let (w, h) = size(canvas)
        if boxed {
            canvas.roundedRectangle(Rect(x: origin.x, y: origin.y, width: w, height: h), radius: 3, fill: Color.white.withAlpha(0.92), stroke: Color.gray(0.75), width: 0.6)
        }
        let parts = split()
        let widths = columnWidths(canvas, parts)
        let rh = rowHeight(canvas)
        var x = origin.x + padding
        for (c, part) in parts.enumerated() {
            for (r, entry) in part.enumerated() {
                let cy = origin.y + padding + rh * (Double(r) + 0.5) - rh * 0.07
                if entry.swatch.isHeading {
                    canvas.text(entry.label, at: Point(x, cy), font: Font(size: font.size, bold: true), color: Theme.textColor, vertical: .middle)
                    continue
                }
                drawSwatch(entry.swatch, canvas, center: Point(x + swatchWidth / 2, cy))
                canvas.text(entry.label, at: Point(x + swatchWidth + 5, cy), font: font, color: Theme.textColor, vertical: .middle)
            }
            x += widths[c] + 12
        }
    }

    private func drawSwatch(_ swatch: LegendSwatch, _ canvas: Canvas, center: Point) {
        let half = swatchWidth / 2
        switch swatch {
        case .line(let color, let width, let dash):
            canvas.line(Point(center.x - half, center.y), Point(center.x + half, center.y), width: width, color: color, dash: dash)
        case .lineWithBand(let color, let width):
            canvas.fill(Rect(x: center.x - half, y: center.y - 4.5, width: swatchWidth, height: 9), color.withAlpha(0.22))
            canvas.line(Point(center.x - half, center.y), Point(center.x + half, center.y), width: width, color: color)
        case .marker(let shape, let fill, let stroke, let size):
            canvas.marker(shape, at: center, size: size, fill: fill, stroke: stroke, width: 0.7)
        case .patch(let color):
            canvas.rectangle(Rect(x: center.x - 6, y: center.y - 4.5, width: 12, height: 9), fill: color, stroke: Color.gray(0.3), width: 0.4)
        case .lineAndMarker(let color, let width, let dash, let shape, let fill, let stroke, let size):
            canvas.line(Point(center.x - half, center.y), Point(center.x + half, center.y), width: width, color: color, dash: dash)
            canvas.marker(shape, at: center, size: size, fill: fill, stroke: stroke, width: 0.7)
        case .lineWithHalo(let color, let width, let halo):
            canvas.line(Point(center.x - half, center.y), Point(center.x + half, center.y), width: width + 7, color: halo, roundCap: true)
            canvas.line(Point(center.x - half, center.y), Point(center.x + half, center.y), width: width, color: color)
        case .tag(let text):
            let tagFont = Font(size: 7, bold: true)
            let box = canvas.textBox(text, at: center, font: tagFont, horizontal: .center, vertical: .middle).insetBy(-2, -1)
            canvas.roundedRectangle(box, radius: 2, fill: .black, stroke: nil)
            canvas.text(text, at: center, font: tagFont, color: .white, horizontal: .center, vertical: .middle)
        case .heading:
            break
        }
    }
}

extension LegendSwatch {
    var isHeading: Bool {
        if case .heading = self { return true }
        return false
    }
}

/// Which parts of a plot area hold data, on a grid of small cells, so a legend can be
/// put where it covers nothing.
struct Occupancy {
    let area: Rect
    let cell: Double
    let columns: Int
    let rows: Int
    private(set) var filled: [Bool]

    init(area: Rect, cell: Double = 2.5) {
        self.area = area
        self.cell = cell
        columns = max(1, Int((area.width / cell).rounded(.up)))
        rows = max(1, Int((area.height / cell).rounded(.up)))
        filled = Array(repeating: false, count: columns * rows)
    }

    private func index(_ p: Point) -> (Int, Int)? {
        let c = Int(floor((p.x - area.minX) / cell)), r = Int(floor((p.y - area.minY) / cell))
        guard c >= 0, c < columns, r >= 0, r < rows else { return nil }
        return (c, r)
    }

    mutating func mark(_ p: Point, radius: Double = 0) {
        guard p.x.isFinite, p.y.isFinite else { return }
        if radius <= cell {
            if let (c, r) = index(p) { filled[r * columns + c] = true }
            return
        }
        markRect(Rect(x: p.x - radius, y: p.y - radius, width: 2 * radius, height: 2 * radius))
    }

    mutating func markRect(_ rect: Rect) {
        let c0 = max(0, Int(floor((rect.minX - area.minX) / cell))), c1 = min(columns - 1, Int(floor((rect.maxX - area.minX) / cell)))
        let r0 = max(0, Int(floor((rect.minY - area.minY) / cell))), r1 = min(rows - 1, Int(floor((rect.maxY - area.minY) / cell)))
        guard c0 <= c1, r0 <= r1 else { return }
        for r in r0...r1 { for c in c0...c1 { filled[r * columns + c] = true } }
    }

    mutating func markSegment(_ a: Point, _ b: Point, halfWidth: Double = 0) {
        guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { return }
        let length = hypot(b.x - a.x, b.y - a.y)
        let steps = max(1, Int(length / (cell * 0.5)))
        for k in 0...steps {
            let t = Double(k) / Double(steps)
            mark(Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t), radius: halfWidth)
        }
    }

    /// Marks the region between two curves sampled at the same x positions.
    mutating func markBand(lower: [Point], upper: [Point]) {
        for i in 0..<min(lower.count, upper.count) - 1 where i >= 0 {
            let x0 = lower[i].x, x1 = lower[i + 1].x
            let steps = max(1, Int(abs(x1 - x0) / (cell * 0.5)))
            for k in 0...steps {
                let t = Double(k) / Double(steps)
                let x = x0 + (x1 - x0) * t
                let ya = lower[i].y + (lower[i + 1].y - lower[i].y) * t
                let yb = upper[i].y + (upper[i + 1].y - upper[i].y) * t
                guard x.isFinite, ya.isFinite, yb.isFinite else { continue }
                markRect(Rect(x: x, y: min(ya, yb), width: 0.01, height: abs(yb - ya)))
            }
        }
    }

    func isFree(_ rect: Rect) -> Bool {
        let c0 = max(0, Int(floor((rect.minX - area.minX) / cell))), c1 = min(columns - 1, Int(floor((rect.maxX - area.minX) / cell)))
        let r0 = max(0, Int(floor((rect.minY - area.minY) / cell))), r1 = min(rows - 1, Int(floor((rect.maxY - area.minY) / cell)))
        guard c0 <= c1, r0 <= r1 else { return true }
        for r in r0...r1 { for c in c0...c1 where filled[r * columns + c] { return false } }
        return true
    }

    /// The first corner (top right, top left, bottom right, bottom left) where a box of
    /// `size` fits over empty cells, inset by `inset`; nil when every corner has data.
    func emptyCorner(width: Double, height: Double, inset: Double = 6) -> Rect? {
        guard width + 2 * inset <= area.width, height + 2 * inset <= area.height else { return nil }
        let candidates = [
            Rect(x: area.maxX - inset - width, y: area.minY + inset, width: width, height: height),
            Rect(x: area.minX + inset, y: area.minY + inset, width: width, height: height),
            Rect(x: area.maxX - inset - width, y: area.maxY - inset - height, width: width, height: height),
            Rect(x: area.minX + inset, y: area.maxY - inset - height, width: width, height: height),
        ]
        // A small margin around the box keeps it off lines that pass just beside it.
        return candidates.first { isFree($0.insetBy(-3, -3)) }
    }
}

/// A vertical colour bar for a colour-mapped quantity.
struct ColorBar {
    var quantity: Quantity
    var lower: Double
    var upper: Double
    var colorMap: ColorMap
    /// Values to mark with a line across the bar (contour levels).
    var marks: [Double] = []
    let barWidth = 10.0

    /// The width the bar, its ticks and its title take when it is `height` tall.
    func width(_ canvas: Canvas, height: Double) -> Double {
        let axis = self.axis(canvas, height: height)
        let widest = axis.labels.map { canvas.measure($0, Theme.tickFont).width }.max() ?? 0
        return barWidth + Theme.tickLength + Theme.tickGap + widest + Theme.labelGap + canvas.measure("Ag", Theme.labelFont).height
    }

    func axis(_ canvas: Canvas, height: Double) -> Axis {
        let (lo, hi) = upper > lower ? (lower, upper) : Axis.viewRange(lower, upper, scale: .linear)
        return Axis.make(quantity, lower: lo, upper: hi, scale: .linear, length: height, horizontal: false, canvas: canvas)
    }

    /// Draws the bar with its left edge at `x`, from `top` down `height` points.
    func draw(_ canvas: Canvas, x: Double, top: Double, height: Double) {
        let axis = self.axis(canvas, height: height)
        var pixels: [UInt8] = []
        let steps = 256
        for k in 0..<steps {
            let c = colorMap.color(at: 1 - Double(k) / Double(steps - 1))
            pixels += [UInt8((c.red * 255).rounded()), UInt8((c.green * 255).rounded()), UInt8((c.blue * 255).rounded()), 255]
        }
        let bar = Rect(x: x, y: top, width: barWidth, height: height)
        canvas.image(rgba: pixels, width: 1, height: steps, in: bar, smooth: true)
        for m in marks {
            let py = bar.maxY - axis.fraction(m) * height
            guard py >= bar.minY - 0.01, py <= bar.maxY + 0.01 else { continue }
            canvas.line(Point(bar.minX, py), Point(bar.maxX, py), width: 0.7, color: colorMap.color(at: axis.fraction(m)).luminance > 0.35 ? .black : .white)
        }
        canvas.rectangle(bar, fill: nil, stroke: Theme.axisColor, width: 0.6)
        var widest = 0.0
        for (i, t) in axis.ticks.enumerated() {
            let py = bar.maxY - axis.fraction(t) * height
            canvas.line(Point(bar.maxX, py), Point(bar.maxX + Theme.tickLength, py), width: 0.7, color: Theme.axisColor)
            canvas.text(axis.labels[i], at: Point(bar.maxX + Theme.tickLength + Theme.tickGap, py), font: Theme.tickFont, color: Theme.textColor, vertical: .middle)
            widest = max(widest, canvas.measure(axis.labels[i], Theme.tickFont).width)
        }
        let titleX = bar.maxX + Theme.tickLength + Theme.tickGap + widest + Theme.labelGap
        canvas.text(canvas.fitted(axis.title, Theme.labelFont, width: height + 30), at: Point(titleX, bar.midY), font: Theme.labelFont, color: Theme.textColor, horizontal: .center, vertical: .top, angle: Double.pi / 2)
    }
}

import Foundation

/// Font sizes and line weights shared by the figures, in points.
enum Theme {
    static let titleFont = Font(size: 12, bold: true)
    static let panelTitleFont = Font(size: 9.5, bold: true)
    static let labelFont = Font(size: 9.5)
    static let tickFont = Font(size: 8)
    static let legendFont = Font(size: 8.5)
    static let smallFont = Font(size: 7.5)
    static let messageFont = Font(size: 11, italic: true)
    static let axisColor = Color.gray(0.25)
    static let gridColor = Color.gray(0.88)
    static let textColor = Color.gray(0.1)
    static let mutedText = Color.gray(0.4)
    static let tickLength = 3.5
    static let tickGap = 2.5
    static let labelGap = 4.0
    static let outerMargin = 8.0
}

enum AxisScale: Hashable {
    case linear
    case logarithmic
}

/// One axis: its view range, scale, ticks and their labels.
struct Axis {
    var lower: Double
    var upper: Double
    var scale: AxisScale
    var ticks: [Double]
    var labels: [String]
    var title: String

    /// Where `v` falls along the axis, 0 at `lower`, 1 at `upper`.
    func fraction(_ v: Double) -> Double {
        switch scale {
        case .linear:
            return (v - lower) / (upper - lower)
        case .logarithmic:
            guard v > 0 else { return -.infinity }
            return (log10(v) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// The view range around data in [low, high]: a margin of `padding` of the span
    /// on each side (multiplicative on log axes); a zero span is widened so a single
    /// value sits in the middle.
    static func viewRange(_ low: Double, _ high: Double, scale: AxisScale, padding: Double = 0.05) -> (Double, Double) {
        switch scale {
        case .linear:
            guard low.isFinite, high.isFinite else { return (0, 1) }
            if high - low <= max(abs(low), abs(high)) * 1e-12 {
                let half = low == 0 ? 1 : abs(low) * 0.1
                return (low - half, high + half)
            }
            let pad = (high - low) * padding
            return (low - pad, high + pad)
        case .logarithmic:
            guard low > 0, high.isFinite, low.isFinite else { return (0.1, 10) }
            if high <= low * (1 + 1e-12) { return (low / 2, high * 2) }
            let ratio = pow(high / low, padding)
            return (low / ratio, high * ratio)
        }
    }

    /// An axis over [lower, upper] whose tick labels fit `length` points without
    /// touching: horizontal labels need their width plus a gap, vertical ones their
    /// height times 2.2.
    static func make(
        _ quantity: Quantity, lower: Double, upper: Double, scale: AxisScale, length: Double, horizontal: Bool,
        canvas: Canvas, placement: UnitPlacement = .ticks, font: Font = Theme.tickFont
    ) -> Axis {
        let integer: Bool
        if case .integer = quantity.format { integer = true } else { integer = false }
        let labelHeight = canvas.measure("0", font).height
        var maxCount = max(2, Int(length / (horizontal ? 36 : labelHeight * 2.6)))
        var best: Axis?
        while true {
            let axis = build(quantity, lower: lower, upper: upper, scale: scale, maxCount: maxCount, integer: integer, placement: placement)
            let fits: Bool
            if horizontal {
                let widest = axis.labels.map { canvas.measure($0, font).width }.max() ?? 0
                fits = Double(max(axis.ticks.count, 1)) * (widest + 8) <= length
            } else {
                fits = Double(axis.ticks.count) * labelHeight * 1.8 <= length
            }
            if fits || maxCount <= 2 { return axis }
            if best == nil { best = axis }
            maxCount -= 1
        }
    }

    static func build(_ quantity: Quantity, lower: Double, upper: Double, scale: AxisScale, maxCount: Int, integer: Bool, placement: UnitPlacement) -> Axis {
        switch scale {
        case .linear:
            let unit = Formatting.tickUnit(quantity.format, maxMagnitude: max(abs(lower), abs(upper)))
            let (values, step) = Ticks.linear(lower, upper, maxCount: maxCount, integerOnly: integer, unit: unit)
            let labels = Formatting.labels(for: quantity, ticks: values, step: step, placement: placement)
            return Axis(lower: lower, upper: upper, scale: scale, ticks: values, labels: labels.ticks, title: labels.title)
        case .logarithmic:
            let values = Ticks.logarithmic(lower, upper, maxCount: maxCount)
            let labels = Formatting.logLabels(for: quantity, ticks: values, placement: placement)
            return Axis(lower: lower, upper: upper, scale: scale, ticks: values, labels: labels.ticks, title: labels.title)
        }
    }
}

/// A rectangular plot area with an x and a y axis.
struct Axes2D {
    var frame: Rect
    var x: Axis
    var y: Axis

    func point(_ vx: Double, _ vy: Double) -> Point {
        Point(frame.minX + x.fraction(vx) * frame.width, frame.maxY - y.fraction(vy) * frame.height)
    }

    /// Light grid lines at the ticks, drawn under the data.
    func drawGrid(_ canvas: Canvas, vertical: Bool = true, horizontal: Bool = true) {
        if vertical {
            for t in x.ticks {
                let px = frame.minX + x.fraction(t) * frame.width
                canvas.line(Point(px, frame.minY), Point(px, frame.maxY), width: 0.5, color: Theme.gridColor)
            }
        }
        if horizontal {
            for t in y.ticks {
                let py = frame.maxY - y.fraction(t) * frame.height
                canvas.line(Point(frame.minX, py), Point(frame.maxX, py), width: 0.5, color: Theme.gridColor)
            }
        }
    }

    /// The frame, tick marks and tick labels; axis titles when given.
    func drawFrame(
        _ canvas: Canvas, xLabels: Bool = true, yLabels: Bool = true, xTitle: String? = nil, yTitle: String? = nil,
        font: Font = Theme.tickFont, titleFont: Font = Theme.labelFont, titleLines: Int = 1
    ) {
        canvas.rectangle(frame, fill: nil, stroke: Theme.axisColor, width: 0.8)
        for (i, t) in x.ticks.enumerated() {
            let px = frame.minX + x.fraction(t) * frame.width
            canvas.line(Point(px, frame.maxY), Point(px, frame.maxY + Theme.tickLength), width: 0.8, color: Theme.axisColor)
            if xLabels {
                canvas.text(x.labels[i], at: Point(px, frame.maxY + Theme.tickLength + Theme.tickGap), font: font, color: Theme.textColor, horizontal: .center, vertical: .top)
            }
        }
        if y.scale == .logarithmic {
            for t in Ticks.logMinor(y.lower, y.upper, major: y.ticks) {
                let py = frame.maxY - y.fraction(t) * frame.height
                canvas.line(Point(frame.minX - Theme.tickLength * 0.55, py), Point(frame.minX, py), width: 0.6, color: Theme.axisColor)
            }
        }
        if x.scale == .logarithmic {
            for t in Ticks.logMinor(x.lower, x.upper, major: x.ticks) {
                let px = frame.minX + x.fraction(t) * frame.width
                canvas.line(Point(px, frame.maxY), Point(px, frame.maxY + Theme.tickLength * 0.55), width: 0.6, color: Theme.axisColor)
            }
        }
        for (i, t) in y.ticks.enumerated() {
            let py = frame.maxY - y.fraction(t) * frame.height
            canvas.line(Point(frame.minX - Theme.tickLength, py), Point(frame.minX, py), width: 0.8, color: Theme.axisColor)
            if yLabels {
                canvas.text(y.labels[i], at: Point(frame.minX - Theme.tickLength - Theme.tickGap, py), font: font, color: Theme.textColor, horizontal: .right, vertical: .middle)
            }
        }
        let lineHeight = canvas.measure("Ag", titleFont).height * 1.05
        if let xTitle {
            let top = frame.maxY + Theme.tickLength + Theme.tickGap + (xLabels ? canvas.measure("0", font).height + Theme.labelGap : 0)
            let lines = Plot.wrap(xTitle, canvas, titleFont, width: frame.width + 4, maxLines: titleLines)
            for (l, line) in lines.enumerated() {
                canvas.text(line, at: Point(frame.midX, top + Double(l) * lineHeight), font: titleFont, color: Theme.textColor, horizontal: .center, vertical: .top)
            }
        }
        if let yTitle {
            let widest = yLabels ? (y.labels.map { canvas.measure($0, font).width }.max() ?? 0) : 0
            let left = frame.minX - Theme.tickLength - Theme.tickGap - widest - Theme.labelGap
            let lines = Plot.wrap(yTitle, canvas, titleFont, width: frame.height + 4, maxLines: titleLines)
            // Rotated text reads upwards, so the first line sits furthest left.
            for (l, line) in lines.enumerated() {
                let x = left - Double(lines.count - 1 - l) * lineHeight
                canvas.text(line, at: Point(x, frame.midY), font: titleFont, color: Theme.textColor, horizontal: .center, vertical: .bottom, angle: Double.pi / 2)
            }
        }
    }

    /// How many lines (1 or 2) the longest of `titles` needs within `width`.
    static func titleLines(_ titles: [String], _ canvas: Canvas, width: Double, font: Font = Theme.labelFont) -> Int {
        titles.map { Plot.wrap($0, canvas, font, width: width + 4, maxLines: 2).count }.max() ?? 1
    }

    /// Space the x tick labels and title need below the frame.
    static func bottomSpace(_ canvas: Canvas, hasTitle: Bool, font: Font = Theme.tickFont, titleFont: Font = Theme.labelFont, titleLines: Int = 1) -> Double {
        Theme.tickLength + Theme.tickGap + canvas.measure("0", font).height
            + (hasTitle ? Theme.labelGap + canvas.measure("Ag", titleFont).height * (1 + 1.05 * Double(titleLines - 1)) : 0)
    }

    /// Space the y tick labels and title need left of the frame.
    static func leftSpace(_ canvas: Canvas, labels: [String], hasTitle: Bool, font: Font = Theme.tickFont, titleFont: Font = Theme.labelFont, titleLines: Int = 1) -> Double {
        let widest = labels.map { canvas.measure($0, font).width }.max() ?? 0
        return Theme.tickLength + Theme.tickGap + widest
            + (hasTitle ? Theme.labelGap + canvas.measure("Ag", titleFont).height * (1 + 1.05 * Double(titleLines - 1)) : 0)
    }
}

extension Canvas {
    /// The figure title centred at the top; returns the y below it.
    @discardableResult
    func drawTitle(_ title: String, top: Double = Theme.outerMargin) -> Double {
        guard !title.isEmpty else { return top }
        // Long titles wrap onto a second line rather than being cut.
        let lines = Plot.wrap(title, self, Theme.titleFont, width: widthPoints - 2 * Theme.outerMargin, maxLines: 2)
        let lineHeight = measure("Ag", Theme.titleFont).height * 1.1
        for (l, line) in lines.enumerated() {
            self.text(line, at: Point(widthPoints / 2, top + Double(l) * lineHeight), font: Theme.titleFont, color: Theme.textColor, horizontal: .center, vertical: .top)
        }
        return top + Double(lines.count - 1) * lineHeight + measure("Ag", Theme.titleFont).height + 6
    }

    /// A notice centred in `rect`, used where there is nothing (or too little) to plot.
    func drawMessage(_ message: String, in rect: Rect) {
        let lines = message.split(separator: "\n").map(String.init)
        let lineHeight = measure("Ag", Theme.messageFont).height * 1.3
        var y = rect.midY - lineHeight * Double(lines.count) / 2 + lineHeight / 2
        for line in lines {
            let text = fitted(line, Theme.messageFont, width: rect.width - 8)
            _ = labelBox(text, at: Point(rect.midX, y), font: Theme.messageFont, color: Theme.mutedText, horizontal: .center, vertical: .middle, background: Color.white.withAlpha(0.9))
            y += lineHeight
        }
    }

    /// A small note in the bottom-left corner of the figure (omitted values and such).
    func drawFootnote(_ note: String) {
        guard !note.isEmpty else { return }
        text(fitted(note, Theme.smallFont, width: widthPoints - 2 * Theme.outerMargin), at: Point(Theme.outerMargin, heightPoints - 4), font: Theme.smallFont, color: Theme.mutedText, horizontal: .left, vertical: .bottom)
    }
}

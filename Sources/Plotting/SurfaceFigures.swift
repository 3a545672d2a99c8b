import Foundation

/// A quantity sampled over a grid of two swept parameters (a sensitivity sweep).
public struct GridSurface: Sendable, Hashable {
    /// The figure title.
    public var title: String
    /// The first swept parameter (horizontal axis of the heat map).
    public var x: Quantity
    /// The second swept parameter.
    public var y: Quantity
    /// The result quantity.
    public var z: Quantity
    /// Values of the first parameter, strictly increasing.
    public var xValues: [Double]
    /// Values of the second parameter, strictly increasing.
    public var yValues: [Double]
    /// `values[j][i]` is the result at (`xValues[i]`, `yValues[j]`); NaN marks a
    /// missing grid point.
    public var values: [[Double]]

    /// A surface over a grid.
    public init(title: String, x: Quantity, y: Quantity, z: Quantity, xValues: [Double], yValues: [Double], values: [[Double]]) {
        self.title = title
        self.x = x
        self.y = y
        self.z = z
        self.xValues = xValues
        self.yValues = yValues
        self.values = values
    }

    func validate() throws(PlotError) {
        guard values.count == yValues.count else {
            throw PlotError.invalidData("the surface has \(values.count) rows for \(yValues.count) y values")
        }
        for (j, row) in values.enumerated() where row.count != xValues.count {
            throw PlotError.invalidData("surface row \(j) has \(row.count) values for \(xValues.count) x values")
        }
        for (name, axis) in [("x", xValues), ("y", yValues)] {
            guard axis.allSatisfy(\.isFinite) else { throw PlotError.invalidData("the \(name) values must be finite") }
            for k in axis.indices.dropFirst() where axis[k] <= axis[k - 1] {
                throw PlotError.invalidData("the \(name) values must be strictly increasing (\(axis[k - 1]) then \(axis[k]))")
            }
        }
    }

    var finiteValues: [Double] { values.flatMap { $0 }.filter(\.isFinite) }
}

/// The direction a 3-D surface is seen from.
public struct SurfaceView: Sendable, Hashable {
    /// Rotation about the vertical axis in degrees; -60 looks from the front right.
    public var azimuth: Double
    /// Height of the eye above the floor in degrees (0...90).
    public var elevation: Double

    /// A view direction.
    public init(azimuth: Double = -60, elevation: Double = 28) {
        self.azimuth = azimuth
        self.elevation = elevation
    }
}

extension Plot {
    /// Draws the surface as a projected mesh: grid cells filled by the colour map at
    /// their mean value and painted far to near (painter's algorithm), inside a box
    /// whose back panes carry grid lines; ticks on the front floor edges and on the
    /// left vertical edge, and a colour bar.
    public static func surface3D(_ surface: GridSurface, view: SurfaceView = SurfaceView(), style: FigureStyle = FigureStyle()) throws(PlotError) -> Raster {
        try surface.validate()
        let canvas = try Canvas(size: style.size ?? FigureSize(width: 7, height: 5.5), fontScale: style.fontScale)
        let top = canvas.drawTitle(surface.title)
        let finite = surface.finiteValues
        let nx = surface.xValues.count, ny = surface.yValues.count
        let zLow = finite.min() ?? 0, zHigh = finite.max() ?? 1
        let bar = ColorBar(quantity: surface.z, lower: zLow, upper: zHigh, colorMap: style.colorMap)
        let barHeight = min(canvas.heightPoints - top - 60, 260)
        let barWidth = bar.width(canvas, height: barHeight)
        let area = Rect(x: Theme.outerMargin, y: top, width: canvas.widthPoints - 2 * Theme.outerMargin - barWidth - 16, height: canvas.heightPoints - top - Theme.outerMargin - 12)
        guard nx >= 1, ny >= 1, !finite.isEmpty else {
            canvas.drawMessage(nx == 0 || ny == 0 ? "Empty grid: nothing to plot" : "No finite values to plot", in: area)
            return try canvas.raster()
        }
        bar.draw(canvas, x: canvas.widthPoints - Theme.outerMargin - barWidth, top: top + (area.height - barHeight) / 2, height: barHeight)

        // Axis ranges: the grid's extent (widened when a parameter has one value).
        let (xLow, xHigh) = nx > 1 ? (surface.xValues.first!, surface.xValues.last!) : Axis.viewRange(surface.xValues[0], surface.xValues[0], scale: .linear)
        let (yLow, yHigh) = ny > 1 ? (surface.yValues.first!, surface.yValues.last!) : Axis.viewRange(surface.yValues[0], surface.yValues[0], scale: .linear)
        let (zMin, zMax) = zHigh > zLow ? (zLow, zHigh) : Axis.viewRange(zLow, zHigh, scale: .linear)
        let xAxis = Axis.build(surface.x, lower: xLow, upper: xHigh, scale: .linear, maxCount: 5, integer: false, placement: .ticks)
        let yAxis = Axis.build(surface.y, lower: yLow, upper: yHigh, scale: .linear, maxCount: 5, integer: false, placement: .ticks)
        let zAxis = Axis.build(surface.z, lower: zMin, upper: zMax, scale: .linear, maxCount: 6, integer: false, placement: .ticks)

        let phi = view.azimuth * Double.pi / 180, theta = min(max(view.elevation, 0), 90) * Double.pi / 180
        let boxHeight = 0.75
        // Normalised box coordinates: u, v in [-0.5, 0.5], w in [-h/2, h/2].
        func u(_ x: Double) -> Double { (x - xLow) / (xHigh - xLow) - 0.5 }
        func v(_ y: Double) -> Double { (y - yLow) / (yHigh - yLow) - 0.5 }
        func w(_ z: Double) -> Double { ((z - zMin) / (zMax - zMin) - 0.5) * boxHeight }
        let (cp, sp, ct, st) = (cos(phi), sin(phi), cos(theta), sin(theta))
        // Screen right r = (-sinφ, cosφ, 0), up = (-sinθ cosφ, -sinθ sinφ, cosθ), towards the eye e.
        func screen(_ a: Double, _ b: Double, _ c: Double) -> (x: Double, y: Double, depth: Double) {
            (-a * sp + b * cp, -a * st * cp - b * st * sp + c * ct, a * ct * cp + b * ct * sp + c * st)
        }
        // Fit the projected box into the area, leaving room for labels.
        var corners: [(x: Double, y: Double, depth: Double)] = []
        for a in [-0.5, 0.5] { for b in [-0.5, 0.5] { for c in [-boxHeight / 2, boxHeight / 2] { corners.append(screen(a, b, c)) } } }
        let minSX = corners.map(\.x).min()!, maxSX = corners.map(\.x).max()!, minSY = corners.map(\.y).min()!, maxSY = corners.map(\.y).max()!
        let inner = area.insetBy(62, 40)
        let scale = min(inner.width / (maxSX - minSX), inner.height / (maxSY - minSY))
        let originX = inner.midX - (minSX + maxSX) / 2 * scale, originY = inner.midY + (minSY + maxSY) / 2 * scale
        func project(_ a: Double, _ b: Double, _ c: Double) -> Point {
            let s = screen(a, b, c)
            return Point(originX + s.x * scale, originY - s.y * scale)
        }
        let floorW = -boxHeight / 2, ceilW = boxHeight / 2
        // Back panes: a wall is at the back when its outward normal points away from the eye.
        let backU = cp > 0 ? -0.5 : 0.5, backV = sp > 0 ? -0.5 : 0.5
        let frontU = -backU, frontV = -backV
        let pane = Color.gray(0.965), paneEdge = Color.gray(0.7)
        canvas.polygon([project(-0.5, -0.5, floorW), project(0.5, -0.5, floorW), project(0.5, 0.5, floorW), project(-0.5, 0.5, floorW)], fill: pane, stroke: paneEdge, width: 0.6)
        canvas.polygon([project(backU, -0.5, floorW), project(backU, 0.5, floorW), project(backU, 0.5, ceilW), project(backU, -0.5, ceilW)], fill: pane, stroke: paneEdge, width: 0.6)
        canvas.polygon([project(-0.5, backV, floorW), project(0.5, backV, floorW), project(0.5, backV, ceilW), project(-0.5, backV, ceilW)], fill: pane, stroke: paneEdge, width: 0.6)
        for t in xAxis.ticks {
            canvas.line(project(u(t), -0.5, floorW), project(u(t), 0.5, floorW), width: 0.5, color: Theme.gridColor)
            canvas.line(project(u(t), backV, floorW), project(u(t), backV, ceilW), width: 0.5, color: Theme.gridColor)
        }
        for t in yAxis.ticks {
            canvas.line(project(-0.5, v(t), floorW), project(0.5, v(t), floorW), width: 0.5, color: Theme.gridColor)
            canvas.line(project(backU, v(t), floorW), project(backU, v(t), ceilW), width: 0.5, color: Theme.gridColor)
        }
        for t in zAxis.ticks {
            canvas.line(project(backU, -0.5, w(t)), project(backU, 0.5, w(t)), width: 0.5, color: Theme.gridColor)
            canvas.line(project(-0.5, backV, w(t)), project(0.5, backV, w(t)), width: 0.5, color: Theme.gridColor)
        }

        // The mesh, far cells first.
        let xs = surface.xValues, ys = surface.yValues, z = surface.values
        var missing = 0
        if nx >= 2, ny >= 2 {
            struct Cell { var depth: Double; var corners: [Point]; var value: Double }
            var cells: [Cell] = []
            cells.reserveCapacity((nx - 1) * (ny - 1))
            for j in 0..<(ny - 1) {
                for i in 0..<(nx - 1) {
                    let zs = [z[j][i], z[j][i + 1], z[j + 1][i + 1], z[j + 1][i]]
                    guard zs.allSatisfy(\.isFinite) else {
                        missing += 1
                        continue
                    }
                    let us = [u(xs[i]), u(xs[i + 1]), u(xs[i + 1]), u(xs[i])], vs = [v(ys[j]), v(ys[j]), v(ys[j + 1]), v(ys[j + 1])]
                    var depth = 0.0
                    var points: [Point] = []
                    for k in 0..<4 {
                        depth += screen(us[k], vs[k], w(zs[k])).depth
                        points.append(project(us[k], vs[k], w(zs[k])))
                    }
                    cells.append(Cell(depth: depth / 4, corners: points, value: zs.reduce(0, +) / 4))
                }
            }
            // Stable order: equal depths keep grid order, so the output is deterministic.
            let order = cells.indices.sorted { (cells[$0].depth, $0) < (cells[$1].depth, $1) }
            let edge = Color.black.withAlpha(nx * ny > 900 ? 0.15 : 0.35)
            for c in order {
                let t = zHigh > zLow ? (cells[c].value - zLow) / (zHigh - zLow) : 0.5
                canvas.polygon(cells[c].corners, fill: style.colorMap.color(at: t), stroke: edge, width: 0.45)
            }
        } else {
            // A single row or column of the sweep: a curve in the box, with points.
            var points: [Point] = []
            for j in 0..<ny { for i in 0..<nx where z[j][i].isFinite { points.append(project(u(xs[i]), v(ys[j]), w(z[j][i]))) } }
            canvas.polyline(points, width: 1.6, color: style.colorMap.color(at: 0.3))
            for p in points { canvas.marker(.circle, at: p, size: 5, fill: style.colorMap.color(at: 0.3), stroke: .white) }
        }

        // Ticks and labels outside the box: x along the front floor edge parallel to x,
        // y along the front edge parallel to y, z on the leftmost vertical edge.
        let centre = project(0, 0, floorW)
        var drawnLabels: [Rect] = []
        func drawAxis(_ axis: Axis, title: String, at position: (Double) -> (Double, Double, Double), edgeStart: (Double, Double, Double), edgeEnd: (Double, Double, Double)) {
            let a = project(edgeStart.0, edgeStart.1, edgeStart.2), b = project(edgeEnd.0, edgeEnd.1, edgeEnd.2)
            let mid = Point((a.x + b.x) / 2, (a.y + b.y) / 2)
            // Outward: perpendicular to the edge, away from the box centre.
            let length = max(hypot(b.x - a.x, b.y - a.y), 1e-9)
            var ox = -(b.y - a.y) / length, oy = (b.x - a.x) / length
            if ox * (mid.x - centre.x) + oy * (mid.y - centre.y) < 0 { (ox, oy) = (-ox, -oy) }
            var extent = 0.0
            for (k, t) in axis.ticks.enumerated() {
                let (pa, pb, pc) = position(t)
                let p = project(pa, pb, pc)
                canvas.line(p, Point(p.x + ox * 4, p.y + oy * 4), width: 0.8, color: Theme.axisColor)
                let size = canvas.measure(axis.labels[k], Theme.tickFont)
                let reach = abs(ox) * size.width / 2 + abs(oy) * size.height / 2
                extent = max(extent, 2 * reach)
                let at = Point(p.x + ox * (7 + reach), p.y + oy * (7 + reach))
                let box = Rect(x: at.x - size.width / 2, y: at.y - size.height / 2, width: size.width, height: size.height)
                // Two axes meet at the front corner: keep the first label there, skip the other.
                guard !drawnLabels.contains(where: { $0.insetBy(-2, -1).intersects(box) }) else { continue }
                drawnLabels.append(box)
                canvas.text(axis.labels[k], at: at, font: Theme.tickFont, color: Theme.textColor, horizontal: .center, vertical: .middle)
            }
            var angle = -atan2(b.y - a.y, b.x - a.x)
            if angle > Double.pi / 2 { angle -= Double.pi }
            if angle <= -Double.pi / 2 { angle += Double.pi }
            let titleHeight = canvas.measure("Ag", Theme.labelFont).height
            let offset = 9 + extent + titleHeight / 2 + 2
            canvas.text(canvas.fitted(title, Theme.labelFont, width: max(length + 40, 80)), at: Point(mid.x + ox * offset, mid.y + oy * offset), font: Theme.labelFont, color: Theme.textColor, horizontal: .center, vertical: .middle, angle: angle)
        }
        drawAxis(xAxis, title: xAxis.title, at: { (u($0), frontV, floorW) }, edgeStart: (-0.5, frontV, floorW), edgeEnd: (0.5, frontV, floorW))
        drawAxis(yAxis, title: yAxis.title, at: { (frontU, v($0), floorW) }, edgeStart: (frontU, -0.5, floorW), edgeEnd: (frontU, 0.5, floorW))
        // The vertical edge furthest left on screen.
        let verticals = [(-0.5, -0.5), (-0.5, 0.5), (0.5, -0.5), (0.5, 0.5)]
        let leftmost = verticals.min { project($0.0, $0.1, floorW).x < project($1.0, $1.1, floorW).x }!
        drawAxis(zAxis, title: zAxis.title, at: { (leftmost.0, leftmost.1, w($0)) }, edgeStart: (leftmost.0, leftmost.1, floorW), edgeEnd: (leftmost.0, leftmost.1, ceilW))

        if nx < 2 || ny < 2 {
            canvas.drawMessage("A surface needs at least 2 × 2 grid points; drawn as a curve", in: Rect(x: area.minX, y: area.maxY - 30, width: area.width, height: 24))
        }
        if missing > 0 { canvas.drawFootnote("\(missing) grid cell\(missing == 1 ? "" : "s") with a missing corner value not drawn") }
        return try canvas.raster()
    }

    /// Draws the surface as a heat map (bilinear between grid points) with contour
    /// lines at round levels, labelled in place, the sampled grid points as dots and a
    /// colour bar marking the contour levels.
    public static func heatMap(_ surface: GridSurface, contourLevels: Int = 8, style: FigureStyle = FigureStyle()) throws(PlotError) -> Raster {
        try surface.validate()
        let canvas = try Canvas(size: style.size ?? FigureSize(width: 6.4, height: 5), fontScale: style.fontScale)
        let top = canvas.drawTitle(surface.title)
        let finite = surface.finiteValues
        let nx = surface.xValues.count, ny = surface.yValues.count
        let zLow = finite.min() ?? 0, zHigh = finite.max() ?? 1
        let hasMissing = finite.count < nx * ny
        let notes = [
            nx * ny > 0 ? "dots: swept grid points" : nil,
            hasMissing ? "grey: missing values" : nil,
        ].compactMap { $0 }.joined(separator: "; ")
        let footSpace = notes.isEmpty ? 0 : canvas.measure("Ag", Theme.smallFont).height + 4

        let (xLow, xHigh) = nx > 1 ? (surface.xValues.first!, surface.xValues.last!) : (nx == 1 ? Axis.viewRange(surface.xValues[0], surface.xValues[0], scale: .linear) : (0, 1))
        let (yLow, yHigh) = ny > 1 ? (surface.yValues.first!, surface.yValues.last!) : (ny == 1 ? Axis.viewRange(surface.yValues[0], surface.yValues[0], scale: .linear) : (0, 1))
        let (zMin, zMax) = zHigh > zLow ? (zLow, zHigh) : Axis.viewRange(zLow, zHigh, scale: .linear)
        let levels = Ticks.linear(zMin, zMax, maxCount: max(contourLevels, 2)).values.filter { $0 > zLow && $0 < zHigh }
        var bar = ColorBar(quantity: surface.z, lower: zLow, upper: zHigh, colorMap: style.colorMap)
        bar.marks = levels
        let bottomSpace = Axes2D.bottomSpace(canvas, hasTitle: true) + Theme.outerMargin + footSpace
        let height = canvas.heightPoints - top - bottomSpace - 4
        let barWidth = bar.width(canvas, height: height)
        var left = 60.0
        var axes = Axes2D(frame: Rect(x: 0, y: 0, width: 1, height: 1), x: Axis(lower: 0, upper: 1, scale: .linear, ticks: [], labels: [], title: ""), y: Axis(lower: 0, upper: 1, scale: .linear, ticks: [], labels: [], title: ""))
        for _ in 0..<2 {
            let right = canvas.widthPoints - Theme.outerMargin - barWidth - 14
            let frame = Rect(x: left, y: top + 4, width: right - left, height: height)
            axes = Axes2D(
                frame: frame,
                x: Axis.make(surface.x, lower: xLow, upper: xHigh, scale: .linear, length: frame.width, horizontal: true, canvas: canvas),
                y: Axis.make(surface.y, lower: yLow, upper: yHigh, scale: .linear, length: frame.height, horizontal: false, canvas: canvas))
            left = Theme.outerMargin + Axes2D.leftSpace(canvas, labels: axes.y.labels, hasTitle: true)
        }
        let frame = axes.frame
        if nx >= 2, ny >= 2, !finite.isEmpty {
            // Sample the bilinear interpolant at device resolution.
            let dpiScale = canvas.size.dpi / 72
            let width = max(1, Int((frame.width * dpiScale).rounded())), heightPx = max(1, Int((frame.height * dpiScale).rounded()))
            let xs = surface.xValues, ys = surface.yValues
            func locate(_ grid: [Double], _ value: Double) -> (Int, Double) {
                var lo = 0, hi = grid.count - 1
                while hi - lo > 1 {
                    let mid = (lo + hi) / 2
                    if grid[mid] <= value { lo = mid } else { hi = mid }
                }
                return (lo, min(max((value - grid[lo]) / (grid[lo + 1] - grid[lo]), 0), 1))
            }
            let columns = (0..<width).map { locate(xs, xLow + (Double($0) + 0.5) / Double(width) * (xHigh - xLow)) }
            // Precomputed colour table: 1024 steps are finer than 8-bit colour.
            let table: [(UInt8, UInt8, UInt8)] = (0..<1024).map { k in
                let c = style.colorMap.color(at: Double(k) / 1023)
                return (UInt8((c.red * 255).rounded()), UInt8((c.green * 255).rounded()), UInt8((c.blue * 255).rounded()))
            }
            var pixels = [UInt8](repeating: 255, count: width * heightPx * 4)
            let span = zHigh > zLow ? zHigh - zLow : 1
            pixels.withUnsafeMutableBufferPointer { out in
                for row in 0..<heightPx {
                    let (j, fy) = locate(ys, yHigh - (Double(row) + 0.5) / Double(heightPx) * (yHigh - yLow))
                    let r0 = surface.values[j], r1 = surface.values[j + 1]
                    var o = row * width * 4
                    for col in 0..<width {
                        let (i, fx) = columns[col]
                        let value = (r0[i] * (1 - fx) + r0[i + 1] * fx) * (1 - fy) + (r1[i] * (1 - fx) + r1[i + 1] * fx) * fy
                        if value.isFinite {
                            let k = Int(((value - zLow) / span * 1023).rounded())
                            let c = table[min(max(k, 0), 1023)]
                            out[o] = c.0
                            out[o + 1] = c.1
                            out[o + 2] = c.2
                        } else {
                            out[o] = 217
                            out[o + 1] = 217
                            out[o + 2] = 217
                        }
                        o += 4
                    }
                }
            }
            canvas.image(rgba: pixels, width: width, height: heightPx, in: frame, smooth: false)

            // Contours, the grid points, then contour labels where they fit without overlapping.
            var contourLines: [[[Point]]] = []
            // Trace on a grid of about 200 points per axis so the lines follow the
            // bilinear colouring even on a coarse sweep.
            let factor = min(16, max(1, 200 / max(min(nx, ny) - 1, 1)))
            let fine = MarchingSquares.refined(xs: xs, ys: ys, values: surface.values, factor: factor)
            for level in levels {
                let t = (level - zLow) / span
                let lineColor: Color = style.colorMap.color(at: t).luminance > 0.3 ? Color.black.withAlpha(0.75) : Color.white.withAlpha(0.85)
                let lines = MarchingSquares.contours(xs: fine.xs, ys: fine.ys, values: fine.values, level: level).map { $0.map { axes.point($0.0, $0.1) } }
                canvas.withClip(frame) {
                    for line in lines { canvas.polyline(line, width: 0.9, color: lineColor) }
                }
                contourLines.append(lines)
            }
            drawGridPoints(canvas, surface, axes, zLow: zLow, zHigh: zHigh, colorMap: style.colorMap)
            var placed: [Rect] = []
            for (levelIndex, level) in levels.enumerated() {
                let t = (level - zLow) / span
                let lineColor: Color = style.colorMap.color(at: t).luminance > 0.3 ? Color.black.withAlpha(0.75) : Color.white.withAlpha(0.85)
                let lines = contourLines[levelIndex]
                let label = Formatting.labels(for: surface.z, ticks: levels, step: levels.count > 1 ? levels[1] - levels[0] : max(abs(level), 1), placement: .ticks).ticks[levels.firstIndex(of: level)!]
                let font = Theme.smallFont
                let size = canvas.measure(label, font)
                for line in lines.sorted(by: { polylineLength($0) > polylineLength($1) }) {
                    let length = polylineLength(line)
                    guard length > size.width * 2.2 else { continue }
                    for fraction in [0.5, 0.3, 0.7, 0.15, 0.85] {
                        let (at, angle) = pointAlong(line, distance: length * fraction)
                        let box = Rect(x: at.x - size.width / 2 - 2, y: at.y - size.height / 2 - 1, width: size.width + 4, height: size.height + 2)
                        let reach = max(box.width, box.height) / 2
                        guard at.x - reach > frame.minX, at.x + reach < frame.maxX, at.y - reach > frame.minY, at.y + reach < frame.maxY,
                            !placed.contains(where: { $0.insetBy(-4, -4).intersects(Rect(x: at.x - reach, y: at.y - reach, width: 2 * reach, height: 2 * reach)) })
                        else { continue }
                        placed.append(Rect(x: at.x - reach, y: at.y - reach, width: 2 * reach, height: 2 * reach))
                        drawRotatedLabel(canvas, label, at: at, angle: angle, font: font, background: style.colorMap.color(at: t), color: lineColor.withAlpha(1))
                        break
                    }
                    break
                }
            }
        }
        if nx < 2 || ny < 2 {
            drawGridPoints(canvas, surface, axes, zLow: zLow, zHigh: zHigh, colorMap: style.colorMap)
        }
        axes.drawFrame(canvas, xTitle: axes.x.title, yTitle: axes.y.title)
        if !finite.isEmpty {
            bar.draw(canvas, x: canvas.widthPoints - Theme.outerMargin - barWidth, top: frame.minY, height: frame.height)
        }
        if finite.isEmpty {
            canvas.drawMessage(nx * ny == 0 ? "Empty grid: nothing to plot" : "No finite values to plot", in: frame)
        } else if nx < 2 || ny < 2 {
            canvas.drawMessage("A heat map needs at least 2 × 2 grid points", in: frame)
        }
        canvas.drawFootnote(notes)
        return try canvas.raster()
    }

    /// Dots at the grid points, so the reader sees where the sweep sampled and what is
    /// interpolated; dark on light colours and light on dark ones.
    static func drawGridPoints(_ canvas: Canvas, _ surface: GridSurface, _ axes: Axes2D, zLow: Double, zHigh: Double, colorMap: ColorMap) {
        canvas.withClip(axes.frame) {
            for j in surface.yValues.indices {
                for i in surface.xValues.indices where surface.values[j][i].isFinite {
                    let p = axes.point(surface.xValues[i], surface.yValues[j])
                    let t = zHigh > zLow ? (surface.values[j][i] - zLow) / (zHigh - zLow) : 0.5
                    let dark = colorMap.color(at: t).luminance > 0.3
                    canvas.circle(p, radius: 1.5, fill: (dark ? Color.black : Color.white).withAlpha(0.55))
                }
            }
        }
    }

    static func polylineLength(_ line: [Point]) -> Double {
        zip(line, line.dropFirst()).reduce(0) { $0 + hypot($1.1.x - $1.0.x, $1.1.y - $1.0.y) }
    }

    /// The point `distance` along a polyline and the readable angle of the line there.
    static func pointAlong(_ line: [Point], distance: Double) -> (Point, Double) {
        var remaining = distance
        for (a, b) in zip(line, line.dropFirst()) {
            let length = hypot(b.x - a.x, b.y - a.y)
            if remaining <= length, length > 0 {
                let t = remaining / length
                var angle = -atan2(b.y - a.y, b.x - a.x)
                if angle > Double.pi / 2 { angle -= Double.pi }
                if angle < -Double.pi / 2 { angle += Double.pi }
                return (Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t), angle)
            }
            remaining -= length
        }
        return (line.last ?? Point(0, 0), 0)
    }

    static func drawRotatedLabel(_ canvas: Canvas, _ text: String, at p: Point, angle: Double, font: Font, background: Color, color: Color) {
        let size = canvas.measure(text, font)
        let c = cos(-angle), s = sin(-angle)
        let hw = size.width / 2 + 2, hh = size.height / 2 + 0.5
        let corners = [(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)].map { Point(p.x + $0.0 * c - $0.1 * s, p.y + $0.0 * s + $0.1 * c) }
        canvas.polygon(corners, fill: background)
        canvas.text(text, at: p, font: font, color: color, horizontal: .center, vertical: .middle, angle: angle)
    }
}

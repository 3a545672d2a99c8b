import CCairo
import Foundation

/// The physical size of a figure and its resolution.
public struct FigureSize: Sendable, Hashable {
    /// Width in inches.
    public var width: Double
    /// Height in inches.
    public var height: Double
    /// Pixels per inch; text and line widths are in points (1/72 inch), so a higher
    /// DPI gives the same figure with more pixels.
    public var dpi: Double

    /// A figure of `width` × `height` inches at `dpi` pixels per inch.
    public init(width: Double, height: Double, dpi: Double = 150) {
        self.width = width
        self.height = height
        self.dpi = dpi
    }

    /// Width in pixels.
    public var pixelWidth: Int { Int((width * dpi).rounded()) }
    /// Height in pixels.
    public var pixelHeight: Int { Int((height * dpi).rounded()) }

    func validated() throws(PlotError) -> FigureSize {
        guard dpi.isFinite, (36...1200).contains(dpi) else {
            throw PlotError.invalidSize("dpi must be within 36...1200, got \(dpi)")
        }
        guard width.isFinite, height.isFinite, (1...40).contains(width), (1...40).contains(height) else {
            throw PlotError.invalidSize("width and height must be within 1...40 inches, got \(width) × \(height)")
        }
        guard pixelWidth * pixelHeight <= 64_000_000 else {
            throw PlotError.invalidSize("\(pixelWidth) × \(pixelHeight) pixels is more than 64 megapixels")
        }
        return self
    }
}

/// Presentation choices shared by all figures.
public struct FigureStyle: Sendable, Hashable {
    /// The figure size; `nil` uses each figure's own default.
    public var size: FigureSize?
    /// The sequential colour map for values.
    public var colorMap: ColorMap
    /// Multiplies every font size (1 = the defaults: 8.5 pt ticks, 10 pt labels).
    public var fontScale: Double

    /// A style; the defaults suit a journal column at 150 dpi.
    public init(size: FigureSize? = nil, colorMap: ColorMap = .viridis, fontScale: Double = 1) {
        self.size = size
        self.colorMap = colorMap
        self.fontScale = fontScale
    }
}

struct Point: Hashable {
    var x: Double
    var y: Double
    init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

struct Rect: Hashable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double
    var minX: Double { x }
    var minY: Double { y }
    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }
    func insetBy(_ dx: Double, _ dy: Double) -> Rect {
        Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy)
    }
    func intersects(_ other: Rect) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }
    func contains(_ p: Point) -> Bool {
        p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY
    }
    func union(_ other: Rect) -> Rect {
        let x0 = min(minX, other.minX), y0 = min(minY, other.minY)
        return Rect(x: x0, y: y0, width: max(maxX, other.maxX) - x0, height: max(maxY, other.maxY) - y0)
    }
}

/// A font of the figure: DejaVu Sans at a size in points.
struct Font: Hashable {
    var size: Double
    var bold = false
    var italic = false
}

/// Text size as Cairo lays it out: advance width and the font's ascent and descent.
struct TextSize {
    var width: Double
    var ascent: Double
    var descent: Double
    var height: Double { ascent + descent }
}

enum HorizontalAnchor { case left, center, right }
enum VerticalAnchor { case top, middle, baseline, bottom }

/// Marker shapes for points.
enum MarkerShape: Hashable {
    case circle, square, diamond, triangleUp, triangleDown, star, cross, plus
}

/// A Cairo image surface with drawing helpers in points (1/72 inch), origin top left.
///
/// Not thread-safe; each figure renders on its own canvas.
final class Canvas {
    let size: FigureSize
    let widthPoints: Double
    let heightPoints: Double
    let fontScale: Double
    private let surface: OpaquePointer
    let cr: OpaquePointer

    init(size: FigureSize, fontScale: Double = 1, background: Color? = .white) throws(PlotError) {
        let size = try size.validated()
        self.size = size
        self.fontScale = fontScale.isFinite && fontScale > 0 ? fontScale : 1
        widthPoints = Double(size.pixelWidth) * 72 / size.dpi
        heightPoints = Double(size.pixelHeight) * 72 / size.dpi
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(size.pixelWidth), Int32(size.pixelHeight)),
            cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS
        else {
            throw PlotError.renderFailed("cairo could not create a \(size.pixelWidth)×\(size.pixelHeight) surface")
        }
        guard let cr = cairo_create(surface), cairo_status(cr) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw PlotError.renderFailed("cairo could not create a drawing context")
        }
        self.surface = surface
        self.cr = cr
        let scale = size.dpi / 72
        cairo_scale(cr, scale, scale)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        // Grey antialiasing and no hinting: glyph shapes do not depend on the position
        // within a pixel row, so layout scales cleanly with the DPI.
        if let options = cairo_font_options_create() {
            cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
            cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
            cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo_set_font_options(cr, options)
            cairo_font_options_destroy(options)
        }
        if let background { fill(Rect(x: 0, y: 0, width: widthPoints, height: heightPoints), background) }
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    var bounds: Rect { Rect(x: 0, y: 0, width: widthPoints, height: heightPoints) }

    // MARK: Paths and paint

    func setColor(_ c: Color) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    func setDash(_ dash: [Double]?) {
        if let dash, !dash.isEmpty {
            dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32(dash.count), 0) }
        } else {
            cairo_set_dash(cr, nil, 0, 0)
        }
    }

    func stroke(width: Double, color: Color, dash: [Double]? = nil) {
        setColor(color)
        cairo_set_line_width(cr, width)
        setDash(dash)
        cairo_stroke(cr)
        setDash(nil)
    }

    func line(_ a: Point, _ b: Point, width: Double, color: Color, dash: [Double]? = nil, roundCap: Bool = false) {
        cairo_move_to(cr, a.x, a.y)
        cairo_line_to(cr, b.x, b.y)
        if roundCap { cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND) }
        stroke(width: width, color: color, dash: dash)
        if roundCap { cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT) }
    }

    func polyline(_ points: [Point], width: Double, color: Color, dash: [Double]? = nil) {
        guard points.count >= 2 else { return }
        cairo_move_to(cr, points[0].x, points[0].y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        stroke(width: width, color: color, dash: dash)
    }

    func polygon(_ points: [Point], fill: Color?, stroke strokeColor: Color? = nil, width: Double = 0.5) {
        guard points.count >= 3 else { return }
        cairo_move_to(cr, points[0].x, points[0].y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        cairo_close_path(cr)
        paintPath(fill: fill, stroke: strokeColor, width: width)
    }

    func fill(_ rect: Rect, _ color: Color) {
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        setColor(color)
        cairo_fill(cr)
    }

    func rectangle(_ rect: Rect, fill: Color?, stroke strokeColor: Color?, width: Double = 0.8) {
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        paintPath(fill: fill, stroke: strokeColor, width: width)
    }

    func roundedRectangle(_ rect: Rect, radius: Double, fill: Color?, stroke strokeColor: Color?, width: Double = 0.6) {
        let r = min(radius, rect.width / 2, rect.height / 2)
        cairo_new_sub_path(cr)
        cairo_arc(cr, rect.maxX - r, rect.minY + r, r, -Double.pi / 2, 0)
        cairo_arc(cr, rect.maxX - r, rect.maxY - r, r, 0, Double.pi / 2)
        cairo_arc(cr, rect.minX + r, rect.maxY - r, r, Double.pi / 2, Double.pi)
        cairo_arc(cr, rect.minX + r, rect.minY + r, r, Double.pi, 3 * Double.pi / 2)
        cairo_close_path(cr)
        paintPath(fill: fill, stroke: strokeColor, width: width)
    }

    func circle(_ center: Point, radius: Double, fill: Color?, stroke strokeColor: Color? = nil, width: Double = 0.5) {
        cairo_new_sub_path(cr)
        cairo_arc(cr, center.x, center.y, radius, 0, 2 * Double.pi)
        paintPath(fill: fill, stroke: strokeColor, width: width)
    }

    /// A filled pie slice from angle `start` to `end` (radians, clockwise from east).
    func wedge(_ center: Point, radius: Double, start: Double, end: Double, fill: Color) {
        cairo_move_to(cr, center.x, center.y)
        cairo_arc(cr, center.x, center.y, radius, start, end)
        cairo_close_path(cr)
        paintPath(fill: fill, stroke: nil, width: 0)
    }

    /// A cubic Bézier curve.
    func curve(_ a: Point, _ c1: Point, _ c2: Point, _ b: Point, width: Double, color: Color, dash: [Double]? = nil) {
        cairo_move_to(cr, a.x, a.y)
        cairo_curve_to(cr, c1.x, c1.y, c2.x, c2.y, b.x, b.y)
        stroke(width: width, color: color, dash: dash)
    }

    private func paintPath(fill: Color?, stroke strokeColor: Color?, width: Double) {
        if let fill {
            setColor(fill)
            if strokeColor != nil { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
        }
        if let strokeColor {
            stroke(width: width, color: strokeColor)
        } else if fill == nil {
            cairo_new_path(cr)
        }
    }

    /// A marker of `size` points (its nominal diameter) centred on `center`.
    func marker(_ shape: MarkerShape, at center: Point, size: Double, fill: Color?, stroke strokeColor: Color?, width: Double = 0.6) {
        let r = size / 2
        let (x, y) = (center.x, center.y)
        switch shape {
        case .circle:
            circle(center, radius: r, fill: fill, stroke: strokeColor, width: width)
        case .square:
            let s = r * 0.886  // same area as the circle
            rectangle(Rect(x: x - s, y: y - s, width: 2 * s, height: 2 * s), fill: fill, stroke: strokeColor, width: width)
        case .diamond:
            let s = r * 1.15
            polygon([Point(x, y - s), Point(x + s * 0.8, y), Point(x, y + s), Point(x - s * 0.8, y)], fill: fill, stroke: strokeColor, width: width)
        case .triangleUp, .triangleDown:
            let s = r * 1.2
            let sign: Double = shape == .triangleUp ? 1 : -1
            polygon([Point(x, y - sign * s), Point(x + s * 0.95, y + sign * s * 0.65), Point(x - s * 0.95, y + sign * s * 0.65)], fill: fill, stroke: strokeColor, width: width)
        case .star:
            var points: [Point] = []
            let outer = r * 1.35, inner = outer * 0.45
            for k in 0..<10 {
                let angle = -Double.pi / 2 + Double(k) * Double.pi / 5
                let radius = k % 2 == 0 ? outer : inner
                points.append(Point(x + radius * cos(angle), y + radius * sin(angle)))
            }
            polygon(points, fill: fill, stroke: strokeColor, width: width)
        case .cross, .plus:
            let s = r * 0.9
            let color = strokeColor ?? fill ?? .black
            let w = max(width, size * 0.22)
            if shape == .cross {
                line(Point(x - s, y - s), Point(x + s, y + s), width: w, color: color, roundCap: true)
                line(Point(x - s, y + s), Point(x + s, y - s), width: w, color: color, roundCap: true)
            } else {
                line(Point(x - s, y), Point(x + s, y), width: w, color: color, roundCap: true)
                line(Point(x, y - s), Point(x, y + s), width: w, color: color, roundCap: true)
            }
        }
    }

    // MARK: Clipping

    func withClip<R>(_ rect: Rect, _ body: () throws -> R) rethrows -> R {
        cairo_save(cr)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(cr)
        defer { cairo_restore(cr) }
        return try body()
    }

    // MARK: Text

    private func selectFont(_ font: Font) {
        cairo_select_font_face(
            cr, "DejaVu Sans", font.italic ? CAIRO_FONT_SLANT_OBLIQUE : CAIRO_FONT_SLANT_NORMAL,
            font.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, font.size * fontScale)
    }

    private struct MeasureKey: Hashable {
        var text: String
        var font: Font
    }
    /// Layout asks for the same label sizes many times (tick fitting, margins).
    private var measured: [MeasureKey: TextSize] = [:]

    /// The laid-out size of one line of text.
    func measure(_ text: String, _ font: Font) -> TextSize {
        let key = MeasureKey(text: text, font: font)
        if let size = measured[key] { return size }
        let size = measureUncached(text, font)
        measured[key] = size
        return size
    }

    private func measureUncached(_ text: String, _ font: Font) -> TextSize {
        selectFont(font)
        var fontExtents = cairo_font_extents_t()
        cairo_font_extents(cr, &fontExtents)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        return TextSize(width: extents.x_advance, ascent: fontExtents.ascent * 0.86, descent: fontExtents.descent * 0.8)
    }

    /// The bounding box of `text` drawn by ``text(_:at:font:color:horizontal:vertical:angle:)``
    /// without rotation.
    func textBox(_ text: String, at p: Point, font: Font, horizontal: HorizontalAnchor, vertical: VerticalAnchor) -> Rect {
        let m = measure(text, font)
        let x0: Double
        switch horizontal {
        case .left: x0 = p.x
        case .center: x0 = p.x - m.width / 2
        case .right: x0 = p.x - m.width
        }
        let top: Double
        switch vertical {
        case .top: top = p.y
        case .middle: top = p.y - m.height / 2
        case .baseline: top = p.y - m.ascent
        case .bottom: top = p.y - m.height
        }
        return Rect(x: x0, y: top, width: m.width, height: m.height)
    }

    /// Draws one line of text anchored at `p`; `angle` rotates it (radians,
    /// counter-clockwise on screen) about the anchor.
    func text(
        _ text: String, at p: Point, font: Font, color: Color = .black, horizontal: HorizontalAnchor = .left,
        vertical: VerticalAnchor = .baseline, angle: Double = 0
    ) {
        guard !text.isEmpty else { return }
        let m = measure(text, font)
        let dx: Double
        switch horizontal {
        case .left: dx = 0
        case .center: dx = -m.width / 2
        case .right: dx = -m.width
        }
        let dy: Double
        switch vertical {
        case .top: dy = m.ascent
        case .middle: dy = (m.ascent - m.descent) / 2
        case .baseline: dy = 0
        case .bottom: dy = -m.descent
        }
        cairo_save(cr)
        cairo_translate(cr, p.x, p.y)
        if angle != 0 { cairo_rotate(cr, -angle) }
        cairo_move_to(cr, dx, dy)
        setColor(color)
        selectFont(font)  // measure() may answer from its cache without selecting it
        cairo_show_text(cr, text)
        cairo_restore(cr)
    }

    /// Text on a white rounded box, for labels over busy areas.
    func labelBox(_ text: String, at p: Point, font: Font, color: Color = .black, horizontal: HorizontalAnchor, vertical: VerticalAnchor, background: Color = Color.white.withAlpha(0.85)) -> Rect {
        let box = textBox(text, at: p, font: font, horizontal: horizontal, vertical: vertical).insetBy(-2, -1)
        roundedRectangle(box, radius: 2, fill: background, stroke: nil)
        self.text(text, at: p, font: font, color: color, horizontal: horizontal, vertical: vertical)
        return box
    }

    /// Shortens `text` with an ellipsis until it fits `width`.
    func fitted(_ text: String, _ font: Font, width: Double) -> String {
        if measure(text, font).width <= width { return text }
        var characters = Array(text)
        while characters.count > 1 {
            characters.removeLast()
            let candidate = String(characters) + "…"
            if measure(candidate, font).width <= width { return candidate }
        }
        return "…"
    }

    // MARK: Images

    /// Paints straight-alpha RGBA pixels (`width` × `height`) into `rect`, scaled
    /// with bilinear filtering when `smooth`, else nearest-neighbour.
    func image(rgba: [UInt8], width: Int, height: Int, in rect: Rect, smooth: Bool) {
        guard width > 0, height > 0, rgba.count == width * height * 4,
            let image = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        else { return }
        defer { cairo_surface_destroy(image) }
        cairo_surface_flush(image)
        guard let data = cairo_image_surface_get_data(image) else { return }
        let stride = Int(cairo_image_surface_get_stride(image))
        for row in 0..<height {
            let line = (data + row * stride).withMemoryRebound(to: UInt32.self, capacity: width) { $0 }
            for col in 0..<width {
                let i = (row * width + col) * 4
                let a = UInt32(rgba[i + 3])
                // Cairo wants premultiplied native-endian ARGB.
                let r = UInt32(rgba[i]) * a / 255, g = UInt32(rgba[i + 1]) * a / 255, b = UInt32(rgba[i + 2]) * a / 255
                line[col] = (a << 24) | (r << 16) | (g << 8) | b
            }
        }
        cairo_surface_mark_dirty(image)
        cairo_save(cr)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(cr)
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(width), rect.height / Double(height))
        cairo_set_source_surface(cr, image, 0, 0)
        if let pattern = cairo_get_source(cr) {
            cairo_pattern_set_filter(pattern, smooth ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_NEAREST)
            cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD)
        }
        cairo_paint(cr)
        cairo_restore(cr)
    }

    // MARK: Output

    /// The pixels as straight-alpha RGBA: Cairo stores native-endian premultiplied
    /// ARGB32, so each pixel is unpacked by shifts and un-premultiplied.
    func raster() throws(PlotError) -> Raster {
        cairo_surface_flush(surface)
        guard cairo_status(cr) == CAIRO_STATUS_SUCCESS else {
            throw PlotError.renderFailed(String(cString: cairo_status_to_string(cairo_status(cr))))
        }
        let width = size.pixelWidth, height = size.pixelHeight
        guard let data = cairo_image_surface_get_data(surface) else {
            throw PlotError.renderFailed("cairo surface has no pixel data")
        }
        let stride = Int(cairo_image_surface_get_stride(surface))
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        rgba.withUnsafeMutableBufferPointer { out in
            for row in 0..<height {
                let line = UnsafeRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
                var o = row * width * 4
                for col in 0..<width {
                    let argb = line[col]
                    let a = argb >> 24
                    var r = (argb >> 16) & 0xFF, g = (argb >> 8) & 0xFF, b = argb & 0xFF
                    if a != 255 && a != 0 {
                        // Round to nearest when undoing the premultiplication.
                        r = min(255, (r * 255 + a / 2) / a)
                        g = min(255, (g * 255 + a / 2) / a)
                        b = min(255, (b * 255 + a / 2) / a)
                    }
                    out[o] = UInt8(r)
                    out[o + 1] = UInt8(g)
                    out[o + 2] = UInt8(b)
                    out[o + 3] = UInt8(a)
                    o += 4
                }
            }
        }
        return try Raster(width: width, height: height, rgba: rgba)
    }
}

import Foundation

/// An sRGB colour with straight (not premultiplied) alpha, each channel in 0...1.
public struct Color: Sendable, Hashable {
    /// Red, 0...1.
    public var red: Double
    /// Green, 0...1.
    public var green: Double
    /// Blue, 0...1.
    public var blue: Double
    /// Opacity, 0 (transparent) ... 1 (opaque).
    public var alpha: Double

    /// A colour from channels in 0...1 (values outside are clamped when drawn).
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour from a 24-bit `0xRRGGBB` value.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(
            red: Double((hex >> 16) & 0xFF) / 255,
            green: Double((hex >> 8) & 0xFF) / 255,
            blue: Double(hex & 0xFF) / 255,
            alpha: alpha)
    }

    /// The same colour with another opacity.
    public func withAlpha(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Relative luminance (WCAG, linearised sRGB), 0 for black ... 1 for white.
    public var luminance: Double {
        func linear(_ c: Double) -> Double {
            c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// The colour mixed with white: `amount` 0 keeps it, 1 gives white.
    func lightened(_ amount: Double) -> Color {
        Color(
            red: red + (1 - red) * amount, green: green + (1 - green) * amount,
            blue: blue + (1 - blue) * amount, alpha: alpha)
    }

    /// Opaque black.
    public static let black = Color(red: 0, green: 0, blue: 0)
    /// Opaque white.
    public static let white = Color(red: 1, green: 1, blue: 1)
    /// A grey of the given lightness (0 black ... 1 white).
    public static func gray(_ level: Double, alpha: Double = 1) -> Color {
        Color(red: level, green: level, blue: level, alpha: alpha)
    }
}

/// A perceptually uniform sequential colour map, safe for the common colour-vision
/// deficiencies, for colouring points, surfaces and heat maps by a value.
public enum ColorMap: Sendable, Hashable, CaseIterable {
    /// Dark purple through blue and green to yellow (van der Walt & Smith, 2015).
    case viridis
    /// Dark blue through grey to yellow, designed to look the same with red-green
    /// colour blindness (Nuñez, Anderton & Renslow, 2018).
    case cividis

    /// The colour at `t` in 0...1 (clamped), interpolated linearly between the
    /// 256 table entries. A non-finite `t` gives mid grey, so missing data stands out.
    public func color(at t: Double) -> Color {
        guard t.isFinite else { return .gray(0.6) }
        let table = self == .viridis ? viridisTable : cividisTable
        let position = min(max(t, 0), 1) * 255
        let lower = min(Int(position), 254)
        let fraction = position - Double(lower)
        let a = Color(hex: table[lower])
        let b = Color(hex: table[lower + 1])
        return Color(
            red: a.red + (b.red - a.red) * fraction,
            green: a.green + (b.green - a.green) * fraction,
            blue: a.blue + (b.blue - a.blue) * fraction)
    }
}

/// Distinct colours for categories (series, clusters, islands).
public enum CategoricalPalette {
    /// The Okabe-Ito palette (Okabe & Ito, 2008), distinguishable with all common
    /// colour-vision deficiencies, in the order used for categories: blue, orange,
    /// bluish green, vermillion, reddish purple, sky blue, yellow, black. Yellow and
    /// black come last: yellow is faint on white and black is kept for annotations.
    public static let okabeIto: [Color] = [
        Color(hex: 0x0072B2), Color(hex: 0xE69F00), Color(hex: 0x009E73), Color(hex: 0xD55E00),
        Color(hex: 0xCC79A7), Color(hex: 0x56B4E9), Color(hex: 0xF0E442), Color(hex: 0x000000),
    ]

    /// The colour of category `index`; beyond the eight palette colours the cycle
    /// repeats with lighter tints, so every index still gets a colour.
    public static func color(_ index: Int) -> Color {
        color(index, from: okabeIto)
    }

    /// The Okabe-Ito colours without yellow, for figures that use yellow as their
    /// highlight (the network map's long-range halo).
    static let withoutYellow = okabeIto.filter { $0 != Color(hex: 0xF0E442) }

    static func color(_ index: Int, from palette: [Color]) -> Color {
        let count = palette.count
        let wrapped = ((index % count) + count) % count
        let round = max(index, 0) / count
        return round == 0 ? palette[wrapped] : palette[wrapped].lightened(min(0.25 * Double(round), 0.6))
    }
}

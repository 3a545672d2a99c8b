import Foundation

/// How the numbers of a quantity are written on axes, colour bars and legends.
///
/// All tick labels of one axis share one prefix and one number of decimals, chosen
/// from the tick step, so a reader compares like with like ("0.5 M$, 1.0 M$, 1.5 M$").
public enum NumberFormat: Sendable, Hashable {
    /// Plain decimals; digit groups above 10,000, powers of ten beyond 10^9 or below 10^-3.
    case plain
    /// Whole numbers only (counts, generations): ticks fall on integers.
    case integer
    /// An SI prefix (k, M, G, m, µ, …) before the quantity's unit: "3.2 MW", "450 kWh".
    case si
    /// Money with an SI multiplier before the currency symbol: `.currency("$")` writes
    /// 3,200,000 as "3.2 M$" and 450,000 as "450 k$". A unit is appended, so a unit
    /// of "/yr" gives "450 k$/yr".
    case currency(String)
    /// A duration given in minutes, written "45 min", or in hours ("2.5 h") once the
    /// axis reaches 120 minutes; hour ticks fall on 1-2-5 steps of hours.
    case minutes
    /// A share given as a fraction, written as a percentage: 0.2 -> "20%".
    case fractionAsPercent
    /// A value already in percent: 20 -> "20%".
    case percent
}

/// What a plotted number measures: its name, unit and how to write it.
public struct Quantity: Sendable, Hashable {
    /// Which direction of a quantity is preferable, shown next to its name.
    public enum Preference: Sendable, Hashable {
        /// Smaller values are better (costs, travel time).
        case lowerIsBetter
        /// Larger values are better (utility, restoration value).
        case higherIsBetter
    }

    /// The name shown on axes, e.g. "Investment cost".
    public var name: String
    /// The unit, e.g. "veh·h", "kW"; appended after the symbol by `.currency`
    /// ("/yr"), ignored by `.minutes` and the percent formats, which carry their own.
    public var unit: String
    /// How values are written.
    public var format: NumberFormat
    /// Which direction is better, if any; shown as an arrow after the name.
    public var preference: Preference?

    /// A quantity with a name, unit, number format and optional preferred direction.
    public init(name: String, unit: String = "", format: NumberFormat = .plain, preference: Preference? = nil) {
        self.name = name
        self.unit = unit
        self.format = format
        self.preference = preference
    }
}

/// Where the unit of an axis goes.
enum UnitPlacement {
    /// After every tick label: "3.2 M$". Reads best on roomy axes.
    case ticks
    /// Once, in the axis title: "Investment cost [M$]" with ticks "3.2". Saves room.
    case axisTitle
}

/// The labels of one axis and the title that goes with them.
struct AxisLabels {
    /// One label per tick, in tick order.
    var ticks: [String]
    /// The axis title (name, unit when not in the ticks, preference arrow).
    var title: String
}

enum Formatting {
    static let minus = "\u{2212}"

    /// The factor ticks are chosen in: values are divided by it before the 1-2-5 step
    /// search (hours for long `.minutes` axes), so steps are nice in the shown unit.
    static func tickUnit(_ format: NumberFormat, maxMagnitude: Double) -> Double {
        if case .minutes = format, maxMagnitude >= 120 { return 60 }
        return 1
    }

    /// Labels for linear ticks `values` that step by `step`.
    static func labels(for quantity: Quantity, ticks values: [Double], step: Double, placement: UnitPlacement) -> AxisLabels {
        let maxMagnitude = values.map { abs($0) }.max() ?? 0
        let scaling = Formatting.scaling(quantity, maxMagnitude: maxMagnitude)
        let scaledStep = step / scaling.divisor
        var decimals = decimalsForStep(scaledStep)
        if case .integer = quantity.format { decimals = 0 }
        let labels = values.map { value -> String in
            number(value / scaling.divisor, decimals: decimals, plainStyle: scaling.plainStyle)
        }
        return assemble(quantity, numbers: labels, unit: scaling.unit, placement: placement)
    }

    /// Labels for logarithmic ticks: each label carries its own decimals.
    static func logLabels(for quantity: Quantity, ticks values: [Double], placement: UnitPlacement) -> AxisLabels {
        if placement == .axisTitle {
            // One shared unit needs one shared prefix: use the largest tick's.
            let maxMagnitude = values.map { abs($0) }.max() ?? 0
            let scaling = Formatting.scaling(quantity, maxMagnitude: maxMagnitude)
            let numbers = values.map { v -> String in
                let scaled = v / scaling.divisor
                return number(scaled, decimals: decimalsForStep(abs(scaled)), plainStyle: scaling.plainStyle)
            }
            return assemble(quantity, numbers: numbers, unit: scaling.unit, placement: placement)
        }
        var labels: [String] = []
        for v in values {
            let scaling = Formatting.scaling(quantity, maxMagnitude: abs(v))
            let scaled = v / scaling.divisor
            let text = number(scaled, decimals: decimalsForStep(abs(scaled)), plainStyle: scaling.plainStyle)
            labels.append(withUnit(text, scaling.unit))
        }
        return AxisLabels(ticks: labels, title: title(quantity, unit: nil))
    }

    /// One value written on its own (legends, annotations), with 3 significant digits.
    static func single(_ value: Double, _ quantity: Quantity) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "\(minus)∞") }
        let scaling = Formatting.scaling(quantity, maxMagnitude: abs(value))
        let scaled = value / scaling.divisor
        var decimals = 0
        if scaled != 0 {
            let magnitude = Int(floor(log10(abs(scaled))))
            decimals = max(0, 2 - magnitude)
        }
        if case .integer = quantity.format { decimals = 0 }
        var text = number(scaled, decimals: decimals, plainStyle: scaling.plainStyle)
        if decimals > 0, text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return withUnit(text, scaling.unit)
    }

    /// The axis title for a quantity, with `unit` in brackets when it is not in the ticks.
    static func title(_ quantity: Quantity, unit: String?) -> String {
        var text = quantity.name
        if let unit, !unit.isEmpty { text += " [\(unit)]" }
        switch quantity.preference {
        // A no-break space keeps the arrow on the line of the word before it.
        case .lowerIsBetter?: text += "\u{00A0}\u{2193}"
        case .higherIsBetter?: text += "\u{00A0}\u{2191}"
        case nil: break
        }
        return text
    }

    // MARK: - Internals

    struct Scaling {
        var divisor: Double
        var unit: String
        var plainStyle: Bool
    }

    static func scaling(_ quantity: Quantity, maxMagnitude: Double) -> Scaling {
        switch quantity.format {
        case .plain, .integer:
            return Scaling(divisor: 1, unit: quantity.unit, plainStyle: true)
        case .si:
            let (factor, prefix) = siPrefix(maxMagnitude)
            return Scaling(divisor: factor, unit: prefix + quantity.unit, plainStyle: false)
        case .currency(let symbol):
            let (factor, prefix) = siPrefix(maxMagnitude, smallest: 0)
            return Scaling(divisor: factor, unit: prefix + symbol + quantity.unit, plainStyle: false)
        case .minutes:
            return maxMagnitude >= 120
                ? Scaling(divisor: 60, unit: "h", plainStyle: false)
                : Scaling(divisor: 1, unit: "min", plainStyle: false)
        case .fractionAsPercent:
            return Scaling(divisor: 0.01, unit: "%", plainStyle: false)
        case .percent:
            return Scaling(divisor: 1, unit: "%", plainStyle: false)
        }
    }

    /// The engineering prefix for a magnitude: the power of 1000 at or below it.
    /// `smallest` bounds the exponent from below (money is never shown in m$).
    static func siPrefix(_ magnitude: Double, smallest: Int = -4) -> (Double, String) {
        let prefixes = ["p", "n", "µ", "m", "", "k", "M", "G", "T"]
        guard magnitude.isFinite, magnitude > 0 else { return (1, "") }
        // A tiny tolerance keeps 999.9999999 (from 1e3 * 0.9999…) in the right group.
        var group = Int(floor(log10(magnitude * (1 + 1e-9)) / 3))
        group = min(max(group, max(smallest, -4)), 4)
        return (pow(1000, Double(group)), prefixes[group + 4])
    }

    /// Decimals needed to write multiples of `step` exactly: one for 0.5 or 1.5, two
    /// for 0.25, none for 20.
    static func decimalsForStep(_ step: Double) -> Int {
        guard step.isFinite, step > 0 else { return 0 }
        var decimals = max(0, min(9, -Int(floor(log10(step) + 1e-9))))
        while decimals < 9 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) <= 1e-6 * max(1, scaled) { break }
            decimals += 1
        }
        return decimals
    }

    static func withUnit(_ number: String, _ unit: String) -> String {
        if unit.isEmpty { return number }
        return unit == "%" ? number + "%" : number + " " + unit
    }

    static func assemble(_ quantity: Quantity, numbers: [String], unit: String, placement: UnitPlacement) -> AxisLabels {
        switch placement {
        case .ticks:
            let unitInTicks: Bool
            switch quantity.format {
            case .plain, .integer: unitInTicks = false
            default: unitInTicks = true
            }
            let labels = unitInTicks ? numbers.map { withUnit($0, unit) } : numbers
            return AxisLabels(ticks: labels, title: title(quantity, unit: unitInTicks ? nil : unit))
        case .axisTitle:
            return AxisLabels(ticks: numbers, title: title(quantity, unit: unit))
        }
    }

    /// `value` with `decimals` decimals, a true minus sign, no "-0", digit groups
    /// from 10,000 and powers of ten for extreme plain values.
    static func number(_ value: Double, decimals: Int, plainStyle: Bool) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "\(minus)∞") }
        let magnitude = abs(value)
        if plainStyle, magnitude != 0, magnitude >= 1e9 || magnitude < 1e-3 {
            return scientific(value)
        }
        var text = String(format: "%.\(decimals)f", magnitude)
        if text.allSatisfy({ $0 == "0" || $0 == "." }) { return text }  // rounds to zero: no sign
        if magnitude >= 10_000 { text = grouped(text) }
        return value < 0 ? minus + text : text
    }

    /// "1.5×10⁻⁴": the mantissa with up to 3 significant digits.
    static func scientific(_ value: Double) -> String {
        let exponent = Int(floor(log10(abs(value))))
        var mantissa = String(format: "%.2f", abs(value) / pow(10, Double(exponent)))
        while mantissa.hasSuffix("0") { mantissa.removeLast() }
        if mantissa.hasSuffix(".") { mantissa.removeLast() }
        let superscripts: [Character: Character] = [
            "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻",
        ]
        let power = String(String(exponent).map { superscripts[$0] ?? $0 })
        let body = mantissa == "1" ? "10" + power : mantissa + "×10" + power
        return value < 0 ? minus + body : body
    }

    /// Inserts thousands separators into the integer part of a decimal string.
    static func grouped(_ text: String) -> String {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = Array(parts[0])
        var out: [Character] = []
        for (i, c) in integer.enumerated() {
            if i > 0, (integer.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return parts.count > 1 ? String(out) + "." + parts[1] : String(out)
    }
}

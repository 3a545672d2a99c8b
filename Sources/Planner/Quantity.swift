import InputParsing

/// The physical dimension of a case parameter, which fixes the units it accepts.
///
/// A parameter may be written as a bare number in its canonical unit (the first unit
/// listed) or as a string with a unit, e.g. `"163000 USD"`, `"0.163 MUSD"`, `"100 km"`.
public enum Dimension: String, Sendable, CaseIterable {
    case money, length, time, power, reactivePower, apparentPower, energy, flow, voltage
    case fraction, count, plain, moneyPerApparentPower, moneyPerEnergy, moneyPerLength, perYear
    case speed, depth

    /// Accepted unit spellings with their factor to the canonical unit.
    var units: [(name: String, factor: Double)] {
        switch self {
        case .money: return [("USD", 1), ("$", 1), ("kUSD", 1e3), ("MUSD", 1e6), ("M$", 1e6), ("k$", 1e3)]
        case .length: return [("km", 1), ("m", 1e-3), ("mi", 1.609344)]
        case .time: return [("h", 1), ("min", 1.0 / 60)]
        case .power: return [("kW", 1), ("MW", 1e3), ("W", 1e-3)]
        case .reactivePower: return [("kVAr", 1), ("kvar", 1), ("MVAr", 1e3), ("Mvar", 1e3)]
        case .apparentPower: return [("kVA", 1), ("MVA", 1e3)]
        case .energy: return [("kWh", 1), ("MWh", 1e3)]
        case .flow: return [("veh/h", 1)]
        case .voltage: return [("pu", 1)]
        case .fraction: return [("", 1), ("%", 0.01)]
        case .count: return [("", 1)]
        case .plain: return [("", 1)]
        case .moneyPerApparentPower: return [("USD/kVA", 1), ("$/kVA", 1), ("USD/MVA", 1e-3)]
        case .moneyPerEnergy: return [("USD/kWh", 1), ("$/kWh", 1), ("USD/MWh", 1e-3)]
        case .moneyPerLength: return [("USD/km", 1), ("$/km", 1), ("MUSD/km", 1e6)]
        case .perYear: return [("1/yr", 1), ("/yr", 1), ("per year", 1)]
        case .speed: return [("m/s", 1), ("km/h", 1 / 3.6)]
        case .depth: return [("m", 1), ("cm", 0.01)]
        }
    }

    /// The canonical unit, used for bare numbers and when writing.
    public var canonicalUnit: String { units[0].name }

    /// Parses `"<number> <unit>"` (or a bare number string) into the canonical unit.
    func parse(_ text: String, file: String, line: Int?, field: String) throws(InputError) -> Double {
        let trimmed = String(text.trimmingSpaces())
        // Split the leading number from the unit text.
        var numberEnd = trimmed.startIndex
        for index in trimmed.indices {
            let c = trimmed[index]
            if c.isNumber || c == "." || c == "-" || c == "+" || c == "e" || c == "E" {
                numberEnd = trimmed.index(after: index)
            } else {
                break
            }
        }
        // "e" may start a unit only when no digits follow; back off such a tail.
        while numberEnd > trimmed.startIndex,
            Double(trimmed[trimmed.startIndex..<numberEnd]) == nil
        {
            numberEnd = trimmed.index(before: numberEnd)
        }
        guard let value = Double(trimmed[trimmed.startIndex..<numberEnd]), value.isFinite else {
            throw InputError(file: file, line: line, field: field, "expected a number with a unit, found \"\(trimmed)\"")
        }
        let unit = String(trimmed[numberEnd...].trimmingSpaces())
        guard let match = units.first(where: { $0.name == unit }) else {
            let accepted = units.map { $0.name.isEmpty ? "(none)" : $0.name }.joined(separator: ", ")
            throw InputError(
                file: file, line: line, field: field,
                "unknown unit \"\(unit)\" for a \(rawValue) quantity; expected one of: \(accepted)")
        }
        return value * match.factor
    }
}

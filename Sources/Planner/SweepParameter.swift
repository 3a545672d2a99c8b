import Foundation
import InputParsing

/// A named case parameter a sweep may vary, and how a value of it changes a loaded case.
///
/// "Growth" parameters are relative to the case as loaded: `demand_growth = 0.1` scales the
/// case's demand by 1.1, whatever `demand_scale` the manifest already sets. The others set
/// an absolute value in the parameter's canonical unit (docs/sweep.md lists them all).
public struct SweepParameter: Sendable, Equatable {
    /// The name used on the command line and in `sweep.csv`, e.g. `demand_growth`.
    public let name: String
    /// What the parameter changes, for help texts and docs.
    public let summary: String
    /// The values accepted (closed range).
    public let range: ClosedRange<Double>
    /// Whether only whole numbers are accepted.
    public let isInteger: Bool
    private let change: @Sendable (inout PlannerCase, Double) -> Void

    init(
        _ name: String, _ summary: String, range: ClosedRange<Double>, isInteger: Bool = false,
        change: @escaping @Sendable (inout PlannerCase, Double) -> Void
    ) {
        self.name = name
        self.summary = summary
        self.range = range
        self.isInteger = isInteger
        self.change = change
    }

    public static func == (a: SweepParameter, b: SweepParameter) -> Bool { a.name == b.name }

    /// Checks a value against the parameter's range (and integrality).
    public func validate(_ value: Double, source: String = "--param") throws(InputError) {
        guard value.isFinite, range.contains(value) else {
            throw InputError(
                file: source, field: name,
                "value \(value) is out of range; expected \(range.lowerBound) to \(range.upperBound)")
        }
        if isInteger, value.rounded() != value {
            throw InputError(file: source, field: name, "expected a whole number, found \(value)")
        }
    }

    /// The case with this parameter set to `value` (validated first).
    public func apply(_ value: Double, to plannerCase: PlannerCase) throws(InputError) -> PlannerCase {
        try validate(value)
        var changed = plannerCase
        change(&changed, value)
        return changed
    }

    /// Every parameter a sweep knows, in documentation order.
    public static let all: [SweepParameter] = [
        SweepParameter(
            "demand_growth", "scales every OD demand by 1 + g (seed 003 Figs 4-6)", range: -0.9...10
        ) { c, g in c.parameters.demandScale *= 1 + g },
        SweepParameter("demand_scale", "sets the multiplier on the trips table", range: 0.01...100) { c, v in
            c.parameters.demandScale = v
        },
        SweepParameter(
            "station_cost_growth", "scales the station and charging-spot unit costs by 1 + g (seed 003 Figs 4-6)",
            range: -1...10
        ) { c, g in
            c.parameters.stationCostUSD *= 1 + g
            c.parameters.spotCostUSD *= 1 + g
        },
        SweepParameter("lane_cost_growth", "scales every new-lane (road) cost by 1 + g", range: -1...10) { c, g in
            c.laneCostUSD = c.laneCostUSD.map { $0 * (1 + g) }
            c.parameters.laneCostScale *= 1 + g
        },
        SweepParameter(
            "line_cost_growth", "scales the cost of a reinforced distribution line by 1 + g", range: -1...10
        ) { c, g in c.parameters.lineCostUSD *= 1 + g },
        SweepParameter(
            "substation_cost_growth", "scales the substation expansion cost per kVA by 1 + g", range: -1...10
        ) { c, g in c.parameters.substationExpansionCostUSDPerKVA *= 1 + g },
        SweepParameter(
            "cost_growth",
            "scales every investment unit cost (stations, spots, lanes, lines, substation) by 1 + g (seed 003 Fig 7)",
            range: -1...10
        ) { c, g in
            c.parameters.stationCostUSD *= 1 + g
            c.parameters.spotCostUSD *= 1 + g
            c.laneCostUSD = c.laneCostUSD.map { $0 * (1 + g) }
            c.parameters.laneCostScale *= 1 + g
            c.parameters.lineCostUSD *= 1 + g
            c.parameters.substationExpansionCostUSDPerKVA *= 1 + g
        },
        SweepParameter(
            "coverage_growth",
            "scales the coverage share P by 1 + g, capped at 1 (seed 003 Fig 7)", range: -1...10
        ) { c, g in c.parameters.coverageShare = min(1, c.parameters.coverageShare * (1 + g)) },
        SweepParameter("coverage_share", "sets the coverage share P (0-1)", range: 0...1) { c, v in
            c.parameters.coverageShare = v
        },
        SweepParameter("ev_share", "sets the share of demand driving EVs (0-1)", range: 0...1) { c, v in
            c.parameters.evShare = v
        },
        SweepParameter("ev_range", "sets the EV driving range, km", range: 1...10_000) { c, v in
            c.parameters.evRangeKm = v
        },
        SweepParameter("budget", "sets the investment budget B, USD", range: 0...1e15) { c, v in
            c.parameters.budgetUSD = v
        },
        SweepParameter("budget_growth", "scales the investment budget B by 1 + g", range: -1...100) { c, g in
            c.parameters.budgetUSD *= 1 + g
        },
        SweepParameter("charging_share", "sets eta, the share of passing EV flow that charges (0-1)", range: 0...1) {
            c, v in c.parameters.chargingShare = v
        },
        SweepParameter("power_per_spot", "sets the rated power per charging spot, kW", range: 0...1e5) { c, v in
            c.parameters.powerPerSpotKW = v
        },
        SweepParameter(
            "max_stations_per_cluster", "sets M, the most stations inside one cluster", range: 0...100_000,
            isInteger: true
        ) { c, v in c.parameters.maxStationsPerCluster = Int(v) },
        SweepParameter(
            "max_long_range_stations", "sets N, the most stations on long-range links", range: 0...100_000,
            isInteger: true
        ) { c, v in c.parameters.maxStationsOnLongRangeLinks = Int(v) },
        SweepParameter("storms_per_year", "sets N_H, storms per year", range: 0...10_000) { c, v in
            c.parameters.stormsPerYear = v
        },
        SweepParameter("voll", "sets the price of a VOLL-weighted kWh served, USD", range: 0...1e6) { c, v in
            c.parameters.vollUSDPerWeightedKWh = v
        },
    ]

    /// The parameter with this name, or an error listing the known names.
    public static func named(_ name: String, source: String = "--param") throws(InputError) -> SweepParameter {
        guard let found = all.first(where: { $0.name == name }) else {
            throw InputError(
                file: source, field: name,
                "unknown sweep parameter; known: \(all.map(\.name).joined(separator: ", "))")
        }
        return found
    }
}

/// One swept parameter with its values, from `name=start:stop:step` or `name=a,b,c`.
public struct SweepAxis: Sendable, Equatable {
    public var parameter: SweepParameter
    /// The values in the order given (grids ascend or descend from start to stop).
    public var values: [Double]

    /// An axis with explicit values (each validated; no duplicates); errors name `source`.
    public init(parameter: SweepParameter, values: [Double], source: String = "--param") throws(InputError) {
        guard !values.isEmpty else { throw InputError(file: source, field: parameter.name, "expected at least one value") }
        for value in values { try parameter.validate(value, source: source) }
        guard Set(values).count == values.count else {
            throw InputError(file: source, field: parameter.name, "a value is listed twice")
        }
        self.parameter = parameter
        self.values = values
    }

    /// The most points one grid may have (a guard against a mistyped step).
    public static let maxGridPoints = 10_000

    /// Parses `name=start:stop:step` (stop included when the steps reach it within
    /// 1e-9 of a step) or `name=v1,v2,...`; errors name `source`, the option it came from.
    public init(parsing text: String, source: String = "--param") throws(InputError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw InputError(file: source, field: text, "expected name=start:stop:step or name=v1,v2,...")
        }
        let name = text[..<equals].trimmingCharacters(in: .whitespaces)
        let spec = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        let parameter = try SweepParameter.named(name, source: source)
        func number(_ s: Substring) throws(InputError) -> Double {
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            guard let value = Double(trimmed), value.isFinite else {
                throw InputError(file: source, field: name, "expected a number, found \"\(trimmed)\"")
            }
            return value
        }
        if spec.contains(":") {
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3 else {
                throw InputError(file: source, field: name, "expected start:stop:step, found \"\(spec)\"")
            }
            let start = try number(parts[0]), stop = try number(parts[1]), step = try number(parts[2])
            guard step > 0 else { throw InputError(file: source, field: name, "the step must be positive, found \(step)") }
            let span = abs(stop - start) / step
            guard span < Double(Self.maxGridPoints) else {
                throw InputError(file: source, field: name, "the grid would have more than \(Self.maxGridPoints) points")
            }
            let count = Int((span + 1e-9).rounded(.down)) + 1
            let direction = stop >= start ? 1.0 : -1.0
            // start + i·step, rounded to 12 significant decimals so 0.1 + 0.05·3 prints as 0.25.
            let values = (0..<count).map { i in Self.tidy(start + direction * Double(i) * step) }
            try self.init(parameter: parameter, values: values, source: source)
        } else {
            let parts = spec.split(separator: ",", omittingEmptySubsequences: false)
            var values: [Double] = []
            for part in parts { values.append(try number(part)) }
            try self.init(parameter: parameter, values: values, source: source)
        }
    }

    /// Removes the last-bit noise of a computed grid value (keeps 12 significant digits).
    static func tidy(_ value: Double) -> Double {
        guard value != 0 else { return 0 }
        let text = String(format: "%.12g", value)
        return Double(text) ?? value
    }
}

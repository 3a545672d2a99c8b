import Foundation
import Plotting

/// A quantity of a sweep record that can be drawn as a surface over two swept parameters.
public struct SweepQuantity: Sendable {
    /// The name used by `--surface` and in file names.
    public let name: String
    public let quantity: Quantity
    let value: @Sendable (SweepRecord) -> Double?

    /// Every quantity, in documentation order. The first four are seed 003 Figs 4-7.
    public static let all: [SweepQuantity] = [
        SweepQuantity(
            name: "road_lane_usd", quantity: Quantity(name: "Road/lane investment", format: .currency("$")),
            value: { $0.knee?.costs.lanesUSD }),
        SweepQuantity(
            name: "station_investment_usd", quantity: Quantity(name: "Charging-station investment", format: .currency("$")),
            value: { $0.knee.map { $0.costs.stationsUSD + $0.costs.spotsUSD } }),
        SweepQuantity(
            name: "distribution_line_usd", quantity: Quantity(name: "Distribution-line investment", format: .currency("$")),
            value: { $0.knee?.costs.linesUSD }),
        SweepQuantity(
            name: "avg_charging_distance_km",
            quantity: Quantity(name: "Average charging-service distance", unit: "km", format: .plain),
            value: { $0.knee?.averageDistanceToStationKm }),
        SweepQuantity(
            name: "substation_usd", quantity: Quantity(name: "Substation investment", format: .currency("$")),
            value: { $0.knee?.costs.substationUSD }),
        SweepQuantity(
            name: "investment_usd", quantity: Quantity(name: "Knee-plan investment", format: .currency("$")),
            value: { $0.knee?.objectives.investmentUSD }),
        SweepQuantity(
            name: "travel_time_veh_min", quantity: Quantity(name: "Knee-plan travel time", unit: "veh·min", format: .si),
            value: { $0.knee?.objectives.travelTimeVehMin }),
        SweepQuantity(
            name: "utility_z2", quantity: Quantity(name: "Knee-plan utility Z2", format: .plain),
            value: { $0.knee?.objectives.utilityZ2 }),
        SweepQuantity(
            name: "restoration_usd_per_year",
            quantity: Quantity(name: "Knee-plan restoration value", unit: "/yr", format: .currency("$")),
            value: { $0.knee?.objectives.restorationUSDPerYear }),
        SweepQuantity(
            name: "front_size", quantity: Quantity(name: "Pareto front size", format: .plain), value: { Double($0.frontSize) }),
    ]

    /// The seed 003 figure quantities drawn by default for a two-parameter sweep.
    public static let figures: [SweepQuantity] = Array(all.prefix(4))

    /// The quantity with this name, or an error listing the known names.
    public static func named(_ name: String) throws -> SweepQuantity {
        guard let found = all.first(where: { $0.name == name }) else {
            throw PlannerError.missingInput(
                "--surface: unknown quantity \"\(name)\"; known: \(all.map(\.name).joined(separator: ", "))")
        }
        return found
    }
}

extension SweepStore {
    /// The surface of `quantity` averaged over seeds, over the sweep's two parameters
    /// (axis values sorted ascending; NaN where no seed gave a value).
    public func surface(_ quantity: SweepQuantity) throws -> GridSurface {
        let axes = definition.axes
        guard axes.count == 2 else {
            throw PlannerError.missingInput("surfaces need exactly two swept parameters; this sweep has \(axes.count)")
        }
        let xs = axes[0].values.sorted(), ys = axes[1].values.sorted()
        var sums = [[Double]](repeating: [Double](repeating: 0, count: xs.count), count: ys.count)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: xs.count), count: ys.count)
        for record in records() {
            guard let value = quantity.value(record), value.isFinite,
                let i = xs.firstIndex(of: record.values[0]), let j = ys.firstIndex(of: record.values[1])
            else { continue }
            sums[j][i] += value
            counts[j][i] += 1
        }
        var values: [[Double]] = sums
        for j in ys.indices {
            for i in xs.indices {
                values[j][i] = counts[j][i] > 0 ? sums[j][i] / Double(counts[j][i]) : Double.nan
            }
        }
        func axisQuantity(_ name: String) -> Quantity {
            let words = name.replacingOccurrences(of: "_", with: " ")
            let title = words.prefix(1).uppercased() + words.dropFirst()
            return Quantity(name: title, format: name.hasSuffix("_growth") ? .fractionAsPercent : .plain)
        }
        return GridSurface(
            title: "\(quantity.quantity.name) (knee plan, mean of \(definition.seeds.count) seed\(definition.seeds.count == 1 ? "" : "s"))",
            x: axisQuantity(axes[0].name), y: axisQuantity(axes[1].name), z: quantity.quantity, xValues: xs, yValues: ys,
            values: values)
    }

    /// Writes `<quantity>-surface.png` (3D) and `<quantity>-heatmap.png` for each quantity
    /// into `plotsDirectory`; returns the paths written.
    public func writeSurfaces(_ quantities: [SweepQuantity], to plotsDirectory: String, command: String) throws -> [String] {
        guard definition.axes.allSatisfy({ $0.values.count >= 2 }) else {
            throw PlannerError.missingInput("surfaces need at least two values on each swept parameter")
        }
        try FileManager.default.createDirectory(atPath: plotsDirectory, withIntermediateDirectories: true)
        let metadata = [
            PNGTextEntry(key: "Sweep", value: definition.axes.map { "\($0.name)=\($0.values.map { "\($0)" }.joined(separator: ","))" }
                .joined(separator: " ")),
            PNGTextEntry(key: "Seed", value: definition.seeds.map(String.init).joined(separator: ", ")),
            PNGTextEntry(key: "Case fingerprint", value: definition.caseFingerprint),
            PNGTextEntry(key: "Command", value: command),
            PNGTextEntry(key: "Software", value: "planner (EVChargingPlanner)"),
        ]
        var written: [String] = []
        for quantity in quantities {
            let surface = try surface(quantity)
            guard surface.values.joined().contains(where: \.isFinite) else { continue }
            let base = plotsDirectory + "/" + quantity.name
            try Plot.surface3D(surface).writePNG(to: base + "-surface.png", metadata: metadata)
            try Plot.heatMap(surface).writePNG(to: base + "-heatmap.png", metadata: metadata)
            written += [base + "-surface.png", base + "-heatmap.png"]
        }
        return written
    }
}

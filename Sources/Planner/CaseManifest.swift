import Foundation
import InputParsing
import Restoration

/// Where the planner's local clusters come from.
public enum ClusterAssignment: Sendable, Equatable {
    /// Louvain community detection on the flow-weighted network (deterministic).
    case louvain
    /// A CSV table `node,cluster` next to the manifest.
    case file(String)
}

/// Every scalar parameter of a case, in canonical units (named in each property).
///
/// Defaults are seed 003 Table II where it gives a value; the rest are the built-in
/// case's documented assumptions (docs/case-format.md).
public struct CaseParameters: Sendable, Equatable {
    // Traffic.
    /// Multiplier on the trips table (1 = as given; 1.4 = 40 % demand growth).
    public var demandScale: Double = 1
    /// Share of every OD demand that drives an EV (0-1).
    public var evShare: Double = 0.2
    /// Multiplier on the road-upgrade table's lane costs.
    public var laneCostScale: Double = 1
    /// Upper bound on new lanes per directed link (seed 003: 10).
    public var maxNewLanesPerLink: Int = 10
    /// omega: USD per veh·min of hourly travel time in the NdP objective (seed 003: 10^4).
    public var travelTimeValueOmega: Double = 10_000
    /// Penalty per veh/h of unserved demand in the NdP LP, USD.
    public var unservedDemandPenaltyUSD: Double = 1e8

    // EVs.
    /// Driving range on a full battery, km (seed 003: 100).
    public var evRangeKm: Double = 100
    /// State of charge at the origin (seed 003: 0.5).
    public var socOrigin: Double = 0.5
    /// Minimum state of charge at the destination (seed 003: 0.5).
    public var socDestination: Double = 0.5

    // Stations.
    /// Cost of a new station, USD (seed 003: 163,000).
    public var stationCostUSD: Double = 163_000
    /// Cost of one charging spot, USD (seed 003: 3,160).
    public var spotCostUSD: Double = 3_160
    /// Maximum spots per station (seed 003: 200).
    public var maxSpotsPerStation: Int = 200
    /// Service capacity per spot in g(y) = a·y + b, veh/h (seed 003: a = 3).
    public var servicePerSpotVehPerH: Double = 3
    /// Base service capacity in g(y), veh/h (seed 003: b = 4).
    public var serviceBaseVehPerH: Double = 4
    /// eta: share of the EV flow through a station link that charges there (0-1].
    public var chargingShare: Double = 0.1
    /// Rated power per spot, kW.
    public var powerPerSpotKW: Double = 22
    /// Share of spots drawing rated power at the feeder peak (0-1].
    public var simultaneity: Double = 0.5
    /// Power factor of station load (0-1].
    public var powerFactor: Double = 0.95

    // Feeder.
    /// Substation (source) voltage, pu.
    public var sourceVoltagePU: Double = 1.05
    /// Lower voltage limit, pu.
    public var minVoltagePU: Double = 0.95
    /// Upper voltage limit, pu.
    public var maxVoltagePU: Double = 1.05
    /// Existing substation capacity, kVA.
    public var substationCapacityKVA: Double = 5_000
    /// Substation expansion cost, USD per kVA (seed 003: 5,000).
    public var substationExpansionCostUSDPerKVA: Double = 5_000
    /// Cost of one reinforced (parallel) distribution line, USD.
    public var lineCostUSD: Double = 500_000

    // Planning constraints.
    /// Investment budget B, USD.
    public var budgetUSD: Double = 30e6
    /// Cluster source for the small-world model.
    public var clusters: ClusterAssignment = .louvain
    /// M: maximum stations inside one cluster.
    public var maxStationsPerCluster: Int = 6
    /// N: maximum stations on long-range (inter-cluster) links.
    public var maxStationsOnLongRangeLinks: Int = 10
    /// P: the clusters holding a station must carry at least this share of the local
    /// clusters' total traffic density (0-1).
    public var coverageShare: Double = 0.5
    /// w_D: weight of the normalised traffic density in a cluster's utility U_c.
    public var densityWeight: Double = 0.5
    /// w_kappa: weight of the cluster connectivity kappa in U_c.
    public var connectivityWeight: Double = 0.5
    /// w_F: weight of the normalised inter-cluster flow in a long-range link's utility U_l.
    public var flowWeight: Double = 1
    /// lambda: scale of Z2.
    public var utilityScale: Double = 1
    /// theta_D: a cluster may hold stations only when its density reaches this, veh/h per km².
    public var densityThreshold: Double = 0
    /// A long-range link may hold a station only when its flow reaches this, veh/h.
    public var flowThreshold: Double = 0

    // Restoration.
    /// N_H: storms per year.
    public var stormsPerYear: Double = 2
    /// USD per VOLL-weighted kWh served.
    public var vollUSDPerWeightedKWh: Double = 5
    /// Whether tie switches may close during restoration.
    public var tiesSwitchable: Bool = true
    /// Continuous (fractional) load pickup instead of all-or-nothing per bus and hour.
    public var continuousPickup: Bool = false
    /// The storm model of `planner scenarios generate` (fragility curves, wind and flood
    /// distributions); the documented defaults of ``StormHazard`` unless the manifest's
    /// `restoration.hazard` sets them.
    public var hazard = StormHazard()
    /// The fleet parked at every built station.
    public var fleet = FleetSpec(
        vehiclesPerStation: 4, powerPerVehicleKW: 250, energyPerVehicleKWh: 600, usableShare: 0.8,
        maxReactivePowerKVAr: 500, dischargeEfficiency: 1)

    public init() {}
}

/// The manifest of a case: its name, the tables it names (paths relative to the
/// manifest) and its parameters.
public struct CaseManifest: Sendable, Equatable {
    public var name: String
    public var description: String
    public var networkFile: String
    public var tripsFile: String
    public var nodesFile: String?
    public var roadUpgradesFile: String?
    public var candidatesFile: String
    public var matpowerFile: String
    public var generatorsFile: String
    public var profilesFile: String
    public var loadClassesFile: String
    public var busClassesFile: String
    public var scenariosFile: String
    public var parameters: CaseParameters

    /// The format tag this reader understands.
    public static let formatTag = "ev-planner-case/1"

    /// Parses manifest JSON; `file` names it in errors.
    public init(text: String, file: String) throws(InputError) {
        var root = try ManifestObject(text: text, file: file)
        let format = try root.string("format")
        guard format == CaseManifest.formatTag else {
            throw root.error("format", "unsupported format \"\(format)\"; expected \"\(CaseManifest.formatTag)\"")
        }
        name = try root.string("name")
        description = try root.optionalString("description") ?? ""
        var p = CaseParameters()

        var traffic = try root.object("traffic")
        networkFile = try traffic.string("network")
        tripsFile = try traffic.string("trips")
        nodesFile = try traffic.optionalString("nodes")
        roadUpgradesFile = try traffic.optionalString("road_upgrades")
        p.demandScale = try traffic.quantity("demand_scale", .plain, default: p.demandScale, in: 0...100)
        p.evShare = try traffic.quantity("ev_share", .fraction, default: p.evShare, in: 0...1)
        p.laneCostScale = try traffic.quantity("lane_cost_scale", .plain, default: p.laneCostScale, in: 0...1e6)
        p.maxNewLanesPerLink = try traffic.integer("max_new_lanes_per_link", default: p.maxNewLanesPerLink, in: 0...100)
        p.travelTimeValueOmega = try traffic.quantity(
            "travel_time_value_omega", .plain, default: p.travelTimeValueOmega, in: 0...1e12)
        p.unservedDemandPenaltyUSD = try traffic.quantity(
            "unserved_demand_penalty", .money, default: p.unservedDemandPenaltyUSD, in: 0...1e15)
        try traffic.rejectUnknownKeys()

        var ev = try root.object("ev")
        p.evRangeKm = try ev.quantity("range", .length, default: p.evRangeKm, in: 1...10_000)
        p.socOrigin = try ev.quantity("soc_origin", .fraction, default: p.socOrigin, in: 0...1)
        p.socDestination = try ev.quantity("soc_destination", .fraction, default: p.socDestination, in: 0...1)
        try ev.rejectUnknownKeys()

        var stations = try root.object("stations")
        candidatesFile = try stations.string("candidates")
        p.stationCostUSD = try stations.quantity("station_cost", .money, default: p.stationCostUSD, in: 0...1e12)
        p.spotCostUSD = try stations.quantity("spot_cost", .money, default: p.spotCostUSD, in: 0...1e12)
        p.maxSpotsPerStation = try stations.integer("max_spots_per_station", default: p.maxSpotsPerStation, in: 1...100_000)
        p.servicePerSpotVehPerH = try stations.quantity("service_per_spot", .flow, default: p.servicePerSpotVehPerH, in: 1e-9...1e6)
        p.serviceBaseVehPerH = try stations.quantity("service_base", .flow, default: p.serviceBaseVehPerH, in: 0...1e6)
        p.chargingShare = try stations.quantity("charging_share", .fraction, default: p.chargingShare, in: 0...1)
        p.powerPerSpotKW = try stations.quantity("power_per_spot", .power, default: p.powerPerSpotKW, in: 0...1e5)
        p.simultaneity = try stations.quantity("simultaneity", .fraction, default: p.simultaneity, in: 0...1)
        p.powerFactor = try stations.quantity("power_factor", .fraction, default: p.powerFactor, in: 0.01...1)
        try stations.rejectUnknownKeys()

        var feeder = try root.object("feeder")
        matpowerFile = try feeder.string("matpower")
        p.sourceVoltagePU = try feeder.quantity("source_voltage", .voltage, default: p.sourceVoltagePU, in: 0.5...1.5)
        p.minVoltagePU = try feeder.quantity("v_min", .voltage, default: p.minVoltagePU, in: 0.5...1.5)
        p.maxVoltagePU = try feeder.quantity("v_max", .voltage, default: p.maxVoltagePU, in: 0.5...1.5)
        guard p.minVoltagePU < p.maxVoltagePU else {
            throw feeder.error("v_min", "v_min \(p.minVoltagePU) must be below v_max \(p.maxVoltagePU)")
        }
        p.substationCapacityKVA = try feeder.quantity(
            "substation_capacity", .apparentPower, default: p.substationCapacityKVA, in: 0...1e9)
        p.substationExpansionCostUSDPerKVA = try feeder.quantity(
            "substation_expansion_cost", .moneyPerApparentPower, default: p.substationExpansionCostUSDPerKVA, in: 0...1e9)
        p.lineCostUSD = try feeder.quantity("line_cost", .money, default: p.lineCostUSD, in: 0...1e12)
        try feeder.rejectUnknownKeys()

        var planning = try root.object("planning")
        p.budgetUSD = try planning.quantity("budget", .money, default: p.budgetUSD, in: 0...1e15)
        let clusters = try planning.optionalString("clusters") ?? "louvain"
        p.clusters = clusters == "louvain" ? .louvain : .file(clusters)
        p.maxStationsPerCluster = try planning.integer("max_stations_per_cluster", default: p.maxStationsPerCluster, in: 0...100_000)
        p.maxStationsOnLongRangeLinks = try planning.integer(
            "max_stations_on_long_range_links", default: p.maxStationsOnLongRangeLinks, in: 0...100_000)
        p.coverageShare = try planning.quantity("coverage_share", .fraction, default: p.coverageShare, in: 0...1)
        p.densityWeight = try planning.quantity("density_weight", .plain, default: p.densityWeight, in: 0...1e6)
        p.connectivityWeight = try planning.quantity("connectivity_weight", .plain, default: p.connectivityWeight, in: 0...1e6)
        p.flowWeight = try planning.quantity("flow_weight", .plain, default: p.flowWeight, in: 0...1e6)
        p.utilityScale = try planning.quantity("utility_scale", .plain, default: p.utilityScale, in: 0...1e12)
        p.densityThreshold = try planning.quantity("density_threshold", .plain, default: p.densityThreshold, in: 0...1e12)
        p.flowThreshold = try planning.quantity("flow_threshold", .flow, default: p.flowThreshold, in: 0...1e12)
        try planning.rejectUnknownKeys()

        var restoration = try root.object("restoration")
        generatorsFile = try restoration.string("generators")
        profilesFile = try restoration.string("profiles")
        loadClassesFile = try restoration.string("load_classes")
        busClassesFile = try restoration.string("bus_classes")
        scenariosFile = try restoration.string("scenarios")
        p.stormsPerYear = try restoration.quantity("storms_per_year", .perYear, default: p.stormsPerYear, in: 0...1e4)
        p.vollUSDPerWeightedKWh = try restoration.quantity("voll", .moneyPerEnergy, default: p.vollUSDPerWeightedKWh, in: 0...1e6)
        p.tiesSwitchable = try restoration.bool("ties_switchable", default: p.tiesSwitchable)
        p.continuousPickup = try restoration.bool("continuous_pickup", default: p.continuousPickup)
        if var fleet = try restoration.optionalObject("fleet") {
            p.fleet.vehiclesPerStation = try fleet.integer("vehicles_per_station", default: p.fleet.vehiclesPerStation, in: 0...10_000)
            p.fleet.powerPerVehicleKW = try fleet.quantity("power_per_vehicle", .power, default: p.fleet.powerPerVehicleKW, in: 0...1e5)
            p.fleet.energyPerVehicleKWh = try fleet.quantity(
                "energy_per_vehicle", .energy, default: p.fleet.energyPerVehicleKWh, in: 0...1e6)
            p.fleet.usableShare = try fleet.quantity("usable_share", .fraction, default: p.fleet.usableShare, in: 0...1)
            p.fleet.maxReactivePowerKVAr = try fleet.quantity(
                "reactive_limit", .reactivePower, default: p.fleet.maxReactivePowerKVAr, in: 0...1e6)
            p.fleet.dischargeEfficiency = try fleet.quantity(
                "discharge_efficiency", .fraction, default: p.fleet.dischargeEfficiency, in: 0.01...1)
            try fleet.rejectUnknownKeys()
        }
        if var hazard = try restoration.optionalObject("hazard") {
            p.hazard = try Self.readHazard(&hazard, defaults: p.hazard)
        }
        try restoration.rejectUnknownKeys()
        try root.rejectUnknownKeys()
        parameters = p
    }

    /// `restoration.hazard`: every key optional, defaults from ``StormHazard``. Fragility
    /// curves are given by their median failure intensity and log standard deviation.
    private static func readHazard(_ o: inout ManifestObject, defaults: StormHazard) throws(InputError) -> StormHazard {
        var h = defaults
        h.windScale = try o.quantity("wind_scale", .speed, default: h.windScale, in: 0.1...200)
        h.windShape = try o.quantity("wind_shape", .plain, default: h.windShape, in: 0.1...100)
        if var c = try o.optionalObject("conductor") { h.conductor = try readCurve(&c, .speed, defaults: h.conductor) }
        if var c = try o.optionalObject("tower") { h.tower = try readCurve(&c, .speed, defaults: h.tower) }
        h.towersPerBranch = try o.integer("towers_per_branch", default: h.towersPerBranch, in: 0...10_000)
        h.tiesExposed = try o.bool("ties_exposed", default: h.tiesExposed)
        let floodMedian = try o.quantity("flood_median", .depth, default: exp(h.floodLogMean), in: 1e-6...100)
        h.floodLogMean = log(floodMedian)
        h.floodLogStandardDeviation = try o.quantity("flood_log_sd", .plain, default: h.floodLogStandardDeviation, in: 0...10)
        h.floodLocalLogStandardDeviation = try o.quantity(
            "flood_local_log_sd", .plain, default: h.floodLocalLogStandardDeviation, in: 0...10)
        if var c = try o.optionalObject("bus") { h.bus = try readCurve(&c, .depth, defaults: h.bus) }
        h.startHour = try o.integer("start_hour", default: h.startHour, in: 0...23)
        h.durationHours = try o.integer("duration_hours", default: h.durationHours, in: 1...168)
        try o.rejectUnknownKeys()
        return h
    }

    private static func readCurve(_ o: inout ManifestObject, _ intensity: Dimension, defaults: FragilityCurve) throws(InputError)
        -> FragilityCurve
    {
        var c = defaults
        c.baseline = try o.quantity("baseline", .fraction, default: c.baseline, in: 0...1)
        c.critical = try o.quantity("critical", intensity, default: c.critical, in: 1e-9...1e6)
        c.maximum = try o.quantity("maximum", intensity, default: c.maximum, in: 1e-9...1e6)
        c.logMean = log(try o.quantity("median", intensity, default: exp(c.logMean), in: 1e-9...1e6))
        c.logStandardDeviation = try o.quantity("log_sd", .plain, default: c.logStandardDeviation, in: 1e-6...10)
        try o.rejectUnknownKeys()
        guard c.maximum > c.critical else {
            throw InputError(file: o.file, field: o.path + ".maximum", "expected maximum above critical (\(c.critical))")
        }
        return c
    }
}

/// Everything the planner knows about one plan: objectives, costs item by item, traffic,
/// grid, utility and restoration details, and named constraint violations, so a planner
/// can read why a plan scores as it does.
public struct PlanEvaluation: Sendable, Codable, Equatable {
    /// One built station.
    public struct Station: Sendable, Codable, Equatable {
        /// Candidate site number (from the candidates table).
        public var site: Int
        /// Road end nodes (1-based, as in the case files).
        public var fromNode: Int
        public var toNode: Int
        /// Feeder bus the station connects to.
        public var bus: Int
        /// Charging spots (integer, rounded up from the LP).
        public var spots: Int
        /// EV flow through the station's road, veh/h (both directions).
        public var evFlowVehPerH: Double
        /// Peak load on the feeder, kW.
        public var loadKW: Double
    }

    /// The four objectives in their natural sense and units.
    public struct Objectives: Sendable, Codable, Equatable {
        /// Total user-equilibrium travel time Σ (t0 + π) x, veh·min per design hour (minimise).
        public var travelTimeVehMin: Double
        /// The same monetised with omega, USD (minimise).
        public var travelTimeCostUSD: Double
        /// Small-world utility Z2 (maximise).
        public var utilityZ2: Double
        /// Investment: stations + spots + lanes + substation expansion + lines, USD (minimise).
        public var investmentUSD: Double
        /// Restoration value, USD per year (maximise); nil when the case's restoration
        /// was not evaluated.
        public var restorationUSDPerYear: Double?
    }

    /// Investment cost by item, USD.
    public struct Costs: Sendable, Codable, Equatable {
        public var stationsUSD: Double
        public var spotsUSD: Double
        public var lanesUSD: Double
        public var substationUSD: Double
        public var linesUSD: Double
        public var totalUSD: Double { stationsUSD + spotsUSD + lanesUSD + substationUSD + linesUSD }
    }

    /// Lanes added on one directed link.
    public struct LaneAddition: Sendable, Codable, Equatable {
        public var fromNode: Int
        public var toNode: Int
        public var lanes: Int
    }

    /// Traffic results of the NdP LP.
    public struct Traffic: Sendable, Codable, Equatable {
        /// Σ t0 x, veh·min per hour (system-optimal time of the LP flows).
        public var systemTimeVehMin: Double
        /// Σ (t0 + π) x, veh·min per hour (user-equilibrium time, seed 003 eq 2).
        public var equilibriumTimeVehMin: Double
        public var lanes: [LaneAddition]
        public var unservedEVVehPerH: Double
        public var unservedConventionalVehPerH: Double
        /// EV OD pairs with no range-feasible route under this plan.
        public var evPairsWithoutRoute: Int
        /// Largest relative Wardrop gap of the used routes under t0 + π.
        public var wardropGap: Double
    }

    /// Feeder results.
    public struct Grid: Sendable, Codable, Equatable {
        public var stationLoadKW: Double
        public var substationLoadKVA: Double?
        public var substationExpansionKVA: Double
        /// Reinforced branches as "from-to xN".
        public var reinforcements: [String]
        public var minVoltageBeforePU: Double?
        public var minVoltageAfterPU: Double?
        /// Whether the reinforcement rule met every limit.
        public var feasible: Bool
    }

    /// Small-world utility parts.
    public struct Utility: Sendable, Codable, Equatable {
        public var z2: Double
        public var clusterStations: Int
        public var longRangeStations: Int
        public var clustersServed: Int
        public var coveredDensityShare: Double
        /// Demand-weighted average distance from a node to its nearest station along the
        /// roads, km (seed 003 Fig. 7); nil without stations.
        public var averageDistanceToStationKm: Double?
    }

    /// Restoration value of one fault scenario.
    public struct ScenarioValue: Sendable, Codable, Equatable {
        public var scenario: String
        public var probability: Double
        /// VOLL-weighted kWh served over the outage with the plan's fleets.
        public var servedWithPlan: Double
        /// The same with no fleets.
        public var servedWithout: Double
        /// storms/yr × p × (with − without) × VOLL price, USD per year.
        public var valueUSDPerYear: Double
    }

    /// Named constraint violations; all zero for a feasible plan.
    public struct Violations: Sendable, Codable, Equatable {
        /// Investment above the budget, USD.
        public var budgetExcessUSD: Double
        /// Stations on intra-cluster links above M.
        public var clusterStationExcess: Int
        /// Stations on long-range links above N.
        public var longRangeStationExcess: Int
        /// Stations in clusters below the density threshold.
        public var sparseClusterStations: Int
        /// Stations on long-range links below the flow threshold.
        public var weakLinkStations: Int
        /// Share of local-cluster density missing to reach the coverage share P.
        public var coverageShortfall: Double
        /// EV demand the plan cannot serve, veh/h.
        public var unservedEVVehPerH: Double
        /// Feeder limits the reinforcement rule could not meet (count).
        public var gridLimitViolations: Int

        /// Whether every constraint holds.
        public var isFeasible: Bool {
            budgetExcessUSD <= 0 && Self.smallWorldFeasible(
                clusterStationExcess: clusterStationExcess, longRangeStationExcess: longRangeStationExcess,
                sparseClusterStations: sparseClusterStations, weakLinkStations: weakLinkStations,
                coverageShortfall: coverageShortfall)
                && unservedEVVehPerH <= 1e-6 && gridLimitViolations == 0
        }

        /// The small-world part of feasibility, which depends on the station set alone
        /// (so enumeration can test it before the traffic LP). The coverage share is a
        /// sum of density shares: 1e-12 absorbs its rounding.
        static func smallWorldFeasible(
            clusterStationExcess: Int, longRangeStationExcess: Int, sparseClusterStations: Int, weakLinkStations: Int,
            coverageShortfall: Double
        ) -> Bool {
            clusterStationExcess == 0 && longRangeStationExcess == 0 && sparseClusterStations == 0
                && weakLinkStations == 0 && coverageShortfall <= 1e-12
        }

        /// The names of the violated constraints.
        public var names: [String] {
            var result: [String] = []
            if budgetExcessUSD > 0 { result.append("budget") }
            if clusterStationExcess > 0 { result.append("cluster_cap") }
            if longRangeStationExcess > 0 { result.append("long_range_cap") }
            if sparseClusterStations > 0 { result.append("sparse_cluster") }
            if weakLinkStations > 0 { result.append("weak_link") }
            if coverageShortfall > 1e-12 { result.append("coverage") }
            if unservedEVVehPerH > 1e-6 { result.append("unserved_ev") }
            if gridLimitViolations > 0 { result.append("grid_limits") }
            return result
        }
    }

    public var plan: String
    public var stations: [Station]
    public var objectives: Objectives
    public var costs: Costs
    public var traffic: Traffic
    public var grid: Grid
    public var utility: Utility
    public var restoration: [ScenarioValue]
    public var violations: Violations

    public var isFeasible: Bool { violations.isFeasible }
}

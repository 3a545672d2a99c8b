/// The NdP (Nesterov–de Palma) capacitated assignment of seed 003, eqs. 1-24, as a linear program.
///
/// ## Model
/// Two vehicle classes share the road capacity: conventional vehicles may take any
/// loopless route; EVs only routes that are range-feasible for the built stations
/// (``EVRangeModel``). The LP, over the full set of loopless routes, is
///
///     minimise  ω Σ_a t0_a x_a + Σ_a q3_a n_a + Σ_s q2_s y_s + M Σ_{od,class} u_od
///     s.t.      Σ_{r ∈ R_od} f_r + u_od = q_od                    (per OD and class; dual λ)
///               Σ_{r ∋ a} f_r − Δc_a n_a ≤ c_a                    (per arc; dual −π_a)
///               η Σ_{EV r through site s} f_r − g1 y_s ≤ g0       (per built site; dual −σ_s)
///               0 ≤ n_a ≤ n_max_a,  0 ≤ y_s ≤ ȳ_s s_s,  f, u ≥ 0
///
/// with x_a = Σ_{r ∋ a} f_r. Units: flows in veh/h, times in minutes, so Σ t0 x is in
/// veh·min per hour of demand. **ω is money per (veh·min/h)**: the value, over the
/// planning horizon, of one vehicle-minute saved in every design hour. Seed 003's
/// ω = 10^4 USD matches e.g. 0.25 USD/veh·min × 40,000 design hours (2,000 h/year over
/// 20 years); it makes a one-off lane cost and a recurring delay comparable. q3 and q2
/// are money per lane and per spot, M is money per veh/h of unserved demand.
///
/// The solver works in minutes (it divides every cost by ω), so the duals read directly:
/// π_a ≥ 0 is the delay (min) that makes the system optimum a user equilibrium (eq. 2:
/// UE link time t0 + π), σ_s ≥ 0 the queueing delay (min per unit of η-weighted EV flow)
/// at a full station, and λ_od the UE travel time of the OD pair.
public struct NdPProblem: Sendable {
    /// The road network (capacities c, free-flow times t0, lengths for the range logic).
    public var network: TrafficNetwork
    /// Conventional-vehicle demand (veh/h).
    public var conventionalDemand: Demand
    /// EV demand (veh/h).
    public var evDemand: Demand
    /// Candidate station sites: each lists the arcs whose midpoint it serves (a road's
    /// two directions, typically). An arc belongs to at most one site.
    public var sites: [[Int]]
    /// Costs, limits and the range model.
    public var parameters: NdPParameters

    /// A problem; `parameters` arrays must match the network's arcs and the sites.
    public init(
        network: TrafficNetwork, conventionalDemand: Demand, evDemand: Demand, sites: [[Int]],
        parameters: NdPParameters
    ) {
        self.network = network
        self.conventionalDemand = conventionalDemand
        self.evDemand = evDemand
        self.sites = sites
        self.parameters = parameters
    }

    /// A problem with all demand in one class and no stations (the classical NdP LP).
    public init(network: TrafficNetwork, demand: Demand, parameters: NdPParameters) {
        self.init(
            network: network, conventionalDemand: demand, evDemand: Demand(zoneCount: demand.zoneCount),
            sites: [], parameters: parameters)
    }

    /// Splits `demand` into an EV share and the rest.
    public static func splitDemand(_ demand: Demand, evShare: Double) -> (conventional: Demand, ev: Demand) {
        precondition((0...1).contains(evShare), "EV share must be in 0...1")
        return (demand.scaled(by: 1 - evShare), demand.scaled(by: evShare))
    }

    /// Checks sizes and ranges; every ``NdPSolver`` calls it.
    public func validate() throws(TrafficModelError) {
        let arcs = network.linkCount
        let p = parameters
        guard conventionalDemand.zoneCount == network.zoneCount else {
            throw .zoneCountMismatch(network: network.zoneCount, demand: conventionalDemand.zoneCount)
        }
        guard evDemand.zoneCount == network.zoneCount else {
            throw .zoneCountMismatch(network: network.zoneCount, demand: evDemand.zoneCount)
        }
        func check(_ condition: Bool, _ message: String) throws(TrafficModelError) {
            if !condition { throw .invalidArgument(message) }
        }
        try check(p.travelTimeValue > 0 && p.travelTimeValue.isFinite, "omega must be finite and > 0")
        try check(p.unservedPenalty > 0 && p.unservedPenalty.isFinite, "the unserved-demand penalty must be finite and > 0")
        for (name, values) in [("lane cost", p.laneCost), ("lane capacity", p.laneCapacity), ("maximum lanes", p.maxLanes)] {
            try check(values.count == arcs, "expected one \(name) per arc (\(arcs)), found \(values.count)")
            try check(values.allSatisfy { $0 >= 0 && $0.isFinite }, "every \(name) must be finite and >= 0")
        }
        try check(p.spotCost.count == sites.count, "expected one spot cost per site (\(sites.count)), found \(p.spotCost.count)")
        try check(p.maxSpots.count == sites.count, "expected one spot limit per site (\(sites.count)), found \(p.maxSpots.count)")
        try check(p.spotCost.allSatisfy { $0 >= 0 && $0.isFinite }, "spot costs must be finite and >= 0")
        try check(p.maxSpots.allSatisfy { $0 >= 0 && $0.isFinite }, "spot limits must be finite and >= 0")
        try check(p.servicePerSpot >= 0 && p.serviceBase >= 0, "station service g(y) = a y + b needs a, b >= 0")
        try check(p.chargingShare > 0 && p.chargingShare <= 1, "the charging share eta must be in (0, 1]")
        var owner = [Int](repeating: -1, count: arcs)
        for (site, siteArcs) in sites.enumerated() {
            try check(!siteArcs.isEmpty, "site \(site + 1) has no arcs")
            for arc in siteArcs {
                try check((0..<arcs).contains(arc), "site \(site + 1): arc \(arc) is not in the network")
                try check(owner[arc] < 0, "arc \(arc) belongs to sites \(owner[arc] + 1) and \(site + 1)")
                owner[arc] = site
            }
        }
    }
}

/// Costs, limits and EV parameters of the NdP LP. Money amounts share one unit (e.g. USD).
public struct NdPParameters: Sendable, Equatable {
    /// ω: money per (veh·min/h) of travel time (seed 003: 10^4 USD); see ``NdPProblem``.
    public var travelTimeValue: Double
    /// M: money per veh/h of unserved demand, either class. It must exceed ω times any
    /// route time a planner would accept, or the LP leaves demand unserved on purpose;
    /// ``NdPSolver`` rejects a penalty below ω × the longest free-flow OD time.
    public var unservedPenalty: Double
    /// q3 per arc: money per added lane.
    public var laneCost: [Double]
    /// Δc per arc: capacity added per lane (veh/h).
    public var laneCapacity: [Double]
    /// n_max per arc (0 = no lanes may be added).
    public var maxLanes: [Double]
    /// q2 per site: money per charging spot.
    public var spotCost: [Double]
    /// ȳ per site: maximum spots.
    public var maxSpots: [Double]
    /// g(y) = servicePerSpot × y + serviceBase, veh/h (seed 003: 3y + 4).
    public var servicePerSpot: Double
    /// See ``servicePerSpot``.
    public var serviceBase: Double
    /// η: the share of the EV flow through a station link that the service constraint counts.
    public var chargingShare: Double
    /// EV range and SOC limits.
    public var range: EVRangeModel

    /// Parameters for `linkCount` arcs and `siteCount` sites: no lanes, seed 003's
    /// station values (spot 3,160, ȳ = 200, g = 3y + 4, η = 1), ω = 10^4 and
    /// M = ω × 10^4 min per veh/h.
    public init(linkCount: Int, siteCount: Int) {
        travelTimeValue = 10_000
        unservedPenalty = 10_000 * 10_000
        laneCost = [Double](repeating: 0, count: linkCount)
        laneCapacity = [Double](repeating: 0, count: linkCount)
        maxLanes = [Double](repeating: 0, count: linkCount)
        spotCost = [Double](repeating: 3_160, count: siteCount)
        maxSpots = [Double](repeating: 200, count: siteCount)
        servicePerSpot = 3
        serviceBase = 4
        chargingShare = 1
        range = EVRangeModel()
    }
}

/// One used route of the NdP solution.
public struct NdPRouteFlow: Sendable, Equatable {
    /// Vehicle class.
    public var isEV: Bool
    /// Origin zone (0-based).
    public var origin: Int
    /// Destination zone (0-based).
    public var destination: Int
    /// Arcs in travel order.
    public var arcs: [Int]
    /// Flow (veh/h).
    public var flow: Double
    /// UE cost of the route: Σ (t0 + π) plus, for EVs, η σ at each station passed (min).
    public var cost: Double
}

/// Travel time and unserved demand of one OD pair and class.
public struct NdPODResult: Sendable, Equatable {
    /// Vehicle class.
    public var isEV: Bool
    /// Origin zone (0-based).
    public var origin: Int
    /// Destination zone (0-based).
    public var destination: Int
    /// Demand (veh/h).
    public var demand: Double
    /// Unserved demand (veh/h).
    public var unserved: Double
    /// UE travel time λ (min); equals M/ω when some demand is unserved.
    public var travelTime: Double
    /// Cheapest route cost under the UE link times (for EVs: range-feasible, with station
    /// delays); `.infinity` when no feasible route exists.
    public var shortestRouteCost: Double
}

/// The solution of the NdP LP for one station plan.
public struct NdPSolution: Sendable {
    /// How the optimum of a plan was found (all three are exact; they differ in cost).
    public enum Method: String, Sendable {
        /// Proven from the reference solution's duals without any LP.
        case certificate
        /// A small LP over the demand rows the certificate could not settle, checked
        /// against every row.
        case restrictedLP
        /// The full master LP by column generation.
        case masterLP
    }

    /// Objective in money: ω Σ t0 x + Σ q3 n + Σ q2 y + M Σ u (LP values, not rounded).
    public var objective: Double
    /// Conventional flow per arc (veh/h).
    public var conventionalFlow: [Double]
    /// EV flow per arc (veh/h).
    public var evFlow: [Double]
    /// π per arc (min), >= 0.
    public var delay: [Double]
    /// σ per site (min per unit of η-weighted EV flow), 0 where no station is built.
    public var stationDelay: [Double]
    /// Lanes per arc from the LP (fractional).
    public var lanes: [Double]
    /// Lanes per arc rounded up.
    public var integerLanes: [Int]
    /// Spots per site from the LP (fractional).
    public var spots: [Double]
    /// Spots per site rounded up.
    public var integerSpots: [Int]
    /// Whether the rounded-up lanes and spots still satisfy every capacity and service row.
    public var integerPlanFeasible: Bool
    /// EV flow through each site's arcs (veh/h); the station serves η times this.
    public var evFlowThroughSite: [Double]
    /// SO travel time Σ t0 x (veh·min/h).
    public var systemTravelTime: Double
    /// UE travel time Σ (t0 + π) x (veh·min/h), seed 003 eq. 2.
    public var equilibriumTravelTime: Double
    /// Total EV queueing delay at stations Σ_s σ_s η (EV flow through s) (veh·min/h).
    public var stationQueueingTime: Double
    /// Money cost of lanes at the LP values and rounded up.
    public var laneCost: Double
    /// See ``laneCost``.
    public var integerLaneCost: Double
    /// Money cost of spots at the LP values and rounded up.
    public var spotCost: Double
    /// See ``spotCost``.
    public var integerSpotCost: Double
    /// Unserved conventional demand (veh/h).
    public var unservedConventional: Double
    /// Unserved EV demand (veh/h).
    public var unservedEV: Double
    /// EV OD pairs with demand but no range-feasible route for this plan.
    public var evPairsWithoutRoute: Int
    /// Relative Wardrop gap Σ f (c − c_min) / Σ f c over the used routes, c_min from a
    /// shortest-path search over the whole network (range-constrained for EVs).
    public var wardropGap: Double
    /// Column-generation rounds of this solve (master re-solves; 0 unless ``method`` is `.masterLP`).
    public var rounds: Int
    /// Simplex iterations of this solve, over all rounds (where the LP backend reports them).
    public var simplexIterations: Int
    /// Columns (routes) in the master after this solve.
    public var columnCount: Int
    /// How this plan's optimum was found.
    public var method: Method
    /// Per OD and class results (filled when the solve asks for detail).
    public var odResults: [NdPODResult]
    /// Used routes (filled when the solve asks for detail).
    public var routes: [NdPRouteFlow]

    /// Total unserved demand (veh/h).
    public var unserved: Double { unservedConventional + unservedEV }
    /// Total flow per arc (veh/h).
    public var totalFlow: [Double] { zip(conventionalFlow, evFlow).map { $0 + $1 } }
}

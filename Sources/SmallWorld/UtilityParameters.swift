/// Weights, thresholds and caps of the small-world utility Z2 and its constraints
/// (seed 003 eqs 37, 39-42, 44). Units follow the caller's flows and coordinates; the
/// defaults (no thresholds, no caps, no coverage requirement) switch every constraint off.
public struct UtilityParameters: Hashable, Sendable {
    /// w_D: weight of the normalised traffic density in U_c.
    public var densityWeight: Double
    /// w_kappa: weight of the connectivity kappa (already in [0, 1]) in U_c.
    public var connectivityWeight: Double
    /// w_F: weight of the normalised long-range link flow in U_l.
    public var flowWeight: Double
    /// lambda: the overall scale of Z2 (eq 44).
    public var lambda: Double
    /// theta_D: a cluster is a *local cluster* (may hold stations, counts for coverage)
    /// when D(c) >= theta_D. In flow per unit area (e.g. veh/h per km^2).
    public var densityThreshold: Double
    /// A long-range link may hold a station only when its flow x_l >= this (eq 40), in flow units.
    public var flowThreshold: Double
    /// M: at most this many stations on intra-cluster links (eq 41); nil = no cap.
    public var maxClusterStations: Int?
    /// N: at most this many stations on long-range links (eq 42); nil = no cap.
    public var maxLongRangeStations: Int?
    /// P in [0, 1]: the clusters holding a station must carry at least this share of the
    /// total density of the local clusters (eq 37).
    public var coverageShare: Double
    /// D_ref: the density that maps to 1 in U_c; nil = the largest D(c) of the model.
    /// Fix it when models built from different flows must be compared on one scale.
    public var densityScale: Double?
    /// F_ref: the flow that maps to 1 in U_l; nil = the largest long-range flow of the model.
    public var flowScale: Double?

    /// Parameters with the documented defaults: w_D = w_kappa = 0.5, w_F = 1, lambda = 1,
    /// thresholds 0, no caps, P = 0, scales from the model itself.
    public init(densityWeight: Double = 0.5, connectivityWeight: Double = 0.5, flowWeight: Double = 1,
                lambda: Double = 1, densityThreshold: Double = 0, flowThreshold: Double = 0,
                maxClusterStations: Int? = nil, maxLongRangeStations: Int? = nil, coverageShare: Double = 0,
                densityScale: Double? = nil, flowScale: Double? = nil) {
        self.densityWeight = densityWeight
        self.connectivityWeight = connectivityWeight
        self.flowWeight = flowWeight
        self.lambda = lambda
        self.densityThreshold = densityThreshold
        self.flowThreshold = flowThreshold
        self.maxClusterStations = maxClusterStations
        self.maxLongRangeStations = maxLongRangeStations
        self.coverageShare = coverageShare
        self.densityScale = densityScale
        self.flowScale = flowScale
    }

    /// Throws `invalidParameter` for a value outside its domain.
    public func validate() throws {
        func check(_ name: String, _ value: Double, _ ok: Bool, _ expected: String) throws {
            if !ok { throw SmallWorldError.invalidParameter(name: name, value: "\(value)", expected: expected) }
        }
        for (name, value) in [("densityWeight", densityWeight), ("connectivityWeight", connectivityWeight),
                              ("flowWeight", flowWeight), ("lambda", lambda),
                              ("densityThreshold", densityThreshold), ("flowThreshold", flowThreshold)] {
            try check(name, value, value.isFinite && value >= 0, "a finite number >= 0")
        }
        try check("coverageShare", coverageShare, (0...1).contains(coverageShare), "a share in [0, 1]")
        if let densityScale { try check("densityScale", densityScale, densityScale.isFinite && densityScale > 0, "a positive number") }
        if let flowScale { try check("flowScale", flowScale, flowScale.isFinite && flowScale > 0, "a positive number") }
        for (name, cap) in [("maxClusterStations", maxClusterStations), ("maxLongRangeStations", maxLongRangeStations)] {
            if let cap, cap < 0 { throw SmallWorldError.invalidParameter(name: name, value: "\(cap)", expected: ">= 0") }
        }
    }
}

/// The headline counts of a case, as `planner validate` prints them.
public struct CaseSummary: Sendable, Equatable, Codable {
    public var name: String
    public var nodes: Int
    public var zones: Int
    public var directedLinks: Int
    /// OD pairs with positive demand between distinct zones.
    public var odPairs: Int
    /// Total demand between distinct zones, veh/h, before `demand_scale`.
    public var totalDemandVehPerH: Double
    public var candidateSites: Int
    public var buses: Int
    public var branches: Int
    public var ties: Int
    public var totalLoadKW: Double
    public var totalLoadKVAr: Double
    public var generators: Int
    public var scenarios: Int
    public var fingerprint: String

    /// Human-readable lines.
    public var lines: [String] {
        [
            "case \(name)  (sha256 \(fingerprint.prefix(16)))",
            "traffic   \(nodes) nodes (\(zones) zones), \(directedLinks) directed links, "
                + "\(odPairs) OD pairs, total demand \(formatted(totalDemandVehPerH, 1)) veh/h",
            "stations  \(candidateSites) candidate sites",
            "feeder    \(buses) buses, \(branches) branches of which \(ties) ties, "
                + "total load \(formatted(totalLoadKW, 0)) kW / \(formatted(totalLoadKVAr, 0)) kVAr",
            "resilience \(generators) DGs, \(scenarios) fault scenarios",
        ]
    }
}

extension PlannerCase {
    /// The case's headline counts.
    public var summary: CaseSummary {
        let pairs = demand.pairs.filter { $0.volume > 0 }
        return CaseSummary(
            name: manifest.name, nodes: network.nodeCount, zones: network.zoneCount,
            directedLinks: network.links.count, odPairs: pairs.count,
            totalDemandVehPerH: pairs.reduce(0) { $0 + $1.volume }, candidateSites: candidates.count,
            buses: feeder.buses.count, branches: feeder.branches.count, ties: feeder.ties.count,
            totalLoadKW: feeder.buses.reduce(0) { $0 + $1.pKW }, totalLoadKVAr: feeder.buses.reduce(0) { $0 + $1.qKVAr },
            generators: generators.count, scenarios: scenarios.count, fingerprint: fingerprint)
    }
}

/// A number with thousands separators and fixed decimals, e.g. 50,189.2.
func formatted(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (abs(value) * scale).rounded() / scale
    let whole = Int(rounded)
    var digits = String(whole)
    var grouped = ""
    while digits.count > 3 {
        grouped = "," + digits.suffix(3) + grouped
        digits.removeLast(3)
    }
    grouped = digits + grouped
    if decimals > 0 {
        let fraction = Int(((rounded - Double(whole)) * scale).rounded())
        var fractionText = String(fraction)
        while fractionText.count < decimals { fractionText = "0" + fractionText }
        grouped += "." + fractionText
    }
    return (value < 0 ? "-" : "") + grouped
}

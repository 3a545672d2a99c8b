/// Plain-text rendering of a plan's breakdown for the terminal.
public enum EvaluationReport {
    /// The breakdown as lines of text.
    public static func lines(_ e: PlanEvaluation) -> [String] {
        let o = e.objectives
        let c = e.costs
        var out: [String] = []
        out.append("plan \(e.plan)  (\(e.stations.count) stations, \(e.isFeasible ? "feasible" : "INFEASIBLE: " + e.violations.names.joined(separator: ", ")))")
        out.append("objectives")
        out.append("  travel time (UE)     \(formatted(o.travelTimeVehMin, 1)) veh·min/h  (\(money(o.travelTimeCostUSD)) at omega)")
        out.append("  utility Z2           \(formatted(o.utilityZ2, 4))")
        out.append("  investment           \(money(o.investmentUSD))")
        out.append("  restoration value    " + (o.restorationUSDPerYear.map { money($0) + "/yr" } ?? "not evaluated"))
        out.append("investment by item")
        out.append("  stations \(money(c.stationsUSD))  spots \(money(c.spotsUSD))  lanes \(money(c.lanesUSD))  substation \(money(c.substationUSD))  lines \(money(c.linesUSD))")
        out.append("stations (site: road, bus, spots, EV flow, load)")
        for s in e.stations {
            out.append("  \(s.site): \(s.fromNode)-\(s.toNode), bus \(s.bus), \(s.spots) spots, \(formatted(s.evFlowVehPerH, 1)) veh/h, \(formatted(s.loadKW, 1)) kW")
        }
        let t = e.traffic
        out.append("traffic  SO time \(formatted(t.systemTimeVehMin, 1)) veh·min/h, unserved EV \(formatted(t.unservedEVVehPerH, 2)) veh/h "
            + "(\(t.evPairsWithoutRoute) EV OD pairs without a feasible route), Wardrop gap \(t.wardropGap)")
        if !t.lanes.isEmpty {
            out.append("  lanes: " + t.lanes.map { "\($0.fromNode)->\($0.toNode) +\($0.lanes)" }.joined(separator: ", "))
        }
        let g = e.grid
        out.append("feeder   station load \(formatted(g.stationLoadKW, 1)) kW, substation \(g.substationLoadKVA.map { formatted($0, 1) } ?? "n/a") kVA "
            + "(+\(formatted(g.substationExpansionKVA, 1)) kVA), min V \(g.minVoltageBeforePU.map { formatted($0, 4) } ?? "no solution") -> "
            + "\(g.minVoltageAfterPU.map { formatted($0, 4) } ?? "no solution") pu"
            + (g.reinforcements.isEmpty ? "" : ", reinforced " + g.reinforcements.joined(separator: ", ")))
        let u = e.utility
        out.append("utility  \(u.clusterStations) cluster stations, \(u.longRangeStations) long-range, \(u.clustersServed) clusters served, coverage \(formatted(u.coveredDensityShare * 100, 1)) %")
        for r in e.restoration {
            out.append("restoration \(r.scenario) (p = \(r.probability)): \(formatted(r.servedWithPlan, 0)) vs \(formatted(r.servedWithout, 0)) weighted kWh -> \(money(r.valueUSDPerYear))/yr")
        }
        return out
    }

    /// Money with an SI suffix: 3.26 M$, 163 k$.
    public static func money(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e9 { return formatted(value / 1e9, 3) + " G$" }
        if magnitude >= 1e6 { return formatted(value / 1e6, 3) + " M$" }
        if magnitude >= 1e3 { return formatted(value / 1e3, 1) + " k$" }
        return formatted(value, 0) + " $"
    }
}

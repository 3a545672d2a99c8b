import Foundation

/// Errors of the assignment and NdP models that are not about file contents.
public enum TrafficModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The demand matrix has a different number of zones from the network.
    case zoneCountMismatch(network: Int, demand: Int)
    /// An OD pair with demand has no path (zone numbers 0-based).
    case unreachable(origin: Int, destination: Int)
    /// An argument is out of its documented range.
    case invalidArgument(String)
    /// The LP solver failed (numerical trouble; the NdP master is always feasible and bounded).
    case solverFailure(String)

    public var description: String {
        switch self {
        case .zoneCountMismatch(let network, let demand):
            return "the network has \(network) zones but the demand matrix has \(demand)"
        case .unreachable(let origin, let destination):
            return "no path from zone \(origin + 1) to zone \(destination + 1)"
        case .invalidArgument(let message):
            return message
        case .solverFailure(let message):
            return "LP solver failure: \(message)"
        }
    }
}

/// Static user equilibrium under BPR link times (Wardrop's first principle, Beckmann's program).
///
/// Two algorithms share one convergence measure, the relative gap
/// `(TSTT − SPTT) / TSTT`, where TSTT = Σ_a x_a t_a(x_a) and SPTT = Σ_od q_od × (shortest
/// path time under the same link times):
/// - bi-conjugate Frank-Wolfe (Mitradjieva & Lindberg 2013), link-based, with an exact line search;
/// - path-based gradient projection (Jayakrishnan et al. 1994) with per-OD Newton shifts,
///   which converges to relative gaps of 1e-10 and below.
public enum UserEquilibrium {
    /// The solution method.
    public enum Algorithm: String, Sendable, CaseIterable {
        /// Bi-conjugate Frank-Wolfe.
        case biconjugateFrankWolfe = "bfw"
        /// Path-based gradient projection.
        case gradientProjection = "path"
    }

    /// What to solve to and how.
    public struct Options: Sendable {
        /// The method.
        public var algorithm: Algorithm
        /// Stop when the relative gap is at or below this.
        public var relativeGap: Double
        /// Stop after this many iterations even if the gap is not reached.
        public var maxIterations: Int
        /// Per-arc speed multipliers (> 0), or `nil` for all 1.
        public var speedMultipliers: [Double]?
        /// Keep the used routes and their flows in the result (path-based method only).
        public var keepRoutes: Bool
        /// Solve the system optimum (minimum total travel time) instead: the equilibrium under
        /// marginal social costs. Times, TSTT and Beckmann are still reported with the real
        /// BPR times; the gap and SPTT are those of the marginal-cost program being solved.
        public var systemOptimum: Bool

        /// Options with the given values.
        public init(
            algorithm: Algorithm = .gradientProjection, relativeGap: Double = 1e-6, maxIterations: Int = 100_000,
            speedMultipliers: [Double]? = nil, keepRoutes: Bool = false, systemOptimum: Bool = false
        ) {
            self.systemOptimum = systemOptimum
            self.algorithm = algorithm
            self.relativeGap = relativeGap
            self.maxIterations = maxIterations
            self.speedMultipliers = speedMultipliers
            self.keepRoutes = keepRoutes
        }
    }

    /// Flow on one route of one OD pair.
    public struct RouteFlow: Sendable, Equatable {
        /// Origin zone.
        public var origin: Int
        /// Destination zone.
        public var destination: Int
        /// The route and its travel time at equilibrium.
        public var route: Route
        /// Flow on the route (veh/h).
        public var flow: Double
    }

    /// An equilibrium (or the last iterate when the gap was not reached).
    public struct Result: Sendable {
        /// Flow per arc.
        public var flows: [Double]
        /// Travel time per arc at those flows.
        public var times: [Double]
        /// Relative gap `(TSTT − SPTT) / TSTT` of `flows`.
        public var relativeGap: Double
        /// Total system travel time Σ x t(x).
        public var totalTravelTime: Double
        /// Shortest-path travel time Σ q × (shortest path time).
        public var shortestPathTravelTime: Double
        /// Beckmann objective Σ ∫ t.
        public var beckmann: Double
        /// Iterations performed (each is one sweep over all origins).
        public var iterations: Int
        /// Whether the requested gap was reached.
        public var converged: Bool
        /// Relative gap after each iteration.
        public var gapHistory: [Double]
        /// Used routes with flows (gradient projection with `keepRoutes` only).
        public var routes: [RouteFlow]
    }

    /// Solves the BPR user equilibrium of `demand` on `network`.
    public static func solve(network: TrafficNetwork, demand: Demand, options: Options = Options()) throws(TrafficModelError)
        -> Result
    {
        guard demand.zoneCount == network.zoneCount else {
            throw .zoneCountMismatch(network: network.zoneCount, demand: demand.zoneCount)
        }
        guard options.relativeGap >= 0, options.maxIterations >= 1 else {
            throw .invalidArgument("the relative gap must be >= 0 and the iteration limit >= 1")
        }
        if let multipliers = options.speedMultipliers,
            multipliers.count != network.linkCount || !multipliers.allSatisfy({ $0 > 0 && $0.isFinite })
        {
            throw .invalidArgument("expected \(network.linkCount) speed multipliers, each finite and > 0")
        }
        var state = AssignmentState(
            network: network, demand: demand,
            cost: BPRCost(network: network, speedMultipliers: options.speedMultipliers, marginal: options.systemOptimum),
            reportCost: BPRCost(network: network, speedMultipliers: options.speedMultipliers))
        try state.checkReachable()
        switch options.algorithm {
        case .biconjugateFrankWolfe: return state.biconjugateFrankWolfe(options)
        case .gradientProjection: return state.gradientProjection(options)
        }
    }
}

/// Shared machinery of the two algorithms.
struct AssignmentState {
    let network: TrafficNetwork
    /// The link cost being equilibrated (BPR, or its marginal cost for the system optimum).
    let cost: BPRCost
    /// The BPR times reported to the user.
    let reportCost: BPRCost
    /// Destinations and volumes per origin (interzonal, positive demand).
    let destinations: [[(destination: Int, volume: Double)]]
    var engine: ShortestPathEngine
    var times: [Double]

    init(network: TrafficNetwork, demand: Demand, cost: BPRCost, reportCost: BPRCost) {
        self.network = network
        self.cost = cost
        self.reportCost = reportCost
        var destinations = [[(destination: Int, volume: Double)]](repeating: [], count: network.zoneCount)
        for pair in demand.pairs { destinations[pair.origin].append((pair.destination, pair.volume)) }
        self.destinations = destinations
        engine = ShortestPathEngine(network: network)
        times = cost.scaledFreeFlowTime
    }

    mutating func checkReachable() throws(TrafficModelError) {
        for origin in destinations.indices where !destinations[origin].isEmpty {
            engine.run(from: origin, cost: times)
            for (destination, _) in destinations[origin] where engine.distance[destination] == .infinity {
                throw .unreachable(origin: origin, destination: destination)
            }
        }
    }

    mutating func updateTimes(_ flows: [Double]) {
        for arc in flows.indices { times[arc] = cost.time(arc, flow: flows[arc]) }
    }

    /// All-or-nothing loading under `times` into `target`; returns SPTT.
    mutating func allOrNothing(into target: inout [Double]) -> Double {
        for arc in target.indices { target[arc] = 0 }
        var sptt = 0.0
        let tails = network.tails
        for origin in destinations.indices where !destinations[origin].isEmpty {
            times.withUnsafeBufferPointer { engine.run(from: origin, cost: $0) }
            for (destination, volume) in destinations[origin] {
                sptt += volume * engine.distance[destination]
                var node = destination
                while node != origin {
                    let arc = engine.predecessorArc[node]
                    target[arc] += volume
                    node = tails[arc]
                }
            }
        }
        return sptt
    }

    /// SPTT under the current `times`.
    mutating func shortestPathTravelTime() -> Double {
        var sptt = 0.0
        for origin in destinations.indices where !destinations[origin].isEmpty {
            times.withUnsafeBufferPointer { engine.run(from: origin, cost: $0) }
            for (destination, volume) in destinations[origin] { sptt += volume * engine.distance[destination] }
        }
        return sptt
    }

    func totalTravelTime(_ flows: [Double]) -> Double {
        var sum = 0.0
        for arc in flows.indices { sum += flows[arc] * times[arc] }
        return sum
    }

    func result(
        flows: [Double], sptt: Double, iterations: Int, converged: Bool, history: [Double],
        routes: [UserEquilibrium.RouteFlow] = []
    ) -> UserEquilibrium.Result {
        let solvedTotal = totalTravelTime(flows)
        let reportTimes = reportCost.times(flows)
        var tstt = 0.0
        for arc in flows.indices { tstt += flows[arc] * reportTimes[arc] }
        var reportRoutes = routes
        for index in reportRoutes.indices {
            reportRoutes[index].route.cost = reportRoutes[index].route.arcs.reduce(0) { $0 + reportTimes[$1] }
        }
        return UserEquilibrium.Result(
            flows: flows, times: reportTimes,
            relativeGap: solvedTotal > 0 ? (solvedTotal - sptt) / solvedTotal : 0, totalTravelTime: tstt,
            shortestPathTravelTime: sptt, beckmann: reportCost.beckmann(flows), iterations: iterations,
            converged: converged, gapHistory: history, routes: reportRoutes)
    }

    // MARK: Bi-conjugate Frank-Wolfe

    mutating func biconjugateFrankWolfe(_ options: UserEquilibrium.Options) -> UserEquilibrium.Result {
        let m = network.linkCount
        var flows = [Double](repeating: 0, count: m)
        _ = allOrNothing(into: &flows)  // free-flow start
        var aon = [Double](repeating: 0, count: m)
        var target = [Double](repeating: 0, count: m)  // s_k
        var previousTarget = [Double](repeating: 0, count: m)  // s_{k-1}
        var olderTarget = [Double](repeating: 0, count: m)  // s_{k-2}
        var slope = [Double](repeating: 0, count: m)
        var history: [Double] = []
        var directionsKept = 0  // how many previous targets are usable for conjugacy
        var lastStep = 0.0
        var iteration = 0
        var sptt = 0.0
        var gap = Double.infinity

        while true {
            updateTimes(flows)
            sptt = allOrNothing(into: &aon)
            let tstt = totalTravelTime(flows)
            gap = tstt > 0 ? (tstt - sptt) / tstt : 0
            history.append(gap)
            iteration += 1
            if gap <= options.relativeGap || iteration >= options.maxIterations { break }

            for arc in 0..<m { slope[arc] = cost.derivative(arc, flow: flows[arc]) }
            // Choose the target point s_k.
            var useFW = true
            if directionsKept >= 2 {
                // Bi-conjugate: conjugate to s_{k-1} - x and to tau s_{k-1} + (1 - tau) s_{k-2} - x.
                var muNum = 0.0, muDen = 0.0, nuNum = 0.0, nuDen = 0.0
                for arc in 0..<m {
                    let h = slope[arc]
                    let x = flows[arc]
                    let older = lastStep * previousTarget[arc] + (1 - lastStep) * olderTarget[arc] - x
                    let toAON = aon[arc] - x
                    let prev = previousTarget[arc] - x
                    muNum += h * older * toAON
                    muDen += h * older * (olderTarget[arc] - previousTarget[arc])
                    nuNum += h * prev * toAON
                    nuDen += h * prev * prev
                }
                let mu = muDen != 0 ? max(0, -muNum / muDen) : 0
                let nu = nuDen != 0 ? max(0, -nuNum / nuDen + mu * lastStep / (1 - lastStep)) : 0
                let beta0 = 1 / (1 + mu + nu)
                let beta1 = nu * beta0
                let beta2 = mu * beta0
                if beta0.isFinite, beta1.isFinite, beta2.isFinite {
                    for arc in 0..<m {
                        target[arc] = beta0 * aon[arc] + beta1 * previousTarget[arc] + beta2 * olderTarget[arc]
                    }
                    useFW = false
                }
            } else if directionsKept == 1 {
                // Conjugate Frank-Wolfe.
                var num = 0.0, den = 0.0
                for arc in 0..<m {
                    let h = slope[arc]
                    let prev = previousTarget[arc] - flows[arc]
                    num += h * prev * (aon[arc] - flows[arc])
                    den += h * prev * (aon[arc] - previousTarget[arc])
                }
                var alpha = den != 0 ? num / den : 0
                alpha = min(max(alpha, 0), 1 - 1e-6)
                if alpha.isFinite {
                    for arc in 0..<m { target[arc] = alpha * previousTarget[arc] + (1 - alpha) * aon[arc] }
                    useFW = false
                }
            }
            if useFW { for arc in 0..<m { target[arc] = aon[arc] } }

            let step = lineSearch(flows: flows, target: target)
            for arc in 0..<m { flows[arc] += step * (target[arc] - flows[arc]) }
            lastStep = step
            // Shift the remembered targets: s_{k-2} <- s_{k-1}, s_{k-1} <- s_k.
            swap(&olderTarget, &previousTarget)
            swap(&previousTarget, &target)
            // A full step or no step leaves no usable conjugate history.
            if step >= 1 - 1e-12 || step <= 0 {
                directionsKept = 0
            } else {
                directionsKept = min(directionsKept + 1, 2)
            }
        }
        return result(flows: flows, sptt: sptt, iterations: iteration, converged: gap <= options.relativeGap, history: history)
    }

    /// The step in [0, 1] minimising the Beckmann objective from `flows` towards `target`:
    /// the root of Σ t_a(x + τ d) d_a by safeguarded Newton.
    func lineSearch(flows: [Double], target: [Double]) -> Double {
        let m = flows.count
        func slopeAndCurvature(_ tau: Double) -> (Double, Double) {
            var first = 0.0, second = 0.0
            for arc in 0..<m {
                let d = target[arc] - flows[arc]
                if d == 0 { continue }
                let x = flows[arc] + tau * d
                first += cost.time(arc, flow: x) * d
                second += cost.derivative(arc, flow: x) * d * d
            }
            return (first, second)
        }
        var low = 0.0, high = 1.0
        let (atHigh, _) = slopeAndCurvature(1)
        if atHigh <= 0 { return 1 }
        let (atLow, _) = slopeAndCurvature(0)
        if atLow >= 0 { return 0 }
        var tau = 0.5
        for _ in 0..<100 {
            let (g, h) = slopeAndCurvature(tau)
            if g > 0 { high = tau } else { low = tau }
            if g == 0 || high - low <= 1e-15 { break }
            var next = h > 0 ? tau - g / h : (low + high) / 2
            if !(next > low && next < high) { next = (low + high) / 2 }
            if abs(next - tau) <= 1e-16 { tau = next; break }
            tau = next
        }
        return tau
    }

    // MARK: Path-based gradient projection

    mutating func gradientProjection(_ options: UserEquilibrium.Options) -> UserEquilibrium.Result {
        let m = network.linkCount
        // Path sets per OD, grouped by origin.
        var paths: [[[[Int]]]] = destinations.map { $0.map { _ in [] } }
        var pathFlows: [[[Double]]] = destinations.map { $0.map { _ in [] } }
        var flows = [Double](repeating: 0, count: m)
        var slopes = [Double](repeating: 0, count: m)
        var stamp = [Int](repeating: 0, count: m)
        var stampValue = 0

        // Free-flow all-or-nothing start.
        for origin in destinations.indices where !destinations[origin].isEmpty {
            times.withUnsafeBufferPointer { engine.run(from: origin, cost: $0) }
            for (index, (destination, volume)) in destinations[origin].enumerated() {
                let path = engine.path(to: destination)
                paths[origin][index] = [path]
                pathFlows[origin][index] = [volume]
                for arc in path { flows[arc] += volume }
            }
        }

        var history: [Double] = []
        var iteration = 0
        var gap = Double.infinity
        var sptt = 0.0
        while true {
            // Rebuild link flows from path flows so incremental updates never drift.
            for arc in 0..<m { flows[arc] = 0 }
            for origin in paths.indices {
                for od in paths[origin].indices {
                    for (path, flow) in zip(paths[origin][od], pathFlows[origin][od]) {
                        for arc in path { flows[arc] += flow }
                    }
                }
            }
            updateTimes(flows)
            sptt = shortestPathTravelTime()
            let tstt = totalTravelTime(flows)
            gap = tstt > 0 ? (tstt - sptt) / tstt : 0
            history.append(gap)
            iteration += 1
            if gap <= options.relativeGap || iteration >= options.maxIterations { break }

            for arc in 0..<m { slopes[arc] = cost.derivative(arc, flow: flows[arc]) }
            for origin in destinations.indices where !destinations[origin].isEmpty {
                times.withUnsafeBufferPointer { engine.run(from: origin, cost: $0) }
                for od in destinations[origin].indices {
                    let destination = destinations[origin][od].destination
                    let shortest = engine.path(to: destination)
                    var basic = paths[origin][od].firstIndex(of: shortest) ?? -1
                    if basic < 0 {
                        paths[origin][od].append(shortest)
                        pathFlows[origin][od].append(0)
                        basic = paths[origin][od].count - 1
                    }
                    // The cheapest path under the current (Gauss-Seidel) times is the basic one.
                    var basicCost = Double.infinity
                    for (index, path) in paths[origin][od].enumerated() {
                        var c = 0.0
                        for arc in path { c += times[arc] }
                        if c < basicCost { basicCost = c; basic = index }
                    }
                    let count = paths[origin][od].count
                    if count == 1 { continue }
                    stampValue += 1
                    for arc in paths[origin][od][basic] { stamp[arc] = stampValue }
                    for index in 0..<count where index != basic {
                        let flow = pathFlows[origin][od][index]
                        if flow <= 0 { continue }
                        var difference = 0.0
                        var curvature = 0.0
                        for arc in paths[origin][od][index] where stamp[arc] != stampValue {
                            difference += times[arc]
                            curvature += slopes[arc]
                        }
                        for arc in paths[origin][od][basic] {
                            difference -= times[arc]
                            curvature += slopes[arc]
                        }
                        // Common arcs were added to the basic side: take them back out.
                        for arc in paths[origin][od][index] where stamp[arc] == stampValue {
                            difference += times[arc]
                            curvature -= slopes[arc]
                        }
                        guard difference > 0, curvature > 0 else { continue }
                        let shift = min(flow, difference / curvature)
                        pathFlows[origin][od][index] = flow - shift
                        pathFlows[origin][od][basic] += shift
                        for arc in paths[origin][od][index] where stamp[arc] != stampValue {
                            flows[arc] = max(0, flows[arc] - shift)
                            times[arc] = cost.time(arc, flow: flows[arc])
                            slopes[arc] = cost.derivative(arc, flow: flows[arc])
                        }
                        stampValue += 1
                        for arc in paths[origin][od][index] { stamp[arc] = stampValue }
                        for arc in paths[origin][od][basic] where stamp[arc] != stampValue {
                            flows[arc] += shift
                            times[arc] = cost.time(arc, flow: flows[arc])
                            slopes[arc] = cost.derivative(arc, flow: flows[arc])
                        }
                        stampValue += 1
                        for arc in paths[origin][od][basic] { stamp[arc] = stampValue }
                    }
                    // Drop paths that lost all their flow.
                    var index = paths[origin][od].count - 1
                    while index >= 0 {
                        if index != basic && pathFlows[origin][od][index] <= 0 {
                            paths[origin][od].remove(at: index)
                            pathFlows[origin][od].remove(at: index)
                            if index < basic { basic -= 1 }
                        }
                        index -= 1
                    }
                }
            }
        }

        var routes: [UserEquilibrium.RouteFlow] = []
        if options.keepRoutes {
            for origin in paths.indices {
                for od in paths[origin].indices {
                    for (path, flow) in zip(paths[origin][od], pathFlows[origin][od]) where flow > 0 {
                        let routeTime = path.reduce(0) { $0 + times[$1] }
                        routes.append(
                            UserEquilibrium.RouteFlow(
                                origin: origin, destination: destinations[origin][od].destination,
                                route: Route(arcs: path, cost: routeTime), flow: flow))
                    }
                }
            }
        }
        return result(
            flows: flows, sptt: sptt, iterations: iteration, converged: gap <= options.relativeGap, history: history,
            routes: routes)
    }
}

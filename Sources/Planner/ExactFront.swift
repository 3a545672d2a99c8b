import Dispatch
import Foundation
import TrafficEquilibrium

/// The exact Pareto front of a small case by evaluating every plan.
///
/// Plans that cannot be feasible are recognised before the traffic LP: a plan whose
/// station cost alone exceeds the budget, one that leaves some EV OD pair with no
/// range-feasible route (its EV demand is then unserved, which violates a constraint),
/// or one that breaks a small-world constraint (cluster and long-range station caps,
/// sparse clusters, weak links, coverage), which depend on the station set alone.
/// Every other plan is evaluated in full. The result does not depend on the thread count.
public struct ExactFront: Sendable {
    /// Counts of the enumeration.
    public struct Counts: Sendable, Codable {
        public var plans: Int
        public var overBudgetByStationsAlone: Int
        public var rangeInfeasible: Int
        public var smallWorldInfeasible: Int
        public var evaluated: Int
        public var feasible: Int
        public var front: Int
        public var seconds: Double
    }

    /// The non-dominated feasible plans with their minimised objectives, by mask.
    public var front: [(mask: UInt64, objectives: [Double])]
    public var counts: Counts

    /// The front's plans with their full breakdowns (as `pareto.csv` and `pareto.json`
    /// write them), in the front's order.
    public func evaluatedFront(_ evaluator: PlanEvaluator) throws -> [PlanEvaluation] {
        let workspace = try evaluator.makeWorkspace()
        let siteCount = evaluator.plannerCase.candidates.count
        return try front.map { try evaluator.evaluate(Plan(mask: $0.mask, siteCount: siteCount), in: workspace) }
    }

    /// Enumerates all 2^n plans of the evaluator's case.
    public static func enumerate(
        _ evaluator: PlanEvaluator, threads: Int, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> ExactFront {
        let started = Date()
        let c = evaluator.plannerCase
        let n = c.candidates.count
        precondition(n <= 30, "exhaustive enumeration is for small cases")
        let total = 1 << n
        let chunkCount = min(total, 1024)
        let chunkSize = (total + chunkCount - 1) / chunkCount
        let p = c.parameters
        let stranding = StrandingCheck(evaluator)
        let results = ChunkResults(count: chunkCount)
        let pool = WorkspacePool(evaluator: evaluator)
        let completed = Counter()
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { worker in
            var chunk = worker
            var check = stranding
            while chunk < chunkCount {
                var local = ChunkResult()
                do {
                    let workspace = try pool.checkOut()
                    defer { pool.checkIn(workspace) }
                    for mask in (chunk * chunkSize)..<min(total, (chunk + 1) * chunkSize) {
                        let plan = Plan(mask: UInt64(mask), siteCount: n)
                        let stations = plan.stationIndices
                        if Double(stations.count) * p.stationCostUSD > p.budgetUSD {
                            local.overBudget += 1
                            continue
                        }
                        if check.strands(mask: UInt64(mask)) {
                            local.rangeInfeasible += 1
                            continue
                        }
                        let assessment = evaluator.clusterModel.assess(stationEdges: stations.map { evaluator.siteEdges[$0] })
                        let v = assessment.violations
                        if !PlanEvaluation.Violations.smallWorldFeasible(
                            clusterStationExcess: v.clusterStationExcess, longRangeStationExcess: v.longRangeStationExcess,
                            sparseClusterStations: v.sparseClustersWithStation, weakLinkStations: v.weakLinksWithStation,
                            coverageShortfall: v.coverageShortfall)
                        {
                            local.smallWorldInfeasible += 1
                            continue
                        }
                        let evaluation = try evaluator.evaluate(plan, in: workspace, valueInfeasibleRestoration: false)
                        local.evaluated += 1
                        if evaluation.isFeasible {
                            local.feasible.append((UInt64(mask), PlanEvaluator.minimised(evaluation)))
                        }
                    }
                } catch {
                    local.error = "\(error)"
                }
                results.set(chunk, local)
                progress?(completed.increment(), chunkCount)
                chunk += max(1, threads)
            }
        }
        var counts = Counts(
            plans: total, overBudgetByStationsAlone: 0, rangeInfeasible: 0, smallWorldInfeasible: 0, evaluated: 0, feasible: 0, front: 0, seconds: 0)
        var feasible: [(UInt64, [Double])] = []
        for result in results.all {
            if let error = result.error { throw PlannerError.missingInput("enumeration failed: \(error)") }
            counts.overBudgetByStationsAlone += result.overBudget
            counts.rangeInfeasible += result.rangeInfeasible
            counts.smallWorldInfeasible += result.smallWorldInfeasible
            counts.evaluated += result.evaluated
            feasible += result.feasible
        }
        counts.feasible = feasible.count
        let front = ParetoFilter.nonDominated(feasible)
        counts.front = front.count
        counts.seconds = Date().timeIntervalSince(started)
        return ExactFront(front: front, counts: counts)
    }
}

/// Whether a plan leaves some EV OD pair with no range-feasible route (its EV demand is
/// then unserved, a violated constraint), by constrained shortest paths at free-flow times.
struct StrandingCheck {
    private let network: TrafficNetwork
    private let candidates: [CandidateSite]
    private let evPairs: [(origin: Int, destinations: [Int])]
    private let freeFlow: [Double]
    private var engine: RangeConstrainedPathEngine

    init(_ evaluator: PlanEvaluator) {
        let c = evaluator.plannerCase
        let demand = evaluator.trafficProblem.evDemand
        network = c.network
        candidates = c.candidates
        evPairs = (0..<demand.zoneCount).compactMap { o in
            let destinations = (0..<demand.zoneCount).filter { $0 != o && demand[o, $0] > 0 }
            return destinations.isEmpty ? nil : (o, destinations)
        }
        freeFlow = c.network.links.map(\.freeFlowTime)
        engine = RangeConstrainedPathEngine(network: c.network, model: evaluator.trafficProblem.parameters.range)
    }

    /// Whether the plan with these station bits strands an EV trip.
    mutating func strands(mask: UInt64) -> Bool {
        var hasStation = [Bool](repeating: false, count: network.links.count)
        for site in candidates.indices where mask & (1 << UInt64(site)) != 0 {
            for arc in candidates[site].arcs { hasStation[arc] = true }
        }
        for pair in evPairs {
            engine.run(from: pair.origin, cost: freeFlow, hasStation: hasStation)
            if pair.destinations.contains(where: { engine.bestCost[$0] == .infinity }) { return true }
        }
        return false
    }
}

struct ChunkResult: Sendable {
    var overBudget = 0
    var rangeInfeasible = 0
    var smallWorldInfeasible = 0
    var evaluated = 0
    var feasible: [(UInt64, [Double])] = []
    var error: String?
}

/// Per-chunk results, each slot written by one worker.
final class ChunkResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [ChunkResult]
    init(count: Int) { storage = [ChunkResult](repeating: ChunkResult(), count: count) }
    func set(_ index: Int, _ value: ChunkResult) { lock.withLock { storage[index] = value } }
    var all: [ChunkResult] { lock.withLock { storage } }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { value += 1; return value } }
}

/// Workspaces shared by worker threads (each used by one thread at a time).
final class WorkspacePool: @unchecked Sendable {
    private let evaluator: PlanEvaluator
    private let lock = NSLock()
    private var idle: [PlanEvaluator.Workspace] = []

    init(evaluator: PlanEvaluator) { self.evaluator = evaluator }

    func checkOut() throws -> PlanEvaluator.Workspace {
        if let workspace = lock.withLock({ idle.popLast() }) { return workspace }
        return try evaluator.makeWorkspace()
    }

    func checkIn(_ workspace: PlanEvaluator.Workspace) { lock.withLock { idle.append(workspace) } }
}

import Foundation
import NSGA3

/// The planning problem as the optimiser sees it: a bit genome per plan, the objectives
/// of ``PlanEvaluator/minimised(_:)`` and the scaled violations of
/// ``PlanEvaluator/scaledViolations(_:)``.
///
/// Evaluations run concurrently: each borrows a workspace (a warm traffic LP) from a
/// pool, and every workspace restarts each plan from the same saved LP state, so the
/// result is the same whichever thread evaluates it.
public final class PlannerProblem: Problem, @unchecked Sendable {
    public typealias Genome = BitGenome

    public let evaluator: PlanEvaluator
    public let objectiveCount: Int
    public let constraintCount: Int
    // Guards `idle` and `failure`; evaluations themselves run unlocked.
    private let lock = NSLock()
    private var idle: [PlanEvaluator.Workspace] = []
    private var failure: String?
    // Every feasible plan evaluated, by mask: the run's Pareto set is drawn from all of
    // them, not only from the last population.
    private var feasible: [UInt64: [Double]] = [:]

    /// The problem for an evaluator; probes one plan to learn the objective count.
    public init(evaluator: PlanEvaluator) throws {
        self.evaluator = evaluator
        let workspace = try evaluator.makeWorkspace()
        let probe = try evaluator.evaluate(
            Plan(bits: [Bool](repeating: true, count: evaluator.plannerCase.candidates.count)), in: workspace)
        objectiveCount = PlanEvaluator.minimised(probe).count
        constraintCount = evaluator.scaledViolations(probe).count
        idle = [workspace]
    }

    /// The first evaluation error, if any plan could not be evaluated (the run stops).
    public var evaluationFailure: String? { lock.withLock { failure } }

    public func evaluate(_ genome: BitGenome) -> Evaluation {
        let plan = Plan(bits: (0..<genome.count).map { genome[$0] })
        do {
            let workspace = try checkOut()
            defer { checkIn(workspace) }
            let evaluation = try evaluator.evaluate(plan, in: workspace)
            if evaluation.isFeasible {
                let objectives = PlanEvaluator.minimised(evaluation)
                lock.withLock { feasible[plan.mask] = objectives }
            }
            return Evaluation(
                objectives: PlanEvaluator.minimised(evaluation), violations: evaluator.scaledViolations(evaluation))
        } catch {
            lock.withLock { if failure == nil { failure = "plan \(plan): \(error)" } }
            // Marked as hopelessly infeasible; the caller stops the run on `evaluationFailure`.
            return Evaluation(
                objectives: [Double](repeating: 0, count: objectiveCount),
                violations: [Double](repeating: 1e9, count: constraintCount))
        }
    }

    /// Every feasible plan evaluated so far (mask → minimised objectives), saved with a
    /// run's state so a resumed run draws its front from the same plans.
    public var feasibleArchive: [UInt64: [Double]] {
        get { lock.withLock { feasible } }
        set { lock.withLock { feasible = newValue } }
    }

    /// The feasible plans evaluated so far that no other feasible plan dominates, by mask,
    /// in ascending mask order.
    public func nonDominatedPlans() -> [(mask: UInt64, objectives: [Double])] {
        let all = lock.withLock { feasible }.sorted { $0.key < $1.key }
        return ParetoFilter.nonDominated(all.map { ($0.key, $0.value) })
    }

    private func checkOut() throws -> PlanEvaluator.Workspace {
        if let workspace = lock.withLock({ idle.popLast() }) { return workspace }
        return try evaluator.makeWorkspace()
    }

    private func checkIn(_ workspace: PlanEvaluator.Workspace) {
        lock.withLock { idle.append(workspace) }
    }
}

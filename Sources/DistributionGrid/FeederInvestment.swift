/// What a feeder investment is priced against.
public struct InvestmentParameters: Sendable, Equatable {
    /// Substation (source) voltage, pu. Choose it so the base case meets the band
    /// (case33bw: 1.05 pu gives a minimum of 0.968 pu; at 1.00 pu 21 buses are below 0.95).
    public var sourceVoltage: Double
    /// Allowed voltage band at every energised bus, pu.
    public var voltageBand: ClosedRange<Double>
    /// Existing substation capacity, kVA.
    public var substationCapacityKVA: Double
    /// Price of substation capacity added, $/kVA (seed 003: $5,000).
    public var substationCostPerKVA: Double
    /// Price of one added parallel circuit on a branch, $ (per line).
    public var costPerCircuit: Double
    /// Price of one added circuit per km of route, $/km; needs every branch's length.
    public var costPerCircuitKM: Double
    /// At most this many circuits added to one branch.
    public var maxAddedCircuitsPerBranch: Int
    /// Stopping rules of the exact power flows.
    public var powerFlow: DistFlowOptions

    public init(
        sourceVoltage: Double, voltageBand: ClosedRange<Double> = 0.95...1.05,
        substationCapacityKVA: Double, substationCostPerKVA: Double = 5000,
        costPerCircuit: Double, costPerCircuitKM: Double = 0, maxAddedCircuitsPerBranch: Int = 10,
        powerFlow: DistFlowOptions = DistFlowOptions()
    ) {
        self.sourceVoltage = sourceVoltage
        self.voltageBand = voltageBand
        self.substationCapacityKVA = substationCapacityKVA
        self.substationCostPerKVA = substationCostPerKVA
        self.costPerCircuit = costPerCircuit
        self.costPerCircuitKM = costPerCircuitKM
        self.maxAddedCircuitsPerBranch = maxAddedCircuitsPerBranch
        self.powerFlow = powerFlow
    }
}

/// The feeder investment a set of loads needs, item by item.
public struct FeederInvestment: Sendable, Equatable {
    /// Circuits added in parallel to one branch.
    public struct Reinforcement: Sendable, Equatable {
        /// The branch index.
        public var branch: Int
        /// Circuits added (the branch then has 1 + `addedCircuits`).
        public var addedCircuits: Int
        /// Their cost, $.
        public var cost: Double
    }

    /// A limit still broken after reinforcement.
    public enum Violation: Sendable, Equatable {
        /// A bus below the band (bus index, voltage pu).
        case undervoltage(bus: Int, voltage: Double)
        /// A bus above the band: lines cannot lower it (the source voltage is above it).
        case overvoltage(bus: Int, voltage: Double)
        /// A branch above its rating even with every circuit allowed (branch index).
        case overload(branch: Int, loadingKVA: Double, ratingKVA: Double)
        /// No power-flow solution even with every circuit allowed.
        case noPowerFlowSolution(PowerFlowError)
    }

    /// The exact power flow before any reinforcement, or why there is none.
    public var before: Result<PowerFlowSummary, PowerFlowError>
    /// The exact power flow after reinforcement, or why there is none.
    public var after: Result<PowerFlowSummary, PowerFlowError>
    /// Circuits added, by branch index order.
    public var reinforcements: [Reinforcement]
    /// Substation apparent power after reinforcement (exact flow, losses included), kVA;
    /// `nil` when there is no power-flow solution.
    public var substationLoadKVA: Double?
    /// Substation capacity to add: (load - existing capacity)+, kVA.
    public var substationExpansionKVA: Double
    /// Cost of the substation expansion, $.
    public var substationCost: Double
    /// Limits still broken; empty when the plan is feasible.
    public var violations: [Violation]

    /// Cost of the added circuits, $.
    public var lineCost: Double { reinforcements.reduce(0) { $0 + $1.cost } }
    /// Total investment, $. When the plan is infeasible this prices only what could be fixed.
    public var totalCost: Double { substationCost + lineCost }
    /// Whether every bus is in the band and every branch within its rating after reinforcement.
    public var isFeasible: Bool { violations.isEmpty }
    /// Lowest voltage before reinforcement, pu (`nil`: no power-flow solution).
    public var minVoltageBefore: Double? { try? before.get().minVoltage }
    /// Lowest voltage after reinforcement, pu (`nil`: no power-flow solution).
    public var minVoltageAfter: Double? { try? after.get().minVoltage }
    /// A size of what is left broken, for constraint handling: per-unit voltage outside the
    /// band plus fractional overloads, and 1 for a missing power-flow solution.
    public var violationMagnitude: Double {
        violations.reduce(0) { total, violation in
            switch violation {
            case .undervoltage(_, let v), .overvoltage(_, let v): total + v
            case .overload(_, let loading, let rating): total + loading / rating - 1
            case .noPowerFlowSolution: total + 1
            }
        }
    }
}

/// Prices the feeder investment that extra loads (charging stations) need — seed 003
/// eq. 27: new lines plus substation expansion.
///
/// **Reinforcement rule** (a greedy, checked against an exact MILP in the tests): solve the
/// exact power flow; while a branch is over its rating, give the most overloaded one the
/// circuits its flow needs; otherwise, while a bus is below the band, add one parallel
/// circuit to the branch on the path to the lowest-voltage bus with the largest
/// voltage-drop reduction per dollar, `Δ = d(c) - d(c + 1)` with the exact branch drop
/// `d(c) = 2 (r P + x Q) / c - |z|² ℓ / c²` at the present flows; re-solve and repeat.
/// When the load is beyond the feeder's loadability (no AC solution), the same choice is
/// made from the LinDistFlow drops until a solution exists. A circuit is an identical
/// copy of the branch: c circuits have impedance z / c and rating c × rating.
///
/// **Substation**: from the exact flow after reinforcement (losses included — LinDistFlow
/// would under-price it), expansion = (S - capacity)+ × $/kVA.
///
/// Evaluating allocates only the result; one evaluator per thread.
public struct FeederInvestmentEvaluator: Sendable {
    /// The feeder, with its base loads.
    public let feeder: Feeder
    /// The prices and limits.
    public let parameters: InvestmentParameters
    var solver: DistFlowSolver
    /// Cost of one added circuit by branch index, $.
    let circuitCost: [Double]
    /// One circuit's rating by tree position, per unit (infinity when none).
    let ratingAt: [Double]

    /// An evaluator for the feeder's normal switch state.
    ///
    /// - Throws: ``FeederError/invalidFeeder(_:)`` for unusable parameters, and
    ///   ``FeederError/invalidBranch(branch:_:)`` when per-km costs need a missing length.
    public init(feeder: Feeder, parameters: InvestmentParameters) throws(FeederError) {
        let p = parameters
        guard p.sourceVoltage.isFinite, p.sourceVoltage > 0 else {
            throw .invalidFeeder("source voltage must be > 0 pu, found \(p.sourceVoltage)")
        }
        guard p.voltageBand.lowerBound > 0, p.voltageBand.upperBound.isFinite else {
            throw .invalidFeeder("voltage band must be positive and finite, found \(p.voltageBand)")
        }
        for (name, value) in [
            ("substation capacity", p.substationCapacityKVA), ("substation cost per kVA", p.substationCostPerKVA),
            ("cost per circuit", p.costPerCircuit), ("cost per circuit-km", p.costPerCircuitKM),
        ] where !(value.isFinite && value >= 0) {
            throw .invalidFeeder("\(name) must be finite and >= 0, found \(value)")
        }
        guard p.maxAddedCircuitsPerBranch >= 0 else {
            throw .invalidFeeder("max added circuits per branch must be >= 0")
        }
        var costs: [Double] = []
        for (index, branch) in feeder.branches.enumerated() {
            var cost = p.costPerCircuit
            if p.costPerCircuitKM > 0 {
                guard let length = branch.lengthKM else {
                    throw .invalidBranch(branch: index, "a per-km line cost needs the branch length")
                }
                cost += p.costPerCircuitKM * length
            }
            costs.append(cost)
        }
        self.feeder = feeder
        self.parameters = parameters
        self.circuitCost = costs
        self.solver = DistFlowSolver(feeder: feeder, options: p.powerFlow)
        let perUnitPerKVA = 1 / (1000 * feeder.baseMVA)
        self.ratingAt = solver.branchAt.map { b in
            guard b >= 0, let rating = feeder.branches[b].ratingKVA else { return .infinity }
            return rating * perUnitPerKVA
        }
    }

    /// The investment for the feeder's base loads plus these stations.
    public mutating func evaluate(stations: [StationLoad]) -> FeederInvestment {
        var loads = feeder.baseLoads
        for station in stations { loads.add(station) }
        return evaluate(loads: loads)
    }

    /// The investment for these loads (by bus index; they replace the base loads).
    public mutating func evaluate(loads: BusLoads) -> FeederInvestment {
        let v0 = parameters.sourceVoltage
        let vMin2 = parameters.voltageBand.lowerBound * parameters.voltageBand.lowerBound
        let vMax2 = parameters.voltageBand.upperBound * parameters.voltageBand.upperBound
        let cap = 1 + parameters.maxAddedCircuitsPerBranch
        solver.resetCircuits()
        let before = Result { () throws(PowerFlowError) in try solver.solveSummary(loads: loads, sourceVoltage: v0) }
        var current = before
        var violations: [FeederInvestment.Violation] = []
        let n = solver.busAt.count

        reinforcing: while true {
            switch current {
            case .failure(let error):
                if case .invalidInput = error {
                    violations.append(.noPowerFlowSolution(error))
                    break reinforcing
                }
                // Beyond loadability: strengthen the path to the worst LinDistFlow bus.
                let lin = solver.linDistFlow(loads: loads, sourceVoltage: v0)
                let flows = solver.branchAt.map { $0 >= 0 ? (lin.branchPKW[$0], lin.branchQKVAr[$0]) : (0, 0) }
                guard let k = bestBranch(toward: solver.positionOfBus[lin.minVoltageBus], cap: cap, drop: { k, c in
                    let b = solver.branchAt[k]
                    return 2 * (solver.rCircuit[b] * flows[k].0 + solver.xCircuit[b] * flows[k].1) * solver.perUnitPerKW / Double(c)
                }) else {
                    violations.append(.noPowerFlowSolution(error))
                    break reinforcing
                }
                solver.setCircuits(solver.circuits[solver.branchAt[k]] + 1, onBranch: solver.branchAt[k])
            case .success:
                // Overloads first: give the worst branch the circuits its flow needs.
                var worst = -1
                var worstRatio = 1 + 1e-9
                for k in 1..<max(1, n) where ratingAt[k].isFinite {
                    let c = solver.circuits[solver.branchAt[k]]
                    let ratio = apparentPower(at: k) / (ratingAt[k] * Double(c))
                    if ratio > worstRatio && c < cap {
                        worst = k
                        worstRatio = ratio
                    }
                }
                if worst >= 0 {
                    let b = solver.branchAt[worst]
                    let needed = Int((apparentPower(at: worst) / ratingAt[worst]).rounded(.up))
                    solver.setCircuits(min(cap, max(needed, solver.circuits[b] + 1)), onBranch: b)
                    break
                }
                // Then the lowest voltage below the band.
                var low = 0
                for k in 1..<max(1, n) where solver.v[k] < solver.v[low] { low = k }
                guard solver.v[low] < vMin2 * (1 - 1e-12) else { break reinforcing }
                guard let k = bestBranch(toward: low, cap: cap, drop: { k, c in
                    let b = solver.branchAt[k]
                    let c = Double(c)
                    let r = solver.rCircuit[b]
                    let x = solver.xCircuit[b]
                    return 2 * (r * solver.pSend[k] + x * solver.qSend[k]) / c - (r * r + x * x) * solver.ell[k] / (c * c)
                }) else { break reinforcing }
                solver.setCircuits(solver.circuits[solver.branchAt[k]] + 1, onBranch: solver.branchAt[k])
            }
            current = Result { () throws(PowerFlowError) in try solver.solveSummary(loads: loads, sourceVoltage: v0) }
        }

        // What is left broken.
        if case .success = current {
            for k in 0..<n {
                if solver.v[k] < vMin2 * (1 - 1e-12) {
                    violations.append(.undervoltage(bus: solver.busAt[k], voltage: solver.v[k].squareRoot()))
                } else if solver.v[k] > vMax2 * (1 + 1e-12) {
                    violations.append(.overvoltage(bus: solver.busAt[k], voltage: solver.v[k].squareRoot()))
                }
            }
            for k in 1..<max(1, n) where ratingAt[k].isFinite {
                let rating = ratingAt[k] * Double(solver.circuits[solver.branchAt[k]])
                let loading = apparentPower(at: k)
                if loading > rating * (1 + 1e-9) {
                    violations.append(
                        .overload(branch: solver.branchAt[k], loadingKVA: loading * solver.kWPerUnit, ratingKVA: rating * solver.kWPerUnit))
                }
            }
        }

        var reinforcements: [FeederInvestment.Reinforcement] = []
        for (b, c) in solver.circuits.enumerated() where c > 1 {
            reinforcements.append(.init(branch: b, addedCircuits: c - 1, cost: Double(c - 1) * circuitCost[b]))
        }
        let substationLoad = try? current.get().substationKVA
        let expansion = max(0, (substationLoad ?? 0) - parameters.substationCapacityKVA)
        return FeederInvestment(
            before: before, after: current, reinforcements: reinforcements, substationLoadKVA: substationLoad,
            substationExpansionKVA: expansion, substationCost: expansion * parameters.substationCostPerKVA,
            violations: violations)
    }

    /// Apparent power of the branch feeding tree position k, the larger end, per unit.
    func apparentPower(at k: Int) -> Double {
        let ps = solver.pSend[k]
        let qs = solver.qSend[k]
        let pr = ps - solver.r[k] * solver.ell[k]
        let qr = qs - solver.x[k] * solver.ell[k]
        return max(ps * ps + qs * qs, pr * pr + qr * qr).squareRoot()
    }

    /// The branch on the path to tree position `target` whose next circuit cuts the drop
    /// most per dollar; `drop(k, c)` is the drop with c circuits. Ties go to the branch
    /// nearer the source.
    private func bestBranch(toward target: Int, cap: Int, drop: (Int, Int) -> Double) -> Int? {
        var best: Int? = nil
        var bestScore = 0.0
        var k = target
        while k > 0 {
            let b = solver.branchAt[k]
            let c = solver.circuits[b]
            if c < cap {
                let gain = drop(k, c) - drop(k, c + 1)
                let score = circuitCost[b] > 0 ? gain / circuitCost[b] : gain * 1e30
                if gain > 0 && score >= bestScore {
                    best = k
                    bestScore = score
                }
            }
            k = solver.parentAt[k]
        }
        return best
    }
}

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

    /// Prices and limits; only the source voltage, the substation capacity and the cost of
    /// a circuit have no default.
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
/// **Reinforcement rule** (a greedy, checked against the exact optimum of
/// ``optimalReinforcement(loads:maxRounds:limits:)`` in the tests). A circuit is an
/// identical copy of a branch: c circuits have impedance z / c and rating c × rating.
/// 1. Solve the exact power flow.
/// 2. While a branch is over its rating, give the most overloaded one the circuits its
///    flow needs; re-solve.
/// 3. While a bus is below the band: for each branch, the next circuit removes the drop
///    `g = d(c) - d(c + 1)`, with `d(c) = 2 (r P + x Q) / c - |z|² ℓ / c²` the exact branch
///    drop at the present flows; its cover is the sum, over the buses below the band
///    downstream of it, of min(deficit, g). Add one circuit to the branch with the largest
///    cover per dollar (the greedy for submodular cover); re-solve.
/// 4. When the load is beyond the feeder's loadability (no AC solution), add the circuit
///    with the largest LinDistFlow drop reduction per dollar on the path to the lowest
///    LinDistFlow bus until the exact flow solves.
/// 5. Reverse delete: remove added circuits one at a time, dearest branch first, keeping
///    each removal only if the band and ratings still hold.
///
/// **Substation**: from the exact flow after reinforcement (losses included — LinDistFlow
/// would under-price it), expansion = (S - capacity)+ × $/kVA.
///
/// Evaluating reuses the solver's arrays (small allocations for the result only); use one
/// evaluator per thread.
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
    /// Scratch for the covering rule, by tree position.
    var gain: [Double]
    var cover: [Double]

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
        self.gain = Array(repeating: 0, count: solver.busAt.count)
        self.cover = gain
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
                // Then the buses below the band.
                guard let k = coveringBranch(cap: cap, vMin2: vMin2) else { break reinforcing }
                solver.setCircuits(solver.circuits[solver.branchAt[k]] + 1, onBranch: solver.branchAt[k])
            }
            current = Result { () throws(PowerFlowError) in try solver.solveSummary(loads: loads, sourceVoltage: v0, warm: true) }
        }

        // Reverse delete: drop circuits, dearest first, that the final plan does not need.
        if case .success = current, violations.isEmpty, solver.circuits.contains(where: { $0 > 1 }), meetsLimits(vMin2: vMin2) {
            current = prune(loads: loads, vMin2: vMin2, current: current)
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

    /// Exact drop in v across tree position k's branch with c circuits at the present flows.
    func exactDrop(_ k: Int, circuits c: Int) -> Double {
        let b = solver.branchAt[k]
        let c = Double(c)
        let r = solver.rCircuit[b]
        let x = solver.xCircuit[b]
        return 2 * (r * solver.pSend[k] + x * solver.qSend[k]) / c - (r * r + x * x) * solver.ell[k] / (c * c)
    }

    /// The branch whose next circuit covers the most voltage deficit per dollar: with gain
    /// g_k = d(c) - d(c + 1) the drop it removes, its cover is Σ over buses j below the band
    /// and below it of min(deficit_j, g_k) (the greedy for submodular cover). Ties go to
    /// the branch nearer the source.
    private mutating func coveringBranch(cap: Int, vMin2: Double) -> Int? {
        let n = solver.busAt.count
        for k in 1..<max(1, n) {
            let c = solver.circuits[solver.branchAt[k]]
            gain[k] = c < cap ? exactDrop(k, circuits: c) - exactDrop(k, circuits: c + 1) : 0
            cover[k] = 0
        }
        for j in 1..<max(1, n) where solver.v[j] < vMin2 * (1 - 1e-12) {
            let deficit = vMin2 - solver.v[j]
            var k = j
            while k > 0 {
                cover[k] += min(deficit, gain[k])
                k = solver.parentAt[k]
            }
        }
        var best: Int? = nil
        var bestScore = 0.0
        for k in 1..<max(1, n) where cover[k] > 0 {
            let cost = circuitCost[solver.branchAt[k]]
            let score = cost > 0 ? cover[k] / cost : cover[k] * 1e30
            if score > bestScore {
                best = k
                bestScore = score
            }
        }
        return best
    }

    /// Removes circuits one at a time, dearest branch first, keeping each removal only if
    /// the band and ratings still hold; returns the final flow.
    private mutating func prune(
        loads: BusLoads, vMin2: Double, current: Result<PowerFlowSummary, PowerFlowError>
    ) -> Result<PowerFlowSummary, PowerFlowError> {
        var current = current
        let n = solver.busAt.count
        // From this (most reinforced) state: a removal whose extra drop at the present
        // flows already exceeds the smallest voltage slack below the branch must fail, and
        // stays hopeless as other circuits go (flows grow, slack shrinks). Skip those.
        for k in 0..<n { cover[k] = solver.v[k] - vMin2 }
        var k = n - 1
        while k > 0 {
            cover[solver.parentAt[k]] = min(cover[solver.parentAt[k]], cover[k])
            k -= 1
        }
        let added = solver.circuits.indices.filter { solver.circuits[$0] > 1 }
            .sorted { circuitCost[$0] != circuitCost[$1] ? circuitCost[$0] > circuitCost[$1] : $0 < $1 }
        let hopeless = added.map { b in
            let k = solver.positionOfBranch(b)
            let c = solver.circuits[b]
            return exactDrop(k, circuits: c - 1) - exactDrop(k, circuits: c) > cover[k]
        }
        for (b, skip) in zip(added, hopeless) where !skip {
            while solver.circuits[b] > 1 {
                solver.setCircuits(solver.circuits[b] - 1, onBranch: b)
                let trial = Result { () throws(PowerFlowError) in
                    try solver.solveSummary(loads: loads, sourceVoltage: parameters.sourceVoltage, warm: true)
                }
                if case .success = trial, meetsLimits(vMin2: vMin2) {
                    current = trial
                } else {
                    solver.setCircuits(solver.circuits[b] + 1, onBranch: b)
                    break
                }
            }
        }
        // Leave the solver on the kept plan.
        if case .success = current {
            current = Result { () throws(PowerFlowError) in
                try solver.solveSummary(loads: loads, sourceVoltage: parameters.sourceVoltage, warm: true)
            }
        }
        return current
    }

    /// Whether the last solve keeps every bus above the band floor and every branch within
    /// its rating.
    private func meetsLimits(vMin2: Double) -> Bool {
        let n = solver.busAt.count
        for k in 0..<n where solver.v[k] < vMin2 * (1 - 1e-12) { return false }
        for k in 1..<max(1, n) where ratingAt[k].isFinite {
            if apparentPower(at: k) > ratingAt[k] * Double(solver.circuits[solver.branchAt[k]]) * (1 + 1e-9) { return false }
        }
        return true
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

/// Stopping rules of the exact power flow.
public struct DistFlowOptions: Sendable, Equatable {
    /// Largest change of any squared voltage magnitude between two sweeps (pu²) at which
    /// the sweep stops. 1e-10 pu² is about 5e-11 pu of voltage.
    public var tolerance: Double
    /// Sweeps allowed before giving up with ``PowerFlowError/notConverged(iterations:lastChange:)``.
    public var maxIterations: Int

    /// Stopping rules; the defaults suit feeders of tens to hundreds of buses.
    public init(tolerance: Double = 1e-10, maxIterations: Int = 100) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }
}

/// Why a power flow has no result. Never a number in disguise.
public enum PowerFlowError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A squared voltage reached zero or below during the sweep: the load is beyond what
    /// the feeder can carry (past the nose of the P-V curve). When every load is
    /// non-negative (P, Q >= 0) this proves that no power-flow solution exists: from a flat
    /// start the sweep decreases monotonically and stays above the high-voltage solution
    /// whenever there is one. `bus` is the bus number where it happened.
    case voltageCollapse(bus: Int, iteration: Int)
    /// The sweep did not settle within the iteration cap (close to the nose point it
    /// converges slowly); `lastChange` is the last largest squared-voltage change, pu².
    case notConverged(iterations: Int, lastChange: Double)
    /// The inputs are unusable (wrong length, non-finite load, source voltage <= 0).
    case invalidInput(String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .voltageCollapse(let bus, let iteration):
            "no power-flow solution: voltage collapse at bus \(bus) (sweep \(iteration)); the load exceeds the feeder's loadability"
        case .notConverged(let iterations, let change):
            "power flow did not converge in \(iterations) sweeps (last change \(change) pu²)"
        case .invalidInput(let message):
            "invalid power-flow input: \(message)"
        }
    }
}

/// The headline figures of a power flow.
public struct PowerFlowSummary: Sendable, Equatable {
    /// Sweeps used.
    public var iterations: Int
    /// The lowest voltage magnitude, pu.
    public var minVoltage: Double
    /// The bus index with the lowest voltage.
    public var minVoltageBus: Int
    /// The highest voltage magnitude, pu.
    public var maxVoltage: Double
    /// Series losses of all branches, kW.
    public var lossesKW: Double
    /// Active power drawn from the substation, kW (load at the substation bus included).
    public var substationPKW: Double
    /// Reactive power drawn from the substation, kVAr.
    public var substationQKVAr: Double

    /// Apparent power drawn from the substation, kVA.
    public var substationKVA: Double { (substationPKW * substationPKW + substationQKVAr * substationQKVAr).squareRoot() }
}

/// A full power-flow result by bus and branch index.
///
/// Branch flows are measured at the end nearer the source and are positive towards the
/// loads. Buses outside the solved tree have voltage `nan`; branches outside it carry 0.
public struct PowerFlowSolution: Sendable, Equatable {
    /// The headline figures.
    public var summary: PowerFlowSummary
    /// Voltage magnitude by bus index, pu.
    public var voltage: [Double]
    /// Active power entering each branch at its source end, kW.
    public var branchPKW: [Double]
    /// Reactive power entering each branch at its source end, kVAr.
    public var branchQKVAr: [Double]
    /// Series loss of each branch, kW.
    public var branchLossKW: [Double]
    /// Apparent power of each branch, the larger of its two ends, kVA.
    public var branchKVA: [Double]
    /// Current magnitude of each branch (all its circuits together), A.
    public var branchCurrentA: [Double]
}

/// The exact branch-flow (DistFlow) power flow of a radial feeder by backward/forward sweep.
///
/// Each sweep runs the exact DistFlow equations of Baran & Wu (1989) on the tree:
/// backward, for each branch i→j (receiving-end flows P', Q' = load of j plus the
/// sending-end flows of j's branches),
///
///     ℓ = (P'² + Q'²) / v_j,   P = P' + r ℓ,   Q = Q' + x ℓ
///
/// and forward, `v_j = v_i - 2 (r P + x Q) + (r² + x²) ℓ`, with v = |V|² and ℓ = |I|².
/// At a fixed point these are the AC power-flow equations of the radial network (the
/// angles follow from them), so the result is the AC solution a Newton solver finds
/// (pandapower's, to its tolerance). Loads are constant power.
///
/// The solver keeps its arrays in tree order and reuses them: ``solveSummary(loads:sourceVoltage:)``
/// allocates nothing. Make one solver per thread (it is a value; copies are independent).
public struct DistFlowSolver: Sendable {
    /// The tree being solved.
    public let tree: RadialTree
    /// Stopping rules.
    public var options: DistFlowOptions
    /// Number of parallel identical circuits of each branch (1 = as built).
    public private(set) var circuits: [Int]

    let busNumbers: [Int]
    let busCount: Int
    let branchCount: Int
    /// kW -> per unit.
    let perUnitPerKW: Double
    /// Per unit -> kW.
    let kWPerUnit: Double
    /// Per unit current -> A.
    let amperesPerUnit: Double
    /// One circuit's r and x by branch index, per unit.
    let rCircuit: [Double]
    let xCircuit: [Double]
    let ratingKVA: [Double?]

    // Tree order: position 0 is the root.
    let busAt: [Int]
    let parentAt: [Int]
    let branchAt: [Int]
    let positionOfBus: [Int]
    let positionOfBranchArray: [Int]
    var r: [Double]
    var x: [Double]
    var z2: [Double]

    // Scratch, reused by every solve.
    var loadP: [Double]
    var loadQ: [Double]
    var accP: [Double]
    var accQ: [Double]
    var pSend: [Double]
    var qSend: [Double]
    var ell: [Double]
    var v: [Double]
    /// Whether `v` holds the last solve's converged voltages.
    var hasSolution = false

    /// A solver for the feeder's normal switch state.
    public init(feeder: Feeder, options: DistFlowOptions = DistFlowOptions()) {
        self.init(feeder: feeder, tree: feeder.normalTree, options: options)
    }

    /// A solver for one radial tree of the feeder (any switch state, any root).
    public init(feeder: Feeder, tree: RadialTree, options: DistFlowOptions = DistFlowOptions()) {
        self.tree = tree
        self.options = options
        busCount = feeder.buses.count
        branchCount = feeder.branches.count
        circuits = Array(repeating: 1, count: branchCount)
        busNumbers = feeder.buses.map(\.number)
        perUnitPerKW = 1 / (1000 * feeder.baseMVA)
        kWPerUnit = 1000 * feeder.baseMVA
        amperesPerUnit = feeder.baseMVA * 1e6 / (3.0.squareRoot() * feeder.baseKV * 1e3)
        let zBase = feeder.impedanceBaseOhm
        rCircuit = feeder.branches.map { $0.rOhm / zBase }
        xCircuit = feeder.branches.map { $0.xOhm / zBase }
        ratingKVA = feeder.branches.map(\.ratingKVA)
        busAt = tree.order
        var position = [Int](repeating: -1, count: busCount)
        for (k, bus) in tree.order.enumerated() { position[bus] = k }
        positionOfBus = position
        parentAt = tree.order.map { $0 == tree.root ? -1 : position[tree.parent[$0]] }
        branchAt = tree.order.map { tree.parentBranch[$0] }
        var branchPosition = [Int](repeating: -1, count: branchCount)
        for (k, b) in branchAt.enumerated() where b >= 0 { branchPosition[b] = k }
        positionOfBranchArray = branchPosition
        let n = tree.order.count
        r = branchAt.map { $0 >= 0 ? feeder.branches[$0].rOhm / zBase : 0 }
        x = branchAt.map { $0 >= 0 ? feeder.branches[$0].xOhm / zBase : 0 }
        z2 = zip(r, x).map { $0 * $0 + $1 * $1 }
        loadP = Array(repeating: 0, count: n)
        loadQ = loadP
        accP = loadP
        accQ = loadP
        pSend = loadP
        qSend = loadP
        ell = loadP
        v = loadP
    }

    /// Sets the number of identical parallel circuits of a branch (>= 1); its impedance
    /// becomes (r + jx) / count and its rating count × rating.
    public mutating func setCircuits(_ count: Int, onBranch branch: Int) {
        precondition(count >= 1, "a branch has at least one circuit")
        circuits[branch] = count
        let k = positionOfBranch(branch)
        guard k >= 0 else { return }
        r[k] = rCircuit[branch] / Double(count)
        x[k] = xCircuit[branch] / Double(count)
        z2[k] = r[k] * r[k] + x[k] * x[k]
    }

    /// Back to one circuit on every branch.
    public mutating func resetCircuits() {
        for b in 0..<branchCount where circuits[b] != 1 { setCircuits(1, onBranch: b) }
    }

    /// The tree position fed by a branch, or -1 when the branch is not in the tree.
    func positionOfBranch(_ branch: Int) -> Int { positionOfBranchArray[branch] }

    /// Solves the power flow and returns the headline figures, allocating nothing.
    ///
    /// - Parameters:
    ///   - loads: constant-power loads by bus index (loads outside the tree are ignored:
    ///     those buses are not energised).
    ///   - sourceVoltage: the root bus voltage, pu.
    public mutating func solveSummary(loads: BusLoads, sourceVoltage: Double) throws(PowerFlowError) -> PowerFlowSummary {
        try solveSummary(loads: loads, sourceVoltage: sourceVoltage, warm: false)
    }

    /// As ``solveSummary(loads:sourceVoltage:)``; with `warm`, the sweep starts from the
    /// last solution when there is one (after a small change, such as one added circuit),
    /// falling back to a flat start if that fails, so failures keep their meaning.
    mutating func solveSummary(loads: BusLoads, sourceVoltage: Double, warm: Bool) throws(PowerFlowError) -> PowerFlowSummary {
        guard loads.count == busCount else {
            throw .invalidInput("loads for \(loads.count) buses, the feeder has \(busCount)")
        }
        guard sourceVoltage.isFinite, sourceVoltage > 0 else {
            throw .invalidInput("source voltage must be > 0 pu, found \(sourceVoltage)")
        }
        let n = busAt.count
        for k in 0..<n {
            let p = loads.pKW[busAt[k]]
            let q = loads.qKVAr[busAt[k]]
            guard p.isFinite, q.isFinite else {
                throw .invalidInput("load at bus \(busNumbers[busAt[k]]) is not finite")
            }
            loadP[k] = p * perUnitPerKW
            loadQ[k] = q * perUnitPerKW
        }
        let v0 = sourceVoltage * sourceVoltage
        var status = sweep(v0: v0, warm: warm && hasSolution && v[0] == v0)
        if status.collapsedAt >= 0 || !status.converged, warm {
            status = sweep(v0: v0, warm: false)
        }
        hasSolution = status.collapsedAt < 0 && status.converged
        if status.collapsedAt >= 0 {
            throw .voltageCollapse(bus: busNumbers[busAt[status.collapsedAt]], iteration: status.iterations)
        }
        if !status.converged {
            throw .notConverged(iterations: status.iterations, lastChange: status.lastChange)
        }
        return summarise(iterations: status.iterations)
    }

    /// The sweep itself, on the arrays already loaded; returns how it ended.
    private mutating func sweep(v0: Double, warm: Bool) -> (iterations: Int, converged: Bool, collapsedAt: Int, lastChange: Double) {
        let n = busAt.count
        let tolerance = options.tolerance
        let maxIterations = options.maxIterations
        var result = (iterations: 0, converged: false, collapsedAt: -1, lastChange: Double.infinity)
        // Work on raw buffers: the loops are the whole cost of a solve.
        parentAt.withUnsafeBufferPointer { parent in
        r.withUnsafeBufferPointer { r in
        x.withUnsafeBufferPointer { x in
        z2.withUnsafeBufferPointer { z2 in
        loadP.withUnsafeBufferPointer { loadP in
        loadQ.withUnsafeBufferPointer { loadQ in
        accP.withUnsafeMutableBufferPointer { accP in
        accQ.withUnsafeMutableBufferPointer { accQ in
        pSend.withUnsafeMutableBufferPointer { pSend in
        qSend.withUnsafeMutableBufferPointer { qSend in
        ell.withUnsafeMutableBufferPointer { ell in
        v.withUnsafeMutableBufferPointer { v in
            if !warm { for k in 0..<n { v[k] = v0 } }
            for iteration in 1...max(1, maxIterations) {
                result.iterations = iteration
                // Backward: receiving-end flows, then add each branch's loss.
                for k in 0..<n {
                    accP[k] = loadP[k]
                    accQ[k] = loadQ[k]
                }
                var k = n - 1
                while k > 0 {
                    let pr = accP[k]
                    let qr = accQ[k]
                    let l = (pr * pr + qr * qr) / v[k]
                    let ps = pr + r[k] * l
                    let qs = qr + x[k] * l
                    pSend[k] = ps
                    qSend[k] = qs
                    ell[k] = l
                    let p = parent[k]
                    accP[p] += ps
                    accQ[p] += qs
                    k -= 1
                }
                // Forward: squared voltages from the root.
                var change = 0.0
                for k in 1..<max(1, n) {
                    let updated = v[parent[k]] - 2 * (r[k] * pSend[k] + x[k] * qSend[k]) + z2[k] * ell[k]
                    guard updated > 0, updated.isFinite else {
                        result.collapsedAt = k
                        return
                    }
                    change = max(change, abs(updated - v[k]))
                    v[k] = updated
                }
                result.lastChange = change
                if change <= tolerance {
                    result.converged = true
                    return
                }
            }
        }}}}}}}}}}}}
        return result
    }

    private func summarise(iterations: Int) -> PowerFlowSummary {
        let n = busAt.count
        var minV = v[0]
        var minK = 0
        var maxV = v[0]
        var loss = 0.0
        for k in 1..<max(1, n) {
            if v[k] < minV {
                minV = v[k]
                minK = k
            }
            maxV = max(maxV, v[k])
            loss += r[k] * ell[k]
        }
        return PowerFlowSummary(
            iterations: iterations, minVoltage: minV.squareRoot(), minVoltageBus: busAt[minK],
            maxVoltage: maxV.squareRoot(), lossesKW: loss * kWPerUnit,
            substationPKW: accP[0] * kWPerUnit, substationQKVAr: accQ[0] * kWPerUnit)
    }

    /// Solves the power flow and returns every bus voltage and branch flow.
    public mutating func solve(loads: BusLoads, sourceVoltage: Double) throws(PowerFlowError) -> PowerFlowSolution {
        let summary = try solveSummary(loads: loads, sourceVoltage: sourceVoltage)
        var voltage = [Double](repeating: .nan, count: busCount)
        var branchP = [Double](repeating: 0, count: branchCount)
        var branchQ = branchP
        var branchLoss = branchP
        var branchS = branchP
        var branchI = branchP
        voltage[busAt[0]] = v[0].squareRoot()
        for k in 1..<max(1, busAt.count) {
            voltage[busAt[k]] = v[k].squareRoot()
            let b = branchAt[k]
            branchP[b] = pSend[k] * kWPerUnit
            branchQ[b] = qSend[k] * kWPerUnit
            branchLoss[b] = r[k] * ell[k] * kWPerUnit
            let sending = (pSend[k] * pSend[k] + qSend[k] * qSend[k]).squareRoot()
            let pr = pSend[k] - r[k] * ell[k]
            let qr = qSend[k] - x[k] * ell[k]
            branchS[b] = max(sending, (pr * pr + qr * qr).squareRoot()) * kWPerUnit
            branchI[b] = ell[k].squareRoot() * amperesPerUnit
        }
        return PowerFlowSolution(
            summary: summary, voltage: voltage, branchPKW: branchP, branchQKVAr: branchQ,
            branchLossKW: branchLoss, branchKVA: branchS, branchCurrentA: branchI)
    }

    /// The linearised power flow (LinDistFlow) on the same tree and circuits.
    ///
    /// LinDistFlow drops the loss terms: branch flows are sums of the loads downstream and
    /// `v_j = v_i - 2 (r P + x Q)` with v = |V|². It always returns numbers, even for loads
    /// no AC solution can carry — compare with the exact flow before trusting it.
    public func linDistFlow(loads: BusLoads, sourceVoltage: Double) -> LinDistFlowSolution {
        precondition(loads.count == busCount, "loads must have one entry per bus")
        let n = busAt.count
        var p = busAt.map { loads.pKW[$0] * perUnitPerKW }
        var q = busAt.map { loads.qKVAr[$0] * perUnitPerKW }
        var k = n - 1
        while k > 0 {
            p[parentAt[k]] += p[k]
            q[parentAt[k]] += q[k]
            k -= 1
        }
        var vt = [Double](repeating: sourceVoltage * sourceVoltage, count: n)
        for k in 1..<max(1, n) {
            vt[k] = vt[parentAt[k]] - 2 * (r[k] * p[k] + x[k] * q[k])
        }
        var squared = [Double](repeating: .nan, count: busCount)
        var branchP = [Double](repeating: 0, count: branchCount)
        var branchQ = branchP
        var minK = 0
        for k in 0..<n {
            squared[busAt[k]] = vt[k]
            if vt[k] < vt[minK] { minK = k }
            if k > 0 {
                branchP[branchAt[k]] = p[k] * kWPerUnit
                branchQ[branchAt[k]] = q[k] * kWPerUnit
            }
        }
        return LinDistFlowSolution(
            squaredVoltage: squared, minSquaredVoltage: vt[minK], minVoltageBus: busAt[minK],
            branchPKW: branchP, branchQKVAr: branchQ,
            substationPKW: p[0] * kWPerUnit, substationQKVAr: q[0] * kWPerUnit)
    }
}

/// The result of LinDistFlow, by bus and branch index.
public struct LinDistFlowSolution: Sendable, Equatable {
    /// v = |V|² by bus index, pu² (`nan` outside the tree). May be negative: the linear
    /// model does not know that the feeder cannot carry the load.
    public var squaredVoltage: [Double]
    /// The lowest v, pu².
    public var minSquaredVoltage: Double
    /// The bus index with the lowest voltage.
    public var minVoltageBus: Int
    /// Active power into each branch (sum of the loads beyond it), kW.
    public var branchPKW: [Double]
    /// Reactive power into each branch, kVAr.
    public var branchQKVAr: [Double]
    /// Active power from the substation (total load, no losses), kW.
    public var substationPKW: Double
    /// Reactive power from the substation, kVAr.
    public var substationQKVAr: Double

    /// Voltage magnitudes √v by bus index, pu (`nan` where v < 0).
    public var voltage: [Double] { squaredVoltage.map { $0 >= 0 ? $0.squareRoot() : .nan } }
    /// The lowest voltage magnitude √v, pu (`nan` when v < 0).
    public var minVoltage: Double { minSquaredVoltage >= 0 ? minSquaredVoltage.squareRoot() : .nan }
    /// Apparent power from the substation, kVA.
    public var substationKVA: Double { (substationPKW * substationPKW + substationQKVAr * substationQKVAr).squareRoot() }
}

/// How far LinDistFlow is from the exact flow on one case.
public struct LinDistFlowError: Sendable, Equatable {
    /// Largest |V_lin - V_exact| over the buses, pu.
    public var maxVoltageError: Double
    /// LinDistFlow's minimum voltage minus the exact minimum, pu (positive: optimistic).
    public var minVoltageError: Double
    /// LinDistFlow's substation kVA minus the exact one (negative: it under-prices the
    /// substation by leaving out the losses).
    public var substationKVAError: Double

    /// Compares the two solutions of the same case.
    public init(exact: PowerFlowSolution, linear: LinDistFlowSolution) {
        var worst = 0.0
        for (e, l) in zip(exact.voltage, linear.voltage) where !e.isNaN {
            worst = max(worst, l.isNaN ? .infinity : abs(l - e))
        }
        maxVoltageError = worst
        minVoltageError = linear.minVoltage - exact.summary.minVoltage
        substationKVAError = linear.substationKVA - exact.summary.substationKVA
    }
}

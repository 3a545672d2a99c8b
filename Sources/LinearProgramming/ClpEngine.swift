import CClp

/// The Clp backend. Bound and cost edits are mirrored in Swift arrays and pushed to Clp
/// in one call per array just before a solve, which keeps Clp's change tracking right.
final class ClpEngine: SolverEngine {
    private let model: UnsafeMutableRawPointer
    private var columnLower: [Double]
    private var columnUpper: [Double]
    private var rowLower: [Double]
    private var rowUpper: [Double]
    private var costs: [Double]
    private var dirtyColumnBounds = false
    private var dirtyRowBounds = false
    private var dirtyCosts = false

    init(_ program: LinearProgram) {
        model = Clp_newModel()
        Clp_setLogLevel(model, 0)
        // Scaling is redone on every re-solve after a change; the models here are small and
        // well scaled, and without it warm re-solves are faster.
        Clp_scaling(model, 0)
        let sign = program.sense == .maximize ? -1.0 : 1.0
        columnLower = program.variables.map { ClpEngine.clpValue($0.lower) }
        columnUpper = program.variables.map { ClpEngine.clpValue($0.upper) }
        costs = program.variables.map { sign * $0.cost }
        rowLower = program.constraints.map { ClpEngine.clpValue($0.lower) }
        rowUpper = program.constraints.map { ClpEngine.clpValue($0.upper) }
        let matrix = program.compressedColumns()
        let starts = matrix.starts.map { CoinBigIndex($0) }
        let rows = matrix.rows.map { Int32($0) }
        Clp_loadProblem(
            model, Int32(program.variableCount), Int32(program.constraintCount),
            starts, rows, matrix.values, columnLower, columnUpper, costs, rowLower, rowUpper)
    }

    deinit {
        Clp_deleteModel(model)
    }

    /// Clp reads ±DBL_MAX as infinite bounds.
    private static func clpValue(_ value: Double) -> Double {
        if value == .infinity { return .greatestFiniteMagnitude }
        if value == -.infinity { return -.greatestFiniteMagnitude }
        return value
    }

    func setColumnBounds(_ index: Int, lower: Double, upper: Double) {
        columnLower[index] = ClpEngine.clpValue(lower)
        columnUpper[index] = ClpEngine.clpValue(upper)
        dirtyColumnBounds = true
    }

    func setRowBounds(_ index: Int, lower: Double, upper: Double) {
        rowLower[index] = ClpEngine.clpValue(lower)
        rowUpper[index] = ClpEngine.clpValue(upper)
        dirtyRowBounds = true
    }

    func setCost(_ index: Int, _ cost: Double) {
        costs[index] = cost
        dirtyCosts = true
    }

    func addColumn(lower: Double, upper: Double, cost: Double, rows: [Int32], values: [Double]) {
        let lo = ClpEngine.clpValue(lower)
        let up = ClpEngine.clpValue(upper)
        var starts: [CoinBigIndex] = [0, CoinBigIndex(rows.count)]
        var lowerCopy = lo
        var upperCopy = up
        var costCopy = cost
        Clp_addColumns(model, 1, &lowerCopy, &upperCopy, &costCopy, &starts, rows, values)
        columnLower.append(lo)
        columnUpper.append(up)
        costs.append(cost)
    }

    // Clp status codes: 0 free, 1 basic, 2 at upper, 3 at lower, 4 superbasic, 5 fixed.
    private static func status(_ code: Int32) -> LPBasis.Status {
        switch code {
        case 1: return .basic
        case 2: return .atUpper
        case 0: return .free
        case 4: return .superbasic
        default: return .atLower
        }
    }

    private static func code(_ status: LPBasis.Status) -> Int32 {
        switch status {
        case .basic: return 1
        case .atUpper: return 2
        case .free: return 0
        case .superbasic: return 4
        case .atLower: return 3
        }
    }

    func basis(columns: Int, rows: Int) -> LPBasis {
        LPBasis(
            columnStatus: (0..<columns).map { ClpEngine.status(Clp_getColumnStatus(model, Int32($0))) },
            rowStatus: (0..<rows).map { ClpEngine.status(Clp_getRowStatus(model, Int32($0))) })
    }

    func restore(_ basis: LPBasis) {
        pushChanges()
        for (j, status) in basis.columnStatus.enumerated() { Clp_setColumnStatus(model, Int32(j), ClpEngine.code(status)) }
        for (i, status) in basis.rowStatus.enumerated() { Clp_setRowStatus(model, Int32(i), ClpEngine.code(status)) }
    }

    func removeColumns(from first: Int, count: Int) {
        let which = (first..<count).map { Int32($0) }
        Clp_deleteColumns(model, Int32(which.count), which)
        columnLower.removeLast(count - first)
        columnUpper.removeLast(count - first)
        costs.removeLast(count - first)
    }

    private func pushChanges() {
        let m = model
        if dirtyColumnBounds {
            Clp_chgColumnLower(m, columnLower)
            Clp_chgColumnUpper(m, columnUpper)
        }
        if dirtyRowBounds {
            Clp_chgRowLower(m, rowLower)
            Clp_chgRowUpper(m, rowUpper)
        }
        if dirtyCosts { Clp_chgObjCoefficients(m, costs) }
        dirtyColumnBounds = false
        dirtyRowBounds = false
        dirtyCosts = false
    }

    func solve(method: SolveMethod, limits: LPLimits, isMIP: Bool) throws(LPError) -> LPSolution {
        let m = model
        pushChanges()
        Clp_setMaximumIterations(m, Int32(clamping: limits.maxIterations ?? 2_147_483_647))
        Clp_setMaximumSeconds(m, limits.maxSeconds ?? -1)
        switch method {
        case .cold:
            let options = ClpSolve_new()
            defer { ClpSolve_delete(options) }
            // Clp's default interrupt handling points a process-wide SIGINT handler at
            // the model being solved: not thread-safe (a Ctrl-C during concurrent solves
            // crashed the planner) and it replaces the caller's own handler. Off, as
            // ClpSolve.hpp advises for threaded use; the simplex itself is unchanged.
            ClpSolve_setSpecialOption(options, 2, 1, -1)
            if !limits.presolve { ClpSolve_setPresolveType(options, 1, -1) }  // ClpSolve::presolveOff
            _ = Clp_initialSolveWithOptions(m, options)
        case .warmDual: _ = Clp_dual(m, 0)
        case .warmPrimal: _ = Clp_primal(m, 0)
        }
        // problemStatus: 0 optimal, 1 primal infeasible, 2 dual infeasible, 3 limit,
        // 4 errors, 5 stopped by event handler.
        switch Clp_status(m) {
        case 0: break
        case 1: throw .infeasible
        case 2: throw .unbounded
        case 3: throw .limitReached("Clp stopped on its iteration or time limit", incumbent: nil)
        default:
            throw .numericalFailure("Clp status \(Clp_status(m)), secondary \(Clp_secondaryStatus(m))")
        }
        let columnCount = columnLower.count
        let rowCount = rowLower.count
        let primal = Array(UnsafeBufferPointer(start: Clp_primalColumnSolution(m), count: columnCount))
        let activity = Array(UnsafeBufferPointer(start: Clp_primalRowSolution(m), count: rowCount))
        let duals = Array(UnsafeBufferPointer(start: Clp_dualRowSolution(m), count: rowCount))
        let reduced = Array(UnsafeBufferPointer(start: Clp_dualColumnSolution(m), count: columnCount))
        return LPSolution(
            objective: Clp_objectiveValue(m), primal: primal, rowActivity: activity,
            rowDuals: duals, reducedCosts: reduced, iterations: Int(Clp_numberIterations(m)),
            mipGap: nil)
    }
}

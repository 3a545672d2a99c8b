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
        case .cold: _ = Clp_initialSolve(m)
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

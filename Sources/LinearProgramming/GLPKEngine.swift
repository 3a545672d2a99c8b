import CGLPK

#if canImport(Glibc)
    import Glibc
#endif

/// The GLPK backend (LPs by simplex, MIPs by branch and cut).
///
/// GLPK keeps its memory accounting in thread-local storage: a problem object must be
/// freed on the thread that created it, so the engine checks that in `deinit`, and its
/// terminal output switch is per thread, so every entry point turns it off.
final class GLPKEngine: SolverEngine {
    private let problem: OpaquePointer
    private let owner: pthread_t
    private var columnCount: Int32
    private let rowCount: Int32

    init(_ program: LinearProgram) {
        glp_term_out(GLP_OFF)
        owner = pthread_self()
        problem = glp_create_prob()
        glp_set_obj_dir(problem, GLP_MIN)
        rowCount = Int32(program.constraintCount)
        columnCount = Int32(program.variableCount)
        let sign = program.sense == .maximize ? -1.0 : 1.0
        if rowCount > 0 { glp_add_rows(problem, rowCount) }
        if columnCount > 0 { glp_add_cols(problem, columnCount) }
        for (i, row) in program.constraints.enumerated() {
            GLPKEngine.setRowBounds(problem, Int32(i + 1), row.lower, row.upper)
        }
        for (j, column) in program.variables.enumerated() {
            let index = Int32(j + 1)
            GLPKEngine.setColumnBounds(problem, index, column.lower, column.upper)
            glp_set_obj_coef(problem, index, sign * column.cost)
            if column.isInteger { glp_set_col_kind(problem, index, GLP_IV) }
        }
        // GLPK arrays are 1-based with an unused element 0.
        let matrix = program.compressedColumns()
        var ia: [Int32] = [0]
        var ja: [Int32] = [0]
        var ar: [Double] = [0]
        for j in 0..<program.variableCount {
            for k in matrix.starts[j]..<matrix.starts[j + 1] {
                ia.append(matrix.rows[k] + 1)
                ja.append(Int32(j + 1))
                ar.append(matrix.values[k])
            }
        }
        if ia.count > 1 { glp_load_matrix(problem, Int32(ia.count - 1), ia, ja, ar) }
    }

    deinit {
        precondition(
            pthread_equal(owner, pthread_self()) != 0,
            "a GLPK-backed LPSolver must be released on the thread that created it")
        glp_delete_prob(problem)
    }

    private static func setRowBounds(_ p: OpaquePointer, _ i: Int32, _ lower: Double, _ upper: Double) {
        let (kind, lo, up) = boundType(lower, upper)
        glp_set_row_bnds(p, i, kind, lo, up)
    }

    private static func setColumnBounds(_ p: OpaquePointer, _ j: Int32, _ lower: Double, _ upper: Double) {
        let (kind, lo, up) = boundType(lower, upper)
        glp_set_col_bnds(p, j, kind, lo, up)
    }

    private static func boundType(_ lower: Double, _ upper: Double) -> (Int32, Double, Double) {
        switch (lower.isFinite, upper.isFinite) {
        case (false, false): return (GLP_FR, 0, 0)
        case (true, false): return (GLP_LO, lower, 0)
        case (false, true): return (GLP_UP, 0, upper)
        case (true, true): return (lower == upper ? GLP_FX : GLP_DB, lower, upper)
        }
    }

    func setColumnBounds(_ index: Int, lower: Double, upper: Double) {
        GLPKEngine.setColumnBounds(problem, Int32(index + 1), lower, upper)
    }

    func setRowBounds(_ index: Int, lower: Double, upper: Double) {
        GLPKEngine.setRowBounds(problem, Int32(index + 1), lower, upper)
    }

    func setCost(_ index: Int, _ cost: Double) {
        glp_set_obj_coef(problem, Int32(index + 1), cost)
    }

    func addColumn(lower: Double, upper: Double, cost: Double, rows: [Int32], values: [Double]) {
        glp_term_out(GLP_OFF)
        let j = glp_add_cols(problem, 1)
        columnCount += 1
        GLPKEngine.setColumnBounds(problem, j, lower, upper)
        glp_set_obj_coef(problem, j, cost)
        let ind: [Int32] = [0] + rows.map { $0 + 1 }
        let val: [Double] = [0] + values
        glp_set_mat_col(problem, j, Int32(rows.count), ind, val)
    }

    private static func status(_ code: Int32) -> LPBasis.Status {
        switch code {
        case GLP_BS: return .basic
        case GLP_NU: return .atUpper
        case GLP_NF: return .free
        default: return .atLower  // GLP_NL, and GLP_NS (fixed) restores as at-lower
        }
    }

    private static func code(_ status: LPBasis.Status) -> Int32 {
        switch status {
        case .basic: return GLP_BS
        case .atUpper: return GLP_NU
        case .free, .superbasic: return GLP_NF
        case .atLower: return GLP_NL
        }
    }

    func basis(columns: Int, rows: Int) -> LPBasis {
        LPBasis(
            columnStatus: (0..<columns).map { GLPKEngine.status(glp_get_col_stat(problem, Int32($0 + 1))) },
            rowStatus: (0..<rows).map { GLPKEngine.status(glp_get_row_stat(problem, Int32($0 + 1))) })
    }

    func restore(_ basis: LPBasis) {
        // GLPK fixes up a status that does not fit the bound type (e.g. NL on a free column).
        for (j, status) in basis.columnStatus.enumerated() { glp_set_col_stat(problem, Int32(j + 1), GLPKEngine.code(status)) }
        for (i, status) in basis.rowStatus.enumerated() { glp_set_row_stat(problem, Int32(i + 1), GLPKEngine.code(status)) }
    }

    func removeColumns(from first: Int, count: Int) {
        glp_term_out(GLP_OFF)
        let numbers: [Int32] = [0] + (first..<count).map { Int32($0 + 1) }
        glp_del_cols(problem, Int32(count - first), numbers)
        columnCount = Int32(first)
    }

    func solve(method: SolveMethod, limits: LPLimits, isMIP: Bool) throws(LPError) -> LPSolution {
        glp_term_out(GLP_OFF)
        return isMIP ? try solveMIP(limits: limits) : try solveLP(method: method, limits: limits)
    }

    private func solveLP(method: SolveMethod, limits: LPLimits) throws(LPError) -> LPSolution {
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        // Dual simplex keeps dual feasibility after bound changes; primal after new columns.
        parm.meth = method == .warmDual ? GLP_DUALP : GLP_PRIMAL
        if let iterations = limits.maxIterations { parm.it_lim = Int32(clamping: iterations) }
        if let seconds = limits.maxSeconds { parm.tm_lim = Int32(clamping: Int(seconds * 1000)) }
        var code = glp_simplex(problem, &parm)
        if code == GLP_EBADB || code == GLP_ESING || code == GLP_ECOND {
            // The kept basis is unusable: rebuild a standard one and try once more.
            glp_std_basis(problem)
            parm.meth = GLP_PRIMAL
            code = glp_simplex(problem, &parm)
        }
        switch code {
        case 0: break
        case GLP_EITLIM, GLP_ETMLIM:
            throw .limitReached("GLPK stopped on its iteration or time limit", incumbent: nil)
        default:
            throw .numericalFailure("glp_simplex returned \(code)")
        }
        switch glp_get_status(problem) {
        case GLP_OPT: break
        case GLP_NOFEAS, GLP_INFEAS: throw .infeasible
        case GLP_UNBND: throw .unbounded
        case let status:
            // GLP_UNDEF or GLP_FEAS after a clean return: ask the dual side for the reason.
            if glp_get_dual_stat(problem) == GLP_NOFEAS { throw .unbounded }
            throw .numericalFailure("GLPK ended with status \(status)")
        }
        let columns = Int(columnCount)
        let rows = Int(rowCount)
        return LPSolution(
            objective: glp_get_obj_val(problem),
            primal: (0..<columns).map { glp_get_col_prim(problem, Int32($0 + 1)) },
            rowActivity: (0..<rows).map { glp_get_row_prim(problem, Int32($0 + 1)) },
            rowDuals: (0..<rows).map { glp_get_row_dual(problem, Int32($0 + 1)) },
            reducedCosts: (0..<columns).map { glp_get_col_dual(problem, Int32($0 + 1)) },
            iterations: nil, mipGap: nil)
    }

    private func solveMIP(limits: LPLimits) throws(LPError) -> LPSolution {
        var parm = glp_iocp()
        glp_init_iocp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.presolve = GLP_ON
        parm.mip_gap = limits.mipRelativeGap
        if let seconds = limits.maxSeconds { parm.tm_lim = Int32(clamping: Int(seconds * 1000)) }
        let code = glp_intopt(problem, &parm)
        let status = glp_mip_status(problem)
        let columns = Int(columnCount)
        let rows = Int(rowCount)
        func incumbent() -> LPSolution {
            LPSolution(
                objective: glp_mip_obj_val(problem),
                primal: (0..<columns).map { glp_mip_col_val(problem, Int32($0 + 1)) },
                rowActivity: (0..<rows).map { glp_mip_row_val(problem, Int32($0 + 1)) },
                rowDuals: [], reducedCosts: [], iterations: nil, mipGap: nil)
        }
        switch code {
        case 0, GLP_EMIPGAP: break
        case GLP_ENOPFS: throw .infeasible
        case GLP_ENODFS: throw .unbounded
        case GLP_ETMLIM:
            let kept = status == GLP_FEAS ? incumbent() : nil
            throw .limitReached("GLPK branch and cut hit its time limit", incumbent: kept)
        default:
            throw .numericalFailure("glp_intopt returned \(code)")
        }
        switch status {
        case GLP_OPT, GLP_FEAS:
            var solution = incumbent()
            solution.mipGap = code == GLP_EMIPGAP ? limits.mipRelativeGap : 0
            return solution
        case GLP_NOFEAS: throw .infeasible
        default: throw .numericalFailure("GLPK MIP ended with status \(status)")
        }
    }
}

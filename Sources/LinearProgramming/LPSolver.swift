/// A solver instance that owns one backend model and re-solves it warm after changes.
///
/// Build it from a ``LinearProgram``, call ``solve()``, then change bounds, costs or add
/// columns and call ``solve()`` again: the backend keeps its basis, so a re-solve after a
/// small change costs a fraction of a cold solve (dual simplex after bound changes,
/// primal simplex after cost changes or new columns).
///
/// An `LPSolver` is not `Sendable`: create, use and drop it on one thread. GLPK ties its
/// problem objects to the thread that made them (freeing one elsewhere aborts the
/// process), so keep each solver inside one synchronous function or one worker thread.
public final class LPSolver {
    /// The backend in use.
    public let backend: LPBackend
    /// Limits applied to every solve.
    public var limits: LPLimits
    /// The program as currently modified.
    public private(set) var program: LinearProgram

    private let engine: any SolverEngine
    private var hasSolved = false
    private var costsOrColumnsChanged = false

    /// Loads `program` into a new backend model.
    public init(_ program: LinearProgram, backend: LPBackend = .clp, limits: LPLimits = LPLimits())
        throws(LPError)
    {
        try program.validate()
        if program.hasIntegers && backend == .clp {
            throw .invalidModel("integer variables need the GLPK backend (Clp solves LPs only)")
        }
        self.backend = backend
        self.limits = limits
        self.program = program
        switch backend {
        case .clp: engine = ClpEngine(program)
        case .glpk: engine = GLPKEngine(program)
        }
    }

    /// Solves the program, warm from the previous basis when there is one.
    ///
    /// - Throws: ``LPError`` for infeasible, unbounded, numerical trouble or a limit.
    public func solve() throws(LPError) -> LPSolution {
        let method: SolveMethod =
            !hasSolved ? .cold : (costsOrColumnsChanged ? .warmPrimal : .warmDual)
        var solution = try engine.solve(method: method, limits: limits, isMIP: program.hasIntegers)
        hasSolved = true
        costsOrColumnsChanged = false
        if program.sense == .maximize {
            // Backends always minimise the negated objective: turn values back.
            solution.objective = -solution.objective
            solution.rowDuals = solution.rowDuals.map { -$0 }
            solution.reducedCosts = solution.reducedCosts.map { -$0 }
        }
        return solution
    }

    /// Changes a variable's bounds for the next solve.
    public func setVariableBounds(_ index: Int, lower: Double, upper: Double) {
        precondition(index >= 0 && index < program.variableCount, "variable index out of range")
        precondition(lower <= upper, "lower bound above upper bound")
        program.setBounds(ofVariable: index, lower: lower, upper: upper)
        engine.setColumnBounds(index, lower: lower, upper: upper)
    }

    /// Changes a constraint's bounds (its right-hand side) for the next solve.
    public func setConstraintBounds(_ index: Int, lower: Double, upper: Double) {
        precondition(index >= 0 && index < program.constraintCount, "constraint index out of range")
        precondition(lower <= upper, "lower bound above upper bound")
        program.setBounds(ofConstraint: index, lower: lower, upper: upper)
        engine.setRowBounds(index, lower: lower, upper: upper)
    }

    /// Changes a variable's cost for the next solve.
    public func setCost(_ index: Int, _ cost: Double) {
        precondition(index >= 0 && index < program.variableCount, "variable index out of range")
        precondition(cost.isFinite, "cost must be finite")
        program.setCost(ofVariable: index, cost)
        engine.setCost(index, program.sense == .maximize ? -cost : cost)
        costsOrColumnsChanged = true
    }

    /// Appends a continuous column (for column generation) and returns its index.
    /// The current basis stays valid; the next solve continues from it.
    @discardableResult
    public func addColumn(_ column: LPColumn) -> Int {
        precondition(column.lower <= column.upper && column.cost.isFinite, "malformed column")
        let index = program.addVariable(lower: column.lower, upper: column.upper, cost: column.cost)
        var merged: [Int: Double] = [:]
        for term in column.terms {
            precondition(term.variable >= 0 && term.variable < program.constraintCount, "row index out of range")
            merged[term.variable, default: 0] += term.coefficient
        }
        let rows = merged.keys.sorted().filter { merged[$0] != 0 }
        engine.addColumn(
            lower: column.lower, upper: column.upper,
            cost: program.sense == .maximize ? -column.cost : column.cost,
            rows: rows.map { Int32($0) }, values: rows.map { merged[$0]! })
        // Keep the program's own copy in step so `program` describes the model solved.
        program.appendTerms(ofNewColumn: index, rows: rows, values: rows.map { merged[$0]! })
        costsOrColumnsChanged = true
        return index
    }

    /// The current simplex basis, to return to later with ``restore(_:)``.
    public func basis() -> LPBasis {
        engine.basis(columns: program.variableCount, rows: program.constraintCount)
    }

    /// Returns to a saved basis. Columns added after the basis was saved become
    /// non-basic at their lower bound. The next solve starts from it by dual simplex, so
    /// a solve that follows a restore depends only on the saved state and the current
    /// model, not on what was solved in between: the way to make warm solves reproducible.
    public func restore(_ basis: LPBasis) {
        precondition(basis.rowStatus.count == program.constraintCount, "basis of another model")
        precondition(basis.columnStatus.count <= program.variableCount, "basis has more columns than the model")
        var columns = basis.columnStatus
        columns += [LPBasis.Status](repeating: .atLower, count: program.variableCount - columns.count)
        engine.restore(LPBasis(columnStatus: columns, rowStatus: basis.rowStatus))
        hasSolved = true
        costsOrColumnsChanged = false
    }

    /// Deletes the columns with index `first` and above (those added by column generation
    /// since some point), so the model returns to its earlier size.
    public func removeColumns(from first: Int) {
        precondition(first >= 0 && first <= program.variableCount, "column index out of range")
        guard first < program.variableCount else { return }
        engine.removeColumns(from: first, count: program.variableCount)
        program.truncateVariables(to: first)
        costsOrColumnsChanged = true
    }

    /// Convenience: `addColumn(LPColumn(...))`.
    @discardableResult
    public func addColumn(cost: Double, lower: Double = 0, upper: Double = .infinity, terms: [(Int, Double)]) -> Int {
        addColumn(LPColumn(lower: lower, upper: upper, cost: cost, terms: terms))
    }
}

extension LinearProgram {
    mutating func appendTerms(ofNewColumn column: Int, rows: [Int], values: [Double]) {
        for (row, value) in zip(rows, values) {
            appendTerm(row: row, term: Term(column, value))
        }
    }
}

enum SolveMethod {
    case cold
    case warmDual
    case warmPrimal
}

/// What every backend does; costs arrive already in minimisation sense.
protocol SolverEngine: AnyObject {
    func setColumnBounds(_ index: Int, lower: Double, upper: Double)
    func setRowBounds(_ index: Int, lower: Double, upper: Double)
    func setCost(_ index: Int, _ cost: Double)
    func addColumn(lower: Double, upper: Double, cost: Double, rows: [Int32], values: [Double])
    func solve(method: SolveMethod, limits: LPLimits, isMIP: Bool) throws(LPError) -> LPSolution
    func basis(columns: Int, rows: Int) -> LPBasis
    func restore(_ basis: LPBasis)
    func removeColumns(from first: Int, count: Int)
}

/// A simplex basis: the status of every column and row.
public struct LPBasis: Sendable, Equatable {
    /// Where a variable or row activity sits in a basis.
    public enum Status: Sendable, Equatable {
        case basic, atLower, atUpper, free, superbasic
    }

    public var columnStatus: [Status]
    public var rowStatus: [Status]

    public init(columnStatus: [Status], rowStatus: [Status]) {
        self.columnStatus = columnStatus
        self.rowStatus = rowStatus
    }
}

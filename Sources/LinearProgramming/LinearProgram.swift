/// A linear program (or small mixed-integer program) in sparse form, built row by row.
///
/// Variables have bounds and a cost; constraints are ranges `lower <= a·x <= upper`
/// (use `-.infinity` / `.infinity` for one-sided rows and equal bounds for equalities).
/// The program is a plain value: build it, then hand it to an ``LPSolver``.
///
/// ```swift
/// var lp = LinearProgram(sense: .maximize)
/// let x = lp.addVariable(upper: 4, cost: 3)
/// let y = lp.addVariable(cost: 5)
/// lp.addConstraint([(x, 1), (y, 2)], upper: 14)
/// let solution = try LPSolver(lp).solve()
/// ```
public struct LinearProgram: Sendable {
    /// Whether the objective is minimised or maximised.
    public enum Sense: Sendable {
        case minimize
        case maximize
    }

    /// One decision variable.
    public struct Variable: Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        public var cost: Double
        public var isInteger: Bool
        public var name: String?
    }

    /// One constraint row `lower <= Σ coefficient·x <= upper`.
    public struct Constraint: Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        /// Nonzero coefficients as (variable index, coefficient).
        public var terms: [Term]
        public var name: String?
    }

    /// A nonzero coefficient of a constraint.
    public struct Term: Sendable, Equatable {
        public var variable: Int
        public var coefficient: Double

        public init(_ variable: Int, _ coefficient: Double) {
            self.variable = variable
            self.coefficient = coefficient
        }
    }

    /// The optimisation sense.
    public var sense: Sense
    /// The variables, in index order.
    public private(set) var variables: [Variable] = []
    /// The constraints, in index order.
    public private(set) var constraints: [Constraint] = []

    /// An empty program.
    public init(sense: Sense = .minimize) {
        self.sense = sense
    }

    /// Number of variables (columns).
    public var variableCount: Int { variables.count }
    /// Number of constraints (rows).
    public var constraintCount: Int { constraints.count }
    /// Whether any variable is integer, which makes this a MIP.
    public var hasIntegers: Bool { variables.contains { $0.isInteger } }

    /// Adds a variable and returns its index.
    @discardableResult
    public mutating func addVariable(
        lower: Double = 0, upper: Double = .infinity, cost: Double = 0,
        isInteger: Bool = false, name: String? = nil
    ) -> Int {
        variables.append(Variable(lower: lower, upper: upper, cost: cost, isInteger: isInteger, name: name))
        return variables.count - 1
    }

    /// Adds a constraint `lower <= Σ c·x <= upper` and returns its index.
    ///
    /// Repeated variables in `terms` are summed.
    @discardableResult
    public mutating func addConstraint(
        _ terms: [(Int, Double)], lower: Double = -.infinity, upper: Double = .infinity,
        name: String? = nil
    ) -> Int {
        constraints.append(
            Constraint(lower: lower, upper: upper, terms: terms.map { Term($0.0, $0.1) }, name: name))
        return constraints.count - 1
    }

    /// Changes a variable's bounds.
    public mutating func setBounds(ofVariable index: Int, lower: Double, upper: Double) {
        variables[index].lower = lower
        variables[index].upper = upper
    }

    /// Changes a constraint's bounds.
    public mutating func setBounds(ofConstraint index: Int, lower: Double, upper: Double) {
        constraints[index].lower = lower
        constraints[index].upper = upper
    }

    /// Changes a variable's cost.
    public mutating func setCost(ofVariable index: Int, _ cost: Double) {
        variables[index].cost = cost
    }

    mutating func truncateVariables(to count: Int) {
        variables.removeLast(variables.count - count)
        for i in constraints.indices { constraints[i].terms.removeAll { $0.variable >= count } }
    }

    mutating func appendTerm(row: Int, term: Term) {
        constraints[row].terms.append(term)
    }

    /// Checks indices, bounds and coefficients, so that no solver sees a malformed model.
    func validate() throws(LPError) {
        for (j, v) in variables.enumerated() {
            if v.lower.isNaN || v.upper.isNaN || v.cost.isNaN || !v.cost.isFinite {
                throw .invalidModel("variable \(v.name ?? String(j)): NaN or infinite bound or cost")
            }
            if v.lower > v.upper {
                throw .invalidModel("variable \(v.name ?? String(j)): lower bound \(v.lower) > upper bound \(v.upper)")
            }
            if v.lower == .infinity || v.upper == -.infinity {
                throw .invalidModel("variable \(v.name ?? String(j)): bounds exclude every finite value")
            }
        }
        for (i, c) in constraints.enumerated() {
            let label = c.name ?? String(i)
            if c.lower.isNaN || c.upper.isNaN {
                throw .invalidModel("constraint \(label): NaN bound")
            }
            if c.lower > c.upper {
                throw .invalidModel("constraint \(label): lower bound \(c.lower) > upper bound \(c.upper)")
            }
            for term in c.terms {
                guard term.variable >= 0, term.variable < variables.count else {
                    throw .invalidModel("constraint \(label): unknown variable index \(term.variable)")
                }
                guard term.coefficient.isFinite else {
                    throw .invalidModel("constraint \(label): non-finite coefficient")
                }
            }
        }
    }

    /// The constraint matrix in compressed-column form, with repeated entries summed
    /// and exact zeros dropped.
    func compressedColumns() -> (starts: [Int], rows: [Int32], values: [Double]) {
        var perColumn = [[(row: Int32, value: Double)]](repeating: [], count: variables.count)
        for (i, c) in constraints.enumerated() {
            for term in c.terms {
                perColumn[term.variable].append((Int32(i), term.coefficient))
            }
        }
        var starts = [0]
        var rows: [Int32] = []
        var values: [Double] = []
        for column in perColumn {
            // Terms arrive in row order; merge repeats of the same row.
            var lastRow: Int32 = -1
            for entry in column {
                if entry.row == lastRow {
                    values[values.count - 1] += entry.value
                } else {
                    rows.append(entry.row)
                    values.append(entry.value)
                    lastRow = entry.row
                }
            }
            starts.append(rows.count)
        }
        // Drop entries that cancelled to zero.
        var keptStarts = [0]
        var keptRows: [Int32] = []
        var keptValues: [Double] = []
        for j in 0..<variables.count {
            for k in starts[j]..<starts[j + 1] where values[k] != 0 {
                keptRows.append(rows[k])
                keptValues.append(values[k])
            }
            keptStarts.append(keptRows.count)
        }
        return (keptStarts, keptRows, keptValues)
    }
}

/// A new column for column generation: its bounds, cost and nonzeros by row.
public struct LPColumn: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var cost: Double
    /// Nonzeros as (constraint index, coefficient).
    public var terms: [LinearProgram.Term]

    public init(lower: Double = 0, upper: Double = .infinity, cost: Double, terms: [(Int, Double)]) {
        self.lower = lower
        self.upper = upper
        self.cost = cost
        self.terms = terms.map { LinearProgram.Term($0.0, $0.1) }
    }
}

/// The result of a successful solve.
public struct LPSolution: Sendable, Equatable {
    /// The objective value in the program's own sense.
    public var objective: Double
    /// Variable values, by variable index.
    public var primal: [Double]
    /// Row activities `a·x`, by constraint index.
    public var rowActivity: [Double]
    /// Row duals: the rate of change of the objective per unit increase of the row's
    /// active bound, in the program's own sense. Empty for MIP solutions.
    public var rowDuals: [Double]
    /// Reduced costs: the rate of change of the objective per unit increase of a
    /// variable at its bound, in the program's own sense. Empty for MIP solutions.
    public var reducedCosts: [Double]
    /// Simplex iterations of this solve, where the backend reports them.
    public var iterations: Int?
    /// For a MIP: the relative gap between incumbent and bound at the end (0 when proven).
    public var mipGap: Double?
}

/// Why a solve produced no optimal solution.
public enum LPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No point satisfies every constraint and bound.
    case infeasible
    /// The objective improves without limit over the feasible set.
    case unbounded
    /// The backend failed numerically (singular basis, ill-conditioning, ...).
    case numericalFailure(String)
    /// An iteration or time limit stopped the solve before optimality.
    /// For a MIP the best integer solution found, if any, is attached.
    case limitReached(String, incumbent: LPSolution?)
    /// The model itself is malformed (bounds crossed, NaN, bad index) or unsupported
    /// by the chosen backend.
    case invalidModel(String)

    public var description: String {
        switch self {
        case .infeasible: return "LP infeasible"
        case .unbounded: return "LP unbounded"
        case .numericalFailure(let why): return "LP numerical failure: \(why)"
        case .limitReached(let why, let incumbent):
            return "LP limit reached (\(why))" + (incumbent == nil ? ", no solution" : ", incumbent kept")
        case .invalidModel(let why): return "invalid LP model: \(why)"
        }
    }
}

/// Which solver library does the work.
public enum LPBackend: String, Sendable, CaseIterable {
    /// COIN-OR Clp: the default for LPs (faster cold solves, objects free on any thread).
    case clp
    /// GNU GLPK: the second LP backend and the MIP solver.
    case glpk
}

/// Limits for a solve.
public struct LPLimits: Sendable, Equatable {
    /// Simplex iteration cap (nil: the backend's default).
    public var maxIterations: Int?
    /// Wall-clock cap in seconds (nil: none).
    public var maxSeconds: Double?
    /// Relative MIP gap at which branch and bound may stop (GLPK's default is 0).
    public var mipRelativeGap: Double
    /// Whether a cold LP solve may run Clp's presolve. Switch it off for small programs
    /// built and solved many times, where presolving costs more than it saves. (GLPK's
    /// LP path never presolves; its MIP path always does.)
    public var presolve: Bool

    public init(maxIterations: Int? = nil, maxSeconds: Double? = nil, mipRelativeGap: Double = 0, presolve: Bool = true) {
        self.maxIterations = maxIterations
        self.maxSeconds = maxSeconds
        self.mipRelativeGap = mipRelativeGap
        self.presolve = presolve
    }
}

import Dispatch
import Testing

@testable import LinearProgramming

/// Agreement between backends and warm/cold solves: both are simplex codes in double
/// precision on small, well-scaled models, so 1e-9 relative is far above round-off.
let agreement = 1e-9

func close(_ a: Double, _ b: Double, _ tolerance: Double = agreement) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

/// The Wyndor Glass LP (Hillier & Lieberman): max 3x + 5y, x <= 4, 2y <= 12, 3x + 2y <= 18.
/// Optimum x = 2, y = 6, z = 36; shadow prices 0, 1.5, 1.
func wyndor() -> LinearProgram {
    var lp = LinearProgram(sense: .maximize)
    let x = lp.addVariable(cost: 3, name: "x")
    let y = lp.addVariable(cost: 5, name: "y")
    lp.addConstraint([(x, 1)], upper: 4)
    lp.addConstraint([(y, 2)], upper: 12)
    lp.addConstraint([(x, 3), (y, 2)], upper: 18)
    return lp
}

/// A seeded transport LP: `sites` capacitated sources, `zones` demands, random costs.
func transportLP(sites: Int, zones: Int, seed: UInt64) -> LinearProgram {
    var rng = SplitMix(seed: seed)
    var lp = LinearProgram()
    var flows: [[Int]] = []
    for _ in 0..<sites {
        flows.append((0..<zones).map { _ in lp.addVariable(upper: 25, cost: 1 + 9 * rng.unit()) })
    }
    for s in 0..<sites {
        lp.addConstraint(flows[s].map { ($0, 1.0) }, upper: 40 + 20 * rng.unit())
    }
    for z in 0..<zones {
        lp.addConstraint((0..<sites).map { (flows[$0][z], 1.0) }, lower: 5 + 10 * rng.unit())
    }
    return lp
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

@Suite struct HandSolvedLPs {
    @Test(arguments: LPBackend.allCases)
    func wyndorOptimumAndShadowPrices(backend: LPBackend) throws {
        let s = try LPSolver(wyndor(), backend: backend).solve()
        #expect(close(s.objective, 36))
        #expect(close(s.primal[0], 2) && close(s.primal[1], 6))
        #expect(close(s.rowDuals[0], 0) && close(s.rowDuals[1], 1.5) && close(s.rowDuals[2], 1))
        #expect(close(s.rowActivity[2], 18))
    }

    /// min 2x + 3y, x + y >= 4, x + 3y >= 6: optimum (3, 1) = 9, duals 1.5 and 0.5.
    @Test(arguments: LPBackend.allCases)
    func minimisationWithGreaterEqualRows(backend: LPBackend) throws {
        var lp = LinearProgram()
        let x = lp.addVariable(cost: 2)
        let y = lp.addVariable(cost: 3)
        lp.addConstraint([(x, 1), (y, 1)], lower: 4)
        lp.addConstraint([(x, 1), (y, 3)], lower: 6)
        let s = try LPSolver(lp, backend: backend).solve()
        #expect(close(s.objective, 9))
        #expect(close(s.primal[0], 3) && close(s.primal[1], 1))
        #expect(close(s.rowDuals[0], 1.5) && close(s.rowDuals[1], 0.5))
    }

    /// min x + 2y + 3z, x + y + z >= 1: x = 1, dual 1, reduced costs (0, 1, 2).
    @Test(arguments: LPBackend.allCases)
    func reducedCosts(backend: LPBackend) throws {
        var lp = LinearProgram()
        let v = (1...3).map { lp.addVariable(cost: Double($0)) }
        lp.addConstraint(v.map { ($0, 1.0) }, lower: 1)
        let s = try LPSolver(lp, backend: backend).solve()
        #expect(close(s.objective, 1))
        #expect(close(s.rowDuals[0], 1))
        #expect(close(s.reducedCosts[0], 0) && close(s.reducedCosts[1], 1) && close(s.reducedCosts[2], 2))
    }

    /// Equality rows and free variables: x - y = 1, x + y = 3 with x, y free: (2, 1).
    @Test(arguments: LPBackend.allCases)
    func equalitiesAndFreeVariables(backend: LPBackend) throws {
        var lp = LinearProgram()
        let x = lp.addVariable(lower: -.infinity, cost: 1)
        let y = lp.addVariable(lower: -.infinity, cost: 1)
        lp.addConstraint([(x, 1), (y, -1)], lower: 1, upper: 1)
        lp.addConstraint([(x, 1), (y, 1)], lower: 3, upper: 3)
        let s = try LPSolver(lp, backend: backend).solve()
        #expect(close(s.primal[0], 2) && close(s.primal[1], 1))
        #expect(close(s.objective, 3))
    }

    @Test(arguments: LPBackend.allCases)
    func infeasibleIsATypedError(backend: LPBackend) throws {
        var lp = LinearProgram()
        let x = lp.addVariable(cost: 1)
        lp.addConstraint([(x, 1)], upper: -1)
        #expect(throws: LPError.infeasible) { try LPSolver(lp, backend: backend).solve() }
    }

    @Test(arguments: LPBackend.allCases)
    func unboundedIsATypedError(backend: LPBackend) throws {
        var lp = LinearProgram()
        let x = lp.addVariable(cost: -1)
        let y = lp.addVariable(cost: 0)
        lp.addConstraint([(x, 1), (y, -1)], upper: 1)
        #expect(throws: LPError.unbounded) { try LPSolver(lp, backend: backend).solve() }
    }

    /// A degenerate vertex (three rows tight at a 2-D point): the objective and primal
    /// point are unique, the duals are not, so check dual feasibility and strong duality.
    @Test(arguments: LPBackend.allCases)
    func degenerateVertex(backend: LPBackend) throws {
        var lp = LinearProgram()
        let x = lp.addVariable(cost: -1)
        let y = lp.addVariable(cost: -1)
        lp.addConstraint([(x, 1)], upper: 1)
        lp.addConstraint([(y, 1)], upper: 1)
        lp.addConstraint([(x, 1), (y, 1)], upper: 2)
        let s = try LPSolver(lp, backend: backend).solve()
        #expect(close(s.objective, -2))
        #expect(close(s.primal[0], 1) && close(s.primal[1], 1))
        #expect(s.rowDuals.allSatisfy { $0 <= 1e-12 })
        let dualObjective = s.rowDuals[0] * 1 + s.rowDuals[1] * 1 + s.rowDuals[2] * 2
        #expect(close(dualObjective, -2))
        // Stationarity: cost = A^T y + reduced cost, column by column.
        #expect(close(-1, s.rowDuals[0] + s.rowDuals[2] + s.reducedCosts[0]))
        #expect(close(-1, s.rowDuals[1] + s.rowDuals[2] + s.reducedCosts[1]))
    }

    @Test func malformedModelsAreRejectedBeforeSolving() {
        var crossed = LinearProgram()
        crossed.addVariable(lower: 2, upper: 1)
        #expect(throws: LPError.self) { try LPSolver(crossed) }
        var badIndex = LinearProgram()
        badIndex.addVariable()
        badIndex.addConstraint([(3, 1)], upper: 1)
        #expect(throws: LPError.self) { try LPSolver(badIndex, backend: .glpk) }
        var integer = LinearProgram()
        integer.addVariable(isInteger: true)
        #expect(throws: LPError.self) { try LPSolver(integer, backend: .clp) }
    }
}

@Suite struct BackendAgreement {
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func clpAndGLPKAgreeOnObjectiveAndDuals(seed: UInt64) throws {
        let lp = transportLP(sites: 10, zones: 20, seed: seed)
        let clp = try LPSolver(lp, backend: .clp).solve()
        let glpk = try LPSolver(lp, backend: .glpk).solve()
        #expect(close(clp.objective, glpk.objective))
        // Random continuous costs make the optimum non-degenerate with probability 1.
        for i in 0..<lp.constraintCount {
            #expect(close(clp.rowDuals[i], glpk.rowDuals[i]), "row \(i)")
        }
        for j in 0..<lp.variableCount {
            #expect(close(clp.primal[j], glpk.primal[j]), "column \(j)")
        }
    }
}

@Suite struct WarmStarts {
    @Test(arguments: LPBackend.allCases)
    func warmReSolveEqualsColdSolveAfterBoundRhsAndCostChanges(backend: LPBackend) throws {
        var rng = SplitMix(seed: 42)
        var lp = transportLP(sites: 10, zones: 20, seed: 7)
        let warm = try LPSolver(lp, backend: backend)
        _ = try warm.solve()
        for step in 0..<40 {
            let row = Int(rng.next() % 10)
            let column = Int(rng.next() % UInt64(lp.variableCount))
            let capacity = 40 + 30 * rng.unit()
            let columnUpper = 10 + 20 * rng.unit()
            lp.setBounds(ofConstraint: row, lower: -.infinity, upper: capacity)
            lp.setBounds(ofVariable: column, lower: 0, upper: columnUpper)
            warm.setConstraintBounds(row, lower: -.infinity, upper: capacity)
            warm.setVariableBounds(column, lower: 0, upper: columnUpper)
            if step % 5 == 0 {
                let cost = 1 + 9 * rng.unit()
                lp.setCost(ofVariable: column, cost)
                warm.setCost(column, cost)
            }
            let w = try warm.solve()
            let c = try LPSolver(lp, backend: backend).solve()
            #expect(close(w.objective, c.objective), "step \(step)")
        }
    }

    @Test(arguments: LPBackend.allCases)
    func addedColumnsGiveTheFullModelsOptimum(backend: LPBackend) throws {
        let full = transportLP(sites: 6, zones: 10, seed: 3)
        // Restricted master: only the first site's columns plus an expensive slack per zone.
        var master = LinearProgram()
        var rowOfZone: [Int] = []
        let siteRows = (0..<6).map { s in full.constraints[s] }
        for row in siteRows { master.addConstraint([], lower: row.lower, upper: row.upper) }
        for z in 0..<10 {
            let row = full.constraints[6 + z]
            rowOfZone.append(master.addConstraint([], lower: row.lower, upper: row.upper))
        }
        let solver = try LPSolver(master, backend: backend)
        for z in 0..<10 { solver.addColumn(cost: 1e4, terms: [(rowOfZone[z], 1)]) }
        _ = try solver.solve()
        for s in 0..<6 {
            for z in 0..<10 {
                let j = s * 10 + z
                let v = full.variables[j]
                solver.addColumn(cost: v.cost, lower: v.lower, upper: v.upper, terms: [(s, 1), (rowOfZone[z], 1)])
            }
            _ = try solver.solve()
        }
        let incremental = try solver.solve()
        let reference = try LPSolver(full, backend: backend).solve()
        #expect(close(incremental.objective, reference.objective))
        #expect(solver.program.variableCount == 70)
    }

    @Test func infeasibleAfterAWarmChangeIsReportedAndRecoverable() throws {
        for backend in LPBackend.allCases {
            var lp = LinearProgram()
            let x = lp.addVariable(cost: 1)
            let row = lp.addConstraint([(x, 1)], lower: 2)
            let solver = try LPSolver(lp, backend: backend)
            #expect(close(try solver.solve().objective, 2))
            solver.setVariableBounds(x, lower: 0, upper: 1)
            #expect(throws: LPError.infeasible) { try solver.solve() }
            solver.setConstraintBounds(row, lower: 0.5, upper: .infinity)
            #expect(close(try solver.solve().objective, 0.5))
        }
    }
}

@Suite struct MixedInteger {
    /// A 0-1 program checked against exhaustive enumeration of all 2^10 assignments.
    @Test func smallBinaryProgramMatchesEnumeration() throws {
        var rng = SplitMix(seed: 11)
        let n = 10
        let values = (0..<n).map { _ in Double(1 + rng.next() % 20) }
        let weightsA = (0..<n).map { _ in Double(1 + rng.next() % 9) }
        let weightsB = (0..<n).map { _ in Double(1 + rng.next() % 9) }
        var lp = LinearProgram(sense: .maximize)
        let x = (0..<n).map { lp.addVariable(upper: 1, cost: values[$0], isInteger: true) }
        lp.addConstraint(x.map { ($0, weightsA[$0]) }, upper: 20)
        lp.addConstraint(x.map { ($0, weightsB[$0]) }, upper: 18)
        var best = 0.0
        for mask in 0..<(1 << n) {
            var a = 0.0, b = 0.0, v = 0.0
            for i in 0..<n where mask & (1 << i) != 0 {
                a += weightsA[i]; b += weightsB[i]; v += values[i]
            }
            if a <= 20 && b <= 18 { best = max(best, v) }
        }
        let s = try LPSolver(lp, backend: .glpk).solve()
        #expect(close(s.objective, best))
        #expect(s.primal.allSatisfy { abs($0) < 1e-9 || abs($0 - 1) < 1e-9 })
        #expect(s.mipGap == 0)
    }

    @Test func infeasibleMIPIsATypedError() throws {
        var lp = LinearProgram()
        let x = lp.addVariable(upper: 1, cost: 1, isInteger: true)
        lp.addConstraint([(x, 2)], lower: 1, upper: 1)
        #expect(throws: LPError.infeasible) { try LPSolver(lp, backend: .glpk).solve() }
    }
}

@Suite struct Concurrency {
    /// Separate solver objects on several threads: every thread must see the same answer.
    /// Each GLPK object is created, used and freed inside one closure, on one thread.
    @Test func concurrentSolvesGiveTheSameAnswers() throws {
        let lp = transportLP(sites: 10, zones: 20, seed: 5)
        let reference = try LPSolver(lp, backend: .clp).solve().objective
        let results = ResultBox(count: 16)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let backend: LPBackend = index.isMultiple(of: 2) ? .clp : .glpk
            do {
                var value = 0.0
                for _ in 0..<5 {
                    let solver = try LPSolver(lp, backend: backend)
                    value = try solver.solve().objective
                }
                results.set(index, value)
            } catch {
                results.set(index, .nan)
            }
        }
        for value in results.values { #expect(close(value, reference)) }
    }
}

/// Collects per-thread results; each index is written by exactly one thread.
final class ResultBox: @unchecked Sendable {
    private var storage: [Double]
    private let lock = NSLockLike()
    init(count: Int) { storage = Array(repeating: 0, count: count) }
    func set(_ index: Int, _ value: Double) { lock.withLock { storage[index] = value } }
    var values: [Double] { lock.withLock { storage } }
}

final class NSLockLike: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 1)
    func withLock<T>(_ body: () -> T) -> T {
        semaphore.wait()
        defer { semaphore.signal() }
        return body()
    }
}

@Suite struct BasisRestore {
    /// Solve A, save the basis, wander through other right-hand sides and extra columns,
    /// restore and remove the extra columns: the next solve must equal a solve of the
    /// same model straight after the save, to the last bit of every primal value.
    @Test(arguments: LPBackend.allCases)
    func restoredSolvesDoNotDependOnHistory(backend: LPBackend) throws {
        let lp = transportLP(sites: 8, zones: 12, seed: 9)
        let solver = try LPSolver(lp, backend: backend)
        _ = try solver.solve()
        let saved = solver.basis()
        let columnsAtSave = solver.program.variableCount
        #expect(saved.columnStatus.count == columnsAtSave)

        solver.setConstraintBounds(0, lower: -.infinity, upper: 30)
        let direct = try solver.solve()

        var rng = SplitMix(seed: 1)
        for _ in 0..<10 {
            solver.setConstraintBounds(Int(rng.next() % 8), lower: -.infinity, upper: 30 + 40 * rng.unit())
            solver.addColumn(cost: 0.5 + rng.unit(), upper: 5, terms: [(Int(8 + rng.next() % 12), 1)])
            _ = try solver.solve()
        }
        solver.removeColumns(from: columnsAtSave)
        #expect(solver.program.variableCount == columnsAtSave)
        for site in 0..<8 { solver.setConstraintBounds(site, lower: -.infinity, upper: lp.constraints[site].upper) }
        solver.restore(saved)
        solver.setConstraintBounds(0, lower: -.infinity, upper: 30)
        let replay = try solver.solve()
        if backend == .clp {
            // Clp refactorises from the restored statuses: bit-identical, which the
            // planner's thread-count determinism relies on.
            #expect(replay.objective == direct.objective)
            #expect(replay.primal == direct.primal)
        } else {
            // GLPK lands on the same vertex but its factorisation history leaves round-off.
            #expect(close(replay.objective, direct.objective, 1e-12))
            for (a, b) in zip(replay.primal, direct.primal) { #expect(close(a, b, 1e-12)) }
        }
    }
}

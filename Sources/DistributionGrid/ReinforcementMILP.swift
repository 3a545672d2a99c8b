import LinearProgramming

/// The cheapest line reinforcement, found exactly.
public struct ReinforcementOptimum: Sendable, Equatable {
    /// Its cost, $.
    public var cost: Double
    /// Circuits added, by branch index.
    public var plan: [Int]
    /// MILPs solved (one per cut round).
    public var rounds: Int
    /// The first relaxation's optimum: a lower bound found without any exact check, $.
    public var firstLowerBound: Double
}

extension FeederInvestmentEvaluator {
    /// The cheapest set of added circuits that meets the voltage band and ratings in the
    /// **exact** power flow, by a MILP relaxation with lazy cuts (GLPK). The greedy rule of
    /// ``evaluate(loads:)`` is checked against it in the tests; substation cost is not
    /// part of it.
    ///
    /// Why it is exact. With non-negative loads, adding circuits only raises voltages and
    /// lowers every branch flow and current (the sweep is monotone in v and in the
    /// impedances), so feasibility is monotone in the plan. The exact drop of a branch with
    /// c circuits, written with its receiving-end flows P', Q', is
    /// `2 (r P' + x Q') / c + |z|² ℓ / c²`, where P' = (loads below) + (losses below) and
    /// each loss is r ℓ / c with ℓ >= S⁰² / V0² (S⁰ the lossless flow, V0 the source
    /// voltage). Using those lower bounds, linear in the one-hot circuit choices, gives a
    /// MILP whose feasible set contains every exact-feasible plan: a relaxation. When its
    /// optimum fails the exact check, the plan is lifted to a maximal failing plan (adding
    /// circuits branch by branch while it still fails) and the cut "some branch gets more
    /// circuits than in the lifted plan" is added: by monotonicity it removes no feasible
    /// plan. The first relaxed optimum that passes the exact check is the exact optimum.
    ///
    /// - Precondition: every load is non-negative.
    /// - Throws: ``LPError/infeasible`` when no plan within the circuit cap meets the
    ///   limits; ``LPError/limitReached(_:incumbent:)`` after `maxRounds` cuts or a MILP
    ///   time limit; ``PowerFlowError/invalidInput(_:)`` for unusable loads.
    public func optimalReinforcement(
        loads: BusLoads, maxRounds: Int = 200, limits: LPLimits = LPLimits(maxSeconds: 60)
    ) throws -> ReinforcementOptimum {
        guard loads.count == feeder.buses.count else {
            throw PowerFlowError.invalidInput("loads for \(loads.count) buses, the feeder has \(feeder.buses.count)")
        }
        precondition(loads.pKW.allSatisfy { $0 >= 0 } && loads.qKVAr.allSatisfy { $0 >= 0 }, "the relaxation needs non-negative loads")
        var check = DistFlowSolver(feeder: feeder, options: parameters.powerFlow)
        let v0 = parameters.sourceVoltage * parameters.sourceVoltage
        let vMin2 = parameters.voltageBand.lowerBound * parameters.voltageBand.lowerBound
        let lossless = check.linDistFlow(loads: loads, sourceVoltage: parameters.sourceVoltage)
        let perUnit = 1 / (1000 * feeder.baseMVA)
        let zBase = feeder.impedanceBaseOhm
        let tree = check.tree
        let cap = parameters.maxAddedCircuitsPerBranch
        let treeBuses = Array(tree.order.dropFirst())
        let inTree = tree.branches

        // Exact check of a plan (circuits added by branch index).
        func feasible(_ plan: [Int]) -> Bool {
            for b in inTree { check.setCircuits(1 + plan[b], onBranch: b) }
            guard let s = try? check.solve(loads: loads, sourceVoltage: parameters.sourceVoltage) else { return false }
            guard s.summary.minVoltage >= parameters.voltageBand.lowerBound * (1 - 1e-12) else { return false }
            return inTree.allSatisfy { b in
                feeder.branches[b].ratingKVA.map { s.branchKVA[b] <= Double(1 + plan[b]) * $0 * (1 + 1e-9) } ?? true
            }
        }

        var lp = LinearProgram(sense: .minimize)
        var voltage = [Int](repeating: -1, count: feeder.buses.count)
        var lossBelowP = [Int](repeating: -1, count: feeder.buses.count)
        var lossBelowQ = [Int](repeating: -1, count: feeder.buses.count)
        for bus in treeBuses {
            voltage[bus] = lp.addVariable(lower: vMin2, upper: v0, name: "v\(feeder.buses[bus].number)")
            lossBelowP[bus] = lp.addVariable(name: "lossP\(feeder.buses[bus].number)")
            lossBelowQ[bus] = lp.addVariable(name: "lossQ\(feeder.buses[bus].number)")
        }
        struct Line {
            var r: Double, x: Double, p0: Double, q0: Double, lMin: Double
        }
        var line = [Line?](repeating: nil, count: feeder.branches.count)
        for bus in treeBuses {
            let b = tree.parentBranch[bus]
            let p0 = lossless.branchPKW[b] * perUnit
            let q0 = lossless.branchQKVAr[b] * perUnit
            line[b] = Line(r: feeder.branches[b].rOhm / zBase, x: feeder.branches[b].xOhm / zBase, p0: p0, q0: q0, lMin: (p0 * p0 + q0 * q0) / v0)
        }
        // The largest loss below each bus (every branch with one circuit), for big-M.
        var maxLossBelowP = [Double](repeating: 0, count: feeder.buses.count)
        var maxLossBelowQ = maxLossBelowP
        for bus in treeBuses.reversed() {
            let l = line[tree.parentBranch[bus]]!
            let parent = tree.parent[bus]
            maxLossBelowP[parent] += maxLossBelowP[bus] + l.r * l.lMin
            maxLossBelowQ[parent] += maxLossBelowQ[bus] + l.x * l.lMin
        }

        var choice = [[Int]](repeating: [], count: feeder.branches.count)
        var ownLossP = [[(Int, Double)]](repeating: [], count: feeder.buses.count)
        var ownLossQ = [[(Int, Double)]](repeating: [], count: feeder.buses.count)
        for bus in treeBuses {
            let b = tree.parentBranch[bus]
            let l = line[b]!
            let parent = tree.parent[bus]
            let loading = (l.p0 * l.p0 + l.q0 * l.q0).squareRoot() / perUnit
            var pick: [(Int, Double)] = []
            // v_bus - v_parent + Σ_k [fixed_k y_k + (2r/c_k) wP_k + (2x/c_k) wQ_k] <= 0, where
            // w_k = y_k × lossBelow (the disaggregated, convex-hull form of "if y_k then the
            // drop is fixed_k + (2r/c_k) lossBelowP + (2x/c_k) lossBelowQ").
            var drop: [(Int, Double)] = [(voltage[bus], 1)]
            if parent != tree.root { drop.append((voltage[parent], -1)) }
            var sumP: [(Int, Double)] = [(lossBelowP[bus], -1)]
            var sumQ: [(Int, Double)] = [(lossBelowQ[bus], -1)]
            for added in 0...cap {
                let c = Double(1 + added)
                let allowed = feeder.branches[b].ratingKVA.map { loading <= c * $0 * (1 + 1e-9) } ?? true
                let y = lp.addVariable(
                    lower: 0, upper: allowed ? 1 : 0, cost: Double(added) * circuitCost[b], isInteger: true,
                    name: "y\(b + 1)_\(added)")
                choice[b].append(y)
                pick.append((y, 1))
                ownLossP[bus].append((y, l.r * l.lMin / c))
                ownLossQ[bus].append((y, l.x * l.lMin / c))
                let wP = lp.addVariable(name: "wP\(b + 1)_\(added)")
                let wQ = lp.addVariable(name: "wQ\(b + 1)_\(added)")
                lp.addConstraint([(wP, 1), (y, -maxLossBelowP[bus])], upper: 0)
                lp.addConstraint([(wQ, 1), (y, -maxLossBelowQ[bus])], upper: 0)
                sumP.append((wP, 1))
                sumQ.append((wQ, 1))
                let fixed = 2 * (l.r * l.p0 + l.x * l.q0) / c + (l.r * l.r + l.x * l.x) * l.lMin / (c * c)
                drop += [(y, fixed), (wP, 2 * l.r / c), (wQ, 2 * l.x / c)]
            }
            lp.addConstraint(drop, upper: parent == tree.root ? v0 : 0, name: "drop\(b + 1)")
            lp.addConstraint(sumP, lower: 0, upper: 0)
            lp.addConstraint(sumQ, lower: 0, upper: 0)
            lp.addConstraint(pick, lower: 1, upper: 1, name: "pick\(b + 1)")
        }
        // lossBelow(bus) = Σ over child buses (lossBelow(child) + own loss of the child's branch).
        for bus in treeBuses {
            var rowP: [(Int, Double)] = [(lossBelowP[bus], 1)]
            var rowQ: [(Int, Double)] = [(lossBelowQ[bus], 1)]
            for child in treeBuses where tree.parent[child] == bus {
                rowP.append((lossBelowP[child], -1))
                rowQ.append((lossBelowQ[child], -1))
                rowP += ownLossP[child].map { ($0.0, -$0.1) }
                rowQ += ownLossQ[child].map { ($0.0, -$0.1) }
            }
            lp.addConstraint(rowP, lower: 0, upper: 0, name: "lossP\(feeder.buses[bus].number)")
            lp.addConstraint(rowQ, lower: 0, upper: 0, name: "lossQ\(feeder.buses[bus].number)")
        }

        var firstLowerBound: Double? = nil
        for round in 1...max(1, maxRounds) {
            let solver = try LPSolver(lp, backend: .glpk, limits: limits)
            let solution = try solver.solve()
            if firstLowerBound == nil { firstLowerBound = solution.objective }
            var plan = [Int](repeating: 0, count: feeder.branches.count)
            for b in inTree {
                for (added, y) in choice[b].enumerated() where solution.primal[y] > 0.5 { plan[b] = added }
            }
            if feasible(plan) {
                let cost = zip(plan, circuitCost).reduce(0) { $0 + Double($1.0) * $1.1 }
                return ReinforcementOptimum(cost: cost, plan: plan, rounds: round, firstLowerBound: firstLowerBound!)
            }
            // Lift to a maximal failing plan, then cut it and everything below it.
            var lifted = plan
            for b in inTree where lifted[b] < cap {
                lifted[b] = cap
                if !feasible(lifted) { continue }
                var failing = plan[b]
                var passing = cap
                while passing - failing > 1 {
                    let middle = (failing + passing) / 2
                    lifted[b] = middle
                    if feasible(lifted) { passing = middle } else { failing = middle }
                }
                lifted[b] = failing
            }
            var more: [(Int, Double)] = []
            for b in inTree where lifted[b] < cap {
                for added in (lifted[b] + 1)...cap { more.append((choice[b][added], 1)) }
            }
            guard !more.isEmpty else { throw LPError.infeasible }
            lp.addConstraint(more, lower: 1, name: "cut\(round)")
        }
        throw LPError.limitReached("no exact-feasible plan after \(maxRounds) cut rounds", incumbent: nil)
    }
}

import Testing

@testable import TrafficEquilibrium

@Suite struct UserEquilibriumTests {
    /// Two routes between zones 0 and 1 with linear times (BPR with power 1):
    /// direct arc t = 10 + 0.0015 x; via node 2, t = (5 + 0.003 x) + 3.
    static func twoRoutes() throws -> (TrafficNetwork, Demand) {
        let network = try TrafficNetwork(
            nodeCount: 3, zoneCount: 2,
            links: [
                .init(tail: 0, head: 1, capacity: 1000, length: 1, freeFlowTime: 10, bprB: 0.15, bprPower: 1),
                .init(tail: 0, head: 2, capacity: 500, length: 1, freeFlowTime: 5, bprB: 0.3, bprPower: 1),
                .init(tail: 2, head: 1, capacity: 1000, length: 1, freeFlowTime: 3, bprB: 0, bprPower: 1),
            ])
        var demand = Demand(zoneCount: 2)
        demand[0, 1] = 3000
        return (network, demand)
    }

    /// Braess's network: s=0, t=1, A=2, B=3; s->A and B->t have t = 1 + x/100, s->B and
    /// A->t a constant 45, and the bridge A->B costs 0. Demand 4000.
    static func braess() throws -> (TrafficNetwork, Demand) {
        let network = try TrafficNetwork(
            nodeCount: 4, zoneCount: 2,
            links: [
                .init(tail: 0, head: 2, capacity: 100, length: 1, freeFlowTime: 1, bprB: 1, bprPower: 1),
                .init(tail: 0, head: 3, capacity: 100, length: 1, freeFlowTime: 45, bprB: 0, bprPower: 1),
                .init(tail: 2, head: 1, capacity: 100, length: 1, freeFlowTime: 45, bprB: 0, bprPower: 1),
                .init(tail: 3, head: 1, capacity: 100, length: 1, freeFlowTime: 1, bprB: 1, bprPower: 1),
                .init(tail: 2, head: 3, capacity: 100, length: 1, freeFlowTime: 0, bprB: 0, bprPower: 1),
            ])
        var demand = Demand(zoneCount: 2)
        demand[0, 1] = 4000
        return (network, demand)
    }

    @Test(arguments: UserEquilibrium.Algorithm.allCases)
    func twoRouteEquilibriumAndOptimumMatchClosedForm(algorithm: UserEquilibrium.Algorithm) throws {
        let (network, demand) = try Self.twoRoutes()
        // UE: 10 + 0.0015 xA = 8 + 0.003 (3000 - xA)  =>  xA = 7 / 0.0045.
        let ue = try UserEquilibrium.solve(
            network: network, demand: demand, options: .init(algorithm: algorithm, relativeGap: 1e-12))
        #expect(ue.converged)
        // Two linear routes: both methods converge to round-off; 1e-6 veh is far below any use.
        #expect(abs(ue.flows[0] - 7 / 0.0045) < 1e-6)
        #expect(abs(ue.flows[1] - (3000 - 7 / 0.0045)) < 1e-6)
        #expect(abs(ue.times[0] - (10 + 0.0015 * 7 / 0.0045)) < 1e-9)
        // SO: marginal costs 10 + 0.003 xA = 8 + 0.006 (3000 - xA)  =>  xA = 16 / 0.009.
        let so = try UserEquilibrium.solve(
            network: network, demand: demand,
            options: .init(algorithm: algorithm, relativeGap: 1e-12, systemOptimum: true))
        #expect(abs(so.flows[0] - 16 / 0.009) < 1e-6)
        #expect(so.totalTravelTime < ue.totalTravelTime)
    }

    @Test(arguments: UserEquilibrium.Algorithm.allCases)
    func braessParadox(algorithm: UserEquilibrium.Algorithm) throws {
        let (network, demand) = try Self.braess()
        // UE: everyone takes s-A-B-t at 2 + 80 = 82 (the two other routes cost 86).
        let ue = try UserEquilibrium.solve(
            network: network, demand: demand, options: .init(algorithm: algorithm, relativeGap: 1e-12))
        #expect(abs(ue.flows[4] - 4000) < 1e-6)
        #expect(abs(ue.totalTravelTime - 328_000) < 1e-6)
        // SO: 1800 on each outer route and 400 over the bridge, TSTT = 263,200.
        let so = try UserEquilibrium.solve(
            network: network, demand: demand,
            options: .init(algorithm: algorithm, relativeGap: 1e-12, maxIterations: 200_000, systemOptimum: true))
        #expect(abs(so.flows[4] - 400) < 1e-4)
        #expect(abs(so.flows[1] - 1800) < 1e-4)
        #expect(abs(so.totalTravelTime - 263_200) < 1e-3)
        // Removing the bridge lowers the equilibrium time to 21 + 45 = 66 per vehicle.
        let noBridge = try TrafficNetwork(
            nodeCount: 4, zoneCount: 2, links: Array(network.links.prefix(4)))
        let without = try UserEquilibrium.solve(
            network: noBridge, demand: demand, options: .init(algorithm: algorithm, relativeGap: 1e-12))
        #expect(abs(without.totalTravelTime - 264_000) < 1e-4)
    }

    /// The strict reference check: the best-known Sioux Falls equilibrium.
    @Test func siouxFallsMatchesTheBestKnownSolution() throws {
        let (network, demand) = try Fixture.siouxFalls()
        let reference = try TNTP.readFlows(path: Fixture.path("SiouxFalls_flow.tntp"), network: network)
        let result = try UserEquilibrium.solve(
            network: network, demand: demand, options: .init(algorithm: .gradientProjection, relativeGap: 1e-10))
        #expect(result.converged)
        #expect(result.relativeGap <= 1e-10)
        // Published Beckmann objective 4,231,335.287 (3 decimals given); at gap 1e-10 the
        // objective is within ~1e-4 of the optimum.
        #expect(abs(result.beckmann - 4_231_335.287) < 1e-3)
        var worst = 0.0
        for arc in 0..<network.linkCount { worst = max(worst, abs(result.flows[arc] - reference.volume[arc])) }
        #expect(worst < 0.01, "largest link flow difference \(worst) veh")
        for arc in 0..<network.linkCount {
            #expect(abs(result.times[arc] - reference.cost[arc]) < 1e-6)
        }
    }

    @Test func biconjugateFrankWolfeReachesModerateGapsOnSiouxFalls() throws {
        let (network, demand) = try Fixture.siouxFalls()
        let result = try UserEquilibrium.solve(
            network: network, demand: demand, options: .init(algorithm: .biconjugateFrankWolfe, relativeGap: 1e-5))
        #expect(result.converged)
        #expect(result.relativeGap <= 1e-5)
        // The Beckmann excess is bounded by the gap times TSTT.
        #expect(result.beckmann - 4_231_335.287 < 1e-5 * result.totalTravelTime)
        #expect(result.beckmann > 4_231_335.28)
    }

    @Test func speedMultiplierScalesFreeFlowTimes() throws {
        let (network, demand) = try Self.twoRoutes()
        // At 0.8 speed the direct arc takes 12.5 + 0.001875 x, equal to 17 - 0.003 xA at xA = 4.5 / 0.004875.
        let result = try UserEquilibrium.solve(
            network: network, demand: demand,
            options: .init(relativeGap: 1e-12, speedMultipliers: [0.8, 1, 1]))
        #expect(abs(result.flows[0] - 4.5 / 0.004875) < 1e-6)
    }

    @Test func unreachableDemandAndMismatchedZonesAreErrors() throws {
        let network = try TrafficNetwork(
            nodeCount: 2, zoneCount: 2, links: [.init(tail: 0, head: 1, capacity: 1, length: 1, freeFlowTime: 1)])
        var demand = Demand(zoneCount: 2)
        demand[1, 0] = 5
        #expect(throws: TrafficModelError.unreachable(origin: 1, destination: 0)) {
            _ = try UserEquilibrium.solve(network: network, demand: demand)
        }
        #expect(throws: TrafficModelError.zoneCountMismatch(network: 2, demand: 3)) {
            _ = try UserEquilibrium.solve(network: network, demand: Demand(zoneCount: 3))
        }
    }
}

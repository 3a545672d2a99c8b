import Testing

@testable import TrafficEquilibrium

@Suite struct EVRangeTests {
    /// Seed 003's example: one path 1 -> 2 -> 3 -> 4 -> 5 of four links, here 20, 20, 16, 20 km,
    /// range 100 km, SOC 0.5 at both ends.
    static let lengths: [Double] = [20, 20, 16, 20]
    static let route = [0, 1, 2, 3]
    let model = EVRangeModel(range: 100, originSOC: 0.5, destinationSOC: 0.5)

    func stations(_ links: Int...) -> [Bool] {
        (0..<4).map { links.contains($0 + 1) }
    }

    @Test func fourLinkExampleWithoutStationsRunsOut() {
        let profile = model.profile(route: Self.route, lengths: Self.lengths, hasStation: stations())
        // 0.5 - 10/100 = 0.4 at the first midpoint, then 20 km per midpoint gap ... 0.5 - 0.76 at the end.
        #expect(zip(profile.atMidpoints, [0.4, 0.2, 0.02, -0.16]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(abs(profile.atDestination - (-0.26)) < 1e-12)
        #expect(!profile.isFeasible)
        #expect(!model.isFeasible(route: Self.route, lengths: Self.lengths, hasStation: stations()))
    }

    @Test func fourLinkExampleWithOneStation() {
        // Link 1: recharged at 10 km, then 66 km to go leaves 0.34 < 0.5.
        #expect(!model.isFeasible(route: Self.route, lengths: Self.lengths, hasStation: stations(1)))
        // Link 2: SOC 0.2 at its midpoint, recharged, 46 km to go leaves 0.54.
        let two = model.profile(route: Self.route, lengths: Self.lengths, hasStation: stations(2))
        #expect(two.isFeasible)
        #expect(abs(two.atDestination - 0.54) < 1e-12)
        // Link 3: SOC 0.02 at its midpoint, recharged, 28 km to go leaves 0.72.
        let three = model.profile(route: Self.route, lengths: Self.lengths, hasStation: stations(3))
        #expect(three.isFeasible)
        #expect(abs(three.atDestination - 0.72) < 1e-12)
        // Link 4: the battery is empty before its midpoint (0.02 - 0.18 < 0).
        let four = model.profile(route: Self.route, lengths: Self.lengths, hasStation: stations(4))
        #expect(!four.isFeasible)
        #expect(abs(four.atMidpoints[3] - (-0.16)) < 1e-12)
    }

    @Test func fourLinkExampleWithEveryStation() {
        let all = model.profile(route: Self.route, lengths: Self.lengths, hasStation: stations(1, 2, 3, 4))
        #expect(all.isFeasible)
        #expect(zip(all.atMidpoints, [0.4, 0.8, 0.82, 0.82]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(abs(all.atDestination - 0.9) < 1e-12)
    }

    @Test func aResetNeverHidesAnEmptyBattery() {
        // 40 + 60 km: SOC 0.3 at the first midpoint, -0.2 on reaching the second station.
        // The paper's eq. 17 alone would reset it to 1; the battery cannot go below 0.
        let model = EVRangeModel(range: 100, originSOC: 0.5, destinationSOC: 0)
        let lengths: [Double] = [40, 60]
        #expect(!model.isFeasible(route: [0, 1], lengths: lengths, hasStation: [false, true]))
        #expect(model.isFeasible(route: [0, 1], lengths: lengths, hasStation: [true, true]))
    }

    @Test func landingExactlyOnALimitIsFeasible() {
        // 100 km: SOC exactly 0 at the station, then 0.5 exactly on arrival.
        let model = EVRangeModel(range: 100, originSOC: 0.5, destinationSOC: 0.5)
        #expect(model.isFeasible(route: [0, 1], lengths: [100, 0], hasStation: [true, false]))
        // 0.9 - 0.2 - 0.2 rounds to just below 0.5 in binary; the tolerance accepts it.
        #expect(model.isFeasible(route: [0, 1, 2], lengths: [20, 20, 40], hasStation: [false, true, false]))
    }

    /// A network where the only feasible route detours through a station.
    @Test func constrainedPathDetoursToAStation() throws {
        // 0 -> 1 direct: 90 km, 10 min. Via 2: 0 -> 2 (30 km) and 2 -> 1 (30 km), 30 min in all.
        let network = try TrafficNetwork(
            nodeCount: 3, zoneCount: 2,
            links: [
                .init(tail: 0, head: 1, capacity: 1, length: 90, freeFlowTime: 10),
                .init(tail: 0, head: 2, capacity: 1, length: 30, freeFlowTime: 15),
                .init(tail: 2, head: 1, capacity: 1, length: 30, freeFlowTime: 15),
            ])
        var engine = RangeConstrainedPathEngine(network: network, model: model)
        let cost = network.freeFlowTimes
        engine.run(from: 0, cost: cost, hasStation: [false, false, false])
        #expect(engine.bestCost[1] == .infinity)
        // A station on the direct road: SOC 0.05 at its midpoint, then 1 - 0.45 = 0.55 >= 0.5.
        engine.run(from: 0, cost: cost, hasStation: [true, false, false])
        #expect(engine.bestCost[1] == 10)
        // A station on 2 -> 1: SOC 0.05 at its midpoint, 0.85 on arrival.
        engine.run(from: 0, cost: cost, hasStation: [false, false, true])
        #expect(engine.bestCost[1] == 30)
        #expect(engine.path(to: 1) == [1, 2])
    }

    /// Random networks: the label-setting result equals the best feasible path among all
    /// loopless paths enumerated by depth-first search.
    @Test(arguments: 0..<12)
    func constrainedPathMatchesExhaustiveEnumeration(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed))
        let nodeCount = 7
        var links: [TrafficNetwork.Link] = []
        for tail in 0..<nodeCount {
            for head in 0..<nodeCount where head != tail && rng.unit() < 0.45 {
                let length = 10 + 70 * rng.unit()
                links.append(.init(tail: tail, head: head, capacity: 1, length: length, freeFlowTime: length * (0.5 + rng.unit())))
            }
        }
        let network = try TrafficNetwork(nodeCount: nodeCount, zoneCount: nodeCount, links: links)
        let cost = network.freeFlowTimes
        let hasStation = links.indices.map { _ in rng.unit() < 0.4 }
        let model = EVRangeModel(range: 100, originSOC: 0.5 + 0.5 * rng.unit(), destinationSOC: 0.3 * rng.unit())
        var engine = RangeConstrainedPathEngine(network: network, model: model)
        for origin in 0..<nodeCount {
            engine.run(from: origin, cost: cost, hasStation: hasStation)
            for destination in 0..<nodeCount where destination != origin {
                let feasible = ShortestPathTests.allSimplePaths(network, cost, origin, destination)
                    .filter { model.isFeasible(route: $0.arcs, lengths: network.lengths, hasStation: hasStation) }
                let best = feasible.map(\.cost).min() ?? .infinity
                if best == .infinity {
                    #expect(engine.bestCost[destination] == .infinity)
                } else {
                    // Path costs are sums in different orders: allow round-off.
                    #expect(abs(engine.bestCost[destination] - best) < 1e-9)
                    let path = engine.path(to: destination)
                    #expect(model.isFeasible(route: path, lengths: network.lengths, hasStation: hasStation))
                    #expect(Set(Route(arcs: path, cost: 0).nodes(in: network)).count == path.count + 1)
                }
            }
        }
    }

    /// When the cheapest walk loops back through a station, the loopless optimum is still found.
    @Test func loopingWalkFallsBackToTheBestLooplessPath() throws {
        // 0 -> 1 -> 2 with a spur 1 <-> 3 whose road carries the only station.
        // The cheapest feasible walk, 0-1-3-1-2 (cost 4), repeats node 1.
        let network = try TrafficNetwork(
            nodeCount: 4, zoneCount: 4,
            links: [
                .init(tail: 0, head: 1, capacity: 1, length: 40, freeFlowTime: 1),
                .init(tail: 1, head: 2, capacity: 1, length: 40, freeFlowTime: 1),
                .init(tail: 1, head: 3, capacity: 1, length: 10, freeFlowTime: 1),
                .init(tail: 3, head: 1, capacity: 1, length: 10, freeFlowTime: 1),
                .init(tail: 0, head: 3, capacity: 1, length: 30, freeFlowTime: 5),
            ])
        let hasStation = [false, false, true, true, false]
        var engine = RangeConstrainedPathEngine(network: network, model: model)
        engine.run(from: 0, cost: network.freeFlowTimes, hasStation: hasStation)
        // Loopless options: 0-1-2 (no station) and 0-3-1-2 (station on 3->1 at 5 km: SOC
        // 0.5 - 0.15 - 0.05 = 0.3 >= 0, recharge, 1 - 0.05 - 0.4 = 0.55 >= 0.5): cost 7.
        #expect(engine.bestCost[2] == 7)
        #expect(engine.path(to: 2) == [4, 3, 1])
    }
}

/// A small deterministic generator for test data (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

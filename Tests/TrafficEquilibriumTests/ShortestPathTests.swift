import Testing

@testable import TrafficEquilibrium

@Suite struct ShortestPathTests {
    /// A 3x3 grid with two-way arcs of mixed costs; every node a zone.
    static func grid() throws -> (TrafficNetwork, [Double]) {
        var links: [TrafficNetwork.Link] = []
        var costs: [Double] = []
        func road(_ a: Int, _ b: Int, _ c: Double) {
            links.append(.init(tail: a, head: b, capacity: 1, length: c, freeFlowTime: c))
            links.append(.init(tail: b, head: a, capacity: 1, length: c + 1, freeFlowTime: c + 1))
            costs += [c, c + 1]
        }
        for row in 0..<3 {
            for col in 0..<3 {
                let node = row * 3 + col
                if col < 2 { road(node, node + 1, Double(1 + (node * 7) % 5)) }
                if row < 2 { road(node, node + 3, Double(1 + (node * 3) % 4)) }
            }
        }
        return (try TrafficNetwork(nodeCount: 9, zoneCount: 9, links: links), costs)
    }

    /// Every simple path from `origin` to `destination` by depth-first enumeration, with its cost.
    static func allSimplePaths(_ network: TrafficNetwork, _ cost: [Double], _ origin: Int, _ destination: Int) -> [Route] {
        var result: [Route] = []
        var visited = [Bool](repeating: false, count: network.nodeCount)
        var arcs: [Int] = []
        func visit(_ node: Int, _ total: Double) {
            if node == destination {
                result.append(Route(arcs: arcs, cost: total))
                return
            }
            if node != origin && !network.canPassThrough(node) { return }
            visited[node] = true
            for arc in network.outgoing(node) where !visited[network.head(of: arc)] {
                arcs.append(arc)
                visit(network.head(of: arc), total + cost[arc])
                arcs.removeLast()
            }
            visited[node] = false
        }
        visit(origin, 0)
        return result
    }

    @Test func dijkstraMatchesExhaustiveEnumeration() throws {
        let (network, cost) = try Self.grid()
        var engine = ShortestPathEngine(network: network)
        for origin in 0..<9 {
            engine.run(from: origin, cost: cost)
            for destination in 0..<9 where destination != origin {
                let best = Self.allSimplePaths(network, cost, origin, destination).map(\.cost).min()!
                #expect(engine.distance[destination] == best)
                let path = engine.path(to: destination)
                #expect(path.reduce(0) { $0 + cost[$1] } == best)
                #expect(network.tail(of: path.first!) == origin)
                #expect(network.head(of: path.last!) == destination)
            }
        }
    }

    @Test func yenListsTheKCheapestLooplessPaths() throws {
        let (network, cost) = try Self.grid()
        for (origin, destination) in [(0, 8), (8, 0), (2, 6), (4, 1)] {
            let all = Self.allSimplePaths(network, cost, origin, destination).map(\.cost).sorted()
            let yen = network.kShortestPaths(from: origin, to: destination, k: 12, cost: cost)
            #expect(yen.count == min(12, all.count))
            #expect(yen.map(\.cost) == Array(all.prefix(12)))
            #expect(Set(yen.map(\.arcs)).count == yen.count)
            for route in yen {
                let nodes = route.nodes(in: network)
                #expect(Set(nodes).count == nodes.count)  // loopless
                #expect(route.arcs.reduce(0) { $0 + cost[$1] } == route.cost)
            }
        }
        // Asking for more paths than exist returns them all.
        let every = Self.allSimplePaths(network, cost, 0, 1)
        #expect(network.kShortestPaths(from: 0, to: 1, k: 10_000, cost: cost).count == every.count)
    }

    @Test func firstThroughNodeRuleKeepsZonesOffPaths() throws {
        // Zones 0,1,2; node 3 is the only through node. The short way 0 -> 1 -> 2 passes zone 1.
        let links: [TrafficNetwork.Link] = [
            .init(tail: 0, head: 1, capacity: 1, length: 1, freeFlowTime: 1),
            .init(tail: 1, head: 2, capacity: 1, length: 1, freeFlowTime: 1),
            .init(tail: 0, head: 3, capacity: 1, length: 5, freeFlowTime: 5),
            .init(tail: 3, head: 2, capacity: 1, length: 5, freeFlowTime: 5),
        ]
        let open = try TrafficNetwork(nodeCount: 4, zoneCount: 3, firstThroughNode: 0, links: links)
        let closed = try TrafficNetwork(nodeCount: 4, zoneCount: 3, firstThroughNode: 3, links: links)
        let cost = [1.0, 1, 5, 5]
        var engine = ShortestPathEngine(network: open)
        engine.run(from: 0, cost: cost)
        #expect(engine.distance[2] == 2)
        var restricted = ShortestPathEngine(network: closed)
        restricted.run(from: 0, cost: cost)
        #expect(restricted.distance[2] == 10)
        #expect(restricted.distance[1] == 1)  // a zone may still end a path
        #expect(closed.kShortestPaths(from: 0, to: 2, k: 5, cost: cost).map(\.cost) == [10])
        #expect(open.kShortestPaths(from: 0, to: 2, k: 5, cost: cost).map(\.cost) == [2, 10])
    }

    @Test func unreachableNodesHaveInfiniteDistance() throws {
        let network = try TrafficNetwork(
            nodeCount: 3, zoneCount: 3, links: [.init(tail: 0, head: 1, capacity: 1, length: 1, freeFlowTime: 1)])
        var engine = ShortestPathEngine(network: network)
        engine.run(from: 0, cost: [1])
        #expect(engine.distance[2] == .infinity)
        #expect(engine.path(to: 2).isEmpty)
        #expect(network.kShortestPaths(from: 0, to: 2, k: 3, cost: [1]).isEmpty)
    }
}

import InputParsing
import Testing

@testable import TrafficEquilibrium

@Suite struct TNTPTests {
    static let smallNet = """
        <number of zones> 2\t\t
        <NUMBER OF NODES> 3
        <First Thru Node> 1
        <NUMBER OF LINKS> 3
        <END OF METADATA>

        ~ init term cap len fft b power speed toll type ;
        1 2 100 6 6 0.15 4 0 0 1 ;
        2 3 200.5 4 4 0.15 4 0 0 1;   ~ trailing comment
        \t3\t1\t50\t1\t1\t0.15\t4\t0\t0\t1\t;
        """

    @Test func readsSiouxFalls() throws {
        let (network, demand) = try Fixture.siouxFalls()
        #expect(network.nodeCount == 24)
        #expect(network.zoneCount == 24)
        #expect(network.linkCount == 76)
        #expect(network.firstThroughNode == 0)
        #expect(network.links[0] == TrafficNetwork.Link(
            tail: 0, head: 1, capacity: 25900.20064, length: 6, freeFlowTime: 6, bprB: 0.15, bprPower: 4,
            speedLimit: 0, toll: 0, linkType: 1))
        #expect(demand.zoneCount == 24)
        #expect(demand.total == 360_600)
        #expect(demand[0, 9] == 1300)
        #expect(demand.pairs.count == 528)
        let nodes = try TNTP.readNodes(path: Fixture.path("SiouxFalls_node.tntp"), nodeCount: 24)
        #expect(nodes.count == 24)
        #expect(nodes[0] == TNTP.NodeCoordinate(node: 0, x: -96.77041974, y: 43.61282792))
        let flows = try TNTP.readFlows(path: Fixture.path("SiouxFalls_flow.tntp"), network: network)
        #expect(flows.volume[0] == 4494.6576464564205)
        #expect(flows.cost[0] == 6.0008162373543197)
    }

    @Test func compactAdjacencyListsEveryArcOnce() throws {
        let (network, _) = try Fixture.siouxFalls()
        var outSeen = [Int](repeating: 0, count: network.linkCount)
        var inSeen = [Int](repeating: 0, count: network.linkCount)
        for node in 0..<network.nodeCount {
            for arc in network.outgoing(node) {
                #expect(network.tail(of: arc) == node)
                outSeen[arc] += 1
            }
            for arc in network.incoming(node) {
                #expect(network.head(of: arc) == node)
                inSeen[arc] += 1
            }
        }
        #expect(outSeen.allSatisfy { $0 == 1 })
        #expect(inSeen.allSatisfy { $0 == 1 })
        #expect(network.roads().count == 38)
        #expect(network.reverse(of: 0) == network.arc(from: 1, to: 0))
    }

    @Test func parsesTagsCaseInsensitivelyWithCommentsAndOptionalSemicolons() throws {
        let network = try TNTP.parseNetwork(Self.smallNet, file: "small_net.tntp")
        #expect(network.linkCount == 3)
        #expect(network.links[1].capacity == 200.5)
        #expect(network.links[2].tail == 2 && network.links[2].head == 0)
    }

    @Test func readsSeveralTripsPerLineAndAcrossLines() throws {
        let text = """
            <NUMBER OF ZONES> 3
            <TOTAL OD FLOW> 60.5
            <END OF METADATA>

            Origin 1
              2 : 10.0;  3:20.5;
            ORIGIN\t3
              1 :
              30.0 ;
            """
        let demand = try TNTP.parseDemand(text, file: "t_trips.tntp")
        #expect(demand[0, 1] == 10)
        #expect(demand[0, 2] == 20.5)
        #expect(demand[2, 0] == 30)
        #expect(demand[1, 0] == 0)
        #expect(demand.total == 60.5)
    }

    @Test func roundTripsEveryFormat() throws {
        let (network, demand) = try Fixture.siouxFalls()
        let network2 = try TNTP.parseNetwork(TNTP.networkText(network), file: "rt_net")
        #expect(network2 == network)
        let demand2 = try TNTP.parseDemand(TNTP.demandText(demand), file: "rt_trips")
        #expect(demand2 == demand)
        let nodes = try TNTP.readNodes(path: Fixture.path("SiouxFalls_node.tntp"), nodeCount: 24)
        #expect(try TNTP.parseNodes(TNTP.nodeText(nodes), file: "rt_node", nodeCount: 24) == nodes)
        let flows = try TNTP.readFlows(path: Fixture.path("SiouxFalls_flow.tntp"), network: network)
        let text = TNTP.flowText(network: network, volume: flows.volume, cost: flows.cost)
        #expect(try TNTP.parseFlows(text, file: "rt_flow", network: network) == flows)
        let (tn12, tripsTN12) = try Fixture.tn12()
        #expect(try TNTP.parseNetwork(TNTP.networkText(tn12), file: "rt") == tn12)
        #expect(try TNTP.parseDemand(TNTP.demandText(tripsTN12), file: "rt") == tripsTN12)
    }

    /// Parses `text` as a net file and returns the error it must raise.
    private func netError(_ text: String) -> InputError? {
        do {
            _ = try TNTP.parseNetwork(text, file: "bad_net.tntp")
            return nil
        } catch { return error }
    }

    private func tripsError(_ text: String) -> InputError? {
        do {
            _ = try TNTP.parseDemand(text, file: "bad_trips.tntp")
            return nil
        } catch { return error }
    }

    @Test func rejectsMalformedNetworksWithTheirPlace() throws {
        let lines = Self.smallNet.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func replacing(_ lineIndex: Int, _ text: String) -> String {
            var copy = lines
            copy[lineIndex] = text
            return copy.joined(separator: "\n")
        }
        // Line 8 is the first link row.
        let badNumber = netError(replacing(7, "1 2 1x0 6 6 0.15 4 0 0 1 ;"))
        #expect(badNumber?.line == 8)
        #expect(badNumber?.field == "capacity")
        #expect(badNumber?.description == "bad_net.tntp:8: capacity: expected a number, found \"1x0\"")

        let unknownNode = netError(replacing(7, "1 7 100 6 6 0.15 4 0 0 1 ;"))
        #expect(unknownNode?.line == 8)
        #expect(unknownNode?.field == "term_node")
        #expect(unknownNode?.message.contains("unknown node 7") == true)

        let negativeCapacity = netError(replacing(7, "1 2 -100 6 6 0.15 4 0 0 1 ;"))
        #expect(negativeCapacity?.field == "capacity")
        #expect(negativeCapacity?.line == 8)

        let duplicate = netError(replacing(8, "1 2 100 6 6 0.15 4 0 0 1 ;"))
        #expect(duplicate?.line == 9)
        #expect(duplicate?.message.contains("duplicate link 1->2 (first on line 8)") == true)

        let missingField = netError(replacing(7, "1 2 100 6 6 0.15 4 0 0 ;"))
        #expect(missingField?.line == 8)
        #expect(missingField?.message.contains("expected 10 fields") == true)

        let textAfterSemicolon = netError(replacing(7, "1 2 100 6 6 0.15 4 0 0 1 ; 5"))
        #expect(textAfterSemicolon?.line == 8)

        let countMismatch = netError(replacing(3, "<NUMBER OF LINKS> 4"))
        #expect(countMismatch?.line == 4)
        #expect(countMismatch?.field == "NUMBER OF LINKS")
        #expect(countMismatch?.message == "metadata says 4 links, the file has 3")

        let missingTag = netError(replacing(2, ""))
        #expect(missingTag?.field == "FIRST THRU NODE")

        let noEnd = netError(replacing(4, ""))
        #expect(noEnd?.line == 8)  // the first link row is read as a missing tag

        let selfLoop = netError(replacing(7, "2 2 100 6 6 0.15 4 0 0 1 ;"))
        #expect(selfLoop?.line == 8)

        let negativeTime = netError(replacing(7, "1 2 100 6 -6 0.15 4 0 0 1 ;"))
        #expect(negativeTime?.field == "free_flow_time")
    }

    @Test func rejectsMalformedTripsWithTheirPlace() {
        let header = "<NUMBER OF ZONES> 3\n<END OF METADATA>\n"
        let missingZone = tripsError(header + "Origin 1\n 2 : 5.0; 4 : 1.0;\n")
        #expect(missingZone?.line == 4)
        #expect(missingZone?.field == "destination")
        #expect(missingZone?.message.contains("OD 1->4") == true)

        let badOrigin = tripsError(header + "Origin 9\n 2 : 5.0;\n")
        #expect(badOrigin?.line == 3)
        #expect(badOrigin?.field == "Origin")

        let empty = tripsError(header + "\n\n")
        #expect(empty?.message.hasPrefix("empty trips") == true)

        let allZero = tripsError(header + "Origin 1\n 2 : 0.0;\n")
        #expect(allZero?.message.hasPrefix("empty trips") == true)

        let badNumber = tripsError(header + "Origin 1\n 2 : five;\n")
        #expect(badNumber?.line == 4)
        #expect(badNumber?.field == "flow 1->2")

        let negative = tripsError(header + "Origin 1\n 2 : -5;\n")
        #expect(negative?.line == 4)

        let duplicate = tripsError(header + "Origin 1\n 2 : 5; 2 : 6;\n")
        #expect(duplicate?.message.contains("duplicate entry for OD 1->2") == true)

        let noOrigin = tripsError(header + " 2 : 5;\n")
        #expect(noOrigin?.line == 3)

        let missingColon = tripsError(header + "Origin 1\n 2 5;\n")
        #expect(missingColon?.line == 4)

        let total = tripsError("<NUMBER OF ZONES> 3\n<TOTAL OD FLOW> 11\n<END OF METADATA>\nOrigin 1\n 2 : 5;\n")
        #expect(total?.line == 2)
        #expect(total?.field == "TOTAL OD FLOW")
    }

    @Test func rejectsFlowFilesThatDoNotMatchTheNetwork() throws {
        let network = try TNTP.parseNetwork(Self.smallNet, file: "small_net.tntp")
        #expect(throws: InputError.self) {
            _ = try TNTP.parseFlows("From To Volume Cost\n1 2 5 6\n2 3 1 1\n", file: "f", network: network)
        }
        do {
            _ = try TNTP.parseFlows("From To Volume Cost\n1 3 5 6\n", file: "f", network: network)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.message.contains("unknown link 1->3"))
        }
    }

    @Test func missingFileIsAnInputError() {
        #expect(throws: InputError(file: "/nonexistent_net.tntp", "file not found")) {
            _ = try TNTP.readNetwork(path: "/nonexistent_net.tntp")
        }
    }
}

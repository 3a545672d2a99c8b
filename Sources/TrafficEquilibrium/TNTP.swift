import InputParsing

/// Reading and writing the TNTP formats of the public transportation test networks
/// (Bar-Gera; bstabler/TransportationNetworks): `_net`, `_trips`, `_node` and `_flow` files.
///
/// The readers are strict: every problem is an ``InputError`` naming the file, line and
/// field. Metadata tags are matched case-insensitively, `~` starts a comment anywhere on a
/// line, data rows end with an optional `;`, and a trips line may hold several entries.
public enum TNTP {
    /// Node coordinates from a `_node` file.
    public struct NodeCoordinate: Sendable, Equatable {
        /// Node index (0-based).
        public var node: Int
        /// X coordinate (network units).
        public var x: Double
        /// Y coordinate (network units).
        public var y: Double

        /// A node position.
        public init(node: Int, x: Double, y: Double) {
            self.node = node
            self.x = x
            self.y = y
        }
    }

    /// Link volumes and costs from a `_flow` file, in the network's arc order.
    public struct LinkFlows: Sendable, Equatable {
        /// Volume on each arc.
        public var volume: [Double]
        /// Travel time (cost) on each arc at that volume.
        public var cost: [Double]

        /// Volumes and costs in arc order.
        public init(volume: [Double], cost: [Double]) {
            self.volume = volume
            self.cost = cost
        }
    }

    static let netColumns = [
        "init_node", "term_node", "capacity", "length", "free_flow_time", "b", "power", "speed",
        "toll", "link_type",
    ]

    // MARK: - Network

    /// Reads a `_net.tntp` file.
    public static func readNetwork(path: String) throws(InputError) -> TrafficNetwork {
        try parseNetwork(try TextFile.read(path), file: path)
    }

    /// Parses the text of a `_net.tntp` file; `file` names it in error messages.
    public static func parseNetwork(_ text: String, file: String) throws(InputError) -> TrafficNetwork {
        let lines = TextFile.lines(text)
        let metadata = try Metadata(lines: lines, file: file)
        let zoneCount = try metadata.count("NUMBER OF ZONES", minimum: 1)
        let nodeCount = try metadata.count("NUMBER OF NODES", minimum: 1)
        let firstThru = try metadata.count("FIRST THRU NODE", minimum: 1)
        let declaredLinks = try metadata.count("NUMBER OF LINKS", minimum: 0)
        guard zoneCount <= nodeCount else {
            throw metadata.error("NUMBER OF ZONES", "expected at most NUMBER OF NODES (\(nodeCount)), found \(zoneCount)")
        }
        guard firstThru <= zoneCount + 1 else {
            throw metadata.error(
                "FIRST THRU NODE", "expected a value in 1...\(zoneCount + 1) (zones are nodes 1...\(zoneCount)), found \(firstThru)")
        }

        var links: [TrafficNetwork.Link] = []
        var firstLine: [Int: Int] = [:]
        for lineIndex in metadata.bodyStart..<lines.count {
            let lineNumber = lineIndex + 1
            guard let row = try dataRow(lines[lineIndex], file: file, line: lineNumber) else { continue }
            let fields = row.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == netColumns.count else {
                throw InputError(
                    file: file, line: lineNumber,
                    "expected \(netColumns.count) fields (\(netColumns.joined(separator: " "))), found \(fields.count)")
            }
            func node(_ column: Int) throws(InputError) -> Int {
                let id = try FieldParser.int(fields[column], file: file, line: lineNumber, field: netColumns[column])
                guard (1...nodeCount).contains(id) else {
                    throw InputError(
                        file: file, line: lineNumber, field: netColumns[column],
                        "unknown node \(id) (the network has nodes 1...\(nodeCount))")
                }
                return id - 1
            }
            func number(_ column: Int) throws(InputError) -> Double {
                try FieldParser.double(fields[column], file: file, line: lineNumber, field: netColumns[column])
            }
            func nonNegative(_ column: Int) throws(InputError) -> Double {
                try FieldParser.nonNegative(fields[column], file: file, line: lineNumber, field: netColumns[column])
            }
            let tail = try node(0)
            let head = try node(1)
            guard tail != head else {
                throw InputError(file: file, line: lineNumber, field: "term_node", "link from node \(tail + 1) to itself")
            }
            let capacity = try FieldParser.positive(fields[2], file: file, line: lineNumber, field: "capacity")
            let link = TrafficNetwork.Link(
                tail: tail, head: head, capacity: capacity, length: try nonNegative(3),
                freeFlowTime: try nonNegative(4), bprB: try nonNegative(5), bprPower: try nonNegative(6),
                speedLimit: try number(7), toll: try number(8),
                linkType: try FieldParser.int(fields[9], file: file, line: lineNumber, field: "link_type"))
            let key = tail * nodeCount + head
            if let previous = firstLine[key] {
                throw InputError(
                    file: file, line: lineNumber, field: "term_node",
                    "duplicate link \(tail + 1)->\(head + 1) (first on line \(previous)); parallel links are not supported")
            }
            firstLine[key] = lineNumber
            links.append(link)
        }
        guard links.count == declaredLinks else {
            throw metadata.error("NUMBER OF LINKS", "metadata says \(declaredLinks) links, the file has \(links.count)")
        }
        do {
            return try TrafficNetwork(
                nodeCount: nodeCount, zoneCount: zoneCount, firstThroughNode: firstThru - 1, links: links)
        } catch {
            // Every condition TrafficNetwork checks was checked above with its line.
            throw InputError(file: file, error.description)
        }
    }

    /// The text of a `_net.tntp` file for `network`.
    public static func networkText(_ network: TrafficNetwork, header: String = "written by planner") -> String {
        var out = """
            <NUMBER OF ZONES> \(network.zoneCount)
            <NUMBER OF NODES> \(network.nodeCount)
            <FIRST THRU NODE> \(network.firstThroughNode + 1)
            <NUMBER OF LINKS> \(network.linkCount)
            <ORIGINAL HEADER> \(header.split(whereSeparator: \.isNewline).joined(separator: " "))
            <END OF METADATA>


            ~\t\(netColumns.joined(separator: "\t"))\t;

            """
        for link in network.links {
            let fields: [String] = [
                "\(link.tail + 1)", "\(link.head + 1)", "\(link.capacity)", "\(link.length)",
                "\(link.freeFlowTime)", "\(link.bprB)", "\(link.bprPower)", "\(link.speedLimit)",
                "\(link.toll)", "\(link.linkType)",
            ]
            out += "\t" + fields.joined(separator: "\t") + "\t;\n"
        }
        return out
    }

    // MARK: - Trips

    /// Reads a `_trips.tntp` file.
    public static func readDemand(path: String) throws(InputError) -> Demand {
        try parseDemand(try TextFile.read(path), file: path)
    }

    /// Parses the text of a `_trips.tntp` file; `file` names it in error messages.
    public static func parseDemand(_ text: String, file: String) throws(InputError) -> Demand {
        let lines = TextFile.lines(text)
        let metadata = try Metadata(lines: lines, file: file)
        let zoneCount = try metadata.count("NUMBER OF ZONES", minimum: 1)
        var demand = Demand(zoneCount: zoneCount)
        var seen = [Int](repeating: 0, count: zoneCount * zoneCount)  // line of first entry
        var origin: Int? = nil
        var entries = 0
        var sum = 0.0

        // Entries may run across lines, so read the body as one token stream.
        var stream: [(text: Substring, line: Int)] = []
        for lineIndex in metadata.bodyStart..<lines.count {
            for token in tripTokens(lines[lineIndex]) { stream.append((token, lineIndex + 1)) }
        }
        var position = 0
        func next() -> (text: Substring, line: Int)? {
            guard position < stream.count else { return nil }
            defer { position += 1 }
            return stream[position]
        }
        func peek() -> Substring? { position < stream.count ? stream[position].text : nil }

        while let (token, lineNumber) = next() {
            if token.lowercased() == "origin" {
                guard let (value, valueLine) = next(), value != ":", value != ";" else {
                    throw InputError(file: file, line: lineNumber, field: "Origin", "expected a zone number after 'Origin'")
                }
                let id = try FieldParser.int(value, file: file, line: valueLine, field: "Origin")
                guard (1...zoneCount).contains(id) else {
                    throw InputError(
                        file: file, line: valueLine, field: "Origin",
                        "origin \(id) is not a zone (zones are 1...\(zoneCount))")
                }
                origin = id - 1
                continue
            }
            if token == ";" { continue }
            guard let from = origin else {
                throw InputError(
                    file: file, line: lineNumber, "expected 'Origin <zone>' before the first entry, found \"\(token)\"")
            }
            let destinationID = try FieldParser.int(token, file: file, line: lineNumber, field: "destination")
            guard (1...zoneCount).contains(destinationID) else {
                throw InputError(
                    file: file, line: lineNumber, field: "destination",
                    "OD \(from + 1)->\(destinationID): destination is not a zone (zones are 1...\(zoneCount))")
            }
            guard peek() == ":" else {
                throw InputError(
                    file: file, line: lineNumber, field: "destination \(destinationID)",
                    "expected ':' after the destination")
            }
            _ = next()
            guard let (valueToken, valueLine) = next(), valueToken != ";", valueToken != ":" else {
                throw InputError(
                    file: file, line: lineNumber, field: "destination \(destinationID)", "expected a flow after ':'")
            }
            let volume = try FieldParser.nonNegative(
                valueToken, file: file, line: valueLine, field: "flow \(from + 1)->\(destinationID)")
            let index = from * zoneCount + destinationID - 1
            if seen[index] != 0 {
                throw InputError(
                    file: file, line: lineNumber, field: "destination \(destinationID)",
                    "duplicate entry for OD \(from + 1)->\(destinationID) (first on line \(seen[index]))")
            }
            seen[index] = lineNumber
            demand[from, destinationID - 1] = volume
            entries += 1
            sum += volume
        }
        guard entries > 0 else {
            throw InputError(file: file, "empty trips: no 'Origin' block with entries after <END OF METADATA>")
        }
        guard sum > 0 else { throw InputError(file: file, "empty trips: every OD flow is zero") }
        if metadata.value("TOTAL OD FLOW") != nil {
            let declared = try metadata.number("TOTAL OD FLOW")
            guard abs(declared - sum) <= 1e-6 * max(1, abs(declared)) else {
                throw metadata.error("TOTAL OD FLOW", "metadata says \(declared), the entries sum to \(sum)")
            }
        }
        return demand
    }

    /// The text of a `_trips.tntp` file for `demand` (positive entries only; missing = 0).
    public static func demandText(_ demand: Demand) -> String {
        var total = 0.0
        for value in demand.values where value > 0 { total += value }
        var out = """
            <NUMBER OF ZONES> \(demand.zoneCount)
            <TOTAL OD FLOW> \(total)
            <END OF METADATA>


            """
        for origin in 0..<demand.zoneCount {
            var row: [String] = []
            for destination in 0..<demand.zoneCount {
                let value = demand[origin, destination]
                if value > 0 { row.append("\(destination + 1) : \(value);") }
            }
            guard !row.isEmpty else { continue }
            out += "Origin \t\(origin + 1)\n"
            for start in stride(from: 0, to: row.count, by: 5) {
                out += "    " + row[start..<min(start + 5, row.count)].joined(separator: "    ") + "\n"
            }
            out += "\n"
        }
        return out
    }

    // MARK: - Nodes

    /// Reads a `_node.tntp` file. With `nodeCount`, every node `1...nodeCount` must appear
    /// exactly once and no other; the result is in node order.
    public static func readNodes(path: String, nodeCount: Int? = nil) throws(InputError) -> [NodeCoordinate] {
        try parseNodes(try TextFile.read(path), file: path, nodeCount: nodeCount)
    }

    /// Parses the text of a `_node.tntp` file; see ``readNodes(path:nodeCount:)``.
    public static func parseNodes(_ text: String, file: String, nodeCount: Int? = nil) throws(InputError)
        -> [NodeCoordinate]
    {
        var result: [NodeCoordinate] = []
        var seen: [Int: Int] = [:]
        for (index, rawLine) in TextFile.lines(text).enumerated() {
            let lineNumber = index + 1
            guard let row = try dataRow(rawLine, file: file, line: lineNumber) else { continue }
            let fields = row.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if result.isEmpty, seen.isEmpty, fields.first?.lowercased() == "node" { continue }  // header
            guard fields.count == 3 else {
                throw InputError(file: file, line: lineNumber, "expected 3 fields (Node X Y), found \(fields.count)")
            }
            let id = try FieldParser.int(fields[0], file: file, line: lineNumber, field: "Node")
            if let nodeCount, !(1...nodeCount).contains(id) {
                throw InputError(
                    file: file, line: lineNumber, field: "Node", "unknown node \(id) (the network has nodes 1...\(nodeCount))")
            }
            guard id >= 1 else {
                throw InputError(file: file, line: lineNumber, field: "Node", "expected a node number >= 1, found \(id)")
            }
            if let previous = seen[id] {
                throw InputError(
                    file: file, line: lineNumber, field: "Node", "duplicate node \(id) (first on line \(previous))")
            }
            seen[id] = lineNumber
            result.append(
                NodeCoordinate(
                    node: id - 1, x: try FieldParser.double(fields[1], file: file, line: lineNumber, field: "X"),
                    y: try FieldParser.double(fields[2], file: file, line: lineNumber, field: "Y")))
        }
        if let nodeCount {
            for id in 1...max(1, nodeCount) where seen[id] == nil {
                throw InputError(file: file, field: "Node", "node \(id) has no coordinates")
            }
        }
        return result.sorted { $0.node < $1.node }
    }

    /// The text of a `_node.tntp` file.
    public static func nodeText(_ nodes: [NodeCoordinate]) -> String {
        var out = "Node\tX\tY\t;\n"
        for node in nodes { out += "\(node.node + 1)\t\(node.x)\t\(node.y)\t;\n" }
        return out
    }

    // MARK: - Flows

    /// Reads a `_flow.tntp` file (`From To Volume Cost`, one row per arc of `network`).
    public static func readFlows(path: String, network: TrafficNetwork) throws(InputError) -> LinkFlows {
        try parseFlows(try TextFile.read(path), file: path, network: network)
    }

    /// Parses the text of a `_flow.tntp` file; rows are matched to arcs by `(From, To)`.
    public static func parseFlows(_ text: String, file: String, network: TrafficNetwork) throws(InputError) -> LinkFlows {
        var volume = [Double](repeating: 0, count: network.linkCount)
        var cost = [Double](repeating: 0, count: network.linkCount)
        var seen = [Int](repeating: 0, count: network.linkCount)
        var headerSeen = false
        for (index, rawLine) in TextFile.lines(text).enumerated() {
            let lineNumber = index + 1
            guard let row = try dataRow(rawLine, file: file, line: lineNumber) else { continue }
            let fields = row.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if !headerSeen, fields.first?.lowercased() == "from" {
                headerSeen = true
                continue
            }
            guard fields.count == 4 else {
                throw InputError(file: file, line: lineNumber, "expected 4 fields (From To Volume Cost), found \(fields.count)")
            }
            let from = try FieldParser.int(fields[0], file: file, line: lineNumber, field: "From")
            let to = try FieldParser.int(fields[1], file: file, line: lineNumber, field: "To")
            guard let arc = network.arc(from: from - 1, to: to - 1) else {
                throw InputError(file: file, line: lineNumber, field: "To", "unknown link \(from)->\(to) (not in the network)")
            }
            if seen[arc] != 0 {
                throw InputError(
                    file: file, line: lineNumber, field: "To", "duplicate row for link \(from)->\(to) (first on line \(seen[arc]))")
            }
            seen[arc] = lineNumber
            volume[arc] = try FieldParser.nonNegative(fields[2], file: file, line: lineNumber, field: "Volume")
            cost[arc] = try FieldParser.double(fields[3], file: file, line: lineNumber, field: "Cost")
        }
        if let missing = seen.firstIndex(of: 0) {
            throw InputError(
                file: file, field: "From",
                "link \(network.tail(of: missing) + 1)->\(network.head(of: missing) + 1) has no row")
        }
        return LinkFlows(volume: volume, cost: cost)
    }

    /// The text of a `_flow.tntp` file: one `From To Volume Cost` row per arc.
    public static func flowText(network: TrafficNetwork, volume: [Double], cost: [Double]) -> String {
        precondition(volume.count == network.linkCount && cost.count == network.linkCount, "one value per arc")
        var out = "From\tTo\tVolume\tCost\n"
        for arc in 0..<network.linkCount {
            out += "\(network.tail(of: arc) + 1)\t\(network.head(of: arc) + 1)\t\(volume[arc])\t\(cost[arc])\n"
        }
        return out
    }

    // MARK: - Shared pieces

    /// The row text of a data line without its comment and `;`, or `nil` for a blank line.
    static func dataRow(_ line: Substring, file: String, line lineNumber: Int) throws(InputError) -> Substring? {
        var text = line
        if let tilde = text.firstIndex(of: "~") { text = text[..<tilde] }
        if let semicolon = text.firstIndex(of: ";") {
            let rest = text[text.index(after: semicolon)...]
            guard rest.trimmingSpaces().isEmpty else {
                throw InputError(
                    file: file, line: lineNumber, "unexpected text after ';': \"\(rest.trimmingSpaces())\"")
            }
            text = text[..<semicolon]
        }
        let trimmed = text.trimmingSpaces()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Splits a trips line into words, `:` and `;` tokens, dropping a `~` comment.
    static func tripTokens(_ line: Substring) -> [Substring] {
        var text = line
        if let tilde = text.firstIndex(of: "~") { text = text[..<tilde] }
        var tokens: [Substring] = []
        var start: Substring.Index? = nil
        var index = text.startIndex
        while index < text.endIndex {
            let char = text[index]
            if char == ":" || char == ";" || char.isWhitespace {
                if let begin = start { tokens.append(text[begin..<index]) }
                start = nil
                if !char.isWhitespace { tokens.append(text[index...index]) }
            } else if start == nil {
                start = index
            }
            index = text.index(after: index)
        }
        if let begin = start { tokens.append(text[begin...]) }
        return tokens
    }

    /// The `<TAG> value` header of a TNTP file, up to `<END OF METADATA>`.
    struct Metadata {
        let file: String
        var entries: [String: (value: Substring, line: Int)] = [:]
        var endLine = 0
        /// Index (0-based) of the first line after `<END OF METADATA>`.
        var bodyStart = 0

        init(lines: [Substring], file: String) throws(InputError) {
            self.file = file
            for (index, rawLine) in lines.enumerated() {
                let lineNumber = index + 1
                let line = rawLine.trimmingSpaces()
                if line.isEmpty || line.hasPrefix("~") { continue }
                guard line.hasPrefix("<"), let close = line.firstIndex(of: ">") else {
                    throw InputError(
                        file: file, line: lineNumber,
                        "expected a metadata tag such as <NUMBER OF NODES> before <END OF METADATA>, found \"\(line.prefix(40))\"")
                }
                let tag = line[line.index(after: line.startIndex)..<close]
                    .split(whereSeparator: \.isWhitespace).joined(separator: " ").uppercased()
                let value = line[line.index(after: close)...].trimmingSpaces()
                if tag == "END OF METADATA" {
                    endLine = lineNumber
                    bodyStart = index + 1
                    return
                }
                if let previous = entries[tag] {
                    throw InputError(
                        file: file, line: lineNumber, field: tag, "tag appears twice (first on line \(previous.line))")
                }
                entries[tag] = (value, lineNumber)
            }
            throw InputError(file: file, "missing <END OF METADATA>")
        }

        func value(_ tag: String) -> Substring? { entries[tag]?.value }

        func error(_ tag: String, _ message: String) -> InputError {
            InputError(file: file, line: entries[tag]?.line ?? endLine, field: tag, message)
        }

        func count(_ tag: String, minimum: Int) throws(InputError) -> Int {
            guard let entry = entries[tag] else {
                throw InputError(file: file, line: endLine, field: tag, "required metadata tag <\(tag)> is missing")
            }
            let value = try FieldParser.int(entry.value, file: file, line: entry.line, field: tag)
            guard value >= minimum else {
                throw InputError(file: file, line: entry.line, field: tag, "expected a value >= \(minimum), found \(value)")
            }
            return value
        }

        func number(_ tag: String) throws(InputError) -> Double {
            guard let entry = entries[tag] else {
                throw InputError(file: file, line: endLine, field: tag, "required metadata tag <\(tag)> is missing")
            }
            return try FieldParser.double(entry.value, file: file, line: entry.line, field: tag)
        }
    }
}

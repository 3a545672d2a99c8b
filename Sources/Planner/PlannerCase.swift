import DistributionGrid
import Foundation
import InputParsing
import Restoration
import TrafficEquilibrium

/// A candidate charging-station site: the midpoint of one road, coupled to one feeder bus.
public struct CandidateSite: Sendable, Equatable {
    /// The site number in the candidates table (also the bit position + 1 in reports).
    public var id: Int
    /// Road end nodes, 0-based network indices.
    public var fromNode: Int
    public var toNode: Int
    /// The directed arcs of the road (one or two).
    public var arcs: [Int]
    /// Feeder bus number the station connects to.
    public var bus: Int
    /// Index of that bus in the feeder.
    public var busIndex: Int
    /// Road length, km (from the network).
    public var lengthKm: Double
}

/// A loaded, cross-checked case: the traffic network and demand, the feeder, the coupling,
/// the restoration data and every parameter.
public struct PlannerCase: Sendable {
    public var manifest: CaseManifest
    /// The folder the manifest's paths are relative to.
    public var directory: String
    public var network: TrafficNetwork
    /// OD demand as given in the trips table (before `demandScale`).
    public var demand: Demand
    /// Node coordinates by node index, when the case gives them.
    public var coordinates: [TNTP.NodeCoordinate]?
    /// New-lane cost per directed arc, USD, with `laneCostScale` applied (0 where none).
    public var laneCostUSD: [Double]
    /// Capacity added per new lane per directed arc, veh/h (0 where no lanes may be added).
    public var laneCapacityVehPerH: [Double]
    /// The candidate sites, in bit order.
    public var candidates: [CandidateSite]
    public var matpower: MatpowerCase
    public var feeder: Feeder
    public var generators: [DistributedGenerator]
    public var profiles: [String: HourlyProfile]
    public var loadClasses: [String: LoadClass]
    /// Load class by feeder bus number.
    public var busClass: [Int: String]
    public var scenarios: [FaultScenario]
    /// Cluster of each node, when the case gives them (else found by Louvain).
    public var givenClusters: [Int]?
    /// SHA-256 over the manifest and every file it names, in a fixed order.
    public var fingerprint: String
    /// The manifest's file name and every table it names, relative to `directory`.
    public var files: [String]

    public var parameters: CaseParameters {
        get { manifest.parameters }
        set { manifest.parameters = newValue }
    }

    /// Loads a case from its manifest, checking every table and every cross-reference.
    public static func load(manifestPath: String) throws(InputError) -> PlannerCase {
        let manifestText = try TextFile.read(manifestPath)
        let manifest = try CaseManifest(text: manifestText, file: manifestPath)
        let directory = (manifestPath as NSString).deletingLastPathComponent
        func path(_ relative: String) -> String {
            relative.hasPrefix("/") ? relative : (directory.isEmpty ? relative : directory + "/" + relative)
        }
        let network = try TNTP.readNetwork(path: path(manifest.networkFile))
        let demand = try TNTP.readDemand(path: path(manifest.tripsFile))
        guard demand.zoneCount == network.zoneCount else {
            throw InputError(
                file: path(manifest.tripsFile), field: "NUMBER OF ZONES",
                "the trips have \(demand.zoneCount) zones, the network \(network.zoneCount)")
        }
        guard demand.interzonalTotal > 0 else {
            throw InputError(file: path(manifest.tripsFile), "expected some demand between distinct zones, found none")
        }
        var coordinates: [TNTP.NodeCoordinate]? = nil
        if let nodes = manifest.nodesFile {
            coordinates = try TNTP.readNodes(path: path(nodes), nodeCount: network.nodeCount)
        }
        var laneCost = [Double](repeating: 0, count: network.links.count)
        var laneCapacity = [Double](repeating: 0, count: network.links.count)
        if let upgrades = manifest.roadUpgradesFile {
            let table = try CSVTable(
                path: path(upgrades), required: ["from_node", "to_node", "lane_cost_usd", "lane_capacity_veh_per_h"])
            var seen: [Int: Int] = [:]
            for row in table.rows {
                let arcs = try roadArcs(row, network: network)
                if let first = seen[arcs[0]] {
                    throw row.error("to_node", "road already listed on line \(first)")
                }
                let cost = try row.nonNegative("lane_cost_usd") * manifest.parameters.laneCostScale
                let capacity = try row.nonNegative("lane_capacity_veh_per_h")
                for arc in arcs {
                    seen[arc] = row.line
                    laneCost[arc] = cost
                    laneCapacity[arc] = capacity
                }
            }
        }
        let matpower = try MatpowerCase(path: path(manifest.matpowerFile))
        let feeder = try Feeder(matpower: matpower)
        func busIndex(_ row: CSVTable.Row, _ column: String) throws(InputError) -> (Int, Int) {
            let number = try row.int(column)
            guard let index = feeder.index(ofBus: number) else {
                throw row.error(column, "unknown feeder bus \(number) (not in \(manifest.matpowerFile))")
            }
            return (number, index)
        }

        let candidateTable = try CSVTable(path: path(manifest.candidatesFile), required: ["site", "from_node", "to_node", "bus"])
        var candidates: [CandidateSite] = []
        for row in candidateTable.rows {
            let id = try row.int("site")
            if candidates.contains(where: { $0.id == id }) { throw row.error("site", "site \(id) is listed twice") }
            let arcs = try roadArcs(row, network: network)
            if let other = candidates.first(where: { Set($0.arcs) == Set(arcs) }) {
                throw row.error("to_node", "this road already has candidate site \(other.id)")
            }
            let (bus, index) = try busIndex(row, "bus")
            candidates.append(
                CandidateSite(
                    id: id, fromNode: network.links[arcs[0]].tail, toNode: network.links[arcs[0]].head, arcs: arcs,
                    bus: bus, busIndex: index, lengthKm: network.links[arcs[0]].length))
        }
        guard !candidates.isEmpty else {
            throw InputError(file: path(manifest.candidatesFile), "expected at least one candidate site")
        }
        guard candidates.count <= 62 else {
            throw InputError(file: path(manifest.candidatesFile), "at most 62 candidate sites are supported, found \(candidates.count)")
        }

        let profiles = try RestorationTables.profiles(try CSVTable(path: path(manifest.profilesFile), required: ["profile"]))
        let loadClasses = try RestorationTables.loadClasses(
            try CSVTable(path: path(manifest.loadClassesFile), required: ["class", "voll_weight", "profile"]), profiles: profiles)
        let generatorTable = try CSVTable(
            path: path(manifest.generatorsFile), required: ["name", "bus", "kind", "p_max_kw", "q_max_kvar", "profile"])
        let generators = try RestorationTables.generators(generatorTable, profiles: profiles)
        for (row, generator) in zip(generatorTable.rows, generators) where feeder.index(ofBus: generator.bus) == nil {
            throw row.error("bus", "unknown feeder bus \(generator.bus)")
        }
        let busClassTable = try CSVTable(path: path(manifest.busClassesFile), required: ["bus", "class"])
        var busClass: [Int: String] = [:]
        for row in busClassTable.rows {
            let (bus, _) = try busIndex(row, "bus")
            let name = try row.string("class")
            guard loadClasses[name] != nil else {
                throw row.error("class", "unknown load class \"\(name)\"; defined: \(loadClasses.keys.sorted().joined(separator: ", "))")
            }
            guard busClass[bus] == nil else { throw row.error("bus", "bus \(bus) is listed twice") }
            busClass[bus] = name
        }
        for bus in feeder.buses where (bus.pKW != 0 || bus.qKVAr != 0) && busClass[bus.number] == nil {
            throw InputError(
                file: path(manifest.busClassesFile), field: "bus",
                "load bus \(bus.number) has no row; every bus with load needs a load class")
        }
        let scenarioTable = try CSVTable(
            path: path(manifest.scenariosFile),
            required: ["scenario", "probability", "start_hour", "duration_h", "damaged_branches", "damaged_buses"])
        let scenarios = try RestorationTables.scenarios(scenarioTable)
        for (row, scenario) in zip(scenarioTable.rows, scenarios) {
            for pair in scenario.damagedBranches where !feeder.branches.contains(where: {
                BusPair(feeder.buses[$0.from].number, feeder.buses[$0.to].number) == pair
            }) {
                throw row.error("damaged_branches", "no feeder branch joins buses \(pair.low) and \(pair.high)")
            }
            for bus in scenario.damagedBuses where feeder.index(ofBus: bus) == nil {
                throw row.error("damaged_buses", "unknown feeder bus \(bus)")
            }
        }
        var givenClusters: [Int]? = nil
        if case .file(let clusterFile) = manifest.parameters.clusters {
            givenClusters = try readClusters(path: path(clusterFile), nodeCount: network.nodeCount)
        }

        var files = [(manifestPath as NSString).lastPathComponent]
        files += [manifest.networkFile, manifest.tripsFile]
        files += [manifest.nodesFile, manifest.roadUpgradesFile].compactMap { $0 }
        files += [manifest.candidatesFile, manifest.matpowerFile, manifest.generatorsFile, manifest.profilesFile]
        files += [manifest.loadClassesFile, manifest.busClassesFile, manifest.scenariosFile]
        if case .file(let clusterFile) = manifest.parameters.clusters { files.append(clusterFile) }
        var bytes: [UInt8] = []
        for file in files {
            bytes += Array(file.utf8) + [0]
            bytes += Array(try TextFile.read(path(file)).utf8) + [0]
        }
        return PlannerCase(
            manifest: manifest, directory: directory, network: network, demand: demand, coordinates: coordinates,
            laneCostUSD: laneCost, laneCapacityVehPerH: laneCapacity, candidates: candidates, matpower: matpower,
            feeder: feeder, generators: generators, profiles: profiles, loadClasses: loadClasses, busClass: busClass,
            scenarios: scenarios, givenClusters: givenClusters, fingerprint: SHA256.hex(bytes), files: files)
    }

    /// The arcs of the road named by a row's `from_node`/`to_node` (1-based node ids).
    private static func roadArcs(_ row: CSVTable.Row, network: TrafficNetwork) throws(InputError) -> [Int] {
        let from = try row.int("from_node")
        let to = try row.int("to_node")
        for (column, node) in [("from_node", from), ("to_node", to)] where !(1...network.nodeCount).contains(node) {
            throw row.error(column, "unknown node \(node) (the network has nodes 1...\(network.nodeCount))")
        }
        let arcs = [network.arc(from: from - 1, to: to - 1), network.arc(from: to - 1, to: from - 1)].compactMap { $0 }
        guard !arcs.isEmpty else { throw row.error("to_node", "no link joins nodes \(from) and \(to)") }
        return arcs
    }

    private static func readClusters(path: String, nodeCount: Int) throws(InputError) -> [Int] {
        let table = try CSVTable(path: path, required: ["node", "cluster"])
        var cluster = [Int?](repeating: nil, count: nodeCount)
        for row in table.rows {
            let node = try row.int("node")
            guard (1...nodeCount).contains(node) else { throw row.error("node", "unknown node \(node)") }
            guard cluster[node - 1] == nil else { throw row.error("node", "node \(node) is listed twice") }
            let id = try row.int("cluster")
            guard id >= 1 else { throw row.error("cluster", "expected a cluster number >= 1, found \(id)") }
            cluster[node - 1] = id - 1
        }
        if let missing = cluster.firstIndex(where: { $0 == nil }) {
            throw InputError(file: path, field: "node", "node \(missing + 1) has no cluster")
        }
        return cluster.map { $0! }
    }
}

extension PlannerCase {
    /// The folder of the built-in case inside the package's resources.
    public static var builtInDirectory: String {
        guard let url = Bundle.module.url(forResource: "BuiltInCase", withExtension: nil) else {
            fatalError("the package resources are missing the BuiltInCase folder")
        }
        return url.path
    }

    /// The built-in default case (seed 003's TN12 + IEEE 33-bus, seed 001 restoration).
    public static func builtIn() throws(InputError) -> PlannerCase {
        try load(manifestPath: builtInDirectory + "/case.json")
    }

    /// Copies the manifest and every table it names into `destination`, keeping the
    /// relative layout, so the copy loads as the same case.
    public func export(to destination: String) throws {
        for file in files {
            let source = file.hasPrefix("/") ? file : directory + "/" + file
            let target = destination + "/" + (file.hasPrefix("/") ? (file as NSString).lastPathComponent : file)
            try AtomicFile.write(Data(contentsOf: URL(fileURLWithPath: source)), to: target)
        }
    }
}

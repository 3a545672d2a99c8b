import DistributionGrid
import Foundation
import Plotting
import Restoration

/// The feeder during one fault scenario with a plan's fleets: the islands formed, damaged
/// branches, and each bus's share of outage hours served (seed 001 Fig. 6 style).
struct RestorationFigure {
    let evaluator: PlanEvaluator
    let drawing: Plotting.Feeder

    /// One figure per scenario of the case for the plan with fleets at `stationBuses`
    /// (bus numbers, one fleet per entry); returns the file names written into `directory`.
    func write(stationBuses: [Int], planLabel: String, to directory: String, metadata: [PNGTextEntry]) throws -> [String] {
        let grid = evaluator.plannerCase.feeder
        var written: [String] = []
        for (index, scenario) in evaluator.restoration.scenarios.enumerated() {
            let outcome = try evaluator.restoration.outcome(scenario: index, stations: stationBuses)
            let state = try Self.state(of: outcome, scenario: scenario, grid: grid)
            let title = "\(scenario.name): islands with the \(planLabel)'s fleets, "
                + "\(String(format: "%.0f", outcome.weightedEnergyKWh)) weighted kWh served"
            let name = "restoration-" + scenario.name.map { $0.isLetter || $0.isNumber ? $0 : "-" } + ".png"
            try Plot.restorationIslands(drawing, state: state, title: title).writePNG(
                to: directory + "/" + name, metadata: metadata)
            written.append(name)
        }
        return written
    }

    /// The outcome in the feeder's bus and branch indices.
    static func state(of outcome: RestorationOutcome, scenario: FaultScenario, grid: DistributionGrid.Feeder) throws
        -> RestorationState
    {
        func busIndex(_ number: Int) throws -> Int {
            guard let index = grid.index(ofBus: number) else {
                throw PlannerError.missingInput("restoration outcome names bus \(number), which the feeder does not have")
            }
            return index
        }
        var branchIndex: [BusPair: Int] = [:]
        for (index, branch) in grid.branches.enumerated() {
            branchIndex[BusPair(grid.buses[branch.from].number, grid.buses[branch.to].number)] = index
        }
        var island = [Int?](repeating: nil, count: grid.buses.count)
        var closed: Set<Int> = []
        var sources: [RestorationState.Source] = []
        var names: [String] = []
        for (number, formed) in outcome.islands.enumerated() {
            for bus in formed.buses { island[try busIndex(bus)] = number }
            for pair in formed.closedBranches { if let b = branchIndex[pair] { closed.insert(b) } }
            sources.append(RestorationState.Source(bus: try busIndex(formed.rootBus), label: formed.sources.first ?? "root"))
            names.append("Island \(number + 1) (root bus \(formed.rootBus))")
        }
        // Share of the outage's hours in which each bus with load is picked up.
        let hours = max(outcome.hours.count, 1)
        var servedHours = [Int](repeating: 0, count: grid.buses.count)
        for hour in outcome.hours { for bus in hour.servedBuses { servedHours[try busIndex(bus)] += 1 } }
        let served = grid.buses.indices.map { grid.buses[$0].pKW > 0 ? Double(servedHours[$0]) / Double(hours) : .nan }
        let damaged = Set(scenario.damagedBranches.compactMap { branchIndex[$0] })
        return RestorationState(
            damagedBranches: damaged, closedBranches: closed, island: island, servedFraction: served, sources: sources,
            islandNames: names)
    }
}

import CMPI
import Foundation
import Planner

/// The MPI world of a run started by Open MPI's `mpirun`. MPI is initialised only when
/// `mpirun` started the process (it sets `OMPI_COMM_WORLD_SIZE`), so the plain binary
/// never touches MPI. Every MPI call is made from the main thread (MPI_THREAD_FUNNELED);
/// the optimisation threads never call MPI.
final class MPIWorld {
    let rank: Int
    let size: Int
    private let communicator: MPI_Comm?

    /// Message tags.
    static let recordTag: Int32 = 1
    static let doneTag: Int32 = 2

    private init(rank: Int, size: Int, communicator: MPI_Comm?) {
        self.rank = rank
        self.size = size
        self.communicator = communicator
    }

    /// Initialises MPI when running under `mpirun`; nil otherwise.
    static func fromEnvironment() -> MPIWorld? {
        guard ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil else { return nil }
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, Int32(cmpi_thread_funneled()), &provided)
        let world = cmpi_comm_world()
        var rank: Int32 = 0
        var size: Int32 = 0
        MPI_Comm_rank(world, &rank)
        MPI_Comm_size(world, &size)
        return MPIWorld(rank: Int(rank), size: Int(size), communicator: world)
    }

    /// Ends MPI (every rank must call it once).
    func finalize() { MPI_Finalize() }

    /// Stops every rank after an error (records already saved stay; a re-run resumes).
    func abort(_ message: String) -> Never {
        FileHandle.standardError.write(Data("rank \(rank): \(message)\n".utf8))
        MPI_Abort(communicator, 1)
        exit(1)
    }

    /// Broadcasts bytes from rank 0 (other ranks pass anything; all get rank 0's bytes).
    func broadcast(_ bytes: [UInt8]) -> [UInt8] {
        var count = Int64(bytes.count)
        MPI_Bcast(&count, 1, cmpi_int64(), 0, communicator)
        var buffer = rank == 0 ? bytes : [UInt8](repeating: 0, count: Int(count))
        if count > 0 { MPI_Bcast(&buffer, Int32(count), cmpi_byte(), 0, communicator) }
        return buffer
    }

    /// Sends bytes to rank 0 (blocking).
    func sendToRoot(_ bytes: [UInt8], tag: Int32) {
        var buffer = bytes
        MPI_Send(&buffer, Int32(buffer.count), cmpi_byte(), 0, tag, communicator)
    }

    /// Receives one waiting message, if any: (source, tag, bytes).
    func receiveIfWaiting() -> (source: Int, tag: Int32, bytes: [UInt8])? {
        var flag: Int32 = 0
        var status = MPI_Status()
        MPI_Iprobe(cmpi_any_source(), cmpi_any_tag(), communicator, &flag, &status)
        guard flag != 0 else { return nil }
        var count: Int32 = 0
        MPI_Get_count(&status, cmpi_byte(), &count)
        let source = cmpi_status_source(&status)
        let tag = cmpi_status_tag(&status)
        var buffer = [UInt8](repeating: 0, count: Int(count))
        MPI_Recv(&buffer, count, cmpi_byte(), source, tag, communicator, cmpi_status_ignore())
        return (Int(source), tag, buffer)
    }
}

extension SweepRunCommand {
    /// The sweep under MPI: rank 0 opens the folder and broadcasts the definition and the
    /// finished tasks; the pending tasks are dealt round-robin to the ranks; every rank
    /// runs its share, the other ranks send each record's bytes to rank 0, which saves
    /// them, and writes the table and surfaces once every rank has reported done.
    func runUnderMPI(
        _ world: MPIWorld, definition: SweepDefinition, baseCase: PlannerCase, shard: SweepShard, stop: StopFlag,
        quantities: [SweepQuantity]
    ) throws {
        // Rank 0 checks the folder; the other ranks learn the outcome from the broadcast.
        var store = SweepStore(directory: out, definition: definition)
        var header: [UInt8] = []
        let mine = shard.deal(definition.tasks)
        if world.rank == 0 {
            do {
                store = try SweepStore.open(directory: out, definition: definition)
                let done = Set(mine).subtracting(store.pending(mine))
                header = Array(try JSONEncoder().encode(BroadcastHeader(definition: definition, done: mine.map { done.contains($0) })))
            } catch {
                header = Array("error: \(error)".utf8)
            }
        }
        header = world.broadcast(header)
        guard let decoded = try? JSONDecoder().decode(BroadcastHeader.self, from: Data(header)) else {
            if world.rank == 0 { world.finalize(); throw SweepMPIError(String(decoding: header, as: UTF8.self)) }
            world.finalize()
            throw ExitCodeError()
        }
        guard decoded.definition == definition else {
            world.abort("this rank's sweep (case files, parameters or settings) differs from rank 0's")
        }
        let pending = zip(mine, decoded.done).filter { !$0.1 }.map(\.0)
        let share = pending.enumerated().filter { $0.offset % world.size == world.rank }.map(\.element)
        let runner = SweepRunner(store: store, baseCase: baseCase, threads: threads ?? 1)
        if world.rank == 0 {
            say(
                "sweep under MPI: \(world.size) ranks; \(definition.pointCount) points x \(definition.seeds.count) seeds; "
                    + "\(mine.count - pending.count) already done, \(pending.count) to run")
        }
        let started = Date()
        var saved = 0
        var ranksDone = 1
        func save(_ bytes: [UInt8]) throws {
            let record = try SweepRecord.decode(Data(bytes))
            try store.save(Data(bytes), for: SweepTask(point: record.pointIndex, seed: record.seed))
            saved += 1
            say("  \(record.point)-s\(record.seed) done (\(saved)/\(pending.count), \(elapsed(since: started)))")
        }
        func drain() throws {
            while let message = world.receiveIfWaiting() {
                if message.tag == MPIWorld.doneTag { ranksDone += 1 } else { try save(message.bytes) }
            }
        }
        do {
            if world.rank == 0 {
                try runner.execute(share, shouldStop: { stop.isRaised }, deliver: { _, data in try save(Array(data)) }, idle: drain)
                while ranksDone < world.size {
                    try drain()
                    if ranksDone < world.size { Thread.sleep(forTimeInterval: 0.02) }
                }
            } else {
                try runner.execute(share, shouldStop: { stop.isRaised }, deliver: { _, data in
                    world.sendToRoot(Array(data), tag: MPIWorld.recordTag)
                })
                world.sendToRoot([], tag: MPIWorld.doneTag)
            }
        } catch {
            world.abort("\(error)")
        }
        if world.rank == 0 {
            do {
                try finish(store: store, tasks: mine, stopped: stop.isRaised, quantities: quantities)
            } catch {
                world.abort("\(error)")
            }
        }
        world.finalize()
    }
}

/// What rank 0 tells the others before the work starts.
private struct BroadcastHeader: Codable {
    var definition: SweepDefinition
    /// Per task of this shard: already finished.
    var done: [Bool]
}

struct SweepMPIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Non-zero exit for ranks other than 0 after rank 0 reported the error.
struct ExitCodeError: Error, CustomStringConvertible {
    var description: String { "stopped: rank 0 reported an error" }
}

import Dispatch
import Foundation

/// Runs sweep tasks on a pool of threads, one single-threaded optimisation per thread.
///
/// Each run depends only on its point and seed, so the records are the same whatever the
/// thread count or the order tasks finish in. Finished records are handed to the calling
/// thread (`deliver`), which also gets an `idle` call about every 50 ms: the MPI driver
/// uses both to talk to other ranks from one thread.
public struct SweepRunner: Sendable {
    public let store: SweepStore
    public let baseCase: PlannerCase
    public let threads: Int

    public init(store: SweepStore, baseCase: PlannerCase, threads: Int) {
        self.store = store
        self.baseCase = baseCase
        self.threads = max(1, threads)
    }

    /// Runs `tasks`; `deliver` gets each finished task's encoded record on the calling
    /// thread. A stop (polled between generations) ends the runs in flight without a
    /// record. The first error stops the other runs and is rethrown.
    public func execute(
        _ tasks: [SweepTask], shouldStop: @escaping @Sendable () -> Bool,
        deliver: (SweepTask, Data) throws -> Void, idle: () throws -> Void = {}
    ) throws {
        let workers = min(threads, tasks.count)
        let queue = TaskQueue(tasks, workers: workers)
        let store = self.store
        let baseCase = self.baseCase
        for _ in 0..<workers {
            Thread.detachNewThread {
                while !queue.isAborted, !shouldStop(), let task = queue.next() {
                    do {
                        let record = try store.definition.run(
                            task, base: baseCase, runDirectory: store.runDirectory(task),
                            shouldStop: { shouldStop() || queue.isAborted })
                        if let record { queue.finish(task, .success(try record.encoded())) }
                    } catch {
                        queue.finish(task, .failure(error))
                    }
                }
                queue.workerDone()
            }
        }
        var failure: Error?
        func fail(_ error: Error) {
            if failure == nil { failure = error }
            queue.abort()
        }
        while true {
            let (results, running) = queue.wait(timeout: 0.05)
            for (task, result) in results {
                do { try deliver(task, try result.get()) } catch { fail(error) }
            }
            do { try idle() } catch { fail(error) }
            if running == 0 { break }
        }
        if let failure { throw failure }
    }
}

/// The shared task list and the finished results, behind one lock.
private final class TaskQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private let tasks: [SweepTask]
    private var nextIndex = 0
    private var results: [(SweepTask, Result<Data, Error>)] = []
    private var aborted = false
    private var running: Int

    init(_ tasks: [SweepTask], workers: Int) {
        self.tasks = tasks
        running = workers
    }

    var isAborted: Bool { condition.withLock { aborted } }

    func abort() { condition.withLock { aborted = true } }

    func next() -> SweepTask? {
        condition.withLock {
            guard nextIndex < tasks.count else { return nil }
            defer { nextIndex += 1 }
            return tasks[nextIndex]
        }
    }

    func finish(_ task: SweepTask, _ result: Result<Data, Error>) {
        condition.withLock {
            results.append((task, result))
            condition.signal()
        }
    }

    func workerDone() {
        condition.withLock {
            running -= 1
            condition.signal()
        }
    }

    /// Waits up to `timeout` seconds for a result or a worker ending; returns the results
    /// so far and how many workers are still running (taken under the same lock, so no
    /// result can come after a count of 0).
    func wait(timeout: Double) -> (results: [(SweepTask, Result<Data, Error>)], running: Int) {
        condition.lock()
        defer { condition.unlock() }
        if results.isEmpty && running > 0 && timeout > 0 {
            _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
        }
        let taken = results
        results.removeAll()
        return (taken, running)
    }
}

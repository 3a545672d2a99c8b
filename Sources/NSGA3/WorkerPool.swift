import Foundation
import Synchronization

/// Persistent threads for the short parallel steps of a generation (evaluation and
/// association), which can last mere microseconds: too short for a dispatch queue, whose
/// hand-over alone costs about as much.
///
/// `run` posts a job of one part per thread; the calling thread and the workers claim parts
/// in turn. Between jobs a worker polls for up to a millisecond (a generation's next
/// parallel step usually follows within microseconds), then sleeps on a condition. Which
/// thread does which part never changes a result: callers write each item's output to its
/// own slot.
@usableFromInline
final class WorkerPool: @unchecked Sendable {
    /// Threads including the caller's, and parts per job.
    @usableFromInline let threadCount: Int

    /// Jobs posted so far: a change tells a waiting worker to look for parts.
    private let epoch = Atomic<Int>(0)
    /// The next part of the current job to hand out (>= threadCount: none left).
    private let nextPart = Atomic<Int>(0)
    /// Parts of the current job finished.
    private let finished = Atomic<Int>(0)
    /// Workers asleep on `wake` (the poster signals only if one is).
    private let sleepers = Atomic<Int>(0)
    /// Whether a job is running (a second caller, or a job's own nested call, runs serially).
    private let busy = Atomic<Bool>(false)
    private let wake = NSCondition()
    /// The current job; written before its parts are handed out, read after one is claimed.
    private var job: ((Int) -> Void)?
    /// How long a worker polls for the next job before it sleeps.
    private let spinDuration: Duration

    /// The process's pool for `threads` threads (created once per thread count).
    @usableFromInline
    static func shared(threads: Int) -> WorkerPool? {
        guard threads > 1 else { return nil }
        return registry.withLock { pools in
            if let pool = pools[threads] { return pool }
            let pool = WorkerPool(threads: threads)
            pools[threads] = pool
            return pool
        }
    }

    private static let registry = Mutex<[Int: WorkerPool]>([:])

    private init(threads: Int) {
        threadCount = threads
        // A generation's parallel steps come some tens of microseconds apart. With more
        // threads than processors a polling worker would hold up the others: no polling.
        spinDuration = threads <= ProcessInfo.processInfo.activeProcessorCount ? .milliseconds(1) : .zero
        nextPart.store(threads, ordering: .relaxed)
        for _ in 1..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "NSGA3 worker"
            thread.start()
        }
    }

    /// Runs `body(part)` for every part in `0..<threadCount` and returns when all have
    /// finished. Parts are claimed in turn by the calling thread and the workers; a worker
    /// that is late leaves its part to the others, so the caller never waits for a wake-up.
    /// While another job runs, the parts run one after another on the calling thread.
    @usableFromInline
    func run(_ body: (Int) -> Void) {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for part in 0..<threadCount { body(part) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            job = body
            finished.store(0, ordering: .relaxed)
            nextPart.store(0, ordering: .releasing)
            // Sequentially consistent with the sleeper's count-then-check: either it sees
            // the new job or this thread sees it asleep and wakes it.
            epoch.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            runParts()
            while finished.load(ordering: .acquiring) < threadCount {}
            job = nil
        }
    }

    /// Contiguous ranges of `0..<count`, one per part (the first parts one longer).
    @usableFromInline
    func range(of part: Int, in count: Int) -> Range<Int> {
        let base = count / threadCount
        let extra = count % threadCount
        let start = part * base + min(part, extra)
        return start..<start + base + (part < extra ? 1 : 0)
    }

    /// Claims and runs parts of the current job until none is left.
    private func runParts() {
        while true {
            let part = nextPart.add(1, ordering: .acquiring).oldValue
            guard part < threadCount else { return }
            job!(part)
            finished.add(1, ordering: .releasing)
        }
    }

    private func work() {
        let clock = ContinuousClock()
        var seen = 0
        while true {
            var current = epoch.load(ordering: .acquiring)
            if current == seen {
                let deadline = clock.now + spinDuration
                var polls = 0
                while current == seen {
                    polls += 1
                    if polls % 1024 == 0 && clock.now > deadline {
                        wake.lock()
                        sleepers.add(1, ordering: .sequentiallyConsistent)
                        while epoch.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                        sleepers.subtract(1, ordering: .relaxed)
                        wake.unlock()
                    }
                    current = epoch.load(ordering: .acquiring)
                }
            }
            seen = current
            runParts()
        }
    }
}

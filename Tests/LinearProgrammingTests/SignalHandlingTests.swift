import Dispatch
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import LinearProgramming

/// Clp's default cold solve installs its own SIGINT handler aimed at the model it is
/// solving, which is not thread-safe and would swallow a caller's Ctrl-C handling; the
/// wrapper turns that off. `.serialized`: the test reads process-wide signal state.
@Suite(.serialized) struct SignalHandlingTests {
    /// The current SIGINT handler's address (0 for SIG_DFL, 1 for SIG_IGN).
    func currentSIGINTHandler() -> Int {
        var current = sigaction()
        sigaction(SIGINT, nil, &current)
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
    }

    /// With Clp's handling on, overlapping solves save and restore each other's handler
    /// and leave Clp's installed (aimed at a freed model) once all are done.
    @Test(arguments: [true, false])
    func concurrentColdSolvesLeaveTheCallersSIGINTHandlerAlone(presolve: Bool) throws {
        let previous = signal(SIGINT, SIG_IGN)
        defer { signal(SIGINT, previous) }
        let ignoring = currentSIGINTHandler()
        let failures = FailureCount()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for round in 0..<150 {
                do {
                    let model = transportLP(sites: 6, zones: 8, seed: UInt64(worker * 1000 + round))
                    _ = try LPSolver(model, backend: .clp, limits: LPLimits(presolve: presolve)).solve()
                } catch {
                    failures.add()
                }
            }
        }
        #expect(failures.value == 0)
        #expect(currentSIGINTHandler() == ignoring)
    }
}

final class FailureCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

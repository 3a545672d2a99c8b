import CGSL

/// GSL's default error handler aborts the process; the module checks return values instead.
/// A global `let` is initialised once, lazily and thread-safely, by the Swift runtime.
private let gslErrorHandlerDisabled: Void = {
    _ = gsl_set_error_handler_off()
}()

/// A seeded Mersenne Twister (GSL `mt19937`), owned by one value and freed with it.
///
/// Not `Sendable`: each task makes its own generator from its own seed, which is what
/// keeps results independent of the thread count.
final class GSLRandom {
    private let state: UnsafeMutablePointer<gsl_rng>

    /// A generator seeded with `seed`. mt19937 keeps 32 bits of seed, so the high half is
    /// folded into the low half (seeds below 2^32 pass unchanged); GSL maps 0 to 4357.
    init(seed: UInt64) {
        _ = gslErrorHandlerDisabled
        guard let state = gsl_rng_alloc(cgsl_rng_mt19937()) else {
            fatalError("GSL could not allocate an mt19937 generator (out of memory)")
        }
        gsl_rng_set(state, UInt(truncatingIfNeeded: (seed ^ (seed >> 32)) & 0xFFFF_FFFF))
        self.state = state
    }

    deinit { gsl_rng_free(state) }

    /// A uniform integer in `0..<bound`; `bound` must lie in `1...2^32` (mt19937's range).
    func integer(below bound: Int) -> Int {
        precondition(bound > 0 && UInt64(bound) <= 1 << 32, "bound \(bound) outside 1...2^32")
        return Int(gsl_rng_uniform_int(state, UInt(bound)))
    }

    /// A uniform double in `[0, 1)`.
    func unit() -> Double { gsl_rng_uniform(state) }

    /// The raw next 32-bit output, for checking the generator against GSL's published values.
    func next() -> UInt64 { UInt64(gsl_rng_get(state)) }

    /// An independent seed for sub-stream `index` of a run seeded with `seed` (SplitMix64),
    /// so sample `i` draws the same numbers whichever thread computes it.
    static func derivedSeed(_ seed: UInt64, stream index: Int) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: index &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

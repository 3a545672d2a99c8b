import Foundation

/// Tick positions on 1-2-5 steps (linear axes) or at powers of ten (log axes).
enum Ticks {
    /// The smallest step of the form {1, 2, 5} × 10^k that is at least `raw`.
    static func niceStep(atLeast raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let exponent = floor(log10(raw))
        let base = pow(10, exponent)
        let fraction = raw / base
        // The tolerance keeps exact 2.0000000001 (rounding noise) on 2, not 5.
        for candidate in [1.0, 2.0, 5.0, 10.0] where fraction <= candidate * (1 + 1e-9) {
            return candidate * base
        }
        return 10 * base
    }

    /// The next 1-2-5 step above `step`.
    static func nextStep(after step: Double) -> Double {
        niceStep(atLeast: step * 1.0001)
    }

    /// Multiples of `step` inside [lower, upper] (ends included within rounding noise).
    static func multiples(of step: Double, in lower: Double, _ upper: Double) -> [Double] {
        guard step > 0, lower.isFinite, upper.isFinite, upper >= lower else { return [] }
        let slack = step * 1e-9
        let first = ceil((lower - slack) / step)
        let last = floor((upper + slack) / step)
        guard last >= first, last - first < 10_000 else { return [] }
        // Multiply rather than accumulate, write the step as m × 10^e with integer m so
        // that 3 × 0.1 comes out as 0.3 (not 0.30000000000000004), and snap tiny
        // values to zero, so labels read "0".
        let exponent = floor(log10(step) + 1e-9)
        let mantissa = (step / pow(10, exponent)).rounded()
        let exact = abs(mantissa * pow(10, exponent) - step) <= step * 1e-9
        return stride(from: first, through: last, by: 1).map { k in
            var v = k * step
            if exact { v = exponent < 0 ? k * mantissa / pow(10, -exponent) : k * mantissa * pow(10, exponent) }
            return abs(v) < slack ? 0 : v
        }
    }

    /// Linear ticks in [lower, upper], at most `maxCount` of them, on the finest 1-2-5
    /// step that fits; `integerOnly` keeps the step at 1 or more; `unit` scales the
    /// step search (60 for hour steps on a minute axis).
    static func linear(_ lower: Double, _ upper: Double, maxCount: Int, integerOnly: Bool = false, unit: Double = 1) -> (values: [Double], step: Double) {
        let span = upper - lower
        guard span > 0, span.isFinite else { return ([lower], 1) }
        let count = max(maxCount, 2)
        // Start below the naive step: the number of multiples inside the range depends
        // on where they fall, so the finest step that fits is found by climbing.
        var step = niceStep(atLeast: span / unit / Double(2 * count)) * unit
        if integerOnly { step = max(step, 1) }
        var values = multiples(of: step, in: lower, upper)
        while values.count > count {
            step = nextStep(after: step / unit) * unit
            values = multiples(of: step, in: lower, upper)
        }
        return (values, step)
    }

    /// Logarithmic ticks in [lower, upper] (both > 0), the densest of these that fits
    /// `maxCount`: 1-2-5 in every decade, 1-3 in every decade, every decade, every k-th
    /// decade. Powers of ten are kept even past `maxCount` rather than showing fewer
    /// than two ticks; only a range inside one decade falls back to linear steps.
    static func logarithmic(_ lower: Double, _ upper: Double, maxCount: Int) -> [Double] {
        guard lower > 0, upper > lower else { return lower > 0 ? [lower] : [] }
        let first = Int(floor(log10(lower) + 1e-9))
        let last = Int(ceil(log10(upper) - 1e-9))
        func inside(_ v: Double) -> Bool { v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) }
        func mantissas(_ ms: [Double]) -> [Double] {
            // Divide for negative exponents: 3 / 10 is 0.3, while 3 × 0.1 is not.
            (first...last).flatMap { e in ms.map { e < 0 ? $0 / pow(10, Double(-e)) : $0 * pow(10, Double(e)) } }.filter(inside)
        }
        let count = max(maxCount, 2)
        for ms in [[1.0, 2.0, 5.0], [1.0, 3.0]] {
            let values = mantissas(ms)
            if values.count >= 2, values.count <= count, values.contains(where: { abs(log10($0).rounded() - log10($0)) < 1e-9 }) {
                return values
            }
        }
        let decades = mantissas([1])
        if decades.count < 2 {
            let dense = mantissas([1, 2, 5])
            return dense.count >= 2 ? dense : linear(lower, upper, maxCount: maxCount).values
        }
        var every = 1
        while (decades.count + every - 1) / every > count, decades.count / (every + 1) >= 2 { every += 1 }
        // Keep the decades whose exponent is a multiple of `every`, so 10^0 stays when present.
        let kept = decades.filter { Int(log10($0).rounded()) % every == 0 }
        return kept.count >= 2 ? kept : decades
    }

    /// Unlabelled minor ticks of a log axis: 2…9 × 10^k inside [lower, upper] that are
    /// not already major ticks; none when the axis spans more than six decades.
    static func logMinor(_ lower: Double, _ upper: Double, major: [Double]) -> [Double] {
        guard lower > 0, upper > lower else { return [] }
        let first = Int(floor(log10(lower))), last = Int(ceil(log10(upper)))
        guard last - first <= 6 else { return [] }
        var values: [Double] = []
        for e in first...last {
            for m in 2...9 {
                let v = Double(m) * pow(10, Double(e))
                guard v >= lower, v <= upper else { continue }
                if !major.contains(where: { abs($0 - v) <= v * 1e-9 }) { values.append(v) }
            }
        }
        return values
    }
}

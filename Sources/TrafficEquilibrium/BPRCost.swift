import Foundation

/// BPR link travel times `t_a(x) = (t0_a / m_a) (1 + b_a (x / c_a)^p_a)`.
///
/// `m_a` is a per-link speed multiplier (1 = normal; 0.5 = half speed, as on a waterlogged
/// road in seed 002's eq. 3), so the free-flow time is divided by it.
public struct BPRCost: Sendable, Equatable {
    /// Free-flow time divided by the speed multiplier, per arc.
    public let scaledFreeFlowTime: [Double]
    /// Capacity per arc.
    public let capacity: [Double]
    /// BPR `b` per arc.
    public let b: [Double]
    /// BPR exponent per arc.
    public let power: [Double]
    /// The exponent as a small integer when it is one (fast path), else -1.
    let integerPower: [Int]

    /// The BPR functions of `network`'s arcs.
    ///
    /// - Parameters:
    ///   - speedMultipliers: one per arc, each > 0 (default: all 1).
    ///   - marginal: give the marginal social cost `t + x t'` instead of `t`; for BPR that is
    ///     BPR again with `b` multiplied by `power + 1`, so a user equilibrium under it is the
    ///     system optimum.
    public init(network: TrafficNetwork, speedMultipliers: [Double]? = nil, marginal: Bool = false) {
        if let speedMultipliers {
            precondition(speedMultipliers.count == network.linkCount, "one speed multiplier per arc")
            precondition(speedMultipliers.allSatisfy { $0 > 0 && $0.isFinite }, "speed multipliers must be > 0")
        }
        scaledFreeFlowTime = network.links.indices.map { arc in
            network.links[arc].freeFlowTime / (speedMultipliers?[arc] ?? 1)
        }
        capacity = network.links.map(\.capacity)
        b = network.links.map { marginal ? $0.bprB * ($0.bprPower + 1) : $0.bprB }
        power = network.links.map(\.bprPower)
        integerPower = power.map { p in p == p.rounded() && p >= 0 && p <= 16 ? Int(p) : -1 }
    }

    @inline(__always)
    func ratioPower(_ ratio: Double, _ arc: Int) -> Double {
        let p = integerPower[arc]
        switch p {
        case 4:
            let r2 = ratio * ratio
            return r2 * r2
        case 0: return 1
        case 1: return ratio
        case 2: return ratio * ratio
        case -1: return ratio > 0 ? pow(ratio, power[arc]) : 0
        default:
            var result = 1.0
            for _ in 0..<p { result *= ratio }
            return result
        }
    }

    /// Travel time on `arc` at flow `x`.
    @inline(__always)
    public func time(_ arc: Int, flow x: Double) -> Double {
        scaledFreeFlowTime[arc] * (1 + b[arc] * ratioPower(x / capacity[arc], arc))
    }

    /// Derivative of the travel time on `arc` at flow `x` (0 for exponent 0).
    @inline(__always)
    public func derivative(_ arc: Int, flow x: Double) -> Double {
        let p = power[arc]
        guard p > 0, x > 0 else { return p == 1 ? scaledFreeFlowTime[arc] * b[arc] / capacity[arc] : 0 }
        let ratio = x / capacity[arc]
        return scaledFreeFlowTime[arc] * b[arc] * p * ratioPower(ratio, arc) / x
    }

    /// `∫_0^x t_a(s) ds`, the arc's term of the Beckmann objective.
    @inline(__always)
    public func integral(_ arc: Int, flow x: Double) -> Double {
        let p = power[arc]
        return scaledFreeFlowTime[arc] * x * (1 + b[arc] / (p + 1) * ratioPower(x / capacity[arc], arc))
    }

    /// Beckmann objective `Σ_a ∫_0^{x_a} t_a`.
    public func beckmann(_ flows: [Double]) -> Double {
        var sum = 0.0
        for arc in flows.indices { sum += integral(arc, flow: flows[arc]) }
        return sum
    }

    /// Link travel times at the given flows.
    public func times(_ flows: [Double]) -> [Double] {
        flows.indices.map { time($0, flow: flows[$0]) }
    }
}


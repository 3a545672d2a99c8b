import Foundation
import InputParsing

/// What a sweep computes: the case, the swept parameters and their values, the seeds and
/// the optimiser settings. Saved as `sweep.json` in the sweep folder, so a re-run, a shard
/// or a merge can check it is continuing the same sweep.
public struct SweepDefinition: Sendable, Codable, Equatable {
    /// One swept parameter by name with its values.
    public struct Axis: Sendable, Codable, Equatable {
        public var name: String
        public var values: [Double]
    }

    public var caseName: String
    /// The loaded case's fingerprint (before any sweep change).
    public var caseFingerprint: String
    /// The swept parameters; points are their Cartesian product, the last axis fastest.
    public var axes: [Axis]
    /// The seeds run at every point.
    public var seeds: [UInt64]
    public var algorithm: String
    public var population: Int
    public var generations: Int

    /// A definition from parsed axes and settings.
    public init(plannerCase: PlannerCase, axes: [SweepAxis], seeds: [UInt64], algorithm: String, population: Int, generations: Int)
        throws(InputError)
    {
        guard !axes.isEmpty else { throw InputError(file: "--param", "expected at least one --param name=values") }
        var seen: Set<String> = []
        for axis in axes where !seen.insert(axis.parameter.name).inserted {
            throw InputError(file: "--param", field: axis.parameter.name, "the parameter is swept twice")
        }
        guard !seeds.isEmpty, Set(seeds).count == seeds.count else {
            throw InputError(file: "--seeds", "expected at least one seed and no seed twice")
        }
        caseName = plannerCase.manifest.name
        caseFingerprint = plannerCase.fingerprint
        self.axes = axes.map { Axis(name: $0.parameter.name, values: $0.values) }
        self.seeds = seeds
        self.algorithm = algorithm
        self.population = population
        self.generations = generations
    }

    /// The number of grid points.
    public var pointCount: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// The parameter values of point `index` (last axis varies fastest).
    public func values(ofPoint index: Int) -> [Double] {
        var rest = index
        var result = [Double](repeating: 0, count: axes.count)
        for k in axes.indices.reversed() {
            result[k] = axes[k].values[rest % axes[k].values.count]
            rest /= axes[k].values.count
        }
        return result
    }

    /// The point's name in file names and tables: `p` and its 1-based number, zero-padded
    /// to the width of the largest, so names sort in point order.
    public func pointID(_ index: Int) -> String {
        let width = String(pointCount).count
        let digits = String(index + 1)
        return "p" + String(repeating: "0", count: width - digits.count) + digits
    }

    /// Every (point, seed) task, point-major, seeds in the given order.
    public var tasks: [SweepTask] {
        (0..<pointCount).flatMap { point in seeds.map { SweepTask(point: point, seed: $0) } }
    }

    /// The case with point `index`'s values applied to `plannerCase`.
    public func pointCase(_ index: Int, base plannerCase: PlannerCase) throws(InputError) -> PlannerCase {
        var changed = plannerCase
        for (axis, value) in zip(axes, values(ofPoint: index)) {
            changed = try SweepParameter.named(axis.name, source: "sweep.json").apply(value, to: changed)
        }
        return changed
    }

    /// The record file name of a task inside `points/`.
    public func recordName(_ task: SweepTask) -> String { "\(pointID(task.point))-s\(task.seed).json" }
}

/// One optimisation of a sweep: a grid point and a seed.
public struct SweepTask: Sendable, Codable, Hashable {
    /// 0-based point index (see ``SweepDefinition/values(ofPoint:)``).
    public var point: Int
    public var seed: UInt64

    public init(point: Int, seed: UInt64) {
        self.point = point
        self.seed = seed
    }
}

/// `K/N`: the K-th (1-based) of N shards of a sweep's task list.
public struct SweepShard: Sendable, Equatable {
    public var index: Int
    public var count: Int

    /// The whole sweep.
    public static let whole = SweepShard(validIndex: 1, count: 1)

    init(validIndex: Int, count: Int) {
        index = validIndex
        self.count = count
    }

    /// A shard from `K/N` with 1 ≤ K ≤ N.
    public init(parsing text: String) throws(InputError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else {
            throw InputError(file: "--shard", "expected K/N with 1 <= K <= N (e.g. 2/8), found \"\(text)\"")
        }
        self.init(validIndex: k, count: n)
    }

    /// This shard's share of `tasks`: every N-th task starting at the K-th, so neighbouring
    /// points (which cost about the same) spread over the shards.
    public func deal<T>(_ tasks: [T]) -> [T] {
        tasks.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }
}

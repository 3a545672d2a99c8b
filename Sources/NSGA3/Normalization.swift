/// NSGA-III's adaptive normalisation (Deb & Jain 2014, section IV-C): ideal point,
/// extreme points by the achievement scalarising function, hyperplane intercepts.
///
/// Every threshold is relative to the objectives' spread, so the result does not depend on
/// their units: objectives of 10^7 dollars and 10^-2 hours normalise alike. Objectives are
/// first translated by the ideal point and divided by the population's spread (worst
/// minus ideal); extreme points, the hyperplane and its checks are computed in that
/// dimensionless space and mapped back.
public struct HyperplaneNormalization: Hashable, Codable, Sendable {
    /// Where the nadir estimate of the last update came from.
    public enum NadirSource: String, Hashable, Codable, Sendable {
        /// The intercepts of the hyperplane through the extreme points.
        case hyperplane
        /// The worst value of each objective in the first front: the hyperplane was singular,
        /// inaccurate, or had a negative or tiny intercept.
        case worstOfFirstFront
    }

    /// The number of objectives.
    public let objectiveCount: Int
    /// The smallest value of each objective seen in any feasible point so far (empty before).
    public private(set) var ideal: [Double] = []
    /// The largest value of each objective seen in any feasible point so far (empty before).
    public private(set) var worst: [Double] = []
    /// The extreme point of each axis, `objectiveCount` vectors of original objectives,
    /// kept across generations as candidates (empty before the first update).
    public private(set) var extremePoints: [[Double]] = []
    /// The nadir estimate of the last update.
    public private(set) var nadir: [Double] = []
    /// How the last nadir estimate was found.
    public private(set) var nadirSource: NadirSource = .hyperplane
    /// Objectives whose nadir estimate collapsed onto the ideal point in the last update and
    /// fell back to the worst value in the population.
    public private(set) var populationFallbackObjectives: [Int] = []

    /// Off-axis weight of the achievement scalarising function (Deb & Jain: 10^-6).
    static let offAxisWeight = 1e-6
    /// A translated value below this fraction of the objective's intercept counts as zero
    /// in the achievement scalarising function that finds extreme points.
    static let onAxis = 1e-3
    /// An intercept below this fraction of the objective's spread counts as tiny.
    static let tinyIntercept = 1e-6

    /// An empty normalisation for `objectiveCount` objectives.
    public init(objectiveCount: Int) {
        self.objectiveCount = objectiveCount
    }

    /// Takes the listed points (feasible ones) into the ideal and worst points.
    public mutating func observe(objectives: [Double], members: some Sequence<Int>) {
        let m = objectiveCount
        for member in members {
            if ideal.isEmpty {
                ideal = Array(objectives[member * m..<(member + 1) * m])
                worst = ideal
                continue
            }
            for k in 0..<m {
                let value = objectives[member * m + k]
                if value < ideal[k] { ideal[k] = value }
                if value > worst[k] { worst[k] = value }
            }
        }
    }

    /// Updates the extreme points and the nadir estimate from a population, and returns the
    /// denominators (nadir − ideal, all positive) that normalise objective `k` as
    /// `(f_k − ideal_k) / denominator_k`.
    ///
    /// - Parameters:
    ///   - objectives: flat objective vectors.
    ///   - population: the points to normalise (NSGA-III's S_t), all observed before.
    ///   - firstFront: the non-dominated points among them, for the fallback nadir.
    public mutating func update(objectives: [Double], population: [Int], firstFront: [Int]) -> [Double] {
        let m = objectiveCount
        precondition(!ideal.isEmpty, "observe points before normalising")
        precondition(!population.isEmpty && !firstFront.isEmpty, "normalisation needs points")

        // The population's spread per objective: the unit of the dimensionless space.
        var populationWorst = [Double](repeating: -.infinity, count: m)
        for member in population {
            for k in 0..<m { populationWorst[k] = max(populationWorst[k], objectives[member * m + k]) }
        }
        var spread = [Double](repeating: 0, count: m)
        for k in 0..<m {
            spread[k] = Self.positiveSpread(populationWorst[k] - ideal[k], near: ideal[k], populationWorst[k])
        }
        // Extreme points: for axis j, the candidate minimising the achievement scalarising
        // function max_k t_k / w_k with w_j = 1 and off-axis weights 1e-6, where t is the
        // point translated by the ideal point and divided by the last normalisation's
        // intercepts (by the population's spread the first time). Earlier extremes stay
        // candidates, listed first so that ties keep them. Scaling by the intercepts rather
        // than the spread keeps one far-off non-dominated point from flattening an
        // objective's scale.
        //
        // Off-axis values of t below 1e-3 count as zero (pymoo's device against stale
        // extremes, made relative: pymoo zeroes 1e-3 absolute, 1e-3 of DTLZ2-4's unit
        // front): without it a point exactly on the axis but far from converged would
        // outrank every converged point a hair off the axis, for good. Inside that on-axis
        // zone the plain ASF reduces to t_j, which on a concave front prefers points *off*
        // the axis (t_j falls as the front curves away), and an extreme point off the axis
        // by d moves the hyperplane's intercepts by about d: on DTLZ4 that bias alone made
        // our IGD 1.5x pymoo's. So every candidate also pays the sum of its off-axis
        // values, sum_k t_k in all: to first order the intercept this point would give
        // with the other extremes on their axes, so convergence and axis distance trade
        // one for one. Off the zone the 1e6 factor dwarfs the added sum.
        var scale = spread
        if !nadir.isEmpty {
            for k in 0..<m { scale[k] = Self.positiveSpread(nadir[k] - ideal[k], near: ideal[k], nadir[k]) }
        }
        // Every candidate translated and scaled once: the earlier extremes, then the population.
        let candidateCount = extremePoints.count + population.count
        var scaled = [Double](repeating: 0, count: candidateCount * m)
        for (index, point) in extremePoints.enumerated() {
            for k in 0..<m { scaled[index * m + k] = (point[k] - ideal[k]) / scale[k] }
        }
        for (position, member) in population.enumerated() {
            let row = (extremePoints.count + position) * m
            for k in 0..<m { scaled[row + k] = (objectives[member * m + k] - ideal[k]) / scale[k] }
        }
        // Each coordinate's on-axis-zeroed value and its off-axis term t / w, computed once
        // for all axes (the same operations per axis as computing them inside the loop).
        var zeroed = scaled
        var weighted = scaled
        for index in 0..<candidateCount * m {
            if zeroed[index] < Self.onAxis { zeroed[index] = 0 }
            weighted[index] = zeroed[index] / Self.offAxisWeight
        }
        var extremes: [[Double]] = []
        for axis in 0..<m {
            var best = -1
            var bestValue = Double.infinity
            for candidate in 0..<candidateCount {
                var value = -Double.infinity
                var offAxisSum = 0.0
                for k in 0..<m {
                    let index = candidate * m + k
                    if k != axis { offAxisSum += scaled[index] }
                    value = max(value, k == axis ? zeroed[index] : weighted[index])
                }
                value += offAxisSum
                if value < bestValue {
                    bestValue = value
                    best = candidate
                }
            }
            let member = best - extremePoints.count
            extremes.append(
                member < 0 ? extremePoints[best] : Array(objectives[population[member] * m..<(population[member] + 1) * m]))
        }
        extremePoints = extremes

        // Hyperplane through the scaled extreme points: rows E_j, solve E a = 1; the
        // intercepts are 1 / a_k.
        var matrix = [Double](repeating: 0, count: m * m)
        for j in 0..<m {
            for k in 0..<m { matrix[j * m + k] = (extremes[j][k] - ideal[k]) / spread[k] }
        }
        var estimate = [Double](repeating: 0, count: m)
        var accepted = false
        if let plane = Self.solveLinearSystem(matrix, rightHandSide: [Double](repeating: 1, count: m), size: m) {
            accepted = true
            for k in 0..<m {
                let intercept = 1 / plane[k]
                // A negative, tiny or non-finite intercept means a degenerate hyperplane.
                guard plane[k] > 0, intercept.isFinite, intercept > Self.tinyIntercept else {
                    accepted = false
                    break
                }
                // Never beyond the worst value ever seen (as pymoo and jMetal do): a nearly
                // axis-parallel hyperplane would otherwise flatten the objective.
                estimate[k] = min(ideal[k] + intercept * spread[k], worst[k])
            }
        }
        if accepted {
            nadirSource = .hyperplane
        } else {
            nadirSource = .worstOfFirstFront
            estimate = [Double](repeating: -.infinity, count: m)
            for member in firstFront {
                for k in 0..<m { estimate[k] = max(estimate[k], objectives[member * m + k]) }
            }
        }
        populationFallbackObjectives = []
        var denominators = [Double](repeating: 0, count: m)
        for k in 0..<m {
            if estimate[k] - ideal[k] <= Self.tinyIntercept * spread[k] {
                populationFallbackObjectives.append(k)
                estimate[k] = ideal[k] + spread[k]
            }
            denominators[k] = estimate[k] - ideal[k]
        }
        nadir = estimate
        return denominators
    }

    /// `range` when it is positive and not lost in the rounding of the values it spans;
    /// otherwise a small positive stand-in (all points then share the value anyway).
    static func positiveSpread(_ range: Double, near a: Double, _ b: Double) -> Double {
        let magnitude = max(abs(a), abs(b))
        let floor = magnitude > 0 ? 1e-12 * magnitude : 1
        return range > floor ? range : floor
    }

    /// Solves `A x = b` (row-major `size`×`size`) by Gaussian elimination with partial
    /// pivoting. Returns `nil` when `A` is singular relative to its largest entry or the
    /// solution does not reproduce `b` to 1e-8 (relative).
    static func solveLinearSystem(_ a: [Double], rightHandSide b: [Double], size n: Int) -> [Double]? {
        var lu = a
        var x = b
        let scale = a.reduce(0) { max($0, abs($1)) }
        guard scale > 0, scale.isFinite else { return nil }
        for column in 0..<n {
            var pivotRow = column
            for row in column + 1..<n where abs(lu[row * n + column]) > abs(lu[pivotRow * n + column]) {
                pivotRow = row
            }
            guard abs(lu[pivotRow * n + column]) > 1e-12 * scale else { return nil }
            if pivotRow != column {
                for k in 0..<n { lu.swapAt(column * n + k, pivotRow * n + k) }
                x.swapAt(column, pivotRow)
            }
            let pivot = lu[column * n + column]
            for row in column + 1..<n {
                let factor = lu[row * n + column] / pivot
                guard factor != 0 else { continue }
                for k in column..<n { lu[row * n + k] -= factor * lu[column * n + k] }
                x[row] -= factor * x[column]
            }
        }
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = x[row]
            for k in row + 1..<n { sum -= lu[row * n + k] * x[k] }
            x[row] = sum / lu[row * n + row]
        }
        for row in 0..<n {
            var product = 0.0
            for k in 0..<n { product += a[row * n + k] * x[k] }
            guard product.isFinite, abs(product - b[row]) <= 1e-8 * max(1, abs(b[row])) else { return nil }
        }
        return x
    }
}

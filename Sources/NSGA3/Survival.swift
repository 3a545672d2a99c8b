/// Environmental selection of the three algorithms on flat arrays.
///
/// Each takes the combined population (parents and offspring), chooses `target` survivors
/// and returns them with the per-member values mating selection uses.
@usableFromInline
struct SurvivalOutcome {
    /// Indices into the combined population, in the order they form the next population.
    @usableFromInline var survivors: [Int]
    /// Each survivor's front number under constraint-domination (0 = non-dominated).
    @usableFromInline var ranks: [Int]
    /// Each survivor's secondary selection value: NSGA-II crowding distance (larger is
    /// better), SPEA2 fitness (smaller is better), unused (0) for NSGA-III.
    @usableFromInline var scores: [Double]
}

@usableFromInline
enum Survival {
    /// The survivors under `kind`'s environmental selection.
    @usableFromInline
    static func select(
        _ kind: AlgorithmKind, objectives: [Double], objectiveCount m: Int, violations: [Double], target: Int,
        directions: UnitDirections, normalization: inout HyperplaneNormalization, random: inout Xoshiro256StarStar,
        pool: WorkerPool? = nil
    ) -> SurvivalOutcome {
        switch kind {
        case .nsga3:
            return referenceDirection(
                objectives: objectives, objectiveCount: m, violations: violations, target: target,
                directions: directions, normalization: &normalization, random: &random, pool: pool)
        case .nsga2:
            return crowding(objectives: objectives, objectiveCount: m, violations: violations, target: target)
        case .spea2:
            return strengthPareto(objectives: objectives, objectiveCount: m, violations: violations, target: target)
        }
    }

    // MARK: NSGA-III

    /// Deb & Jain 2014, Algorithms 1-4: fronts up to the one that overflows, then niching
    /// on the reference directions to fill the rest from the last front.
    static func referenceDirection(
        objectives: [Double], objectiveCount m: Int, violations: [Double], target: Int,
        directions: UnitDirections, normalization: inout HyperplaneNormalization, random: inout Xoshiro256StarStar,
        pool: WorkerPool? = nil
    ) -> SurvivalOutcome {
        let fronts = NonDominatedSorting.constrainedFronts(objectives: objectives, objectiveCount: m, violations: violations)
        let feasibleFrontCount = fronts.firstIndex { violations[$0[0]] > 0 } ?? fronts.count
        normalization.observe(objectives: objectives, members: fronts[..<feasibleFrontCount].joined())

        var survivors: [Int] = []
        var ranks: [Int] = []
        survivors.reserveCapacity(target)
        var lastFrontIndex = 0
        while lastFrontIndex < fronts.count && survivors.count + fronts[lastFrontIndex].count <= target {
            survivors += fronts[lastFrontIndex]
            ranks += repeatElement(lastFrontIndex, count: fronts[lastFrontIndex].count)
            lastFrontIndex += 1
        }
        let remaining = target - survivors.count
        guard remaining > 0 else {
            return SurvivalOutcome(survivors: survivors, ranks: ranks, scores: .init(repeating: 0, count: survivors.count))
        }
        let lastFront = fronts[lastFrontIndex]
        let chosen: [Int]
        if lastFrontIndex >= feasibleFrontCount {
            // Infeasible points of equal total violation: nothing to prefer; pick at random.
            chosen = randomSample(lastFront, count: remaining, random: &random)
        } else {
            let population = survivors + lastFront
            let denominators = normalization.update(objectives: objectives, population: population, firstFront: fronts[0])
            chosen = niching(
                objectives: objectives, objectiveCount: m, selected: survivors, lastFront: lastFront,
                remaining: remaining, ideal: normalization.ideal, denominators: denominators,
                directions: directions, random: &random, pool: pool)
        }
        survivors += chosen
        ranks += repeatElement(lastFrontIndex, count: chosen.count)
        return SurvivalOutcome(survivors: survivors, ranks: ranks, scores: .init(repeating: 0, count: survivors.count))
    }

    /// Associates every point with its nearest reference line (perpendicular distance in
    /// normalised space) and fills `remaining` places from `lastFront`, preferring the
    /// least crowded reference directions (Deb & Jain Algorithms 3 and 4).
    static func niching(
        objectives: [Double], objectiveCount m: Int, selected: [Int], lastFront: [Int], remaining: Int,
        ideal: [Double], denominators: [Double], directions: UnitDirections, random: inout Xoshiro256StarStar,
        pool: WorkerPool? = nil
    ) -> [Int] {
        let directionCount = directions.count
        let all = selected + lastFront
        var association = [Int](repeating: 0, count: all.count)
        var distance = [Double](repeating: 0, count: all.count)
        // Normalised coordinates of every point first, then one pass over the directions.
        var normalised = [Double](repeating: 0, count: all.count * m)
        var inverse = [Double](repeating: 0, count: m)
        for k in 0..<m { inverse[k] = 1 / denominators[k] }
        for (position, member) in all.enumerated() {
            for k in 0..<m { normalised[position * m + k] = (objectives[member * m + k] - ideal[k]) * inverse[k] }
        }
        directions.associate(normalised, into: &association, distances: &distance, pool: pool)
        var nicheCount = [Int](repeating: 0, count: directionCount)
        for position in 0..<selected.count { nicheCount[association[position]] += 1 }

        // Last-front candidates grouped by reference direction (flat buckets).
        var bucketStart = [Int](repeating: 0, count: directionCount + 1)
        for position in selected.count..<all.count { bucketStart[association[position] + 1] += 1 }
        for j in 0..<directionCount { bucketStart[j + 1] += bucketStart[j] }
        var bucketSize = [Int](repeating: 0, count: directionCount)
        var bucket = [Int](repeating: 0, count: lastFront.count)  // positions into `all`
        for position in selected.count..<all.count {
            let j = association[position]
            bucket[bucketStart[j] + bucketSize[j]] = position
            bucketSize[j] += 1
        }

        // Directions that still have candidates, grouped by niche count. (A direction with
        // no candidate left could only be drawn and excluded, which changes nothing.)
        var levels = [[Int]](repeating: [], count: (nicheCount.max() ?? 0) + remaining + 2)
        for j in 0..<directionCount where bucketSize[j] > 0 { levels[nicheCount[j]].append(j) }
        var level = 0
        var chosen: [Int] = []
        chosen.reserveCapacity(remaining)
        while chosen.count < remaining {
            // The last front holds at least `remaining` candidates, so a level is never
            // exhausted for good before the loop ends.
            while levels[level].isEmpty { level += 1 }
            let slot = levels[level].count == 1 ? 0 : random.index(below: levels[level].count)
            let j = levels[level][slot]
            let size = bucketSize[j]
            let start = bucketStart[j]
            var pick = 0
            if nicheCount[j] == 0 {
                for candidate in 1..<size where distance[bucket[start + candidate]] < distance[bucket[start + pick]] {
                    pick = candidate
                }
            } else {
                pick = size == 1 ? 0 : random.index(below: size)
            }
            chosen.append(all[bucket[start + pick]])
            // Remove the pick, keeping the bucket's order for the distance ties.
            for index in pick..<size - 1 { bucket[start + index] = bucket[start + index + 1] }
            bucketSize[j] -= 1
            nicheCount[j] += 1
            levels[level].swapAt(slot, levels[level].count - 1)
            levels[level].removeLast()
            if bucketSize[j] > 0 { levels[level + 1].append(j) }
        }
        return chosen
    }

    // MARK: NSGA-II

    /// Deb et al. 2002: whole fronts, then the last front by crowding distance.
    static func crowding(
        objectives: [Double], objectiveCount m: Int, violations: [Double], target: Int
    ) -> SurvivalOutcome {
        let fronts = NonDominatedSorting.constrainedFronts(objectives: objectives, objectiveCount: m, violations: violations)
        var outcome = SurvivalOutcome(survivors: [], ranks: [], scores: [])
        for (rank, front) in fronts.enumerated() {
            let remaining = target - outcome.survivors.count
            if remaining == 0 { break }
            let distances = crowdingDistances(objectives: objectives, objectiveCount: m, front: front)
            if front.count <= remaining {
                outcome.survivors += front
                outcome.scores += distances
                outcome.ranks += repeatElement(rank, count: front.count)
            } else {
                // Largest crowding distance first; ties keep the front's order.
                let order = front.indices.sorted { distances[$0] != distances[$1] ? distances[$0] > distances[$1] : $0 < $1 }
                for position in order.prefix(remaining) {
                    outcome.survivors.append(front[position])
                    outcome.scores.append(distances[position])
                    outcome.ranks.append(rank)
                }
            }
        }
        return outcome
    }

    /// Crowding distance of each member of `front`: the sum over objectives of the gap
    /// between its neighbours divided by the front's range; boundary points get the largest
    /// finite value (it acts as infinity and keeps a saved state valid JSON). Objectives
    /// with no spread in the front add nothing.
    static func crowdingDistances(objectives: [Double], objectiveCount m: Int, front: [Int]) -> [Double] {
        let n = front.count
        var distances = [Double](repeating: 0, count: n)
        let boundary = Double.greatestFiniteMagnitude
        if n <= 2 { return [Double](repeating: boundary, count: n) }
        var order = Array(0..<n)
        for k in 0..<m {
            order.sort {
                let a = objectives[front[$0] * m + k]
                let b = objectives[front[$1] * m + k]
                return a != b ? a < b : $0 < $1
            }
            let low = objectives[front[order[0]] * m + k]
            let high = objectives[front[order[n - 1]] * m + k]
            let range = high - low
            guard range > 1e-12 * max(abs(low), abs(high)) else { continue }
            distances[order[0]] = boundary
            distances[order[n - 1]] = boundary
            for position in 1..<n - 1 {
                let gap = objectives[front[order[position + 1]] * m + k] - objectives[front[order[position - 1]] * m + k]
                distances[order[position]] += gap / range
            }
        }
        return distances
    }

    // MARK: SPEA2

    /// Zitzler, Laumanns & Thiele 2001: strength fitness plus k-th nearest density; the
    /// archive takes the non-dominated points, filled up by fitness or cut down by
    /// iterative truncation. Distances are measured after scaling each objective by its
    /// range in the combined population.
    static func strengthPareto(
        objectives: [Double], objectiveCount m: Int, violations: [Double], target: Int
    ) -> SurvivalOutcome {
        let n = violations.count
        // Strength: how many points each constraint-dominates; raw fitness: the summed
        // strengths of its dominators.
        var dominates = [Bool](repeating: false, count: n * n)
        var strength = [Int](repeating: 0, count: n)
        objectives.withUnsafeBufferPointer { f in
            let base = f.baseAddress!
            for i in 0..<n {
                for j in 0..<n where j != i {
                    let iBeatsJ: Bool
                    switch (violations[i] > 0, violations[j] > 0) {
                    case (false, true): iBeatsJ = true
                    case (true, false): iBeatsJ = false
                    case (true, true): iBeatsJ = violations[i] < violations[j]
                    case (false, false): iBeatsJ = NonDominatedSorting.dominates(base + i * m, base + j * m, m)
                    }
                    if iBeatsJ {
                        dominates[i * n + j] = true
                        strength[i] += 1
                    }
                }
            }
        }
        var raw = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n where dominates[j * n + i] { raw[i] += Double(strength[j]) }
        }

        let distances = scaledDistances(objectives: objectives, objectiveCount: m, count: n)
        let k = max(1, min(n - 1, Int(Double(n).squareRoot())))
        var fitness = [Double](repeating: 0, count: n)
        var row = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n { row[j] = distances[i * n + j] }
            row.sort()  // row[0] is the distance to itself (0)
            fitness[i] = raw[i] + 1 / (row[min(k, n - 1)] + 2)
        }

        var archive = (0..<n).filter { raw[$0] == 0 }
        if archive.count < target {
            let dominated = (0..<n).filter { raw[$0] > 0 }
                .sorted { fitness[$0] != fitness[$1] ? fitness[$0] < fitness[$1] : $0 < $1 }
            archive += dominated.prefix(target - archive.count)
        } else if archive.count > target {
            archive = truncate(archive, to: target, distances: distances, count: n)
        }
        return SurvivalOutcome(
            survivors: archive, ranks: archive.map { raw[$0] == 0 ? 0 : 1 }, scores: archive.map { fitness[$0] })
    }

    /// SPEA2's archive truncation: repeatedly removes the member whose sorted distances to
    /// the other members are lexicographically smallest (first such member on ties).
    static func truncate(_ members: [Int], to target: Int, distances: [Double], count n: Int) -> [Int] {
        var alive = members
        // Each member's distances to the others, ascending.
        var lists = alive.map { i in alive.filter { $0 != i }.map { distances[i * n + $0] }.sorted() }
        while alive.count > target {
            var victim = 0
            for candidate in 1..<alive.count where lists[candidate].lexicographicallyPrecedes(lists[victim]) {
                victim = candidate
            }
            let removed = alive[victim]
            alive.remove(at: victim)
            lists.remove(at: victim)
            for position in alive.indices {
                let value = distances[alive[position] * n + removed]
                // Binary search for one occurrence of `value` and remove it.
                var low = 0
                var high = lists[position].count
                while low < high {
                    let middle = (low + high) / 2
                    if lists[position][middle] < value { low = middle + 1 } else { high = middle }
                }
                lists[position].remove(at: low)
            }
        }
        return alive
    }

    /// Euclidean distances between all points after scaling each objective by its range.
    static func scaledDistances(objectives: [Double], objectiveCount m: Int, count n: Int) -> [Double] {
        var low = [Double](repeating: .infinity, count: m)
        var high = [Double](repeating: -.infinity, count: m)
        for i in 0..<n {
            for k in 0..<m {
                low[k] = min(low[k], objectives[i * m + k])
                high[k] = max(high[k], objectives[i * m + k])
            }
        }
        let scale = (0..<m).map { HyperplaneNormalization.positiveSpread(high[$0] - low[$0], near: low[$0], high[$0]) }
        var distances = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i + 1..<n {
                var sum = 0.0
                for k in 0..<m {
                    let difference = (objectives[i * m + k] - objectives[j * m + k]) / scale[k]
                    sum += difference * difference
                }
                let distance = sum.squareRoot()
                distances[i * n + j] = distance
                distances[j * n + i] = distance
            }
        }
        return distances
    }

    /// `count` members drawn without replacement (partial Fisher-Yates), in draw order.
    static func randomSample(_ members: [Int], count: Int, random: inout Xoshiro256StarStar) -> [Int] {
        var pool = members
        for position in 0..<count {
            pool.swapAt(position, position + random.index(below: pool.count - position))
        }
        return Array(pool.prefix(count))
    }
}

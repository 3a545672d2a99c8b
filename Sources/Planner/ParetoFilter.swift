/// Non-dominated filtering of labelled objective vectors (all minimised).
public enum ParetoFilter {
    /// Whether `a` dominates `b`: no worse in every objective, better in one.
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var better = false
        for (x, y) in zip(a, b) {
            if x > y { return false }
            if x < y { better = true }
        }
        return better
    }

    /// The entries no other entry dominates, in input order. Entries with equal
    /// objectives are all kept (distinct plans with the same scores).
    public static func nonDominated<Label>(_ entries: [(Label, [Double])]) -> [(mask: Label, objectives: [Double])] {
        // Sorting by the first objective lets each point be checked only against earlier ones
        // that could dominate it; O(n^2) in the worst case, fine for the sizes here.
        let order = entries.indices.sorted { entries[$0].1.lexicographicallyPrecedes(entries[$1].1) }
        var kept: [Int] = []
        for i in order {
            let candidate = entries[i].1
            if !kept.contains(where: { dominates(entries[$0].1, candidate) }) { kept.append(i) }
        }
        return kept.sorted().map { (entries[$0].0, entries[$0].1) }
    }
}

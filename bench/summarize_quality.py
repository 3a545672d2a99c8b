"""Median IGD of ours and pymoo per DTLZ case, from the front.csv files that
bench/pymoo_compare.sh quality writes. Both sides are scored by this one function: the
whole final population against Deb & Jain's targets (reference directions met with the
true front: 0.5 w for DTLZ1, w/|w| for DTLZ2-4)."""

import os
import statistics
import sys

import numpy as np
from pymoo.util.ref_dirs import get_reference_directions

DIVISIONS = {3: 12, 5: 6}


def igd(front, targets):
    distances = np.linalg.norm(targets[:, None, :] - front[None, :, :], axis=2)
    return float(distances.min(axis=1).mean())


def main():
    out, seeds = sys.argv[1], int(sys.argv[2])
    print(f"| problem | M | our median IGD | pymoo median IGD | ratio (ours / pymoo) | seeds |")
    print(f"|---|---|---|---|---|---|")
    worst = 0.0
    for m in (3, 5):
        directions = get_reference_directions("das-dennis", m, n_partitions=DIVISIONS[m])
        for problem in ("DTLZ1", "DTLZ2", "DTLZ3", "DTLZ4"):
            if problem == "DTLZ1":
                targets = 0.5 * directions
            else:
                targets = directions / np.linalg.norm(directions, axis=1)[:, None]
            values = {"ours": [], "pymoo": []}
            for seed in range(1, seeds + 1):
                for side in values:
                    path = os.path.join(out, f"{problem}-M{m}-s{seed}", side, "front.csv")
                    values[side].append(igd(np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2), targets))
            ours, theirs = statistics.median(values["ours"]), statistics.median(values["pymoo"])
            worst = max(worst, ours / theirs)
            print(f"| {problem} | {m} | {ours:.4e} | {theirs:.4e} | {ours / theirs:.3f} | {seeds} |")
    print(f"\nlargest ratio: {worst:.3f} (target: at most 1.2)")


if __name__ == "__main__":
    main()

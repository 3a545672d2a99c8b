"""One pymoo 0.6.2 NSGA-III run on DTLZ1-4 with Deb & Jain's settings, matched to
`planner benchmark dtlz`: population 92/212/156/276 (not pymoo's default of one per
reference direction), n = M + k - 1 variables (k = 5 for DTLZ1, 10 for DTLZ2-4), SBX
eta 30 probability 1 (per-variable 1/2), polynomial mutation eta 20 applied to every
offspring (pymoo's default applies it with probability 0.9) with per-variable probability
1/n, duplicates eliminated (pymoo's default, as ours), G generations of offspring after the
initial population (pymoo's n_gen counts the initial population). Writes OUT/front.csv with the whole
final population (res.pop, not res.F, which keeps one point per occupied reference
direction) and prints the wall time of minimize() and the IGD against the targets."""

import argparse
import os
import time

import numpy as np
from pymoo.algorithms.moo.nsga3 import NSGA3
from pymoo.indicators.igd import IGD
from pymoo.operators.crossover.sbx import SBX
from pymoo.operators.mutation.pm import PM
from pymoo.optimize import minimize
from pymoo.problems import get_problem
from pymoo.util.ref_dirs import get_reference_directions

STANDARD = {3: (12, None), 5: (6, None), 8: (3, 2), 10: (3, 2)}


def reference_directions(m, divisions, inside):
    if divisions is None:
        divisions, inside = STANDARD[m]
    if inside is None:
        return get_reference_directions("das-dennis", m, n_partitions=divisions)
    return np.vstack([
        get_reference_directions("das-dennis", m, n_partitions=divisions),
        get_reference_directions("das-dennis", m, n_partitions=inside) * 0.5 + 0.5 / m,
    ])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--problem", default="DTLZ2")
    parser.add_argument("--objectives", type=int, default=3)
    parser.add_argument("--generations", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--population", type=int)
    parser.add_argument("--divisions", type=int)
    parser.add_argument("--inside-divisions", type=int)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    m = args.objectives
    name = args.problem.lower()
    k = 5 if name == "dtlz1" else 10
    n_var = m + k - 1
    problem = get_problem(name, n_var=n_var, n_obj=m)
    directions = reference_directions(m, args.divisions, args.inside_divisions)
    population = args.population or (len(directions) + 3) // 4 * 4
    algorithm = NSGA3(
        ref_dirs=directions,
        pop_size=population,
        crossover=SBX(eta=30, prob=1.0, prob_var=0.5),
        mutation=PM(eta=20, prob=1.0, prob_var=1.0 / n_var),
        eliminate_duplicates=True,
    )
    start = time.perf_counter()
    # pymoo counts the initial population as generation 1: n_gen = G + 1 makes G generations
    # of offspring, as `planner benchmark dtlz --generations G` does.
    result = minimize(problem, algorithm, ("n_gen", args.generations + 1), seed=args.seed, verbose=False)
    elapsed = time.perf_counter() - start

    front = result.pop.get("F")
    scale = 0.5 if name == "dtlz1" else None
    if scale:
        targets = directions * scale
    else:
        targets = directions / np.linalg.norm(directions, axis=1)[:, None]
    igd = IGD(targets).do(front)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "front.csv"), "w") as handle:
        handle.write(",".join(f"f{i + 1}" for i in range(m)) + "\n")
        for row in front:
            handle.write(",".join(repr(float(v)) for v in row) + "\n")
    print(f"{args.problem.upper()} M={m} pymoo-nsga3 population={population} generations={args.generations} seed={args.seed}")
    print(f"IGD: {igd}")
    print(f"wall time: {elapsed} s")


if __name__ == "__main__":
    main()

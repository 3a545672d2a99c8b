#!/usr/bin/env bash
# BPR user equilibrium, side by side: AequilibraE's bi-conjugate Frank-Wolfe vs `planner traffic ue`.
#
# Usage (from the repository root, after `swift build -c release`):
#   bench/aequilibrae_compare.sh [NET.tntp TRIPS.tntp] [GAP] [RUNS]
# Defaults: the Sioux Falls test fixtures, gap 1e-5, 5 runs; prints median wall times.
#
# AequilibraE is installed into bench/.venv-aeq (pip, version 1.7). Its OpenMP runtime
# spins idle threads unless OMP_WAIT_POLICY=PASSIVE, which on a 2-core machine makes it
# about 15x slower; AEQ_SHOW_PROGRESS=FALSE silences its progress bar. Both assignments use
# relative gap (TSTT - SPTT) / TSTT and the same TNTP data; both timings exclude file reading.
# AequilibraE's bfw (like ours) stalls near gap 1e-7: do not ask it for 1e-10.
set -euo pipefail
cd "$(dirname "$0")/.."

NET=${1:-Tests/TrafficEquilibriumTests/Fixtures/SiouxFalls_net.tntp}
TRIPS=${2:-Tests/TrafficEquilibriumTests/Fixtures/SiouxFalls_trips.tntp}
GAP=${3:-1e-5}
RUNS=${4:-5}
VENV=bench/.venv-aeq
PLANNER=${PLANNER:-.build/release/planner}

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "aequilibrae==1.7" || "$VENV/bin/pip" install --quiet "aequilibrae>=1.7,<1.8"
fi
[ -x "$PLANNER" ] || { echo "build the planner first: swift build -c release" >&2; exit 1; }

export OMP_WAIT_POLICY=PASSIVE
export AEQ_SHOW_PROGRESS=FALSE

echo "== AequilibraE $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("aequilibrae"))') bfw, gap $GAP, $RUNS runs"
AEQ_OUT=$(mktemp)
"$VENV/bin/python" - "$NET" "$TRIPS" "$GAP" "$RUNS" <<'PY' | tee "$AEQ_OUT"
import re, sys, time, statistics, warnings
import numpy as np, pandas as pd
from aequilibrae.paths import Graph, TrafficAssignment, TrafficClass
from aequilibrae.matrix import AequilibraeMatrix
warnings.filterwarnings("ignore")
net_path, trips_path, gap, runs = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])

def body(path):
    text = open(path).read()
    head, _, rest = text.partition("<END OF METADATA>")
    meta = {m.group(1).upper(): m.group(2).strip() for m in re.finditer(r"<([^>]+)>([^\n]*)", head)}
    return meta, rest

meta, rest = body(net_path)
zones, first_thru = int(meta["NUMBER OF ZONES"]), int(meta["FIRST THRU NODE"])
rows = []
for line in rest.splitlines():
    line = line.split("~")[0].split(";")[0].split()
    if len(line) >= 7:
        rows.append([int(line[0]), int(line[1])] + [float(v) for v in line[2:7]])
links = pd.DataFrame(rows, columns=["a_node", "b_node", "capacity", "length", "free_flow_time", "b", "power"])
links["link_id"] = np.arange(1, len(links) + 1)
links["direction"] = 1

_, rest = body(trips_path)
demand = np.zeros((zones, zones))
origin = None
for token in re.findall(r"Origin\s+\d+|\d+\s*:\s*[0-9.eE+-]+", rest, flags=re.I):
    if token.lower().startswith("origin"):
        origin = int(token.split()[1])
    else:
        d, v = token.split(":")
        demand[origin - 1, int(d) - 1] = float(v)
np.fill_diagonal(demand, 0)

def solve():
    graph = Graph()
    graph.network = links.copy()
    graph.prepare_graph(np.arange(1, zones + 1, dtype=np.int64))
    graph.set_graph("free_flow_time")
    graph.set_skimming(["free_flow_time"])
    graph.set_blocked_centroid_flows(first_thru > 1)
    matrix = AequilibraeMatrix()
    matrix.create_empty(zones=zones, matrix_names=["matrix"], memory_only=True)
    matrix.index[:] = np.arange(1, zones + 1)
    matrix.matrices[:, :, 0] = demand
    matrix.computational_view(["matrix"])
    assignment = TrafficAssignment()
    assignment.set_classes([TrafficClass("car", graph, matrix)])
    assignment.set_vdf("BPR")
    assignment.set_vdf_parameters({"alpha": "b", "beta": "power"})
    assignment.set_capacity_field("capacity")
    assignment.set_time_field("free_flow_time")
    assignment.set_algorithm("bfw")
    assignment.max_iter = 100000
    assignment.rgap_target = gap
    start = time.perf_counter()
    assignment.execute()
    elapsed = time.perf_counter() - start
    return elapsed, assignment.assignment.iter, assignment.assignment.rgap

times, result = [], None
for _ in range(runs):
    elapsed, iterations, rgap = solve()
    times.append(elapsed)
    result = (iterations, rgap)
print(f"iterations {result[0]}  final gap {result[1]:.3e}  median {statistics.median(times):.4f} s  min {min(times):.4f} s")
print(f"AEQ_MEDIAN_SECONDS {statistics.median(times)}")
PY

echo "== planner traffic ue (bfw and path), gap $GAP, $RUNS runs"
for algorithm in bfw path; do
    best=()
    for _ in $(seq "$RUNS"); do
        out=$("$PLANNER" traffic ue --net "$NET" --trips "$TRIPS" --gap "$GAP" --algorithm "$algorithm" --out /tmp/planner_ue_flow.tntp)
        best+=("$(echo "$out" | awk '/wall time/ {print $3}')")
        iterations=$(echo "$out" | awk '/iterations/ {print $2}')
        final=$(echo "$out" | awk '/relative gap/ {print $3}')
    done
    median=$(printf '%s\n' "${best[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
    aeq=$(awk '/AEQ_MEDIAN_SECONDS/ {print $2}' "$AEQ_OUT")
    ratio=$(awk -v a="$aeq" -v b="$median" 'BEGIN {printf "%.0f", a / b}')
    echo "$algorithm  iterations $iterations  final gap $final  median $median s  ($ratio x faster than AequilibraE bfw)"
done
rm -f "$AEQ_OUT"

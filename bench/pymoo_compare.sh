#!/usr/bin/env bash
# NSGA-III side by side: our release build (`planner benchmark dtlz`) against pymoo 0.6.2
# under identical settings (see bench/pymoo_dtlz.py for how pymoo's defaults are matched).
#
#   bench/pymoo_compare.sh speed [REPEATS]   wall time per run, DTLZ2 at M = 3, 5 and 10
#   bench/pymoo_compare.sh quality [SEEDS]   median IGD over seeds 1..SEEDS (default 11),
#                                            DTLZ1-4 at M = 3 and 5, whole final populations
#
# Makes bench/.venv-pymoo (git-ignored) on first use. Runs write to bench/out/ (ignored).
# Timed runs take the machine's shared build lock (SWIFT_BUILD_LOCK, default
# /tmp/swift-build.lock) so no compilation competes with them; quality runs measure no time
# and run niced without it.
set -euo pipefail

mode=${1:-speed}
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/bench/.venv-pymoo"
lock=${SWIFT_BUILD_LOCK:-/tmp/swift-build.lock}
out="$root/bench/out/$mode"
planner=${PLANNER:-"$root/.build/release/planner"}  # PLANNER: a copied binary, left as it is

locked() { if command -v flock >/dev/null; then flock "$lock" "$@"; else "$@"; fi; }

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet pymoo==0.6.2
fi
python="$venv/bin/python"
"$python" -c 'import pymoo; assert pymoo.__version__ == "0.6.2", pymoo.__version__'
[ -n "${PLANNER:-}" ] || (cd "$root" && locked swift build -c release --product planner >/dev/null)
mkdir -p "$out"

field() { sed -n "s/^$1: \([^ ]*\).*/\1/p"; }

# Deb & Jain's generation counts (their Table III and DTLZ4 runs).
generations() {
    case "$1-$2" in
    DTLZ1-3) echo 400 ;; DTLZ2-3) echo 250 ;; DTLZ3-3) echo 1000 ;; DTLZ4-3) echo 600 ;;
    DTLZ1-5) echo 600 ;; DTLZ2-5) echo 350 ;; DTLZ3-5) echo 1000 ;; DTLZ4-5) echo 1000 ;;
    esac
}

case "$mode" in
speed)
    repeats=${2:-3}
    threads=$(nproc 2>/dev/null || echo 2)
    printf '%-20s %10s %14s %14s %14s %9s %9s\n' "case" "gens" "pymoo s/run" "ours 1 thr" "ours $threads thr" "ratio 1" "ratio $threads"
    for spec in "3 250 92" "5 350 212" "10 750 276"; do
        set -- $spec
        m=$1 gens=$2 pop=$3
        pymoo_times=() ours1=() oursN=()
        for r in $(seq 1 "$repeats"); do
            pymoo_times+=("$(locked "$python" "$root/bench/pymoo_dtlz.py" --problem DTLZ2 --objectives "$m" \
                --generations "$gens" --population "$pop" --seed "$r" --out "$out/pymoo-M$m-$r" | field "wall time")")
            ours1+=("$(locked "$planner" benchmark dtlz --problem DTLZ2 --objectives "$m" --generations "$gens" \
                --population "$pop" --seed "$r" --threads 1 --out "$out/ours-M$m-$r" | field "wall time")")
            oursN+=("$(locked "$planner" benchmark dtlz --problem DTLZ2 --objectives "$m" --generations "$gens" \
                --population "$pop" --seed "$r" --threads "$threads" --out "$out/oursN-M$m-$r" | field "wall time")")
        done
        "$python" - "$m" "$gens" "${pymoo_times[*]}" "${ours1[*]}" "${oursN[*]}" <<'PY'
import statistics, sys
m, gens = sys.argv[1], sys.argv[2]
pymoo, one, many = (statistics.median(map(float, a.split())) for a in sys.argv[3:6])
print(f"{'DTLZ2 M=' + m:<20} {gens:>10} {pymoo:>14.4f} {one:>14.4f} {many:>14.4f} {pymoo / one:>9.1f} {pymoo / many:>9.1f}")
PY
    done
    echo "(medians over $repeats runs, seeds 1..$repeats; wall time of the optimisation only, no start-up)"
    ;;
quality)
    seeds=${2:-11}
    for m in 3 5; do
        for problem in DTLZ1 DTLZ2 DTLZ3 DTLZ4; do
            gens=$(generations "$problem" "$m")
            for seed in $(seq 1 "$seeds"); do
                dir="$out/$problem-M$m-s$seed"
                [ -f "$dir/ours/front.csv" ] || nice "$planner" benchmark dtlz --problem "$problem" \
                    --objectives "$m" --generations "$gens" --seed "$seed" --threads 1 --out "$dir/ours" >/dev/null
                [ -f "$dir/pymoo/front.csv" ] || nice "$python" "$root/bench/pymoo_dtlz.py" --problem "$problem" \
                    --objectives "$m" --generations "$gens" --seed "$seed" --out "$dir/pymoo" >/dev/null
            done
        done
    done
    "$python" "$root/bench/summarize_quality.py" "$out" "$seeds"
    ;;
*)
    echo "usage: $0 speed [repeats] | quality [seeds]" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# The web edition over N unchanged workbooks against a full site build, in one go so the
# ratio holds on a noisy machine. Usage: bench/site.sh [N=200] [RUNS=5]
#  full:  `layerbrief site` of N distinct assessments into an empty folder (every brief
#         typeset, every page rendered)
#  no-op: the same command again, nothing changed (target: at most a quarter of the share
#         of a full build it took before the site kept its pages' data, 4–6 %)
# Runs are interleaved; figures are medians. BIN=path measures another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
RUNS=${2:-5}
cargo build --release --quiet --bin layerbrief --example make_batch
BIN=${BIN:-$PWD/target/release/layerbrief}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
target/release/examples/make_batch "$N" "$W/in" 2>/dev/null
now() { date +%s.%N; }
for run in $(seq "$RUNS"); do
  rm -rf "$W/site"
  t0=$(now); "$BIN" site "$W/in" --out "$W/site" 2>/dev/null; t1=$(now)
  "$BIN" site "$W/in" --out "$W/site" 2>"$W/noop.err"; t2=$(now)
  echo "$t0 $t1 $t2" >> "$W/results"
done
tail -1 "$W/noop.err"
python3 - "$W/results" "$N" "$RUNS" <<'PY'
import statistics, sys
rows = []
for l in open(sys.argv[1]):
    t0, t1, t2 = map(float, l.split())
    rows.append((t1 - t0, t2 - t1))
full, noop = (statistics.median(c) for c in zip(*rows))
print(f"site of {sys.argv[2]} workbooks, median of {sys.argv[3]} runs")
print(f"  full site build  {full:8.3f} s")
print(f"  no-op site run   {noop:8.3f} s   ({100 * noop / full:.2f} % of full)")
PY

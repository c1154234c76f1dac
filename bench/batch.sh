#!/usr/bin/env bash
# Incremental batch builds: a full build of N copies of the CoreWeave workbook, a no-op
# rebuild, and a rebuild after one workbook is edited. Usage: bench/batch.sh [N=24] [RUNS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-24}
RUNS=${2:-5}
cargo build --release --quiet --bin layerbrief --example make_batch
BIN=$PWD/target/release/layerbrief
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
target/release/examples/make_batch "$N" "$W/in" 2>/dev/null
now() { date +%s.%N; }
for run in $(seq "$RUNS"); do
  t0=$(now); "$BIN" build "$W/in" --out "$W/out" --force 2>/dev/null; t1=$(now)
  "$BIN" build "$W/in" --out "$W/out" 2>/dev/null; t2=$(now)
  # One edit: cw-000 rewritten with other word orders, same id.
  target/release/examples/make_batch 1 "$W/edit$run" "$run" 2>/dev/null
  cp "$W/edit$run/cw-000.xlsx" "$W/in/cw-000.xlsx"
  t3=$(now); "$BIN" build "$W/in" --out "$W/out" 2>/dev/null; t4=$(now)
  echo "$t0 $t1 $t2 $t3 $t4" >> "$W/results"
done
python3 - "$W/results" "$N" "$RUNS" <<'PY'
import statistics, sys
rows = []
for l in open(sys.argv[1]):
    t0, t1, t2, t3, t4 = map(float, l.split())
    rows.append((t1 - t0, t2 - t1, t4 - t3))
full, noop, one = (statistics.median(c) for c in zip(*rows))
print(f"{sys.argv[2]} workbooks, median of {sys.argv[3]} runs")
print(f"  full build (--force)  {full:7.3f} s")
print(f"  no-op rebuild         {noop:7.3f} s   ({noop/full:.3f} of full; target < 0.1)")
print(f"  one-edit rebuild      {one:7.3f} s   ({one/full:.3f} of full)")
PY

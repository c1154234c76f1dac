#!/usr/bin/env bash
# Peak memory of a build against the batch's size: `layerbrief build` of N distinct
# assessments for each N, one fresh output folder each, peak RSS by GNU time. Usage:
# bench/memory.sh ["200 1000"] [RUNS=3]. Target: the largest N within 10 % of the smallest.
# BIN=path measures another binary; JOBS=n passes -j n.
set -euo pipefail
cd "$(dirname "$0")/.."
NS=${1:-"200 1000"}
RUNS=${2:-3}
if [ ! -x /usr/bin/time ]; then apt-get update -qq && apt-get install -y -qq time >/dev/null; fi
cargo build --release --quiet --bin layerbrief --example make_batch
BIN=${BIN:-$PWD/target/release/layerbrief}
JOBS=${JOBS:+-j $JOBS}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
max=0
for n in $NS; do [ "$n" -gt "$max" ] && max=$n; done
target/release/examples/make_batch "$max" "$W/all" 2>/dev/null
for n in $NS; do
  mkdir -p "$W/in$n"
  ls "$W/all" | sort | head -n "$n" | while read -r f; do ln -s "$W/all/$f" "$W/in$n/$f"; done
done
for run in $(seq "$RUNS"); do
  for n in $NS; do
    rm -rf "$W/out"
    /usr/bin/time -f "$n %e %M" -o "$W/t" "$BIN" build "$W/in$n" --out "$W/out" $JOBS 2>/dev/null
    cat "$W/t" >> "$W/results"
  done
done
python3 - "$W/results" <<'PY'
import statistics, sys
by = {}
for l in open(sys.argv[1]):
    n, secs, kb = l.split()
    by.setdefault(int(n), []).append((float(secs), int(kb)))
ns = sorted(by)
base = statistics.median(kb for _, kb in by[ns[0]])
for n in ns:
    secs = statistics.median(s for s, _ in by[n])
    kb = statistics.median(k for _, k in by[n])
    print(f"  N = {n:5}: {secs:7.2f} s, peak {kb / 1024:6.1f} MB ({kb / base:.2f} × N = {ns[0]})")
PY

#!/usr/bin/env bash
# The cost of stamped copies (`mail --stamp`): 10 copies of one brief, each naming its reader
# in every page's footer and the PDF's metadata, against one brief built alone, in one go so
# the ratios hold on a noisy machine. Usage: bench/stamp.sh [COPIES=10] [RUNS=7]
#
#  (one)  layerbrief build --force of the CoreWeave workbook: one brief's CPU, cold process
#  (s1)   layerbrief mail --stamp with 1 recipient (the brief itself up to date): one copy
#  (sN)   the same with COPIES recipients
# CPU is user + system time (GNU time), the cost a batch pays; runs are interleaved and the
# figures are medians. Targets: sN / one <= 5, each extra copy (sN - s1) / (N - 1) / one
# <= 0.45. Drafts only: nothing is sent.
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES=${1:-10}
RUNS=${2:-7}
if [ ! -x /usr/bin/time ]; then apt-get update -qq && apt-get install -y -qq time >/dev/null; fi
cargo build --release --quiet --bin layerbrief
BIN=$PWD/target/release/layerbrief
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/in"
cp inputs/coreweave.xlsx "$W/in/"
"$BIN" build "$W/in" --out "$W/out" >/dev/null 2>&1
to() { for i in $(seq 1 "$1"); do printf -- '--to\nReader %s <reader%s@client.example>\n' "$i" "$i"; done; }
mapfile -t ONE < <(to 1)
mapfile -t MANY < <(to "$COPIES")
cpu() { # CMD... -> user+sys seconds
  /usr/bin/time -f '%U %S' -o "$W/t" "$@" >/dev/null 2>&1
  awk '{print $1 + $2}' "$W/t"
}
: > "$W/results"
for r in $(seq 1 "$RUNS"); do
  echo "one $(cpu "$BIN" build "$W/in" --out "$W/one" --force)" >> "$W/results"
  echo "s1 $(cpu "$BIN" mail "$W/in" --out "$W/out" --stamp "${ONE[@]}")" >> "$W/results"
  echo "sN $(cpu "$BIN" mail "$W/in" --out "$W/out" --stamp "${MANY[@]}")" >> "$W/results"
done
python3 - "$W/results" "$COPIES" "$RUNS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
n, runs = int(sys.argv[2]), int(sys.argv[3])
med = {k: statistics.median(float(v) for kk, v in rows if kk == k) for k in ("one", "s1", "sN")}
print(f"CPU seconds, medians of {runs} interleaved runs")
print(f"  one brief, built alone (cold process)     {med['one']:.3f}")
print(f"  mail --stamp, 1 copy                      {med['s1']:.3f}")
print(f"  mail --stamp, {n} copies                    {med['sN']:.3f}")
print(f"  {n} copies / one brief                     {med['sN'] / med['one']:.2f}  (target <= 5)")
extra = (med['sN'] - med['s1']) / (n - 1) / med['one']
print(f"  each extra copy / one brief               {extra:.2f}  (target <= 0.45)")
PY

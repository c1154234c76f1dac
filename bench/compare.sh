#!/usr/bin/env bash
# Batch throughput against the baselines users have, in one go so the ratios hold on a noisy
# machine. Usage: bench/compare.sh [N=24] [RUNS=5] [MEMORY_NS="50 200"]
#
#  (a) layerbrief build --force of N distinct assessments, one process, all cores
#  (b) the stock Typst compiler (PyPI `typst`, the same compiler as typst-cli 0.15) compiling
#      each exported project in its own process, one after another (b) and on all cores (b∥)
#  (c) the engine's limit: in-process Typst compile + PDF export of the same briefs, warm,
#      one thread (RAYON_NUM_THREADS=1, so the sum is the CPU work and not already spread
#      over the cores by Typst's own parallelism), summed and divided by the cores
# plus one cold brief (layerbrief vs stock Typst), and peak memory of (a) for each N in
# MEMORY_NS. Times are wall-clock medians of RUNS runs; memory is peak RSS (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-24}
RUNS=${2:-5}
MEMORY_NS=${3:-"50 200"}

if [ ! -x /usr/bin/time ]; then apt-get update -qq && apt-get install -y -qq time >/dev/null; fi
scripts/setup.sh
PY=$PWD/target/py/bin/python
cargo build --release --quiet --bin layerbrief --example make_batch --example engine_limit
BIN=$PWD/target/release/layerbrief
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

target/release/examples/make_batch "$N" "$W/in" 2>/dev/null
for f in "$W"/in/*.xlsx; do "$BIN" export-typst "$f" "$W/proj/$(basename "$f" .xlsx)" 2>/dev/null; done
cat > "$W/stock.py" <<'PY'
import sys, typst
d = sys.argv[1]
typst.compile(d + "/brief.typ", output=d + "/brief.pdf", root=d, font_paths=[d + "/fonts"],
              ignore_system_fonts=True, pdf_standards=["ua-1", "a-2a"])
PY

# measure LABEL CMD...: appends "LABEL seconds maxrss_kb" to $W/results
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$W/t" "$@" >/dev/null 2>&1
  echo "$label $(cat "$W/t")" >> "$W/results"
}
stock_seq() { for p in "$W"/proj/*/; do "$PY" "$W/stock.py" "${p%/}"; done; }
stock_par() { ls -d "$W"/proj/*/ | xargs -P "$(nproc)" -I{} "$PY" "$W/stock.py" {}; }
export -f stock_seq stock_par
export W

one=$(ls "$W"/in/*.xlsx | head -1)
oneproj=$(ls -d "$W"/proj/*/ | head -1)
for run in $(seq "$RUNS"); do
  measure a "$BIN" build "$W/in" --out "$W/outA" --force
  measure b bash -c stock_seq
  measure bpar bash -c stock_par
  echo "c $(RAYON_NUM_THREADS=1 target/release/examples/engine_limit "$W"/in/*.xlsx | awk '{print $2}') 0" >> "$W/results"
  measure cold_a "$BIN" build "$one" --out "$W/outOne" --force
  measure cold_b "$PY" "$W/stock.py" "${oneproj%/}"
done

for m in $MEMORY_NS; do
  target/release/examples/make_batch "$m" "$W/mem$m" 2>/dev/null
  measure "mem$m" "$BIN" build "$W/mem$m" --out "$W/outM$m" --force
done

python3 - "$W/results" "$N" "$RUNS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
n, runs = sys.argv[2], sys.argv[3]
t = {}; mem = {}
for label, secs, kb in rows:
    t.setdefault(label, []).append(float(secs)); mem.setdefault(label, []).append(int(kb))
med = {k: statistics.median(v) for k, v in t.items()}
print(f"N = {n} distinct briefs, median of {runs} runs (wall seconds)")
print(f"  (a)  layerbrief build --force      {med['a']:7.2f} s   peak {max(mem['a'])/1024:6.0f} MB")
print(f"  (b)  stock typst, one process each {med['b']:7.2f} s   peak {max(mem['b'])/1024:6.0f} MB")
print(f"  (b∥) stock typst, xargs -P cores   {med['bpar']:7.2f} s")
print(f"  (c)  engine limit (compile+export / cores) {med['c']:5.2f} s")
print(f"  (a)/(b)  = {med['a']/med['b']:.2f}   (target ≤ 0.40)")
print(f"  (a)/(b∥) = {med['a']/med['bpar']:.2f}")
print(f"  (a)/(c)  = {med['a']/med['c']:.2f}   (target ≤ 1.25)")
print(f"one cold brief: layerbrief {med['cold_a']:.3f} s, stock typst {med['cold_b']:.3f} s  (ratio {med['cold_a']/med['cold_b']:.2f}, target ≤ 1)")
ms = sorted((int(k[3:]), max(v)) for k, v in mem.items() if k.startswith('mem'))
for m, kb in ms:
    print(f"peak memory, build of {m} briefs: {kb/1024:.0f} MB   ({med['mem%d' % m]:.1f} s)")
if len(ms) >= 2:
    print(f"  N={ms[-1][0]} / N={ms[0][0]} peak = {ms[-1][1]/ms[0][1]:.2f}  (target ≤ 1.20, and < 400 MB)")
PY

#!/usr/bin/env bash
# layerbrief against what users script: the stock Typst CLI, in one go so the ratios hold on
# a noisy machine. Usage: bench/compare.sh [N=24] [RUNS=5] [MEMORY_NS="50 200"]
#
# Inputs: N distinct assessments (make_batch: copies of CoreWeave, the words of every text
# shuffled per copy), each also exported with `layerbrief export-typst`.
#  (a)  layerbrief build --force of the N workbooks: one process, all cores
#  (b)  the stock `typst` CLI 0.15.1 (cargo install typst-cli --locked) on each exported
#       project, run exactly as export-typst prints it, one process after another
#  (b∥) the same, one process per core (xargs -P nproc)
#  (py) the PyPI `typst` binding, one process per project, one after another (reference)
#  cold: one brief in a fresh process, layerbrief build against the stock CLI
#  watch: `build --watch` on the N workbooks; one workbook is replaced by a copy with one
#       paragraph edited (make_batch --edit-one; a temporary file renamed over it, as Excel
#       saves); the time the rebuild reports (from its start, after the debounce, to the
#       summary, the edited PDF written) against a cold `layerbrief build` of that workbook
#  memory: peak RSS of (a) for each N in MEMORY_NS
# Runs are interleaved (a, b, b∥, py, three cold pairs, then the next run); figures are
# medians.
# The stock CLI is built once into target/typst-cli (or $TYPST_CLI_ROOT) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-24}
RUNS=${2:-5}
MEMORY_NS=${3:-"50 200"}

if [ ! -x /usr/bin/time ]; then apt-get update -qq && apt-get install -y -qq time >/dev/null; fi
scripts/setup.sh >/dev/null
ROOT=${TYPST_CLI_ROOT:-$PWD/target/typst-cli}
TYPST=$ROOT/bin/typst
if ! "$TYPST" --version 2>/dev/null | grep -q '^typst 0\.15\.1'; then
  cargo install typst-cli --version 0.15.1 --locked --root "$ROOT"
fi
PY=$PWD/target/py/bin/python
cargo build --release --quiet --bin layerbrief --example make_batch --example engine_limit
BIN=$PWD/target/release/layerbrief
W=$(mktemp -d)
WATCH_PID=
trap '[ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null; rm -rf "$W"' EXIT

target/release/examples/make_batch "$N" "$W/in" 2>/dev/null
# Each project with the command export-typst prints for it, the stock binary in place of
# `typst` on the PATH.
mkdir -p "$W/cmd"
for f in "$W"/in/*.xlsx; do
  id=$(basename "$f" .xlsx)
  "$BIN" export-typst "$f" "$W/proj/$id" 2>&1 | grep 'typst compile' |
    sed "s#&& typst compile#\&\& '$TYPST' compile#" > "$W/cmd/$id.sh"
done
cat > "$W/stock.py" <<'PY'
import sys, typst
d = sys.argv[1]
typst.compile(d + "/brief.typ", output=d + "/brief.pdf", root=d, font_paths=[d + "/fonts"],
              ignore_system_fonts=True, pdf_standards=["ua-1", "a-2a"])
PY

# measure LABEL CMD...: appends "LABEL seconds maxrss_kb" to $W/results (wall time in ns
# from the clock, peak memory from GNU time)
measure() {
  local label=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$W/t" "$@" >/dev/null 2>&1
  t1=$(date +%s%N)
  echo "$label $(( (t1 - t0) / 1000 ))e-6 $(cat "$W/t")" >> "$W/results"
}
stock_seq() { for c in "$W"/cmd/*.sh; do bash "$c"; done; }
stock_par() { ls "$W"/cmd/*.sh | xargs -P "$(nproc)" -n 1 bash; }
py_seq() { for p in "$W"/proj/*/; do "$PY" "$W/stock.py" "${p%/}"; done; }
export -f stock_seq stock_par py_seq
export W PY

one=$(ls "$W"/in/*.xlsx | head -1)
onecmd=$(ls "$W"/cmd/*.sh | head -1)
for run in $(seq "$RUNS"); do
  measure a "$BIN" build "$W/in" --out "$W/outA" --force
  measure b bash -c stock_seq
  measure bpar bash -c stock_par
  if [ -x "$PY" ]; then measure py bash -c py_seq; fi
  echo "c $(RAYON_NUM_THREADS=1 target/release/examples/engine_limit "$W"/in/*.xlsx | awk '{print $2}') 0" >> "$W/results"
  # A cold brief is short and the machine noisy: three pairs a run.
  for _ in 1 2 3; do
    measure cold_a "$BIN" build "$one" --out "$W/outOne" --force
    measure cold_b bash "$onecmd"
  done
done

# Watch: one process kept running; each run edits another workbook.
"$BIN" build "$W/in" --out "$W/outW" --watch 2> "$W/watch.log" &
WATCH_PID=$!
lines() { grep -c ' built, ' "$W/watch.log" || true; }
wait_lines() { # wait until the watch has printed $1 summary lines
  for _ in $(seq 600); do [ "$(lines)" -ge "$1" ] && return 0; sleep 0.1; done
  echo "watch did not rebuild" >&2; cat "$W/watch.log" >&2; exit 1
}
wait_lines 1
for run in $(seq "$RUNS"); do
  target/release/examples/make_batch "$N" "$W/edit$run" "$run" --edit-one 2>/dev/null
  victim=$(ls "$W"/in/*.xlsx | sed -n "$(( (run - 1) % N + 1 ))p")
  cp "$W/edit$run/$(basename "$victim")" "$W/in/.~edit.tmp"
  mv "$W/in/.~edit.tmp" "$victim"
  wait_lines $((run + 1))
  secs=$(grep ' built, ' "$W/watch.log" | tail -1 | sed -E 's/.* in ([0-9.]+) s$/\1/')
  echo "watch $secs 0" >> "$W/results"
  measure cold_edit "$BIN" build "$victim" --out "$W/outCold" --force
done
grep ' built, ' "$W/watch.log" | tail -n +2 | grep -v '^\[.*\] 1 built' >&2 && {
  echo "a watch rebuild did not build exactly the edited brief" >&2; exit 1; }
kill "$WATCH_PID"; WATCH_PID=

for m in $MEMORY_NS; do
  target/release/examples/make_batch "$m" "$W/mem$m" 2>/dev/null
  measure "mem$m" "$BIN" build "$W/mem$m" --out "$W/outM$m" --force
done

python3 - "$W/results" "$N" "$RUNS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
n, runs = sys.argv[2], sys.argv[3]
t, mem = {}, {}
for label, secs, kb in rows:
    t.setdefault(label, []).append(float(secs)); mem.setdefault(label, []).append(int(kb))
med = {k: statistics.median(v) for k, v in t.items()}
def row(name, key, note=""):
    peak = f"{max(mem[key]) / 1024:.0f} MB" if max(mem[key]) else ""
    print(f"| {name} | {med[key]:.3f} s | {peak} | {note} |")
print(f"N = {n} distinct briefs, medians of {runs} interleaved runs, {__import__('os').cpu_count()} cores\n")
print("| run | wall | peak memory | ratio (target) |\n|---|---|---|---|")
row("(a) `layerbrief build --force`", "a")
row("(b) stock `typst compile`, one process per brief, one after another", "b",
    f"(a)/(b) = **{med['a'] / med['b']:.2f}** (≤ 0.60)")
row("(b∥) the same, `xargs -P nproc`", "bpar", f"(a)/(b∥) = **{med['a'] / med['bpar']:.2f}** (≤ 0.80)")
if "py" in med:
    row("(py) PyPI `typst` binding, one process per brief", "py", f"(a)/(py) = {med['a'] / med['py']:.2f}")
row("(c) engine limit: Typst compile + export in process, one thread, ÷ cores", "c",
    f"(a)/(c) = {med['a'] / med['c']:.2f}")
row("one cold brief: `layerbrief build ONE.xlsx --force`", "cold_a")
row("one cold brief: stock `typst compile` of its project", "cold_b",
    f"layerbrief / stock = **{med['cold_a'] / med['cold_b']:.2f}** (≤ 0.90)")
row("watch: one workbook of N saved, rebuild to PDF written", "watch")
row("cold `layerbrief build` of that workbook", "cold_edit",
    f"watch / cold = **{med['watch'] / med['cold_edit']:.2f}** (≤ 0.35)")
ms = sorted((int(k[3:]), max(v)) for k, v in mem.items() if k.startswith("mem"))
for m, kb in ms:
    print(f"| (a) with N = {m} | {med['mem%d' % m]:.2f} s | {kb / 1024:.0f} MB | |")
if len(ms) >= 2:
    print(f"\npeak N={ms[-1][0]} / N={ms[0][0]} = {ms[-1][1] / ms[0][1]:.2f} "
          f"(flat: ≤ 1.20; and < 400 MB)")
PY

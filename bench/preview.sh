#!/usr/bin/env bash
# layerbrief preview against a cold build of the same workbook, and its memory over many
# saves. Usage: bench/preview.sh [N=24] [CYCLES=300]
#
# N distinct assessments (make_batch) are previewed; headless Chromium opens one of their
# pages and that workbook is saved over CYCLES times (four one-paragraph edits in turn,
# each a temporary file renamed over it). Reported:
#  - from the rebuild's start (after the save has settled) to the open page's content
#    swapped, as the page measures it, against a cold `layerbrief build` of that workbook
#    (target: at most 0.5×);
#  - the settle time (the wait for a save's burst of events to end, the same as
#    `build --watch`'s) and the wall time from the save to the page updated;
#  - the preview's peak memory after 100, 200 and 300 saves (target: after 300 within 10 %
#    of after 100).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-24}
CYCLES=${2:-300}
scripts/setup.sh >/dev/null
cargo build --release --quiet --bin layerbrief --example make_batch
BIN=$PWD/target/release/layerbrief
W=$(mktemp -d)
PREVIEW=
trap '[ -n "$PREVIEW" ] && kill "$PREVIEW" 2>/dev/null; rm -rf "$W"' EXIT

target/release/examples/make_batch "$N" "$W/in" 2>/dev/null
for seed in 1 2 3 4; do
  target/release/examples/make_batch "$N" "$W/edit$seed" "$seed" --edit-one 2>/dev/null
done
ONE=cw-005
PORT=$(target/py/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" preview "$W/in" --port "$PORT" 2>"$W/preview.log" &
PREVIEW=$!
for _ in $(seq 600); do
  grep -q '^preview of' "$W/preview.log" 2>/dev/null && break
  sleep 0.1
done

# Cold builds of that workbook, one process each (median of 7).
COLD=()
for _ in $(seq 7); do
  s=$(date +%s%N)
  "$BIN" build "$W/in/$ONE.xlsx" --out "$W/cold" --force >/dev/null 2>&1
  e=$(date +%s%N)
  COLD+=($(( (e - s) / 1000 )))
done

NODE_PATH=$PWD/target/node/node_modules node bench/preview.cjs \
  "http://127.0.0.1:$PORT/$ONE/index.html" "$W/in/$ONE.xlsx" "$PREVIEW" "$CYCLES" "$W/report.json" \
  "$W/edit1/$ONE.xlsx" "$W/edit2/$ONE.xlsx" "$W/edit3/$ONE.xlsx" "$W/edit4/$ONE.xlsx"

SETTLE=$(grep -o 'rebuilt [0-9]* ms after a save settles' "$W/preview.log" | grep -o '[0-9]*')
python3 - "$W/report.json" "$SETTLE" "$N" "$CYCLES" "${COLD[@]}" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))
settle, n, cycles = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
cold = statistics.median(int(x) for x in sys.argv[5:]) / 1000
page = statistics.median(r["page_ms"])
wall = statistics.median(r["save_to_swap_ms"])
print(f"N = {n} workbooks previewed, {cycles} saves of one, medians\n")
print("| | ms | ratio (target) |")
print("|---|---|---|")
print(f"| rebuild start to the open page's content swapped | {page:.0f} | {page / cold:.2f} × cold (≤ 0.50) |")
print(f"| cold `layerbrief build` of that workbook | {cold:.0f} | |")
print(f"| settle (a save's events quiet for this long; as `build --watch`) | {settle} | |")
print(f"| save to the page updated (settle included) | {wall:.0f} | |")
p90 = sorted(r["page_ms"])[int(0.9 * (len(r["page_ms"]) - 1))]
print(f"| rebuild start to swapped, 90th percentile | {p90:.0f} | |")
m = r["memory"]
print()
for k in sorted(m, key=int):
    print(f"after {k} saves: resident {m[k]['rss_kb'] / 1024:.0f} MB, peak {m[k]['peak_kb'] / 1024:.0f} MB")
if "100" in m and str(cycles) in m:
    ratio = m[str(cycles)]["peak_kb"] / m["100"]["peak_kb"]
    print(f"\npeak after {cycles} / after 100 = {ratio:.3f} (flat: ≤ 1.10)")
PY

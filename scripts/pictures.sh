#!/usr/bin/env bash
# Regenerates the README's pictures (docs/*.png) from the current build: the CoreWeave
# brief's first page (with the stack) and layer table, the first page of a pending vendor
# with a split at every layer on A4, the portfolio page of examples/portfolio against v1.2
# (pdftoppm), the web edition's index and CoreWeave page at 390 and 1280 px, and the
# CoreWeave email's HTML part, and the live preview showing the problems of a save that broke
# a cell (headless Chromium, through tests/browser/site.cjs, email.cjs and preview.cjs). The
# tests never write here.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
cargo build --release --quiet --bin layerbrief
BIN=$PWD/target/release/layerbrief
W=$(mktemp -d)
SERVER=
PREVIEW=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; [ -n "$PREVIEW" ] && kill "$PREVIEW" 2>/dev/null; rm -rf "$W"' EXIT

"$BIN" build inputs/coreweave.xlsx --out "$W/out" 2>/dev/null
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$W/out/coreweave.pdf" docs/page-1
# The layer table's page: the first whose text has its heading.
TABLE=$(for p in $(seq 1 8); do
  pdftotext -f "$p" -l "$p" "$W/out/coreweave.pdf" - | grep -q 'Assessment at a glance' && echo "$p" && break
done)
pdftoppm -png -r 80 -f "$TABLE" -l "$TABLE" -singlefile "$W/out/coreweave.pdf" docs/layer-table
# A pending vendor with a split at every layer (made from CoreWeave, as the tests make it).
cargo build --release --quiet --example split_everywhere
target/release/examples/split_everywhere "$W/split.xlsx" --pending 2>/dev/null
"$BIN" build "$W/split.xlsx" --paper a4 --out "$W/split" 2>/dev/null
pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$W/split/split-everywhere.pdf" docs/page-1-split-a4
"$BIN" portfolio examples/portfolio --against v1.2 --out "$W/portfolio" 2>/dev/null
pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$W/portfolio/portfolio.pdf" docs/portfolio-1

"$BIN" site examples/portfolio --out "$W/site" 2>/dev/null
PORT=$(target/py/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target/py/bin/python -m http.server "$PORT" --bind 127.0.0.1 --directory "$W/site" >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 100); do
  target/py/bin/python -c "import socket; socket.create_connection(('127.0.0.1', $PORT))" 2>/dev/null && break
  sleep 0.1
done
NODE_PATH=$PWD/target/node/node_modules node tests/browser/site.cjs "http://127.0.0.1:$PORT/" docs \
  "$W/report.json" index.html coreweave/index.html >/dev/null
# The email's HTML part, as a mail client shows it.
"$BIN" mail inputs/coreweave.xlsx --to "Client <client@example.com>" --out "$W/mail" 2>/dev/null
target/py/bin/python - "$W/mail/coreweave.eml" "$W/email.html" <<'PY'
import sys, email
from email import policy
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=policy.default)
open(sys.argv[2], "w").write(m.get_body(preferencelist=("html",)).get_content())
PY
NODE_PATH=$PWD/target/node/node_modules node tests/browser/email.cjs "$W/email.html" docs/email.png \
  "$W/email.json" >/dev/null
# The preview: CoreWeave open in the browser, then saved with one sentence added, then with
# Layer 1A's capability mistyped (the workbooks made from the fixture's CSVs).
cargo build --release --quiet --example csv2xlsx
SENTENCE="This sentence was added while the preview was open."
python3 - tests/fixtures/coreweave "$W/pv" "$SENTENCE" <<'PY'
import csv, shutil, sys
src, out, sentence = sys.argv[1:]
for name, edit in (("edited", {}), ("broken", {"1A": "sometimes"})):
    shutil.copytree(src, f"{out}/{name}")
    rows = list(csv.reader(open(f"{src}/Layers.csv")))
    head = rows[0]
    for r in rows[1:]:
        if r[0] == "0":
            r[head.index("narrative")] = sentence + " " + r[head.index("narrative")]
        if r[0] in edit:
            r[head.index("capability")] = edit[r[0]]
    csv.writer(open(f"{out}/{name}/Layers.csv", "w", newline="")).writerows(rows)
PY
mkdir -p "$W/pv/in"
cp inputs/coreweave.xlsx "$W/pv/in/coreweave.xlsx"
for v in edited broken; do target/release/examples/csv2xlsx "$W/pv/$v" "$W/pv/$v.xlsx" 2>/dev/null; done
PVPORT=$(target/py/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Run from its folder, so the problems name the workbook as the analyst gave it (in/…).
(cd "$W/pv" && exec "$BIN" preview in --port "$PVPORT" 2>"$W/pv/log") &
PREVIEW=$!
for _ in $(seq 300); do grep -q '^preview of' "$W/pv/log" 2>/dev/null && break; sleep 0.1; done
NODE_PATH=$PWD/target/node/node_modules node tests/browser/preview.cjs \
  "http://127.0.0.1:$PVPORT/coreweave/index.html" "$W/pv/in/coreweave.xlsx" "$W/pv/edited.xlsx" \
  "$W/pv/broken.xlsx" "$W/pv/edited.xlsx" "$SENTENCE" "$W/pv/report.json" docs/preview-problems.png
ls -l docs/*.png

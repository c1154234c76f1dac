#!/usr/bin/env bash
# Regenerates the README's pictures (docs/*.png) from the current build: the CoreWeave
# brief's first page (with the stack) and layer table, the first page of a pending vendor
# with a split at every layer on A4, the portfolio page of examples/portfolio against v1.2
# (pdftoppm), the web edition's index and CoreWeave page at 390 and 1280 px, and the
# CoreWeave email's HTML part (headless Chromium, through tests/browser/site.cjs and
# email.cjs). The tests never write here.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
cargo build --release --quiet --bin layerbrief
BIN=$PWD/target/release/layerbrief
W=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$W"' EXIT

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
ls -l docs/*.png

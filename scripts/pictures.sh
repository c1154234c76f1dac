#!/usr/bin/env bash
# Regenerates the README's pictures (docs/*.png) from the current build: the CoreWeave
# brief's first page and layer table, the portfolio page of examples/portfolio against v1.2
# (pdftoppm), and the web edition's index and CoreWeave page at 390 and 1280 px (headless
# Chromium, through tests/browser/site.cjs). The tests never write here.
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
pdftoppm -png -r 80 -f 3 -l 3 -singlefile "$W/out/coreweave.pdf" docs/layer-table
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
ls -l docs/*.png

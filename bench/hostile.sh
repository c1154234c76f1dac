#!/usr/bin/env bash
# Peak memory of a batch of one good workbook plus one hostile file, for every case of
# tests/hostile/, against the good workbook alone in the same script. Each row must exit 1
# (the hostile file refused), build the good brief, and peak far under 1 GB.
# Usage: bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then apt-get update -qq && apt-get install -y -qq time >/dev/null; fi
cargo build --release --quiet --bin layerbrief
BIN=$PWD/target/release/layerbrief
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

run() { # name, files...
  local name=$1; shift
  rm -rf "$W/in" "$W/out"; mkdir -p "$W/in"
  cp "$@" "$W/in/"
  local rc=0
  /usr/bin/time -f %M -o "$W/rss" "$BIN" build "$W/in" --out "$W/out" >/dev/null 2>&1 || rc=$?
  local built=no
  [ -f "$W/out/coreweave.pdf" ] && built=yes
  # GNU time's last line is the peak RSS in KB (a failed command adds a line before it).
  local kb
  kb=$(tail -1 "$W/rss")
  printf '| %-22s | %4s | %-5s | %7.1f MB |\n' "$name" "$rc" "$built" "$(awk "BEGIN{print $kb/1000}")"
}

echo "| case | exit | good brief built | peak RSS |"
echo "|---|---|---|---|"
run "(good workbook alone)" inputs/coreweave.xlsx
for d in tests/hostile/*/; do
  f=$(ls "$d" | grep -v expected.txt)
  run "$(basename "$d")" inputs/coreweave.xlsx "$d$f"
done

#!/usr/bin/env bash
# Installs what the tests use, only what is missing.
#   Debian packages: poppler-utils (pdftotext, pdffonts read briefs back), qpdf (checks them),
#   groff-base (renders the man pages `layerbrief man` writes), openssl (makes the test CA and
#   the certificates of the TLS relays the mail tests send through),
#   python3-venv (Debian's Python refuses `pip install` outside a virtual environment),
#   fonts-noto-cjk, fonts-noto-core and fonts-droid-fallback (fallback fonts for the tests of
#   other scripts).
#   A virtual environment in target/py (LAYERBRIEF_VENV to move it) with, from PyPI:
#   aiosmtpd, the loopback SMTP server the mail tests deliver to; typst, the stock Typst 0.15
#   compiler, which compiles the projects `layerbrief export-typst` writes; page-validation
#   (`page`), the PDF/UA and PDF/A validator every PDF of the tests must pass; jsonschema,
#   which checks the JSON `diff --json` prints against the schema it publishes.
#   For the browser test of the web edition: Debian's chromium and nodejs/npm, and from npm,
#   under target/node (as pinned by tests/browser/package-lock.json), playwright-core (drives
#   /usr/bin/chromium; downloads no browser) and axe-core (the accessibility checks).
# The tests find that Python at target/py/bin/python (or $LAYERBRIEF_TEST_PYTHON), and the
# Node modules in target/node/node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${LAYERBRIEF_VENV:-target/py}

need=()
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
command -v groff >/dev/null 2>&1 || need+=(groff-base)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
[ -e /usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf ] || need+=(fonts-noto-core)
[ -e /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || need+=(fonts-droid-fallback)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ! -x "$venv/bin/python" ]; then
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import aiosmtpd, typst, page, jsonschema' >/dev/null 2>&1 ||
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    aiosmtpd==1.4.6 typst==0.15.2 page-validation==0.11.0 jsonschema==4.23.0

node_dir=target/node
if ! cmp -s tests/browser/package-lock.json "$node_dir/package-lock.json" ||
  [ ! -d "$node_dir/node_modules/playwright-core" ] || [ ! -d "$node_dir/node_modules/axe-core" ]; then
  mkdir -p "$node_dir"
  cp tests/browser/package.json tests/browser/package-lock.json "$node_dir/"
  npm ci --prefix "$node_dir" --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
fi

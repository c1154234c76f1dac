#!/usr/bin/env bash
# Installs the system tools the tests use (Debian packages), only those missing:
#   pdftotext/pdffonts (poppler-utils) read briefs back, qpdf checks them,
#   python3-aiosmtpd is the loopback SMTP server the mail tests deliver to;
# and from PyPI the `typst` package (the stock Typst 0.15 compiler), which compiles the
# projects `layerbrief export-typst` writes.
set -euo pipefail
need=()
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need+=(python3-aiosmtpd)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
python3 -c 'import typst' >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check typst==0.15.2

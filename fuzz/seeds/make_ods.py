#!/usr/bin/env python3
"""Writes workbook_bytes/coreweave.ods: the CoreWeave fixture CSVs as an OpenDocument
spreadsheet, cells typed as Excel types them (numbers, TRUE/FALSE, ISO and long dates).

    python3 fuzz/seeds/make_ods.py
"""

import csv
import datetime
import os
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "..", "tests", "fixtures", "coreweave")
SHEETS = ["Assessment", "Summary", "Columns", "Components", "Layers", "Overrides", "History"]


def cell(text, header):
    t = text.strip()
    if not t:
        return "<table:table-cell/>"
    if not header:
        if t.lower() in ("true", "false"):
            v = "true" if t.lower() == "true" else "false"
            return f'<table:table-cell office:value-type="boolean" office:boolean-value="{v}"/>'
        if re.fullmatch(r"-?[0-9.]+", t) and any(c.isdigit() for c in t) and not (
            len(t) > 1 and t.startswith("0") and not t.startswith("0.")
        ):
            try:
                return f'<table:table-cell office:value-type="float" office:value="{float(t)!r}"/>'
            except ValueError:
                pass
        for f in ("%Y-%m-%d", "%B %d, %Y"):
            try:
                d = datetime.datetime.strptime(t, f).date().isoformat()
                return f'<table:table-cell office:value-type="date" office:date-value="{d}"/>'
            except ValueError:
                pass
    return f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'


tables = []
for name in SHEETS:
    with open(os.path.join(FIXTURE, name + ".csv"), newline="") as f:
        rows = list(csv.reader(f))
    body = "".join(
        "<table:table-row>" + "".join(cell(v, r == 0) for v in row) + "</table:table-row>"
        for r, row in enumerate(rows)
    )
    tables.append(f"<table:table table:name={quoteattr(name)}>{body}</table:table>")

content = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>" + "".join(tables) +
    "</office:spreadsheet></office:body></office:document-content>"
)
manifest = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
out = os.path.join(HERE, "workbook_bytes", "coreweave.ods")
with zipfile.ZipFile(out, "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
    z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
print(out)

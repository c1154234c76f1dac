#!/usr/bin/env python3
"""Writes workbook_bytes/coreweave.xlsb: the CoreWeave fixture CSVs as an Excel binary
workbook, cells typed as Excel types them.

    python3 -m venv /tmp/xv && /tmp/xv/bin/pip install pyxlsbwriter==0.1.0
    /tmp/xv/bin/python fuzz/seeds/make_xlsb.py
"""

import csv
import datetime
import os
import re
import zipfile

from pyxlsbwriter import XlsbWriter

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "..", "tests", "fixtures", "coreweave")
SHEETS = ["Assessment", "Summary", "Columns", "Components", "Layers", "Overrides", "History"]


def typed(text):
    t = text.strip()
    if not t:
        return None
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    if re.fullmatch(r"-?[0-9.]+", t) and any(c.isdigit() for c in t) and not (
        len(t) > 1 and t.startswith("0") and not t.startswith("0.")
    ):
        try:
            return float(t)
        except ValueError:
            pass
    for f in ("%Y-%m-%d", "%B %d, %Y"):
        try:
            return datetime.datetime.strptime(t, f).date()
        except ValueError:
            pass
    return text


out = os.path.join(HERE, "workbook_bytes", "coreweave.xlsb")
with XlsbWriter(out) as w:
    for name in SHEETS:
        with open(os.path.join(FIXTURE, name + ".csv"), newline="") as f:
            rows = list(csv.reader(f))
        w.add_sheet(name)
        w.write_sheet([rows[0]] + [[typed(v) for v in row] for row in rows[1:]])

print(out)

#!/usr/bin/env python3
"""Writes the minimal .xlsb files that make calamine 0.38.0 panic, one per panic (see
REPORT.md). Standard library only, byte-for-byte reproducible (fixed zip timestamps, stored
parts):

    python3 fuzz/regressions/make.py

An .xlsb part is a run of records: a type (one or two bytes, seven bits each, the high bit
saying another byte follows), a length (one to four bytes, the same way), then the data.
"""

import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def varint(n, max_bytes):
    out = bytearray()
    for _ in range(max_bytes):
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            break
    assert n == 0
    return bytes(out)


def record(typ, data=b""):
    return varint(typ, 2) + varint(len(data), 4) + data


def wide(text):
    """XLWideString: a 32-bit count of UTF-16 code units, then the units."""
    units = text.encode("utf-16-le")
    return struct.pack("<I", len(units) // 2) + units


def bundle_sheet(rel_id, name):
    """BrtBundleSh: hsState (visible), iTabID, strRelID, strName."""
    return record(0x009C, struct.pack("<II", 0, 1) + wide(rel_id) + wide(name))


# Only the attributes calamine reads.
RELS = (
    b'<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.bin"/>'
    b"</Relationships>"
)


def write(name, parts):
    path = os.path.join(HERE, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for part, data in parts:
            info = zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    print(path, os.path.getsize(path), "bytes")


# 1. xlsb/mod.rs:312: a sheet whose relationship id is not in xl/_rels/workbook.bin.rels
#    (here there is no such part at all). `relationships[&*relid]` panics with
#    "no entry found for key" while the workbook is opened.
write(
    "calamine-xlsb-mod-312.xlsb",
    [("xl/workbook.bin", bundle_sheet("rId1", "Sheet1"))],
)

# 2. xlsb/cells_reader.rs:151: a shared-string cell (BrtCellIsst) whose index is past the
#    shared-string table (here there is no xl/sharedStrings.bin, so the table is empty).
#    `&self.strings[isst]` panics with "index out of bounds" while the sheet is read. No
#    BrtRowHdr is needed (the row starts at 0), nor anything after the cell.
sheet = (
    record(0x0094, struct.pack("<IIII", 0, 0, 0, 0))  # BrtWsDim: A1:A1
    + record(0x0091)  # BrtBeginSheetData
    + record(0x0007, struct.pack("<III", 0, 0, 0))  # BrtCellIsst: column 0, style 0, isst 0
)
write(
    "calamine-xlsb-cells-reader-151.xlsb",
    [
        (
            "xl/workbook.bin",
            bundle_sheet("rId1", "Sheet1")
            + record(0x0090)  # BrtEndBundleShs
            + record(0x009D),  # BrtCalcProp: calamine stops at its type, body unread
        ),
        ("xl/_rels/workbook.bin.rels", RELS),
        ("xl/worksheets/sheet1.bin", sheet),
    ],
)

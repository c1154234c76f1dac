#!/usr/bin/env python3
"""Writes the corpus of broken and hostile workbooks, one folder per case.

Each folder holds one workbook and `expected.txt`: lines that must all appear in what
`layerbrief check` prints for it (it must also exit 1, and never panic). The files are
committed; run this only to change the corpus:

    python3 -m venv /tmp/v && /tmp/v/bin/pip install xlwt msoffcrypto-tool
    /tmp/v/bin/python tests/hostile/make.py

Most cases start from inputs/coreweave.xlsx and change one part of it, so each breaks
exactly one thing.
"""

import io
import os
import re
import shutil
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BASE = os.path.join(ROOT, "inputs", "coreweave.xlsx")


def parts():
    with zipfile.ZipFile(BASE) as z:
        return {n: z.read(n) for n in z.namelist()}


def write_zip(path, files, compress=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compress, compresslevel=9) as z:
        for name, data in files.items():
            z.writestr(name, data)


def case(name, filename, expected):
    d = os.path.join(HERE, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "expected.txt"), "w") as f:
        f.write("\n".join(expected) + "\n")
    return os.path.join(d, filename)


def patched(sheet, old, new, count=1):
    """The CoreWeave parts with `old` replaced by `new` in worksheet `sheet`."""
    p = parts()
    key = f"xl/worksheets/{sheet}.xml"
    xml = p[key].decode()
    assert old in xml, (sheet, old)
    p[key] = xml.replace(old, new, count).encode()
    return p


# sheet1 Assessment, sheet2 Summary, sheet3 Columns, sheet4 Components, sheet5 Layers,
# sheet6 Overrides, sheet7 History.

# 1. A stray cell at an absurd column: calamine's reference arithmetic overflows.
path = case("absurd-column", "absurd-column.xlsx",
            ["cell reference `AAAAAAAAAAAAAAAA2` lies beyond Excel's last cell",
             "sheet `Summary`"])
write_zip(path, patched("sheet2", '<c r="A2"', '<c r="AAAAAAAAAAAAAAAA2"'))

# 2. One cell at column ZZZZZZ, past Excel's last column XFD.
path = case("column-zzzzzz", "column-zzzzzz.xlsx",
            ["cell reference `ZZZZZZ3` lies beyond Excel's last cell", "sheet `Summary`"])
write_zip(path, patched("sheet2", '<c r="C3"', '<c r="ZZZZZZ3"'))

# 3. A shared formula whose index is in the billions: calamine resizes a vector to it.
path = case("shared-formula-index", "shared-formula-index.xlsx",
            ["a shared formula claims index 4000000000", "sheet `Summary`"])
p = parts()
xml = p["xl/worksheets/sheet2.xml"].decode()
xml = re.sub(r'<c r="A2"([^>]*)>', r'<c r="A2"\1><f t="shared" si="4000000000"/>', xml, count=1)
p["xl/worksheets/sheet2.xml"] = xml.encode()
write_zip(path, p)

# 4. A shared-string table claiming a trillion strings: calamine reserves room for them.
path = case("shared-string-count", "shared-string-count.xlsx",
            ["the shared-string table claims 999999999999 strings", "--max-shared-strings"])
p = parts()
p["xl/sharedStrings.xml"] = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="999999999999"',
                                   p["xl/sharedStrings.xml"])
write_zip(path, p)

# 5. A zip bomb: one shared string of 200 MB, a few hundred KB packed.
path = case("shared-string-bomb", "shared-string-bomb.xlsx",
            ["the workbook unpacks to more than 128 MB", "xl/sharedStrings.xml"])
p = parts()
sst = p["xl/sharedStrings.xml"]
head, tail = sst.split(b"<si><t>field</t></si>", 1)
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for name, data in p.items():
        if name == "xl/sharedStrings.xml":
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w", force_zip64=True) as f:
                f.write(head)
                chunk = b"x" * 10_000_000
                f.write(b"<si><t>field")
                for _ in range(20):
                    f.write(chunk)
                f.write(b"</t></si>")
                f.write(tail)
        else:
            z.writestr(name, data)

# 6. 5,000 rows each with one value at column XFD (Excel's last): every row made dense.
path = case("far-column-rows", "far-column-rows.xlsx",
            ["Components!XFD", "a value lies in column XFD, far beyond the sheet's columns",
             "more cells like those above"])
p = parts()
xml = p["xl/worksheets/sheet4.xml"].decode()
rows = "".join(f'<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>'
               for r in range(100, 5100))
xml = xml.replace("</sheetData>", rows + "</sheetData>")
p["xl/worksheets/sheet4.xml"] = xml.encode()
write_zip(path, p)

# 7. An OpenDocument sheet of a few hundred bytes whose repeated rows and columns expand
#    to billions of cells.
path = case("ods-repeat-bomb", "ods-repeat-bomb.ods",
            ["its values span rows 1 to 1048576", "--max-cells"])
content = ('<?xml version="1.0" encoding="UTF-8"?>'
           '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
           '<office:body><office:spreadsheet><table:table table:name="Summary">'
           '<table:table-row table:number-rows-repeated="1048576">'
           '<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
           '<text:p>boom</text:p></table:table-cell></table:table-row>'
           '</table:table></office:spreadsheet></office:body></office:document-content>')
manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>')
with zipfile.ZipFile(path, "w") as z:
    z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)

# 8. Not a workbook at all.
path = case("not-a-zip", "not-a-zip.xlsx", ["not a readable workbook"])
with open(path, "w") as f:
    f.write("This is a text file someone renamed to .xlsx.\n")

# 9. Half a workbook: a download cut short.
path = case("truncated", "truncated.xlsx", ["not a readable workbook"])
with open(BASE, "rb") as f:
    data = f.read()
with open(path, "wb") as f:
    f.write(data[: len(data) // 2])

# 10. An empty file.
path = case("empty", "empty.xlsx", ["the file is empty, not a workbook"])
open(path, "wb").close()

# 11. A password-protected workbook (Office encryption: a compound file, not a zip).
path = case("encrypted", "encrypted.xlsx",
            ["the workbook is protected with a password", "save a copy without a password"])
try:
    import msoffcrypto.format.ooxml as ooxml
    out = io.BytesIO()
    with open(BASE, "rb") as f:
        ooxml.OOXMLFile(f).encrypt("secret", out)
    with open(path, "wb") as f:
        f.write(out.getvalue())
except ImportError:
    sys.exit("msoffcrypto-tool is needed: pip install msoffcrypto-tool")

# 12. A formula error where a value belongs.
path = case("formula-error", "formula-error.xlsx",
            ["found the error value #REF!", "Summary!A2"])
p = parts()
xml = p["xl/worksheets/sheet2.xml"].decode()
xml = re.sub(r'<c r="A2"[^>]*>.*?</c>', '<c r="A2" t="e"><v>#REF!</v></c>', xml, count=1)
p["xl/worksheets/sheet2.xml"] = xml.encode()
write_zip(path, p)

# 13. Wrong types: a seq that is a word.
path = case("wrong-types", "wrong-types.xlsx",
            ["`seq` must be a whole number, found `first`", "Summary!A2"])
p = parts()
xml = p["xl/worksheets/sheet2.xml"].decode()
xml = re.sub(r'<c r="A2"[^>]*>.*?</c>', '<c r="A2" t="inlineStr"><is><t>first</t></is></c>', xml,
             count=1)
p["xl/worksheets/sheet2.xml"] = xml.encode()
write_zip(path, p)

# 14. A cell of 40,000 characters.
path = case("long-cell", "long-cell.xlsx",
            ["the cell holds 40000 characters, more than a cell may hold here", "Summary!C2"])
p = parts()
xml = p["xl/worksheets/sheet2.xml"].decode()
long_text = ("word " * 8000)[:39999] + "x"
xml = re.sub(r'<c r="C2"[^>]*>.*?</c>', f'<c r="C2" t="inlineStr"><is><t>{long_text}</t></is></c>',
             xml, count=1)
p["xl/worksheets/sheet2.xml"] = xml.encode()
write_zip(path, p)

# 15. Text in a script the embedded fonts lack.
path = case("unprintable-script", "unprintable-script.xlsx",
            ["has characters no font of the brief can set", "Summary!C2", "--font-path"])
p = parts()
xml = p["xl/worksheets/sheet2.xml"].decode()
xml = re.sub(r'<c r="C2"[^>]*>.*?</c>',
             '<c r="C2" t="inlineStr"><is><t>評価の要約 — CoreWeave は …</t></is></c>', xml, count=1)
p["xl/worksheets/sheet2.xml"] = xml.encode()
write_zip(path, p)

# 16. A zip of ten thousand and more parts.
path = case("many-parts", "many-parts.xlsx", ["the file holds 10516 parts"])
p = parts()
for i in range(10500):
    p[f"p/{i}"] = b""
write_zip(path, p, zipfile.ZIP_STORED)

# 17. An .xls whose sheet claims four billion rows.
path = case("xls-dimensions", "xls-dimensions.xls",
            ["sheet `Summary`: its cells span 4294967280 rows", "--max-cells"])
import xlwt  # noqa: E402

wb = xlwt.Workbook()
ws = wb.add_sheet("Summary")
ws.write(0, 0, "seq")
ws.write(1, 0, 1)
buf = io.BytesIO()
wb.save(buf)
data = bytearray(buf.getvalue())
# Dimensions (0x0200, length 14): rwMic u32, rwMac u32, colMic u16, colMac u16, reserved.
i = data.find(b"\x00\x02\x0e\x00")
assert i > 0
data[i + 4:i + 12] = (0).to_bytes(4, "little") + (0xFFFFFFF0).to_bytes(4, "little")
data[i + 12:i + 16] = (0).to_bytes(2, "little") + (0xFF).to_bytes(2, "little")
with open(path, "wb") as f:
    f.write(data)

# 18. A range that ends before it starts: calamine subtracts its start from its end
#     unchecked (a debug build reads the file as damaged, a release one as a huge range).
path = case("reversed-range", "reversed-range.xlsx",
            ["cell range `C5:A1` ends before it starts", "sheet `Summary`"])
write_zip(path, patched("sheet2", '<dimension ref="A1:C5"/>', '<dimension ref="C5:A1"/>'))

# 19. An .xlsb whose row claims index 4294967295: calamine takes a row past Excel's last for
#     the end of the sheet and silently drops the rest of it. Made from the fuzzing seed
#     fuzz/seeds/workbook_bytes/coreweave.xlsb (see fuzz/seeds/make_xlsb.py): the first data
#     row of the Components sheet (BrtRowHdr, record type 0: its row index first).
path = case("xlsb-far-row", "xlsb-far-row.xlsb",
            ["sheet `Components`: row 4294967296 lies beyond Excel's last row 1048576"])
seed = os.path.join(ROOT, "fuzz", "seeds", "workbook_bytes", "coreweave.xlsb")
with zipfile.ZipFile(seed) as z:
    p = {n: z.read(n) for n in z.namelist()}
sheet = bytearray(p["xl/worksheets/sheet4.bin"])
i, rows = 0, []
while i < len(sheet):
    typ = sheet[i]
    i += 1
    if typ & 0x80:
        typ = (typ & 0x7F) | ((sheet[i] & 0x7F) << 7)
        i += 1
    length = 0
    for k in range(4):
        b = sheet[i]
        i += 1
        length |= (b & 0x7F) << (7 * k)
        if not b & 0x80:
            break
    if typ == 0:
        rows.append(i)
    i += length
sheet[rows[1]:rows[1] + 4] = (0xFFFFFFFF).to_bytes(4, "little")
p["xl/worksheets/sheet4.bin"] = bytes(sheet)
write_zip(path, p)

# 20. A control character in printed text: no font has a glyph for it, and a PDF/A brief
#     refuses text it cannot display, so it is refused at its cell before typesetting.
path = case("control-character", "control-character.xlsx",
            ["has characters no font of the brief can set: U+0001 (a control character)",
             "Summary!C2", "delete the control characters"])
p = parts()
xml = p["xl/worksheets/sheet2.xml"].decode()
xml = re.sub(r'<c r="C2"[^>]*>.*?</c>',
             '<c r="C2" t="inlineStr"><is><t>Pasted_x0001_ text</t></is></c>', xml, count=1)
p["xl/worksheets/sheet2.xml"] = xml.encode()
write_zip(path, p)

# 21. Case 4 with a wrong checksum on the shared-string part: the reader streams the part
#     and reserves room for its claim before it reaches the end and notices (found by
#     fuzzing, fuzz/README.md).
path = case("checksum-mismatch", "checksum-mismatch.xlsx",
            ["the shared-string table claims 999999999999 strings", "--max-shared-strings"])
p = parts()
p["xl/sharedStrings.xml"] = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="999999999999"',
                                   p["xl/sharedStrings.xml"])
write_zip(path, p)
with open(path, "rb") as f:
    data = bytearray(f.read())
with zipfile.ZipFile(path) as z:
    info = z.getinfo("xl/sharedStrings.xml")
bad = (info.CRC ^ 0xFFFFFFFF).to_bytes(4, "little")
good = info.CRC.to_bytes(4, "little")
# The checksum sits in the part's local header (offset 14) and its central directory entry.
assert data[info.header_offset + 14:info.header_offset + 18] == good
data[info.header_offset + 14:info.header_offset + 18] = bad
i = data.find(b"PK\x01\x02")
while i >= 0:
    name_len = int.from_bytes(data[i + 28:i + 30], "little")
    if data[i + 46:i + 46 + name_len] == b"xl/sharedStrings.xml":
        assert data[i + 16:i + 20] == good
        data[i + 16:i + 20] = bad
    i = data.find(b"PK\x01\x02", i + 4)
with open(path, "wb") as f:
    f.write(data)

# 22. Case 4 behind one byte: a zip reader finds the archive from its end, wherever it
#     starts, and so does the spreadsheet reader; the pre-scan went by the first bytes, took
#     the file for no zip and checked nothing, and the reader reserved room for a trillion
#     strings (found by fuzzing: the process aborted).
path = case("zip-prefix", "zip-prefix.xlsx",
            ["the shared-string table claims 999999999999 strings", "--max-shared-strings"])
with open(os.path.join(HERE, "shared-string-count", "shared-string-count.xlsx"), "rb") as f:
    data = f.read()
with open(path, "wb") as f:
    f.write(b"\0" + data)

# 23, 24. The two panics of calamine's .xlsb reader, reported upstream from
#     fuzz/regressions/ (see REPORT.md there): a sheet whose relationship id is not listed,
#     and a shared-string cell past the table. The reader's panic is caught and the file
#     reported as damaged.
for name, source in [("xlsb-sheet-relationship", "calamine-xlsb-mod-312.xlsb"),
                     ("xlsb-shared-string-index", "calamine-xlsb-cells-reader-151.xlsb")]:
    path = case(name, name + ".xlsb",
                ["the file is damaged and could not be read as a workbook"])
    shutil.copyfile(os.path.join(ROOT, "fuzz", "regressions", source), path)

# 25. Case 4 with its workbook part renamed: the reader reads the shared strings before it
#     looks for the workbook part; the pre-scan checked them only beside one (found by
#     fuzzing, with the name changed in the central directory only: the process aborted).
path = case("shared-strings-without-workbook", "shared-strings-without-workbook.xlsx",
            ["the shared-string table claims 999999999999 strings", "--max-shared-strings"])
p = parts()
p["xl/sharedStrings.xml"] = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="999999999999"',
                                   p["xl/sharedStrings.xml"])
p["xl/wozkbook.xml"] = p.pop("xl/workbook.xml")
write_zip(path, p)

# Cases found by fuzzing and committed as found, not written here:
# - xls-sector-loop (minimized): an .xls whose directory's sector chain loops; the reader
#   grew a buffer until the process aborted.
# - xls-unlisted-stream: an .xls (case 17 mutated) whose root lists no stream, while its
#   Workbook entry, with Dimensions claiming four billion rows, still sits in the
#   directory: the reader finds streams by name, not through the tree, and reserved room
#   for the grid.

print("corpus written to", HERE)

//! Stage 1, load: a bounded pre-scan of a workbook file, before the spreadsheet reader sees
//! it.
//!
//! Policy: the reader sizes some allocations from what a file claims before any cell is read
//! (an .xlsx shared-string `uniqueCount`, a shared formula's `si` index, an .xlsb record's
//! length, the rows and columns an .ods cell repeats, an .xls sheet's dimensions, the grid a
//! dense format spans), and a claim of billions aborts the process. It also trusts claims a
//! cheap check refutes: a range that ends before it starts (a debug build of the reader
//! panics on it and reads the file as damaged, a release build reads a huge range), and an
//! .xlsb row past Excel's last (taken for the end of the sheet, the rows after it dropped
//! without a word). This scan reads every part of the file with each
//! count and size bounded by [`Limits`] and refuses the file, naming the part, sheet or cell,
//! when a claim or a real size is out of bounds. It allocates in proportion to what it has
//! read, never to what the file claims, and its arithmetic saturates, so debug and release
//! builds take the same path. A file it cannot make sense of is left to the reader, which
//! reports it as damaged.

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::Limits;
use crate::diag::column_name;

/// Excel's last column (XFD) and row.
const EXCEL_COLUMNS: u64 = 16_384;
const EXCEL_ROWS: u64 = 1_048_576;
/// Parts a zipped workbook may hold: real ones have a few dozen.
const MAX_PARTS: usize = 10_000;

/// Checks `bytes` against `limits`; the reason when the file must not be read.
pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    if bytes.starts_with(b"PK\x03\x04") {
        check_zip(bytes, limits)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        check_xls(bytes, limits)
    } else {
        Ok(())
    }
}

/// `n` in human units: `128 MB`, `500,000`.
fn megabytes(n: u64) -> String {
    format!("{} MB", n / 1_000_000)
}

// ---- Zipped formats: .xlsx, .xlsm, .xlsb, .ods ------------------------------------------

fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    if zip.len() > MAX_PARTS {
        return Err(format!(
            "the file holds {} parts, more than a workbook has (at most {MAX_PARTS})",
            zip.len()
        ));
    }
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let mut budget = Budget {
        left: limits.max_unpacked_bytes,
        limit: limits.max_unpacked_bytes,
    };
    // Every part is unpacked once, counted as it streams, whatever size it claims.
    for i in 0..zip.len() {
        // A part that cannot be opened cannot be read by the reader either.
        let Ok(mut part) = zip.by_index(i) else {
            continue;
        };
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        budget.drain(&name, &mut part)?;
    }
    let has = |n: &str| names.iter().any(|x| x == n);
    // Sizes are known good now: the parts whose claims the reader trusts are read whole. A
    // part whose end is damaged (a wrong checksum, a cut deflate stream) is scanned as far as
    // it reads: the reader streams it too, and acts on its claims before it reaches the end.
    let mut open = |name: &str| -> Option<Vec<u8>> {
        let part = zip.by_name(name).ok()?;
        let mut out = Vec::new();
        let _damaged = part.take(limits.max_unpacked_bytes).read_to_end(&mut out);
        Some(out)
    };
    // The reader tries .xlsx, then .xlsb, then .ods, each failing over to the next: check
    // the parts of every format the file holds.
    if has("xl/workbook.xml") {
        let sheets = xlsx_sheet_names(&mut open);
        if let Some(sst) = open("xl/sharedStrings.xml") {
            check_shared_strings(&sst, limits)?;
        }
        for name in names.iter().filter(|n| is_xlsx_worksheet(n)) {
            if let Some(xml) = open(name) {
                let label = match sheets.get(name) {
                    Some(sheet) => format!("sheet `{sheet}`"),
                    None => format!("part {name}"),
                };
                check_worksheet(&xml, &label, limits)?;
            }
        }
    }
    if has("xl/workbook.bin") {
        let sheets = xlsb_sheet_names(&mut open);
        for name in names.iter().filter(|n| is_xlsb_record_part(n)) {
            if let Some(bin) = open(name) {
                let label = match sheets.get(name) {
                    Some(sheet) => format!("sheet `{sheet}`"),
                    None => format!("part {name}"),
                };
                check_xlsb_part(&bin, &label, is_xlsb_worksheet(name))?;
            }
        }
    }
    if has("content.xml") {
        if let Some(xml) = open("content.xml") {
            check_ods(&xml, limits)?;
        }
    }
    Ok(())
}

/// The unpacked bytes still allowed.
struct Budget {
    left: u64,
    limit: u64,
}

impl Budget {
    /// Reads `part` to its end, in chunks, failing once it passes what is left.
    fn drain(&mut self, name: &str, part: &mut impl Read) -> Result<(), String> {
        let mut chunk = [0u8; 64 * 1024];
        loop {
            let n = match part.read(&mut chunk) {
                Ok(0) => return Ok(()),
                Ok(n) => n as u64,
                // A damaged part: the reader will say so.
                Err(_) => return Ok(()),
            };
            if n > self.left {
                return Err(format!(
                    "the workbook unpacks to more than {} (at part {name}); it is not a workbook a person typed, or it is damaged",
                    megabytes(self.limit)
                ));
            }
            self.left -= n;
        }
    }
}

fn is_xlsx_worksheet(name: &str) -> bool {
    name.starts_with("xl/worksheets/") && name.ends_with(".xml") && !name.contains("/_rels/")
}

/// Sheet names by worksheet part (`xl/worksheets/sheet1.xml` → `Summary`), for messages.
fn xlsx_sheet_names(open: &mut impl FnMut(&str) -> Option<Vec<u8>>) -> HashMap<String, String> {
    let mut by_id = HashMap::new();
    if let Some(xml) = open("xl/workbook.xml") {
        each_start(&xml, |e| {
            if e.local_name().as_ref() == "sheet" {
                if let (Some(name), Some(id)) = (attr(e, "name"), attr(e, "id")) {
                    by_id.insert(id, name);
                }
            }
            Ok(())
        })
        .ok();
    }
    sheet_parts(open, "xl/_rels/workbook.xml.rels", &by_id)
}

/// Sheet names by part, from the relationships of the workbook part and its sheet names by
/// relationship id.
fn sheet_parts(
    open: &mut impl FnMut(&str) -> Option<Vec<u8>>,
    rels: &str,
    by_id: &HashMap<String, String>,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    if let Some(xml) = open(rels) {
        each_start(&xml, |e| {
            if let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target")) {
                if let Some(name) = by_id.get(&id) {
                    let part = match target.strip_prefix('/') {
                        Some(abs) => abs.to_string(),
                        None => format!("xl/{target}"),
                    };
                    out.insert(part, name.clone());
                }
            }
            Ok(())
        })
        .ok();
    }
    out
}

/// The shared-string table: its claimed and real counts.
fn check_shared_strings(xml: &[u8], limits: &Limits) -> Result<(), String> {
    let max = limits.max_shared_strings;
    let mut count = 0u64;
    each_start(xml, |e| {
        match e.local_name().as_ref() {
            "sst" => {
                for key in ["uniqueCount", "count"] {
                    if let Some(n) = attr(e, key) {
                        let claimed = n.trim().parse::<u64>().unwrap_or(u64::MAX);
                        if key == "uniqueCount" && claimed > max {
                            return Err(format!(
                                "the shared-string table claims {n} strings, more than the limit of {max} (--max-shared-strings)"
                            ));
                        }
                    }
                }
            }
            "si" => {
                count += 1;
                if count > max {
                    return Err(format!(
                        "the shared-string table holds more than {max} strings (--max-shared-strings)"
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    })
}

/// One worksheet: cell references within Excel's grid, shared-formula indexes within the
/// formulas the sheet holds.
fn check_worksheet(xml: &[u8], label: &str, limits: &Limits) -> Result<(), String> {
    let mut cells = 0u64;
    let mut formulas = 0u64;
    each_start(xml, |e| {
        let what = e.local_name();
        let key = match what.as_ref() {
            "c" | "row" => "r",
            "dimension" | "mergeCell" | "f" => "ref",
            _ => return Ok(()),
        };
        if let Some(r) = attr(e, key) {
            if !r.split(':').all(valid_ref) {
                return Err(format!(
                    "{label}: cell reference `{}` lies beyond Excel's last cell XFD1048576; the file is damaged (open and save it in Excel or LibreOffice)",
                    shorten(&r)
                ));
            }
            // The reader subtracts a range's start from its end unchecked: a reversed range
            // would read as damaged in a debug build and as a huge range in a release one.
            if reversed_range(&r) {
                return Err(format!(
                    "{label}: cell range `{}` ends before it starts; the file is damaged (open and save it in Excel or LibreOffice)",
                    shorten(&r)
                ));
            }
        }
        match what.as_ref() {
            "c" => {
                cells += 1;
                if cells > limits.max_cells {
                    return Err(format!(
                        "{label} has more than {} cells (--max-cells)",
                        limits.max_cells
                    ));
                }
            }
            "f" => {
                formulas += 1;
                if let Some(si) = attr(e, "si") {
                    let si = si.trim().parse::<u64>().unwrap_or(u64::MAX);
                    if si >= formulas {
                        return Err(format!(
                            "{label}: a shared formula claims index {si} with {formulas} formula(s) in the sheet; the file is damaged"
                        ));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    })
}

/// `A1`, `XFD1048576`, `7` (a row), `C` (a column): within Excel's grid.
fn valid_ref(r: &str) -> bool {
    let r = r.trim().trim_start_matches('$');
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    let row = r[letters..].trim_start_matches('$');
    if letters > 3 || row.len() > 7 || !row.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (col_n, row_n) = ref_position(r);
    (letters > 0 || !row.is_empty()) && col_n <= EXCEL_COLUMNS && row_n <= EXCEL_ROWS
}

/// The column (1-based, 0 when absent) and row (0 when absent) of a reference that
/// [`valid_ref`] accepts.
fn ref_position(r: &str) -> (u64, u64) {
    let r = r.trim().trim_start_matches('$');
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = r.split_at(letters);
    let col = col.bytes().fold(0u64, |n, b| {
        n * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    (col, row.trim_start_matches('$').parse().unwrap_or(0))
}

/// A range `B2:A1` whose end lies before its start, in rows or in columns (each compared
/// where both ends give it). Call on references [`valid_ref`] accepts.
fn reversed_range(r: &str) -> bool {
    let mut parts = r.split(':');
    let (Some(start), Some(end), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let ((c0, r0), (c1, r1)) = (ref_position(start), ref_position(end));
    (c0 > 0 && c1 > 0 && c1 < c0) || (r0 > 0 && r1 > 0 && r1 < r0)
}

/// At most 40 characters of a claimed value, for a message.
fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(40).collect::<String>())
    }
}

/// The value of the attribute whose local name is `key`.
fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| a.value.into_owned())
}

/// Calls `f` on every start (or empty) element of `xml`. Malformed XML ends the scan
/// quietly: the reader reports it.
fn each_start(
    xml: &[u8],
    mut f: impl FnMut(&BytesStart) -> Result<(), String>,
) -> Result<(), String> {
    let mut reader = Reader::from_reader(BufReader::new(xml));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => f(&e)?,
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

// ---- Excel binary (.xlsb): records -------------------------------------------------------

/// The record parts the reader reads: the workbook, its shared strings and styles, and the
/// worksheets (not their `binaryIndex` parts, nor a macro project, which is no record part).
fn is_xlsb_record_part(name: &str) -> bool {
    matches!(
        name,
        "xl/workbook.bin" | "xl/sharedStrings.bin" | "xl/styles.bin"
    ) || is_xlsb_worksheet(name)
}

fn is_xlsb_worksheet(name: &str) -> bool {
    name.starts_with("xl/worksheets/")
        && name.ends_with(".bin")
        && !name.contains("/_rels/")
        && !name.contains("binaryIndex")
}

/// The records of an .xlsb part, in order: type and data. `Err` holds the length a record
/// claims when it runs past the end of the part; a header cut short ends the records.
fn xlsb_records(bin: &[u8]) -> impl Iterator<Item = Result<(u16, &[u8]), u64>> {
    let mut pos = 0usize;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut byte = || {
            let b = bin.get(pos).copied();
            pos += 1;
            b
        };
        // A type of one or two bytes, a length of one to four, seven bits a byte.
        let header = (|| {
            let b = byte()?;
            let mut typ = u16::from(b & 0x7F);
            if b & 0x80 != 0 {
                typ |= u16::from(byte()? & 0x7F) << 7;
            }
            let mut len = 0u64;
            for i in 0..4 {
                let b = byte()?;
                len |= u64::from(b & 0x7F) << (7 * i);
                if b & 0x80 == 0 {
                    break;
                }
            }
            Some((typ, len))
        })();
        let Some((typ, len)) = header else {
            done = true;
            return None;
        };
        let rest = bin.len().saturating_sub(pos) as u64;
        if len > rest {
            done = true;
            return Some(Err(len));
        }
        let data = &bin[pos..pos + len as usize];
        pos += len as usize;
        Some(Ok((typ, data)))
    })
}

/// Sheet names by worksheet part, from the workbook's BrtBundleSh records (a relationship
/// id and a name, each a length-prefixed UTF-16 string after two 32-bit fields).
fn xlsb_sheet_names(open: &mut impl FnMut(&str) -> Option<Vec<u8>>) -> HashMap<String, String> {
    let mut by_id = HashMap::new();
    if let Some(bin) = open("xl/workbook.bin") {
        for (typ, data) in xlsb_records(&bin).map_while(Result::ok) {
            if typ != 0x009C {
                continue;
            }
            let id = wide_string(data.get(8..).unwrap_or_default());
            let name = id
                .as_ref()
                .and_then(|(_, used)| wide_string(data.get(8 + used..)?));
            if let (Some((id, _)), Some((name, _))) = (id, name) {
                by_id.insert(id, name);
            }
        }
    }
    sheet_parts(open, "xl/_rels/workbook.bin.rels", &by_id)
}

/// A 32-bit character count, then UTF-16: the string and the bytes it took.
fn wide_string(data: &[u8]) -> Option<(String, usize)> {
    let n = u32::from_le_bytes(data.get(..4)?.try_into().ok()?) as usize;
    let bytes = data.get(4..4 + n.checked_mul(2)?)?;
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect();
    Some((String::from_utf16_lossy(&units), 4 + 2 * n))
}

/// One record part: every record within the part (the reader allocates what a record's
/// length claims before it reads it), and in a worksheet every row within Excel's grid
/// (the reader takes a row past it for the end of the sheet, and silently drops the rest).
fn check_xlsb_part(bin: &[u8], label: &str, worksheet: bool) -> Result<(), String> {
    for record in xlsb_records(bin) {
        let (typ, data) = record.map_err(|len| {
            format!(
                "{label}: a record claims {len} bytes, past the end of its part; the file is damaged (open and save it in Excel)"
            )
        })?;
        // BrtRowHdr: the row's zero-based index first.
        if worksheet && typ == 0x0000 && data.len() >= 4 {
            let row = u64::from(u32::from_le_bytes([data[0], data[1], data[2], data[3]]));
            if row >= EXCEL_ROWS {
                return Err(format!(
                    "{label}: row {} lies beyond Excel's last row {EXCEL_ROWS}; the file is damaged (open and save it in Excel)",
                    row + 1
                ));
            }
        }
    }
    Ok(())
}

// ---- OpenDocument: rows and columns repeated ---------------------------------------------

/// The grid an .ods sheet expands to, as the reader expands it: each row element's cells up
/// to its last value (column repeats included), and the block from the first to the last
/// row and column holding a value (row repeats included), plus the text repeats copy.
fn check_ods(xml: &[u8], limits: &Limits) -> Result<(), String> {
    let mut reader = Reader::from_reader(BufReader::new(xml));
    let mut buf = Vec::new();
    let mut sheet = OdsSheet::default();
    let mut depth_in_cell = 0u32;
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => return Ok(()),
        };
        let empty = matches!(event, Event::Empty(_));
        match &event {
            Event::Start(e) | Event::Empty(e) if depth_in_cell == 0 => match e.name().as_ref() {
                "table:table" => {
                    sheet = OdsSheet {
                        name: attr(e, "name").unwrap_or_default(),
                        ..OdsSheet::default()
                    };
                }
                "table:table-row" => sheet.start_row(repeat(e, "number-rows-repeated")),
                "table:table-cell" | "table:covered-table-cell" => {
                    let has_value = attr(e, "value-type").is_some() || attr(e, "formula").is_some();
                    sheet.start_cell(repeat(e, "number-columns-repeated"), has_value);
                    if empty {
                        sheet.end_cell();
                    } else {
                        depth_in_cell = 1;
                    }
                }
                _ => {}
            },
            Event::Start(_) => depth_in_cell += 1,
            Event::Text(t) if depth_in_cell > 0 => sheet.cell_text(t.len() as u64),
            Event::End(_) if depth_in_cell > 0 => {
                depth_in_cell -= 1;
                if depth_in_cell == 0 {
                    sheet.end_cell();
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-row" => sheet.end_row(limits)?,
                "table:table" => sheet.end_table(limits)?,
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// A `number-…-repeated` attribute (1 when absent, saturating when absurd).
fn repeat(e: &BytesStart, key: &str) -> u64 {
    attr(e, key).map_or(1, |v| v.trim().parse::<u64>().unwrap_or(u64::MAX).max(1))
}

/// What one .ods sheet expands to, as it is read.
#[derive(Default)]
struct OdsSheet {
    name: String,
    /// Row position (row repeats included), capped as the reader caps it.
    row: u64,
    row_repeat: u64,
    /// Column position within the current row.
    col: u64,
    /// The current cell: its repeat, whether it holds a value, its text.
    cell_repeat: u64,
    cell_value: bool,
    cell_text: u64,
    /// The current row: where its values end, where they start, its text (repeats included).
    row_end: u64,
    row_start: Option<u64>,
    row_text: u64,
    /// Cells the reader keeps while reading, before it builds the grid.
    read_cells: u64,
    /// The block holding values: first and last row, first and last column.
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
    text: u64,
}

impl OdsSheet {
    fn start_row(&mut self, repeat: u64) {
        self.row_repeat = repeat.min(EXCEL_ROWS.saturating_sub(self.row));
        self.col = 0;
        self.row_end = 0;
        self.row_start = None;
        self.row_text = 0;
    }

    fn start_cell(&mut self, repeat: u64, has_value: bool) {
        self.cell_repeat = repeat.min(EXCEL_COLUMNS.saturating_sub(self.col));
        self.cell_value = has_value;
        self.cell_text = 0;
    }

    fn cell_text(&mut self, n: u64) {
        self.cell_text = self.cell_text.saturating_add(n);
        self.cell_value |= n > 0;
    }

    fn end_cell(&mut self) {
        let start = self.col;
        self.col = self.col.saturating_add(self.cell_repeat);
        if self.cell_value {
            self.row_start.get_or_insert(start);
            self.row_end = self.col;
            self.row_text = self
                .row_text
                .saturating_add(self.cell_text.saturating_mul(self.cell_repeat));
        }
        self.cell_repeat = 0;
        self.cell_value = false;
        self.cell_text = 0;
    }

    fn end_row(&mut self, limits: &Limits) -> Result<(), String> {
        self.read_cells = self.read_cells.saturating_add(self.row_end);
        let first = self.row;
        self.row = self.row.saturating_add(self.row_repeat);
        if let Some(start) = self.row_start {
            let last = self.row.saturating_sub(1);
            let rows = self.rows.get_or_insert((first, last));
            rows.1 = last;
            let cols = self.cols.get_or_insert((start, self.row_end - 1));
            cols.0 = cols.0.min(start);
            cols.1 = cols.1.max(self.row_end - 1);
            self.text = self
                .text
                .saturating_add(self.row_text.saturating_mul(self.row_repeat));
        }
        self.check(limits)
    }

    fn end_table(&mut self, limits: &Limits) -> Result<(), String> {
        self.check(limits)?;
        *self = OdsSheet::default();
        Ok(())
    }

    fn check(&self, limits: &Limits) -> Result<(), String> {
        let grid = match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (r1 - r0 + 1).saturating_mul(c1 - c0 + 1),
            _ => 0,
        };
        if grid > limits.max_cells || self.read_cells > limits.max_cells {
            let (cols, rows) = (self.cols.unwrap_or_default(), self.rows.unwrap_or_default());
            return Err(format!(
                "sheet `{}`: its values span rows {} to {} and columns {} to {}, {grid} cells once repeated rows and columns are expanded, more than the limit of {} (--max-cells); delete the far values or the repeats",
                self.name,
                rows.0 + 1,
                rows.1 + 1,
                column_name(cols.0.min(u64::from(u32::MAX)) as u32),
                column_name(cols.1.min(u64::from(u32::MAX)) as u32),
                limits.max_cells
            ));
        }
        if self.text > limits.max_text_bytes {
            return Err(format!(
                "sheet `{}`: its text, with repeated rows and columns expanded, passes {} (--max-text)",
                self.name,
                megabytes(limits.max_text_bytes)
            ));
        }
        Ok(())
    }
}

// ---- Legacy Excel (.xls) -----------------------------------------------------------------

/// An .xls workbook: the grid each sheet's cells span, the dimensions each sheet claims and
/// the shared strings, from the BIFF records of its `Workbook` stream.
fn check_xls(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    // The reader follows the compound file's sector chains unchecked: a chain that loops
    // grows a buffer until the process aborts, one that leaves the file panics. A file this
    // stricter parser cannot open is refused here.
    let damaged = |e: std::io::Error| {
        format!(
            "not a readable workbook: the file's compound-file structure is damaged ({})",
            e.to_string().lines().next().unwrap_or_default()
        )
    };
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(damaged)?;
    // Office's encryption wraps the real workbook in a compound file.
    if file.exists("/EncryptedPackage") {
        return Err(
            "the workbook is protected with a password; save a copy without a password (File > Info > Protect Workbook) and build that"
                .into(),
        );
    }
    let mut stream = Vec::new();
    let opened = file
        .open_stream("/Workbook")
        .or_else(|_| file.open_stream("/Book"));
    let Ok(s) = opened else { return Ok(()) };
    s.take(limits.max_unpacked_bytes)
        .read_to_end(&mut stream)
        .map_err(damaged)?;
    let mut pos = 0usize;
    // Substreams: the workbook's globals first, then one per sheet, in BoundSheet order.
    let mut substream = 0usize;
    let mut names: Vec<String> = Vec::new();
    let mut extent: Option<(u64, u64, u64, u64)> = None;
    let grid_error = |names: &[String], substream: usize, rows: u64, cols: u64| {
        let sheet = match names.get(substream.wrapping_sub(2)) {
            Some(name) => format!("sheet `{name}`"),
            None => format!("sheet {}", substream.saturating_sub(1)),
        };
        format!(
            "{sheet}: its cells span {rows} rows × {cols} columns, more than the limit of {} cells (--max-cells); delete the far values",
            limits.max_cells
        )
    };
    while pos + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[pos], stream[pos + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[pos + 2], stream[pos + 3]]));
        let data = &stream[pos + 4..(pos + 4 + len).min(stream.len())];
        pos += 4 + len;
        let u16_at = |i: usize| {
            data.get(i..i + 2)
                .map_or(0, |b| u64::from(u16::from_le_bytes([b[0], b[1]])))
        };
        let u32_at = |i: usize| {
            data.get(i..i + 4).map_or(0, |b| {
                u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            })
        };
        match typ {
            // BOF: a new substream.
            0x0809 => {
                substream += 1;
                extent = None;
            }
            // BoundSheet8: a sheet's name (an 8-bit or UTF-16 string after 6 bytes).
            0x0085 if data.len() >= 8 => {
                let cch = usize::from(data[6]);
                let wide = data[7] & 1 == 1;
                let raw = &data[8..];
                let name = if wide {
                    let units: Vec<u16> = raw
                        .chunks_exact(2)
                        .take(cch)
                        .map(|b| u16::from_le_bytes([b[0], b[1]]))
                        .collect();
                    String::from_utf16_lossy(&units)
                } else {
                    raw.iter().take(cch).map(|&b| char::from(b)).collect()
                };
                names.push(name);
            }
            // Dimensions: first row, last row + 1, first column, last column + 1.
            0x0200 if data.len() >= 14 => {
                let rows = u32_at(4).saturating_sub(u32_at(0));
                let cols = u16_at(10).saturating_sub(u16_at(8));
                if rows.saturating_mul(cols) > limits.max_cells {
                    return Err(grid_error(&names, substream, rows, cols));
                }
            }
            // SST: total and unique string counts.
            0x00FC if u32_at(4) > limits.max_shared_strings => {
                return Err(format!(
                    "the shared-string table claims {} strings, more than the limit of {} (--max-shared-strings)",
                    u32_at(4),
                    limits.max_shared_strings
                ));
            }
            // Cells: row, column (MulRk and MulBlank: row, first and last column).
            0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00D6 | 0x0201 | 0x00BD
            | 0x00BE
                if data.len() >= 4 =>
            {
                let row = u16_at(0);
                let (c0, c1) = if matches!(typ, 0x00BD | 0x00BE) && data.len() >= 6 {
                    (u16_at(2), u16_at(data.len() - 2))
                } else {
                    (u16_at(2), u16_at(2))
                };
                let e = extent.get_or_insert((row, row, c0, c1));
                *e = (e.0.min(row), e.1.max(row), e.2.min(c0), e.3.max(c1));
                let rows = e.1 - e.0 + 1;
                let cols = e.3.saturating_sub(e.2) + 1;
                if rows.saturating_mul(cols) > limits.max_cells {
                    return Err(grid_error(&names, substream, rows, cols));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs() {
        for ok in ["A1", "XFD1048576", "$B$2", "7", "C", "aa10"] {
            assert!(valid_ref(ok), "{ok}");
        }
        for bad in [
            "AAAAAAAAAAAAAAAA2",
            "XFE1",
            "A1048577",
            "A99999999999",
            "ZZZZZZ1",
            "A-1",
        ] {
            assert!(!valid_ref(bad), "{bad}");
        }
    }

    /// An .xlsb record: its type and length as seven-bit groups, then its data.
    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = if typ < 0x80 {
            vec![typ as u8]
        } else {
            vec![(typ & 0x7F) as u8 | 0x80, (typ >> 7) as u8]
        };
        let mut len = data.len();
        loop {
            let b = (len & 0x7F) as u8;
            len >>= 7;
            out.push(if len > 0 { b | 0x80 } else { b });
            if len == 0 {
                break;
            }
        }
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn xlsb_records_are_bounded() {
        let row = |r: u32| record(0x0000, &[&r.to_le_bytes()[..], &[0; 8]].concat());
        let sheet = [
            record(0x0081, &[]),
            row(0),
            row(1_048_575),
            record(0x0091, &[1, 2]),
        ]
        .concat();
        assert_eq!(xlsb_records(&sheet).count(), 4);
        assert!(check_xlsb_part(&sheet, "sheet `S`", true).is_ok());
        // A row past Excel's last: the reader would end the sheet there.
        let far = [row(0), row(u32::MAX), row(2)].concat();
        let e = check_xlsb_part(&far, "sheet `S`", true).unwrap_err();
        assert!(
            e.contains("sheet `S`: row 4294967296 lies beyond Excel's last row"),
            "{e}"
        );
        // Only worksheets have rows.
        assert!(check_xlsb_part(&far, "part xl/styles.bin", false).is_ok());
        // A record claiming more than its part holds (the reader allocates it first).
        let mut long = record(0x0002, &[0; 4]);
        long.truncate(1);
        long.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0x7F, 1, 2]);
        let e = check_xlsb_part(&long, "part xl/sharedStrings.bin", false).unwrap_err();
        assert!(
            e.contains("a record claims 268435455 bytes, past the end of its part"),
            "{e}"
        );
        // A header cut short ends the records: the reader reports the damage.
        assert!(check_xlsb_part(&[0x81], "sheet `S`", true).is_ok());
    }

    #[test]
    fn xlsb_sheet_names_from_the_workbook() {
        let wide = |s: &str| {
            let units: Vec<u16> = s.encode_utf16().collect();
            let mut out = (units.len() as u32).to_le_bytes().to_vec();
            out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
            out
        };
        let sheet = [&[0u8; 8][..], &wide("rId2"), &wide("Summary")].concat();
        let book = [record(0x0083, &[]), record(0x009C, &sheet)].concat();
        let rels = br#"<Relationships><Relationship Id="rId2" Target="worksheets/sheet2.bin"/></Relationships>"#;
        let names = xlsb_sheet_names(&mut |n: &str| match n {
            "xl/workbook.bin" => Some(book.clone()),
            "xl/_rels/workbook.bin.rels" => Some(rels.to_vec()),
            _ => None,
        });
        assert_eq!(names.get("xl/worksheets/sheet2.bin").unwrap(), "Summary");
        assert!(is_xlsb_worksheet("xl/worksheets/sheet2.bin"));
        assert!(!is_xlsb_record_part("xl/worksheets/binaryIndex2.bin"));
        assert!(!is_xlsb_record_part("xl/vbaProject.bin"));
    }

    #[test]
    fn reversed_ranges() {
        for ok in [
            "A1:C5",
            "A1",
            "B2:B2",
            "A:C",
            "1:3",
            "$A$1:$C$5",
            "A1:C",
            "XFD1:XFD1048576",
        ] {
            assert!(!reversed_range(ok), "{ok}");
        }
        for bad in [
            "C5:A1",
            "A5:C1",
            "C1:A5",
            "$B$2:$A$1",
            "C:A",
            "3:1",
            "A2:A1",
        ] {
            assert!(reversed_range(bad), "{bad}");
        }
    }
}

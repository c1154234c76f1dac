//! Stage 1, load: the pre-scan of zipped workbooks (.xlsx, .xlsm, .xlsb, .ods): every part
//! unpacked once within the budget, whatever size it claims; then the claims of each format
//! the file holds (.xlsx shared strings, references and shared formulas here; .xlsb records
//! and .ods repeats in their own files).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::xlsb::{check_xlsb_part, is_xlsb_record_part, is_xlsb_worksheet, xlsb_sheet_names};
use super::{attr, each_start, megabytes, shorten, EXCEL_COLUMNS, EXCEL_ROWS, MAX_PARTS};
use crate::load::Limits;

pub(super) fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), String> {
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
            super::ods::check_ods(&xml, limits)?;
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
pub(super) fn sheet_parts(
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
pub(super) fn valid_ref(r: &str) -> bool {
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
pub(super) fn reversed_range(r: &str) -> bool {
    let mut parts = r.split(':');
    let (Some(start), Some(end), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let ((c0, r0), (c1, r1)) = (ref_position(start), ref_position(end));
    (c0 > 0 && c1 > 0 && c1 < c0) || (r0 > 0 && r1 > 0 && r1 < r0)
}

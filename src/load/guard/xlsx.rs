//! Load: the pre-scan of an .xlsx (or .xlsm) workbook's parts: shared strings, references
//! and shared formulas.

use std::collections::HashMap;

use super::scan::{attr, each_start, part_key, sheet_parts, shorten, EXCEL_COLUMNS, EXCEL_ROWS};
use crate::load::Limits;

pub(super) fn is_xlsx_worksheet(name: &str) -> bool {
    let name = part_key(name);
    name.starts_with("xl/worksheets/") && name.ends_with(".xml") && !name.contains("/_rels/")
}

/// A shared-string table, wherever it lies: the reader reads `sharedStrings.xml` in the
/// workbook's folder, which the package's relationships name.
pub(super) fn is_xlsx_shared_strings(name: &str) -> bool {
    part_key(name).ends_with("sharedstrings.xml")
}

/// Sheet names by worksheet part (`xl/worksheets/sheet1.xml` → `Summary`), for messages.
pub(super) fn xlsx_sheet_names(
    open: &mut impl FnMut(&str) -> Option<Vec<u8>>,
) -> HashMap<String, String> {
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

/// The shared-string table: its claimed and real counts.
pub(super) fn check_shared_strings(xml: &[u8], limits: &Limits) -> Result<(), String> {
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
pub(super) fn check_worksheet(xml: &[u8], label: &str, limits: &Limits) -> Result<(), String> {
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

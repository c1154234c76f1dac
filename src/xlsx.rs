//! Test fixtures, outside the stages: writing workbooks with cells typed the way a spreadsheet
//! types what an analyst enters.
//!
//! Policy: [`write_as_typed`] stores `3` and `0.1` as numbers, `TRUE` as a boolean and
//! `June 20, 2026` or `2026-06-20` as a date cell, exactly as Excel does on entry, so that
//! workbooks made here exercise the loader the way real ones do.

use std::sync::OnceLock;

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// A sheet as rows of text, header first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

fn date_format() -> &'static Format {
    static F: OnceLock<Format> = OnceLock::new();
    F.get_or_init(|| Format::new().set_num_format("mmmm d, yyyy"))
}

/// How a spreadsheet would store `text` typed into a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed<'a> {
    Empty,
    Number(f64),
    Bool(bool),
    Date(chrono::NaiveDate),
    Text(&'a str),
}

/// Excel's reading of typed text: numbers, TRUE/FALSE and common dates change type.
pub fn excel_type(text: &str) -> Typed<'_> {
    let t = text.trim();
    if t.is_empty() {
        return Typed::Empty;
    }
    if t.eq_ignore_ascii_case("true") {
        return Typed::Bool(true);
    }
    if t.eq_ignore_ascii_case("false") {
        return Typed::Bool(false);
    }
    let numeric = t
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && t.bytes().any(|b| b.is_ascii_digit())
        && !(t.len() > 1 && t.starts_with('0') && !t.starts_with("0."));
    if numeric {
        if let Ok(n) = t.parse::<f64>() {
            return Typed::Number(n);
        }
    }
    for f in ["%Y-%m-%d", "%B %d, %Y"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(t, f) {
            return Typed::Date(d);
        }
    }
    Typed::Text(text)
}

/// Writes `text` at (`row`, `col`) typed as a spreadsheet would type it.
pub fn write_as_typed(ws: &mut Worksheet, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
    match excel_type(text) {
        Typed::Empty => {}
        Typed::Number(n) => {
            ws.write_number(row, col, n)?;
        }
        Typed::Bool(b) => {
            ws.write_boolean(row, col, b)?;
        }
        Typed::Date(d) => {
            let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            ws.write_datetime_with_format(row, col, &dt, date_format())?;
        }
        Typed::Text(s) => {
            ws.write_string(row, col, s)?;
        }
    }
    Ok(())
}

/// Reads a CSV file as rows of text, header included.
pub fn read_csv(path: &std::path::Path) -> Result<Vec<Vec<String>>, csv::Error> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)?;
    r.records()
        .map(|rec| rec.map(|rec| rec.iter().map(str::to_string).collect()))
        .collect()
}

/// The sheets of a workbook kept as one CSV per sheet (`Assessment.csv`, …), in workbook
/// order; sheets without a file are left out.
pub fn sheets_from_csv_dir(dir: &std::path::Path) -> Result<Vec<TextSheet>, csv::Error> {
    let mut sheets = Vec::new();
    for spec in crate::schema::SHEETS {
        let path = dir.join(format!("{}.csv", spec.name));
        if path.exists() {
            sheets.push(TextSheet {
                name: spec.name.to_string(),
                rows: read_csv(&path)?,
            });
        }
    }
    Ok(sheets)
}

/// An .xlsx file of `sheets`, the header row bold and frozen, every other cell typed as
/// a spreadsheet would type it.
pub fn workbook_bytes(sheets: &[TextSheet]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name)?;
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                if r == 0 {
                    ws.write_string_with_format(0, c as u16, text, &bold)?;
                } else {
                    write_as_typed(ws, r as u32, c as u16, text)?;
                }
            }
        }
        if let Some(header) = sheet.rows.first() {
            for c in 0..header.len() {
                ws.set_column_width(c as u16, 16)?;
            }
            ws.set_freeze_panes(1, 0)?;
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_like_excel() {
        assert_eq!(excel_type("3"), Typed::Number(3.0));
        assert_eq!(excel_type("0.1"), Typed::Number(0.1));
        assert_eq!(excel_type("1A"), Typed::Text("1A"));
        assert_eq!(excel_type("v1.3"), Typed::Text("v1.3"));
        assert_eq!(excel_type("TRUE"), Typed::Bool(true));
        assert_eq!(excel_type("Y"), Typed::Text("Y"));
        assert_eq!(
            excel_type("June 20, 2026"),
            Typed::Date(chrono::NaiveDate::from_ymd_opt(2026, 6, 20).unwrap())
        );
        assert_eq!(excel_type("May 29 2026"), Typed::Text("May 29 2026"));
    }
}

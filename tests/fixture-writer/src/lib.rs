//! The fixture writer of layerbrief's tests, benches and examples (a dev-only crate, not part
//! of the tool): workbooks written from text sheets, with cells typed the way a spreadsheet
//! types what an analyst enters.
//!
//! Policy: [`write_as_typed`] stores `3` and `0.1` as numbers, `TRUE` as a boolean and
//! `June 20, 2026` or `2026-06-20` as a date cell, exactly as Excel does on entry, so that
//! workbooks made here exercise the loader the way real ones do.

use std::sync::OnceLock;

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// The sheets of an assessment workbook, in workbook order (the workbook contract's).
pub const SHEETS: &[&str] = &[
    "Assessment",
    "Summary",
    "Columns",
    "Components",
    "Layers",
    "Overrides",
    "History",
    "Distribution",
];

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
    for name in SHEETS {
        let path = dir.join(format!("{name}.csv"));
        if path.exists() {
            sheets.push(TextSheet {
                name: name.to_string(),
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

/// How [`variant`] changes the texts of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prose {
    /// The words of every narrative, summary, cell and note text shuffled (by the seed).
    Shuffled,
    /// Every text as it is; the vendor's name numbered too.
    Same,
    /// The texts of seed 0, but for the first one, shuffled by the seed: one edited paragraph.
    EditOne,
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(copy: usize, seed: u64) -> Self {
        Rng(0x9E37_79B9_7F4A_7C15 ^ (copy as u64 + 1) ^ seed.wrapping_mul(0xA24B_AED4_963E_E407))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn shuffle_words(text: &str, rng: &mut Rng) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    for i in (1..words.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        words.swap(i, j);
    }
    words.join(" ")
}

/// Copy number `copy` of the assessment `base` for benchmarks: its own id (`cw-007`) and its
/// texts changed as `prose` says, repeatably for a given seed. The version history's texts
/// stay as they are.
pub fn variant(base: &[TextSheet], copy: usize, seed: u64, prose: Prose) -> Vec<TextSheet> {
    let mut rng = Rng::new(copy, if prose == Prose::EditOne { 0 } else { seed });
    // The edited text: the rest stays as seed 0 wrote it.
    let mut edit = (prose == Prose::EditOne).then(|| Rng::new(copy, seed));
    let mut sheets = base.to_vec();
    for sheet in &mut sheets {
        let Some(header) = sheet.rows.first().cloned() else {
            continue;
        };
        for row in sheet.rows.iter_mut().skip(1) {
            for (c, h) in header.iter().enumerate() {
                let text = matches!(h.as_str(), "narrative" | "paragraph" | "text" | "note_text");
                if text
                    && prose != Prose::Same
                    && sheet.name != "History"
                    && c < row.len()
                    && !row[c].is_empty()
                {
                    let shuffled = shuffle_words(&row[c], &mut rng);
                    row[c] = match edit.take() {
                        Some(mut other) => shuffle_words(&row[c], &mut other),
                        None => shuffled,
                    };
                }
            }
            if sheet.name == "Assessment" && row.len() > 1 {
                if row[0] == "assessment_id" {
                    row[1] = format!("cw-{copy:03}");
                } else if row[0] == "vendor" && prose == Prose::Same {
                    row[1] = format!("{} {copy:03}", row[1]);
                }
            }
        }
    }
    sheets
}

/// Sets the cell of column `header` in the row of `sheet` whose first cell is `key`, if both
/// exist.
fn set_cell(sheets: &mut [TextSheet], sheet: &str, key: &str, header: &str, value: &str) {
    let Some(s) = sheets.iter_mut().find(|s| s.name == sheet) else {
        return;
    };
    let Some(c) = s.rows[0].iter().position(|h| h == header) else {
        return;
    };
    if let Some(row) = s.rows.iter_mut().skip(1).find(|r| r[0] == key) {
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = value.to_string();
    }
}

/// `base` (the CoreWeave sheets) with a split at every layer: each layer gets an open path the
/// enterprise runs (Retained) and a closed one (Ceded), Layer 0 a substitutable one; 1B and
/// 1C become default capabilities so their components are scored. Its id is
/// `split-everywhere`, its vendor `Split Everywhere Cloud`.
pub fn split_everywhere(base: &[TextSheet]) -> Vec<TextSheet> {
    let mut sheets = base.to_vec();
    set_cell(
        &mut sheets,
        "Assessment",
        "assessment_id",
        "value",
        "split-everywhere",
    );
    set_cell(
        &mut sheets,
        "Assessment",
        "vendor",
        "value",
        "Split Everywhere Cloud",
    );
    for l in ["1B", "1C"] {
        for (header, value) in [
            ("capability", "default"),
            ("delivery", "vendor"),
            ("complete", "Y"),
            ("breadth", "at_par"),
        ] {
            set_cell(&mut sheets, "Layers", l, header, value);
        }
    }
    let Some(components) = sheets.iter_mut().find(|s| s.name == "Components") else {
        return sheets;
    };
    for l in ["0", "1A", "1B", "1C", "2A", "2B", "2C", "3"] {
        let own_hw = if l == "0" { "Y" } else { "N" };
        let open = [
            &format!("{l}.90"),
            l,
            "cw",
            "90",
            "Open path",
            "N",
            "An open path.",
            "Y",
            "enterprise",
            "Y",
            "Y",
            "Kubernetes API",
            "Y",
            "",
            own_hw,
            "path",
            "open path",
            "",
            "",
            "",
        ];
        let closed = [
            &format!("{l}.91"),
            l,
            "cw",
            "91",
            "Closed path",
            "N",
            "A closed path.",
            "Y",
            "vendor",
            "N",
            "N",
            "",
            "N",
            "",
            "N",
            "path",
            "closed path",
            "",
            "CoreWeave",
            "",
        ];
        for row in [open, closed] {
            components
                .rows
                .push(row.iter().map(|s| s.to_string()).collect());
        }
    }
    sheets
}

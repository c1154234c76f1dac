//! Stage 2, validate: typed reading of sheet cells, recording a diagnostic for every bad cell.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use crate::load::{Ignored, Row, Sheet, Value, Workbook};
use crate::model::diag::{did_you_mean, expected_one_of, Diagnostics, Place};
use crate::model::sheets::SheetSpec;
use crate::model::Vocab;

/// The longest word (run of characters without a space) a text cell may hold: longer runs
/// cannot be set on a page and break PDF/A's string limits.
pub const MAX_WORD: usize = 1000;

/// Y/N spellings accepted in flag columns.
pub const FLAG_HELP: &str = "expected Y, N, yes, no, TRUE or FALSE (empty means N)";
/// Date spellings accepted in date columns.
pub const DATE_HELP: &str = "use a date cell, 2026-06-20, or a written date such as June 20, 2026";

/// A sheet with its columns located by header name.
pub struct Table<'a> {
    pub sheet: &'a Sheet,
    cols: HashMap<&'static str, u32>,
}

impl<'a> Table<'a> {
    /// Finds the sheet of `spec` in `wb` and locates its columns. A missing sheet or column
    /// is reported; a missing column then reads as empty without further messages about its
    /// cells. An optional sheet that is absent returns `None` silently.
    pub fn open(wb: &'a Workbook, spec: &SheetSpec, d: &mut Diagnostics) -> Option<Self> {
        let (name, columns) = (spec.name, &spec.names()[..]);
        let Some(sheet) = wb.sheet(name) else {
            if !spec.optional {
                let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
                let help = match did_you_mean(name, names.iter().copied()) {
                    Some(close) => format!("rename sheet `{close}` to `{name}`"),
                    None => format!(
                        "the workbook has {}; add a sheet `{name}` (`layerbrief init` makes a blank workbook with every sheet)",
                        if names.is_empty() { "no sheets".to_string() } else { format!("sheets {}", names.join(", ")) }
                    ),
                };
                d.error(Place::file(), format!("missing sheet `{name}`"), Some(help));
            }
            return None;
        };
        let cols = locate_columns(sheet, columns, |c| spec.is_optional(c), d);
        warn_merged(sheet, d);
        report_ignored(sheet, d);
        Some(Self { sheet, cols })
    }

    /// A reader for one row.
    pub fn row<'r>(&'r self, row: &'r Row, d: &'r mut Diagnostics) -> RowReader<'r> {
        RowReader {
            table: self,
            row,
            d,
        }
    }

    /// The zero-based column of `name`, if the sheet has it.
    pub fn col(&self, name: &str) -> Option<u32> {
        self.cols.get(name).copied()
    }

    /// The place of column `name` in `row`.
    pub fn place(&self, row: &Row, name: &str) -> Place {
        match self.col(name) {
            Some(c) => Place::cell(&self.sheet.name, row.index, c),
            None => Place::row(&self.sheet.name, row.index),
        }
    }
}

/// Finds each of `columns` by its header. Duplicate and missing headers are errors, unknown
/// ones warnings (unless they look like a misspelt known column, reported as missing).
fn locate_columns(
    sheet: &Sheet,
    columns: &[&'static str],
    optional: impl Fn(&str) -> bool,
    d: &mut Diagnostics,
) -> HashMap<&'static str, u32> {
    let mut cols = HashMap::new();
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for h in &sheet.headers {
        if let Some(first) = seen.insert(h.key.as_str(), h.col) {
            d.error(
                Place::cell(&sheet.name, sheet.header_row, h.col),
                format!("duplicate column `{}`", h.text),
                Some(format!(
                    "column {} already has this header; remove or rename one of them",
                    crate::model::diag::column_name(first)
                )),
            );
        }
    }
    let unknown: Vec<&str> = sheet
        .headers
        .iter()
        .map(|h| h.key.as_str())
        .filter(|k| !columns.contains(k))
        .collect();
    for &c in columns {
        match sheet.column(c) {
            Some(col) => {
                cols.insert(c, col);
            }
            None if optional(c) => {}
            None => {
                let help = match did_you_mean(c, unknown.iter().copied()) {
                    Some(close) => {
                        format!("did you mean `{close}`? rename that header to `{c}`")
                    }
                    None => format!("add a column headed `{c}` to the header row"),
                };
                d.error(
                    Place::row(&sheet.name, sheet.header_row),
                    format!("missing column `{c}`"),
                    Some(help),
                );
            }
        }
    }
    for h in &sheet.headers {
        if !columns.contains(&h.key.as_str()) {
            let close = did_you_mean(&h.key, columns.iter().copied());
            if close.is_none_or(|c| sheet.column(c).is_some()) {
                d.warning(
                    Place::cell(&sheet.name, sheet.header_row, h.col),
                    format!("unknown column `{}` is ignored", h.text),
                    Some(format!("known columns: {}", columns.join(", "))),
                );
            }
        }
    }
    cols
}

/// Merged cells below the header row: only the first cell of a range holds the value.
fn warn_merged(sheet: &Sheet, d: &mut Diagnostics) {
    for &(start, end) in &sheet.merged {
        if end.0 > sheet.header_row && (start.0 != end.0 || start.1 != end.1) {
            let range = format!(
                "{}{}:{}{}",
                crate::model::diag::column_name(start.1),
                start.0 + 1,
                crate::model::diag::column_name(end.1),
                end.0 + 1
            );
            d.warning(
                Place::cell(&sheet.name, start.0, start.1),
                format!("merged cells {range}: only the first holds the value, the others read as empty"),
                Some("unmerge the cells and fill each one".into()),
            );
        }
    }
}

/// The cells out of the loader's bounds: values far beyond the sheet's columns (not read),
/// texts too long.
fn report_ignored(sheet: &Sheet, d: &mut Diagnostics) {
    for cell in &sheet.ignored {
        match *cell {
            Ignored::FarColumn { row, col } => d.error(
                Place::cell(&sheet.name, row, col),
                format!(
                    "a value lies in column {}, far beyond the sheet's columns, and is not read",
                    crate::model::diag::column_name(col)
                ),
                Some("delete it, or move it into the table".into()),
            ),
            Ignored::TooLong { row, col, chars } => d.error(
                Place::cell(&sheet.name, row, col),
                format!("the cell holds {chars} characters, more than a cell may hold here"),
                Some("shorten it (or raise --max-cell-chars)".into()),
            ),
        }
    }
    let unlisted = sheet
        .ignored_total
        .saturating_sub(sheet.ignored.len() as u64);
    if unlisted > 0 {
        d.error(
            Place::sheet(&sheet.name),
            format!("{unlisted} more cells like those above"),
            None,
        );
    }
}

/// Reads the cells of one row, reporting bad ones.
pub struct RowReader<'r> {
    table: &'r Table<'r>,
    pub row: &'r Row,
    pub d: &'r mut Diagnostics,
}

impl RowReader<'_> {
    /// The place of column `name` in this row.
    pub fn place(&self, name: &str) -> Place {
        self.table.place(self.row, name)
    }

    /// Reports an error at column `name` of this row.
    pub fn error(&mut self, name: &str, message: impl Into<String>, help: impl Into<String>) {
        let place = self.place(name);
        self.d.error(place, message, Some(help.into()));
    }

    /// Reports a warning at column `name` of this row.
    pub fn warning(&mut self, name: &str, message: impl Into<String>, help: impl Into<String>) {
        let place = self.place(name);
        self.d.warning(place, message, Some(help.into()));
    }

    /// The raw cell, or `None` if the sheet lacks the column.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.table.col(name).map(|c| self.row.get(c))
    }

    /// Whether the cell is empty (or the column is missing).
    pub fn is_empty(&self, name: &str) -> bool {
        self.value(name).is_none_or(Value::is_empty)
    }

    /// The cell's text, `None` when empty. Error cells (`#REF!`) are reported.
    pub fn text(&mut self, name: &str) -> Option<String> {
        let v = self.value(name)?.clone();
        if let Value::Error(e) = &v {
            self.error(
                name,
                format!("`{name}` holds the error value {e}"),
                "fix the formula or type the value",
            );
            return None;
        }
        let t = v.as_text();
        if let Some(word) = t.split_whitespace().find(|w| w.chars().count() > MAX_WORD) {
            let n = word.chars().count();
            self.error(
                name,
                format!("`{name}` holds a word of {n} characters, which no page can set"),
                format!("break it with spaces; words of up to {MAX_WORD} characters are accepted"),
            );
            return None;
        }
        (!t.is_empty()).then_some(t)
    }

    /// The cell's text; reports an empty cell with `help`.
    pub fn required(&mut self, name: &str, help: &str) -> Option<String> {
        let empty = self.value(name).is_some_and(Value::is_empty);
        let t = self.text(name);
        if empty {
            self.error(name, format!("`{name}` is empty"), help.to_string());
        }
        t
    }

    /// A Y/N cell; empty means `default`.
    pub fn flag(&mut self, name: &str, default: bool) -> bool {
        let Some(v) = self.value(name).cloned() else {
            return default;
        };
        match parse_flag(&v) {
            Some(b) => b,
            None if v.is_empty() => default,
            None => {
                self.error(
                    name,
                    format!("`{name}` must be Y or N, found {}", v.describe()),
                    FLAG_HELP,
                );
                default
            }
        }
    }

    /// A vocabulary cell; empty is `None`, reported when `required` (with `why`).
    pub fn choice<T: Vocab>(&mut self, name: &str, required: Option<&str>) -> Option<T> {
        let text = self.text(name);
        let Some(text) = text else {
            if let Some(why) = required {
                if self.value(name).is_some_and(Value::is_empty) {
                    let help = format!("{why}; expected one of {}", T::NAMES.join(", "));
                    self.error(name, format!("`{name}` is empty"), help);
                }
            }
            return None;
        };
        let parsed = T::parse(&text);
        if parsed.is_none() {
            self.error(
                name,
                format!("unknown {name} `{text}`"),
                expected_one_of(&text, T::NAMES),
            );
        }
        parsed
    }

    /// A whole-number cell (`1`, `1.0`, `"1"`).
    pub fn integer(&mut self, name: &str, required: bool) -> Option<i64> {
        let v = self.value(name)?.clone();
        if v.is_empty() {
            if required {
                self.error(
                    name,
                    format!("`{name}` is empty"),
                    "expected a whole number such as 1",
                );
            }
            return None;
        }
        let n = match &v {
            Value::Number(n) if n.fract() == 0.0 => Some(*n as i64),
            Value::Text(t) => t
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.fract() == 0.0)
                .map(|n| n as i64),
            _ => None,
        };
        if n.is_none() {
            self.error(
                name,
                format!("`{name}` must be a whole number, found {}", v.describe()),
                "expected a whole number such as 1",
            );
        }
        n
    }

    /// A date cell or written date.
    pub fn date(&mut self, name: &str, required: bool) -> Option<NaiveDate> {
        self.date_as(name, name, required)
    }

    /// A date cell or written date, named `label` in messages.
    pub fn date_as(&mut self, name: &str, label: &str, required: bool) -> Option<NaiveDate> {
        let v = self.value(name)?.clone();
        if v.is_empty() {
            if required {
                self.error(name, format!("`{label}` is empty"), DATE_HELP);
            }
            return None;
        }
        let date = parse_date(&v);
        if date.is_none() {
            self.error(
                name,
                format!("`{label}` is not a date: {}", v.describe()),
                DATE_HELP,
            );
        }
        date
    }
}

/// Parses a Y/N cell: Y, N, yes, no, true, false (any case), TRUE/FALSE booleans, 1/0.
pub fn parse_flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) if *n == 1.0 => Some(true),
        Value::Number(n) if *n == 0.0 => Some(false),
        Value::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" => Some(true),
            "n" | "no" | "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Parses a date cell, an ISO date, a written date, or an Excel serial number, in the years
/// 1900 to 2199 (a two-digit year such as `Jun 20 26` is refused, not read as year 26).
pub fn parse_date(v: &Value) -> Option<NaiveDate> {
    use chrono::Datelike;
    let date = match v {
        Value::Date(d) => Some(d.date()),
        // A date typed into a cell whose date format was lost: an Excel serial day number.
        Value::Number(n) if n.fract() == 0.0 && (20_000.0..=80_000.0).contains(n) => {
            NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(*n as i64))
        }
        Value::Text(t) => parse_date_text(t),
        _ => None,
    };
    date.filter(|d| (1900..2200).contains(&d.year()))
}

/// Parses `2026-06-20`, `June 20, 2026`, `Jun 20 2026`, `20 June 2026`.
pub fn parse_date_text(t: &str) -> Option<NaiveDate> {
    let t = t.trim().replace(',', " ");
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    const FORMATS: &[&str] = &[
        "%Y-%m-%d", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d",
    ];
    FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(&t, f).ok())
        .or_else(|| {
            // "Sept 5 2026" and similar four-letter abbreviations.
            let (month, rest) = t.split_once(' ')?;
            month
                .eq_ignore_ascii_case("sept")
                .then(|| NaiveDate::parse_from_str(&format!("Sep {rest}"), "%b %d %Y").ok())?
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 6, 20).unwrap();
        for t in [
            "2026-06-20",
            "June 20, 2026",
            "Jun 20 2026",
            "20 June 2026",
            "jun 20, 2026",
        ] {
            assert_eq!(parse_date_text(t), Some(d), "{t}");
        }
        assert_eq!(parse_date(&Value::Number(46193.0)), Some(d));
        assert_eq!(
            parse_date_text("Sept 5 2026"),
            NaiveDate::from_ymd_opt(2026, 9, 5)
        );
        assert_eq!(parse_date_text("Junly 4"), None);
        assert_eq!(parse_date_text("Junly 20 2026"), None);
        assert_eq!(parse_date(&Value::Text("Jun 20 26".into())), None);
        assert_eq!(parse_date(&Value::Text("0000-01-01".into())), None);
    }

    #[test]
    fn flags() {
        assert_eq!(parse_flag(&Value::Text(" yes ".into())), Some(true));
        assert_eq!(parse_flag(&Value::Bool(false)), Some(false));
        assert_eq!(parse_flag(&Value::Text("maybe".into())), None);
    }
}

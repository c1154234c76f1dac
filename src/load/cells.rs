//! Load: cells as the spreadsheet typed them, with their absolute places.

use chrono::NaiveDateTime;

/// One cell as the spreadsheet typed it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value.
    Empty,
    /// A text cell.
    Text(String),
    /// A number cell (Excel types `3`, `0.1` or `1.0` typed into a cell as numbers).
    Number(f64),
    /// A TRUE/FALSE cell.
    Bool(bool),
    /// A date or date-time cell.
    Date(NaiveDateTime),
    /// An error cell such as `#REF!`.
    Error(String),
}

impl Value {
    /// Whether the cell holds nothing (or only spaces).
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as the text an analyst meant: numbers without a spurious `.0`
    /// (`1.0` → `1`, `0.1` → `0.1`), dates as ISO dates, booleans as TRUE/FALSE.
    pub fn as_text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.trim().to_string(),
            Value::Number(n) => number_text(*n),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Value::Date(d) => {
                if d.time() == chrono::NaiveTime::MIN {
                    d.date().format("%Y-%m-%d").to_string()
                } else {
                    d.format("%Y-%m-%d %H:%M").to_string()
                }
            }
            Value::Error(e) => e.clone(),
        }
    }

    /// How the cell was typed, for messages: "the number 3", "the text `abc`".
    pub fn describe(&self) -> String {
        match self {
            Value::Empty => "an empty cell".into(),
            Value::Text(s) => format!("`{}`", s.trim()),
            Value::Number(n) => format!("the number {}", number_text(*n)),
            Value::Bool(b) => format!("the boolean {}", if *b { "TRUE" } else { "FALSE" }),
            Value::Date(_) => format!("the date {}", self.as_text()),
            Value::Error(e) => format!("the error value {e}"),
        }
    }
}

/// Text of a number as typed: integers without a fraction, others in shortest form.
pub(crate) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// One data row of a sheet.
#[derive(Debug, Clone)]
pub struct Row {
    /// Zero-based absolute row index in the sheet.
    pub index: u32,
    /// Cells by zero-based absolute column index.
    pub cells: Vec<Value>,
}

impl Row {
    /// The cell in column `col`, empty if the row is shorter.
    pub fn get(&self, col: u32) -> &Value {
        self.cells.get(col as usize).unwrap_or(&Value::Empty)
    }
}

/// A column header found in the header row.
#[derive(Debug, Clone)]
pub struct Header {
    /// The header as typed.
    pub text: String,
    /// Normalised: trimmed and lower-cased.
    pub key: String,
    /// Zero-based absolute column index.
    pub col: u32,
}

/// One worksheet: its header row and its non-empty data rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The sheet name as in the workbook.
    pub name: String,
    /// Zero-based row of the headers (the first non-empty row).
    pub header_row: u32,
    /// Non-empty header cells, left to right.
    pub headers: Vec<Header>,
    /// Rows below the header that hold at least one value.
    pub rows: Vec<Row>,
    /// Merged cell ranges, (row, column) of the first and last cell (read for .xlsx files).
    pub merged: Vec<((u32, u32), (u32, u32))>,
    /// Cells not kept, or kept but over the limits (the first [`MAX_IGNORED_LISTED`]), to be
    /// reported at their place.
    pub ignored: Vec<Ignored>,
    /// How many such cells there were in all.
    pub ignored_total: u64,
}

/// How many ignored cells a sheet lists.
pub const MAX_IGNORED_LISTED: usize = 20;

/// A cell out of bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ignored {
    /// A value beyond the last column read ([`Limits::max_columns`]).
    FarColumn {
        /// Zero-based row.
        row: u32,
        /// Zero-based column.
        col: u32,
    },
    /// Text of more characters than [`Limits::max_cell_chars`] (kept, to be reported).
    TooLong {
        /// Zero-based row.
        row: u32,
        /// Zero-based column.
        col: u32,
        /// Its length in characters.
        chars: u64,
    },
}

impl Sheet {
    /// The column whose header matches `name` (case-insensitive, spaces trimmed).
    pub fn column(&self, name: &str) -> Option<u32> {
        self.headers.iter().find(|h| h.key == name).map(|h| h.col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(Value::Number(1.0).as_text(), "1");
        assert_eq!(Value::Number(0.0).as_text(), "0");
        assert_eq!(Value::Number(0.1).as_text(), "0.1");
        assert_eq!(Value::Number(3.2).as_text(), "3.2");
        assert_eq!(Value::Text("  1A ".into()).as_text(), "1A");
    }
}

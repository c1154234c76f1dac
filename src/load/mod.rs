//! Stage 1, load: a workbook file into sheets of typed cells.
//!
//! Policy: the loader reads any format calamine reads (.xlsx, .xlsm, .xls, .xlsb, .ods) and
//! keeps each cell as the spreadsheet typed it, with its absolute position, so that later
//! stages can name the exact cell of a problem. It judges nothing about the contents; a file
//! that is not a workbook at all gives one [`LoadError`] naming the file, never a panic.
//!
//! Hostile files are bounded by [`Limits`]: the file's size is checked before it is read,
//! every part and claim of it is checked by a pre-scan before calamine sees it (`guard`),
//! and cells are kept sparsely while they are read, so memory follows what a file really
//! holds. A value beyond the last column read, or a cell of too much text, is not kept but
//! listed on its sheet ([`Sheet::ignored`]) for validation to report at its cell.

mod guard;

use std::cell::Cell;
use std::fmt;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use chrono::{NaiveDate, NaiveDateTime};

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

/// Bounds on what a workbook may hold, checked before anything is allocated for it. The
/// defaults are far above any real assessment and keep one workbook's load well under
/// a few hundred MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The file's size on disk.
    pub max_file_bytes: u64,
    /// The parts of a zipped workbook (.xlsx, .xlsm, .xlsb, .ods), unpacked, in all.
    pub max_unpacked_bytes: u64,
    /// Rows holding values in one sheet.
    pub max_rows: u64,
    /// The last column read (256 is column IV); values beyond it are reported, not kept.
    pub max_columns: u32,
    /// Cells one sheet may hold, or span when its format makes a grid of it (.ods, .xls).
    pub max_cells: u64,
    /// Characters in one cell.
    pub max_cell_chars: u64,
    /// Strings in the shared-string table.
    pub max_shared_strings: u64,
    /// Bytes of text in all cells as read (a shared string counts at every use).
    pub max_text_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 32_000_000,
            max_unpacked_bytes: 128_000_000,
            max_rows: 100_000,
            max_columns: 256,
            max_cells: 1_000_000,
            max_cell_chars: 32_767,
            max_shared_strings: 500_000,
            max_text_bytes: 64_000_000,
        }
    }
}

impl Sheet {
    /// The column whose header matches `name` (case-insensitive, spaces trimmed).
    pub fn column(&self, name: &str) -> Option<u32> {
        self.headers.iter().find(|h| h.key == name).map(|h| h.col)
    }
}

/// A loaded workbook.
#[derive(Debug, Clone)]
pub struct Workbook {
    /// The file it came from.
    pub path: PathBuf,
    /// Its worksheets, in workbook order.
    pub sheets: Vec<Sheet>,
}

impl Workbook {
    /// The sheet named `name`, compared case-insensitively with surrounding spaces ignored.
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets
            .iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case(name))
    }
}

/// A file that could not be read as a workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file.
    pub path: PathBuf,
    /// Why, in one line.
    pub reason: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for LoadError {}

/// File extensions the loader accepts when it scans a folder.
pub const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// Reads the workbook at `path` within the default [`Limits`].
pub fn load(path: &Path) -> Result<Workbook, LoadError> {
    load_with(path, &Limits::default())
}

/// Reads the workbook at `path` within `limits`.
pub fn load_with(path: &Path, limits: &Limits) -> Result<Workbook, LoadError> {
    let fail = |reason: String| LoadError {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = read_file(path, limits).map_err(fail)?;
    load_bytes_with(path, bytes, limits).map_err(fail)
}

/// The bytes of the file at `path`, refused unread when larger than the limit.
pub fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the file ({e})"))?;
    let size = file
        .metadata()
        .map_err(|e| format!("cannot read the file ({e})"))?
        .len();
    let too_big = || {
        format!(
            "the file is {:.1} MB, more than the limit of {:.1} MB for a workbook (--max-file-size)",
            size as f64 / 1e6,
            limits.max_file_bytes as f64 / 1e6
        )
    };
    if size > limits.max_file_bytes {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(limits.max_file_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file ({e})"))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Reads a workbook from its bytes within the default [`Limits`]; `path` names it in
/// messages.
pub fn load_bytes(path: &Path, bytes: Vec<u8>) -> Result<Workbook, String> {
    load_bytes_with(path, bytes, &Limits::default())
}

/// Reads a workbook from its bytes within `limits`; `path` names it in messages.
pub fn load_bytes_with(path: &Path, bytes: Vec<u8>, limits: &Limits) -> Result<Workbook, String> {
    if bytes.is_empty() {
        return Err("the file is empty, not a workbook".into());
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(format!(
            "the file is {:.1} MB, more than the limit of {:.1} MB for a workbook (--max-file-size)",
            bytes.len() as f64 / 1e6,
            limits.max_file_bytes as f64 / 1e6
        ));
    }
    guard::check(&bytes, limits)?;
    // calamine is not written to be fed hostile files; make sure a panic inside it
    // becomes an ordinary error for this one file, and that no hook calls it a bug.
    READING.with(|r| r.set(true));
    let result = std::panic::catch_unwind(move || read_sheets(bytes, limits));
    READING.with(|r| r.set(false));
    let sheets = match result {
        Ok(r) => r?,
        Err(_) => return Err("the file is damaged and could not be read as a workbook".into()),
    };
    Ok(Workbook {
        path: path.to_path_buf(),
        sheets,
    })
}

thread_local! {
    /// Whether this thread is inside the spreadsheet reader.
    static READING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is inside the spreadsheet reader, where a panic means a
/// damaged file and is reported as one: a panic hook should stay quiet then.
pub fn panic_is_expected() -> bool {
    READING.with(Cell::get)
}

/// Cells of one sheet as they are read, bounded by the limits.
struct Collector<'a> {
    name: &'a str,
    limits: &'a Limits,
    cells: Vec<(u32, u32, Value)>,
    text: &'a mut u64,
}

impl Collector<'_> {
    fn push(&mut self, row: u32, col: u32, value: Value) -> Result<(), String> {
        if value.is_empty() {
            return Ok(());
        }
        if self.cells.len() as u64 >= self.limits.max_cells {
            return Err(format!(
                "sheet `{}` has more than {} cells (--max-cells)",
                self.name, self.limits.max_cells
            ));
        }
        if let Value::Text(t) | Value::Error(t) = &value {
            *self.text = self.text.saturating_add(t.len() as u64);
            if *self.text > self.limits.max_text_bytes {
                return Err(format!(
                    "the workbook's text passes {} MB (--max-text), at sheet `{}`",
                    self.limits.max_text_bytes / 1_000_000,
                    self.name
                ));
            }
        }
        self.cells.push((row, col, value));
        Ok(())
    }
}

fn read_sheets(bytes: Vec<u8>, limits: &Limits) -> Result<Vec<Sheet>, String> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        format!(
            "not a readable workbook (.xlsx, .xlsm, .xls, .xlsb or .ods): {}",
            one_line(&e)
        )
    })?;
    let mut sheets = Vec::new();
    let mut text = 0u64;
    for name in book.sheet_names() {
        let fail =
            |e: &dyn fmt::Display| format!("sheet `{name}` could not be read: {}", one_line(e));
        let mut cells = Collector {
            name: &name,
            limits,
            cells: Vec::new(),
            text: &mut text,
        };
        let mut merged = Vec::new();
        match &mut book {
            // Excel files are read cell by cell: a stray value in a far corner (XFD1048576)
            // must not make a dense grid of the whole sheet.
            calamine::Sheets::Xlsx(x) => {
                if let Ok(regions) = x.merge_cells_by_sheet_name(&name) {
                    merged = regions.iter().map(|d| (d.start, d.end)).collect();
                }
                let mut reader = x.worksheet_cells_reader(&name).map_err(|e| fail(&e))?;
                while let Some(cell) = reader.next_cell_with_formula().map_err(|e| fail(&e))? {
                    let (row, col) = cell.pos;
                    let value = convert(&Data::from(cell.value));
                    // A formula saved by a script that never computed it has no value: say
                    // so rather than read it as empty.
                    let value = match (value, cell.formula) {
                        (v, Some(f)) if v.is_empty() && !f.trim().is_empty() => Value::Error(format!(
                            "`={f}` with no saved result (open and save the workbook in Excel or LibreOffice, or type the value)"
                        )),
                        (v, _) => v,
                    };
                    cells.push(row, col, value)?;
                }
            }
            calamine::Sheets::Xlsb(x) => {
                let mut reader = x.worksheet_cells_reader(&name).map_err(|e| fail(&e))?;
                while let Some(cell) = reader.next_cell().map_err(|e| fail(&e))? {
                    let (row, col) = cell.get_position();
                    cells.push(row, col, convert(&Data::from(cell.get_value().clone())))?;
                }
            }
            // .ods and .xls: the reader builds the sheet's grid, bounded by the pre-scan.
            other => {
                let range = other.worksheet_range(&name).map_err(|e| fail(&e))?;
                let (row0, col0) = range.start().unwrap_or((0, 0));
                for (r, c, data) in range.used_cells() {
                    let (row, col) = (row0.saturating_add(r as u32), col0.saturating_add(c as u32));
                    cells.push(row, col, convert(data))?;
                }
            }
        }
        let cells = cells.cells;
        let mut sheet = sheet_from_cells(name, cells, limits)?;
        sheet.merged = merged;
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn one_line(e: &dyn fmt::Display) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

/// Groups cells (absolute row, column, value) into the header row and the data rows. Values
/// beyond the last column read are listed, not kept; over-long texts are listed.
fn sheet_from_cells(
    name: String,
    mut cells: Vec<(u32, u32, Value)>,
    limits: &Limits,
) -> Result<Sheet, String> {
    cells.retain(|(_, _, v)| !v.is_empty());
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    let mut header_row = None;
    let mut headers = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut ignored = Vec::new();
    let mut ignored_total = 0u64;
    let mut ignore = |cell: Ignored| {
        ignored_total += 1;
        if ignored.len() < MAX_IGNORED_LISTED {
            ignored.push(cell);
        }
    };
    for (row, col, value) in cells {
        if col >= limits.max_columns {
            ignore(Ignored::FarColumn { row, col });
            continue;
        }
        // Over-long text is kept (so the cell does not read as empty) and reported.
        if let Value::Text(t) = &value {
            let chars = t.chars().count() as u64;
            if chars > limits.max_cell_chars {
                ignore(Ignored::TooLong { row, col, chars });
            }
        }
        if header_row.is_none() {
            header_row = Some(row);
        }
        if Some(row) == header_row {
            let text = value.as_text();
            headers.push(Header {
                key: text.trim().to_lowercase(),
                text,
                col,
            });
            continue;
        }
        if rows.last().is_none_or(|r| r.index != row) {
            if rows.len() as u64 >= limits.max_rows {
                return Err(format!(
                    "sheet `{name}` has more than {} rows with values (--max-rows)",
                    limits.max_rows
                ));
            }
            rows.push(Row {
                index: row,
                cells: Vec::new(),
            });
        }
        let cells = &mut rows.last_mut().expect("pushed above").cells;
        if cells.len() <= col as usize {
            cells.resize(col as usize + 1, Value::Empty);
        }
        cells[col as usize] = value;
    }
    Ok(Sheet {
        name,
        header_row: header_row.unwrap_or(0),
        headers,
        rows,
        merged: Vec::new(),
        ignored,
        ignored_total,
    })
}

fn convert(data: &Data) -> Value {
    match data {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Value::Date(d),
            None => Value::Number(dt.as_f64()),
        },
        Data::DateTimeIso(s) => parse_iso(s)
            .map(Value::Date)
            .unwrap_or(Value::Text(s.clone())),
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(format!("{e}")),
    }
}

fn parse_iso(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
        })
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

    #[test]
    fn not_a_workbook() {
        let p = Path::new("x.xlsx");
        assert!(load_bytes(p, vec![]).unwrap_err().contains("empty"));
        let e = load_bytes(p, b"hello, world".to_vec()).unwrap_err();
        assert!(e.starts_with("not a readable workbook"), "{e}");
        assert!(!e.contains('\n'));
    }
}

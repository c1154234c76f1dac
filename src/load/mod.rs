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

mod cells;
mod guard;
pub mod inputs;
mod read;
mod trap;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::diag::Place;

pub use cells::{Header, Ignored, Row, Sheet, Value, MAX_IGNORED_LISTED};
pub use trap::panic_is_expected;

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

    /// The cell in column `col` of the first row of `sheet` whose `key_col` reads `key`
    /// (ignoring case): where a message about that row's `col` points.
    pub fn cell_of(&self, sheet: &str, key_col: &str, key: &str, col: &str) -> Option<Place> {
        let s = self.sheet(sheet)?;
        let (kc, c) = (s.column(key_col)?, s.column(col)?);
        let row = s
            .rows
            .iter()
            .find(|r| r.get(kc).as_text().eq_ignore_ascii_case(key))?;
        Some(Place::cell(&s.name, row.index, c))
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

/// Workbooks read by this process so far.
static READ: AtomicUsize = AtomicUsize::new(0);

/// How many workbooks this process has read (parsed, not merely hashed) so far: a run that
/// finds everything up to date reads none.
pub fn workbooks_read() -> usize {
    READ.load(Ordering::Relaxed)
}

/// Reads a workbook from its bytes within `limits`; `path` names it in messages.
pub fn load_bytes_with(path: &Path, bytes: Vec<u8>, limits: &Limits) -> Result<Workbook, String> {
    READ.fetch_add(1, Ordering::Relaxed);
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
    let sheets = trap::trapped(move || read::read_sheets(bytes, limits))
        .ok_or("the file is damaged and could not be read as a workbook")??;
    Ok(Workbook {
        path: path.to_path_buf(),
        sheets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_workbook() {
        let p = Path::new("x.xlsx");
        assert!(load_bytes(p, vec![]).unwrap_err().contains("empty"));
        let e = load_bytes(p, b"hello, world".to_vec()).unwrap_err();
        assert!(e.starts_with("not a readable workbook"), "{e}");
        assert!(!e.contains('\n'));
    }
}

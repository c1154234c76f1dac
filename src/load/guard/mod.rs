//! Stage 1, load: a bounded pre-scan of a workbook file, before the spreadsheet reader sees
//! it.
//!
//! Policy: the reader sizes some allocations from what a file claims before any cell is read
//! (an .xlsx shared-string `uniqueCount`, a shared formula's `si` index, the rows and columns
//! an .ods cell repeats, an .xls sheet's dimensions, the grid a dense format spans), and a
//! claim of billions aborts the process. This scan reads every part of the file with each
//! count and size bounded by [`Limits`] and refuses the file, naming the part, sheet or cell,
//! when a claim or a real size is out of bounds. It allocates in proportion to what it has
//! read, never to what the file claims, and its arithmetic saturates, so debug and release
//! builds take the same path. A file it cannot make sense of is left to the reader, which
//! reports it as damaged.

mod ods;
mod xls;
mod xlsx;

use std::io::BufReader;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::Limits;

/// Excel's last column (XFD) and row.
pub(super) const EXCEL_COLUMNS: u64 = 16_384;
pub(super) const EXCEL_ROWS: u64 = 1_048_576;
/// Parts a zipped workbook may hold: real ones have a few dozen.
pub(super) const MAX_PARTS: usize = 10_000;

/// Checks `bytes` against `limits`; the reason when the file must not be read.
pub(in crate::load) fn check(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    if bytes.starts_with(b"PK\x03\x04") {
        xlsx::check_zip(bytes, limits)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        xls::check_xls(bytes, limits)
    } else {
        Ok(())
    }
}

/// `n` in human units: `128 MB`, `500,000`.
pub(super) fn megabytes(n: u64) -> String {
    format!("{} MB", n / 1_000_000)
}

/// At most 40 characters of a claimed value, for a message.
pub(super) fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(40).collect::<String>())
    }
}

/// The value of the attribute whose local name is `key`.
pub(super) fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| a.value.into_owned())
}

/// Calls `f` on every start (or empty) element of `xml`. Malformed XML ends the scan
/// quietly: the reader reports it.
pub(super) fn each_start(
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

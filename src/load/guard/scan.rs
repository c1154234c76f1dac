//! Load: what the pre-scans of every format share: Excel's grid, XML attributes and
//! elements, sheet names by part, numbers in messages.

use std::collections::HashMap;
use std::io::BufReader;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Excel's last column (XFD) and row.
pub(super) const EXCEL_COLUMNS: u64 = 16_384;
pub(super) const EXCEL_ROWS: u64 = 1_048_576;
/// Parts a zipped workbook may hold: real ones have a few dozen.
pub(super) const MAX_PARTS: usize = 10_000;

/// A part's name as the reader looks it up: in any case, with either slash
/// (`XL\SharedStrings.xml` is `xl/sharedstrings.xml`).
pub(super) fn part_key(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
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

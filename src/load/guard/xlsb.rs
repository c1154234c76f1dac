//! Stage 1, load: the pre-scan of an Excel binary (.xlsb) workbook's records: lengths within
//! their part, rows within Excel's grid, sheet names for messages.

use std::collections::HashMap;

use super::scan::{part_key, sheet_parts, EXCEL_ROWS};

/// The record parts the reader reads: the workbook, its shared strings and styles, and the
/// worksheets (not their `binaryIndex` parts, nor a macro project, which is no record part).
/// Names compared as the reader looks them up, in any case and with either slash.
pub(super) fn is_xlsb_record_part(name: &str) -> bool {
    matches!(
        part_key(name).as_str(),
        "xl/workbook.bin" | "xl/sharedstrings.bin" | "xl/styles.bin"
    ) || is_xlsb_worksheet(name)
}

pub(super) fn is_xlsb_worksheet(name: &str) -> bool {
    let name = part_key(name);
    name.starts_with("xl/worksheets/")
        && name.ends_with(".bin")
        && !name.contains("/_rels/")
        && !name.contains("binaryindex")
}

/// The records of an .xlsb part, in order: type and data. `Err` holds the length a record
/// claims when it runs past the end of the part; a header cut short ends the records.
pub(super) fn xlsb_records(bin: &[u8]) -> impl Iterator<Item = Result<(u16, &[u8]), u64>> {
    let mut pos = 0usize;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut byte = || {
            let b = bin.get(pos).copied();
            pos += 1;
            b
        };
        // A type of one or two bytes, a length of one to four, seven bits a byte.
        let header = (|| {
            let b = byte()?;
            let mut typ = u16::from(b & 0x7F);
            if b & 0x80 != 0 {
                typ |= u16::from(byte()? & 0x7F) << 7;
            }
            let mut len = 0u64;
            for i in 0..4 {
                let b = byte()?;
                len |= u64::from(b & 0x7F) << (7 * i);
                if b & 0x80 == 0 {
                    break;
                }
            }
            Some((typ, len))
        })();
        let Some((typ, len)) = header else {
            done = true;
            return None;
        };
        let rest = bin.len().saturating_sub(pos) as u64;
        if len > rest {
            done = true;
            return Some(Err(len));
        }
        let data = &bin[pos..pos + len as usize];
        pos += len as usize;
        Some(Ok((typ, data)))
    })
}

/// Sheet names by worksheet part, from the workbook's BrtBundleSh records (a relationship
/// id and a name, each a length-prefixed UTF-16 string after two 32-bit fields).
pub(super) fn xlsb_sheet_names(
    open: &mut impl FnMut(&str) -> Option<Vec<u8>>,
) -> HashMap<String, String> {
    let mut by_id = HashMap::new();
    if let Some(bin) = open("xl/workbook.bin") {
        for (typ, data) in xlsb_records(&bin).map_while(Result::ok) {
            if typ != 0x009C {
                continue;
            }
            let id = wide_string(data.get(8..).unwrap_or_default());
            let name = id
                .as_ref()
                .and_then(|(_, used)| wide_string(data.get(8 + used..)?));
            if let (Some((id, _)), Some((name, _))) = (id, name) {
                by_id.insert(id, name);
            }
        }
    }
    sheet_parts(open, "xl/_rels/workbook.bin.rels", &by_id)
}

/// A 32-bit character count, then UTF-16: the string and the bytes it took.
fn wide_string(data: &[u8]) -> Option<(String, usize)> {
    let n = u32::from_le_bytes(data.get(..4)?.try_into().ok()?) as usize;
    let bytes = data.get(4..4 + n.checked_mul(2)?)?;
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect();
    Some((String::from_utf16_lossy(&units), 4 + 2 * n))
}

/// One record part: every record within the part (the reader allocates what a record's
/// length claims before it reads it), and in a worksheet every row within Excel's grid
/// (the reader takes a row past it for the end of the sheet, and silently drops the rest).
pub(super) fn check_xlsb_part(bin: &[u8], label: &str, worksheet: bool) -> Result<(), String> {
    for record in xlsb_records(bin) {
        let (typ, data) = record.map_err(|len| {
            format!(
                "{label}: a record claims {len} bytes, past the end of its part; the file is damaged (open and save it in Excel)"
            )
        })?;
        // BrtRowHdr: the row's zero-based index first.
        if worksheet && typ == 0x0000 && data.len() >= 4 {
            let row = u64::from(u32::from_le_bytes([data[0], data[1], data[2], data[3]]));
            if row >= EXCEL_ROWS {
                return Err(format!(
                    "{label}: row {} lies beyond Excel's last row {EXCEL_ROWS}; the file is damaged (open and save it in Excel)",
                    row + 1
                ));
            }
        }
    }
    Ok(())
}

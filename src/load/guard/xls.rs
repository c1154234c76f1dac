//! Load: the pre-scan of a legacy Excel (.xls) workbook: its compound file, and the
//! BIFF records of its workbook stream (the grid each sheet spans or claims, the shared
//! strings, password protection).

use std::io::{Cursor, Read};

use crate::load::Limits;

/// An .xls workbook: the grid each sheet's cells span, the dimensions each sheet claims and
/// the shared strings, from the BIFF records of its `Workbook` stream.
pub(super) fn check_xls(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let stream = workbook_stream(bytes, limits)?;
    let mut scan = Scan {
        limits,
        substream: 0,
        names: Vec::new(),
        extent: None,
    };
    let mut pos = 0usize;
    while pos + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[pos], stream[pos + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[pos + 2], stream[pos + 3]]));
        let data = &stream[pos + 4..(pos + 4 + len).min(stream.len())];
        pos += 4 + len;
        scan.record(typ, data)?;
    }
    Ok(())
}

/// The `Workbook` (or `Book`) stream of an .xls file, within the unpacked budget.
fn workbook_stream(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, String> {
    // The reader follows the compound file's sector chains unchecked: a chain that loops
    // grows a buffer until the process aborts, one that leaves the file panics. A file this
    // stricter parser cannot open is refused here.
    let damaged = |e: std::io::Error| {
        format!(
            "not a readable workbook: the file's compound-file structure is damaged ({})",
            e.to_string().lines().next().unwrap_or_default()
        )
    };
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(damaged)?;
    // Office's encryption wraps the real workbook in a compound file.
    if file.exists("/EncryptedPackage") {
        return Err(
            "the workbook is protected with a password; save a copy without a password (File > Info > Protect Workbook) and build that"
                .into(),
        );
    }
    let mut stream = Vec::new();
    let opened = file
        .open_stream("/Workbook")
        .or_else(|_| file.open_stream("/Book"));
    // The reader finds its stream by name among all directory entries; this parser, through
    // the directory's tree. A workbook stream only the reader finds is refused, unchecked.
    let Ok(s) = opened else {
        return Err(
            "not a readable workbook: the compound file holds no workbook stream (it is damaged, or not an Excel file)"
                .into(),
        );
    };
    s.take(limits.max_unpacked_bytes)
        .read_to_end(&mut stream)
        .map_err(damaged)?;
    Ok(stream)
}

/// The scan of a workbook stream's records, in order.
struct Scan<'a> {
    limits: &'a Limits,
    /// Substreams seen: the workbook's globals first, then one per sheet, in BoundSheet order.
    substream: usize,
    /// The sheets' names, from the globals.
    names: Vec<String>,
    /// The first and last row and column of the current sheet's cells.
    extent: Option<(u64, u64, u64, u64)>,
}

impl Scan<'_> {
    /// The current sheet, for a message.
    fn sheet(&self) -> String {
        match self.names.get(self.substream.wrapping_sub(2)) {
            Some(name) => format!("sheet `{name}`"),
            None => format!("sheet {}", self.substream.saturating_sub(1)),
        }
    }

    fn grid_error(&self, rows: u64, cols: u64) -> String {
        format!(
            "{}: its cells span {rows} rows × {cols} columns, more than the limit of {} cells (--max-cells); delete the far values",
            self.sheet(),
            self.limits.max_cells
        )
    }

    /// Checks one record of type `typ`.
    fn record(&mut self, typ: u16, data: &[u8]) -> Result<(), String> {
        let u16_at = |i: usize| {
            data.get(i..i + 2)
                .map_or(0, |b| u64::from(u16::from_le_bytes([b[0], b[1]])))
        };
        let u32_at = |i: usize| {
            data.get(i..i + 4).map_or(0, |b| {
                u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            })
        };
        match typ {
            // BOF: a new substream.
            0x0809 => {
                self.substream += 1;
                self.extent = None;
            }
            // BoundSheet8: a sheet's name.
            0x0085 if data.len() >= 8 => self.names.push(boundsheet_name(data)),
            // Dimensions: the reader reserves room for the grid they claim.
            0x0200 => match xls_dimensions(data) {
                Some((rows, cols)) if rows.saturating_mul(cols) > self.limits.max_cells => {
                    return Err(self.grid_error(rows, cols));
                }
                Some(_) => {}
                None => {
                    return Err(format!(
                        "{}: its dimensions end before they start; the file is damaged (open and save it in Excel or LibreOffice)",
                        self.sheet()
                    ));
                }
            },
            // SST: total and unique string counts.
            0x00FC if u32_at(4) > self.limits.max_shared_strings => {
                return Err(format!(
                    "the shared-string table claims {} strings, more than the limit of {} (--max-shared-strings)",
                    u32_at(4),
                    self.limits.max_shared_strings
                ));
            }
            // Cells: row, column (MulRk and MulBlank: row, first and last column).
            0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00D6 | 0x0201 | 0x00BD
            | 0x00BE
                if data.len() >= 4 =>
            {
                let row = u16_at(0);
                let (c0, c1) = if matches!(typ, 0x00BD | 0x00BE) && data.len() >= 6 {
                    (u16_at(2), u16_at(data.len() - 2))
                } else {
                    (u16_at(2), u16_at(2))
                };
                let e = self.extent.get_or_insert((row, row, c0, c1));
                *e = (e.0.min(row), e.1.max(row), e.2.min(c0), e.3.max(c1));
                let rows = e.1 - e.0 + 1;
                let cols = e.3.saturating_sub(e.2) + 1;
                if rows.saturating_mul(cols) > self.limits.max_cells {
                    return Err(self.grid_error(rows, cols));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// A BoundSheet8 record's sheet name: an 8-bit or UTF-16 string after 6 bytes.
fn boundsheet_name(data: &[u8]) -> String {
    let cch = usize::from(data[6]);
    let wide = data[7] & 1 == 1;
    let raw = &data[8..];
    if wide {
        let units: Vec<u16> = raw
            .chunks_exact(2)
            .take(cch)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        raw.iter().take(cch).map(|&b| char::from(b)).collect()
    }
}

/// The rows and columns an .xls Dimensions record claims, read as the reader reads it
/// (BIFF5 16-bit or BIFF8 32-bit rows; a first column past 255 or after the last taken as
/// 0); `None` when its grid ends before it starts, which the reader subtracts unchecked.
/// A record of another length the reader refuses: `Some((0, 0))`.
fn xls_dimensions(r: &[u8]) -> Option<(u64, u64)> {
    let u16_at = |i: usize| u64::from(u16::from_le_bytes([r[i], r[i + 1]]));
    let u32_at = |i: usize| u64::from(u32::from_le_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]));
    let (first_row, rows_end, mut first_col, cols_end) = match r.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return Some((0, 0)),
    };
    if first_col > 0xFF || cols_end < first_col {
        first_col = 0;
    }
    if rows_end == 0 || cols_end == 0 {
        return Some((1, 1));
    }
    // The last row and column are one before the ends.
    let rows = rows_end.checked_sub(first_row).filter(|&n| n > 0)?;
    let cols = cols_end.checked_sub(first_col).filter(|&n| n > 0)?;
    Some((rows, cols))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xls_dimensions_as_the_reader_reads_them() {
        let biff8 = |r0: u32, r1: u32, c0: u16, c1: u16| {
            [
                &r0.to_le_bytes()[..],
                &r1.to_le_bytes(),
                &c0.to_le_bytes(),
                &c1.to_le_bytes(),
                &[0, 0],
            ]
            .concat()
        };
        let biff5 = |r0: u16, r1: u16, c0: u16, c1: u16| {
            [
                r0.to_le_bytes(),
                r1.to_le_bytes(),
                c0.to_le_bytes(),
                c1.to_le_bytes(),
                [0, 0],
            ]
            .concat()
        };
        assert_eq!(xls_dimensions(&biff8(0, 5, 0, 3)), Some((5, 3)));
        assert_eq!(
            xls_dimensions(&biff8(0, 0xFFFF_FFF0, 0, 0xFF)),
            Some((0xFFFF_FFF0, 0xFF))
        );
        // BIFF5's 16-bit fields claim a grid too.
        assert_eq!(
            xls_dimensions(&biff5(0, 0xFFFF, 0, 0xFFFF)),
            Some((0xFFFF, 0xFFFF))
        );
        // A first column past 255, or after the last, reads as 0.
        assert_eq!(xls_dimensions(&biff8(0, 2, 300, 4)), Some((2, 4)));
        assert_eq!(xls_dimensions(&biff8(0, 2, 9, 4)), Some((2, 4)));
        // Empty: no grid.
        assert_eq!(xls_dimensions(&biff8(7, 0, 0, 0)), Some((1, 1)));
        // Ends before the start: the reader subtracts unchecked.
        assert_eq!(xls_dimensions(&biff8(9, 5, 0, 3)), None);
        assert_eq!(xls_dimensions(&biff8(5, 5, 0, 3)), None);
        assert_eq!(xls_dimensions(&biff8(0, 5, 3, 3)), None);
        // Another length: the reader refuses the record.
        assert_eq!(xls_dimensions(&[1, 2, 3]), Some((0, 0)));
    }
}

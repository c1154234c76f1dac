//! Stage 1, load: a bounded pre-scan of a workbook file, before the spreadsheet reader sees
//! it.
//!
//! Policy: the reader sizes some allocations from what a file claims before any cell is read
//! (an .xlsx shared-string `uniqueCount`, a shared formula's `si` index, an .xlsb record's
//! length, the rows and columns an .ods cell repeats, an .xls sheet's dimensions, the grid a
//! dense format spans), and a claim of billions aborts the process. It also trusts claims a
//! cheap check refutes: a range that ends before it starts (a debug build of the reader
//! panics on it and reads the file as damaged, a release build reads a huge range), and an
//! .xlsb row past Excel's last (taken for the end of the sheet, the rows after it dropped
//! without a word). This scan reads every part of the file with each
//! count and size bounded by [`Limits`] and refuses the file, naming the part, sheet or cell,
//! when a claim or a real size is out of bounds. It allocates in proportion to what it has
//! read, never to what the file claims, and its arithmetic saturates, so debug and release
//! builds take the same path. A file it cannot make sense of is left to the reader, which
//! reports it as damaged.

mod ods;
mod scan;
mod xls;
mod xlsb;
mod xlsx;
mod zip;

use super::Limits;

/// Checks `bytes` against `limits`; the reason when the file must not be read.
///
/// The reader tries each format on the whole file in turn: a compound file (.xls), then a
/// zip archive, which a zip reader finds from the end of the file, wherever it starts. So
/// the zip scan runs on every file, not only on one that starts with a zip header: a byte
/// before the archive would otherwise hide every claim in it from this scan, never from
/// the reader. It finds no archive in a file that is none, and passes it on.
pub(in crate::load) fn check(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        xls::check_xls(bytes, limits)?;
    }
    zip::check_zip(bytes, limits)
}

#[cfg(test)]
mod tests {
    use super::xlsb::{
        check_xlsb_part, is_xlsb_record_part, is_xlsb_worksheet, xlsb_records, xlsb_sheet_names,
    };
    use super::xlsx::{reversed_range, valid_ref};
    use crate::load::Limits;

    /// A zip of `parts`, stored.
    fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut w = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Stored);
        for (name, text) in parts {
            w.start_file(*name, stored).unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// Found by fuzzing: one byte before the archive hid the file from the scan (it went
    /// by the first bytes), while the reader found the archive and reserved room for the
    /// trillion strings claimed; the process aborted.
    #[test]
    fn a_zip_is_scanned_wherever_it_starts() {
        let sst = r#"<sst uniqueCount="999999999999"><si><t>a</t></si></sst>"#;
        let book = zip_of(&[
            ("xl/workbook.xml", "<workbook/>"),
            ("xl/sharedStrings.xml", sst),
        ]);
        let limits = Limits::default();
        for prefix in [&b""[..], b"\0", b"MZ, or anything before the archive"] {
            let bytes = [prefix, &book[..]].concat();
            let e = super::check(&bytes, &limits).unwrap_err();
            assert!(e.contains("claims 999999999999 strings"), "{e}");
        }
        // No archive and no compound file: nothing to scan; the reader reports it.
        assert!(super::check(b"hello, world", &limits).is_ok());
    }

    /// Found by fuzzing: the reader reads the shared strings before it looks for the
    /// workbook part, and finds parts by name in any case; the scan checked them only beside
    /// a part named exactly `xl/workbook.xml`.
    #[test]
    fn shared_strings_are_checked_as_the_reader_finds_them() {
        let sst = r#"<sst uniqueCount="999999999999"><si><t>a</t></si></sst>"#;
        let limits = Limits::default();
        for parts in [
            [
                ("xl/wozkbook.xml", "<workbook/>"),
                ("xl/sharedStrings.xml", sst),
            ],
            [
                ("XL/Workbook.xml", "<workbook/>"),
                ("XL\\SHAREDSTRINGS.XML", sst),
            ],
            [("xl/workbook.bin", ""), ("xl/sharedStrings.xml", sst)],
        ] {
            let e = super::check(&zip_of(&parts), &limits).unwrap_err();
            assert!(e.contains("claims 999999999999 strings"), "{parts:?}: {e}");
        }
        assert!(is_xlsb_record_part("XL/SharedStrings.bin"));
        assert!(is_xlsb_worksheet("xl\\Worksheets\\Sheet1.bin"));
        assert!(!is_xlsb_record_part("xl/worksheets/BinaryIndex1.bin"));
    }

    #[test]
    fn refs() {
        for ok in ["A1", "XFD1048576", "$B$2", "7", "C", "aa10"] {
            assert!(valid_ref(ok), "{ok}");
        }
        for bad in [
            "AAAAAAAAAAAAAAAA2",
            "XFE1",
            "A1048577",
            "A99999999999",
            "ZZZZZZ1",
            "A-1",
        ] {
            assert!(!valid_ref(bad), "{bad}");
        }
    }

    /// An .xlsb record: its type and length as seven-bit groups, then its data.
    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = if typ < 0x80 {
            vec![typ as u8]
        } else {
            vec![(typ & 0x7F) as u8 | 0x80, (typ >> 7) as u8]
        };
        let mut len = data.len();
        loop {
            let b = (len & 0x7F) as u8;
            len >>= 7;
            out.push(if len > 0 { b | 0x80 } else { b });
            if len == 0 {
                break;
            }
        }
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn xlsb_records_are_bounded() {
        let row = |r: u32| record(0x0000, &[&r.to_le_bytes()[..], &[0; 8]].concat());
        let sheet = [
            record(0x0081, &[]),
            row(0),
            row(1_048_575),
            record(0x0091, &[1, 2]),
        ]
        .concat();
        assert_eq!(xlsb_records(&sheet).count(), 4);
        assert!(check_xlsb_part(&sheet, "sheet `S`", true).is_ok());
        // A row past Excel's last: the reader would end the sheet there.
        let far = [row(0), row(u32::MAX), row(2)].concat();
        let e = check_xlsb_part(&far, "sheet `S`", true).unwrap_err();
        assert!(
            e.contains("sheet `S`: row 4294967296 lies beyond Excel's last row"),
            "{e}"
        );
        // Only worksheets have rows.
        assert!(check_xlsb_part(&far, "part xl/styles.bin", false).is_ok());
        // A record claiming more than its part holds (the reader allocates it first).
        let mut long = record(0x0002, &[0; 4]);
        long.truncate(1);
        long.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0x7F, 1, 2]);
        let e = check_xlsb_part(&long, "part xl/sharedStrings.bin", false).unwrap_err();
        assert!(
            e.contains("a record claims 268435455 bytes, past the end of its part"),
            "{e}"
        );
        // A header cut short ends the records: the reader reports the damage.
        assert!(check_xlsb_part(&[0x81], "sheet `S`", true).is_ok());
    }

    #[test]
    fn xlsb_sheet_names_from_the_workbook() {
        let wide = |s: &str| {
            let units: Vec<u16> = s.encode_utf16().collect();
            let mut out = (units.len() as u32).to_le_bytes().to_vec();
            out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
            out
        };
        let sheet = [&[0u8; 8][..], &wide("rId2"), &wide("Summary")].concat();
        let book = [record(0x0083, &[]), record(0x009C, &sheet)].concat();
        let rels = br#"<Relationships><Relationship Id="rId2" Target="worksheets/sheet2.bin"/></Relationships>"#;
        let names = xlsb_sheet_names(&mut |n: &str| match n {
            "xl/workbook.bin" => Some(book.clone()),
            "xl/_rels/workbook.bin.rels" => Some(rels.to_vec()),
            _ => None,
        });
        assert_eq!(names.get("xl/worksheets/sheet2.bin").unwrap(), "Summary");
        assert!(is_xlsb_worksheet("xl/worksheets/sheet2.bin"));
        assert!(!is_xlsb_record_part("xl/worksheets/binaryIndex2.bin"));
        assert!(!is_xlsb_record_part("xl/vbaProject.bin"));
    }

    #[test]
    fn reversed_ranges() {
        for ok in [
            "A1:C5",
            "A1",
            "B2:B2",
            "A:C",
            "1:3",
            "$A$1:$C$5",
            "A1:C",
            "XFD1:XFD1048576",
        ] {
            assert!(!reversed_range(ok), "{ok}");
        }
        for bad in [
            "C5:A1",
            "A5:C1",
            "C1:A5",
            "$B$2:$A$1",
            "C:A",
            "3:1",
            "A2:A1",
        ] {
            assert!(reversed_range(bad), "{bad}");
        }
    }
}

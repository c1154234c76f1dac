//! One part of a real workbook replaced by arbitrary bytes, zipped back uncompressed with a
//! correct checksum: the XML readers behind the zip container, which mutations of whole
//! files seldom reach (a changed byte of a zipped part breaks its deflate stream or its CRC).
//!
//! The first byte of the input picks the part (see `PARTS`); the rest is its new content.
//! Then load → validate → score under every ruleset, as `workbook_bytes` does.

#![no_main]

use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;

#[path = "common.rs"]
mod common;

/// The parts that can be replaced: the workbook (seed file) and the part's name.
const PARTS: &[(usize, &str)] = &[
    (0, "xl/worksheets/sheet1.xml"),
    (0, "xl/worksheets/sheet4.xml"),
    (0, "xl/sharedStrings.xml"),
    (0, "xl/workbook.xml"),
    (0, "xl/styles.xml"),
    (1, "content.xml"),
    (2, "xl/worksheets/sheet4.bin"),
    (2, "xl/sharedStrings.bin"),
    (2, "xl/workbook.bin"),
];

type Parts = Vec<(String, Vec<u8>)>;

fn books() -> &'static [Parts; 3] {
    static B: OnceLock<[Parts; 3]> = OnceLock::new();
    B.get_or_init(|| {
        let unzip = |bytes: &[u8]| -> Parts {
            let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("seed workbook");
            (0..z.len())
                .map(|i| {
                    let mut f = z.by_index(i).expect("part");
                    let mut out = Vec::new();
                    f.read_to_end(&mut out).expect("part");
                    (f.name().map(|n| n.into_owned()).unwrap_or_default(), out)
                })
                .collect()
        };
        [
            unzip(include_bytes!("../seeds/workbook_bytes/coreweave.xlsx")),
            unzip(include_bytes!("../seeds/workbook_bytes/coreweave.ods")),
            unzip(include_bytes!("../seeds/workbook_bytes/coreweave.xlsb")),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    common::install("workbook_parts");
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let (book, replaced) = PARTS[usize::from(pick) % PARTS.len()];
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in &books()[book] {
        out.start_file(name.as_str(), stored).expect("zip");
        let bytes = if name == replaced { content } else { bytes };
        out.write_all(bytes).expect("zip");
    }
    let bytes = out.finish().expect("zip").into_inner();
    common::set_input(&bytes);
    common::stages(["fuzz.xlsx", "fuzz.ods", "fuzz.xlsb"][book], bytes);
});

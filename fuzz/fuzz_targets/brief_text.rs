//! Arbitrary text in the CoreWeave assessment's printed fields, typeset into a brief.
//!
//! The input is split at 0xFF bytes (never part of UTF-8) into up to eight pieces, each read
//! as UTF-8 lossily, which replace: the vendor name, the first Summary paragraph, the
//! first layer's headline and narrative, the first component's name and text, the first
//! column's heading and the first layer's note. The workbook is written as an .xlsx with
//! cells typed as Excel types them, then loaded and validated; an invalid workbook, or one
//! with a character no embedded font has (the command line refuses those before
//! typesetting), ends the execution. Otherwise the brief must typeset: a panic or an `Err`
//! from `render` is a finding.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use layerbrief::load::{load_bytes_with, Limits, Value};
use layerbrief::render::{render, Engine, Fonts, RenderOptions, Templates};
use fixture_writer::{sheets_from_csv_dir, workbook_bytes, TextSheet};
use layerbrief::model::ruleset;
use layerbrief::{score::score, validate::validate};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    engine: Engine,
    fonts: Fonts,
    sheets: Vec<TextSheet>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/coreweave");
        let sheets = sheets_from_csv_dir(&dir).expect("the CoreWeave fixture");
        Fixture {
            engine: Engine::new(Templates::embedded()),
            fonts: Fonts::embedded(),
            sheets,
        }
    })
}

/// The fields fuzzed: sheet, row (1 = the first below the header), column name.
const FIELDS: &[(&str, usize, &str)] = &[
    ("Assessment", 0, "vendor"),
    ("Summary", 1, "paragraph"),
    ("Layers", 1, "headline"),
    ("Layers", 1, "narrative"),
    ("Components", 1, "component_name"),
    ("Components", 1, "text"),
    ("Columns", 1, "heading"),
    ("Layers", 1, "note_text"),
];

fn set(sheets: &mut [TextSheet], (sheet, row, col): (&str, usize, &str), text: String) {
    let s = sheets.iter_mut().find(|s| s.name == sheet).expect("sheet");
    if sheet == "Assessment" {
        // A field/value sheet: the row whose field is `col`.
        let r = s.rows.iter_mut().find(|r| r[0] == col).expect("field");
        r[1] = text;
        return;
    }
    let c = s.rows[0].iter().position(|h| h == col).expect("column");
    s.rows[row][c] = text;
}

fuzz_target!(|data: &[u8]| {
    let fx = fixture();
    let mut sheets = fx.sheets.clone();
    for (field, piece) in FIELDS.iter().zip(data.split(|&b| b == 0xFF)) {
        set(
            &mut sheets,
            *field,
            String::from_utf8_lossy(piece).into_owned(),
        );
    }
    // rust_xlsxwriter refuses some texts (longer than Excel's 32,767 characters): not ours.
    let Ok(bytes) = workbook_bytes(&sheets) else {
        return;
    };
    let wb = load_bytes_with(Path::new("fuzz.xlsx"), bytes, &Limits::default())
        .expect("a workbook written by rust_xlsxwriter must load");
    let Ok(v) = validate(&wb) else {
        return;
    };
    let printable = wb.sheets.iter().all(|s| {
        s.rows.iter().all(|r| {
            r.cells.iter().all(|c| match c {
                Value::Text(t) => t.chars().all(|ch| fx.fonts.covers(ch)),
                _ => true,
            })
        })
    });
    if !printable {
        return;
    }
    let rs = ruleset::find(&v.assessment.meta.methodology_version).expect("validated ruleset");
    let scored = score(&v.assessment, rs);
    match render(&fx.engine, &scored, &RenderOptions::default()) {
        Ok(brief) => assert!(brief.pdf.starts_with(b"%PDF-") && brief.pages > 0),
        Err(e) => panic!("a valid, printable workbook did not typeset:\n{e}"),
    }
});

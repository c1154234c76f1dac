//! Builds a workbook from one CSV per sheet, typed as a spreadsheet types entries.
//!
//! `cargo run --example csv2xlsx -- tests/fixtures/coreweave inputs/coreweave.xlsx`
//! made `inputs/coreweave.xlsx`; the test `coreweave_workbook_matches_csvs` keeps them in step.

use std::path::Path;

use fixture_writer::{sheets_from_csv_dir, workbook_bytes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, out] = args.as_slice() else {
        return Err("usage: csv2xlsx CSV_DIR OUT.xlsx".into());
    };
    let sheets = sheets_from_csv_dir(Path::new(dir))?;
    std::fs::write(out, workbook_bytes(&sheets)?)?;
    eprintln!("wrote {out} ({} sheets)", sheets.len());
    Ok(())
}

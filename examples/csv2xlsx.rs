//! Builds a workbook from one CSV per sheet, typed as a spreadsheet types entries.
//!
//! `cargo run --example csv2xlsx -- tests/fixtures/coreweave inputs/coreweave.xlsx`
//! made `inputs/coreweave.xlsx`; the test `coreweave_workbook_matches_csvs` keeps them in step.

use std::path::Path;

use layerbrief::xlsx::{workbook_bytes, TextSheet};

const ORDER: &[&str] = &[
    "Assessment",
    "Summary",
    "Columns",
    "Components",
    "Layers",
    "Overrides",
    "History",
    "Distribution",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, out] = args.as_slice() else {
        return Err("usage: csv2xlsx CSV_DIR OUT.xlsx".into());
    };
    let mut sheets = Vec::new();
    for name in ORDER {
        let path = Path::new(dir).join(format!("{name}.csv"));
        if !path.exists() {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&path)?;
        let rows = reader
            .records()
            .map(|r| r.map(|rec| rec.iter().map(str::to_string).collect()))
            .collect::<Result<Vec<Vec<String>>, _>>()?;
        sheets.push(TextSheet {
            name: name.to_string(),
            rows,
        });
    }
    std::fs::write(out, workbook_bytes(&sheets)?)?;
    eprintln!("wrote {out} ({} sheets)", sheets.len());
    Ok(())
}

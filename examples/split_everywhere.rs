//! Writes the CoreWeave fixture with a split at every layer (the tests' vendor of that name),
//! for the README's pictures: `cargo run --release --example split_everywhere -- OUT.xlsx
//! [--pending]` (`--pending` marks it a draft).

use std::path::Path;

use fixture_writer::{sheets_from_csv_dir, split_everywhere, workbook_bytes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let pending = args.iter().any(|a| a == "--pending");
    args.retain(|a| a != "--pending");
    let [out] = args.as_slice() else {
        return Err("usage: split_everywhere OUT.xlsx [--pending]".into());
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/coreweave");
    let mut sheets = split_everywhere(&sheets_from_csv_dir(&fixtures)?);
    if pending {
        if let Some(a) = sheets.iter_mut().find(|s| s.name == "Assessment") {
            for row in a.rows.iter_mut().filter(|r| r[0] == "assessment_status") {
                row[1] = "pending".into();
            }
        }
    }
    std::fs::write(out, workbook_bytes(&sheets)?)?;
    eprintln!("wrote {out}");
    Ok(())
}

//! Writes N distinct assessment workbooks for benchmarks: copies of the CoreWeave assessment,
//! each with its own id and the words of every narrative, summary and cell text shuffled
//! (seeded, so runs are repeatable), so that Typst's caches cannot flatter the figures.
//!
//! `cargo run --release --example make_batch -- N OUT_DIR [SEED] [--same-prose | --edit-one]` (another
//! seed gives the same ids with other word orders: an edit of every workbook).
//! `--same-prose` keeps every text as it is and gives each copy its own id and vendor name
//! only: the batch where a brief's layout is most like the one before. `--edit-one` writes
//! the batch of seed 0 with one paragraph of each workbook (its first text) in the word
//! order of SEED: an analyst's edit of one paragraph.

use std::path::Path;

use fixture_writer::{sheets_from_csv_dir, variant, workbook_bytes, Prose};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let same_prose = args.iter().any(|a| a == "--same-prose");
    let edit_one = args.iter().any(|a| a == "--edit-one");
    args.retain(|a| a != "--same-prose" && a != "--edit-one");
    let (n, out, seed) = match args.as_slice() {
        [n, out] => (n, out, 0u64),
        [n, out, seed] => (n, out, seed.parse()?),
        _ => return Err("usage: make_batch N OUT_DIR [SEED] [--same-prose | --edit-one]".into()),
    };
    let n: usize = n.parse()?;
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/coreweave");
    let base = sheets_from_csv_dir(&fixtures)?;
    std::fs::create_dir_all(out)?;
    let prose = if same_prose {
        Prose::Same
    } else if edit_one {
        Prose::EditOne
    } else {
        Prose::Shuffled
    };
    for i in 0..n {
        let sheets = variant(&base, i, seed, prose);
        std::fs::write(
            Path::new(out).join(format!("cw-{i:03}.xlsx")),
            workbook_bytes(&sheets)?,
        )?;
    }
    eprintln!("wrote {n} workbooks to {out}");
    Ok(())
}

//! Writes N distinct assessment workbooks for benchmarks: copies of the CoreWeave assessment,
//! each with its own id and the words of every narrative, summary and cell text shuffled
//! (seeded, so runs are repeatable), so that Typst's caches cannot flatter the figures.
//!
//! `cargo run --release --example make_batch -- N OUT_DIR [SEED]` (another seed gives the
//! same ids with other word orders: an edit of every workbook).

use std::path::Path;

use layerbrief::xlsx::{sheets_from_csv_dir, workbook_bytes};

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn shuffle_words(text: &str, rng: &mut Rng) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    for i in (1..words.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        words.swap(i, j);
    }
    words.join(" ")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (n, out, seed) = match args.as_slice() {
        [n, out] => (n, out, 0u64),
        [n, out, seed] => (n, out, seed.parse()?),
        _ => return Err("usage: make_batch N OUT_DIR [SEED]".into()),
    };
    let n: usize = n.parse()?;
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/coreweave");
    let base = sheets_from_csv_dir(&fixtures)?;
    std::fs::create_dir_all(out)?;
    for i in 0..n {
        let mut rng =
            Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1) ^ seed.wrapping_mul(0xA24B_AED4_963E_E407));
        let mut sheets = base.clone();
        for sheet in &mut sheets {
            let header = sheet.rows[0].clone();
            for row in sheet.rows.iter_mut().skip(1) {
                for (c, h) in header.iter().enumerate() {
                    let prose =
                        matches!(h.as_str(), "narrative" | "paragraph" | "text" | "note_text");
                    if prose && sheet.name != "History" && c < row.len() && !row[c].is_empty() {
                        row[c] = shuffle_words(&row[c], &mut rng);
                    }
                }
                if sheet.name == "Assessment" && row[0] == "assessment_id" {
                    row[1] = format!("cw-{i:03}");
                }
            }
        }
        std::fs::write(
            Path::new(out).join(format!("cw-{i:03}.xlsx")),
            workbook_bytes(&sheets)?,
        )?;
    }
    eprintln!("wrote {n} workbooks to {out}");
    Ok(())
}

//! The engine's limit: in-process Typst compile + PDF export of each brief, one after the
//! other in one warm process, with nothing else (no loading, validation, scoring or writing
//! in the timed part). Prints the total and the total divided by the cores.
//!
//! `cargo run --release --example engine_limit -- WORKBOOK...`

use std::time::Instant;

use layerbrief::render::{self, Engine, RenderOptions, Templates};
use layerbrief::score::{score, Scored};
use layerbrief::{load, ruleset, validate};

/// Load → validate → score under the workbook's own ruleset.
fn scored(path: &std::path::Path) -> Result<Scored, String> {
    let wb = load::load(path).map_err(|e| e.to_string())?;
    let v = validate::validate(&wb).map_err(|diags| {
        let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        text.join("\n")
    })?;
    let rs = ruleset::find(&v.assessment.meta.methodology_version)
        .ok_or_else(|| format!("{}: unknown ruleset", path.display()))?;
    Ok(score(&v.assessment, rs))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let scored: Vec<_> = files.iter().map(|f| scored(f)).collect::<Result<_, _>>()?;
    let engine = Engine::new(Templates::embedded());
    let opts = RenderOptions::default();
    let mut total = 0.0;
    for s in &scored {
        let t0 = Instant::now();
        let t = render::typeset(&engine, s, &opts).map_err(|e| e.to_string())?;
        let pdf = render::export(&engine, &t, &opts).map_err(|e| e.to_string())?;
        total += t0.elapsed().as_secs_f64();
        std::hint::black_box(pdf);
        comemo::evict(10);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{total:.4} {:.4} {cores}", total / cores as f64);
    Ok(())
}

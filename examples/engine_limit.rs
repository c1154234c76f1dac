//! The engine's limit: in-process Typst compile + PDF export of each brief, one after the
//! other in one warm process, with nothing else (no loading, validation, scoring or writing
//! in the timed part). Prints the total and the total divided by the cores.
//!
//! `cargo run --release --example engine_limit -- [--templates DIR] [--keep N] [--stages]
//! WORKBOOK...` (`--keep`: Typst's caches keep what the last N briefs used; default 10, as a
//! build)
//! (`--stages` prints each brief's typeset and export seconds, and their totals, on standard
//! error).

use std::time::Instant;

use layerbrief::model::ruleset;
use layerbrief::render::{self, Engine, RenderOptions, Templates};
use layerbrief::score::{score, Scored};
use layerbrief::{load, validate};

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
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let stages = args.iter().any(|a| a == "--stages");
    args.retain(|a| a != "--stages");
    let mut templates = Templates::embedded();
    if let Some(i) = args.iter().position(|a| a == "--templates") {
        let dir = args.get(i + 1).ok_or("--templates needs a folder")?.clone();
        templates = Templates::with_overrides(std::path::Path::new(&dir))?;
        args.drain(i..i + 2);
    }
    let mut keep = 10;
    if let Some(i) = args.iter().position(|a| a == "--keep") {
        keep = args.get(i + 1).ok_or("--keep needs a number")?.parse()?;
        args.drain(i..i + 2);
    }
    let files: Vec<std::path::PathBuf> = args.into_iter().map(Into::into).collect();
    let scored: Vec<_> = files.iter().map(|f| scored(f)).collect::<Result<_, _>>()?;
    let engine = Engine::new(templates);
    let opts = RenderOptions::default();
    let (mut typeset, mut export) = (0.0, 0.0);
    for (s, f) in scored.iter().zip(&files) {
        let t0 = Instant::now();
        let t = render::typeset(&engine, s, &opts).map_err(|e| e.to_string())?;
        let t1 = Instant::now();
        let pdf = render::export(&engine, &t, &opts).map_err(|e| e.to_string())?;
        let (t, e) = ((t1 - t0).as_secs_f64(), t1.elapsed().as_secs_f64());
        if stages {
            eprintln!("{}: typeset {t:.4} s, export {e:.4} s", f.display());
        }
        typeset += t;
        export += e;
        std::hint::black_box(pdf);
        comemo::evict(keep);
    }
    if stages {
        eprintln!("typeset {typeset:.4} s, export {export:.4} s");
    }
    let total = typeset + export;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{total:.4} {:.4} {cores}", total / cores as f64);
    Ok(())
}

//! Build: stages 4 and 5 for one brief, typeset and written atomically, with its manifest
//! entry and its messages.

use std::path::PathBuf;
use std::time::Instant;

use super::manifest::{self, sha256_hex};
use super::output::write_atomic_stamped;
use super::plan::Ready;
use super::{BriefResult, BriefStatus, BuildConfig, Keep};
use crate::render::{self, Engine};

/// What typesetting and writing one brief gave: its result, its new manifest entry (to record
/// before the messages are printed), and the messages to print together.
pub(super) struct Landed<T> {
    pub(super) result: BriefResult<T>,
    pub(super) entry: Option<(String, manifest::Entry)>,
    pub(super) log: String,
}

impl<T> Landed<T> {
    /// A brief that did not land: `log` so far, then `why`.
    fn failed(source: PathBuf, mut log: String, why: &str) -> Self {
        log.push_str(why);
        log.push('\n');
        Self {
            result: BriefResult::new(source, None, BriefStatus::Failed),
            entry: None,
            log,
        }
    }
}

/// Typesets `r` and writes it atomically; once it has landed, `keep` takes what it keeps of
/// it, and the prepared brief is dropped.
pub(super) fn typeset_one<T>(
    engine: &Engine,
    config: &BuildConfig,
    r: Ready,
    keep: Option<&Keep<T>>,
) -> Landed<T> {
    let t0 = Instant::now();
    let mut log = String::new();
    for w in &r.prepared.warnings {
        log.push_str(&format!("{w}\n"));
    }
    let doc = match render::render(engine, &r.prepared.scored, &config.render) {
        Ok(doc) => doc,
        Err(e) => {
            let why = format!(
                "{e}\n{}: not built (typesetting failed)",
                r.source.display()
            );
            return Landed::failed(r.source, log, &why);
        }
    };
    for w in &doc.warnings {
        log.push_str(&format!("{w}\n  --> {}\n", r.source.display()));
    }
    let written = match write_atomic_stamped(&r.target, &doc.pdf) {
        Ok(stamp) => stamp,
        Err(e) => {
            let why = format!("error: {}: cannot write ({e})", r.target.display());
            return Landed::failed(r.source, log, &why);
        }
    };
    let secs = t0.elapsed().as_secs_f64();
    log.push_str(&format!(
        "built {} ({} pages, {} KiB, {secs:.2} s)\n",
        r.target.display(),
        doc.pages,
        doc.pdf.len().div_ceil(1024)
    ));
    let entry = manifest::Entry {
        key: r.key.clone(),
        output: r.name,
        pdf_sha256: sha256_hex(&doc.pdf),
        written,
    };
    let status = BriefStatus::Built {
        pages: doc.pages,
        bytes: doc.pdf.len(),
        secs,
    };
    let kept = keep.map(|k| (k.each)(&r.prepared, &r.target));
    let mut result = BriefResult::new(r.source, Some(r.target), status);
    result.key = Some(r.key);
    result.kept = kept;
    Landed {
        result,
        entry: Some((r.source_key, entry)),
        log,
    }
}

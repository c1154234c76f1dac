//! Building many briefs: incremental, in parallel, with progress.
//!
//! Policy: workbooks whose manifest entry is fresh are skipped unless forced; the rest are
//! loaded, validated and scored in parallel, checked for two workbooks claiming one output
//! file, then typeset in parallel on rayon's pool, all sharing one [`Engine`] (fonts,
//! library, parsed templates). One failure never stops the others. Each brief's messages
//! are printed together when it finishes, so parallel output never interleaves.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::json;

use crate::commands::{prepare_bytes, Outcome, Prepared};
use crate::manifest::{self, KeyBuilder, Manifest};
use crate::output::{output_name, write_atomic};
use crate::render::{self, Engine, RenderOptions};
use crate::ruleset::Ruleset;

/// The checked configuration of a build.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    pub files: Vec<PathBuf>,
    pub out: PathBuf,
    /// Score under this ruleset instead of each workbook's own.
    pub methodology: Option<&'static Ruleset>,
    pub name_pattern: String,
    pub render: RenderOptions,
    /// Rebuild even when the manifest says a brief is up to date.
    pub force: bool,
    /// Build only slice K of N (1-based) of the inputs.
    pub shard: Option<(u32, u32)>,
    /// Briefs typeset at once (default: the cores).
    pub jobs: usize,
}

/// What happened to one workbook.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Built {
        pages: usize,
        bytes: usize,
        secs: f64,
    },
    Unchanged,
    /// Not a workbook, or validation failed.
    Invalid,
    /// Typesetting or writing failed (template or I/O problem).
    Failed,
}

/// One workbook's result.
#[derive(Debug, Clone)]
pub struct BriefResult {
    pub source: PathBuf,
    /// The PDF, when built or unchanged.
    pub target: Option<PathBuf>,
    pub status: Status,
}

/// The whole build.
#[derive(Debug, Clone)]
pub struct Summary {
    pub results: Vec<BriefResult>,
    pub secs: f64,
    pub outcome: Outcome,
}

impl Summary {
    fn count(&self, f: impl Fn(&Status) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.status)).count()
    }

    /// "3 built, 21 unchanged, 0 failed in 1.2 s".
    pub fn line(&self) -> String {
        format!(
            "{} built, {} unchanged, {} failed in {:.1} s",
            self.count(|s| matches!(s, Status::Built { .. })),
            self.count(|s| *s == Status::Unchanged),
            self.count(|s| matches!(s, Status::Invalid | Status::Failed)),
            self.secs
        )
    }
}

/// Selects slice `k` of `n` (1-based): inputs ordered by file name, then every n-th.
/// Every machine of a job array sees the same inputs, so the slices partition them exactly.
pub fn shard(files: &[PathBuf], k: u32, n: u32) -> Vec<PathBuf> {
    let mut sorted: Vec<&PathBuf> = files.iter().collect();
    sorted.sort_by(|a, b| (a.file_name(), a.as_os_str()).cmp(&(b.file_name(), b.as_os_str())));
    sorted
        .into_iter()
        .enumerate()
        .filter(|(i, _)| (*i as u32) % n == k - 1)
        .map(|(_, p)| p.clone())
        .collect()
}

/// Runs `f` on every item with `workers` threads of our own, results in item order.
///
/// Not rayon: Typst parallelises inside a compile on rayon's pool, and a rayon worker that
/// waits inside one brief steals other briefs, nesting them on its stack: every brief in
/// flight at once, memory growing with the batch. Plain threads wait instead, so at most
/// `workers` briefs are in flight and memory stays flat.
pub fn run_workers<T: Send, R: Send>(
    items: Vec<T>,
    workers: usize,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let n = items.len();
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let done = std::sync::Mutex::new(Vec::with_capacity(n));
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, n.max(1)) {
            s.spawn(|| loop {
                let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                let Some((i, item)) = next else { break };
                let r = f(item);
                done.lock().unwrap_or_else(|e| e.into_inner()).push((i, r));
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Progress on stderr: a bar on a terminal, plain lines when piped.
pub struct Reporter {
    bar: Option<ProgressBar>,
}

impl Reporter {
    pub fn new(total: usize) -> Self {
        let bar = (std::io::stderr().is_terminal() && total > 1).then(|| {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:32.cyan/blue} {pos}/{len} briefs {elapsed} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Self { bar }
    }

    /// Prints a block of lines above the bar.
    pub fn print(&self, text: &str) {
        if text.is_empty() {
            return;
        }
        let text = text.trim_end();
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    fn tick(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The canonical name of a workbook in the manifest.
fn source_key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

struct Pending {
    source: PathBuf,
    /// The workbook's name in the manifest.
    source_key: String,
    bytes: Vec<u8>,
    key: String,
}

struct Ready {
    source: PathBuf,
    source_key: String,
    key: String,
    prepared: Prepared,
    /// The PDF, relative to the output folder.
    name: PathBuf,
    target: PathBuf,
}

/// What typesetting and writing one brief gave: its result, its new manifest entry, and the
/// messages to print together.
type Rendered = (BriefResult, Option<(String, manifest::Entry)>, String);

/// Typesets one brief and writes it atomically.
fn render_one(engine: &Engine, config: &BuildConfig, r: Ready) -> Rendered {
    let t0 = Instant::now();
    let mut log = String::new();
    for w in &r.prepared.warnings {
        log.push_str(&format!("{w}\n"));
    }
    let failed = |source: PathBuf| BriefResult {
        source,
        target: None,
        status: Status::Failed,
    };
    let rendered = render::render(engine, &r.prepared.scored, &config.render);
    comemo::evict(10);
    let doc = match rendered {
        Ok(doc) => doc,
        Err(e) => {
            log.push_str(&format!(
                "{e}\n{}: not built (typesetting failed)\n",
                r.source.display()
            ));
            return (failed(r.source), None, log);
        }
    };
    for w in &doc.warnings {
        log.push_str(&format!("{w}\n  --> {}\n", r.source.display()));
    }
    if let Err(e) = write_atomic(&r.target, &doc.pdf) {
        log.push_str(&format!(
            "error: {}: cannot write ({e})\n",
            r.target.display()
        ));
        return (failed(r.source), None, log);
    }
    let secs = t0.elapsed().as_secs_f64();
    log.push_str(&format!(
        "built {} ({} pages, {} KiB, {secs:.2} s)\n",
        r.target.display(),
        doc.pages,
        doc.pdf.len().div_ceil(1024)
    ));
    let entry = manifest::Entry {
        key: r.key,
        output: r.name,
        pdf_sha256: manifest::sha256_hex(&doc.pdf),
    };
    let status = Status::Built {
        pages: doc.pages,
        bytes: doc.pdf.len(),
        secs,
    };
    let result = BriefResult {
        source: r.source,
        target: Some(r.target),
        status,
    };
    (result, Some((r.source_key, entry)), log)
}

/// Builds every workbook of `config` into `config.out`.
pub fn build(engine: &Engine, config: &BuildConfig, reporter: &Reporter) -> Summary {
    let started = Instant::now();
    let manifest_path = manifest::path(&config.out, config.shard);
    let (mut manifest, warning) = Manifest::load(&manifest_path);
    let loaded = manifest.clone();
    if let Some(w) = warning {
        reporter.print(&format!("warning: {w}"));
    }
    let shaping = KeyBuilder::default()
        .part("version", env!("CARGO_PKG_VERSION").as_bytes())
        .part("rulesets", crate::ruleset::data_fingerprint().as_bytes())
        .part("templates", engine.templates().digest().as_bytes())
        .part("fonts", render::world::fonts_digest().as_bytes())
        .part(
            "methodology",
            config
                .methodology
                .map(|r| r.id.as_str())
                .unwrap_or("")
                .as_bytes(),
        )
        .part("name", config.name_pattern.as_bytes())
        .part("options", format!("{:?}", config.render).as_bytes())
        .finish();

    let mut results: Vec<BriefResult> = Vec::new();
    let mut pending = Vec::new();
    for source in &config.files {
        let bytes = match std::fs::read(source) {
            Ok(b) => b,
            Err(e) => {
                reporter.print(&format!(
                    "error: {}: cannot read the file ({e})",
                    source.display()
                ));
                results.push(BriefResult {
                    source: source.clone(),
                    target: None,
                    status: Status::Invalid,
                });
                continue;
            }
        };
        let key = KeyBuilder::default()
            .part("shaping", shaping.as_bytes())
            .part("workbook", &bytes)
            .finish();
        let source_key = source_key(source);
        if !config.force {
            if let Some(e) = manifest.is_fresh(&source_key, &key, &config.out) {
                let target = config.out.join(&e.output);
                results.push(BriefResult {
                    source: source.clone(),
                    target: Some(target),
                    status: Status::Unchanged,
                });
                continue;
            }
        }
        pending.push(Pending {
            source: source.clone(),
            source_key,
            bytes,
            key,
        });
    }

    // Stage 1–3 in parallel: load, validate, score, and name the output.
    let prepared: Vec<Result<Ready, (PathBuf, Status, String)>> = pending
        .into_par_iter()
        .map(|p| {
            let prepared = match prepare_bytes(&p.source, p.bytes, config.methodology) {
                Ok(x) => x,
                Err(r) => {
                    let mut log = r.render();
                    log.push_str(&format!(
                        "{}: not built; the earlier brief, if any, is left as it was\n",
                        p.source.display()
                    ));
                    return Err((p.source, Status::Invalid, log));
                }
            };
            let m = &prepared.scored.assessment.meta;
            let vars = json!({
                "assessment_id": m.assessment_id,
                "vendor": m.vendor,
                "doc_version": m.doc_version,
                "methodology": prepared.scored.ruleset.id,
                "date": m.date_assessed.format("%Y-%m-%d").to_string(),
            });
            match output_name(&config.name_pattern, &vars) {
                Ok(name) => Ok(Ready {
                    source: p.source,
                    source_key: p.source_key,
                    key: p.key,
                    prepared,
                    target: config.out.join(&name),
                    name,
                }),
                Err(e) => Err((
                    p.source.clone(),
                    Status::Failed,
                    format!("error: {}: {e}\n", p.source.display()),
                )),
            }
        })
        .collect();

    // Two workbooks must not write one file: the first (in input order) keeps it.
    let mut claimed: HashMap<PathBuf, PathBuf> = results
        .iter()
        .filter_map(|r| Some((r.target.clone()?, r.source.clone())))
        .collect();
    let mut ready = Vec::new();
    for item in prepared {
        match item {
            Ok(r) => {
                if let Some(first) = claimed.get(&r.target) {
                    reporter.print(&format!(
                        "error: {}: would write {}, which {} also writes\n  help: give each assessment its own assessment_id",
                        r.source.display(),
                        r.target.display(),
                        first.display()
                    ));
                    results.push(BriefResult {
                        source: r.source,
                        target: None,
                        status: Status::Invalid,
                    });
                } else {
                    claimed.insert(r.target.clone(), r.source.clone());
                    ready.push(r);
                }
            }
            Err((source, status, log)) => {
                reporter.print(&log);
                reporter.tick();
                results.push(BriefResult {
                    source,
                    target: None,
                    status,
                });
            }
        }
    }

    // Stage 4–5 on `jobs` workers: typeset and write.
    let built = run_workers(ready, config.jobs, |r| {
        let (result, entry, log) = render_one(engine, config, r);
        reporter.print(&log);
        reporter.tick();
        (result, entry)
    });
    for (result, entry) in built {
        if let Some((k, e)) = entry {
            manifest.briefs.insert(k, e);
        }
        results.push(result);
    }
    // A workbook that failed has no up-to-date brief: the next build must try it again.
    for r in &results {
        if matches!(r.status, Status::Invalid | Status::Failed) {
            manifest.briefs.remove(&source_key(&r.source));
        }
    }
    reporter.finish();
    let mut outcome = Outcome::Ok;
    for r in &results {
        outcome = outcome.max(match r.status {
            Status::Invalid => Outcome::Invalid,
            Status::Failed => Outcome::Failure,
            _ => Outcome::Ok,
        });
    }
    if manifest != loaded {
        if let Err(e) = manifest.save(&manifest_path) {
            reporter.print(&format!(
                "error: {}: cannot write the manifest ({e})",
                manifest_path.display()
            ));
            outcome = Outcome::Failure;
        }
    }
    // Report in input order.
    let order: HashMap<&PathBuf, usize> = config
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f, i))
        .collect();
    results.sort_by_key(|r| order.get(&r.source).copied().unwrap_or(usize::MAX));
    Summary {
        results,
        secs: started.elapsed().as_secs_f64(),
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_exactly() {
        let files: Vec<PathBuf> = (0..23)
            .map(|i| PathBuf::from(format!("in/w{i:02}.xlsx")))
            .collect();
        let mut all: Vec<PathBuf> = (1..=4).flat_map(|k| shard(&files, k, 4)).collect();
        all.sort();
        assert_eq!(all, files);
        let sizes: Vec<usize> = (1..=4).map(|k| shard(&files, k, 4).len()).collect();
        assert_eq!(sizes, [6, 6, 6, 5]);
        // Order of discovery does not matter.
        let mut reversed = files.clone();
        reversed.reverse();
        assert_eq!(shard(&reversed, 2, 4), shard(&files, 2, 4));
    }
}

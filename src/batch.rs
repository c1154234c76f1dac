//! Batch: many workbooks through stages 1–5, incremental, in parallel, with progress.
//!
//! Policy: a build goes plan → prepare → claim → render → commit. Workbooks whose manifest
//! entry is fresh are skipped unless forced; the rest are loaded, validated and scored in
//! parallel (rayon), checked for two workbooks claiming one output file, then typeset on
//! worker threads of our own, all sharing one [`Engine`] (fonts, library, parsed templates).
//! One failure never stops the others. Each brief's messages are printed together when it
//! finishes, so parallel output never interleaves. The result is one [`BriefResult`] per
//! workbook; what it means for the exit status is the command's business.
//!
//! Interruptions: each brief is recorded in the manifest as soon as its PDF has landed,
//! before its `built` line is printed, so a build that is killed keeps what it finished and
//! the next one skips it. Before typesetting, a build removes the temporary files that a
//! killed build left in the folders it writes to (never those of a build still running);
//! see [`crate::output`]. Builds running at once on one output folder share the manifest
//! safely; see [`crate::manifest`].

use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::json;

use crate::load::{self, Limits};
use crate::manifest::{self, KeyBuilder, Manifest, Store};
use crate::output::{output_name, remove_stale_temps, write_atomic_stamped};
use crate::pipeline::{prepare_bytes, Prepared, Under};
use crate::render::{self, Engine, RenderOptions};
use crate::ruleset::Ruleset;

/// The checked configuration of a build.
#[derive(Debug, Clone)]
pub(crate) struct BuildConfig {
    pub(crate) files: Vec<PathBuf>,
    pub(crate) out: PathBuf,
    /// Score under this ruleset instead of each workbook's own.
    pub(crate) methodology: Option<&'static Ruleset>,
    pub(crate) name_pattern: String,
    pub(crate) render: RenderOptions,
    /// The bounds each workbook must keep.
    pub(crate) limits: Limits,
    /// Rebuild even when the manifest says a brief is up to date.
    pub(crate) force: bool,
    /// Build only slice K of N (1-based) of the inputs.
    pub(crate) shard: Option<(u32, u32)>,
    /// Briefs typeset at once (default: the cores).
    pub(crate) jobs: usize,
    /// Typst's caches keep what the last this many briefs used (see [`KEEP_CACHED`]).
    pub(crate) keep_cached: usize,
}

/// What a build keeps in Typst's caches: the layout used by the last this many briefs.
/// What every brief shares (methodology notes, legends, table heads) is used by each, so it
/// stays; a brief's own paragraphs leave after this many others. Memory then stays flat in
/// the batch's size. A watch keeps more (every brief of its folder, up to a bound), so that
/// an edited brief reuses the layout of its unchanged parts.
pub(crate) const KEEP_CACHED: usize = 10;

/// What happened to one workbook.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BriefStatus {
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
pub(crate) struct BriefResult {
    pub(crate) source: PathBuf,
    /// The PDF, when built or unchanged.
    pub(crate) target: Option<PathBuf>,
    pub(crate) status: BriefStatus,
}

impl BriefResult {
    fn new(source: PathBuf, target: Option<PathBuf>, status: BriefStatus) -> Self {
        Self {
            source,
            target,
            status,
        }
    }
}

/// The whole build: every workbook's result, in input order.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    pub(crate) results: Vec<BriefResult>,
    pub(crate) secs: f64,
    /// The manifest could not be saved (the briefs themselves were written).
    pub(crate) manifest_error: Option<String>,
}

impl Summary {
    fn count(&self, f: impl Fn(&BriefStatus) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.status)).count()
    }

    /// "3 built, 21 unchanged, 0 failed in 1.23 s" (or "in 0.052 s").
    pub(crate) fn line(&self) -> String {
        // Three significant figures: a watch's rebuild of one brief takes tens of ms.
        let digits = if self.secs < 1.0 { 3 } else { 2 };
        format!(
            "{} built, {} unchanged, {} failed in {:.*} s",
            self.count(|s| matches!(s, BriefStatus::Built { .. })),
            self.count(|s| *s == BriefStatus::Unchanged),
            self.count(|s| matches!(s, BriefStatus::Invalid | BriefStatus::Failed)),
            digits,
            self.secs
        )
    }
}

/// Selects slice `k` of `n` (1-based): inputs ordered by file name, then every n-th.
/// Every machine of a job array sees the same inputs, so the slices partition them exactly.
pub(crate) fn shard(files: &[PathBuf], k: u32, n: u32) -> Vec<PathBuf> {
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
///
/// `f` also learns whether items were still waiting when it took this one.
fn run_workers<T: Send, R: Send>(
    items: Vec<T>,
    workers: usize,
    f: impl Fn(T, bool) -> R + Sync,
) -> Vec<R> {
    let n = items.len();
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let done = std::sync::Mutex::new(Vec::with_capacity(n));
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, n.max(1)) {
            s.spawn(|| loop {
                let (next, more) = {
                    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                    let next = q.next();
                    (next, q.len() > 0)
                };
                let Some((i, item)) = next else { break };
                let r = f(item, more);
                done.lock().unwrap_or_else(|e| e.into_inner()).push((i, r));
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Progress on stderr: a bar on a terminal, plain lines when piped.
pub(crate) struct Reporter {
    bar: Option<ProgressBar>,
}

impl Reporter {
    pub(crate) fn new(total: usize) -> Self {
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
    pub(crate) fn print(&self, text: &str) {
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

/// A workbook to build: read, keyed, not fresh.
struct Pending {
    source: PathBuf,
    /// The workbook's name in the manifest.
    source_key: String,
    bytes: Vec<u8>,
    key: String,
}

/// A workbook scored and given its output file, ready to typeset.
struct Ready {
    source: PathBuf,
    source_key: String,
    key: String,
    prepared: Prepared,
    /// The PDF, relative to the output folder.
    name: PathBuf,
    target: PathBuf,
}

/// A workbook that failed before typesetting, with its messages.
struct Dropped {
    source: PathBuf,
    status: BriefStatus,
    log: String,
}

/// What typesetting and writing one brief gave: its result, its new manifest entry (to record
/// before the messages are printed), and the messages to print together.
struct Landed {
    result: BriefResult,
    entry: Option<(String, manifest::Entry)>,
    log: String,
}

/// Builds every workbook of `config` into `config.out`.
pub(crate) fn build(engine: &Engine, config: &BuildConfig, reporter: &Reporter) -> Summary {
    let started = Instant::now();
    let store = Store::new(manifest::path(&config.out, config.shard));
    let (manifest, warning) = Manifest::load(store.path());
    if let Some(w) = warning {
        reporter.print(&format!("warning: {w}"));
    }
    let (mut results, pending) = plan(engine, config, &manifest, reporter);
    let prepared = prepare_all(engine, config, pending);
    let ready = claim(prepared, &mut results, reporter);
    clean_up(config, &manifest, &ready, reporter);
    let manifest_error = Mutex::new(None);
    let landed = run_workers(ready, config.jobs, |r, more| {
        let mut landed = render_one(engine, config, r);
        // Bounds Typst's caches while briefs follow. After the last one it is the caller's
        // to do, once its result is out (a watch, after its status line; a one-shot build
        // exits instead).
        if more {
            comemo::evict(config.keep_cached);
        }
        if let Some((k, e)) = landed.entry.take() {
            if let Err(e) = store.update(|m| {
                m.briefs.insert(k, e);
            }) {
                manifest_error
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_or_insert(cannot_write(&store, &e));
            }
        }
        reporter.print(&landed.log);
        reporter.tick();
        landed.result
    });
    results.extend(landed);
    reporter.finish();
    let mut manifest_error = manifest_error
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(e) = forget_failures(&store, &manifest, &results) {
        manifest_error.get_or_insert(e);
    }
    if let Some(e) = &manifest_error {
        reporter.print(&format!("error: {e}"));
    }
    in_input_order(&mut results, &config.files);
    Summary {
        results,
        secs: started.elapsed().as_secs_f64(),
        manifest_error,
    }
}

/// Removes the temporary files an interrupted build left in the folders this build writes
/// to: the output folder, the folders of the briefs the manifest knows, and those of the
/// briefs about to be typeset.
fn clean_up(config: &BuildConfig, manifest: &Manifest, ready: &[Ready], reporter: &Reporter) {
    let mut folders = BTreeSet::from([config.out.clone()]);
    let known = manifest.briefs.values().map(|e| config.out.join(&e.output));
    for target in known.chain(ready.iter().map(|r| r.target.clone())) {
        if let Some(dir) = target.parent() {
            folders.insert(dir.to_path_buf());
        }
    }
    for dir in folders {
        for f in remove_stale_temps(&dir) {
            reporter.print(&format!(
                "note: removed {}, left by an interrupted build",
                f.display()
            ));
        }
    }
}

/// The hash of everything but the workbook that shapes a brief of this build.
fn shaping_key(engine: &Engine, config: &BuildConfig) -> String {
    KeyBuilder::default()
        .part("version", env!("CARGO_PKG_VERSION").as_bytes())
        .part("rulesets", crate::ruleset::data_fingerprint().as_bytes())
        .part("templates", engine.templates().digest().as_bytes())
        .part("fonts", engine.fonts().digest().as_bytes())
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
        .part("limits", format!("{:?}", config.limits).as_bytes())
        .finish()
}

/// Reads every workbook and sorts it: unreadable (a result now), fresh (a result now, unless
/// forced), or pending.
fn plan(
    engine: &Engine,
    config: &BuildConfig,
    manifest: &Manifest,
    reporter: &Reporter,
) -> (Vec<BriefResult>, Vec<Pending>) {
    let shaping = shaping_key(engine, config);
    let mut results = Vec::new();
    let mut pending = Vec::new();
    for source in &config.files {
        let bytes = match load::read_file(source, &config.limits) {
            Ok(b) => b,
            Err(e) => {
                reporter.print(&format!(
                    "error: {}: {e}\n{}: not built; the earlier brief, if any, is left as it was",
                    source.display(),
                    source.display()
                ));
                results.push(BriefResult::new(source.clone(), None, BriefStatus::Invalid));
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
                results.push(BriefResult::new(
                    source.clone(),
                    Some(target),
                    BriefStatus::Unchanged,
                ));
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
    (results, pending)
}

/// Stages 1–3 in parallel: load, validate, score, and name the output.
fn prepare_all(
    engine: &Engine,
    config: &BuildConfig,
    pending: Vec<Pending>,
) -> Vec<Result<Ready, Dropped>> {
    let under = Under {
        methodology: config.methodology,
        limits: &config.limits,
        fonts: engine.fonts(),
    };
    pending
        .into_par_iter()
        .map(|p| prepare_one(config, under, p))
        .collect()
}

fn prepare_one(config: &BuildConfig, under: Under, p: Pending) -> Result<Ready, Dropped> {
    let prepared = prepare_bytes(&p.source, p.bytes, under).map_err(|r| {
        let mut log = r.render();
        log.push_str(&format!(
            "{}: not built; the earlier brief, if any, is left as it was\n",
            p.source.display()
        ));
        Dropped {
            source: p.source.clone(),
            status: BriefStatus::Invalid,
            log,
        }
    })?;
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
        Err(e) => Err(Dropped {
            log: format!("error: {}: {e}\n", p.source.display()),
            source: p.source,
            status: BriefStatus::Failed,
        }),
    }
}

/// Two workbooks must not write one file: the first (in input order) keeps it. Returns the
/// briefs to typeset; the others become results.
fn claim(
    prepared: Vec<Result<Ready, Dropped>>,
    results: &mut Vec<BriefResult>,
    reporter: &Reporter,
) -> Vec<Ready> {
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
                    results.push(BriefResult::new(r.source, None, BriefStatus::Invalid));
                } else {
                    claimed.insert(r.target.clone(), r.source.clone());
                    ready.push(r);
                }
            }
            Err(d) => {
                reporter.print(&d.log);
                reporter.tick();
                results.push(BriefResult::new(d.source, None, d.status));
            }
        }
    }
    ready
}

/// Stages 4–5 for one brief: typesets it and writes it atomically.
fn render_one(engine: &Engine, config: &BuildConfig, r: Ready) -> Landed {
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
        key: r.key,
        output: r.name,
        pdf_sha256: manifest::sha256_hex(&doc.pdf),
        written,
    };
    let status = BriefStatus::Built {
        pages: doc.pages,
        bytes: doc.pdf.len(),
        secs,
    };
    Landed {
        result: BriefResult::new(r.source, Some(r.target), status),
        entry: Some((r.source_key, entry)),
        log,
    }
}

impl Landed {
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

/// Drops the manifest entries of workbooks that failed (the next build must try them
/// again); the manifest is touched only when it held some when the build started. Returns
/// why it could not be written.
fn forget_failures(store: &Store, loaded: &Manifest, results: &[BriefResult]) -> Option<String> {
    let failed: Vec<String> = results
        .iter()
        .filter(|r| matches!(r.status, BriefStatus::Invalid | BriefStatus::Failed))
        .map(|r| source_key(&r.source))
        .filter(|k| loaded.briefs.contains_key(k))
        .collect();
    if failed.is_empty() {
        return None;
    }
    store
        .update(|m| {
            for k in &failed {
                m.briefs.remove(k);
            }
        })
        .err()
        .map(|e| cannot_write(store, &e))
}

/// The message of a manifest that could not be written.
fn cannot_write(store: &Store, e: &std::io::Error) -> String {
    format!(
        "{}: cannot write the manifest ({e})",
        store.path().display()
    )
}

/// Sorts results into the order the inputs were given.
fn in_input_order(results: &mut [BriefResult], files: &[PathBuf]) {
    let order: HashMap<&PathBuf, usize> = files.iter().enumerate().map(|(i, f)| (f, i)).collect();
    results.sort_by_key(|r| order.get(&r.source).copied().unwrap_or(usize::MAX));
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

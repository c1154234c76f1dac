//! Build: many workbooks through stages 1–5, incremental, in parallel, with progress.
//!
//! Policy: a build goes plan → (prepare → claim → typeset → commit) per workbook. Workbooks
//! whose manifest entry is fresh are skipped unless forced; each of the others is loaded,
//! validated, scored, given an output file no earlier workbook claimed, typeset and written
//! by one of the worker threads of our own ([`workers`]), all sharing one [`Engine`] (fonts,
//! library, parsed templates). A worker holds one prepared brief at a time, so memory stays
//! flat in the batch's size. One failure never stops the others. Each brief's messages are
//! printed together when it finishes, so parallel output never interleaves. The result is one
//! [`BriefResult`] per workbook; what it means for the exit status is the command's business.
//!
//! A later stage of the same run (mail, the web edition) says what it keeps of each brief
//! ([`Keep`]): the build hands it each prepared brief as it lands (and, when asked, those that
//! were up to date, prepared but not typeset), and drops the brief once that is taken. So
//! nothing is loaded, validated or scored twice in a run, and memory holds at most what the
//! later stage keeps, never every brief of the batch.
//!
//! Interruptions: each brief is recorded in the manifest as soon as its PDF has landed,
//! before its `built` line is printed, so a build that is killed keeps what it finished and
//! the next one skips it. Before typesetting, a build removes the temporary files that a
//! killed build left in the folders it writes to (never those of a build still running);
//! see [`output`]. Builds running at once on one output folder share the manifest safely;
//! see [`manifest`].

pub(crate) mod manifest;
pub(crate) mod names;
pub(crate) mod output;
pub(crate) mod prepare;
pub(crate) mod watch;

pub(crate) mod archive;
mod pasted;
mod plan;
mod progress;
mod prune;
mod reuse;
mod typeset;
mod workers;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use crate::load::Limits;
use crate::model::ruleset::Ruleset;
use crate::render::{Engine, RenderOptions};
use manifest::{Manifest, Store};
pub(crate) use plan::source_key;
use prepare::Prepared;
pub(crate) use progress::Reporter;
pub(crate) use prune::prune;
use workers::run_workers;

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
    /// Store each brief's published record in the output folder's archive (`build`, `mail`;
    /// not a watch's rebuilds, nor the web edition's).
    pub(crate) archive: bool,
    /// Add a changes section against an earlier version to each brief.
    pub(crate) changes_since: Option<ChangesSince>,
    /// Folders of other builds whose briefs this one may take when their content key matches
    /// (the site takes those `build` wrote).
    pub(crate) reuse: Vec<PathBuf>,
    /// Assessment ids refused, with why: names the output uses for itself (the web
    /// edition's `assets` and `schema`).
    pub(crate) reserved_ids: Option<(&'static [&'static str], &'static str)>,
}

/// The earlier version `build --changes-since` compares each brief with.
#[derive(Debug, Clone)]
pub(crate) struct ChangesSince {
    /// As given: a doc_version (`v1.2`), a prefix of a PDF's hash, or a record file.
    pub(crate) spec: String,
    /// The record of a record file given, the same for every assessment.
    pub(crate) file: Option<crate::view::record::Record>,
    /// The PDF hashes the sent log holds, each with when it was last sent.
    pub(crate) sent: std::collections::BTreeMap<String, String>,
    /// A digest of the archive and the sent log (or of the record file): part of each brief's
    /// key.
    pub(crate) state: String,
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
    /// Taken from another build's output (linked or copied), not typeset.
    Reused,
    /// Not a workbook, or validation failed.
    Invalid,
    /// Typesetting or writing failed (template or I/O problem).
    Failed,
}

/// One workbook's result, with what a later stage kept of it.
#[derive(Debug)]
pub(crate) struct BriefResult<T = ()> {
    pub(crate) source: PathBuf,
    /// The PDF, when built or unchanged.
    pub(crate) target: Option<PathBuf>,
    pub(crate) status: BriefStatus,
    /// The manifest key of the brief (everything that shaped it), when it was read.
    pub(crate) key: Option<String>,
    /// What the later stage kept ([`Keep`]), when the brief was prepared in this run.
    pub(crate) kept: Option<T>,
    /// What the build printed for it: its warnings, or why it gave no brief (each problem at
    /// its cell with its hint, as `check` prints them).
    pub(crate) log: String,
}

impl<T> BriefResult<T> {
    fn new(source: PathBuf, target: Option<PathBuf>, status: BriefStatus) -> Self {
        Self {
            source,
            target,
            status,
            key: None,
            kept: None,
            log: String::new(),
        }
    }
}

/// What a later stage of the same run keeps of each brief while the build holds it.
pub(crate) struct Keep<'a, T> {
    /// Also prepare (not typeset) the briefs that are up to date, to keep them too.
    pub(crate) unchanged: bool,
    /// What to keep of a brief, given its PDF's path; called once per brief, on the build's
    /// threads, after its PDF has landed (or, when up to date, once it is prepared).
    pub(crate) each: &'a (dyn Fn(&Prepared, &Path) -> T + Sync),
}

/// The whole build: every workbook's result, in input order.
#[derive(Debug)]
pub(crate) struct Summary<T = ()> {
    pub(crate) results: Vec<BriefResult<T>>,
    pub(crate) secs: f64,
    /// The manifest could not be saved (the briefs themselves were written).
    pub(crate) manifest_error: Option<String>,
}

impl<T> Summary<T> {
    fn count(&self, f: impl Fn(&BriefStatus) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.status)).count()
    }

    /// "3 built, 21 unchanged, 0 failed in 1.23 s" (or "in 0.052 s").
    pub(crate) fn line(&self) -> String {
        // Three significant figures: a watch's rebuild of one brief takes tens of ms.
        let digits = if self.secs < 1.0 { 3 } else { 2 };
        let reused = match self.count(|s| *s == BriefStatus::Reused) {
            0 => String::new(),
            n => format!("{n} taken from another build, "),
        };
        format!(
            "{} built, {reused}{} unchanged, {} failed in {:.*} s",
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

/// Builds every workbook of `config` into `config.out`.
pub(crate) fn build(engine: &Engine, config: &BuildConfig, reporter: &Reporter) -> Summary {
    build_keeping(engine, config, reporter, None)
}

/// [`build`], handing each brief to `keep` while it is in hand.
pub(crate) fn build_keeping<T: Send>(
    engine: &Engine,
    config: &BuildConfig,
    reporter: &Reporter,
    keep: Option<&Keep<T>>,
) -> Summary<T> {
    let started = Instant::now();
    let store = Store::new(manifest::path(&config.out, config.shard));
    let (manifest, warning) = Manifest::load(store.path());
    if let Some(w) = warning {
        reporter.print(&format!("warning: {w}"));
    }
    let unchanged = keep.is_some_and(|k| k.unchanged);
    let shaping = plan::shaping_key(engine, config);
    let others = reuse::Others::load(&config.out, store.path(), &config.reuse);
    let plan::Planned {
        mut results,
        pending,
        adopted,
    } = plan::plan(&shaping, config, &manifest, &others, reporter, unchanged);
    // A shard's briefs, found in place, become this build's: recorded once, not typeset.
    let mut manifest_error = None;
    if !adopted.is_empty() {
        if let Err(e) = store.update(|m| m.briefs.extend(adopted)) {
            manifest_error = Some(cannot_write(&store, &e));
        }
    }
    let claims = plan::Claims::new(&results);
    let cleaner = plan::Cleaner::new(config, &manifest, reporter);
    let worker = typeset::Worker {
        engine,
        config,
        claims: &claims,
        cleaner: &cleaner,
        shaping: &shaping,
        keep,
    };
    let manifest_error = Mutex::new(manifest_error);
    let items: Vec<_> = pending.into_iter().enumerate().collect();
    let landed = run_workers(items, config.jobs, |(i, p), more| {
        let mut landed = worker.build(i, p);
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
        landed.result.log = landed.log;
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

/// Drops the manifest entries of workbooks that failed (the next build must try them
/// again); the manifest is touched only when it held some when the build started. Returns
/// why it could not be written.
fn forget_failures<T>(
    store: &Store,
    loaded: &Manifest,
    results: &[BriefResult<T>],
) -> Option<String> {
    let failed: Vec<String> = results
        .iter()
        .filter(|r| matches!(r.status, BriefStatus::Invalid | BriefStatus::Failed))
        .map(|r| plan::source_key(&r.source))
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
fn in_input_order<T>(results: &mut [BriefResult<T>], files: &[PathBuf]) {
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

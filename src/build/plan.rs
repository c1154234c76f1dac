//! Build: the plan. Which workbooks need their brief built (or prepared for a later stage),
//! which output file each claims, and the temporary files interrupted builds left behind.
//!
//! Policy: planning reads each workbook's bytes only to key it (the hash of everything that
//! shaped its brief) and keeps nothing of them: a brief is prepared by the worker that builds
//! it, so a build holds at most one prepared brief per worker, whatever the batch's size. Two
//! workbooks must not write one file: the first in input order keeps it, whichever worker
//! prepares it first ([`Claims`] are granted in input order).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

use super::manifest::{Entry, KeyBuilder, Manifest};
use super::output::remove_stale_temps;
use super::reuse::Others;
use super::{BriefResult, BriefStatus, BuildConfig, Reporter};
use crate::load;
use crate::render::Engine;

/// A workbook's name in the manifest: a hash of its canonical path, so the manifest (which
/// `site` keeps in the folder it publishes) holds no path of the machine.
pub(crate) fn source_key(path: &Path) -> String {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    KeyBuilder::default()
        .part("workbook", canonical.as_os_str().as_encoded_bytes())
        .finish()
}

/// A workbook to prepare, and to typeset unless it is up to date.
pub(super) struct Pending {
    pub(super) source: PathBuf,
    /// The workbook's name in the manifest.
    pub(super) source_key: String,
    /// Its brief is up to date at this path (with the SHA-256 of its bytes): prepared for a
    /// later stage, not typeset.
    pub(super) fresh: Option<(PathBuf, String)>,
    /// Another folder's PDF of the same content, with the SHA-256 of its bytes: linked in
    /// under this build's name instead of typeset.
    pub(super) reuse: Option<(PathBuf, String)>,
}

/// The hashes of everything but the workbook that shapes a brief of this build: `full`, its
/// file's name included (the manifest's key), and `content`, what shapes its bytes alone
/// (another build with the same one has typeset the same PDF).
pub(super) struct Shaping {
    pub(super) full: String,
    pub(super) content: String,
}

/// The [`Shaping`] of this build.
pub(super) fn shaping_key(engine: &Engine, config: &BuildConfig) -> Shaping {
    let content = KeyBuilder::default()
        .part("version", env!("CARGO_PKG_VERSION").as_bytes())
        .part(
            "rulesets",
            crate::model::ruleset::data_fingerprint().as_bytes(),
        )
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
        .part("options", format!("{:?}", config.render).as_bytes())
        .part("limits", format!("{:?}", config.limits).as_bytes())
        .part(
            "changes",
            config
                .changes_since
                .as_ref()
                .map(|c| format!("{}\n{}", c.spec, c.state))
                .unwrap_or_default()
                .as_bytes(),
        )
        .finish();
    let full = KeyBuilder::default()
        .part("content", content.as_bytes())
        .part("name", config.name_pattern.as_bytes())
        .finish();
    Shaping { full, content }
}

/// The key of a workbook's brief: the build's shaping key and the workbook's bytes.
pub(super) fn brief_key(shaping: &str, bytes: &[u8]) -> String {
    KeyBuilder::default()
        .part("shaping", shaping.as_bytes())
        .part("workbook", bytes)
        .finish()
}

/// What [`plan`] sorted the workbooks into: results now (unreadable, or fresh), the pending
/// ones, and the entries of other manifests of the output folder found fresh (a shard's), for
/// this build's manifest to record.
pub(super) struct Planned<T> {
    pub(super) results: Vec<BriefResult<T>>,
    pub(super) pending: Vec<Pending>,
    pub(super) adopted: Vec<(String, Entry)>,
}

/// Keys every workbook and sorts it: unreadable (a result now), fresh in this folder (a
/// result now, unless forced or wanted prepared), or pending (to typeset, or to link from
/// another folder).
pub(super) fn plan<T>(
    shaping: &Shaping,
    config: &BuildConfig,
    manifest: &Manifest,
    others: &Others,
    reporter: &Reporter,
    prepare_fresh: bool,
) -> Planned<T> {
    let mut results = Vec::new();
    let mut pending = Vec::new();
    let mut adopted = Vec::new();
    for source in &config.files {
        let (key, content) = match load::read_file(source, &config.limits) {
            Ok(bytes) => (
                brief_key(&shaping.full, &bytes),
                brief_key(&shaping.content, &bytes),
            ),
            Err(e) => {
                let mut r = BriefResult::new(source.clone(), None, BriefStatus::Invalid);
                r.log = not_built(source, &e);
                reporter.print(&r.log);
                results.push(r);
                continue;
            }
        };
        let source_key = source_key(source);
        let fresh = match config.force {
            true => None,
            false => manifest
                .is_fresh(&source_key, &key, &config.out)
                .or_else(|| {
                    let e = others.here(&source_key, &key, &config.out)?;
                    adopted.push((source_key.clone(), e.clone()));
                    Some(e)
                }),
        };
        let fresh = fresh.map(|e| (config.out.join(&e.output), e.pdf_sha256.clone()));
        let reuse = match (&fresh, config.force) {
            (None, false) => others.there(&source_key, &content),
            _ => None,
        };
        if let (Some((target, _)), false) = (&fresh, prepare_fresh) {
            let status = BriefStatus::Unchanged;
            let mut r = BriefResult::new(source.clone(), Some(target.clone()), status);
            r.key = Some(key);
            results.push(r);
            continue;
        }
        pending.push(Pending {
            source: source.clone(),
            source_key,
            fresh,
            reuse,
        });
    }
    Planned {
        results,
        pending,
        adopted,
    }
}

/// The message of a workbook that could not be read.
pub(super) fn not_built(source: &Path, why: &str) -> String {
    format!(
        "error: {}: {why}\n{}",
        source.display(),
        left_as_it_was(source)
    )
}

/// The line closing the messages of a workbook that gave no brief.
pub(super) fn left_as_it_was(source: &Path) -> String {
    format!(
        "{}: not built; the earlier brief, if any, is left as it was",
        source.display()
    )
}

/// The output files claimed so far, granted in input order.
pub(super) struct Claims {
    state: Mutex<ClaimState>,
    turn: Condvar,
}

struct ClaimState {
    /// The pending workbook whose turn it is to claim (or pass).
    next: usize,
    /// Output file → the workbook that writes it.
    taken: HashMap<PathBuf, PathBuf>,
}

impl Claims {
    /// Claims with the files of `results` (up-to-date briefs) already taken.
    pub(super) fn new<T>(results: &[BriefResult<T>]) -> Self {
        let taken = results
            .iter()
            .filter_map(|r| Some((r.target.clone()?, r.source.clone())))
            .collect();
        Self {
            state: Mutex::new(ClaimState { next: 0, taken }),
            turn: Condvar::new(),
        }
    }

    /// The turn of pending workbook `i`: waits until every workbook before it has claimed or
    /// passed, then claims `target` for `source` (`None`: passes). `Err` holds the workbook
    /// that took the file first.
    pub(super) fn take(&self, i: usize, claim: Option<(&Path, &Path)>) -> Result<(), PathBuf> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while s.next < i {
            s = self.turn.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        let result = match claim {
            Some((target, source)) => match s.taken.get(target) {
                Some(first) => Err(first.clone()),
                None => {
                    s.taken.insert(target.to_path_buf(), source.to_path_buf());
                    Ok(())
                }
            },
            None => Ok(()),
        };
        s.next = s.next.max(i + 1);
        self.turn.notify_all();
        result
    }
}

/// Removes the temporary files interrupted builds left, folder by folder, each folder once.
pub(super) struct Cleaner<'a> {
    reporter: &'a Reporter,
    done: Mutex<BTreeSet<PathBuf>>,
}

impl<'a> Cleaner<'a> {
    /// Cleans the output folder and the folders of the briefs the manifest knows now.
    pub(super) fn new(config: &BuildConfig, manifest: &Manifest, reporter: &'a Reporter) -> Self {
        let cleaner = Self {
            reporter,
            done: Mutex::new(BTreeSet::new()),
        };
        cleaner.folder(&config.out);
        for e in manifest.briefs.values() {
            if let Some(dir) = config.out.join(&e.output).parent() {
                cleaner.folder(dir);
            }
        }
        cleaner
    }

    /// Cleans the folder of `target` before a brief is written there, unless done already.
    pub(super) fn before_writing(&self, target: &Path) {
        if let Some(dir) = target.parent() {
            self.folder(dir);
        }
    }

    fn folder(&self, dir: &Path) {
        let first = self
            .done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_path_buf());
        if first {
            for f in remove_stale_temps(dir) {
                self.reporter.print(&format!(
                    "note: removed {}, left by an interrupted build",
                    f.display()
                ));
            }
        }
    }
}

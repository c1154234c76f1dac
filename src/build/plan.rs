//! Build: plan, prepare and claim. Which workbooks need a brief, each loaded, validated and
//! scored in parallel, and each given an output file no other workbook of the build takes.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::json;

use super::manifest::{KeyBuilder, Manifest};
use super::names::output_name;
use super::output::remove_stale_temps;
use super::prepare::{prepare_bytes, Prepared, Under};
use super::{BriefResult, BriefStatus, BuildConfig, Keep, Reporter};
use crate::load;
use crate::render::Engine;

/// The canonical name of a workbook in the manifest.
pub(super) fn source_key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// A workbook to prepare: read and keyed.
pub(super) struct Pending {
    source: PathBuf,
    /// The workbook's name in the manifest.
    source_key: String,
    bytes: Vec<u8>,
    key: String,
    /// Its brief is up to date at this path: prepared for a later stage, not typeset.
    fresh: Option<PathBuf>,
}

/// A workbook scored and given its output file, ready to typeset.
pub(super) struct Ready {
    pub(super) source: PathBuf,
    pub(super) source_key: String,
    pub(super) key: String,
    pub(super) prepared: Prepared,
    /// The PDF, relative to the output folder.
    pub(super) name: PathBuf,
    pub(super) target: PathBuf,
}

/// What preparing one workbook gave.
pub(super) enum Prepped<T> {
    /// Ready to typeset.
    Ready(Box<Ready>),
    /// Up to date, kept for a later stage.
    Fresh(BriefResult<T>),
    /// Failed before typesetting, with its messages.
    Dropped {
        source: PathBuf,
        status: BriefStatus,
        log: String,
    },
}

/// The hash of everything but the workbook that shapes a brief of this build.
fn shaping_key(engine: &Engine, config: &BuildConfig) -> String {
    KeyBuilder::default()
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
        .part("name", config.name_pattern.as_bytes())
        .part("options", format!("{:?}", config.render).as_bytes())
        .part("limits", format!("{:?}", config.limits).as_bytes())
        .finish()
}

/// Reads every workbook and sorts it: unreadable (a result now), fresh (a result now, unless
/// forced or wanted prepared), or pending.
pub(super) fn plan<T>(
    engine: &Engine,
    config: &BuildConfig,
    manifest: &Manifest,
    reporter: &Reporter,
    prepare_fresh: bool,
) -> (Vec<BriefResult<T>>, Vec<Pending>) {
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
        let fresh = match config.force {
            true => None,
            false => manifest.is_fresh(&source_key, &key, &config.out),
        };
        let fresh = fresh.map(|e| config.out.join(&e.output));
        if let (Some(target), false) = (&fresh, prepare_fresh) {
            let mut r =
                BriefResult::new(source.clone(), Some(target.clone()), BriefStatus::Unchanged);
            r.key = Some(key);
            results.push(r);
            continue;
        }
        pending.push(Pending {
            source: source.clone(),
            source_key,
            bytes,
            key,
            fresh,
        });
    }
    (results, pending)
}

/// Stages 1–3 in parallel: load, validate, score, and name the output; briefs up to date
/// are handed to `keep` at once.
pub(super) fn prepare_all<T: Send>(
    engine: &Engine,
    config: &BuildConfig,
    pending: Vec<Pending>,
    keep: Option<&Keep<T>>,
) -> Vec<Prepped<T>> {
    let under = Under {
        methodology: config.methodology,
        limits: &config.limits,
        fonts: engine.fonts(),
    };
    pending
        .into_par_iter()
        .map(|p| prepare_one(config, under, p, keep))
        .collect()
}

fn prepare_one<T>(
    config: &BuildConfig,
    under: Under,
    p: Pending,
    keep: Option<&Keep<T>>,
) -> Prepped<T> {
    let prepared = match prepare_bytes(&p.source, p.bytes, under) {
        Ok(prepared) => prepared,
        Err(r) => {
            let mut log = r.render();
            log.push_str(&format!(
                "{}: not built; the earlier brief, if any, is left as it was\n",
                p.source.display()
            ));
            return Prepped::Dropped {
                source: p.source,
                status: BriefStatus::Invalid,
                log,
            };
        }
    };
    if let Some(target) = p.fresh {
        let mut r = BriefResult::new(p.source, Some(target.clone()), BriefStatus::Unchanged);
        r.key = Some(p.key);
        r.kept = keep.map(|k| (k.each)(&prepared, &target));
        return Prepped::Fresh(r);
    }
    let m = &prepared.scored.assessment.meta;
    let vars = json!({
        "assessment_id": m.assessment_id,
        "vendor": m.vendor,
        "doc_version": m.doc_version,
        "methodology": prepared.scored.ruleset.id,
        "date": m.date_assessed.format("%Y-%m-%d").to_string(),
    });
    match output_name(&config.name_pattern, &vars) {
        Ok(name) => Prepped::Ready(Box::new(Ready {
            source: p.source,
            source_key: p.source_key,
            key: p.key,
            prepared,
            target: config.out.join(&name),
            name,
        })),
        Err(e) => Prepped::Dropped {
            log: format!("error: {}: {e}\n", p.source.display()),
            source: p.source,
            status: BriefStatus::Failed,
        },
    }
}

/// Two workbooks must not write one file: the first (in input order) keeps it. Returns the
/// briefs to typeset; the others become results.
pub(super) fn claim<T>(
    prepared: Vec<Prepped<T>>,
    results: &mut Vec<BriefResult<T>>,
    reporter: &Reporter,
) -> Vec<Ready> {
    let mut claimed: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut ready = Vec::new();
    let mut rest = Vec::new();
    for item in prepared {
        match item {
            Prepped::Fresh(r) => results.push(r),
            other => rest.push(other),
        }
    }
    for r in results.iter() {
        if let Some(t) = &r.target {
            claimed.insert(t.clone(), r.source.clone());
        }
    }
    for item in rest {
        match item {
            Prepped::Ready(r) => {
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
                    ready.push(*r);
                }
            }
            Prepped::Dropped {
                source,
                status,
                log,
            } => {
                reporter.print(&log);
                reporter.tick();
                results.push(BriefResult::new(source, None, status));
            }
            Prepped::Fresh(r) => results.push(r),
        }
    }
    ready
}

/// Removes the temporary files an interrupted build left in the folders this build writes
/// to: the output folder, the folders of the briefs the manifest knows, and those of the
/// briefs about to be typeset.
pub(super) fn clean_up(
    config: &BuildConfig,
    manifest: &Manifest,
    ready: &[Ready],
    reporter: &Reporter,
) {
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

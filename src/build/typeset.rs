//! Build: one workbook on a worker, stages 1–5. Prepared (loaded, validated, scored), given
//! its output file, typeset and written atomically, with its manifest entry and its messages;
//! what a later stage keeps of it is taken before the prepared brief is dropped.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::json;

use super::manifest::{self, sha256_hex};
use super::names::output_name;
use super::output::write_atomic_stamped;
use super::plan::{brief_key, left_as_it_was, not_built, Claims, Cleaner, Pending, Shaping};
use super::prepare::{prepare_bytes, Prepared, Rejected, Under};
use super::reuse::link_atomic;
use super::{BriefResult, BriefStatus, BuildConfig, Keep};
use crate::load;
use crate::render::{self, Engine};

/// What building one workbook gave: its result, its new manifest entry (to record before the
/// messages are printed), and the messages to print together.
pub(super) struct Landed<T> {
    pub(super) result: BriefResult<T>,
    pub(super) entry: Option<(String, manifest::Entry)>,
    pub(super) log: String,
}

impl<T> Landed<T> {
    /// A workbook that gave no brief: `log` so far, then `why`.
    fn failed(source: PathBuf, status: BriefStatus, mut log: String, why: &str) -> Self {
        log.push_str(why);
        if !why.ends_with('\n') {
            log.push('\n');
        }
        Self {
            result: BriefResult::new(source, None, status),
            entry: None,
            log,
        }
    }
}

/// What a worker needs besides the workbook: the engine, the build, its claims and cleaner,
/// the shaping key and what a later stage keeps.
pub(super) struct Worker<'a, T> {
    pub(super) engine: &'a Engine,
    pub(super) config: &'a BuildConfig,
    pub(super) claims: &'a Claims,
    pub(super) cleaner: &'a Cleaner<'a>,
    pub(super) shaping: &'a Shaping,
    pub(super) keep: Option<&'a Keep<'a, T>>,
}

impl<T> Worker<'_, T> {
    /// Builds pending workbook number `i` (in input order).
    pub(super) fn build(&self, i: usize, p: Pending) -> Landed<T> {
        let prepared = match self.prepare(&p) {
            Ok(prepared) => prepared,
            Err(log) => {
                let _ = self.claims.take(i, None);
                return Landed::failed(p.source, BriefStatus::Invalid, String::new(), &log);
            }
        };
        if let Some((target, sha)) = p.fresh {
            let _ = self.claims.take(i, None);
            let log = self.archive(&prepared.0, &sha);
            let mut result =
                BriefResult::new(p.source, Some(target.clone()), BriefStatus::Unchanged);
            result.kept = self.keep.map(|k| (k.each)(&prepared.0, &target));
            result.key = Some(prepared.1.full);
            return Landed {
                result,
                entry: None,
                log,
            };
        }
        if let Some(why) = self.reserved(&p.source, &prepared.0) {
            let _ = self.claims.take(i, None);
            return Landed::failed(p.source, BriefStatus::Invalid, String::new(), &why);
        }
        let name = match name_of(&self.config.name_pattern, &prepared.0) {
            Ok(name) => name,
            Err(e) => {
                let _ = self.claims.take(i, None);
                let why = format!("error: {}: {e}", p.source.display());
                return Landed::failed(p.source, BriefStatus::Failed, String::new(), &why);
            }
        };
        let target = self.config.out.join(&name);
        if let Err(first) = self.claims.take(i, Some((&target, &p.source))) {
            let why = format!(
                "error: {}: would write {}, which {} also writes\n  help: give each assessment its own assessment_id",
                p.source.display(),
                target.display(),
                first.display()
            );
            return Landed::failed(p.source, BriefStatus::Invalid, String::new(), &why);
        }
        match p.reuse.clone() {
            Some(from) => self.link(p, prepared, from, name, target),
            None => {
                let (changes, note) = self.changes(&p.source, &prepared.0);
                let mut landed = self.typeset(p, prepared, name, target, changes.as_ref());
                landed.log.insert_str(0, &note);
                landed
            }
        }
    }

    /// Stage 5 without 4: the PDF another build typeset with the same content, linked (or
    /// copied) into place atomically; typeset after all when that fails.
    fn link(
        &self,
        p: Pending,
        (prepared, keys): (Prepared, Keys),
        (from, sha): (PathBuf, String),
        name: PathBuf,
        target: PathBuf,
    ) -> Landed<T> {
        self.cleaner.before_writing(&target);
        let written = match link_atomic(&from, &target) {
            Ok(stamp) => stamp,
            Err(e) => {
                let mut landed = self.typeset(p, (prepared, keys), name, target, None);
                landed.log.insert_str(
                    0,
                    &format!(
                        "note: {}: cannot link it in ({e}); typeset instead\n",
                        from.display()
                    ),
                );
                return landed;
            }
        };
        let mut log = String::new();
        for w in &prepared.warnings {
            log.push_str(&format!("{w}\n"));
        }
        log.push_str(&format!(
            "took {} from {}\n",
            target.display(),
            from.display()
        ));
        log.push_str(&self.archive(&prepared, &sha));
        let entry = manifest::Entry {
            key: keys.full.clone(),
            output: name,
            pdf_sha256: sha,
            content: Some(keys.content),
            written,
        };
        let kept = self.keep.map(|k| (k.each)(&prepared, &target));
        let mut result = BriefResult::new(p.source, Some(target), BriefStatus::Reused);
        result.key = Some(keys.full);
        result.kept = kept;
        Landed {
            result,
            entry: Some((p.source_key, entry)),
            log,
        }
    }

    /// What changed since the version `--changes-since` names, for this brief; with a note
    /// when that version cannot be found (the brief is then built without the section).
    fn changes(
        &self,
        source: &std::path::Path,
        prepared: &Prepared,
    ) -> (Option<crate::view::changes::Changes>, String) {
        let Some(since) = &self.config.changes_since else {
            return (None, String::new());
        };
        let now = crate::view::record::record(&prepared.scored);
        let id = &prepared.scored.assessment.meta.assessment_id;
        let old = match &since.file {
            Some(record) if &record.assessment.assessment_id != id => Err(format!(
                "that record is of {}, not {id}",
                record.assessment.assessment_id
            )),
            Some(record) => Ok(record.clone()),
            None => super::archive::find(&self.config.out, id, &since.spec, &since.sent)
                .map(|v| v.record),
        };
        match old {
            Ok(old) => (
                Some(crate::view::changes::changes(&old, &now)),
                String::new(),
            ),
            Err(e) => (
                None,
                format!(
                    "warning: {}: --changes-since {}: {e}; built without a changes section\n",
                    source.display(),
                    since.spec
                ),
            ),
        }
    }

    /// Stores the published record of the brief whose PDF has SHA-256 `sha` in the archive,
    /// when this build keeps one (not for a variant with a changes section): a message when
    /// it cannot (the brief stands).
    fn archive(&self, prepared: &Prepared, sha: &str) -> String {
        if !self.config.archive || self.config.changes_since.is_some() {
            return String::new();
        }
        let id = &prepared.scored.assessment.meta.assessment_id;
        if super::archive::holds(&self.config.out, id, sha) {
            return String::new();
        }
        let json = crate::view::record::to_json(&crate::view::record::record(&prepared.scored));
        match super::archive::store(&self.config.out, id, sha, &json) {
            Ok(()) => String::new(),
            Err(e) => format!(
                "warning: {}: cannot archive the record of {id} ({e}); a later version cannot say what changed since this one\n",
                self.config.out.join(super::archive::DIR).display()
            ),
        }
    }

    /// Why the id of `prepared` may not be used here (a name the output uses for itself), as
    /// the messages to print: an error at its cell, with a hint.
    fn reserved(&self, source: &std::path::Path, prepared: &Prepared) -> Option<String> {
        let (names, what) = self.config.reserved_ids?;
        let id = &prepared.scored.assessment.meta.assessment_id;
        if !names.contains(&id.as_str()) {
            return None;
        }
        let mut d = crate::model::diag::Diagnostics::new(source);
        d.error(
            prepared.id_place.clone(),
            format!("assessment_id `{id}` is a name {what} uses for its own files"),
            Some(format!(
                "give the assessment another id (not {})",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
        let mut log = Rejected::Invalid(d.into_vec()).render();
        log.push_str(&left_as_it_was(source));
        log.push('\n');
        Some(log)
    }

    /// Stages 1–3: the workbook read again (it may have changed since it was keyed), loaded,
    /// validated and scored; with the keys of the bytes prepared. `Err` holds the messages.
    fn prepare(&self, p: &Pending) -> Result<(Prepared, Keys), String> {
        let bytes = load::read_file(&p.source, &self.config.limits)
            .map_err(|e| not_built(&p.source, &e) + "\n")?;
        let key = Keys {
            full: brief_key(&self.shaping.full, &bytes),
            content: brief_key(&self.shaping.content, &bytes),
        };
        let under = Under {
            methodology: self.config.methodology,
            limits: &self.config.limits,
            fonts: self.engine.fonts(),
        };
        let prepared = prepare_bytes(&p.source, bytes, under).map_err(|r| {
            let mut log = r.render();
            log.push_str(&left_as_it_was(&p.source));
            log.push('\n');
            log
        })?;
        Ok((prepared, key))
    }

    /// Stages 4–5: typesets the brief and writes it atomically; once it has landed, the later
    /// stage takes what it keeps of it, and the prepared brief is dropped.
    fn typeset(
        &self,
        p: Pending,
        (prepared, keys): (Prepared, Keys),
        name: PathBuf,
        target: PathBuf,
        changes: Option<&crate::view::changes::Changes>,
    ) -> Landed<T> {
        let key = keys.full;
        let t0 = Instant::now();
        let mut log = String::new();
        for w in &prepared.warnings {
            log.push_str(&format!("{w}\n"));
        }
        let extras = render::Extras {
            changes,
            stamp: None,
        };
        let doc = match render::render_with(
            self.engine,
            &prepared.scored,
            &self.config.render,
            &extras,
        ) {
            Ok(doc) => doc,
            Err(e) => {
                let why = format!(
                    "{e}\n{}: not built (typesetting failed)",
                    p.source.display()
                );
                return Landed::failed(p.source, BriefStatus::Failed, log, &why);
            }
        };
        for w in &doc.warnings {
            log.push_str(&format!("{w}\n  --> {}\n", p.source.display()));
        }
        self.cleaner.before_writing(&target);
        let written = match write_atomic_stamped(&target, &doc.pdf) {
            Ok(stamp) => stamp,
            Err(e) => {
                let why = format!("error: {}: cannot write ({e})", target.display());
                return Landed::failed(p.source, BriefStatus::Failed, log, &why);
            }
        };
        let secs = t0.elapsed().as_secs_f64();
        log.push_str(&format!(
            "built {} ({} pages, {} KiB, {secs:.2} s)\n",
            target.display(),
            doc.pages,
            doc.pdf.len().div_ceil(1024)
        ));
        let sha = sha256_hex(&doc.pdf);
        log.push_str(&self.archive(&prepared, &sha));
        let entry = manifest::Entry {
            key: key.clone(),
            output: name,
            pdf_sha256: sha,
            content: Some(keys.content),
            written,
        };
        let status = BriefStatus::Built {
            pages: doc.pages,
            bytes: doc.pdf.len(),
            secs,
        };
        let kept = self.keep.map(|k| (k.each)(&prepared, &target));
        let mut result = BriefResult::new(p.source, Some(target), status);
        result.key = Some(key);
        result.kept = kept;
        Landed {
            result,
            entry: Some((p.source_key, entry)),
            log,
        }
    }
}

/// A brief's keys: the manifest's (`full`) and that of its bytes alone (`content`).
pub(super) struct Keys {
    full: String,
    content: String,
}

/// The output file of a prepared brief, from the name pattern.
fn name_of(pattern: &str, prepared: &Prepared) -> Result<PathBuf, String> {
    let m = &prepared.scored.assessment.meta;
    let vars = json!({
        "assessment_id": m.assessment_id,
        "vendor": m.vendor,
        "doc_version": m.doc_version,
        "methodology": prepared.scored.ruleset.id,
        "date": m.date_assessed.format("%Y-%m-%d").to_string(),
    });
    output_name(pattern, &vars)
}

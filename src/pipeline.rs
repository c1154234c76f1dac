//! Stages 1–3 as one step: load → validate → score a workbook into a [`Prepared`] brief, or
//! say why not ([`Rejected`]).
//!
//! Policy: every problem of a workbook is reported at once, each at its place; scoring
//! warnings are placed at the cell they are about (the layer's headline, the override's row),
//! so `check`, `build` and `mail` report the same problems the same way. Nothing here writes.

use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics, Place, Severity};
use crate::load::{self, LoadError};
use crate::ruleset::{self, Ruleset};
use crate::score::{score, Scored, Warning, WarningKind};
use crate::validate::validate;

/// Why a workbook could not be scored.
#[derive(Debug)]
pub(crate) enum Rejected {
    /// Not a workbook at all.
    Load(LoadError),
    /// Validation found errors (warnings included, in order).
    Invalid(Vec<Diagnostic>),
}

impl Rejected {
    /// The rejection as text: every diagnostic, then a count.
    pub(crate) fn render(&self) -> String {
        match self {
            Rejected::Load(e) => format!("error: {e}\n"),
            Rejected::Invalid(diags) => {
                let mut out = String::new();
                for d in diags {
                    out.push_str(&format!("{d}\n\n"));
                }
                let errors = diags
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                if let Some(d) = diags.first() {
                    let s = if errors == 1 { "" } else { "s" };
                    out.push_str(&format!("{}: {errors} error{s} found\n", d.file.display()));
                }
                out
            }
        }
    }

    /// Prints the rejection to stderr.
    pub(crate) fn report(&self) {
        eprint!("{}", self.render());
    }
}

/// A workbook that was loaded, validated and scored.
pub(crate) struct Prepared {
    pub(crate) scored: Scored,
    /// Validation warnings (unknown columns and fields) and scoring warnings, each with its place.
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Load → validate → score under the workbook's ruleset or `methodology`.
pub(crate) fn prepare(path: &Path, methodology: Option<&Ruleset>) -> Result<Prepared, Rejected> {
    let wb = load::load(path).map_err(Rejected::Load)?;
    finish(wb, methodology)
}

/// [`prepare`] from the workbook's bytes, already read.
pub(crate) fn prepare_bytes(
    path: &Path,
    bytes: Vec<u8>,
    methodology: Option<&Ruleset>,
) -> Result<Prepared, Rejected> {
    let wb = load::load_bytes(path, bytes).map_err(|reason| {
        Rejected::Load(LoadError {
            path: path.to_path_buf(),
            reason,
        })
    })?;
    finish(wb, methodology)
}

fn finish(wb: load::Workbook, methodology: Option<&Ruleset>) -> Result<Prepared, Rejected> {
    let v = validate(&wb).map_err(Rejected::Invalid)?;
    let rs = match methodology {
        Some(rs) => rs,
        // Validation guarantees the workbook's ruleset exists.
        None => ruleset::find(&v.assessment.meta.methodology_version)
            .ok_or_else(|| Rejected::Invalid(vec![]))?,
    };
    let scored = score(&v.assessment, rs);
    let mut warnings = v.warnings;
    let mut d = Diagnostics::new(&wb.path);
    for w in &scored.warnings {
        d.warning(
            scoring_place(&wb, w),
            w.message.clone(),
            Some(scoring_help(w, &rs.id)),
        );
    }
    warnings.extend(d.into_vec());
    Ok(Prepared { scored, warnings })
}

/// The cell a scoring warning is about: the layer's headline or the override's row.
fn scoring_place(wb: &load::Workbook, w: &Warning) -> Place {
    let find = |sheet: &str, key_col: &str, key: &str, col: &str| -> Option<Place> {
        let s = wb.sheet(sheet)?;
        let (kc, c) = (s.column(key_col)?, s.column(col)?);
        let row = s
            .rows
            .iter()
            .find(|r| r.get(kc).as_text().eq_ignore_ascii_case(key))?;
        Some(Place::cell(&s.name, row.index, c))
    };
    let id = w.override_id.as_deref().unwrap_or_default();
    match w.kind {
        WarningKind::HeadlineAuthority | WarningKind::HeadlineStatus => {
            find("Layers", "layer_id", &w.target, "headline")
        }
        WarningKind::StaleOverride => find("Overrides", "override_id", id, "ruleset"),
        WarningKind::UnusedOverride => find("Overrides", "override_id", id, "target_id"),
    }
    .unwrap_or_else(Place::file)
}

fn scoring_help(w: &Warning, ruleset: &str) -> String {
    match w.kind {
        WarningKind::HeadlineAuthority | WarningKind::HeadlineStatus => {
            "reword the headline (and check the narrative), or add an override if the computed value is wrong".into()
        }
        WarningKind::StaleOverride => format!("confirm the override under {ruleset}, then set its ruleset to {ruleset}"),
        WarningKind::UnusedOverride => "remove the override, or score under a ruleset that scores the cell".into(),
    }
}

//! Stages 1–3 as one step: load → validate → score a workbook into a [`Prepared`] brief, or
//! say why not ([`Rejected`]).
//!
//! Policy: every problem of a workbook is reported at once, each at its place; scoring
//! warnings are placed at the cell they are about (the layer's headline, the override's row),
//! so `check`, `build` and `mail` report the same problems the same way. Nothing here writes.

use std::path::Path;

use crate::load::{self, Limits, LoadError, Value};
use crate::model::diag::{paint, Diagnostic, Diagnostics, Place, Severity};
use crate::model::ruleset::{self, Ruleset};
use crate::model::sheets;
use crate::render::Fonts;
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
        eprint!("{}", paint(&self.render()));
    }

    /// Every diagnostic of the rejection (a file that is no workbook: one error naming it).
    pub(crate) fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Rejected::Load(e) => vec![Diagnostic {
                severity: Severity::Error,
                file: e.path.clone(),
                place: Place::file(),
                message: e.reason.clone(),
                help: None,
            }],
            Rejected::Invalid(diags) => diags.clone(),
        }
    }
}

/// A workbook that was loaded, validated and scored.
pub(crate) struct Prepared {
    pub(crate) scored: Scored,
    /// Validation warnings (unknown columns and fields) and scoring warnings, each with its place.
    pub(crate) warnings: Vec<Diagnostic>,
    /// The cell of its `assessment_id`, for a message about the id.
    pub(crate) id_place: Place,
}

/// What a workbook is prepared under: the ruleset (`None`: the workbook's own), the limits
/// the file must keep and the fonts its text must be set in.
#[derive(Clone, Copy)]
pub(crate) struct Under<'a> {
    pub(crate) methodology: Option<&'a Ruleset>,
    pub(crate) limits: &'a Limits,
    pub(crate) fonts: &'a Fonts,
}

/// Load → validate → score.
pub(crate) fn prepare(path: &Path, under: Under) -> Result<Prepared, Rejected> {
    let wb = load::load_with(path, under.limits).map_err(Rejected::Load)?;
    finish(wb, under)
}

/// [`prepare`] from the workbook's bytes, already read.
pub(crate) fn prepare_bytes(
    path: &Path,
    bytes: Vec<u8>,
    under: Under,
) -> Result<Prepared, Rejected> {
    let wb = load::load_bytes_with(path, bytes, under.limits).map_err(|reason| {
        Rejected::Load(LoadError {
            path: path.to_path_buf(),
            reason,
        })
    })?;
    finish(wb, under)
}

fn finish(mut wb: load::Workbook, under: Under) -> Result<Prepared, Rejected> {
    // Word's pasted symbol bullets are set as what they show; other private-use characters
    // are errors at their cells (and not reported again as unprintable).
    let (refused, pasted): (Vec<Diagnostic>, Vec<Diagnostic>) =
        super::pasted::word_symbols(&mut wb)
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
    let unprintable = [refused, unprintable(&wb, under.fonts)].concat();
    let v = match validate(&wb) {
        Ok(v) if unprintable.is_empty() => v,
        Ok(v) => {
            return Err(Rejected::Invalid(
                [pasted, v.warnings, unprintable].concat(),
            ))
        }
        Err(diags) => return Err(Rejected::Invalid([diags, pasted, unprintable].concat())),
    };
    let rs = match under.methodology {
        Some(rs) => rs,
        // Validation guarantees the workbook's ruleset exists.
        None => ruleset::find(&v.assessment.meta.methodology_version)
            .ok_or_else(|| Rejected::Invalid(vec![]))?,
    };
    let scored = score(&v.assessment, rs);
    let mut warnings = [pasted, v.warnings].concat();
    let mut d = Diagnostics::new(&wb.path);
    for w in &scored.warnings {
        d.warning(
            scoring_place(&wb, w),
            w.message.clone(),
            Some(scoring_help(w, &rs.id)),
        );
    }
    warnings.extend(d.into_vec());
    let id_place = wb
        .cell_of("Assessment", "field", "assessment_id", "value")
        .unwrap_or_else(Place::file);
    Ok(Prepared {
        scored,
        warnings,
        id_place,
    })
}

/// Cells of the printed sheets holding characters no font of the brief has: an error at
/// each cell, naming the characters, before any typesetting.
fn unprintable(wb: &load::Workbook, fonts: &Fonts) -> Vec<Diagnostic> {
    let mut d = Diagnostics::new(&wb.path);
    // Every sheet the brief prints: all but the Distribution sheet's private addresses.
    let printed = wb.sheets.iter().filter(|s| {
        sheets::SHEETS
            .iter()
            .filter(|spec| spec.name != sheets::DISTRIBUTION.name)
            .any(|spec| s.name.trim().eq_ignore_ascii_case(spec.name))
    });
    for sheet in printed {
        for row in &sheet.rows {
            for (col, v) in row.cells.iter().enumerate() {
                let Value::Text(t) = v else { continue };
                let mut missing: Vec<char> = t
                    .chars()
                    .filter(|c| !fonts.covers(*c) && !super::pasted::private_use(*c))
                    .collect();
                if missing.is_empty() {
                    if let Some(e) = split_cluster(t, fonts) {
                        let col = col as u32;
                        d.error(
                            Place::cell(&sheet.name, row.index, col),
                            format!(
                                "{} has a combining mark no single font of the brief can set on its letter: {e}",
                                header_word(sheet, col)
                            ),
                            Some("a mark prints on its letter only when one font has both: write the precomposed letter, remove the mark, or add a font that has both with --font-path DIR".into()),
                        );
                    }
                    continue;
                }
                missing.sort_unstable();
                missing.dedup();
                let col = col as u32;
                let what = header_word(sheet, col);
                let shown: Vec<String> = missing.iter().take(5).map(|c| shown(*c)).collect();
                let more = match missing.len() {
                    n if n > 5 => format!(" and {} more", n - 5),
                    _ => String::new(),
                };
                d.error(
                    Place::cell(&sheet.name, row.index, col),
                    format!(
                        "{what} has characters no font of the brief can set: {}{more}",
                        shown.join(", ")
                    ),
                    Some(unprintable_hint(&missing)),
                );
            }
        }
    }
    d.into_vec()
}

/// The column's key for a message (`narrative`), or "the cell".
fn header_word(sheet: &load::Sheet, col: u32) -> String {
    sheet
        .headers
        .iter()
        .find(|h| h.col == col)
        .map_or("the cell".to_string(), |h| format!("`{}`", h.key))
}

/// The first character cluster of `text` (a letter with its marks) that no one font can set
/// whole, shown with its code points.
fn split_cluster(text: &str, fonts: &Fonts) -> Option<String> {
    use unicode_segmentation::UnicodeSegmentation;
    text.graphemes(true)
        .filter(|g| g.chars().nth(1).is_some())
        .find(|g| !fonts.covers_together(g))
        .map(|g| {
            let points: Vec<String> = g.chars().map(|c| format!("U+{:04X}", c as u32)).collect();
            format!("`{g}` ({})", points.join(" "))
        })
}

/// A character no font has, for a message: a control character by its code point only,
/// so that it does not act on the terminal.
fn shown(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X} (a control character)", c as u32)
    } else {
        format!("`{c}` (U+{:04X})", c as u32)
    }
}

/// What to do about `missing` (sorted): delete control characters, add a font for the rest.
fn unprintable_hint(missing: &[char]) -> String {
    let control = "delete the control characters: they print nothing, and come with text pasted from other programs";
    match missing.iter().find(|c| !c.is_control()) {
        Some(&c) if missing[0].is_control() => format!("{control}; {}", font_hint(c)),
        Some(&c) => font_hint(c),
        None => control.to_string(),
    }
}

/// Which font to add for `c`.
fn font_hint(c: char) -> String {
    let family = match c as u32 {
        0x0590..=0x05FF => "Noto Sans Hebrew (Debian: fonts-noto-core)",
        0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            "Noto Sans Arabic (Debian: fonts-noto-core)"
        }
        0x0900..=0x097F => "Noto Sans Devanagari (Debian: fonts-noto-core)",
        0x0E00..=0x0E7F => "Noto Sans Thai (Debian: fonts-noto-core)",
        0x1100..=0x11FF | 0xAC00..=0xD7AF => {
            "Noto Sans CJK KR (Debian: fonts-noto-cjk; its PDFs fail PDF/A and PDF/UA validation, so pass --pdf-standard none)"
        }
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF => {
            "Droid Sans Fallback (Debian: fonts-droid-fallback), a TrueType font whose PDFs pass PDF/A and PDF/UA"
        }
        0x2200..=0x22FF | 0x27C0..=0x27EF | 0x2980..=0x2AFF | 0x1D400..=0x1D7FF => {
            "Noto Sans Math (Debian: fonts-noto-core)"
        }
        0x2600..=0x27BF | 0x1F300..=0x1FAFF => "Noto Emoji (Debian: fonts-noto-color-emoji)",
        _ => "a Noto font for that script (Debian: fonts-noto-core)",
    };
    format!("add a folder with a font that has them with --font-path DIR, e.g. {family}")
}

/// The cell a scoring warning is about: the layer's headline or the override's row.
fn scoring_place(wb: &load::Workbook, w: &Warning) -> Place {
    let find =
        |sheet: &str, key_col: &str, key: &str, col: &str| wb.cell_of(sheet, key_col, key, col);
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

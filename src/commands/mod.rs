//! The commands: each turns its arguments into a checked configuration, runs the stages and
//! maps the outcome to an exit status.
//!
//! Exit status policy: 0 when every workbook is valid (and, for `build`, built); 1 when some
//! workbook is invalid or not a workbook (the others are still processed); 2 for usage
//! errors (unknown ruleset, bad option) and I/O errors (unreadable folder, unwritable output);
//! `mail --send` exits with the number of messages it could not deliver.

pub mod build;
mod check;
mod export;
mod init;
mod mail;
mod rescore;
mod score;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::diag::{Diagnostic, Diagnostics, Place, Severity};
use crate::load::{self, LoadError, WORKBOOK_EXTENSIONS};
use crate::ruleset::{self, Ruleset};
use crate::score::{score, Scored, Warning, WarningKind};
use crate::validate::validate;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Everything valid and done.
    Ok,
    /// Some input was invalid.
    Invalid,
    /// Usage or I/O error.
    Failure,
    /// `mail --send`: this many messages were not delivered.
    Undelivered(u8),
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        ExitCode::from(match o {
            Outcome::Ok => 0,
            Outcome::Invalid => 1,
            Outcome::Failure => 2,
            Outcome::Undelivered(n) => n,
        })
    }
}

/// A usage or I/O error that stops a command.
#[derive(Debug)]
pub struct Fatal(pub String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Self {
        Fatal(e.to_string())
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Outcome {
    let result = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Score(a) => score::run(a),
        Command::Build(a) => build::run(a),
        Command::Init(a) => init::run(a),
        Command::Rescore(a) => rescore::run(a),
        Command::Mail(a) => mail::run(a),
        Command::ExportTypst(a) => export::run(a),
    };
    result.unwrap_or_else(|Fatal(msg)| {
        eprintln!("error: {msg}");
        Outcome::Failure
    })
}

/// The ruleset named by `--methodology`, checked up front.
pub fn methodology(name: Option<&str>) -> Result<Option<&'static Ruleset>, Fatal> {
    let Some(name) = name else { return Ok(None) };
    match ruleset::find(name) {
        Some(rs) => Ok(Some(rs)),
        None => Err(Fatal(format!(
            "unknown ruleset `{name}` for --methodology\n  help: {}",
            crate::diag::expected_one_of(name, &ruleset::names())
        ))),
    }
}

/// The workbooks named by `paths` (folders give their workbooks, sorted); no path means
/// `inputs/`. Paths that do not exist are returned as errors.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let default = [PathBuf::from("inputs")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            match std::fs::read_dir(p) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.is_file() && is_workbook_name(f))
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => errors.push(format!("{}: cannot read the folder ({e})", p.display())),
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            errors.push(format!("{}: no such file or folder", p.display()));
        }
    }
    // A workbook named twice (a folder and a file in it) is built once.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    (files, errors)
}

/// Workbook extensions, skipping the files office suites and editors leave beside open ones.
fn is_workbook_name(p: &Path) -> bool {
    let ext = p
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    WORKBOOK_EXTENSIONS.contains(&ext.as_str()) && !is_scratch_file(p)
}

/// Lock, hidden and temporary files (`~$a.xlsx`, `.~lock.a.ods#`, `.a.pdf.123.tmp`).
pub fn is_scratch_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.starts_with("~$") || name.starts_with('.') || name.ends_with(".tmp")
}

/// Why a workbook could not be scored.
#[derive(Debug)]
pub enum Rejected {
    /// Not a workbook at all.
    Load(LoadError),
    /// Validation found errors (warnings included, in order).
    Invalid(Vec<Diagnostic>),
}

impl Rejected {
    /// The rejection as text: every diagnostic, then a count.
    pub fn render(&self) -> String {
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
    pub fn report(&self) {
        eprint!("{}", self.render());
    }
}

/// A workbook that was loaded, validated and scored.
pub struct Prepared {
    pub scored: Scored,
    /// Validation warnings (unknown columns and fields) and scoring warnings, each with its place.
    pub warnings: Vec<Diagnostic>,
}

/// Load → validate → score under the workbook's ruleset or `methodology`.
pub fn prepare(path: &Path, methodology: Option<&Ruleset>) -> Result<Prepared, Rejected> {
    let wb = load::load(path).map_err(Rejected::Load)?;
    finish(wb, methodology)
}

/// [`prepare`] from the workbook's bytes, already read.
pub fn prepare_bytes(
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

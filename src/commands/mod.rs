//! Commands: each turns its arguments into a checked configuration, runs the stages and
//! maps the outcome to an exit status.
//!
//! Exit status policy, the worst [`Outcome`] of the run: 2 for usage errors (unknown ruleset,
//! bad option) and I/O errors (unreadable folder, unwritable output); else 3 when `mail` left
//! some message not delivered to every recipient; else 1 when some workbook is invalid or not
//! a workbook (the others are still processed); else 0.

mod build;
mod check;
mod export;
mod init;
mod mail;
mod portfolio;
mod rescore;
mod score;
mod site;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::batch::{BriefStatus, Summary};
use crate::cli::{Cli, Command, ReadArgs};
use crate::load::Limits;
use crate::pipeline::Under;
use crate::render::{Fonts, Templates};
use crate::ruleset::{self, Ruleset};
use typst_pdf::PdfStandard;

/// How a command ended. The variants are ordered by precedence, so the `max` of the
/// outcomes of a run is the one that decides its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Outcome {
    /// Everything valid and done: exit status 0.
    Ok,
    /// Some input was invalid: exit status 1.
    Invalid,
    /// `mail --send`: some message was not delivered to every recipient: exit status 3.
    Undelivered,
    /// Usage or I/O error: exit status 2.
    Failure,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        ExitCode::from(match o {
            Outcome::Ok => 0,
            Outcome::Invalid => 1,
            Outcome::Failure => 2,
            Outcome::Undelivered => 3,
        })
    }
}

/// A usage or I/O error that stops a command.
#[derive(Debug)]
pub(crate) struct Fatal(pub(crate) String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Self {
        Fatal(e.to_string())
    }
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Outcome {
    let result = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Score(a) => score::run(a),
        Command::Build(a) => build::run(a),
        Command::Init(a) => init::run(a),
        Command::Rescore(a) => rescore::run(a),
        Command::Mail(a) => mail::run(a),
        Command::ExportTypst(a) => export::run(a),
        Command::Portfolio(a) => portfolio::run(a),
        Command::Site(a) => site::run(a),
    };
    result.unwrap_or_else(|Fatal(msg)| {
        eprintln!("error: {msg}");
        Outcome::Failure
    })
}

/// The ruleset named by `--methodology`, checked up front.
pub(crate) fn methodology(name: Option<&str>) -> Result<Option<&'static Ruleset>, Fatal> {
    ruleset_named(name, "--methodology")
}

/// The ruleset `name` given to `flag`, checked up front.
pub(crate) fn ruleset_named(
    name: Option<&str>,
    flag: &str,
) -> Result<Option<&'static Ruleset>, Fatal> {
    let Some(name) = name else { return Ok(None) };
    match ruleset::find(name) {
        Some(rs) => Ok(Some(rs)),
        None => Err(Fatal(format!(
            "unknown ruleset `{name}` for {flag}\n  help: {}",
            crate::diag::expected_one_of(name, &ruleset::names())
        ))),
    }
}

/// The PDF standards of `--pdf-standard` (`none`: a plain PDF).
pub(crate) fn pdf_standards(list: &str) -> Result<Vec<PdfStandard>, Fatal> {
    if list.trim().eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    list.split(',')
        .map(crate::render::parse_standard)
        .collect::<Result<Vec<_>, _>>()
        .map_err(Fatal)
}

/// The embedded templates, or those of `dir` over them.
pub(crate) fn load_templates(dir: Option<&PathBuf>) -> Result<Templates, Fatal> {
    match dir {
        Some(dir) if !dir.is_dir() => Err(Fatal(format!(
            "{}: no such templates folder",
            dir.display()
        ))),
        Some(dir) => {
            Templates::with_overrides(dir).map_err(|e| Fatal(format!("{}: {e}", dir.display())))
        }
        None => Ok(Templates::embedded()),
    }
}

/// How workbooks are read: the limits of `--max-…` and the fonts of `--font-path` and
/// `$LAYERBRIEF_FONT_PATH`.
pub(crate) struct Reading {
    pub(crate) limits: Limits,
    pub(crate) fonts: Fonts,
}

impl Reading {
    pub(crate) fn new(args: &ReadArgs) -> Result<Self, Fatal> {
        let mut dirs = args.font_path.clone();
        if let Some(env) = std::env::var_os("LAYERBRIEF_FONT_PATH") {
            dirs.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
        }
        let fonts = if dirs.is_empty() {
            Fonts::embedded()
        } else {
            Fonts::with_paths(&dirs).map_err(Fatal)?
        };
        let limits = Limits {
            max_file_bytes: args.max_file_size,
            max_unpacked_bytes: args.max_unpacked_size,
            max_rows: args.max_rows,
            max_columns: args.max_columns,
            max_cells: args.max_cells,
            max_cell_chars: args.max_cell_chars,
            max_shared_strings: args.max_shared_strings,
            max_text_bytes: args.max_text,
        };
        Ok(Self { limits, fonts })
    }

    /// Preparing under `methodology` (`None`: each workbook's own) with these limits and fonts.
    pub(crate) fn under<'a>(&'a self, methodology: Option<&'a Ruleset>) -> Under<'a> {
        Under {
            methodology,
            limits: &self.limits,
            fonts: &self.fonts,
        }
    }
}

/// Reports the inputs that could not be found; `Failure` when there were any.
fn report_input_errors(errors: &[String]) -> Outcome {
    for e in errors {
        eprintln!("error: {e}");
    }
    if errors.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Failure
    }
}

/// The exit status a batch earns: `Invalid` when some workbook was invalid, `Failure` when
/// some brief could not be typeset or written, or the manifest could not be saved.
fn batch_outcome(summary: &Summary) -> Outcome {
    let worst = summary
        .results
        .iter()
        .map(|r| match r.status {
            BriefStatus::Invalid => Outcome::Invalid,
            BriefStatus::Failed => Outcome::Failure,
            BriefStatus::Built { .. } | BriefStatus::Unchanged => Outcome::Ok,
        })
        .max()
        .unwrap_or(Outcome::Ok);
    if summary.manifest_error.is_some() {
        Outcome::Failure
    } else {
        worst
    }
}

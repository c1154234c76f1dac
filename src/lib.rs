//! layerbrief: assessment workbooks in, client-ready PDF briefs out.
//!
//! The tree reads as the pipeline; each folder is a stage, and imports only point down:
//!
//! ```text
//! commands → publish → build → render → view → score → validate → load → model
//! ```
//!
//! - [`load`]: a workbook file into sheets of typed cells (bounded pre-scan first);
//! - [`validate`]: cells into a typed [`model::Assessment`], every problem at its cell;
//! - [`score`]: the DAPM rules of a ruleset applied, every value with its rule;
//! - `view`: one typed projection of a scored assessment per output (brief data, scorecard,
//!   published record, portfolio row, email, web pages), every label made once;
//! - [`render`]: Typst in process (and minijinja for text), a view into PDF bytes or pages;
//! - `build`: many workbooks, incremental, on all cores, written atomically;
//! - `publish`: mail, the portfolio, the web edition, the blank workbook;
//! - `commands`: the command line, one file per command.
//!
//! An embedder uses the stages and their data ([`model`]), or the whole command line through
//! [`run`].

pub mod load;
pub mod model;
pub mod render;
pub mod score;
pub mod validate;

mod build;
mod commands;
mod publish;
mod view;

use std::ffi::OsString;
use std::process::ExitCode;

/// Runs the `layerbrief` command line (`args` as `std::env::args_os()` gives them, the
/// program name first) and returns its exit status.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = commands::args::Cli::command();
    // The settings files change the command line's defaults; a bad file stops the run.
    let project = match commands::project::Project::load(&args, &cli) {
        Ok(p) => p,
        Err(problems) => {
            eprintln!("{}", model::diag::paint(&problems));
            return ExitCode::from(2);
        }
    };
    let parsed = project
        .apply(cli)
        .try_get_matches_from(&args)
        .and_then(|m| commands::args::Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => commands::run(cli, &project).into(),
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with 2.
            let _ = e.print();
            ExitCode::from(if e.use_stderr() { 2 } else { 0 })
        }
    }
}

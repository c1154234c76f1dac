//! layerbrief: assessment workbooks in, client-ready PDF briefs out.
//!
//! The pipeline runs one way through five stages, each a module with one entry point:
//! [`load::load`] → [`validate::validate`] → [`score::score`] → [`render::render`] → write
//! (atomic, by the commands). An embedder uses those stages, the data they pass along
//! ([`model`], [`ruleset`], [`diag`]), or the whole command line through [`run`].
//!
//! Inside the crate, imports only point down: `commands` → `site` → `portfolio` → `batch`,
//! `mail`, `rescore`, `record`, `scorecard` → `pipeline` → `render` → `score` → `validate` →
//! `load`, with `model`, `diag`, `schema` and `ruleset` below them all.

pub mod diag;
pub mod load;
pub mod model;
pub mod render;
pub mod ruleset;
pub mod score;
pub mod validate;

mod batch;
mod blank;
mod cli;
mod commands;
mod inputs;
mod mail;
mod manifest;
mod output;
mod pipeline;
mod portfolio;
mod record;
mod rescore;
mod schema;
mod scorecard;
mod site;

/// Writes workbooks from text sheets, typed as Excel types entries: the fixtures of the
/// tests, benches and examples. Not part of the supported API.
#[doc(hidden)]
pub mod xlsx;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

/// Runs the `layerbrief` command line (`args` as `std::env::args_os()` gives them, the
/// program name first) and returns its exit status.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match cli::Cli::try_parse_from(args) {
        Ok(cli) => commands::run(cli).into(),
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with 2.
            let _ = e.print();
            ExitCode::from(if e.use_stderr() { 2 } else { 0 })
        }
    }
}

//! Commands: each turns its arguments into a checked configuration ([`setup`]), runs the
//! stages and maps the outcome to an exit status.
//!
//! Exit status policy, the worst [`Outcome`] of the run: 2 for usage errors (unknown ruleset,
//! bad option) and I/O errors (unreadable folder, unwritable output); else 3 when `mail` left
//! some message not delivered to every recipient; else 1 when some workbook is invalid or not
//! a workbook (the others are still processed); else 0.

pub(crate) mod args;
mod build;
mod check;
mod config;
mod diff;
mod docs;
mod export;
pub(crate) mod init;
mod mail;
mod portfolio;
mod preview;
pub(crate) mod project;
mod rescore;
mod score;
mod setup;
mod site;
mod versions;
mod watch;

use std::process::ExitCode;

use args::{Cli, Command};

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

/// A usage or I/O error that stops a command: what was being done, to which file, and why.
#[derive(Debug)]
pub(crate) struct Fatal(pub(crate) String);

impl Fatal {
    /// `doing` failed because of `why`: "`out/portfolio.csv`: cannot write (No space left)".
    pub(crate) fn when(doing: impl std::fmt::Display, why: impl std::fmt::Display) -> Self {
        Fatal(format!("{doing}: {why}"))
    }
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli, project: &project::Project) -> Outcome {
    let result = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Score(a) => score::run(a),
        Command::Build(a) if a.watch => watch::run(&a),
        Command::Build(a) => build::run(a),
        Command::Init(a) => init::run(a),
        Command::Rescore(a) => rescore::run(a),
        Command::Mail(a) => mail::run(a),
        Command::ExportTypst(a) => export::run(a),
        Command::Portfolio(a) => portfolio::run(a),
        Command::Site(a) => site::run(a),
        Command::Preview(a) => preview::run(a),
        Command::Completions(a) => docs::completions(a),
        Command::Man(a) => docs::man(a),
        Command::Config(a) => config::run(a, project),
        Command::Versions(a) => versions::run(a),
        Command::Diff(a) => diff::run(a),
    };
    result.unwrap_or_else(|Fatal(msg)| {
        eprintln!("{}", crate::model::diag::paint(&format!("error: {msg}")));
        Outcome::Failure
    })
}

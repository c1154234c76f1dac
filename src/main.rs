//! The `layerbrief` command: parse, dispatch, map the outcome to the exit status.

use std::process::ExitCode;

use clap::Parser;
use layerbrief::cli::Cli;

fn main() -> ExitCode {
    // A bug must not greet an analyst with a backtrace: one line, and exit status 2.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        eprintln!("error: internal error in layerbrief ({msg}); please report it with the input that caused it");
    }));
    let cli = Cli::parse();
    match std::panic::catch_unwind(|| layerbrief::commands::run(cli)) {
        Ok(outcome) => outcome.into(),
        Err(_) => ExitCode::from(2),
    }
}

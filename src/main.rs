//! The `layerbrief` command: install the panic message, run the command line, exit.

use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must not greet an analyst with a backtrace: one line, and exit status 2.
    // A panic inside the spreadsheet reader means a damaged file, reported as such for that
    // file alone: no hook message then.
    std::panic::set_hook(Box::new(|info| {
        if layerbrief::load::panic_is_expected() {
            return;
        }
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        eprintln!("error: internal error in layerbrief ({msg}); please report it with the input that caused it");
    }));
    std::panic::catch_unwind(|| layerbrief::run(std::env::args_os())).unwrap_or(ExitCode::from(2))
}

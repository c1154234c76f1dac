//! Commands: `completions` and `man`, made from the command line's own definition, so they
//! never drift from what the binary accepts.

use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs, ManArgs};
use super::{Fatal, Outcome};
use crate::build::output::write_atomic;

/// Prints the completion script of `a.shell` on standard output.
pub(super) fn completions(a: CompletionsArgs) -> Result<Outcome, Fatal> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "layerbrief", &mut script);
    // A reader that stops early (`| head`) is not an error.
    match std::io::Write::write_all(&mut std::io::stdout(), &script) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Fatal::when("standard output", e))
        }
        _ => Ok(Outcome::Ok),
    }
}

/// Writes `layerbrief.1` and a `layerbrief-<command>.1` per command into `a.dir`.
pub(super) fn man(a: ManArgs) -> Result<Outcome, Fatal> {
    std::fs::create_dir_all(&a.dir).map_err(|e| Fatal::when(a.dir.display(), e))?;
    let top = Cli::command();
    let mut pages = vec![("layerbrief".to_string(), top.clone())];
    for sub in top.get_subcommands().filter(|s| s.get_name() != "help") {
        // A page's title is its command's name; clap wants it for the program's life.
        let name: &'static str =
            Box::leak(format!("layerbrief-{}", sub.get_name()).into_boxed_str());
        let version = env!("CARGO_PKG_VERSION");
        let bin: &'static str =
            Box::leak(format!("layerbrief {}", sub.get_name()).into_boxed_str());
        let page = sub.clone().name(name).bin_name(bin).version(version);
        pages.push((name.to_string(), page));
    }
    for (name, cmd) in pages {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd)
            .render(&mut page)
            .map_err(|e| Fatal::when(&name, e))?;
        let path = a.dir.join(format!("{name}.1"));
        write_atomic(&path, &page).map_err(|e| Fatal::when(path.display(), e))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(Outcome::Ok)
}

//! Commands: `build --watch`, which rebuilds when a workbook or template is saved.
//!
//! Policy: watch the input folders (or the folders of input files) and the templates folder;
//! after a burst of file events settles, collect the inputs again (new workbooks join),
//! reload custom templates, run the same incremental build and print one status line.
//! Events from the output folder, office lock files and temporary files are ignored.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use super::once;
use crate::cli::BuildArgs;
use crate::commands::{Fatal, Outcome};
use crate::inputs::{self, is_scratch_file};

/// Whether an event on `path` can change a brief: not a scratch file, not in the output
/// folder (`out` as given, and `out_abs` canonical).
fn relevant(path: &Path, out: &Path, out_abs: &Path) -> bool {
    !is_scratch_file(path) && !path.starts_with(out) && !path.starts_with(out_abs)
}

pub(super) fn run(args: &BuildArgs) -> Result<Outcome, Fatal> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            let _ = tx.send(event.paths);
        }
    })
    .map_err(|e| Fatal(format!("cannot watch for changes: {e}")))?;
    let mut watched = Vec::new();
    for p in inputs::roots(&args.inputs.paths)
        .iter()
        .chain(args.brief.templates.iter())
    {
        let (target, mode) = if p.is_dir() {
            (p.clone(), RecursiveMode::Recursive)
        } else {
            (
                p.parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .map_or(PathBuf::from("."), Path::to_path_buf),
                RecursiveMode::NonRecursive,
            )
        };
        watcher
            .watch(&target, mode)
            .map_err(|e| Fatal(format!("cannot watch {}: {e}", target.display())))?;
        watched.push(target.display().to_string());
    }
    eprintln!("watching {} (Ctrl-C to stop)", watched.join(", "));
    let stamp = || chrono::Local::now().format("%H:%M:%S");
    let (_, line) = once(args)?;
    let out = &args.brief.out;
    let out_abs = std::fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
    eprintln!("[{}] {line}", stamp());
    loop {
        let Ok(paths) = rx.recv() else {
            return Ok(Outcome::Ok);
        };
        let mut hit = paths.iter().any(|p| relevant(p, &args.brief.out, &out_abs));
        // Let a burst of events (save = write temp, rename, touch) settle.
        while let Ok(more) = rx.recv_timeout(Duration::from_millis(300)) {
            hit |= more.iter().any(|p| relevant(p, &args.brief.out, &out_abs));
        }
        if hit {
            match once(args) {
                Ok((_, line)) => eprintln!("[{}] {line}", stamp()),
                Err(Fatal(msg)) => eprintln!("[{}] error: {msg}", stamp()),
            }
        }
    }
}

//! Commands: `layerbrief init`, a blank workbook to start an assessment from (or a filled
//! example to learn from), and a commented project file when none is in use from here.

use std::path::Path;

use super::project::{find_project, PROJECT_FILE};
use super::{Fatal, Outcome};
use crate::build::output::write_atomic;
use crate::commands::args::InitArgs;

/// The commented project file `init` writes.
pub(crate) const PROJECT_TEMPLATE: &str = include_str!("project/layerbrief.toml");

pub(super) fn run(args: InitArgs) -> Result<Outcome, Fatal> {
    match &args.path {
        Some(path) => {
            workbook(path, args.example, args.force)?;
            project_file(false, false)?;
        }
        None => project_file(true, args.force)?,
    }
    Ok(Outcome::Ok)
}

fn workbook(path: &Path, example: bool, force: bool) -> Result<(), Fatal> {
    if path.exists() && !force {
        return Err(Fatal(format!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        )));
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext != "xlsx" {
        return Err(Fatal(format!(
            "{}: init writes .xlsx workbooks; name the file *.xlsx",
            path.display()
        )));
    }
    let made = if example {
        crate::publish::blank::example_workbook()
    } else {
        crate::publish::blank::blank_workbook()
    };
    let bytes = made.map_err(|e| Fatal(format!("cannot make the workbook: {e}")))?;
    write_atomic(path, &bytes).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
    let what = if example {
        "a filled fictional assessment; `layerbrief build` it, then change it to learn how each cell moves the brief"
    } else {
        "fill in the sheets, then run `layerbrief check` on it"
    };
    println!("wrote {}: {what}", path.display());
    println!("  next: layerbrief check {}", path.display());
    Ok(())
}

/// Writes `layerbrief.toml` here when no project file is in use from here. `asked`: the
/// file is what the run is for, so one in use is said plainly (an error), unless `force`
/// asks for one here under a folder above that has its own.
fn project_file(asked: bool, force: bool) -> Result<(), Fatal> {
    let cwd = std::env::current_dir().map_err(|e| Fatal::when("the current folder", e))?;
    if let Some((_, up)) = find_project(&cwd).filter(|(_, up)| !(force && *up > 0)) {
        let shown: std::path::PathBuf = std::iter::repeat_n("..", up).collect();
        let shown = shown.join(PROJECT_FILE);
        if asked && up == 0 {
            return Err(Fatal(format!(
                "{PROJECT_FILE} already exists here\n  help: `layerbrief config` shows what it sets"
            )));
        }
        if asked {
            return Err(Fatal(format!(
                "{} is the project file of this folder; nothing written\n  help: edit that one, or pass --force for one here that takes its place",
                shown.display()
            )));
        }
        return Ok(());
    }
    write_atomic(Path::new(PROJECT_FILE), PROJECT_TEMPLATE.as_bytes())
        .map_err(|e| Fatal::when(PROJECT_FILE, e))?;
    println!(
        "wrote {PROJECT_FILE}: the settings of this folder's runs, commented; `layerbrief config` shows them"
    );
    Ok(())
}

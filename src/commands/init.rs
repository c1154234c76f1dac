//! Commands: `layerbrief init`, a blank workbook to start an assessment from, or a filled
//! example to learn from.

use super::{Fatal, Outcome};
use crate::commands::args::InitArgs;

pub(super) fn run(args: InitArgs) -> Result<Outcome, Fatal> {
    if args.path.exists() && !args.force {
        return Err(Fatal(format!(
            "{} already exists; pass --force to overwrite it",
            args.path.display()
        )));
    }
    let ext = args
        .path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext != "xlsx" {
        return Err(Fatal(format!(
            "{}: init writes .xlsx workbooks; name the file *.xlsx",
            args.path.display()
        )));
    }
    let made = if args.example {
        crate::publish::blank::example_workbook()
    } else {
        crate::publish::blank::blank_workbook()
    };
    let bytes = made.map_err(|e| Fatal(format!("cannot make the workbook: {e}")))?;
    crate::build::output::write_atomic(&args.path, &bytes)
        .map_err(|e| Fatal(format!("{}: {e}", args.path.display())))?;
    let what = if args.example {
        "a filled fictional assessment; `layerbrief build` it, then change it to learn how each cell moves the brief"
    } else {
        "fill in the sheets, then run `layerbrief check` on it"
    };
    println!("wrote {}: {what}", args.path.display());
    println!("  next: layerbrief check {}", args.path.display());
    Ok(Outcome::Ok)
}

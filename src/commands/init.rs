//! Commands: `layerbrief init`, a blank workbook to start an assessment from.

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
    let bytes = crate::publish::blank::blank_workbook()
        .map_err(|e| Fatal(format!("cannot make the workbook: {e}")))?;
    crate::build::output::write_atomic(&args.path, &bytes)
        .map_err(|e| Fatal(format!("{}: {e}", args.path.display())))?;
    println!(
        "wrote {}: fill in the sheets, then run `layerbrief check {}`",
        args.path.display(),
        args.path.display()
    );
    Ok(Outcome::Ok)
}

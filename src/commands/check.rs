//! Commands: `layerbrief check`, which validates and scores workbooks and reports every
//! problem.

use super::args::CheckArgs;
use super::setup::{collect_inputs, methodology, Reading};
use super::{Fatal, Outcome};
use crate::build::prepare::prepare;

pub(super) fn run(args: CheckArgs) -> Result<Outcome, Fatal> {
    let rs = methodology(args.methodology.methodology.as_deref())?;
    let reading = Reading::new(&args.read)?;
    let files = collect_inputs(&args.inputs.paths, false)?;
    let mut outcome = Outcome::Ok;
    let (mut valid, mut invalid) = (0, 0);
    for file in &files {
        match prepare(file, reading.under(rs)) {
            Ok(p) => {
                valid += 1;
                for w in &p.warnings {
                    eprintln!("{w}\n");
                }
                let scored = p
                    .scored
                    .components
                    .iter()
                    .filter(|c| c.score.is_some())
                    .count();
                let warnings = p.warnings.len();
                println!(
                    "{}: ok ({} under {}, {scored} scored components, {warnings} warning{})",
                    file.display(),
                    p.scored.assessment.meta.assessment_id,
                    p.scored.ruleset.id,
                    if warnings == 1 { "" } else { "s" }
                );
            }
            Err(r) => {
                invalid += 1;
                r.report();
                println!("{}: invalid", file.display());
                outcome = outcome.max(Outcome::Invalid);
            }
        }
    }
    if files.len() > 1 {
        println!("{valid} valid, {invalid} invalid");
    }
    Ok(outcome)
}

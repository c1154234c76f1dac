//! `layerbrief check`: validate and score, report everything.

use super::{collect_inputs, methodology, prepare, Fatal, Outcome};
use crate::cli::CheckArgs;

pub fn run(args: CheckArgs) -> Result<Outcome, Fatal> {
    let rs = methodology(args.methodology.methodology.as_deref())?;
    let (files, errors) = collect_inputs(&args.inputs.paths);
    let mut outcome = Outcome::Ok;
    for e in &errors {
        eprintln!("error: {e}");
        outcome = Outcome::Failure;
    }
    if files.is_empty() && errors.is_empty() {
        return Err(Fatal(
            "no workbooks found (.xlsx, .xlsm, .xls, .xlsb, .ods)".into(),
        ));
    }
    let (mut valid, mut invalid) = (0, 0);
    for file in &files {
        match prepare(file, rs) {
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

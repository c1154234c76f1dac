//! Commands: `layerbrief check`, which validates and scores workbooks and reports every
//! problem: as text for people (coloured on a terminal), or `--format json`, one JSON object
//! a line on stdout, for scripts and editors.

use serde_json::json;

use super::args::{CheckArgs, FormatArg};
use super::setup::{collect_inputs, methodology, Reading};
use super::{Fatal, Outcome};
use crate::build::prepare::prepare;
use crate::model::diag::paint;

pub(super) fn run(args: CheckArgs) -> Result<Outcome, Fatal> {
    let rs = methodology(args.methodology.methodology.as_deref())?;
    let reading = Reading::new(&args.read)?;
    let files = collect_inputs(&args.inputs.paths, false)?;
    let json = args.format == FormatArg::Json;
    let mut outcome = Outcome::Ok;
    let (mut valid, mut invalid) = (0, 0);
    for file in &files {
        match prepare(file, reading.under(rs)) {
            Ok(p) => {
                valid += 1;
                let scored = p
                    .scored
                    .components
                    .iter()
                    .filter(|c| c.score.is_some())
                    .count();
                let warnings = p.warnings.len();
                let m = &p.scored.assessment.meta;
                if json {
                    for w in &p.warnings {
                        println!("{}", w.to_json());
                    }
                    let result = json!({"type": "result", "file": file.display().to_string(), "valid": true, "assessment_id": m.assessment_id, "ruleset": p.scored.ruleset.id, "scored_components": scored, "warnings": warnings});
                    println!("{result}");
                    continue;
                }
                for w in &p.warnings {
                    eprintln!("{}\n", paint(&w.to_string()));
                }
                println!(
                    "{}: ok ({} under {}, {scored} scored components, {warnings} warning{})",
                    file.display(),
                    m.assessment_id,
                    p.scored.ruleset.id,
                    if warnings == 1 { "" } else { "s" }
                );
            }
            Err(r) => {
                invalid += 1;
                outcome = outcome.max(Outcome::Invalid);
                if json {
                    for d in r.diagnostics() {
                        println!("{}", d.to_json());
                    }
                    println!(
                        "{}",
                        json!({"type": "result", "file": file.display().to_string(), "valid": false})
                    );
                    continue;
                }
                r.report();
                println!("{}: invalid", file.display());
            }
        }
    }
    if files.len() > 1 && !json {
        println!("{valid} valid, {invalid} invalid");
    }
    Ok(outcome)
}

//! `layerbrief build`: validate, score and typeset workbooks into PDF briefs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::json;

use super::{collect_inputs, methodology, prepare, Fatal, Outcome};
use crate::cli::BuildArgs;
use crate::output::{output_name, write_atomic};
use crate::render::{self, Engine, RenderOptions, Templates};

/// The checked configuration of a build.
pub struct BuildConfig {
    pub files: Vec<PathBuf>,
    pub out: PathBuf,
    pub methodology: Option<&'static crate::ruleset::Ruleset>,
    pub name_pattern: String,
    pub render: RenderOptions,
}

pub fn run(args: BuildArgs) -> Result<Outcome, Fatal> {
    let rs = methodology(args.methodology.methodology.as_deref())?;
    let standards = if args.pdf_standard.trim().eq_ignore_ascii_case("none") {
        Vec::new()
    } else {
        args.pdf_standard
            .split(',')
            .map(render::parse_standard)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Fatal)?
    };
    let templates = match &args.templates {
        Some(dir) if !dir.is_dir() => {
            return Err(Fatal(format!(
                "{}: no such templates folder",
                dir.display()
            )))
        }
        Some(dir) => {
            Templates::with_overrides(dir).map_err(|e| Fatal(format!("{}: {e}", dir.display())))?
        }
        None => Templates::embedded(),
    };
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
    let config = BuildConfig {
        files,
        out: args.out,
        methodology: rs,
        name_pattern: args.name_pattern,
        render: RenderOptions {
            paper: args.paper,
            standards,
        },
    };
    let engine = Engine::new(templates);
    Ok(outcome.max(build(&engine, &config)))
}

/// Builds every workbook of `config`; one failure does not stop the others.
pub fn build(engine: &Engine, config: &BuildConfig) -> Outcome {
    let started = Instant::now();
    let mut outcome = Outcome::Ok;
    let (mut built, mut failed) = (0, 0);
    let mut claimed: HashMap<PathBuf, PathBuf> = HashMap::new();
    for file in &config.files {
        let brief_started = Instant::now();
        let p = match prepare(file, config.methodology) {
            Ok(p) => p,
            Err(r) => {
                r.report();
                eprintln!(
                    "{}: not built; the earlier brief, if any, is left as it was",
                    file.display()
                );
                failed += 1;
                outcome = outcome.max(Outcome::Invalid);
                continue;
            }
        };
        for w in &p.warnings {
            eprintln!("{w}\n");
        }
        let m = &p.scored.assessment.meta;
        let vars = json!({
            "assessment_id": m.assessment_id,
            "vendor": m.vendor,
            "doc_version": m.doc_version,
            "methodology": p.scored.ruleset.id,
            "date": m.date_assessed.format("%Y-%m-%d").to_string(),
        });
        let name = match output_name(&config.name_pattern, &vars) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                failed += 1;
                outcome = Outcome::Failure;
                continue;
            }
        };
        let target = config.out.join(&name);
        if let Some(first) = claimed.get(&target) {
            eprintln!(
                "error: {}: would write {}, which {} already wrote\n  help: give each assessment its own assessment_id",
                file.display(),
                target.display(),
                first.display()
            );
            failed += 1;
            outcome = outcome.max(Outcome::Invalid);
            continue;
        }
        let rendered = render::render(engine, &p.scored, &config.render);
        comemo::evict(10);
        let rendered = match rendered {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}");
                eprintln!("{}: not built (typesetting failed)", file.display());
                failed += 1;
                outcome = Outcome::Failure;
                continue;
            }
        };
        for w in &rendered.warnings {
            eprintln!("{w}\n  --> {}", file.display());
        }
        if let Err(e) = write_atomic(&target, &rendered.pdf) {
            eprintln!("error: {}: cannot write ({e})", target.display());
            failed += 1;
            outcome = Outcome::Failure;
            continue;
        }
        claimed.insert(target.clone(), file.clone());
        built += 1;
        eprintln!(
            "built {} ({} pages, {} KiB, {:.2} s)",
            target.display(),
            rendered.pages,
            rendered.pdf.len().div_ceil(1024),
            brief_started.elapsed().as_secs_f64()
        );
    }
    eprintln!(
        "{built} built, {failed} failed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    outcome
}

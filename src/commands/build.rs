//! `layerbrief build`: validate, score and typeset workbooks into PDF briefs.

use std::path::PathBuf;

use super::{collect_inputs, methodology, Fatal, Outcome};
use crate::batch::{self, BuildConfig, Reporter};
use crate::cli::BuildArgs;
use crate::render::{self, Engine, RenderOptions, Templates};

/// The embedded templates, or those of `dir` over them.
pub fn load_templates(dir: Option<&PathBuf>) -> Result<Templates, Fatal> {
    match dir {
        Some(dir) if !dir.is_dir() => Err(Fatal(format!(
            "{}: no such templates folder",
            dir.display()
        ))),
        Some(dir) => {
            Templates::with_overrides(dir).map_err(|e| Fatal(format!("{}: {e}", dir.display())))
        }
        None => Ok(Templates::embedded()),
    }
}

/// The checked build configuration of `args` (inputs collected now).
pub fn config(args: &BuildArgs) -> Result<(BuildConfig, Vec<String>), Fatal> {
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
    let (mut files, errors) = collect_inputs(&args.inputs.paths);
    if files.is_empty() && errors.is_empty() && !args.watch {
        return Err(Fatal(
            "no workbooks found (.xlsx, .xlsm, .xls, .xlsb, .ods)".into(),
        ));
    }
    if let Some((k, n)) = args.shard {
        files = batch::shard(&files, k, n);
    }
    let config = BuildConfig {
        files,
        out: args.out.clone(),
        methodology: rs,
        name_pattern: args.name_pattern.clone(),
        render: RenderOptions {
            paper: args.paper,
            standards,
        },
        force: args.force,
        shard: args.shard,
    };
    Ok((config, errors))
}

pub fn run(args: BuildArgs) -> Result<Outcome, Fatal> {
    if args.watch {
        return crate::watch::run(&args);
    }
    let (config, errors) = config(&args)?;
    let mut outcome = Outcome::Ok;
    for e in &errors {
        eprintln!("error: {e}");
        outcome = Outcome::Failure;
    }
    let engine = Engine::new(load_templates(args.templates.as_ref())?);
    let reporter = Reporter::new(config.files.len());
    let summary = batch::build(&engine, &config, &reporter);
    eprintln!("{}", summary.line());
    Ok(outcome.max(summary.outcome))
}

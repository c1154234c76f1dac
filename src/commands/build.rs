//! `layerbrief build`: validate, score and typeset workbooks into PDF briefs.

use std::path::PathBuf;

use super::{collect_inputs, methodology, Fatal, Outcome};
use crate::batch::{self, BuildConfig, Reporter};
use crate::cli::{BriefArgs, BuildArgs};
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
    brief_config(
        &args.inputs.paths,
        &args.brief,
        args.methodology.methodology.as_deref(),
        args.shard,
        args.watch,
    )
}

/// The checked build configuration shared by `build` and `mail`.
pub fn brief_config(
    paths: &[PathBuf],
    args: &BriefArgs,
    methodology_name: Option<&str>,
    shard: Option<(u32, u32)>,
    allow_empty: bool,
) -> Result<(BuildConfig, Vec<String>), Fatal> {
    let rs = methodology(methodology_name)?;
    let standards = if args.pdf_standard.trim().eq_ignore_ascii_case("none") {
        Vec::new()
    } else {
        args.pdf_standard
            .split(',')
            .map(render::parse_standard)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Fatal)?
    };
    let (mut files, errors) = collect_inputs(paths);
    if files.is_empty() && errors.is_empty() && !allow_empty {
        return Err(Fatal(
            "no workbooks found (.xlsx, .xlsm, .xls, .xlsb, .ods)".into(),
        ));
    }
    if let Some((k, n)) = shard {
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
        shard,
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
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
    let engine = Engine::new(load_templates(args.brief.templates.as_ref())?);
    let reporter = Reporter::new(config.files.len());
    let summary = batch::build(&engine, &config, &reporter);
    eprintln!("{}", summary.line());
    Ok(outcome.max(summary.outcome))
}

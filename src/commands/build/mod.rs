//! Commands: `layerbrief build`, which validates, scores and typesets workbooks into PDF
//! briefs, once or (`--watch`) on every save.

mod watch;

use std::path::PathBuf;

use super::{
    batch_outcome, load_templates, methodology, pdf_standards, report_input_errors, Fatal, Outcome,
    Reading,
};
use crate::batch::{self, BuildConfig, Reporter};
use crate::cli::{BriefArgs, BuildArgs};
use crate::inputs;
use crate::load::Limits;
use crate::render::{Engine, RenderOptions};

/// The checked build configuration of `args` (inputs collected now).
fn config(args: &BuildArgs) -> Result<(BuildConfig, Vec<String>), Fatal> {
    brief_config(
        &args.inputs.paths,
        &args.brief,
        args.methodology.methodology.as_deref(),
        args.shard,
        args.watch,
    )
}

/// The engine of a build: its templates, and the fonts of `reading`.
pub(super) fn engine(args: &BriefArgs, reading: Reading) -> Result<(Engine, Limits), Fatal> {
    let templates = load_templates(args.typeset.templates.as_ref())?;
    Ok((Engine::with_fonts(templates, reading.fonts), reading.limits))
}

/// The checked build configuration shared by `build` and `mail`, with the inputs that could
/// not be found.
pub(super) fn brief_config(
    paths: &[PathBuf],
    args: &BriefArgs,
    methodology_name: Option<&str>,
    shard: Option<(u32, u32)>,
    allow_empty: bool,
) -> Result<(BuildConfig, Vec<String>), Fatal> {
    let rs = methodology(methodology_name)?;
    let standards = pdf_standards(&args.typeset.pdf_standard)?;
    let (mut files, errors) = inputs::collect(paths);
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
            paper: args.typeset.paper,
            standards,
        },
        force: args.typeset.force,
        limits: Limits::default(),
        shard,
        jobs: args
            .typeset
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
    };
    Ok((config, errors))
}

pub(super) fn run(args: BuildArgs) -> Result<Outcome, Fatal> {
    if args.watch {
        return watch::run(&args);
    }
    let (mut config, errors) = config(&args)?;
    let found = report_input_errors(&errors);
    let (engine, limits) = engine(&args.brief, Reading::new(&args.read)?)?;
    config.limits = limits;
    let summary = batch::build(&engine, &config, &Reporter::new(config.files.len()));
    eprintln!("{}", summary.line());
    Ok(found.max(batch_outcome(&summary)))
}

/// One build of `args` with progress as plain lines: its exit status and summary line.
fn once(args: &BuildArgs) -> Result<(Outcome, String), Fatal> {
    let (mut config, errors) = config(args)?;
    let found = report_input_errors(&errors);
    let (engine, limits) = engine(&args.brief, Reading::new(&args.read)?)?;
    config.limits = limits;
    let summary = batch::build(&engine, &config, &Reporter::new(0));
    Ok((found.max(batch_outcome(&summary)), summary.line()))
}

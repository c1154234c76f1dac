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
        keep_cached: batch::KEEP_CACHED,
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

/// What a watch keeps between rebuilds: the engine (fonts, library, parsed templates) and,
/// process-wide, Typst's caches. A new engine only when the templates changed.
struct Warm {
    engine: Engine,
    limits: Limits,
    /// Briefs whose layout stays in Typst's caches (see [`batch::KEEP_CACHED`]): every brief
    /// of the last rebuild's folder, up to [`WATCH_KEEP_CACHED`].
    keep_cached: usize,
}

/// Briefs whose layout a watch keeps cached at most: every brief of a folder up to this size.
const WATCH_KEEP_CACHED: usize = 64;

/// One build of `args` with progress as plain lines, reusing `warm`: its exit status and
/// summary line. The time in the line runs from this call (the rebuild's start) to the end.
fn once(args: &BuildArgs, warm: &mut Option<Warm>) -> Result<(Outcome, String), Fatal> {
    let started = std::time::Instant::now();
    let (mut config, errors) = config(args)?;
    let found = report_input_errors(&errors);
    config.keep_cached = config
        .files
        .len()
        .clamp(batch::KEEP_CACHED, WATCH_KEEP_CACHED);
    let templates = load_templates(args.brief.typeset.templates.as_ref())?;
    let warm = match warm.take() {
        Some(mut w) if *w.engine.templates() == templates => {
            w.keep_cached = config.keep_cached;
            warm.insert(w)
        }
        _ => {
            let reading = Reading::new(&args.read)?;
            warm.insert(Warm {
                engine: Engine::with_fonts(templates, reading.fonts),
                limits: reading.limits,
                keep_cached: config.keep_cached,
            })
        }
    };
    config.limits = warm.limits;
    let mut summary = batch::build(&warm.engine, &config, &Reporter::new(0));
    summary.secs = started.elapsed().as_secs_f64();
    Ok((found.max(batch_outcome(&summary)), summary.line()))
}

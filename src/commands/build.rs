//! Commands: `layerbrief build`, which validates, scores and typesets workbooks into PDF
//! briefs (`--watch`: see `watch.rs`).

use super::args::BuildArgs;
use super::setup::{batch_outcome, brief_config, Reading};
use super::{Fatal, Outcome};
use crate::build::{self, BuildConfig, Reporter};

/// The checked build configuration of `args` (inputs collected now).
pub(super) fn config(args: &BuildArgs) -> Result<BuildConfig, Fatal> {
    brief_config(
        &args.inputs.paths,
        &args.brief,
        args.methodology.methodology.as_deref(),
        args.shard,
        args.watch,
    )
}

pub(super) fn run(args: BuildArgs) -> Result<Outcome, Fatal> {
    let mut config = config(&args)?;
    let (engine, limits) = Reading::new(&args.read)?.engine(&args.brief.typeset, &config.render)?;
    config.limits = limits;
    let summary = build::build(&engine, &config, &Reporter::new(config.files.len()));
    eprintln!("{}", summary.line());
    if args.prune {
        for line in build::prune(&config, &summary.results) {
            eprintln!("{}", crate::model::diag::paint(&line));
        }
    }
    Ok(batch_outcome(&summary))
}

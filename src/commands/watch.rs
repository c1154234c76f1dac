//! Commands: `build --watch`, which rebuilds when a workbook or template is saved.
//!
//! Policy: what counts as a save and when a burst of events has settled is
//! [`crate::build::watch`]'s; here each settled change runs the same incremental build with
//! a warm engine and prints one status line. Idle, nothing is printed.

use std::time::Instant;

use super::args::{BuildArgs, ReadArgs, TypesetArgs};
use super::build::config;
use super::setup::{batch_outcome, load_templates, Reading};
use super::{Fatal, Outcome};
use crate::build::watch::{Scope, Watch};
use crate::build::{self, BuildConfig, Reporter, KEEP_CACHED};
use crate::load::Limits;
use crate::render::Engine;

/// What a watch keeps between rebuilds: the engine (fonts, library, parsed templates) and,
/// process-wide, Typst's caches. A new engine only when the templates changed.
pub(super) struct Warm {
    pub(super) engine: Engine,
    pub(super) limits: Limits,
    /// Briefs whose layout stays in Typst's caches (see [`KEEP_CACHED`]): every brief of the
    /// last rebuild's folder, up to [`WATCH_KEEP_CACHED`].
    keep_cached: usize,
}

/// Briefs whose layout a watch keeps cached at most: every brief of a folder up to this size.
const WATCH_KEEP_CACHED: usize = 64;

/// Bounds Typst's caches after a rebuild, once its status line is out.
pub(super) fn settle(warm: &Option<Warm>) {
    if let Some(w) = warm {
        comemo::evict(w.keep_cached);
    }
}

pub(super) fn run(args: &BuildArgs) -> Result<Outcome, Fatal> {
    let scope = Scope::new(
        &args.inputs.paths,
        args.brief.typeset.templates.as_deref(),
        &args.brief.out,
    );
    let (watch, watched) = Watch::start(scope).map_err(Fatal)?;
    let watched: Vec<String> = watched.iter().map(|p| p.display().to_string()).collect();
    eprintln!("watching {} (Ctrl-C to stop)", watched.join(", "));
    let stamp = || chrono::Local::now().format("%H:%M:%S");
    let mut warm = None;
    let (_, line) = once(args, &mut warm)?;
    eprintln!("[{}] {line}", stamp());
    settle(&warm);
    while watch.next_change().is_some() {
        match once(args, &mut warm) {
            Ok((_, line)) => eprintln!("[{}] {line}", stamp()),
            Err(Fatal(msg)) => eprintln!("[{}] error: {msg}", stamp()),
        }
        settle(&warm);
    }
    Ok(Outcome::Ok)
}

/// One build of `args` with progress as plain lines, reusing `warm`: its exit status and
/// summary line. The time in the line runs from this call (the rebuild's start) to the end.
fn once(args: &BuildArgs, warm: &mut Option<Warm>) -> Result<(Outcome, String), Fatal> {
    let started = Instant::now();
    let mut config = config(args)?;
    let warm = warm_up(warm, &mut config, &args.brief.typeset, &args.read)?;
    config.limits = warm.limits;
    let mut summary = build::build(&warm.engine, &config, &Reporter::new(0));
    summary.secs = started.elapsed().as_secs_f64();
    Ok((batch_outcome(&summary), summary.line()))
}

/// `warm`, its engine made again only when the templates changed; `config` keeps as many
/// briefs cached as a watch does (every brief of its folder, up to [`WATCH_KEEP_CACHED`]).
pub(super) fn warm_up<'w>(
    warm: &'w mut Option<Warm>,
    config: &mut BuildConfig,
    typeset: &TypesetArgs,
    read: &ReadArgs,
) -> Result<&'w mut Warm, Fatal> {
    config.keep_cached = config.files.len().clamp(KEEP_CACHED, WATCH_KEEP_CACHED);
    let templates = load_templates(typeset.templates.as_ref())?;
    Ok(match warm.take() {
        Some(mut w) if *w.engine.templates() == templates => {
            w.keep_cached = config.keep_cached;
            warm.insert(w)
        }
        _ => {
            let (engine, limits) = Reading::new(read)?.engine_with(templates, &config.render);
            warm.insert(Warm {
                engine,
                limits,
                keep_cached: config.keep_cached,
            })
        }
    })
}

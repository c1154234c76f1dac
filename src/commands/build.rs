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
    config.archive = true;
    if let Some(spec) = &args.changes_since {
        config.changes_since = Some(changes_since(spec, &config.out)?);
    }
    let (engine, limits) = Reading::new(&args.read)?.engine(&args.brief.typeset, &config.render)?;
    config.limits = limits;
    let summary = build::build(&engine, &config, &Reporter::new(config.files.len()));
    eprintln!("{}", summary.line());
    super::setup::prune_archive(&config.out, args.brief.keep);
    if args.prune {
        for line in build::prune(&config, &summary.results) {
            eprintln!("{}", crate::model::diag::paint(&line));
        }
    }
    Ok(batch_outcome(&summary))
}

/// The earlier version of `--changes-since SPEC`: a record file, or a version each
/// assessment's archive in `out` is searched for.
fn changes_since(spec: &str, out: &std::path::Path) -> Result<build::ChangesSince, Fatal> {
    let path = std::path::Path::new(spec);
    if path.is_file() {
        let bytes = std::fs::read(path).map_err(|e| Fatal::when(path.display(), e))?;
        let record = serde_json::from_slice(&bytes).map_err(|e| {
            Fatal(format!(
                "--changes-since {spec}: not an assessment record ({e})\n  help: give a record (.json, as the archive and the web edition keep them), a doc_version such as v1.2, or a hash prefix; `layerbrief versions ID` lists them"
            ))
        })?;
        return Ok(build::ChangesSince {
            spec: spec.to_string(),
            file: Some(record),
            sent: Default::default(),
            state: crate::build::manifest::sha256_hex(&bytes),
        });
    }
    if spec.ends_with(".json") || spec.contains('/') {
        return Err(Fatal(format!("--changes-since {spec}: no such file")));
    }
    let sent = super::setup::sent_versions(out).unwrap_or_else(|e| {
        eprintln!("warning: {e}; --changes-since finds versions as archived, not as sent");
        Default::default()
    });
    Ok(build::ChangesSince {
        spec: spec.to_string(),
        file: None,
        sent,
        state: crate::build::archive::state(out, &out.join(crate::publish::mail::SENT_LOG)),
    })
}

//! Commands: the set-up they share, from arguments to checked configuration: rulesets named
//! on the command line, PDF standards, the template set, how workbooks are read, the inputs
//! of a batch, and the exit status a batch earns.
//!
//! Policy: every argument is checked here, before any stage runs; a bad one stops the
//! command with a message naming the flag (exit status 2). Stages never see the CLI structs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use typst_pdf::PdfStandard;

use super::args::{BriefArgs, PaperArg, ReadArgs, TypesetArgs};
use super::{Fatal, Outcome};
use crate::build::archive;
use crate::build::names::check_pattern;
use crate::build::prepare::Under;
use crate::build::{self, BriefStatus, BuildConfig, Summary};
use crate::load::{inputs, Limits};
use crate::model::diag::expected_one_of;
use crate::model::ruleset::{self, Ruleset};
use crate::render::{self, Engine, Fonts, RenderOptions, Templates};
use crate::view::Paper;

/// The ruleset named by `--methodology`, checked up front.
pub(super) fn methodology(name: Option<&str>) -> Result<Option<&'static Ruleset>, Fatal> {
    ruleset_named(name, "--methodology")
}

/// The ruleset `name` given to `flag`, checked up front.
pub(super) fn ruleset_named(
    name: Option<&str>,
    flag: &str,
) -> Result<Option<&'static Ruleset>, Fatal> {
    let Some(name) = name else { return Ok(None) };
    match ruleset::find(name) {
        Some(rs) => Ok(Some(rs)),
        None => Err(Fatal(format!(
            "unknown ruleset `{name}` for {flag}\n  help: {}",
            expected_one_of(name, &ruleset::names())
        ))),
    }
}

/// The paper of `--paper`.
pub(super) fn paper(arg: PaperArg) -> Paper {
    match arg {
        PaperArg::UsLetter => Paper::UsLetter,
        PaperArg::A4 => Paper::A4,
    }
}

/// The PDF standards of `--pdf-standard` (`none`: a plain PDF).
fn pdf_standards(list: &str) -> Result<Vec<PdfStandard>, Fatal> {
    if list.trim().eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    list.split(',')
        .map(render::parse_standard)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Fatal(format!("--pdf-standard: {e}")))
}

/// How `args` typeset: paper and PDF standards.
pub(super) fn render_options(args: &TypesetArgs) -> Result<RenderOptions, Fatal> {
    Ok(RenderOptions {
        paper: paper(args.paper),
        standards: pdf_standards(&args.pdf_standard)?,
        draft: false,
    })
}

/// The embedded templates, or those of `--templates DIR` over them.
pub(super) fn load_templates(dir: Option<&PathBuf>) -> Result<Templates, Fatal> {
    match dir {
        Some(dir) if !dir.is_dir() => Err(Fatal(format!(
            "--templates {}: no such templates folder",
            dir.display()
        ))),
        Some(dir) => Templates::with_overrides(dir).map_err(|e| {
            Fatal::when(
                format_args!("--templates {}: cannot read the templates", dir.display()),
                e,
            )
        }),
        None => Ok(Templates::embedded()),
    }
}

/// How workbooks are read: the limits of `--max-…` and the fonts of `--font-path` and
/// `$LAYERBRIEF_FONT_PATH`.
pub(super) struct Reading {
    pub(super) limits: Limits,
    pub(super) fonts: Fonts,
}

impl Reading {
    pub(super) fn new(args: &ReadArgs) -> Result<Self, Fatal> {
        let mut dirs = args.font_path.clone();
        if let Some(env) = std::env::var_os("LAYERBRIEF_FONT_PATH") {
            dirs.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
        }
        let fonts = if dirs.is_empty() {
            Fonts::embedded()
        } else {
            Fonts::with_paths(&dirs).map_err(|e| Fatal(format!("--font-path: {e}")))?
        };
        let limits = Limits {
            max_file_bytes: args.max_file_size,
            max_unpacked_bytes: args.max_unpacked_size,
            max_rows: args.max_rows,
            max_columns: args.max_columns,
            max_cells: args.max_cells,
            max_cell_chars: args.max_cell_chars,
            max_shared_strings: args.max_shared_strings,
            max_text_bytes: args.max_text,
        };
        Ok(Self { limits, fonts })
    }

    /// Preparing under `methodology` (`None`: each workbook's own) with these limits and fonts.
    pub(super) fn under<'a>(&'a self, methodology: Option<&'a Ruleset>) -> Under<'a> {
        Under {
            methodology,
            limits: &self.limits,
            fonts: &self.fonts,
        }
    }

    /// The engine of a build with these fonts and the templates of `typeset`, to make PDFs
    /// as `opts` says; the limits.
    pub(super) fn engine(
        self,
        typeset: &TypesetArgs,
        opts: &RenderOptions,
    ) -> Result<(Engine, Limits), Fatal> {
        let templates = load_templates(typeset.templates.as_ref())?;
        Ok(self.engine_with(templates, opts))
    }

    /// The engine of these fonts and `templates`, warning about fonts that would break the
    /// PDF standards of `opts`; the limits.
    pub(super) fn engine_with(
        self,
        templates: Templates,
        opts: &RenderOptions,
    ) -> (Engine, Limits) {
        if !opts.standards.is_empty() {
            warn_unconforming_fonts(&self.fonts);
        }
        (Engine::with_fonts(templates, self.fonts), self.limits)
    }
}

/// Warns about `--font-path` fonts whose text fails PDF/A and PDF/UA validation when embedded
/// (CID-keyed CFF outlines, as in Noto Sans CJK), naming a TrueType font to use instead.
fn warn_unconforming_fonts(fonts: &Fonts) {
    let families = fonts.cid_keyed_cff();
    if families.is_empty() {
        return;
    }
    let names: Vec<String> = families.iter().map(|f| format!("`{f}`")).collect();
    eprintln!(
        "warning: text set in {} (CID-keyed CFF outlines) makes PDFs that fail PDF/A-2 and PDF/UA-1 validation (glyph widths), a limit of Typst's PDF writer\n  help: use a TrueType font for those scripts, e.g. Droid Sans Fallback for Chinese and Japanese (Debian: fonts-droid-fallback), or --pdf-standard none for a plain PDF\n",
        names.join(", ")
    );
}

/// The workbooks of `paths` (no path: `inputs/`). A path that cannot be found stops the
/// command before anything is written (every such path is named), and so does finding no
/// workbook at all, unless `allow_empty` (a watch waits for workbooks to appear).
pub(super) fn collect_inputs(paths: &[PathBuf], allow_empty: bool) -> Result<Vec<PathBuf>, Fatal> {
    let (files, errors) = inputs::collect(paths);
    if !errors.is_empty() {
        return Err(Fatal(format!(
            "{}\nnothing was written",
            errors.join("\nerror: ")
        )));
    }
    if files.is_empty() && !allow_empty {
        let searched: Vec<String> = inputs::roots(paths)
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        return Err(Fatal(format!(
            "no workbooks in {} (.xlsx, .xlsm, .xls, .xlsb, .ods); nothing was written\n  help: `layerbrief init acme.xlsx` writes a blank workbook to start from",
            searched.join(", ")
        )));
    }
    Ok(files)
}

/// The checked build configuration shared by `build`, `mail` and `site` (inputs collected
/// now, the limits the defaults until the engine is made).
pub(super) fn brief_config(
    paths: &[PathBuf],
    args: &BriefArgs,
    methodology_name: Option<&str>,
    shard: Option<(u32, u32)>,
    allow_empty: bool,
) -> Result<BuildConfig, Fatal> {
    let rs = methodology(methodology_name)?;
    check_pattern(&args.name_pattern).map_err(|e| Fatal(format!("--name-pattern {e}")))?;
    let mut render = render_options(&args.typeset)?;
    render.draft = args.draft;
    let mut files = collect_inputs(paths, allow_empty)?;
    if let Some((k, n)) = shard {
        files = build::shard(&files, k, n);
    }
    let config = BuildConfig {
        files,
        out: args.out.clone(),
        methodology: rs,
        name_pattern: args.name_pattern.clone(),
        render,
        force: args.batch.force,
        limits: Limits::default(),
        shard,
        jobs: args
            .batch
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        keep_cached: build::KEEP_CACHED,
        archive: false,
        changes_since: None,
        reuse: Vec::new(),
        reserved_ids: None,
    };
    Ok(config)
}

/// The exit status a batch earns: `Invalid` when some workbook was invalid, `Failure` when
/// some brief could not be typeset or written, or the manifest could not be saved.
pub(super) fn batch_outcome<T>(summary: &Summary<T>) -> Outcome {
    let worst = summary
        .results
        .iter()
        .map(|r| match r.status {
            BriefStatus::Invalid => Outcome::Invalid,
            BriefStatus::Failed => Outcome::Failure,
            BriefStatus::Built { .. } | BriefStatus::Unchanged | BriefStatus::Reused => Outcome::Ok,
        })
        .max()
        .unwrap_or(Outcome::Ok);
    if summary.manifest_error.is_some() {
        Outcome::Failure
    } else {
        worst
    }
}

/// The PDF hashes the sent log of `out` holds, each with when it was last sent.
pub(super) fn sent_versions(out: &Path) -> Result<BTreeMap<String, String>, String> {
    let log = crate::publish::mail::SentLog::load(&out.join(crate::publish::mail::SENT_LOG))?;
    let mut sent: BTreeMap<String, String> = BTreeMap::new();
    for m in log.messages {
        let at = sent.entry(m.version().to_string()).or_default();
        if *at < m.sent_at {
            *at = m.sent_at;
        }
    }
    Ok(sent)
}

/// Prunes the archive of `out` after a build: records of versions never sent beyond the
/// newest `keep` of each assessment. Nothing is pruned when the sent log cannot be read.
pub(super) fn prune_archive(out: &Path, keep: usize) {
    let sent = match sent_versions(out) {
        Ok(sent) => sent.into_keys().collect(),
        Err(e) => {
            eprintln!(
                "{}",
                crate::model::diag::paint(&format!(
                    "warning: {e}; the archive is not pruned, as what was sent is not known"
                ))
            );
            return;
        }
    };
    for id in archive::ids(out) {
        let removed = archive::prune(out, &id, keep, &sent);
        if !removed.is_empty() {
            eprintln!(
                "archive: removed {} record(s) of {id} never sent (--keep {keep})",
                removed.len()
            );
        }
    }
}

//! Commands: `layerbrief site`, the web edition: builds the briefs that are out of date into
//! the site folder (as `build` does, each in its assessment's folder), then writes the pages.
//!
//! An assessment's page is rendered while the build holds it; one whose brief and web
//! templates are unchanged is taken from the site's cache, neither prepared nor rendered.
//!
//! Exit status as `build`: 1 when some workbook is invalid (it is reported and left out of the
//! site, and named on the index page), 2 when a brief or a page cannot be written.

use std::path::{Path, PathBuf};

use super::args::{BriefArgs, SiteArgs};
use super::setup::{batch_outcome, brief_config, paper, Reading};
use super::{Fatal, Outcome};
use crate::build::prepare::{prepare, Under};
use crate::build::{self, BriefResult, BriefStatus, BuildConfig, Keep, Reporter, Summary};
use crate::load;
use crate::publish::portfolio::{self, Excluded, Row, SortBy};
use crate::publish::site::cache::{self, Cache, Entry};
use crate::publish::site::{Site, Tally, RESERVED_IDS};
use crate::render::Engine;
use crate::score::Scored;
use crate::view::Paper;

/// Where each brief's PDF goes: its assessment's folder, beside its page.
pub(super) const PDF_PATTERN: &str = "{{ assessment_id }}/{{ assessment_id }}.pdf";

pub(super) fn run(args: SiteArgs) -> Result<Outcome, Fatal> {
    let brief = site_brief_args(&args);
    let methodology = args.methodology.methodology.as_deref();
    let mut config = brief_config(&args.inputs.paths, &brief, methodology, args.shard, false)?;
    config.reserved_ids = Some(SITE_NAMES);
    if args.briefs.is_dir() {
        config.reuse = vec![args.briefs.clone()];
    } else {
        eprintln!(
            "note: --briefs {}: no such folder, so every brief out of date is typeset for the site",
            args.briefs.display()
        );
    }
    let (engine, limits) = Reading::new(&args.read)?.engine(&brief.typeset, &config.render)?;
    config.limits = limits;
    let published = publish(&Publication {
        engine: &engine,
        config: &config,
        title: args.title.as_deref(),
        paper: paper(args.typeset.paper),
        observe: None,
    })?;
    eprintln!("{}", published.line);
    for id in &published.removed {
        eprintln!(
            "site: removed the pages and PDF of {id}: its workbook is no longer among the inputs"
        );
    }
    let tally = &published.tally;
    let next = match args.shard {
        Some((k, n)) => format!(
            "slice {k} of {n} written; once every slice is, `layerbrief site` without --shard writes the pages they share"
        ),
        None => format!("open {}", args.out.join("index.html").display()),
    };
    eprintln!(
        "site: {} assessment page(s) rendered, {} file(s) written, {} unchanged, {} workbook(s) read; {next}",
        tally.rendered,
        tally.written,
        tally.unchanged,
        load::workbooks_read(),
    );
    Ok(published.outcome)
}

/// The ids a site refuses, and whose names they are.
pub(super) const SITE_NAMES: (&[&str], &str) = (RESERVED_IDS, "the web edition");

/// The brief options of a site: its briefs go into their assessments' folders.
pub(super) fn site_brief_args(args: &SiteArgs) -> BriefArgs {
    BriefArgs {
        out: args.out.clone(),
        name_pattern: PDF_PATTERN.into(),
        draft: false,
        keep: crate::build::archive::KEEP,
        typeset: args.typeset.clone(),
        batch: args.batch.clone(),
    }
}

/// One publication of the site into `config.out`.
pub(super) struct Publication<'a> {
    pub(super) engine: &'a Engine,
    pub(super) config: &'a BuildConfig,
    /// The name every page carries (`--title`), else the assessments' publisher.
    pub(super) title: Option<&'a str>,
    pub(super) paper: Paper,
    /// Shown each brief prepared in this run, on the build's threads (the preview compares
    /// its layers with the last ones it saw).
    pub(super) observe: Option<&'a (dyn Fn(&Scored) + Sync)>,
}

/// What a publication did.
pub(super) struct Published {
    pub(super) outcome: Outcome,
    /// The build's summary line.
    pub(super) line: String,
    pub(super) tally: Tally,
    /// Each workbook on the site, with its assessment id.
    pub(super) pages: Vec<(PathBuf, String)>,
    /// Each workbook that gave no brief, with what the build said of it.
    pub(super) failures: Vec<(PathBuf, String)>,
    /// The assessments whose pages were removed: their workbooks are no longer inputs.
    pub(super) removed: Vec<String>,
}

/// Builds the briefs of `p.config` that are out of date into the site (each page rendered
/// while the build holds its brief), then writes the pages every assessment shares.
pub(super) fn publish(p: &Publication) -> Result<Published, Fatal> {
    let (config, engine) = (p.config, p.engine);
    // The published versions come from the archive beside the briefs `build` wrote.
    let published = match config.reuse.first() {
        Some(briefs) => {
            let sent = super::setup::sent_versions(briefs).unwrap_or_else(|e| {
                eprintln!(
                    "warning: {e}; the versions listed are the archived ones, not the sent ones"
                );
                Default::default()
            });
            crate::publish::site::history::Published::load(briefs, sent)
        }
        None => Default::default(),
    };
    let site = Site::new(
        engine.templates(),
        &config.out,
        p.paper,
        p.title.map(str::to_string),
        published,
    )
    .map_err(|e| Fatal::when("the site's templates", e))?;
    let each = |prepared: &crate::build::prepare::Prepared, pdf: &Path| {
        if let Some(observe) = p.observe {
            observe(&prepared.scored);
        }
        site.assessment(&prepared.scored, pdf)
    };
    let keep = Keep {
        unchanged: false,
        each: &each,
    };
    let reporter = Reporter::new(config.files.len());
    let summary = build::build_keeping(engine, config, &reporter, Some(&keep));
    let line = summary.line();
    let outcome = batch_outcome(&summary);
    let failures = summary
        .results
        .iter()
        .filter(|r| matches!(r.status, BriefStatus::Invalid | BriefStatus::Failed))
        .map(|r| (r.source.clone(), r.log.clone()))
        .collect();

    // The pages depend on the web templates and on the site's name, besides the brief.
    let web = format!(
        "{}\n{}\n{}",
        engine.templates().web_digest(),
        p.title.unwrap_or(""),
        site.published_digest()
    );
    let under = Under {
        methodology: config.methodology,
        limits: &config.limits,
        fonts: engine.fonts(),
    };
    let before = Cache::load(&config.out);
    let (rows, excluded, mut after) = rows(&site, &before, &web, under, summary)?;
    let sources: Vec<String> = config.files.iter().map(|f| build::source_key(f)).collect();
    after.keep_invalid(&before, &sources);
    // A slice knows only its own workbooks: what is gone, and the shared pages, are the
    // whole site's to say.
    let removed = match config.shard {
        Some(_) => Vec::new(),
        None => remove_gone(&config.out, before.gone(&after, &sources)),
    };
    let pages = rows
        .iter()
        .map(|r| (r.source.clone(), r.row.assessment_id.clone()))
        .collect();
    if config.shard.is_none() {
        let portfolio =
            portfolio::assemble(rows, excluded, config.methodology, None, SortBy::Vendor);
        site.shared(&portfolio, after.feed())
            .map_err(|e| Fatal::when("the site cannot be written", e))?;
    }
    if let Err(e) = after.save(&before, &config.out, config.shard) {
        eprintln!("warning: the site's cache cannot be written ({e}); the next run renders every page again");
    }
    Ok(Published {
        outcome,
        line,
        tally: site.tally(),
        pages,
        failures,
        removed,
    })
}

/// Removes what the site wrote for assessments no longer among its inputs (their pages,
/// records and PDFs, as its cache lists them; then their folders, when empty): the ids
/// removed.
fn remove_gone(out: &Path, gone: Vec<&Entry>) -> Vec<String> {
    let mut removed = Vec::new();
    for e in gone {
        let id = &e.row.assessment_id;
        let mut files: Vec<PathBuf> = e.files.iter().map(|f| out.join(&f.path)).collect();
        files.extend(e.pdf.as_ref().map(|pdf| out.join(id).join(pdf)));
        for f in &files {
            if let Err(err) = std::fs::remove_file(f) {
                if err.kind() != std::io::ErrorKind::NotFound {
                    eprintln!("warning: {}: cannot remove ({err})", f.display());
                }
            }
        }
        // Only an empty folder: anything else in it is not the site's.
        let _ = std::fs::remove_dir(out.join(id));
        removed.push(id.clone());
    }
    removed
}

/// The portfolio rows of the built briefs (each rendered by the build, taken from the cache,
/// or prepared and rendered now), the workbooks left out, and the cache to keep.
fn rows(
    site: &Site,
    before: &Cache,
    web: &str,
    under: Under,
    summary: Summary<Result<Entry, String>>,
) -> Result<(Vec<Row>, Vec<Excluded>, Cache), Fatal> {
    let mut rows = Vec::new();
    let mut excluded = Vec::new();
    let mut after = Cache::default();
    for mut r in summary.results {
        match entry(site, before, web, under, &mut r) {
            Ok(Some((key, mut e))) => {
                rows.push(Row {
                    source: r.source.clone(),
                    row: e.row.clone(),
                    pdf: e.pdf.clone(),
                });
                if let Some(key) = key {
                    e.source = build::source_key(&r.source);
                    after.insert(key, e);
                }
            }
            Ok(None) => excluded.push(Excluded {
                file: r.source.display().to_string(),
                reason: match r.status {
                    BriefStatus::Invalid => "invalid".into(),
                    _ => "not built".into(),
                },
            }),
            Err(e) => return Err(Fatal::when("the site cannot be written", e)),
        }
    }
    Ok((rows, excluded, after))
}

/// The site's entry of one brief, with its cache key (`None` for a brief that was not built):
/// rendered by the build, else from the cache, else prepared and rendered now.
fn entry(
    site: &Site,
    cache: &Cache,
    web: &str,
    under: Under,
    r: &mut BriefResult<Result<Entry, String>>,
) -> Result<Option<(Option<String>, Entry)>, String> {
    let (Some(target), BriefStatus::Built { .. } | BriefStatus::Unchanged | BriefStatus::Reused) =
        (&r.target, &r.status)
    else {
        return Ok(None);
    };
    let key = r.key.as_deref().map(|k| cache::key(k, web));
    if let Some(kept) = r.kept.take() {
        return kept.map(|e| Some((key, e)));
    }
    if let Some(e) = key.as_deref().and_then(|k| cache.fresh(k, site.out())) {
        return Ok(Some((key, e.clone())));
    }
    // Unchanged but not in the cache: read it (once, in this run) and render it.
    match prepare(&r.source, under) {
        Ok(p) => site.assessment(&p.scored, target).map(|e| Some((key, e))),
        Err(_) => Ok(None),
    }
}

//! Commands: `layerbrief site`, the web edition: builds the briefs that are out of date into
//! the site folder (as `build` does, each in its assessment's folder), then writes the pages.
//!
//! Exit status as `build`: 1 when some workbook is invalid (it is reported and left out of the
//! site, and named on the index page), 2 when a brief or a page cannot be written.

use std::collections::BTreeMap;

use super::build::{brief_config, engine};
use super::{batch_outcome, report_input_errors, Fatal, Outcome, Reading};
use crate::batch::{self, BriefStatus, Reporter};
use crate::cli::{BriefArgs, SiteArgs};
use crate::pipeline::{prepare, Under};
use crate::portfolio::{self, Excluded, SortBy};
use crate::site;

/// Where each brief's PDF goes: its assessment's folder, beside its page.
const PDF_PATTERN: &str = "{{ assessment_id }}/{{ assessment_id }}.pdf";

pub(super) fn run(args: SiteArgs) -> Result<Outcome, Fatal> {
    let brief = BriefArgs {
        out: args.out.clone(),
        name_pattern: PDF_PATTERN.into(),
        typeset: args.typeset.clone(),
    };
    let methodology = args.methodology.methodology.as_deref();
    let (mut config, errors) = brief_config(&args.inputs.paths, &brief, methodology, None, false)?;
    let found = report_input_errors(&errors);
    let (engine, limits) = engine(&brief, Reading::new(&args.read)?)?;
    config.limits = limits;
    let summary = batch::build(&engine, &config, &Reporter::new(config.files.len()));
    eprintln!("{}", summary.line());

    // The pages read the assessments again (milliseconds each): the build reported their
    // problems already, so nothing is printed here.
    let under = Under {
        methodology: config.methodology,
        limits: &config.limits,
        fonts: engine.fonts(),
    };
    let mut scored = Vec::new();
    let mut excluded = Vec::new();
    let mut pdfs = BTreeMap::new();
    for r in &summary.results {
        let built = matches!(r.status, BriefStatus::Built { .. } | BriefStatus::Unchanged);
        let prepared = if built {
            prepare(&r.source, under).ok()
        } else {
            None
        };
        match (prepared, &r.target) {
            (Some(p), Some(target)) => {
                let id = p.scored.assessment.meta.assessment_id.clone();
                if let Some(name) = target.file_name() {
                    pdfs.insert(id, name.to_string_lossy().into_owned());
                }
                scored.push((r.source.clone(), p.scored));
            }
            _ => excluded.push(Excluded {
                file: r.source.display().to_string(),
                reason: match r.status {
                    BriefStatus::Invalid => "invalid".into(),
                    _ => "not built".into(),
                },
            }),
        }
    }
    let p = portfolio::assemble(scored, excluded, config.methodology, None, SortBy::Vendor);
    let written = site::write(engine.templates(), &args.out, &p, &pdfs, args.typeset.paper)
        .map_err(|e| Fatal(format!("the site cannot be written: {e}")))?;
    eprintln!(
        "site: {} file(s) written, {} unchanged; open {}",
        written.written.len(),
        written.unchanged,
        args.out.join("index.html").display()
    );
    Ok(found.max(batch_outcome(&summary)))
}

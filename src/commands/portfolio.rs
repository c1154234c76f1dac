//! Commands: `layerbrief portfolio`, many assessments side by side: `portfolio.pdf` (one
//! landscape page), `portfolio.csv` and `portfolio.json`.
//!
//! Exit status as `build`: 1 when some workbook is invalid (it is reported, left out of the
//! matrix and named on the page and in the JSON), 2 when the page cannot be typeset or
//! written.

use super::args::{PortfolioArgs, SortArg};
use super::setup::{collect_inputs, methodology, render_options, ruleset_named, Reading};
use super::{Fatal, Outcome};
use crate::build::output::write_atomic;
use crate::publish::portfolio::{self, Portfolio, SortBy};
use crate::render::{self, Document, Engine, RenderOptions, PORTFOLIO_MAIN};
use crate::view::portfolio::page_json;

pub(super) fn run(args: PortfolioArgs) -> Result<Outcome, Fatal> {
    let rs = methodology(args.methodology.methodology.as_deref())?;
    let against = ruleset_named(args.against.as_deref(), "--against")?;
    let opts = render_options(&args.typeset)?;
    let reading = Reading::new(&args.read)?;
    let files = collect_inputs(&args.inputs.paths, false)?;
    let sort = match args.sort {
        SortArg::Vendor => SortBy::Vendor,
        SortArg::Retained => SortBy::Retained,
    };
    let p = portfolio::gather(&files, reading.under(rs), against, sort);
    let (engine, _) = reading.engine(&args.typeset, &opts)?;
    let pdf = typeset(&engine, &p, &opts, args.title.as_deref())?;
    let csv = portfolio::csv(&p).map_err(|e| Fatal::when("portfolio.csv", e))?;
    let out = &args.out;
    for (name, bytes) in [
        ("portfolio.pdf", pdf.as_slice()),
        ("portfolio.csv", csv.as_slice()),
        ("portfolio.json", portfolio::json(&p).as_slice()),
    ] {
        let path = out.join(name);
        write_atomic(&path, bytes)
            .map_err(|e| Fatal::when(format_args!("{}: cannot write", path.display()), e))?;
    }
    let changed: usize = p.rows.iter().map(|r| r.row.changes.len()).sum();
    let compared = match p.against {
        Some(other) => format!(", {changed} cell change(s) against {}", other.id),
        None => String::new(),
    };
    eprintln!(
        "wrote {} (portfolio.pdf, .csv, .json): {} vendor(s), {} left out{compared}",
        out.display(),
        p.rows.len(),
        p.excluded.len(),
    );
    let invalid = if p.excluded.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Invalid
    };
    Ok(invalid)
}

/// Typesets the portfolio page; its Typst warnings go to stderr.
fn typeset(
    engine: &Engine,
    p: &Portfolio,
    opts: &RenderOptions,
    title: Option<&str>,
) -> Result<Vec<u8>, Fatal> {
    let excluded = p.excluded_names();
    let head = p.head(&excluded, opts.paper, title);
    let ident = match p.ruleset() {
        Some(rs) => format!("layerbrief:portfolio:{}", rs.id),
        None => "layerbrief:portfolio:mixed".to_string(),
    };
    let doc = Document {
        main: PORTFOLIO_MAIN,
        data: page_json(&p.page(&head)),
        date: p.date(),
        ident,
    };
    let rendered = render::render_document(engine, &doc, opts)
        .map_err(|e| Fatal(format!("portfolio.pdf cannot be typeset:\n{e}")))?;
    for w in &rendered.warnings {
        eprintln!("{w}");
    }
    Ok(rendered.pdf)
}

//! Commands: `layerbrief portfolio`, many assessments side by side: `portfolio.pdf` (one
//! landscape page), `portfolio.csv` and `portfolio.json`.
//!
//! Exit status as `build`: 1 when some workbook is invalid (it is reported, left out of the
//! matrix and named on the page and in the JSON), 2 when the page cannot be typeset or
//! written.

use super::{
    load_templates, methodology, pdf_standards, report_input_errors, ruleset_named, Fatal, Outcome,
    Reading,
};
use crate::cli::PortfolioArgs;
use crate::inputs;
use crate::output::write_atomic;
use crate::portfolio::{self, Portfolio};
use crate::render::{self, Document, Engine, RenderOptions, PORTFOLIO_MAIN};

pub(super) fn run(args: PortfolioArgs) -> Result<Outcome, Fatal> {
    let rs = methodology(args.methodology.methodology.as_deref())?;
    let against = ruleset_named(args.against.as_deref(), "--against")?;
    let standards = pdf_standards(&args.pdf_standard)?;
    let templates = load_templates(args.templates.as_ref())?;
    let reading = Reading::new(&args.read)?;
    let (files, errors) = inputs::collect(&args.inputs.paths);
    let found = report_input_errors(&errors);
    if files.is_empty() && errors.is_empty() {
        return Err(Fatal(
            "no workbooks found (.xlsx, .xlsm, .xls, .xlsb, .ods)".into(),
        ));
    }
    let p = portfolio::gather(&files, reading.under(rs), against, args.sort);
    let engine = Engine::with_fonts(templates, reading.fonts);
    let opts = RenderOptions {
        paper: args.paper,
        standards,
    };
    let pdf = page(&engine, &p, &opts)?;
    let csv = portfolio::csv(&p).map_err(|e| Fatal(format!("portfolio.csv: {e}")))?;
    let out = &args.out;
    for (name, bytes) in [
        ("portfolio.pdf", pdf.as_slice()),
        ("portfolio.csv", csv.as_slice()),
        ("portfolio.json", portfolio::json(&p).as_slice()),
    ] {
        let path = out.join(name);
        write_atomic(&path, bytes).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
    }
    let changed: usize = p.rows.iter().map(|r| r.changes.len()).sum();
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
    Ok(found.max(invalid))
}

/// Typesets the portfolio page; its Typst warnings go to stderr.
fn page(engine: &Engine, p: &Portfolio, opts: &RenderOptions) -> Result<Vec<u8>, Fatal> {
    let doc = Document {
        main: PORTFOLIO_MAIN,
        data: portfolio::page_json(p, opts.paper),
        date: p.date(),
        ident: format!("layerbrief:portfolio:{}", p.ruleset().unwrap_or("mixed")),
    };
    let rendered = render::render_document(engine, &doc, opts)
        .map_err(|e| Fatal(format!("portfolio.pdf cannot be typeset:\n{e}")))?;
    for w in &rendered.warnings {
        eprintln!("{w}");
    }
    Ok(rendered.pdf)
}

//! Stage 4, render: a scored assessment into PDF bytes, with Typst in process.
//!
//! Policy: the template gets the assessment as data (`/data.json`), never as markup, so
//! analyst text prints literally. The output is a function of the inputs only: the PDF's
//! date is the assessment date and its id is derived from the assessment, so the same
//! inputs give the same bytes. A broken custom template yields its Typst diagnostics as
//! `file:line:column` with the source line (see `report`), never debug output.

mod assets;
mod diagnostics;
mod fonts;
mod info;
pub(crate) mod jinja;
mod templates;
mod world;

use typst::foundations::{Bytes, Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::score::Scored;
pub(crate) use crate::view::brief::Extras;
pub use crate::view::Paper;
pub(crate) use assets::{embedded_fonts, FONT_LICENSE};
use diagnostics::{format_all, format_diagnostic};
pub use fonts::Fonts;
pub use templates::Templates;
pub use world::Engine;

/// The main template of the portfolio page.
pub const PORTFOLIO_MAIN: &str = world::PORTFOLIO_PATH;

/// How a brief is typeset.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub paper: Paper,
    /// PDF standards to conform to (default PDF/UA-1 with PDF/A-2a).
    pub standards: Vec<PdfStandard>,
    /// Mark the brief DRAFT on every page, whatever its status.
    pub draft: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            paper: Paper::UsLetter,
            standards: vec![PdfStandard::Ua_1, PdfStandard::A_2a],
            draft: false,
        }
    }
}

/// Parses a standard as typst names it: `ua-1`, `a-2a`, `1.7`.
pub fn parse_standard(name: &str) -> Result<PdfStandard, String> {
    serde_json::from_value(serde_json::Value::String(name.trim().to_lowercase())).map_err(|_| {
        format!(
            "unknown PDF standard `{name}`; expected e.g. ua-1, a-2a, a-2b, a-3b, a-4, 1.7 or 2.0"
        )
    })
}

/// A typeset brief.
#[derive(Debug)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// Typst warnings and characters the fonts lack.
    pub warnings: Vec<String>,
}

/// Typesetting failed: the rendered diagnostics, one block each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenderError {}

/// Typesets `scored` into a PDF.
pub fn render(
    engine: &Engine,
    scored: &Scored,
    opts: &RenderOptions,
) -> Result<Rendered, RenderError> {
    render_with(engine, scored, opts, &Extras::default())
}

/// [`render`], with a changes section against an earlier version or a reader's stamp.
pub(crate) fn render_with(
    engine: &Engine,
    scored: &Scored,
    opts: &RenderOptions,
    extras: &Extras,
) -> Result<Rendered, RenderError> {
    let typeset = typeset_with(engine, scored, opts, extras)?;
    let pdf = export(engine, &typeset, opts)?;
    Ok(Rendered {
        pdf,
        pages: typeset.doc.pages().len(),
        warnings: typeset.warnings,
    })
}

/// A compiled, laid-out brief (or other document), before PDF export.
pub struct Typeset {
    pub doc: PagedDocument,
    pub warnings: Vec<String>,
    main: &'static str,
    data: Bytes,
    today: Datetime,
    ident: String,
}

/// A document other than a brief: a main template of the set, the JSON it reads as
/// `/data.json`, its date (the PDF's creation date, so the bytes are reproducible) and a
/// stable identifier.
#[derive(Debug, Clone)]
pub struct Document {
    /// The main template, a path of the template set (`/portfolio.typ`).
    pub main: &'static str,
    /// What the template reads as `/data.json`.
    pub data: Vec<u8>,
    /// The document's date.
    pub date: chrono::NaiveDate,
    /// The PDF's identifier, stable across runs (`layerbrief:portfolio:v1.3`).
    pub ident: String,
}

/// A date as Typst's datetime.
fn datetime(date: chrono::NaiveDate) -> Result<Datetime, RenderError> {
    use chrono::Datelike;
    Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8)
        .ok_or_else(|| RenderError(format!("error: date {date} is out of range")))
}

/// Stage 4a: compiles and lays out the brief.
pub fn typeset(
    engine: &Engine,
    scored: &Scored,
    opts: &RenderOptions,
) -> Result<Typeset, RenderError> {
    typeset_with(engine, scored, opts, &Extras::default())
}

fn typeset_with(
    engine: &Engine,
    scored: &Scored,
    opts: &RenderOptions,
    extras: &Extras,
) -> Result<Typeset, RenderError> {
    let meta = &scored.assessment.meta;
    compile(
        engine,
        world::MAIN_PATH,
        Bytes::new(crate::view::brief::brief_json(
            scored, opts.paper, opts.draft, extras,
        )),
        datetime(meta.date_assessed)?,
        format!("layerbrief:{}:{}", meta.assessment_id, meta.doc_version),
    )
}

/// Typesets `doc` into a PDF: stages 4a and 4b for a document other than a brief.
pub fn render_document(
    engine: &Engine,
    doc: &Document,
    opts: &RenderOptions,
) -> Result<Rendered, RenderError> {
    let typeset = compile(
        engine,
        doc.main,
        Bytes::new(doc.data.clone()),
        datetime(doc.date)?,
        doc.ident.clone(),
    )?;
    let pdf = export(engine, &typeset, opts)?;
    Ok(Rendered {
        pdf,
        pages: typeset.doc.pages().len(),
        warnings: typeset.warnings,
    })
}

/// Compiles the main template `main` with `data` as `/data.json`.
fn compile(
    engine: &Engine,
    main: &'static str,
    data: Bytes,
    today: Datetime,
    ident: String,
) -> Result<Typeset, RenderError> {
    let mut warnings = missing_glyphs(engine, &data);
    let world = engine.world_of(main, data.clone(), today);
    let warned = typst::compile::<PagedDocument>(&world);
    for w in &warned.warnings {
        warnings.push(format_diagnostic(&world, w));
    }
    let mut doc = warned
        .output
        .map_err(|errors| RenderError(format_all(&world, &errors)))?;
    info::document_info(&mut doc)?;
    Ok(Typeset {
        doc,
        warnings,
        main,
        data,
        today,
        ident,
    })
}

/// Stage 4b: writes the laid-out brief as PDF bytes.
pub fn export(engine: &Engine, t: &Typeset, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let standards = PdfStandards::new(&opts.standards).map_err(|e| {
        RenderError(format!(
            "error: these PDF standards cannot be combined: {}",
            e.message()
        ))
    })?;
    let options = PdfOptions {
        ident: Smart::Custom(t.ident.clone()),
        creator: Smart::Custom(Some(format!("layerbrief {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(t.today)),
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&t.doc, &options).map_err(|errors| {
        // Export errors point into the templates: a world to resolve their spans.
        let world = engine.world_of(t.main, t.data.clone(), t.today);
        RenderError(format_all(&world, &errors))
    })
}

/// Characters of the data that no embedded font has: Typst would print them as empty boxes.
fn missing_glyphs(engine: &Engine, data: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut seen = std::collections::BTreeSet::new();
    for c in text.chars().filter(|c| !c.is_ascii() && !c.is_whitespace()) {
        seen.insert(c);
    }
    seen.into_iter()
        .filter(|&c| !engine.fonts().covers(c))
        .map(|c| format!("warning: character `{c}` (U+{:04X}) is in none of the brief's fonts and prints as an empty box", c as u32))
        .collect()
}

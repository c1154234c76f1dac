//! Stage 4, render: a scored assessment into PDF bytes, with Typst in process.
//!
//! Policy: the template gets the assessment as data (`/data.json`), never as markup, so
//! analyst text prints literally. The output is a function of the inputs only: the PDF's
//! date is the assessment date and its id is derived from the assessment, so the same
//! inputs give the same bytes. A broken custom template yields its Typst diagnostics as
//! `file:line:column` with the source line (see `report`), never debug output.

pub(crate) mod data;
mod fonts;
mod report;
pub(crate) mod world;

use typst::foundations::{Bytes, Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::score::Scored;
pub use data::Paper;
pub use fonts::Fonts;
use report::{format_all, format_diagnostic};
pub use world::{Engine, Templates};

/// How a brief is typeset.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub paper: Paper,
    /// PDF standards to conform to (default PDF/UA-1 with PDF/A-2a).
    pub standards: Vec<PdfStandard>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            paper: Paper::UsLetter,
            standards: vec![PdfStandard::Ua_1, PdfStandard::A_2a],
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
    let typeset = typeset(engine, scored, opts)?;
    let pdf = export(engine, &typeset, opts)?;
    Ok(Rendered {
        pdf,
        pages: typeset.doc.pages().len(),
        warnings: typeset.warnings,
    })
}

/// A compiled, laid-out brief, before PDF export.
pub struct Typeset {
    pub doc: PagedDocument,
    pub warnings: Vec<String>,
    data: Bytes,
    today: Datetime,
    ident: String,
}

/// The document date: the assessment date.
fn today(scored: &Scored) -> Result<Datetime, RenderError> {
    use chrono::Datelike;
    let date = scored.assessment.meta.date_assessed;
    Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8)
        .ok_or_else(|| RenderError(format!("error: date {date} is out of range")))
}

/// Stage 4a: compiles and lays out the brief.
pub fn typeset(
    engine: &Engine,
    scored: &Scored,
    opts: &RenderOptions,
) -> Result<Typeset, RenderError> {
    let meta = &scored.assessment.meta;
    let data = Bytes::new(data::brief_json(scored, opts.paper));
    let mut warnings = missing_glyphs(engine, &data);
    let today = today(scored)?;
    let world = engine.world(data.clone(), today);
    let warned = typst::compile::<PagedDocument>(&world);
    for w in &warned.warnings {
        warnings.push(format_diagnostic(&world, w));
    }
    let doc = warned
        .output
        .map_err(|errors| RenderError(format_all(&world, &errors)))?;
    let ident = format!("layerbrief:{}:{}", meta.assessment_id, meta.doc_version);
    Ok(Typeset {
        doc,
        warnings,
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
        let world = engine.world(t.data.clone(), t.today);
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

//! View: the portfolio, one row per assessment, and the page `templates/portfolio.typ` (and
//! the web edition's index) reads as `/data.json`.
//!
//! Policy: a [`VendorRow`] is everything an output of many assessments needs of one: its
//! facts, the eight `score --json` layer cards, the page's cells and the changes against
//! another ruleset. It is owned and serialisable, so the web edition keeps it between runs
//! instead of preparing an unchanged workbook again. The page's shape is documented in
//! `templates/README.md`; analyst text is passed as strings, never markup.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::labels::{self, Vocabulary};
use super::scorecard::{layer_card, LayerCard};
use super::stack::{self, Band};
use super::Paper;
use crate::model::{date_long, date_short, AssessmentStatus, Authority, Status};
use crate::score::{Profile, Scored, ScoredLayer};

/// A layer whose final status or authority differs under another ruleset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CellChange {
    /// The layer.
    pub(crate) layer_id: String,
    /// `status` or `authority`.
    pub(crate) field: String,
    /// The value under the other ruleset (`--against`).
    pub(crate) from: String,
    /// The value under the ruleset of the portfolio.
    pub(crate) to: String,
    /// The rule that moved it.
    pub(crate) rule: String,
}

/// A cell of the matrix: what the brief's status badge and authority chips need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Cell {
    layer_id: String,
    status: Status,
    /// `Strong`.
    status_word: String,
    status_overridden: bool,
    authority: Vec<Authority>,
    slivers: Vec<Authority>,
    absent: bool,
    authority_overridden: bool,
    /// The numbers of the changes listed under the matrix that moved this cell.
    marks: Vec<usize>,
}

/// One assessment of a portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct VendorRow {
    pub(crate) assessment_id: String,
    pub(crate) vendor: String,
    pub(crate) product_name: Option<String>,
    pub(crate) doc_version: String,
    pub(crate) date_assessed: NaiveDate,
    pub(crate) status: AssessmentStatus,
    pub(crate) framework: String,
    pub(crate) scoring_model: String,
    pub(crate) publisher: String,
    pub(crate) confidentiality: Option<String>,
    /// The ruleset it was scored under, and its title.
    pub(crate) ruleset: String,
    pub(crate) ruleset_title: String,
    /// Scored components by final authority.
    pub(crate) profile: Profile,
    /// The eight layers as `score --json` prints them, in stack order.
    pub(crate) layers: Vec<LayerCard>,
    /// The eight cells of the matrix, in stack order.
    pub(crate) cells: Vec<Cell>,
    /// The eight bands of its small stack picture, in stack order (Layer 0 first).
    pub(crate) bands: Vec<Band>,
    /// The picture's alternative text, Layer 0 first.
    pub(crate) stack_alt: String,
    /// What differs under another ruleset, in stack order.
    pub(crate) changes: Vec<CellChange>,
}

/// The row of `s`, with its changes against another ruleset.
pub(crate) fn vendor_row(s: &Scored, changes: Vec<CellChange>) -> VendorRow {
    let m = &s.assessment.meta;
    let bands = stack::bands(s);
    VendorRow {
        assessment_id: m.assessment_id.clone(),
        vendor: m.vendor.clone(),
        product_name: m.product_name.clone(),
        doc_version: m.doc_version.clone(),
        date_assessed: m.date_assessed,
        status: m.status,
        framework: m.framework.clone(),
        scoring_model: m.scoring_model.clone(),
        publisher: m.publisher.clone(),
        confidentiality: m.confidentiality.clone(),
        ruleset: s.ruleset.id.clone(),
        ruleset_title: s.ruleset.title.clone(),
        profile: s.profile(),
        layers: s.layers.iter().map(layer_card).collect(),
        cells: s.layers.iter().map(cell).collect(),
        stack_alt: stack::alt_text(&m.vendor, &bands, &s.profile()),
        bands,
        changes,
    }
}

/// A matrix cell of a scored layer.
fn cell(l: &ScoredLayer) -> Cell {
    Cell {
        layer_id: l.layer_id.clone(),
        status: l.status,
        status_word: labels::status_word(l.status).to_string(),
        status_overridden: l.status_override.is_some(),
        authority: l.authority.clone(),
        slivers: l.slivers.iter().map(|p| p.authority).collect(),
        absent: l.absent,
        authority_overridden: l.authority_override.is_some(),
        marks: Vec::new(),
    }
}

/// A ruleset as the page names it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RulesetRef {
    pub(crate) id: String,
    pub(crate) title: String,
}

/// What the page says of the portfolio as a whole.
pub(crate) struct PageHead<'a> {
    /// The ruleset every row was scored under, when they share one.
    pub(crate) ruleset: Option<RulesetRef>,
    /// The ruleset compared against (`--against`).
    pub(crate) against: Option<RulesetRef>,
    /// `vendor` or `retained`.
    pub(crate) sort: &'static str,
    /// The portfolio's date: the latest assessment date.
    pub(crate) date: NaiveDate,
    /// The workbooks left out, by file name.
    pub(crate) excluded: &'a [String],
    pub(crate) paper: Paper,
    /// The name the page carries (its footer, the site's title): a title the user set, or
    /// the assessments' publisher.
    pub(crate) name: String,
}

#[derive(Serialize)]
pub(crate) struct PageData<'a> {
    tool: String,
    /// The name the page carries: a title the user set, or the assessments' publisher.
    name: String,
    paper: Paper,
    framework: &'a str,
    scoring_model: &'a str,
    ruleset: Option<RulesetRef>,
    against: Option<RulesetRef>,
    sort: &'static str,
    date: String,
    date_display: String,
    publisher: Option<&'a str>,
    confidentiality: Option<&'a str>,
    layers: Vec<LayerHead>,
    vendors: Vec<VendorLine<'a>>,
    changes: Vec<ChangeLine<'a>>,
    excluded: &'a [String],
    vocab: Vocabulary,
}

#[derive(Serialize)]
struct LayerHead {
    id: String,
    label: String,
    name: String,
    plane: String,
}

#[derive(Serialize)]
struct VendorLine<'a> {
    id: &'a str,
    vendor: &'a str,
    product_name: Option<&'a str>,
    doc_version: &'a str,
    date_short: String,
    draft: bool,
    ruleset: &'a str,
    profile: Profile,
    cells: Vec<Cell>,
    bands: &'a [Band],
    stack_alt: &'a str,
    /// The PDF beside the vendor's web page, when there is one (the web edition).
    pdf: Option<&'a str>,
}

#[derive(Serialize)]
struct ChangeLine<'a> {
    n: usize,
    vendor: &'a str,
    layer_label: String,
    layer_name: String,
    field: &'a str,
    /// `Status` or `Authority`.
    field_word: String,
    from: &'a str,
    to: &'a str,
    /// The values in words (`Moderate`).
    from_word: String,
    to_word: String,
    rule: &'a str,
}

/// One value when every row has the same, else `None`.
fn shared<'a>(
    rows: &[&'a VendorRow],
    f: impl Fn(&'a VendorRow) -> Option<&'a str>,
) -> Option<&'a str> {
    let first = f(rows.first()?)?;
    rows.iter().all(|r| f(r) == Some(first)).then_some(first)
}

/// The page of `rows` (in the order shown), each with the file name of its PDF when it has
/// one beside its page.
pub(crate) fn page<'a>(
    head: &'a PageHead<'a>,
    rows: &[(&'a VendorRow, Option<&'a str>)],
) -> PageData<'a> {
    let mut changes = Vec::new();
    let mut vendors = Vec::new();
    for (r, pdf) in rows {
        let mut cells = r.cells.clone();
        for c in &r.changes {
            let n = changes.len() + 1;
            if let Some(cell) = cells.iter_mut().find(|x| x.layer_id == c.layer_id) {
                cell.marks.push(n);
            }
            changes.push(change_line(n, &r.vendor, c));
        }
        vendors.push(VendorLine {
            id: &r.assessment_id,
            vendor: &r.vendor,
            product_name: r.product_name.as_deref(),
            doc_version: &r.doc_version,
            date_short: date_short(r.date_assessed),
            draft: r.status == AssessmentStatus::Pending,
            ruleset: &r.ruleset,
            profile: r.profile,
            cells,
            bands: &r.bands,
            stack_alt: &r.stack_alt,
            pdf: *pdf,
        });
    }
    let all: Vec<&VendorRow> = rows.iter().map(|(r, _)| *r).collect();
    PageData {
        tool: format!("layerbrief {}", env!("CARGO_PKG_VERSION")),
        name: head.name.clone(),
        paper: head.paper,
        framework: shared(&all, |r| Some(&r.framework))
            .unwrap_or("4+1 Layer AI Infrastructure Model"),
        scoring_model: shared(&all, |r| Some(&r.scoring_model))
            .unwrap_or("Decision Authority Placement Model (DAPM)"),
        ruleset: head.ruleset.clone(),
        against: head.against.clone(),
        sort: head.sort,
        date: head.date.format("%Y-%m-%d").to_string(),
        date_display: date_long(head.date),
        publisher: shared(&all, |r| Some(&r.publisher)),
        confidentiality: shared(&all, |r| r.confidentiality.as_deref()),
        layers: crate::model::ruleset::layers()
            .iter()
            .map(|l| LayerHead {
                id: l.layer_id.clone(),
                label: l.label.clone(),
                name: l.name.clone(),
                plane: l.plane.clone(),
            })
            .collect(),
        vendors,
        changes,
        excluded: head.excluded,
        vocab: labels::vocabulary(),
    }
}

/// Change number `n`, of `vendor`, as the list under the matrix prints it.
fn change_line<'a>(n: usize, vendor: &'a str, c: &'a CellChange) -> ChangeLine<'a> {
    let layer = labels::layer(&c.layer_id);
    ChangeLine {
        n,
        vendor,
        layer_label: layer.label,
        layer_name: layer.name,
        field: &c.field,
        field_word: labels::change_field_word(&c.field),
        from: &c.from,
        to: &c.to,
        from_word: labels::value_word(&c.field, &c.from),
        to_word: labels::value_word(&c.field, &c.to),
        rule: &c.rule,
    }
}

/// The page's data as JSON.
pub(crate) fn page_json(page: &PageData) -> Vec<u8> {
    // Plain structs of strings, numbers and vocabulary words: serialising cannot fail.
    serde_json::to_vec_pretty(page).unwrap_or_default()
}

//! After stage 3, portfolio: the data `templates/portfolio.typ` reads as `/data.json`.
//!
//! Policy: the shape is documented in `templates/README.md`; analyst text is passed as strings,
//! never markup. Each cell carries what the brief's chips need (status, authorities, slivers,
//! override marks) and the numbers of the changes listed under the matrix.

use serde::Serialize;

use super::{Portfolio, Row};
use crate::model::{date_long, date_short, AssessmentStatus, Authority};
use crate::render::Paper;
use crate::ruleset::{self, Ruleset};
use crate::score::ScoredLayer;

#[derive(Serialize)]
struct PageData<'a> {
    tool: String,
    paper: Paper,
    framework: &'a str,
    scoring_model: &'a str,
    ruleset: Option<RulesetRef<'a>>,
    against: Option<RulesetRef<'a>>,
    sort: &'static str,
    date: String,
    date_display: String,
    publisher: Option<&'a str>,
    confidentiality: Option<&'a str>,
    layers: Vec<LayerHead<'a>>,
    vendors: Vec<VendorRow<'a>>,
    changes: Vec<ChangeLine<'a>>,
    excluded: Vec<String>,
}

#[derive(Serialize)]
struct RulesetRef<'a> {
    id: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct LayerHead<'a> {
    id: &'a str,
    label: &'a str,
    name: &'a str,
    plane: &'a str,
}

#[derive(Serialize)]
struct VendorRow<'a> {
    id: &'a str,
    vendor: &'a str,
    product_name: Option<&'a str>,
    doc_version: &'a str,
    date_short: String,
    draft: bool,
    ruleset: &'a str,
    profile: crate::score::Profile,
    cells: Vec<Cell<'a>>,
}

#[derive(Serialize)]
struct Cell<'a> {
    layer_id: &'a str,
    status: &'static str,
    status_overridden: bool,
    authority: &'a [Authority],
    slivers: Vec<Authority>,
    absent: bool,
    authority_overridden: bool,
    marks: Vec<usize>,
}

#[derive(Serialize)]
struct ChangeLine<'a> {
    n: usize,
    vendor: &'a str,
    layer_label: String,
    layer_name: String,
    field: &'static str,
    from: &'a str,
    to: &'a str,
    rule: &'a str,
}

/// One value when every row has the same, else `None`.
fn shared<'a>(p: &'a Portfolio, f: impl Fn(&'a Row) -> Option<&'a str>) -> Option<&'a str> {
    let first = f(p.rows.first()?)?;
    p.rows.iter().all(|r| f(r) == Some(first)).then_some(first)
}

fn ruleset_ref(rs: &Ruleset) -> RulesetRef<'_> {
    RulesetRef {
        id: &rs.id,
        title: &rs.title,
    }
}

/// The JSON `templates/portfolio.typ` reads.
pub(crate) fn page_json(p: &Portfolio, paper: Paper) -> Vec<u8> {
    let heads: Vec<LayerHead> = ruleset::layers()
        .iter()
        .map(|l| LayerHead {
            id: &l.layer_id,
            label: &l.label,
            name: &l.name,
            plane: &l.plane,
        })
        .collect();
    let label = |id: &str| {
        ruleset::layer(id).map_or((format!("Layer {id}"), String::new()), |l| {
            (l.label.clone(), l.name.clone())
        })
    };
    let mut changes = Vec::new();
    let mut vendors = Vec::new();
    for r in &p.rows {
        let m = &r.scored.assessment.meta;
        let mut cells: Vec<Cell> = r.scored.layers.iter().map(cell).collect();
        for c in &r.changes {
            let n = changes.len() + 1;
            if let Some(cell) = cells.iter_mut().find(|x| x.layer_id == c.layer_id) {
                cell.marks.push(n);
            }
            let (layer_label, layer_name) = label(&c.layer_id);
            changes.push(ChangeLine {
                n,
                vendor: &m.vendor,
                layer_label,
                layer_name,
                field: c.field,
                from: &c.from,
                to: &c.to,
                rule: &c.rule,
            });
        }
        vendors.push(VendorRow {
            id: &m.assessment_id,
            vendor: &m.vendor,
            product_name: m.product_name.as_deref(),
            doc_version: &m.doc_version,
            date_short: date_short(m.date_assessed),
            draft: m.status == AssessmentStatus::Pending,
            ruleset: &r.scored.ruleset.id,
            profile: r.profile,
            cells,
        });
    }
    let ruleset = match &p.methodology {
        Some(rs) => Some(ruleset_ref(rs)),
        None => p
            .ruleset()
            .and_then(|id| p.rows.iter().find(|r| r.scored.ruleset.id == id))
            .map(|r| ruleset_ref(&r.scored.ruleset)),
    };
    let excluded = p
        .excluded
        .iter()
        .map(|e| {
            std::path::Path::new(&e.file)
                .file_name()
                .map_or(e.file.clone(), |n| n.to_string_lossy().into_owned())
        })
        .collect();
    let data = PageData {
        tool: format!("layerbrief {}", env!("CARGO_PKG_VERSION")),
        paper,
        framework: shared(p, |r| Some(&r.scored.assessment.meta.framework))
            .unwrap_or("4+1 Layer AI Infrastructure Model"),
        scoring_model: shared(p, |r| Some(&r.scored.assessment.meta.scoring_model))
            .unwrap_or("Decision Authority Placement Model (DAPM)"),
        ruleset,
        against: p.against.map(ruleset_ref),
        sort: p.sort.as_str(),
        date: p.date().format("%Y-%m-%d").to_string(),
        date_display: date_long(p.date()),
        publisher: shared(p, |r| Some(&r.scored.assessment.meta.publisher)),
        confidentiality: shared(p, |r| r.scored.assessment.meta.confidentiality.as_deref()),
        layers: heads,
        vendors,
        changes,
        excluded,
    };
    // Plain structs of strings, numbers and vocabulary words: serialising cannot fail.
    serde_json::to_vec_pretty(&data).unwrap_or_default()
}

/// A matrix cell: what the brief's status badge and authority chips need.
fn cell(l: &ScoredLayer) -> Cell<'_> {
    Cell {
        layer_id: &l.layer_id,
        status: l.status.as_str(),
        status_overridden: l.status_override.is_some(),
        authority: &l.authority,
        slivers: l.slivers.iter().map(|p| p.authority).collect(),
        absent: l.absent,
        authority_overridden: l.authority_override.is_some(),
        marks: Vec::new(),
    }
}

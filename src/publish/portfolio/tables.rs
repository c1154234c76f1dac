//! Publish: the portfolio as data, `portfolio.json` and `portfolio.csv`.
//!
//! Policy: the JSON's cells are the `score --json` layer objects as they are; the CSV has one
//! row per vendor and layer with the same values in words. Both are drawn from the same
//! [`Portfolio`] as the page.

use serde::Serialize;

use super::{Excluded, Portfolio};
use crate::view::portfolio::CellChange;
use crate::view::scorecard::LayerCard;

#[derive(Serialize)]
struct PortfolioJson<'a> {
    ruleset: Option<String>,
    against: Option<&'a str>,
    sort: &'static str,
    vendors: Vec<VendorJson<'a>>,
    excluded: &'a [Excluded],
}

#[derive(Serialize)]
struct VendorJson<'a> {
    assessment_id: &'a str,
    vendor: &'a str,
    doc_version: &'a str,
    status: &'static str,
    ruleset: &'a str,
    date_assessed: String,
    file: String,
    layers: &'a [LayerCard],
    profile: ProfileJson,
    changes: &'a [CellChange],
}

#[derive(Serialize)]
struct ProfileJson {
    #[serde(rename = "Retained")]
    retained: usize,
    #[serde(rename = "Delegated")]
    delegated: usize,
    #[serde(rename = "Ceded")]
    ceded: usize,
}

/// `portfolio.json`: `{"ruleset", "against", "sort", "vendors": [...], "excluded": [...]}`.
pub(crate) fn json(p: &Portfolio) -> Vec<u8> {
    let vendors = p
        .rows
        .iter()
        .map(|r| {
            let v = &r.row;
            VendorJson {
                assessment_id: &v.assessment_id,
                vendor: &v.vendor,
                doc_version: &v.doc_version,
                status: v.status.as_str(),
                ruleset: &v.ruleset,
                date_assessed: v.date_assessed.format("%Y-%m-%d").to_string(),
                file: r.source.display().to_string(),
                layers: &v.layers,
                profile: ProfileJson {
                    retained: v.profile.retained,
                    delegated: v.profile.delegated,
                    ceded: v.profile.ceded,
                },
                changes: &v.changes,
            }
        })
        .collect();
    let data = PortfolioJson {
        ruleset: p.ruleset().map(|r| r.id),
        against: p.against.map(|rs| rs.id.as_str()),
        sort: p.sort.as_str(),
        vendors,
        excluded: &p.excluded,
    };
    // Plain structs of strings, numbers and vocabulary words: serialising cannot fail.
    let mut bytes = serde_json::to_vec_pretty(&data).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The CSV's columns.
pub(crate) const CSV_HEADER: &[&str] = &[
    "assessment_id",
    "vendor",
    "doc_version",
    "assessment_status",
    "ruleset",
    "layer_id",
    "status",
    "status_rule",
    "authority",
    "slivers",
    "display",
    "status_computed",
    "authority_computed",
    "overridden",
    "changed",
    "change_rules",
];

/// `portfolio.csv`: one row per vendor and layer, authorities of a split joined by `|`.
pub(crate) fn csv(p: &Portfolio) -> Result<Vec<u8>, csv::Error> {
    let join =
        |v: &[crate::model::Authority]| v.iter().map(|a| a.as_str()).collect::<Vec<_>>().join("|");
    let yn = |b: bool| if b { "Y" } else { "N" };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for r in &p.rows {
        let v = &r.row;
        for l in &v.layers {
            let moved: Vec<&str> = v
                .changes
                .iter()
                .filter(|c| c.layer_id == l.layer_id)
                .map(|c| c.rule.as_str())
                .collect();
            w.write_record([
                v.assessment_id.as_str(),
                &v.vendor,
                &v.doc_version,
                v.status.as_str(),
                &v.ruleset,
                &l.layer_id,
                l.status.as_str(),
                &l.status_rule,
                &join(&l.authority),
                &join(&l.slivers),
                &l.display,
                l.status_computed.as_str(),
                &join(&l.authority_computed),
                yn(l.overridden),
                yn(!moved.is_empty()),
                &moved.join("; "),
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

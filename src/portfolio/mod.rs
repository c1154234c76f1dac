//! After stage 3, portfolio: many scored assessments side by side, one row per vendor and one
//! column per layer, optionally compared with another ruleset.
//!
//! Policy: every workbook named becomes a row or an exclusion with the reason it was
//! rejected; none is dropped silently. A cell is the layer's [`LayerCard`], made by the same
//! function as `score --json`, so the portfolio and the per-workbook reading never disagree.
//! Against another ruleset, a cell is marked changed when its final status or authority
//! differs, with the rule that moved it (as [`crate::rescore`] reports it). Rows are ordered by
//! vendor name, or by share of Retained components (largest first, then by name). The page,
//! the JSON and the CSV are all drawn from one [`Portfolio`].

mod page;
mod tables;

use std::path::{Path, PathBuf};

use crate::pipeline::{prepare, Under};
use crate::rescore::rescore;
use crate::ruleset::Ruleset;
use crate::score::{score, Profile, Scored};
use crate::scorecard::{layer_card, LayerCard};

pub(crate) use page::page_json;
pub(crate) use tables::{csv, json};

/// How the rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SortBy {
    /// By vendor name (the default).
    #[default]
    Vendor,
    /// By share of Retained components, largest first.
    Retained,
}

impl SortBy {
    /// The name as the command line spells it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SortBy::Vendor => "vendor",
            SortBy::Retained => "retained",
        }
    }
}

/// A layer whose final status or authority differs under the other ruleset.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct CellChange {
    /// The layer.
    pub(crate) layer_id: String,
    /// `status` or `authority`.
    pub(crate) field: &'static str,
    /// The value under the other ruleset (`--against`).
    pub(crate) from: String,
    /// The value under the ruleset of the portfolio.
    pub(crate) to: String,
    /// The rule that moved it.
    pub(crate) rule: String,
}

/// One vendor's row.
pub(crate) struct Row {
    /// The workbook it was read from.
    pub(crate) source: PathBuf,
    /// The scored assessment.
    pub(crate) scored: Scored,
    /// The eight cells, in stack order.
    pub(crate) layers: Vec<LayerCard>,
    /// Scored components by final authority.
    pub(crate) profile: Profile,
    /// What differs under `--against`, in stack order.
    pub(crate) changes: Vec<CellChange>,
}

impl Row {
    /// Share of Retained components (0 when nothing is scored).
    fn retained_share(&self) -> f64 {
        if self.profile.total == 0 {
            0.0
        } else {
            self.profile.retained as f64 / self.profile.total as f64
        }
    }
}

/// A workbook left out, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Excluded {
    /// The workbook as named on the command line.
    pub(crate) file: String,
    /// The rejection, as `build` reports it.
    pub(crate) reason: String,
}

/// The portfolio of a set of workbooks.
pub(crate) struct Portfolio {
    /// `--methodology`, when given.
    pub(crate) methodology: Option<Ruleset>,
    /// `--against`, when given.
    pub(crate) against: Option<&'static Ruleset>,
    /// How the rows are ordered.
    pub(crate) sort: SortBy,
    /// The vendors, in order.
    pub(crate) rows: Vec<Row>,
    /// The workbooks left out, in input order.
    pub(crate) excluded: Vec<Excluded>,
}

impl Portfolio {
    /// The ruleset every row was scored under: `--methodology`, or the workbooks' own when
    /// they all share one; `None` when they differ (each row then names its own).
    pub(crate) fn ruleset(&self) -> Option<&str> {
        if let Some(rs) = &self.methodology {
            return Some(&rs.id);
        }
        let first = self.rows.first()?.scored.ruleset.id.as_str();
        self.rows
            .iter()
            .all(|r| r.scored.ruleset.id == first)
            .then_some(first)
    }

    /// The portfolio's date: the latest assessment date (the PDF's creation date).
    pub(crate) fn date(&self) -> chrono::NaiveDate {
        self.rows
            .iter()
            .map(|r| r.scored.assessment.meta.date_assessed)
            .max()
            .or_else(|| self.methodology.as_ref().map(|rs| rs.effective_date))
            .unwrap_or_default()
    }
}

/// Reads, validates and scores every workbook of `files` under `under` and sets them side by
/// side, compared with `against` when given. A rejected workbook is reported on stderr as
/// `build` reports it and listed as excluded.
pub(crate) fn gather(
    files: &[PathBuf],
    under: Under,
    against: Option<&'static Ruleset>,
    sort: SortBy,
) -> Portfolio {
    let mut scored = Vec::new();
    let mut excluded = Vec::new();
    for file in files {
        match prepare(file, under) {
            Ok(p) => {
                for w in &p.warnings {
                    eprintln!("{w}\n");
                }
                scored.push((file.clone(), p.scored));
            }
            Err(r) => {
                let reason = r.render();
                eprint!("{reason}");
                eprintln!("{}: left out of the portfolio", file.display());
                excluded.push(Excluded {
                    file: file.display().to_string(),
                    reason: reason.trim_end().to_string(),
                });
            }
        }
    }
    assemble(scored, excluded, under.methodology, against, sort)
}

/// Sets assessments already scored (each with the workbook it came from) side by side,
/// compared with `against` when given; `excluded` are the workbooks left out.
pub(crate) fn assemble(
    scored: Vec<(PathBuf, Scored)>,
    excluded: Vec<Excluded>,
    methodology: Option<&Ruleset>,
    against: Option<&'static Ruleset>,
    sort: SortBy,
) -> Portfolio {
    let mut rows: Vec<Row> = scored
        .into_iter()
        .map(|(file, s)| row(&file, s, against))
        .collect();
    order(&mut rows, sort);
    Portfolio {
        methodology: methodology.cloned(),
        against,
        sort,
        rows,
        excluded,
    }
}

/// One vendor's row, with its changes against `against`.
fn row(source: &Path, scored: Scored, against: Option<&Ruleset>) -> Row {
    let layers: Vec<LayerCard> = scored.layers.iter().map(layer_card).collect();
    let changes = against
        .map(|other| changes(&scored, other, &layers))
        .unwrap_or_default();
    Row {
        source: source.to_path_buf(),
        profile: scored.profile(),
        scored,
        layers,
        changes,
    }
}

/// The cells whose final status or authority differs between `other` and the ruleset `s` was
/// scored under, each with the rule that moved it.
fn changes(s: &Scored, other: &Ruleset, now: &[LayerCard]) -> Vec<CellChange> {
    let a = &s.assessment;
    let before: Vec<LayerCard> = score(a, other).layers.iter().map(layer_card).collect();
    let moved = rescore(a, other, &s.ruleset).changes;
    let rule_of = |layer: &str, kind: &str| -> Option<String> {
        let found = moved
            .iter()
            .find(|c| c.target == layer && c.kind == kind && !c.rule.is_empty());
        found.map(|c| c.rule.clone())
    };
    let cell_rules = |layer: &str| -> String {
        let mut rules: Vec<&str> = moved
            .iter()
            .filter(|c| c.layer_id == layer && c.kind == "dapm" && !c.rule.is_empty())
            .map(|c| c.rule.as_str())
            .collect();
        rules.dedup();
        rules.join(", ")
    };
    let mut out = Vec::new();
    for (x, y) in before.iter().zip(now) {
        if x.status != y.status {
            out.push(CellChange {
                layer_id: y.layer_id.clone(),
                field: "status",
                from: x.status.as_str().into(),
                to: y.status.as_str().into(),
                rule: rule_of(&y.layer_id, "status_level").unwrap_or_else(|| y.status_rule.clone()),
            });
        }
        if x.authority != y.authority || x.slivers != y.slivers {
            out.push(CellChange {
                layer_id: y.layer_id.clone(),
                field: "authority",
                from: x.authority_short(),
                to: y.authority_short(),
                rule: rule_of(&y.layer_id, "layer_authority")
                    .unwrap_or_else(|| cell_rules(&y.layer_id)),
            });
        }
    }
    out
}

/// Orders the rows: by vendor name, or by Retained share (largest first), ties by name.
fn order(rows: &mut [Row], sort: SortBy) {
    let name = |r: &Row| {
        let m = &r.scored.assessment.meta;
        (m.vendor.to_lowercase(), m.assessment_id.clone())
    };
    match sort {
        SortBy::Vendor => rows.sort_by_key(name),
        SortBy::Retained => rows.sort_by(|a, b| {
            b.retained_share()
                .total_cmp(&a.retained_share())
                .then_with(|| name(a).cmp(&name(b)))
        }),
    }
}

/// `complete` or `pending`, as the workbook says.
pub(crate) fn status_word(r: &Row) -> &'static str {
    r.scored.assessment.meta.status.as_str()
}

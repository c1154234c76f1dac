//! Publish: the portfolio, many scored assessments side by side, one row per vendor and one
//! column per layer, optionally compared with another ruleset.
//!
//! Policy: every workbook named becomes a row or an exclusion with the reason it was
//! rejected; none is dropped silently. A row is a [`VendorRow`], whose cells are the layers'
//! [`crate::view::scorecard::LayerCard`]s made by the same function as `score --json`, so the
//! portfolio and the per-workbook reading never disagree. Against another ruleset, a cell is
//! marked changed when its final status or authority differs, with the rule that moved it
//! (as [`crate::score::rescore`] reports it). Rows are ordered by vendor name, or by share of
//! Retained components (largest first, then by name). The page, the JSON and the CSV are all
//! drawn from one [`Portfolio`]; a row keeps no scored assessment, only its view.

mod tables;

use std::path::{Path, PathBuf};

use crate::build::prepare::{prepare, Under};
use crate::model::diag::paint;
use crate::model::ruleset::Ruleset;
use crate::score::rescore::rescore;
use crate::score::{score, Scored};
use crate::view::portfolio::{
    page, vendor_row, CellChange, PageData, PageHead, RulesetRef, VendorRow,
};
use crate::view::scorecard::{layer_card, LayerCard};
use crate::view::Paper;

pub(crate) use tables::{csv, json};

/// How the rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum SortBy {
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

/// One vendor's row, with the workbook it came from.
pub(crate) struct Row {
    /// The workbook it was read from.
    pub(crate) source: PathBuf,
    /// What every output shows of it.
    pub(crate) row: VendorRow,
    /// Its PDF's file name, beside its page (the web edition).
    pub(crate) pdf: Option<String>,
}

impl Row {
    /// Share of Retained components (0 when nothing is scored).
    fn retained_share(&self) -> f64 {
        let p = &self.row.profile;
        if p.total == 0 {
            0.0
        } else {
            p.retained as f64 / p.total as f64
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
    pub(crate) fn ruleset(&self) -> Option<RulesetRef> {
        if let Some(rs) = &self.methodology {
            return Some(RulesetRef {
                id: rs.id.clone(),
                title: rs.title.clone(),
            });
        }
        let first = &self.rows.first()?.row;
        self.rows
            .iter()
            .all(|r| r.row.ruleset == first.ruleset)
            .then(|| RulesetRef {
                id: first.ruleset.clone(),
                title: first.ruleset_title.clone(),
            })
    }

    /// The portfolio's date: the latest assessment date (the PDF's creation date).
    pub(crate) fn date(&self) -> chrono::NaiveDate {
        self.rows
            .iter()
            .map(|r| r.row.date_assessed)
            .max()
            .or_else(|| self.methodology.as_ref().map(|rs| rs.effective_date))
            .unwrap_or_default()
    }

    /// The workbooks left out, by file name.
    pub(crate) fn excluded_names(&self) -> Vec<String> {
        self.excluded
            .iter()
            .map(|e| {
                Path::new(&e.file)
                    .file_name()
                    .map_or(e.file.clone(), |n| n.to_string_lossy().into_owned())
            })
            .collect()
    }

    /// The page of the portfolio under `head`: its rows in order, each with its PDF's name.
    pub(crate) fn page<'a>(&'a self, head: &'a PageHead<'a>) -> PageData<'a> {
        let rows: Vec<_> = self
            .rows
            .iter()
            .map(|r| (&r.row, r.pdf.as_deref()))
            .collect();
        page(head, &rows)
    }

    /// The name the portfolio carries: `title` when the user set one, else its assessments'
    /// publishers (each once, in row order).
    pub(crate) fn name(&self, title: Option<&str>) -> String {
        if let Some(t) = title {
            return t.to_string();
        }
        let mut names: Vec<&str> = Vec::new();
        for r in &self.rows {
            if !names.contains(&r.row.publisher.as_str()) {
                names.push(&r.row.publisher);
            }
        }
        names.join(" · ")
    }

    /// What the page says of the whole; `excluded` the names of [`Self::excluded_names`],
    /// `title` the name the user set.
    pub(crate) fn head<'a>(
        &self,
        excluded: &'a [String],
        paper: Paper,
        title: Option<&str>,
    ) -> PageHead<'a> {
        PageHead {
            name: self.name(title),
            ruleset: self.ruleset(),
            against: self.against.map(|rs| RulesetRef {
                id: rs.id.clone(),
                title: rs.title.clone(),
            }),
            sort: self.sort.as_str(),
            date: self.date(),
            excluded,
            paper,
        }
    }
}

/// Reads, validates and scores every workbook of `files` under `under` and sets them side by
/// side, compared with `against` when given. A rejected workbook is reported on stderr as
/// `build` reports it and listed as excluded; so is a second workbook of an assessment id
/// already shown (the first, in input order, keeps it, as in `build`).
pub(crate) fn gather(
    files: &[PathBuf],
    under: Under,
    against: Option<&'static Ruleset>,
    sort: SortBy,
) -> Portfolio {
    let mut rows: Vec<Row> = Vec::new();
    let mut excluded = Vec::new();
    for file in files {
        let reason = match prepare(file, under) {
            Ok(p) => {
                for w in &p.warnings {
                    eprintln!("{}\n", paint(&w.to_string()));
                }
                let id = &p.scored.assessment.meta.assessment_id;
                match rows.iter().find(|r| &r.row.assessment_id == id) {
                    None => {
                        rows.push(row(file, &p.scored, against));
                        continue;
                    }
                    Some(first) => format!(
                        "error: {}: assessment_id `{id}` is also {}'s\n  help: give each assessment its own assessment_id\n",
                        file.display(),
                        first.source.display()
                    ),
                }
            }
            Err(r) => r.render(),
        };
        eprint!("{}", paint(&reason));
        eprintln!("{}: left out of the portfolio", file.display());
        excluded.push(Excluded {
            file: file.display().to_string(),
            reason: reason.trim_end().to_string(),
        });
    }
    assemble(rows, excluded, under.methodology, against, sort)
}

/// Sets rows already made side by side; `excluded` are the workbooks left out.
pub(crate) fn assemble(
    mut rows: Vec<Row>,
    excluded: Vec<Excluded>,
    methodology: Option<&Ruleset>,
    against: Option<&'static Ruleset>,
    sort: SortBy,
) -> Portfolio {
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
pub(crate) fn row(source: &Path, scored: &Scored, against: Option<&Ruleset>) -> Row {
    let changes = against
        .map(|other| changes(scored, other))
        .unwrap_or_default();
    Row {
        source: source.to_path_buf(),
        row: vendor_row(scored, changes),
        pdf: None,
    }
}

/// The cells whose final status or authority differs between `other` and the ruleset `s` was
/// scored under, each with the rule that moved it.
fn changes(s: &Scored, other: &Ruleset) -> Vec<CellChange> {
    let a = &s.assessment;
    let before: Vec<LayerCard> = score(a, other).layers.iter().map(layer_card).collect();
    let now: Vec<LayerCard> = s.layers.iter().map(layer_card).collect();
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
    for (x, y) in before.iter().zip(&now) {
        if x.status != y.status {
            out.push(CellChange {
                layer_id: y.layer_id.clone(),
                field: "status".into(),
                from: x.status.as_str().into(),
                to: y.status.as_str().into(),
                rule: rule_of(&y.layer_id, "status_level").unwrap_or_else(|| y.status_rule.clone()),
            });
        }
        if x.authority != y.authority || x.slivers != y.slivers {
            out.push(CellChange {
                layer_id: y.layer_id.clone(),
                field: "authority".into(),
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
    let name = |r: &Row| (r.row.vendor.to_lowercase(), r.row.assessment_id.clone());
    match sort {
        SortBy::Vendor => rows.sort_by_key(name),
        SortBy::Retained => rows.sort_by(|a, b| {
            b.retained_share()
                .total_cmp(&a.retained_share())
                .then_with(|| name(a).cmp(&name(b)))
        }),
    }
}

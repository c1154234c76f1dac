//! Score: rescore, what a methodology bump changes, when an assessment is scored under
//! another ruleset.
//!
//! Policy: rescoring edits no workbook. It lists every value that moves (cell authority,
//! counterparty, layer authority, layer status) with the rule that moved it, the layers and
//! cells whose prose now needs a look (headline checks of the new reading, and prose that
//! names a value the assessment no longer has), the overrides judged under another ruleset,
//! and proposes History rows in the workbook's own columns.

use serde::Serialize;
use serde_json::{json, Value};

use crate::model::ruleset::Ruleset;
use chrono::NaiveDate;

use crate::model::{date_short, next_version, Assessment, Authority};
use crate::score::{score, Scored, ScoredComponent, WarningKind};

/// One value that changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The cell or layer id.
    pub target: String,
    /// `dapm`, `counterparty`, `layer_authority` or `status_level` (History's field names).
    pub kind: &'static str,
    pub from: Value,
    pub to: Value,
    pub rule: String,
    /// The layer the target belongs to.
    #[serde(skip)]
    pub layer_id: String,
}

/// Something an analyst should look at after the bump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub target: String,
    pub message: String,
}

/// The bump of one assessment.
#[derive(Debug, Clone, Serialize)]
pub struct Rescore {
    pub assessment_id: String,
    pub changes: Vec<Change>,
    pub review: Vec<Review>,
    /// Overrides judged under another ruleset than `to`.
    pub overrides: Vec<Review>,
}

fn authorities(v: &[Authority]) -> Value {
    json!(v)
}

/// A changed value as text: authorities of a split joined by `sep` (`|` in History rows).
pub fn joined(v: &Value, sep: &str) -> String {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(sep),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether `text` contains `word` as a whole word, ignoring case.
fn mentions(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// Compares the readings of `a` under `from` and `to`. Computed values are compared, so a
/// change stays on record even where an override holds the final value.
pub fn rescore(a: &Assessment, from: &Ruleset, to: &Ruleset) -> Rescore {
    let before = score(a, from);
    let after = score(a, to);
    let mut changes = cell_changes(a, &before, &after, to);
    let layers = layer_changes(&before, &after, &changes);
    changes.extend(layers);
    let review = review(a, &after, &changes);
    let overrides = a
        .overrides
        .iter()
        .filter(|o| o.ruleset != to.id)
        .map(|o| Review {
            target: o.target_id.clone(),
            message: format!(
                "override {} ({} of {} {} = {}) was judged under {}; confirm it under {}",
                o.override_id, o.field, o.target_type, o.target_id, o.value, o.ruleset, to.id
            ),
        })
        .collect();
    Rescore {
        assessment_id: a.meta.assessment_id.clone(),
        changes,
        review,
        overrides,
    }
}

/// The cells whose computed authority or counterparty moves between `before` and `after`.
fn cell_changes(a: &Assessment, before: &Scored, after: &Scored, to: &Ruleset) -> Vec<Change> {
    let mut changes = Vec::new();
    for ((c, x), y) in a
        .components
        .iter()
        .zip(&before.components)
        .zip(&after.components)
    {
        let val = |s: &ScoredComponent| match &s.score {
            Some(sc) => json!(sc.computed),
            None => json!("not scored"),
        };
        let (vx, vy) = (val(x), val(y));
        if vx != vy {
            let rule = match (&y.score, y.not_scored) {
                (Some(sc), _) => sc.rule.to_string(),
                (None, Some("not exposed")) => "R-EXPOSURE".into(),
                (None, _) => String::new(),
            };
            changes.push(Change {
                target: c.cell_id.clone(),
                kind: "dapm",
                from: vx,
                to: vy,
                rule,
                layer_id: c.layer_id.clone(),
            });
        }
        if let (Some(sx), Some(sy)) = (&x.score, &y.score) {
            if sx.counterparty != sy.counterparty {
                let rule = if to.backend_vendor_attribution {
                    "R-BACKEND-ATTRIBUTION"
                } else {
                    "R-CONTRACT-BOUNDARY"
                };
                changes.push(Change {
                    target: c.cell_id.clone(),
                    kind: "counterparty",
                    from: json!(sx.counterparty),
                    to: json!(sy.counterparty),
                    rule: rule.into(),
                    layer_id: c.layer_id.clone(),
                });
            }
        }
    }
    changes
}

/// The layers whose computed authority or status moves; a layer's authority is moved by the
/// rules that moved its cells (`cells`).
fn layer_changes(before: &Scored, after: &Scored, cells: &[Change]) -> Vec<Change> {
    let mut changes = Vec::new();
    for (lx, ly) in before.layers.iter().zip(&after.layers) {
        if lx.authority_computed != ly.authority_computed {
            let rule = if ly.absent {
                "R-ABSENT-AUTHORITY".to_string()
            } else {
                let mut rules: Vec<String> = cells
                    .iter()
                    .filter(|c| c.kind == "dapm" && c.layer_id == ly.layer_id)
                    .map(|c| c.rule.clone())
                    .filter(|r| !r.is_empty())
                    .collect();
                rules.dedup();
                rules.join(", ")
            };
            changes.push(Change {
                target: ly.layer_id.clone(),
                kind: "layer_authority",
                from: authorities(&lx.authority_computed),
                to: authorities(&ly.authority_computed),
                rule,
                layer_id: ly.layer_id.clone(),
            });
        }
        if lx.status_computed != ly.status_computed {
            changes.push(Change {
                target: ly.layer_id.clone(),
                kind: "status_level",
                from: json!(lx.status_computed),
                to: json!(ly.status_computed),
                rule: ly.status_rule.to_string(),
                layer_id: ly.layer_id.clone(),
            });
        }
    }
    changes
}

fn review(a: &Assessment, after: &Scored, changes: &[Change]) -> Vec<Review> {
    let mut out: Vec<Review> = after
        .warnings
        .iter()
        .filter(|w| {
            matches!(
                w.kind,
                WarningKind::HeadlineAuthority | WarningKind::HeadlineStatus
            )
        })
        .map(|w| Review {
            target: w.target.clone(),
            message: w.message.clone(),
        })
        .collect();
    for ch in changes.iter().filter(|c| c.kind != "counterparty") {
        let old: Vec<String> = match &ch.from {
            Value::Array(v) => v
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => vec![],
        };
        let new = joined(&ch.to, "|");
        for word in old
            .iter()
            .filter(|w| !new.split('|').any(|n| n.eq_ignore_ascii_case(w)))
        {
            let (what, text) = if ch.kind == "dapm" {
                let c = a.components.iter().find(|c| c.cell_id == ch.target);
                ("text", c.and_then(|c| c.text.clone()).unwrap_or_default())
            } else {
                let l = a.layers.iter().find(|l| l.layer_id == ch.target);
                (
                    "narrative",
                    l.map(|l| format!("{} {}", l.headline, l.narrative))
                        .unwrap_or_default(),
                )
            };
            if mentions(&text, word) {
                let entry = Review {
                    target: ch.target.clone(),
                    message: format!(
                        "{} {} {what} mentions {word}, which it now reads as {}",
                        if ch.kind == "dapm" { "cell" } else { "layer" },
                        ch.target,
                        new.replace('|', " | ")
                    ),
                };
                if !out.contains(&entry) {
                    out.push(entry);
                }
            }
        }
    }
    out
}

/// The proposed History rows (the workbook's columns, header first), numbered after the
/// workbook's last row: of the document's next version (`v1.3` → `v1.4`; left empty when its
/// version is not a number), dated `today` (the rescore's date), with the ruleset in its own
/// column.
pub fn history_rows(
    a: &Assessment,
    to: &Ruleset,
    r: &Rescore,
    today: NaiveDate,
) -> Vec<Vec<String>> {
    let version = next_version(&a.meta.doc_version).unwrap_or_default();
    let mut rows = vec![crate::model::sheets::HISTORY
        .names()
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()];
    let mut seq = a.history.iter().map(|h| h.seq).max().unwrap_or(0);
    for ch in &r.changes {
        seq += 1;
        rows.push(vec![
            seq.to_string(),
            version.clone(),
            date_short(today),
            ch.layer_id.clone(),
            ch.target.clone(),
            ch.kind.to_string(),
            joined(&ch.from, "|"),
            joined(&ch.to, "|"),
            ch.rule.clone(),
            "N".into(),
            String::new(),
            to.id.clone(),
        ]);
    }
    rows
}

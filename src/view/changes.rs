//! View: what changed between two published versions of an assessment, from their records:
//! the readings that moved (with the rule that moved them), the components added, removed,
//! renamed or with other facts, every printed text word by word, the metadata, the
//! overrides and the version history. `diff` prints it; the brief's changes section, the
//! per-reader message and the web edition's changes pages show it.
//!
//! Policy: computed from two [`Record`]s only (an archived one and today's, or any two), so a
//! change reads the same wherever it is shown. Layers come in stack order, Layer 0 first.
//! Prose is compared word by word: deleted and inserted runs of words between unchanged
//! ones, whitespace kept with the word before it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::labels;
use super::record::Record;
use super::scorecard::{CellCard, LayerCard};
use crate::model::{Authority, Component, LAYER_IDS};

/// The version of this shape.
pub(crate) const FORMAT: &str = "layerbrief-changes/1";

/// What changed from one version of an assessment to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "layerbrief changes")]
pub(crate) struct Changes {
    /// The version of this shape, `layerbrief-changes/1`.
    pub(crate) format: String,
    /// The older version.
    pub(crate) from: Version,
    /// The newer version.
    pub(crate) to: Version,
    /// Both are the same assessment (same assessment id).
    pub(crate) same_assessment: bool,
    /// Assessment fields changed (doc_version, dates, methodology_version, status…).
    pub(crate) metadata: Vec<FieldChange>,
    /// Summary paragraphs changed, added or removed, by their seq.
    pub(crate) summary: Vec<ProseChange>,
    /// The layers with any change, in stack order.
    pub(crate) layers: Vec<LayerChanges>,
    /// Overrides added, removed or changed.
    pub(crate) overrides: Vec<RowChange>,
    /// Version-history rows added or removed.
    pub(crate) history: Vec<RowChange>,
    /// How many readings moved, in all layers.
    pub(crate) moved: usize,
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Version {
    pub(crate) assessment_id: String,
    pub(crate) vendor: String,
    pub(crate) doc_version: String,
    /// `2026-06-01`.
    pub(crate) date_assessed: String,
    /// The ruleset it was scored under.
    pub(crate) methodology: String,
}

/// A field whose value changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct FieldChange {
    pub(crate) field: String,
    /// The old value (`None`: it was empty).
    pub(crate) from: Option<String>,
    /// The new value (`None`: it is empty now).
    pub(crate) to: Option<String>,
}

/// Everything that changed in one layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct LayerChanges {
    /// `1A`.
    pub(crate) layer_id: String,
    /// `Layer 1A`.
    pub(crate) label: String,
    /// `Storage & Data Infrastructure`.
    pub(crate) name: String,
    /// Readings that moved: the layer's status, authority and slivers, then its cells'.
    pub(crate) readings: Vec<Moved>,
    /// Components added, removed, renamed or with other facts.
    pub(crate) components: Vec<ComponentChange>,
    /// Printed texts changed: headline, narrative, note, component names and texts.
    pub(crate) prose: Vec<ProseChange>,
}

/// What a moved reading is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Reading {
    LayerStatus,
    LayerAuthority,
    LayerSlivers,
    CellAuthority,
    CellCounterparty,
}

/// A reading that moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Moved {
    pub(crate) reading: Reading,
    /// The layer (`1A`) or cell (`1A.2`) it is of.
    pub(crate) target: String,
    /// In words: `status`, `authority`, `1A.2 authority`.
    pub(crate) what: String,
    pub(crate) from: String,
    pub(crate) to: String,
    /// The rule that moved it (an override, for a value an analyst set).
    pub(crate) rule: String,
}

/// How a component changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ComponentKind {
    Added,
    Removed,
    Renamed,
    /// Its facts (operator, openness, role…) changed.
    Changed,
}

/// A component added, removed, renamed or changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct ComponentChange {
    pub(crate) kind: ComponentKind,
    pub(crate) cell_id: String,
    /// Its name before (removed, renamed).
    pub(crate) from: Option<String>,
    /// Its name now (added, renamed).
    pub(crate) to: Option<String>,
    /// The facts that changed (changed).
    pub(crate) facts: Vec<FieldChange>,
}

/// A printed text that changed, word by word.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct ProseChange {
    /// What text it is: `headline`, `narrative`, `note`, `1A.2 text`, `1A.2 name`,
    /// `paragraph 2`, `paragraph 2 heading`.
    pub(crate) what: String,
    /// The text as runs of unchanged, deleted and inserted words.
    pub(crate) segments: Vec<Segment>,
}

/// A run of words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Segment {
    pub(crate) kind: SegmentKind,
    pub(crate) text: String,
}

/// Whether a run of words is in both texts, only the old or only the new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SegmentKind {
    Same,
    Deleted,
    Inserted,
}

/// A row (override, history row) added, removed or changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct RowChange {
    pub(crate) kind: ComponentKind,
    /// `O-1`; a history row's version and layer (`v1.3 · 1A`).
    pub(crate) id: String,
    /// The row as text, before (removed, changed).
    pub(crate) from: Option<String>,
    /// The row as text, now (added, changed).
    pub(crate) to: Option<String>,
}

impl Changes {
    /// Whether nothing changed at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.metadata.is_empty()
            && self.summary.is_empty()
            && self.layers.is_empty()
            && self.overrides.is_empty()
            && self.history.is_empty()
    }
}

/// What changed from `old` to `new`.
pub(crate) fn changes(old: &Record, new: &Record) -> Changes {
    let layers: Vec<LayerChanges> = LAYER_IDS
        .iter()
        .filter_map(|id| layer_changes(old, new, id))
        .collect();
    Changes {
        format: FORMAT.into(),
        from: version(old),
        to: version(new),
        same_assessment: old.assessment.assessment_id == new.assessment.assessment_id,
        metadata: metadata(old, new),
        summary: summary(old, new),
        moved: layers.iter().map(|l| l.readings.len()).sum(),
        layers,
        overrides: overrides(old, new),
        history: history(old, new),
    }
}

fn version(r: &Record) -> Version {
    Version {
        assessment_id: r.assessment.assessment_id.clone(),
        vendor: r.assessment.vendor.clone(),
        doc_version: r.assessment.doc_version.clone(),
        date_assessed: r.assessment.date_assessed.format("%Y-%m-%d").to_string(),
        methodology: r.reading.methodology.clone(),
    }
}

fn field(name: &str, from: Option<String>, to: Option<String>) -> Option<FieldChange> {
    let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let (from, to) = (blank(from), blank(to));
    (from != to).then(|| FieldChange {
        field: name.into(),
        from,
        to,
    })
}

fn metadata(old: &Record, new: &Record) -> Vec<FieldChange> {
    let (a, b) = (&old.assessment, &new.assessment);
    let s = |v: &str| Some(v.to_string());
    [
        field("vendor", s(&a.vendor), s(&b.vendor)),
        field(
            "product_name",
            a.product_name.clone(),
            b.product_name.clone(),
        ),
        field("subtitle", a.subtitle.clone(), b.subtitle.clone()),
        field("doc_version", s(&a.doc_version), s(&b.doc_version)),
        field(
            "version_title",
            a.version_title.clone(),
            b.version_title.clone(),
        ),
        field(
            "date_assessed",
            s(&a.date_assessed.to_string()),
            s(&b.date_assessed.to_string()),
        ),
        field(
            "methodology_version",
            s(&a.methodology_version),
            s(&b.methodology_version),
        ),
        field("status", s(a.status.as_str()), s(b.status.as_str())),
        field("publisher", s(&a.publisher), s(&b.publisher)),
        field("author", s(&a.author), s(&b.author)),
        field("sources", a.sources.clone(), b.sources.clone()),
        field(
            "confidentiality",
            a.confidentiality.clone(),
            b.confidentiality.clone(),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn summary(old: &Record, new: &Record) -> Vec<ProseChange> {
    let mut seqs: Vec<i64> = old
        .summary
        .iter()
        .chain(&new.summary)
        .map(|p| p.seq)
        .collect();
    seqs.sort_unstable();
    seqs.dedup();
    let mut out = Vec::new();
    for (n, seq) in seqs.iter().enumerate() {
        let a = old.summary.iter().find(|p| p.seq == *seq);
        let b = new.summary.iter().find(|p| p.seq == *seq);
        let n = n + 1;
        out.extend(prose(
            &format!("paragraph {n} heading"),
            a.and_then(|p| p.heading.as_deref()).unwrap_or(""),
            b.and_then(|p| p.heading.as_deref()).unwrap_or(""),
        ));
        out.extend(prose(
            &format!("paragraph {n}"),
            a.map_or("", |p| p.paragraph.as_str()),
            b.map_or("", |p| p.paragraph.as_str()),
        ));
    }
    out
}

fn layer_changes(old: &Record, new: &Record, id: &str) -> Option<LayerChanges> {
    let info = labels::layer(id);
    let mut readings = Vec::new();
    let card = |r: &Record| r.reading.layers.iter().find(|l| l.layer_id == id).cloned();
    let cells = |r: &Record| -> Vec<CellCard> {
        r.reading
            .components
            .iter()
            .filter(|c| layer_of(&c.cell_id) == id)
            .cloned()
            .collect()
    };
    let (old_cells, new_cells) = (cells(old), cells(new));
    let mut moved_cells = Vec::new();
    for b in &new_cells {
        let Some(a) = old_cells.iter().find(|a| a.cell_id == b.cell_id) else {
            continue;
        };
        if a.authority != b.authority {
            moved_cells.push(b.rule.clone());
            readings.push(Moved {
                reading: Reading::CellAuthority,
                target: b.cell_id.clone(),
                what: format!("{} authority", b.cell_id),
                from: a.authority.to_string(),
                to: b.authority.to_string(),
                rule: cell_rule(b, new),
            });
        }
        if a.counterparty != b.counterparty {
            readings.push(Moved {
                reading: Reading::CellCounterparty,
                target: b.cell_id.clone(),
                what: format!("{} counterparty", b.cell_id),
                from: a.counterparty.clone(),
                to: b.counterparty.clone(),
                rule: cell_rule(b, new),
            });
        }
    }
    if let (Some(a), Some(b)) = (card(old), card(new)) {
        let mut layer = layer_readings(&a, &b, &moved_cells, &new_cells, &old_cells);
        layer.append(&mut readings);
        readings = layer;
    }
    let components = components(old, new, id);
    let mut prose_changes = Vec::new();
    let facts = |r: &Record| r.layers.iter().find(|l| l.layer_id == id).cloned();
    if let (Some(a), Some(b)) = (facts(old), facts(new)) {
        prose_changes.extend(prose("headline", &a.headline, &b.headline));
        prose_changes.extend(prose("narrative", &a.narrative, &b.narrative));
        prose_changes.extend(prose(
            "note",
            a.note_text.as_deref().unwrap_or(""),
            b.note_text.as_deref().unwrap_or(""),
        ));
    }
    for b in new.components.iter().filter(|c| c.layer_id == id) {
        if let Some(a) = old.components.iter().find(|a| a.cell_id == b.cell_id) {
            prose_changes.extend(prose(
                &format!("{} text", b.cell_id),
                a.text.as_deref().unwrap_or(""),
                b.text.as_deref().unwrap_or(""),
            ));
        }
    }
    if readings.is_empty() && components.is_empty() && prose_changes.is_empty() {
        return None;
    }
    Some(LayerChanges {
        layer_id: id.to_string(),
        label: info.label,
        name: info.name,
        readings,
        components,
        prose: prose_changes,
    })
}

/// The layer's own readings that moved, with the rules of the cells that moved them.
fn layer_readings(
    a: &LayerCard,
    b: &LayerCard,
    moved_cells: &[String],
    new_cells: &[CellCard],
    old_cells: &[CellCard],
) -> Vec<Moved> {
    let mut out = Vec::new();
    let override_or = |rule: String| {
        if b.overridden {
            "analyst override".to_string()
        } else {
            rule
        }
    };
    if a.status != b.status {
        out.push(Moved {
            reading: Reading::LayerStatus,
            target: b.layer_id.clone(),
            what: "status".into(),
            from: a.status.to_string(),
            to: b.status.to_string(),
            rule: override_or(b.status_rule.clone()),
        });
    }
    // A layer's authority follows its cells: the rules of the cells that moved, else the
    // cells that came or went.
    let why = || {
        let mut rules: Vec<String> = moved_cells.to_vec();
        rules.sort();
        rules.dedup();
        if rules.is_empty() && new_cells.len() != old_cells.len() {
            rules.push("components added or removed".into());
        }
        override_or(rules.join(", "))
    };
    if a.authority != b.authority {
        out.push(Moved {
            reading: Reading::LayerAuthority,
            target: b.layer_id.clone(),
            what: "authority".into(),
            from: authorities(&a.authority),
            to: authorities(&b.authority),
            rule: why(),
        });
    }
    if a.slivers != b.slivers {
        out.push(Moved {
            reading: Reading::LayerSlivers,
            target: b.layer_id.clone(),
            what: "slivers".into(),
            from: authorities(&a.slivers),
            to: authorities(&b.slivers),
            rule: why(),
        });
    }
    out
}

/// `Retained | Ceded`, or `none`.
fn authorities(v: &[Authority]) -> String {
    if v.is_empty() {
        return "none".into();
    }
    v.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(" | ")
}

/// The rule of a cell's reading: its override, or the rule that computed it.
fn cell_rule(c: &CellCard, r: &Record) -> String {
    if !c.overridden {
        return c.rule.clone();
    }
    r.overrides
        .iter()
        .find(|o| o.target_id == c.cell_id)
        .map_or_else(
            || "analyst override".into(),
            |o| format!("override {}", o.override_id),
        )
}

/// The layer of a cell id: `1A` of `1A.2`.
fn layer_of(cell_id: &str) -> &str {
    cell_id.split('.').next().unwrap_or(cell_id)
}

fn components(old: &Record, new: &Record, id: &str) -> Vec<ComponentChange> {
    let of = |r: &'_ Record| -> Vec<Component> {
        r.components
            .iter()
            .filter(|c| c.layer_id == id)
            .cloned()
            .collect()
    };
    let (a_all, b_all) = (of(old), of(new));
    let name = |c: &Component| c.component_name.clone().or_else(|| c.text.clone());
    let mut out = Vec::new();
    for b in &b_all {
        match a_all.iter().find(|a| a.cell_id == b.cell_id) {
            None => out.push(ComponentChange {
                kind: ComponentKind::Added,
                cell_id: b.cell_id.clone(),
                from: None,
                to: name(b),
                facts: Vec::new(),
            }),
            Some(a) => {
                if a.component_name != b.component_name {
                    out.push(ComponentChange {
                        kind: ComponentKind::Renamed,
                        cell_id: b.cell_id.clone(),
                        from: a.component_name.clone(),
                        to: b.component_name.clone(),
                        facts: Vec::new(),
                    });
                }
                let facts = component_facts(a, b);
                if !facts.is_empty() {
                    out.push(ComponentChange {
                        kind: ComponentKind::Changed,
                        cell_id: b.cell_id.clone(),
                        from: None,
                        to: name(b),
                        facts,
                    });
                }
            }
        }
    }
    for a in &a_all {
        if !b_all.iter().any(|b| b.cell_id == a.cell_id) {
            out.push(ComponentChange {
                kind: ComponentKind::Removed,
                cell_id: a.cell_id.clone(),
                from: name(a),
                to: None,
                facts: Vec::new(),
            });
        }
    }
    out
}

/// The facts of a component that changed (its name and text aside).
fn component_facts(a: &Component, b: &Component) -> Vec<FieldChange> {
    let yes = |v: bool| Some(if v { "yes" } else { "no" }.to_string());
    let opt = |v: &Option<String>| v.clone();
    [
        field(
            "column_id",
            Some(a.column_id.clone()),
            Some(b.column_id.clone()),
        ),
        field("pending", yes(a.pending), yes(b.pending)),
        field("exposed", yes(a.exposed), yes(b.exposed)),
        field(
            "operator",
            a.operator.map(|o| o.as_str().to_string()),
            b.operator.map(|o| o.as_str().to_string()),
        ),
        field(
            "substrate_open",
            yes(a.substrate_open),
            yes(b.substrate_open),
        ),
        field("iface_std", yes(a.iface_std), yes(b.iface_std)),
        field("std_name", opt(&a.std_name), opt(&b.std_name)),
        field("exit_open", yes(a.exit_open), yes(b.exit_open)),
        field(
            "own_hw_substitutable",
            yes(a.own_hw_substitutable),
            yes(b.own_hw_substitutable),
        ),
        field(
            "role",
            Some(a.role.as_str().to_string()),
            Some(b.role.as_str().to_string()),
        ),
        field("path_label", opt(&a.path_label), opt(&b.path_label)),
        field(
            "backend_vendor",
            opt(&a.backend_vendor),
            opt(&b.backend_vendor),
        ),
        field("counterparty", opt(&a.counterparty), opt(&b.counterparty)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn overrides(old: &Record, new: &Record) -> Vec<RowChange> {
    let text = |o: &crate::model::Override| {
        format!(
            "{} {} {} = {} ({}; {}, {})",
            o.target_type.as_str(),
            o.target_id,
            o.field.as_str(),
            o.value,
            o.justification,
            o.analyst,
            o.ruleset
        )
    };
    let mut out = Vec::new();
    for b in &new.overrides {
        match old
            .overrides
            .iter()
            .find(|a| a.override_id == b.override_id)
        {
            None => out.push(row(
                ComponentKind::Added,
                &b.override_id,
                None,
                Some(text(b)),
            )),
            Some(a) if text(a) != text(b) || a.date != b.date => out.push(row(
                ComponentKind::Changed,
                &b.override_id,
                Some(text(a)),
                Some(text(b)),
            )),
            Some(_) => {}
        }
    }
    for a in &old.overrides {
        if !new.overrides.iter().any(|b| b.override_id == a.override_id) {
            out.push(row(
                ComponentKind::Removed,
                &a.override_id,
                Some(text(a)),
                None,
            ));
        }
    }
    out
}

fn history(old: &Record, new: &Record) -> Vec<RowChange> {
    let text = |h: &crate::model::HistoryRow| {
        let mut parts = vec![h.layer_id.clone()];
        if let Some(t) = &h.target_id {
            parts.push(t.clone());
        }
        if let (Some(f), Some(t)) = (&h.from_value, &h.to_value) {
            parts.push(format!("{f} → {t}"));
        }
        if let Some(r) = &h.rule_id {
            parts.push(r.clone());
        }
        if let Some(t) = &h.text {
            parts.push(t.clone());
        }
        parts.join(" · ")
    };
    let key = |h: &crate::model::HistoryRow| format!("{} · {}", h.doc_version, text(h));
    let id = |h: &crate::model::HistoryRow| format!("{} · {}", h.doc_version, h.layer_id);
    let mut out = Vec::new();
    for b in &new.history {
        if !old.history.iter().any(|a| key(a) == key(b)) {
            out.push(row(ComponentKind::Added, &id(b), None, Some(text(b))));
        }
    }
    for a in &old.history {
        if !new.history.iter().any(|b| key(a) == key(b)) {
            out.push(row(ComponentKind::Removed, &id(a), Some(text(a)), None));
        }
    }
    out
}

fn row(kind: ComponentKind, id: &str, from: Option<String>, to: Option<String>) -> RowChange {
    RowChange {
        kind,
        id: id.to_string(),
        from,
        to,
    }
}

/// `old` → `new` word by word, when they differ.
fn prose(what: &str, old: &str, new: &str) -> Option<ProseChange> {
    if old.trim() == new.trim() {
        return None;
    }
    Some(ProseChange {
        what: what.to_string(),
        segments: words(old, new),
    })
}

/// The runs of unchanged, deleted and inserted words from `old` to `new`.
pub(crate) fn words(old: &str, new: &str) -> Vec<Segment> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::configure().diff_words(old, new);
    let mut out: Vec<Segment> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => SegmentKind::Same,
            ChangeTag::Delete => SegmentKind::Deleted,
            ChangeTag::Insert => SegmentKind::Inserted,
        };
        let text = change.value();
        // Whitespace between two changed words belongs to the change: one run, not three.
        match out.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(text),
            _ if text.trim().is_empty() && kind == SegmentKind::Same => out.push(Segment {
                kind,
                text: text.to_string(),
            }),
            _ => out.push(Segment {
                kind,
                text: text.to_string(),
            }),
        }
    }
    out
}

/// The JSON Schema of [`Changes`], as pretty JSON with a final newline.
pub(crate) fn schema_json() -> Vec<u8> {
    let schema = schemars::schema_for!(Changes);
    let mut bytes = serde_json::to_vec_pretty(&schema).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_compared_as_words() {
        let s = words(
            "CoreWeave runs the fabric on NVIDIA hardware.",
            "CoreWeave operates the fabric on NVIDIA and AMD hardware.",
        );
        let deleted: String = s
            .iter()
            .filter(|x| x.kind == SegmentKind::Deleted)
            .map(|x| x.text.clone())
            .collect();
        let inserted: String = s
            .iter()
            .filter(|x| x.kind == SegmentKind::Inserted)
            .map(|x| x.text.clone())
            .collect();
        assert_eq!(deleted.trim(), "runs");
        assert!(
            inserted.contains("operates") && inserted.contains("AMD"),
            "{s:?}"
        );
        // The new text is the unchanged and inserted runs, the old the unchanged and deleted.
        let new: String = s
            .iter()
            .filter(|x| x.kind != SegmentKind::Deleted)
            .map(|x| x.text.as_str())
            .collect();
        assert_eq!(
            new,
            "CoreWeave operates the fabric on NVIDIA and AMD hardware."
        );
    }
}

/// The brief's changes section: what changed since the version a reader holds.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BriefChanges {
    /// `What changed since v1.2 (June 1, 2026)`.
    pub(crate) title: String,
    /// One sentence: what was compared, and how much moved.
    pub(crate) intro: String,
    /// The readings that moved, in stack order.
    pub(crate) readings: Vec<BriefReading>,
    /// Components added, removed, renamed or changed, and other facts, as lines.
    pub(crate) facts: Vec<String>,
    /// Each changed text as a redline.
    pub(crate) prose: Vec<BriefProse>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct BriefReading {
    /// `Layer 1A`.
    pub(crate) layer: String,
    /// `status`, `authority`, `1A.2 authority`.
    pub(crate) what: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) rule: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct BriefProse {
    /// `Layer 0 · narrative`, `Summary · paragraph 1`.
    pub(crate) place: String,
    pub(crate) segments: Vec<Segment>,
}

/// The changes section of the brief of `c.to`, against `c.from`.
pub(crate) fn for_brief(c: &Changes) -> BriefChanges {
    let since = chrono::NaiveDate::parse_from_str(&c.from.date_assessed, "%Y-%m-%d")
        .map(crate::model::date_long)
        .unwrap_or_else(|_| c.from.date_assessed.clone());
    let readings: Vec<BriefReading> = c
        .layers
        .iter()
        .flat_map(|l| {
            l.readings.iter().map(|m| BriefReading {
                layer: l.label.clone(),
                what: m.what.clone(),
                from: m.from.clone(),
                to: m.to.clone(),
                rule: m.rule.clone(),
            })
        })
        .collect();
    let mut facts: Vec<String> = c
        .metadata
        .iter()
        .filter(|f| f.field != "date_assessed")
        .map(|f| {
            format!(
                "{}: {} → {}",
                f.field.replace('_', " "),
                f.from.as_deref().unwrap_or("none"),
                f.to.as_deref().unwrap_or("none")
            )
        })
        .collect();
    for l in &c.layers {
        for k in &l.components {
            let name = |v: &Option<String>| v.clone().unwrap_or_else(|| k.cell_id.clone());
            facts.push(match k.kind {
                ComponentKind::Added => {
                    format!("{}: {} added ({})", l.label, name(&k.to), k.cell_id)
                }
                ComponentKind::Removed => {
                    format!("{}: {} removed ({})", l.label, name(&k.from), k.cell_id)
                }
                ComponentKind::Renamed => format!(
                    "{}: {} renamed {} ({})",
                    l.label,
                    name(&k.from),
                    name(&k.to),
                    k.cell_id
                ),
                ComponentKind::Changed => format!(
                    "{}: {} ({}) facts changed: {}",
                    l.label,
                    name(&k.to),
                    k.cell_id,
                    k.facts
                        .iter()
                        .map(|f| format!(
                            "{} {} → {}",
                            f.field.replace('_', " "),
                            f.from.as_deref().unwrap_or("none"),
                            f.to.as_deref().unwrap_or("none")
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    for (what, rows) in [("override", &c.overrides), ("history row", &c.history)] {
        for r in rows {
            let verb = match r.kind {
                ComponentKind::Added => "added",
                ComponentKind::Removed => "removed",
                _ => "changed",
            };
            facts.push(format!(
                "{what} {} {verb}: {}",
                r.id,
                r.to.as_deref().or(r.from.as_deref()).unwrap_or_default()
            ));
        }
    }
    let mut prose: Vec<BriefProse> = c
        .summary
        .iter()
        .map(|p| BriefProse {
            place: format!("Summary · {}", p.what),
            segments: p.segments.clone(),
        })
        .collect();
    for l in &c.layers {
        prose.extend(l.prose.iter().map(|p| BriefProse {
            place: format!("{} · {}", l.label, p.what),
            segments: p.segments.clone(),
        }));
    }
    let intro = format!(
        "Compared with {} of {since}, scored under ruleset {}: {} reading{} moved, {} text{} rewritten, {} other change{}.",
        c.from.doc_version,
        c.from.methodology,
        readings.len(),
        if readings.len() == 1 { "" } else { "s" },
        prose.len(),
        if prose.len() == 1 { "" } else { "s" },
        facts.len(),
        if facts.len() == 1 { "" } else { "s" },
    );
    BriefChanges {
        title: format!("What changed since {} ({since})", c.from.doc_version),
        intro,
        readings,
        facts,
        prose,
    }
}

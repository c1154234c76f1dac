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

use super::record::Record;
use crate::model::LAYER_IDS;

mod layers;
mod rows;
mod section;
mod words;

use layers::layer_changes;
use rows::{history, metadata, overrides, summary};
pub(crate) use section::{for_brief, BriefChanges};
use words::prose;

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

pub(super) fn field(name: &str, from: Option<String>, to: Option<String>) -> Option<FieldChange> {
    let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let (from, to) = (blank(from), blank(to));
    (from != to).then(|| FieldChange {
        field: name.into(),
        from,
        to,
    })
}
/// The JSON Schema of [`Changes`], as pretty JSON with a final newline.
pub(crate) fn schema_json() -> Vec<u8> {
    let schema = schemars::schema_for!(Changes);
    let mut bytes = serde_json::to_vec_pretty(&schema).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

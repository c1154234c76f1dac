//! View: the record, one assessment as published data, the `<assessment_id>.json` of the
//! web edition, and its JSON Schema.
//!
//! Policy: the record is typed; its schema is generated from the same structs, so the two
//! cannot drift. It carries the workbook's text and facts as validated (every sheet the brief
//! prints; never the Distribution sheet, whose addresses are private) and the scored reading,
//! which is the object `score --json` prints. `format` names the version of this shape: a
//! change that could break a reader gets a new version.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Column, Component, HistoryRow, LayerFacts, Meta, Override, SummaryPara};
use crate::score::Scored;
use crate::view::scorecard::{scorecard, Scorecard};

/// The version of the record's shape.
pub(crate) const FORMAT: &str = "layerbrief-assessment/1";

/// One published assessment: its text and facts, and its scored reading.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "layerbrief assessment")]
pub(crate) struct Record {
    /// The version of this shape, `layerbrief-assessment/1`.
    pub(crate) format: String,
    /// The tool that wrote it, `layerbrief 0.1.0`.
    pub(crate) generator: String,
    /// The Assessment sheet.
    pub(crate) assessment: Meta,
    /// The Summary paragraphs, in order.
    pub(crate) summary: Vec<SummaryPara>,
    /// The capability matrix's columns.
    pub(crate) columns: Vec<Column>,
    /// The capability matrix's cells and their DAPM facts, in layer and seq order.
    pub(crate) components: Vec<Component>,
    /// The eight layers' facts and prose, in stack order.
    pub(crate) layers: Vec<LayerFacts>,
    /// The analysts' overrides.
    pub(crate) overrides: Vec<Override>,
    /// The document's version history.
    pub(crate) history: Vec<HistoryRow>,
    /// The scored reading: the object `layerbrief score --json` prints.
    pub(crate) reading: Scorecard,
}

/// The record of `s`.
pub(crate) fn record(s: &Scored) -> Record {
    let a = &s.assessment;
    Record {
        format: FORMAT.into(),
        generator: format!("layerbrief {}", env!("CARGO_PKG_VERSION")),
        assessment: a.meta.clone(),
        summary: a.summary.clone(),
        columns: a.columns.clone(),
        components: a.components.clone(),
        layers: a.layers.clone(),
        overrides: a.overrides.clone(),
        history: a.history.clone(),
        reading: scorecard(s),
    }
}

/// The record as pretty JSON, with a final newline.
pub(crate) fn to_json(r: &Record) -> Vec<u8> {
    // Plain structs of strings, numbers, dates and vocabulary words: serialising cannot fail.
    let mut bytes = serde_json::to_vec_pretty(r).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The JSON Schema of a [`Record`], as pretty JSON with a final newline.
pub(crate) fn schema_json() -> Vec<u8> {
    let schema = schemars::schema_for!(Record);
    let mut bytes = serde_json::to_vec_pretty(&schema).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

//! View: the brief's version history and its appendix, how every value was scored.

use serde::Serialize;

use crate::model::{date_long, date_short, Authority, Component, HistoryRow, Override};
use crate::model::{OverrideField, TargetType};
use crate::score::{Scored, ScoredComponent};
use crate::view::labels;

#[derive(Serialize)]
pub(super) struct HistoryData<'a> {
    seq: i64,
    doc_version: &'a str,
    date_short: Option<String>,
    layer_id: &'a str,
    target_id: Option<&'a str>,
    field: Option<&'a str>,
    /// The field in words (`Status`); `None` when the row names no field.
    field_word: Option<String>,
    from: Option<&'a str>,
    to: Option<&'a str>,
    rule: Option<&'a str>,
    text: Option<&'a str>,
    /// The change as the history table prints it: `Status: moderate → gap`, or the row's text
    /// when it names no field.
    change: String,
}

#[derive(Serialize)]
pub(super) struct ScoringData<'a> {
    components: Vec<ComponentRow<'a>>,
    overrides: Vec<OverrideRow<'a>>,
    warnings: Vec<&'a str>,
}

#[derive(Serialize)]
struct ComponentRow<'a> {
    id: &'a str,
    layer_id: &'a str,
    name: &'a str,
    rule: &'static str,
    computed: Authority,
    authority: Authority,
    overridden: bool,
    counterparty: &'a str,
}

#[derive(Serialize)]
struct OverrideRow<'a> {
    id: &'a str,
    target_type: &'static str,
    target_id: &'a str,
    field: &'static str,
    /// The field in words (`Layer authority`).
    field_word: String,
    computed: String,
    value: String,
    justification: &'a str,
    analyst: &'a str,
    date_display: String,
    ruleset: &'a str,
    stale: bool,
}

impl<'a> HistoryData<'a> {
    pub(super) fn new(h: &'a HistoryRow) -> Self {
        let field_word = h.field.as_deref().map(labels::field_word);
        let change = match (&field_word, &h.text) {
            (None, Some(text)) => text.clone(),
            (word, _) => {
                let word = word.as_deref().unwrap_or("Change");
                match (h.from_value.as_deref(), h.to_value.as_deref()) {
                    (Some(from), Some(to)) => format!("{word}: {from} → {to}"),
                    (None, Some(to)) => format!("{word}: {to}"),
                    (Some(from), None) => format!("{word}: {from} → —"),
                    (None, None) => word.to_string(),
                }
            }
        };
        Self {
            seq: h.seq,
            doc_version: &h.doc_version,
            date_short: h.date.map(date_short),
            layer_id: &h.layer_id,
            target_id: h.target_id.as_deref(),
            field: h.field.as_deref(),
            field_word,
            from: h.from_value.as_deref(),
            to: h.to_value.as_deref(),
            rule: h.rule_id.as_deref(),
            text: h.text.as_deref(),
            change,
        }
    }
}

impl<'a> ScoringData<'a> {
    pub(super) fn new(s: &'a Scored) -> Self {
        Self {
            components: s
                .assessment
                .components
                .iter()
                .zip(&s.components)
                .filter_map(|(c, sc)| ComponentRow::new(c, sc))
                .collect(),
            overrides: s
                .assessment
                .overrides
                .iter()
                .map(|o| OverrideRow::new(s, o))
                .collect(),
            warnings: s.warnings.iter().map(|w| w.message.as_str()).collect(),
        }
    }
}

impl<'a> ComponentRow<'a> {
    /// The appendix row of a scored component; `None` when it was not scored.
    fn new(c: &'a Component, sc: &'a ScoredComponent) -> Option<Self> {
        let x = sc.score.as_ref()?;
        Some(Self {
            id: &c.cell_id,
            layer_id: &c.layer_id,
            name: c.component_name.as_deref().unwrap_or(&c.cell_id),
            rule: x.rule,
            computed: x.computed,
            authority: x.authority,
            overridden: x.override_id.is_some(),
            counterparty: &x.counterparty,
        })
    }
}

impl<'a> OverrideRow<'a> {
    fn new(s: &'a Scored, o: &'a Override) -> Self {
        Self {
            id: &o.override_id,
            target_type: o.target_type.as_str(),
            target_id: &o.target_id,
            field: o.field.as_str(),
            field_word: labels::field_word(o.field.as_str()),
            computed: overridden_value(s, o),
            value: o.value.to_string().replace('|', " | "),
            justification: &o.justification,
            analyst: &o.analyst,
            date_display: date_long(o.date),
            ruleset: &o.ruleset,
            stale: o.ruleset != s.ruleset.id,
        }
    }
}

/// The computed value an override replaces, as printed in the appendix.
fn overridden_value(s: &Scored, o: &Override) -> String {
    match o.target_type {
        TargetType::Cell => s
            .components
            .iter()
            .find(|c| c.cell_id == o.target_id)
            .and_then(|c| c.score.as_ref())
            .map(|x| x.computed.to_string())
            .unwrap_or_else(|| "not scored".into()),
        TargetType::Layer => match s.layer(&o.target_id) {
            Some(l) if o.field == OverrideField::StatusLevel => l.status_computed.to_string(),
            Some(l) => l
                .authority_computed
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(" | "),
            None => String::new(),
        },
    }
}

//! View: the scorecard, the computed reading of one scored assessment as plain data, the
//! object `layerbrief score --json` prints.
//!
//! Policy: every output that shows a reading (`score --json`, the portfolio's JSON, CSV and
//! page, the web edition) takes it from the functions here, so two outputs of one workbook
//! can never disagree. Cells and layers carry the final value, what the rules computed and
//! the rule that decided it. The structs derive a JSON Schema, published with the web edition.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Authority, Status};
use crate::score::{Scored, ScoredComponent, ScoredLayer, Warning};

/// The reading of one assessment: the `score --json` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Scorecard {
    /// The workbook's assessment id.
    pub(crate) assessment_id: String,
    /// The ruleset it was scored under.
    pub(crate) methodology: String,
    /// Every scored component, in layer and seq order.
    pub(crate) components: Vec<CellCard>,
    /// The eight layers, in stack order.
    pub(crate) layers: Vec<LayerCard>,
    /// The checks of the scoring pass.
    pub(crate) warnings: Vec<Warning>,
}

/// One scored component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct CellCard {
    /// `1A.2`.
    pub(crate) cell_id: String,
    /// The final authority (the override's, if any).
    pub(crate) authority: Authority,
    /// What the rules computed.
    pub(crate) computed: Authority,
    /// The rule that decided `computed`.
    pub(crate) rule: String,
    /// Who holds the customer's dependency.
    pub(crate) counterparty: String,
    /// An override set the final authority.
    pub(crate) overridden: bool,
}

/// One layer: its status and authority, final and computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct LayerCard {
    /// `0`, `1A` … `3`.
    pub(crate) layer_id: String,
    /// The final status.
    pub(crate) status: Status,
    /// The rule that decided the computed status.
    pub(crate) status_rule: String,
    /// The final authorities (several: a split), Retained, Delegated, Ceded order.
    pub(crate) authority: Vec<Authority>,
    /// Sliver authorities shown after the authority.
    pub(crate) slivers: Vec<Authority>,
    /// The authority in words, as the brief prints it.
    pub(crate) display: String,
    /// What the rules computed for the status.
    pub(crate) status_computed: Status,
    /// What the rules computed for the authority.
    pub(crate) authority_computed: Vec<Authority>,
    /// An override set the status or the authority.
    pub(crate) overridden: bool,
}

/// The reading of `s`.
pub(crate) fn scorecard(s: &Scored) -> Scorecard {
    Scorecard {
        assessment_id: s.assessment.meta.assessment_id.clone(),
        methodology: s.ruleset.id.clone(),
        components: s.components.iter().filter_map(cell_card).collect(),
        layers: s.layers.iter().map(layer_card).collect(),
        warnings: s.warnings.clone(),
    }
}

/// The card of a component; `None` when it is not scored.
pub(crate) fn cell_card(c: &ScoredComponent) -> Option<CellCard> {
    let x = c.score.as_ref()?;
    Some(CellCard {
        cell_id: c.cell_id.clone(),
        authority: x.authority,
        computed: x.computed,
        rule: x.rule.to_string(),
        counterparty: x.counterparty.clone(),
        overridden: x.override_id.is_some(),
    })
}

/// The card of a layer.
pub(crate) fn layer_card(l: &ScoredLayer) -> LayerCard {
    LayerCard {
        layer_id: l.layer_id.clone(),
        status: l.status,
        status_rule: l.status_rule.to_string(),
        authority: l.authority.clone(),
        slivers: l.slivers.iter().map(|p| p.authority).collect(),
        display: l.display.clone(),
        status_computed: l.status_computed,
        authority_computed: l.authority_computed.clone(),
        overridden: l.status_override.is_some() || l.authority_override.is_some(),
    }
}

impl LayerCard {
    /// The authority in short: `Delegated | Ceded`, slivers after (`Retained + Ceded sliver`).
    pub(crate) fn authority_short(&self) -> String {
        let mut s = self
            .authority
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(" | ");
        for sliver in &self.slivers {
            s.push_str(&format!(" + {sliver} sliver"));
        }
        s
    }
}

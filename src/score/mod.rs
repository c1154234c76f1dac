//! Stage 3, score: the DAPM rules of a ruleset applied to a validated assessment.
//!
//! Policy: scoring is a pure function of the assessment and the ruleset; it changes no
//! workbook value. Every computed value keeps the rule id that decided it, overrides replace
//! the final value while the computed one stays on record, and the checks of the DAPM
//! contract (headlines that no longer match, overrides judged under another ruleset) come
//! back as warnings, never failures.

mod cell;
mod layer;
pub(crate) mod rescore;

use serde::{Deserialize, Serialize};

use crate::model::ruleset::Ruleset;
use crate::model::{Assessment, Authority, Status};

/// The score of one component that the ruleset scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellScore {
    /// The final authority (the override's, if any).
    pub authority: Authority,
    /// What the rules computed.
    pub computed: Authority,
    /// The rule that decided `computed`.
    pub rule: &'static str,
    /// Who holds the customer's dependency.
    pub counterparty: String,
    /// The override that replaced the computed value.
    pub override_id: Option<String>,
}

/// One component after scoring.
#[derive(Debug, Clone, Serialize)]
pub struct ScoredComponent {
    pub cell_id: String,
    pub layer_id: String,
    /// `None` when the component is not scored; see `not_scored`.
    pub score: Option<CellScore>,
    /// Why it is not scored: `pending`, `info`, or `not exposed` (R-EXPOSURE).
    pub not_scored: Option<&'static str>,
}

/// An authority with the paths that carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub authority: Authority,
    pub paths: Vec<String>,
}

/// One layer after scoring.
#[derive(Debug, Clone, Serialize)]
pub struct ScoredLayer {
    pub layer_id: String,
    pub status: Status,
    pub status_computed: Status,
    pub status_rule: &'static str,
    pub status_override: Option<String>,
    /// Final authorities, Retained, Delegated, Ceded order; several = a split.
    pub authority: Vec<Authority>,
    pub authority_computed: Vec<Authority>,
    pub authority_override: Option<String>,
    /// No scored core, path or optional component: the ruleset's absent authority.
    pub absent: bool,
    /// One part per authority with its paths.
    pub parts: Vec<Part>,
    /// Sliver authorities not already in `authority`.
    pub slivers: Vec<Part>,
    /// How the brief names the authority: "Retained + Ceded slivers (Mission Control)".
    pub display: String,
}

/// What a scoring warning is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The headline names an authority the layer no longer has.
    HeadlineAuthority,
    /// The headline starts with a status word other than the computed status.
    HeadlineStatus,
    /// An override judged under another ruleset than the one in force.
    StaleOverride,
    /// An override of a cell this ruleset does not score.
    UnusedOverride,
}

/// A check of the scoring pass: the prose or an override needs a look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Warning {
    pub kind: WarningKind,
    /// The layer or cell concerned.
    pub target: String,
    pub message: String,
    /// The override concerned, for override warnings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_id: Option<String>,
}

/// A scored assessment.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    pub assessment: Assessment,
    pub ruleset: Ruleset,
    /// Every component, in layer and seq order.
    pub components: Vec<ScoredComponent>,
    /// The eight layers, in stack order.
    pub layers: Vec<ScoredLayer>,
    pub warnings: Vec<Warning>,
}

/// How many scored components hold each final authority.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub retained: usize,
    pub delegated: usize,
    pub ceded: usize,
    pub total: usize,
}

impl Scored {
    /// The DAPM profile: scored components by final authority.
    pub fn profile(&self) -> Profile {
        let mut p = Profile::default();
        for c in self.components.iter().filter_map(|c| c.score.as_ref()) {
            match c.authority {
                Authority::Retained => p.retained += 1,
                Authority::Delegated => p.delegated += 1,
                Authority::Ceded => p.ceded += 1,
            }
            p.total += 1;
        }
        p
    }

    /// The scored layer `id`.
    pub fn layer(&self, id: &str) -> Option<&ScoredLayer> {
        self.layers.iter().find(|l| l.layer_id == id)
    }
}

/// Scores `assessment` under `ruleset`.
pub fn score(assessment: &Assessment, ruleset: &Ruleset) -> Scored {
    let mut warnings = Vec::new();
    for o in &assessment.overrides {
        if o.ruleset != ruleset.id {
            warnings.push(Warning {
                kind: WarningKind::StaleOverride,
                target: o.target_id.clone(),
                message: format!(
                    "override {} of {} {} was judged under {}; scoring under {} keeps it, but it needs a fresh look",
                    o.override_id, o.target_type, o.target_id, o.ruleset, ruleset.id
                ),
                override_id: Some(o.override_id.clone()),
            });
        }
    }
    let components: Vec<ScoredComponent> = assessment
        .components
        .iter()
        .map(|c| cell::score_component(assessment, c, ruleset, &mut warnings))
        .collect();
    let layers: Vec<ScoredLayer> = assessment
        .layers
        .iter()
        .map(|l| layer::score_layer(assessment, l, &components, ruleset, &mut warnings))
        .collect();
    Scored {
        assessment: assessment.clone(),
        ruleset: ruleset.clone(),
        components,
        layers,
        warnings,
    }
}

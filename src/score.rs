//! Stage 3, score: the DAPM rules of a ruleset applied to a validated assessment.
//!
//! Policy: scoring is a pure function of the assessment and the ruleset; it changes no
//! workbook value. Every computed value keeps the rule id that decided it, overrides replace
//! the final value while the computed one stays on record, and the checks of the DAPM
//! contract (headlines that no longer match, overrides judged under another ruleset) come
//! back as warnings, never failures.

use serde::Serialize;

use crate::model::{
    Assessment, Authority, Capability, Component, Delivery, LayerFacts, Operator, OverrideField,
    OverrideValue, Role, Status, TargetType, TwocScope,
};
use crate::ruleset::Ruleset;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
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
        .map(|c| score_component(assessment, c, ruleset, &mut warnings))
        .collect();
    let layers: Vec<ScoredLayer> = assessment
        .layers
        .iter()
        .map(|l| score_layer(assessment, l, &components, ruleset, &mut warnings))
        .collect();
    Scored {
        assessment: assessment.clone(),
        ruleset: ruleset.clone(),
        components,
        layers,
        warnings,
    }
}

/// The authority rule of dapm.md for one component; `None` when it is not scored.
pub(crate) fn component_authority(
    c: &Component,
    rs: &Ruleset,
) -> Result<(Authority, &'static str), &'static str> {
    if c.pending {
        return Err("pending");
    }
    if c.role == Role::Info {
        return Err("info");
    }
    if rs.exposure_boundary && !c.exposed {
        return Err("not exposed");
    }
    Ok(if c.layer_id == "0" {
        if c.own_hw_substitutable {
            (Authority::Retained, "R-L0-SUBSTITUTABLE")
        } else {
            (Authority::Ceded, "R-L0-RENTED")
        }
    } else if c.substrate_open
        && c.exit_open
        && (c.operator == Some(Operator::Enterprise) || c.portability_evidence.is_some())
    {
        (Authority::Retained, "R-OPEN-SUBSTRATE")
    } else if c.iface_std && c.exit_open {
        if rs.managed_service_delegated {
            (Authority::Delegated, "R-MANAGED-SERVICE")
        } else {
            (Authority::Retained, "R-OPEN-INTERFACE")
        }
    } else {
        (Authority::Ceded, "R-CLOSED-SYSTEM")
    })
}

fn score_component(
    a: &Assessment,
    c: &Component,
    rs: &Ruleset,
    warnings: &mut Vec<Warning>,
) -> ScoredComponent {
    let cell_override = a.overrides.iter().find(|o| {
        o.target_type == TargetType::Cell
            && o.target_id == c.cell_id
            && o.field == OverrideField::Dapm
    });
    let (score, not_scored) = match component_authority(c, rs) {
        Ok((computed, rule)) => {
            let (authority, override_id) = match cell_override {
                Some(o) => match o.value {
                    OverrideValue::Authority(v) => (v, Some(o.override_id.clone())),
                    _ => (computed, None),
                },
                None => (computed, None),
            };
            let column_cp = a
                .column(&c.column_id)
                .and_then(|col| col.counterparty.clone());
            let own = c
                .counterparty
                .clone()
                .or(column_cp)
                .unwrap_or_else(|| a.meta.vendor.clone());
            let counterparty = match (&c.backend_vendor, rs.backend_vendor_attribution) {
                (Some(backend), true) => format!("{backend} (third party)"),
                _ => own,
            };
            (
                Some(CellScore {
                    authority,
                    computed,
                    rule,
                    counterparty,
                    override_id,
                }),
                None,
            )
        }
        Err(why) => {
            if let Some(o) = cell_override {
                warnings.push(Warning {
                    kind: WarningKind::UnusedOverride,
                    target: c.cell_id.clone(),
                    message: format!(
                        "override {} of cell {} has no effect: {} does not score the cell ({why})",
                        o.override_id, c.cell_id, rs.id
                    ),
                    override_id: Some(o.override_id.clone()),
                });
            }
            (None, Some(why))
        }
    };
    ScoredComponent {
        cell_id: c.cell_id.clone(),
        layer_id: c.layer_id.clone(),
        score,
        not_scored,
    }
}

/// The status rule of dapm.md for one layer.
pub(crate) fn layer_status(l: &LayerFacts, rs: &Ruleset) -> (Status, &'static str) {
    match l.capability {
        Capability::None | Capability::UnderlayOnly => return (Status::Gap, "R-EXPOSURE"),
        Capability::OptionalOnly => {
            return if rs.optional_tiers_count {
                (Status::Moderate, "R-OPTIONAL-TIER")
            } else {
                (Status::Gap, "R-DEFAULT-ONLY")
            };
        }
        Capability::Default => {}
    }
    if l.layer_id == "2C" {
        let status = match l.twoc_scope {
            Some(TwocScope::MultiPlane) => Status::Moderate,
            Some(TwocScope::SingleBlock) => rs.twoc_single_block_status,
            Some(TwocScope::None) | None => Status::Gap,
        };
        return (status, "R-2C-THRESHOLD");
    }
    if l.delivery == Delivery::Partner {
        return (Status::Partner, "R-PARTNER");
    }
    if l.differentiated && l.complete && l.breadth == Some(crate::model::Breadth::AtPar) {
        return (Status::Strong, "R-STRONG");
    }
    (Status::Moderate, "R-MODERATE")
}

/// Adds `path` to the part of `authority`, keeping first-seen order.
fn add_path(parts: &mut Vec<Part>, authority: Authority, path: Option<String>) {
    let idx = match parts.iter().position(|p| p.authority == authority) {
        Some(i) => i,
        None => {
            parts.push(Part {
                authority,
                paths: Vec::new(),
            });
            parts.len() - 1
        }
    };
    if let Some(path) = path {
        if !parts[idx].paths.contains(&path) {
            parts[idx].paths.push(path);
        }
    }
}

fn score_layer(
    a: &Assessment,
    l: &LayerFacts,
    components: &[ScoredComponent],
    rs: &Ruleset,
    warnings: &mut Vec<Warning>,
) -> ScoredLayer {
    let mut parts: Vec<Part> = Vec::new();
    let mut sliver_parts: Vec<Part> = Vec::new();
    for (c, s) in a.components.iter().zip(components) {
        let Some(score) = s.score.as_ref().filter(|_| c.layer_id == l.layer_id) else {
            continue;
        };
        let name = || c.component_name.clone().or_else(|| Some(c.cell_id.clone()));
        match c.role {
            Role::Core => add_path(&mut parts, score.authority, name()),
            Role::Path | Role::Optional => add_path(
                &mut parts,
                score.authority,
                c.path_label.clone().or_else(name),
            ),
            Role::Sliver => add_path(
                &mut sliver_parts,
                score.authority,
                c.path_label.clone().or_else(name),
            ),
            Role::Info => {}
        }
    }
    parts.sort_by_key(|p| p.authority);
    let absent = parts.is_empty();
    let authority_computed: Vec<Authority> = if absent {
        vec![rs.absent_authority]
    } else {
        parts.iter().map(|p| p.authority).collect()
    };
    let layer_override = |field: OverrideField| {
        a.overrides.iter().find(|o| {
            o.target_type == TargetType::Layer && o.target_id == l.layer_id && o.field == field
        })
    };
    let (authority, authority_override) = match layer_override(OverrideField::LayerAuthority) {
        Some(o) => match &o.value {
            OverrideValue::Authorities(v) => (v.clone(), Some(o.override_id.clone())),
            OverrideValue::Authority(v) => (vec![*v], Some(o.override_id.clone())),
            OverrideValue::Status(_) => (authority_computed.clone(), None),
        },
        None => (authority_computed.clone(), None),
    };
    if authority_override.is_some() {
        // Keep the computed paths of authorities the override keeps; drop the others.
        parts.retain(|p| authority.contains(&p.authority));
        for &au in &authority {
            add_path(&mut parts, au, None);
        }
        parts.sort_by_key(|p| p.authority);
    } else if absent {
        parts = vec![Part {
            authority: rs.absent_authority,
            paths: Vec::new(),
        }];
    }
    sliver_parts.retain(|p| !authority.contains(&p.authority));
    sliver_parts.sort_by_key(|p| p.authority);
    let absent = absent && authority_override.is_none();
    let display = display(&parts, &sliver_parts, absent);

    let (status_computed, status_rule) = layer_status(l, rs);
    let (status, status_override) = match layer_override(OverrideField::StatusLevel) {
        Some(o) => match o.value {
            OverrideValue::Status(s) => (s, Some(o.override_id.clone())),
            _ => (status_computed, None),
        },
        None => (status_computed, None),
    };
    headline_checks(l, status, &authority, &sliver_parts, warnings);
    ScoredLayer {
        layer_id: l.layer_id.clone(),
        status,
        status_computed,
        status_rule,
        status_override,
        authority,
        authority_computed,
        authority_override,
        absent,
        parts,
        slivers: sliver_parts,
        display,
    }
}

/// The authority as the brief names it.
fn display(parts: &[Part], slivers: &[Part], absent: bool) -> String {
    let mut out = if absent {
        format!("{} (enterprise-provided)", parts[0].authority)
    } else if parts.len() == 1 {
        parts[0].authority.to_string()
    } else {
        parts
            .iter()
            .map(|p| {
                if p.paths.is_empty() {
                    p.authority.to_string()
                } else {
                    format!("{} ({})", p.authority, p.paths.join("; "))
                }
            })
            .collect::<Vec<_>>()
            .join(" / ")
    };
    for s in slivers {
        out.push_str(&format!(
            " + {} slivers ({})",
            s.authority,
            s.paths.join("; ")
        ));
    }
    out
}

fn headline_checks(
    l: &LayerFacts,
    status: Status,
    authority: &[Authority],
    slivers: &[Part],
    warnings: &mut Vec<Warning>,
) {
    let words: Vec<String> = l
        .headline
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let held = |a: Authority| authority.contains(&a) || slivers.iter().any(|s| s.authority == a);
    for a in Authority::ALL {
        if words.iter().any(|w| w == &a.as_str().to_lowercase()) && !held(*a) {
            let names: Vec<&str> = authority.iter().map(|a| a.as_str()).collect();
            warnings.push(Warning {
                kind: WarningKind::HeadlineAuthority,
                target: l.layer_id.clone(),
                message: format!(
                    "layer {} headline \"{}\" names {a}, which the layer no longer holds (now {}); the prose needs a look",
                    l.layer_id, l.headline, names.join(" | ")
                ),
                override_id: None,
            });
        }
    }
    if let Some(first) = words.first().and_then(|w| Status::parse(w)) {
        if first != status {
            warnings.push(Warning {
                kind: WarningKind::HeadlineStatus,
                target: l.layer_id.clone(),
                message: format!(
                    "layer {} headline \"{}\" starts with {first}, but the status is now {status}; the prose needs a look",
                    l.layer_id, l.headline
                ),
                override_id: None,
            });
        }
    }
}

//! Score: the status and authority of one layer, how the brief names its authority, and
//! the checks of its headline against the new reading.

use super::{Part, ScoredComponent, ScoredLayer, Warning, WarningKind};
use crate::model::ruleset::Ruleset;
use crate::model::{
    Assessment, Authority, Capability, Delivery, LayerFacts, Override, OverrideField,
    OverrideValue, Role, Status, TargetType, TwocScope,
};

/// The status rule of dapm.md for one layer.
fn layer_status(l: &LayerFacts, rs: &Ruleset) -> (Status, &'static str) {
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

/// The parts of a layer (its authorities, each with the paths that carry it) and its
/// slivers, from its scored components, in first-seen order.
fn layer_parts(
    a: &Assessment,
    l: &LayerFacts,
    components: &[ScoredComponent],
) -> (Vec<Part>, Vec<Part>) {
    let mut parts: Vec<Part> = Vec::new();
    let mut slivers: Vec<Part> = Vec::new();
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
                &mut slivers,
                score.authority,
                c.path_label.clone().or_else(name),
            ),
            Role::Info => {}
        }
    }
    (parts, slivers)
}

/// The override of layer `l`'s `field`, if the assessment has one.
fn layer_override<'a>(
    a: &'a Assessment,
    l: &LayerFacts,
    field: OverrideField,
) -> Option<&'a Override> {
    a.overrides.iter().find(|o| {
        o.target_type == TargetType::Layer && o.target_id == l.layer_id && o.field == field
    })
}

/// A layer's final authorities and the override that set them, given what was computed.
fn final_authority(
    a: &Assessment,
    l: &LayerFacts,
    computed: &[Authority],
) -> (Vec<Authority>, Option<String>) {
    match layer_override(a, l, OverrideField::LayerAuthority) {
        Some(o) => match &o.value {
            OverrideValue::Authorities(v) => (v.clone(), Some(o.override_id.clone())),
            OverrideValue::Authority(v) => (vec![*v], Some(o.override_id.clone())),
            OverrideValue::Status(_) => (computed.to_vec(), None),
        },
        None => (computed.to_vec(), None),
    }
}

/// A layer's final status and the override that set it, given what was computed.
fn final_status(a: &Assessment, l: &LayerFacts, computed: Status) -> (Status, Option<String>) {
    match layer_override(a, l, OverrideField::StatusLevel) {
        Some(o) => match o.value {
            OverrideValue::Status(s) => (s, Some(o.override_id.clone())),
            _ => (computed, None),
        },
        None => (computed, None),
    }
}

/// Scores one layer: its parts and slivers, authority (computed and final), status
/// (computed and final), how the brief names its authority, and the checks of its headline.
pub(super) fn score_layer(
    a: &Assessment,
    l: &LayerFacts,
    components: &[ScoredComponent],
    rs: &Ruleset,
    warnings: &mut Vec<Warning>,
) -> ScoredLayer {
    let (mut parts, mut slivers) = layer_parts(a, l, components);
    parts.sort_by_key(|p| p.authority);
    let absent = parts.is_empty();
    let authority_computed: Vec<Authority> = if absent {
        vec![rs.absent_authority]
    } else {
        parts.iter().map(|p| p.authority).collect()
    };
    let (authority, authority_override) = final_authority(a, l, &authority_computed);
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
    slivers.retain(|p| !authority.contains(&p.authority));
    slivers.sort_by_key(|p| p.authority);
    let absent = absent && authority_override.is_none();
    let display = display(&parts, &slivers, absent);
    let (status_computed, status_rule) = layer_status(l, rs);
    let (status, status_override) = final_status(a, l, status_computed);
    headline_checks(l, status, &authority, &slivers, warnings);
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
        slivers,
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

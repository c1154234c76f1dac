//! Score: the authority of one component, and its counterparty.

use super::{CellScore, ScoredComponent, Warning, WarningKind};
use crate::model::ruleset::Ruleset;
use crate::model::{
    Assessment, Authority, Component, Operator, OverrideField, OverrideValue, Role, TargetType,
};

/// The authority rule of dapm.md for one component; `None` when it is not scored.
fn component_authority(
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

pub(super) fn score_component(
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

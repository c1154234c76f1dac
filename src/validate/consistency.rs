//! Validate: what the sheets say of one another. A layer that says the vendor delivers
//! something while no component stands in it (or that the vendor exposes nothing while it
//! exposes components there), and a complete assessment with nothing to score.
//!
//! Policy: each finding points at the cell that says it (the layer's `capability`, the
//! assessment's `assessment_status`). A layer that contradicts its components is a warning
//! (the analyst may be mid-edit); a complete assessment that scores nothing is an error, since
//! its brief would read "Retained (enterprise-provided)" at every layer.

use crate::load::Workbook;
use crate::model::diag::{Diagnostics, Place};
use crate::model::{AssessmentStatus, Capability, Component, Delivery, LayerFacts, Meta, Role};

/// Whether a component takes part in scoring: neither pending nor described only.
fn scorable(c: &Component) -> bool {
    !c.pending && c.role != Role::Info
}

/// Checks the layers against their components, and a complete assessment for something to
/// score.
pub(super) fn check(
    wb: &Workbook,
    meta: &Meta,
    layers: &[LayerFacts],
    components: &[Component],
    d: &mut Diagnostics,
) {
    for l in layers {
        let any = components.iter().any(|c| c.layer_id == l.layer_id);
        let in_layer: Vec<&Component> = components
            .iter()
            .filter(|c| c.layer_id == l.layer_id && scorable(c) && c.exposed)
            .collect();
        let delivers = matches!(l.capability, Capability::Default | Capability::OptionalOnly)
            && l.delivery == Delivery::Vendor;
        let place = || {
            wb.cell_of("Layers", "layer_id", &l.layer_id, "capability")
                .unwrap_or_else(|| Place::sheet("Layers"))
        };
        if delivers && !any {
            d.warning(
                place(),
                format!(
                    "layer {} says the vendor delivers it (capability {}, delivery vendor), but no component of the Components sheet shows it",
                    l.layer_id, l.capability
                ),
                Some(format!(
                    "add the components that deliver layer {}, or set capability or delivery to what the vendor really offers",
                    l.layer_id
                )),
            );
        } else if l.capability == Capability::None && !in_layer.is_empty() {
            let ids: Vec<&str> = in_layer.iter().map(|c| c.cell_id.as_str()).collect();
            d.warning(
                place(),
                format!(
                    "layer {} says the vendor exposes nothing (capability none), but it exposes components {}",
                    l.layer_id,
                    ids.join(", ")
                ),
                Some("set capability to what they show, or mark them info or pending".into()),
            );
        }
    }
    if meta.status == AssessmentStatus::Complete && !components.iter().any(scorable) {
        d.error(
            wb.cell_of("Assessment", "field", "assessment_status", "value")
                .unwrap_or_else(|| Place::sheet("Assessment")),
            "a complete assessment with no component to score: every layer would read Retained (enterprise-provided)",
            Some("add the components of the Components sheet, or set assessment_status to pending".into()),
        );
    }
}

//! Changes: one layer's, its readings that moved (with the rule that moved each), its
//! components and its printed texts.

use super::{
    field, prose, ComponentChange, ComponentKind, FieldChange, LayerChanges, Moved, Reading,
};
use crate::model::{Authority, Component};
use crate::view::labels;
use crate::view::record::Record;
use crate::view::scorecard::{CellCard, LayerCard};

pub(super) fn layer_changes(old: &Record, new: &Record, id: &str) -> Option<LayerChanges> {
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

//! Stage 2, validate: the Components and Layers sheets.

use std::collections::HashMap;

use crate::diag::{expected_one_of, Diagnostics, Place};
use crate::load::{Value, Workbook};
use crate::model::{
    Breadth, Capability, Column, Component, Delivery, LayerFacts, NoteKind, Operator, Role,
    TwocScope, LAYER_IDS,
};

use super::reader::{RowReader, Table};
use super::refs::Ids;
use crate::schema;

/// The DAPM facts a pending cell must leave empty.
const FACTS: &[&str] = &[
    "text",
    "exposed",
    "operator",
    "substrate_open",
    "iface_std",
    "std_name",
    "exit_open",
    "portability_evidence",
    "own_hw_substitutable",
    "path_label",
    "backend_vendor",
    "counterparty",
];

/// Reads a layer id as analysts type it (`0` and `3` often arrive as numbers, `1a` in any case).
fn layer_id(r: &mut RowReader, name: &str, required: bool) -> Option<String> {
    let text = r.text(name);
    let Some(text) = text else {
        if required && r.value(name).is_some() {
            r.error(
                name,
                format!("`{name}` is empty"),
                format!("expected one of {}", LAYER_IDS.join(", ")),
            );
        }
        return None;
    };
    let found = LAYER_IDS.iter().find(|id| id.eq_ignore_ascii_case(&text));
    if found.is_none() {
        r.error(
            name,
            format!("unknown layer `{text}`"),
            expected_one_of(&text, &LAYER_IDS),
        );
    }
    found.map(|s| s.to_string())
}

/// The components, and every cell id seen (valid rows or not) for other sheets to point at.
pub fn components_sheet(
    wb: &Workbook,
    columns: Option<&[Column]>,
    d: &mut Diagnostics,
) -> (Option<Vec<Component>>, Ids) {
    let mut ids = Ids::unknown();
    let Some(t) = Table::open(wb, &schema::COMPONENTS, d) else {
        return (None, ids);
    };
    let mut out = Vec::new();
    let mut seen: HashMap<String, Place> = HashMap::new();
    for row in &t.sheet.rows {
        let mut r = t.row(row, d);
        if let Some(c) = component(&mut r, columns, &mut ids, &mut seen) {
            out.push(c);
        }
    }
    out.sort_by(|a, b| {
        layer_rank(&a.layer_id)
            .cmp(&layer_rank(&b.layer_id))
            .then(a.seq.cmp(&b.seq))
    });
    (Some(out), ids)
}

/// One row of the Components sheet: its identity, then its text and DAPM facts, each
/// checked; `None` when a cell needed to place it is missing.
fn component(
    r: &mut RowReader,
    columns: Option<&[Column]>,
    ids: &mut Ids,
    seen: &mut HashMap<String, Place>,
) -> Option<Component> {
    let cell_id = r.required("cell_id", "give the cell an id `<layer>.<n>`, e.g. `1A.2`");
    let layer = layer_id(r, "layer_id", true);
    let column_id = r.required("column_id", "name a column of the Columns sheet");
    let seq = r.integer("seq", true);
    let pending = r.flag("pending", false);
    let role: Option<Role> = if pending {
        r.choice("role", None)
    } else {
        r.choice("role", Some("every scored or described cell has a role"))
    };
    let unscored = pending || role == Some(Role::Info);
    let component_name = if pending {
        r.text("component_name")
    } else {
        r.required("component_name", "name the component, or set pending = Y")
    };
    if let Some(id) = &cell_id {
        let why = if pending {
            Some("pending")
        } else if role == Some(Role::Info) {
            Some("info")
        } else {
            None
        };
        ids.add(id.clone(), why);
        check_cell_id(r, id, layer.as_deref());
        check_unique(r, id, seen);
    }
    if let (Some(col), Some(columns)) = (&column_id, columns) {
        check_column(r, col, columns);
    }
    if pending {
        check_pending_is_empty(r, role);
    }
    let text = if pending {
        None
    } else {
        r.required("text", "write the cell's paragraph, or set pending = Y")
    };
    let exposed = r.flag("exposed", false);
    let operator: Option<Operator> = if unscored {
        r.choice("operator", None)
    } else {
        r.choice("operator", Some("a scored cell names who runs it"))
    };
    let substrate_open = r.flag("substrate_open", false);
    let iface_std = r.flag("iface_std", false);
    let std_name = r.text("std_name");
    if iface_std && std_name.is_none() {
        r.error(
            "std_name",
            "`std_name` is empty but iface_std = Y",
            "name the standard interface, e.g. S3 API, POSIX, Kubernetes API",
        );
    }
    let exit_open = r.flag("exit_open", false);
    let portability_evidence = r.text("portability_evidence");
    let own_hw_substitutable = r.flag("own_hw_substitutable", false);
    if own_hw_substitutable && layer.as_deref().is_some_and(|l| l != "0") {
        r.error(
            "own_hw_substitutable",
            "own_hw_substitutable = Y outside Layer 0",
            "this fact applies to Layer 0 hardware only; leave it empty here",
        );
    }
    let path_label = r.text("path_label");
    if let Some(role) = role {
        if matches!(role, Role::Path | Role::Optional | Role::Sliver) && path_label.is_none() {
            r.error("path_label", format!("`path_label` is empty for a {role} cell"), "cells of role path, optional and sliver name their path; cells with one label form one path");
        }
    }
    let backend_vendor = r.text("backend_vendor");
    let counterparty = r.text("counterparty");
    let added_in_version = r.text("added_in_version");
    if !unscored && counterparty.is_none() {
        check_column_counterparty(r, column_id.as_deref(), columns);
    }
    Some(Component {
        cell_id: cell_id?,
        layer_id: layer?,
        column_id: column_id?,
        seq: seq?,
        component_name,
        pending,
        text,
        exposed,
        operator,
        substrate_open,
        iface_std,
        std_name,
        exit_open,
        portability_evidence,
        own_hw_substitutable,
        role: role.or(pending.then_some(Role::Info))?,
        path_label,
        backend_vendor,
        counterparty,
        added_in_version,
    })
}

/// A cell id is used by one row only.
fn check_unique(r: &mut RowReader, id: &str, seen: &mut HashMap<String, Place>) {
    let place = r.place("cell_id");
    if let Some(first) = seen.insert(id.to_string(), place) {
        let mut help = format!("{first} already uses it; cell ids must be unique");
        if matches!(r.value("cell_id"), Some(Value::Number(_))) {
            help.push_str(" (the spreadsheet stored this id as a number, which drops trailing zeros: format the column as Text)");
        }
        r.error("cell_id", format!("duplicate cell_id `{id}`"), help);
    }
}

/// The cell's column is one of the Columns sheet.
fn check_column(r: &mut RowReader, col: &str, columns: &[Column]) {
    if !columns.iter().any(|c| c.column_id == col) {
        let ids: Vec<&str> = columns.iter().map(|c| c.column_id.as_str()).collect();
        r.error(
            "column_id",
            format!("unknown column_id `{col}`"),
            format!(
                "{} (the ids of the Columns sheet)",
                expected_one_of(col, &ids)
            ),
        );
    }
}

/// A pending cell carries no text or facts, and no role but `info`.
fn check_pending_is_empty(r: &mut RowReader, role: Option<Role>) {
    for fact in FACTS {
        if !r.is_empty(fact) {
            let shown = r.value(fact).map(Value::describe).unwrap_or_default();
            r.error(
                fact,
                format!("pending cell has a value in `{fact}` ({shown})"),
                "a pending cell carries no text or DAPM facts: clear it, or set pending = N",
            );
        }
    }
    if let Some(role) = role.filter(|r| *r != Role::Info) {
        r.error(
            "role",
            format!("pending cell has role `{role}`"),
            "a pending cell's role is empty or `info`",
        );
    }
}

/// A scored cell without a counterparty of its own takes its column's; one of them is given.
fn check_column_counterparty(
    r: &mut RowReader,
    column_id: Option<&str>,
    columns: Option<&[Column]>,
) {
    let column_cp = columns
        .and_then(|cs| cs.iter().find(|c| Some(c.column_id.as_str()) == column_id))
        .map(|c| c.counterparty.is_some());
    if column_cp == Some(false) {
        r.error(
            "counterparty",
            "no counterparty for a scored cell",
            format!(
                "fill this cell, or the counterparty of column `{}` on the Columns sheet",
                column_id.unwrap_or_default()
            ),
        );
    }
}

fn layer_rank(id: &str) -> usize {
    LAYER_IDS
        .iter()
        .position(|l| *l == id)
        .unwrap_or(LAYER_IDS.len())
}

fn check_cell_id(r: &mut RowReader, id: &str, layer: Option<&str>) {
    let (prefix, n) = id.rsplit_once('.').unwrap_or((id, ""));
    let well_formed = LAYER_IDS.iter().any(|l| l.eq_ignore_ascii_case(prefix))
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
        && !n.starts_with('0');
    let place = r.place("cell_id");
    if !well_formed {
        r.d.error(
            place,
            format!("malformed cell_id `{id}`"),
            Some("expected `<layer>.<n>`, e.g. `1A.2` or `0.1`".into()),
        );
    } else if let Some(layer) = layer {
        if !prefix.eq_ignore_ascii_case(layer) {
            r.d.error(
                place,
                format!("cell_id `{id}` is not in layer {layer}"),
                Some(format!("a cell of layer {layer} has an id `{layer}.<n>`")),
            );
        }
    }
}

/// The facts a layer's status depends on are given where they decide it, and only there.
fn check_layer_facts(
    r: &mut RowReader,
    layer: Option<&str>,
    capability: Option<Capability>,
    delivery: Option<Delivery>,
    breadth: Option<Breadth>,
    twoc_scope: Option<TwocScope>,
) {
    let is_2c = layer == Some("2C");
    if let Some(scope) = twoc_scope {
        if !is_2c && layer.is_some() {
            r.error(
                "twoc_scope",
                format!("twoc_scope `{scope}` outside Layer 2C"),
                "twoc_scope applies to Layer 2C only; leave it empty here",
            );
        }
    }
    if is_2c
        && capability == Some(Capability::Default)
        && twoc_scope.is_none()
        && r.is_empty("twoc_scope")
    {
        r.error(
            "twoc_scope",
            "`twoc_scope` is empty for Layer 2C",
            format!(
                "Layer 2C's status depends on it; expected one of {}",
                TwocScope::NAMES.join(", ")
            ),
        );
    }
    let decides_breadth =
        !is_2c && capability == Some(Capability::Default) && delivery == Some(Delivery::Vendor);
    if decides_breadth && breadth.is_none() && r.is_empty("breadth") {
        r.error(
            "breadth",
            "`breadth` is empty",
            format!(
                "the layer's status depends on it; expected one of {}",
                Breadth::NAMES.join(", ")
            ),
        );
    }
}

/// A boxed note has both a kind and a text, or neither.
fn check_note(r: &mut RowReader, kind: NoteKind, has_text: bool) {
    match (kind, has_text) {
        (NoteKind::None, true) => r.error(
            "note_kind",
            "`note_text` is given but `note_kind` is none",
            format!("pick the note's kind: {}", &NoteKind::NAMES[1..].join(", ")),
        ),
        (kind, false) if kind != NoteKind::None => r.error(
            "note_text",
            format!("`note_text` is empty for a {kind} note"),
            "write the note, or set note_kind to none",
        ),
        _ => {}
    }
}

/// The Layers sheet: each of the eight layers once, in stack order.
pub fn layers_sheet(wb: &Workbook, d: &mut Diagnostics) -> Option<Vec<LayerFacts>> {
    let t = Table::open(wb, &schema::LAYERS, d)?;
    let mut found: HashMap<String, LayerFacts> = HashMap::new();
    let mut first_row: HashMap<String, Place> = HashMap::new();
    for row in &t.sheet.rows {
        let mut r = t.row(row, d);
        let layer = layer_id(&mut r, "layer_id", true);
        let headline = r.required(
            "headline",
            "the layer's one-line status, e.g. `Ceded to NVIDIA`",
        );
        let capability: Option<Capability> = r.choice(
            "capability",
            Some("say what the vendor exposes at this layer"),
        );
        let delivery: Option<Delivery> = r.choice("delivery", Some("say who delivers this layer"));
        let differentiated = r.flag("differentiated", false);
        let complete = r.flag("complete", false);
        let breadth: Option<Breadth> = r.choice("breadth", None);
        let twoc_scope: Option<TwocScope> = r.choice("twoc_scope", None);
        let narrative = r.required("narrative", "write the layer's analysis");
        let note_kind: NoteKind = r.choice("note_kind", None).unwrap_or(NoteKind::None);
        let note_text = r.text("note_text");
        check_layer_facts(
            &mut r,
            layer.as_deref(),
            capability,
            delivery,
            breadth,
            twoc_scope,
        );
        check_note(&mut r, note_kind, note_text.is_some());
        let Some(layer_id) = layer else { continue };
        let place = r.place("layer_id");
        if let Some(first) = first_row.get(&layer_id) {
            r.d.error(
                place,
                format!("layer {layer_id} appears twice"),
                Some(format!(
                    "it is already described at {first}; each layer has one row"
                )),
            );
            continue;
        }
        first_row.insert(layer_id.clone(), place);
        if let (Some(headline), Some(capability), Some(delivery), Some(narrative)) =
            (headline, capability, delivery, narrative)
        {
            found.insert(
                layer_id.clone(),
                LayerFacts {
                    layer_id,
                    headline,
                    capability,
                    delivery,
                    differentiated,
                    complete,
                    breadth,
                    twoc_scope,
                    narrative,
                    note_kind,
                    note_text,
                },
            );
        }
    }
    for id in LAYER_IDS {
        if !first_row.contains_key(id) {
            d.error(
                Place::sheet(&t.sheet.name),
                format!("layer {id} is missing"),
                Some(format!(
                    "the Layers sheet has one row for each of the eight layers: {}",
                    LAYER_IDS.join(", ")
                )),
            );
        }
    }
    let layers: Vec<LayerFacts> = LAYER_IDS
        .iter()
        .filter_map(|id| found.remove(*id))
        .collect();
    (layers.len() == LAYER_IDS.len()).then_some(layers)
}

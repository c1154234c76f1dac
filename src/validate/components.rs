//! Validate: the Components sheet, one capability-matrix cell and its DAPM facts a row.

use std::collections::HashMap;

use super::layers::layer_id;
use super::reader::{RowReader, Table};
use super::refs::Ids;
use crate::load::{Value, Workbook};
use crate::model::diag::{expected_one_of, Diagnostics, Place};
use crate::model::sheets;
use crate::model::{Column, Component, Operator, Role, LAYER_IDS};

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

/// The components, and every cell id seen (valid rows or not) for other sheets to point at.
pub fn components_sheet(
    wb: &Workbook,
    columns: Option<&[Column]>,
    d: &mut Diagnostics,
) -> (Option<Vec<Component>>, Ids) {
    let mut ids = Ids::unknown();
    let Some(t) = Table::open(wb, &sheets::COMPONENTS, d) else {
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

/// What places a row of the Components sheet: its id, layer, column, order and role.
struct Head {
    cell_id: Option<String>,
    layer: Option<String>,
    column_id: Option<String>,
    seq: Option<i64>,
    pending: bool,
    role: Option<Role>,
    component_name: Option<String>,
}

impl Head {
    /// The row's identity, checked: a well-formed, unique id in its layer, a known column,
    /// and a pending cell empty of facts.
    fn read(
        r: &mut RowReader,
        columns: Option<&[Column]>,
        ids: &mut Ids,
        seen: &mut HashMap<String, Place>,
    ) -> Self {
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
        Self {
            cell_id,
            layer,
            column_id,
            seq,
            pending,
            role,
            component_name,
        }
    }

    /// A pending or `info` cell is not scored.
    fn unscored(&self) -> bool {
        self.pending || self.role == Some(Role::Info)
    }
}

/// One row of the Components sheet: its identity, then its text and DAPM facts, each
/// checked; `None` when a cell needed to place it is missing.
fn component(
    r: &mut RowReader,
    columns: Option<&[Column]>,
    ids: &mut Ids,
    seen: &mut HashMap<String, Place>,
) -> Option<Component> {
    let head = Head::read(r, columns, ids, seen);
    let text = if head.pending {
        None
    } else {
        r.required("text", "write the cell's paragraph, or set pending = Y")
    };
    let exposed = r.flag("exposed", false);
    let operator: Option<Operator> = if head.unscored() {
        r.choice("operator", None)
    } else {
        r.choice("operator", Some("a scored cell names who runs it"))
    };
    let substrate_open = r.flag("substrate_open", false);
    let (iface_std, std_name) = interface(r);
    let exit_open = r.flag("exit_open", false);
    let portability_evidence = r.text("portability_evidence");
    let own_hw_substitutable = own_hardware(r, head.layer.as_deref());
    let path_label = path_label(r, head.role);
    let backend_vendor = r.text("backend_vendor");
    let counterparty = r.text("counterparty");
    let added_in_version = r.text("added_in_version");
    if !head.unscored() && counterparty.is_none() {
        check_column_counterparty(r, head.column_id.as_deref(), columns);
    }
    Some(Component {
        cell_id: head.cell_id?,
        layer_id: head.layer?,
        column_id: head.column_id?,
        seq: head.seq?,
        component_name: head.component_name,
        pending: head.pending,
        text,
        exposed,
        operator,
        substrate_open,
        iface_std,
        std_name,
        exit_open,
        portability_evidence,
        own_hw_substitutable,
        role: head.role.or(head.pending.then_some(Role::Info))?,
        path_label,
        backend_vendor,
        counterparty,
        added_in_version,
    })
}

/// `iface_std` and the standard it names: one is not given without the other.
fn interface(r: &mut RowReader) -> (bool, Option<String>) {
    let iface_std = r.flag("iface_std", false);
    let std_name = r.text("std_name");
    if iface_std && std_name.is_none() {
        r.error(
            "std_name",
            "`std_name` is empty but iface_std = Y",
            "name the standard interface, e.g. S3 API, POSIX, Kubernetes API",
        );
    }
    (iface_std, std_name)
}

/// `own_hw_substitutable`, a fact of Layer 0 only.
fn own_hardware(r: &mut RowReader, layer: Option<&str>) -> bool {
    let own = r.flag("own_hw_substitutable", false);
    if own && layer.is_some_and(|l| l != "0") {
        r.error(
            "own_hw_substitutable",
            "own_hw_substitutable = Y outside Layer 0",
            "this fact applies to Layer 0 hardware only; leave it empty here",
        );
    }
    own
}

/// `path_label`, which cells of role path, optional and sliver must give.
fn path_label(r: &mut RowReader, role: Option<Role>) -> Option<String> {
    let label = r.text("path_label");
    if let Some(role) = role {
        if matches!(role, Role::Path | Role::Optional | Role::Sliver) && label.is_none() {
            r.error("path_label", format!("`path_label` is empty for a {role} cell"), "cells of role path, optional and sliver name their path; cells with one label form one path");
        }
    }
    label
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

//! Validate: the Layers sheet, each of the eight layers once with the facts its status
//! depends on, and layer ids as analysts type them.

use std::collections::HashMap;

use super::reader::{RowReader, Table};
use crate::load::Workbook;
use crate::model::diag::{expected_one_of, Diagnostics, Place};
use crate::model::sheets as schema;
use crate::model::{Breadth, Capability, Delivery, LayerFacts, NoteKind, TwocScope, LAYER_IDS};

/// Reads a layer id as analysts type it (`0` and `3` often arrive as numbers, `1a` in any case).
pub(super) fn layer_id(r: &mut RowReader, name: &str, required: bool) -> Option<String> {
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

/// One row of the Layers sheet, checked: its layer id (`None` when it has none) and its facts
/// (`None` when a required cell is missing).
fn layer_row(r: &mut RowReader) -> (Option<String>, Option<LayerFacts>) {
    let layer = layer_id(r, "layer_id", true);
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
        r,
        layer.as_deref(),
        capability,
        delivery,
        breadth,
        twoc_scope,
    );
    check_note(r, note_kind, note_text.is_some());
    let facts = match (&layer, headline, capability, delivery, narrative) {
        (Some(id), Some(headline), Some(capability), Some(delivery), Some(narrative)) => {
            Some(LayerFacts {
                layer_id: id.clone(),
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
            })
        }
        _ => None,
    };
    (layer, facts)
}

/// The Layers sheet: each of the eight layers once, in stack order.
pub(super) fn layers_sheet(wb: &Workbook, d: &mut Diagnostics) -> Option<Vec<LayerFacts>> {
    let t = Table::open(wb, &schema::LAYERS, d)?;
    let mut found: HashMap<String, LayerFacts> = HashMap::new();
    let mut first_row: HashMap<String, Place> = HashMap::new();
    for row in &t.sheet.rows {
        let mut r = t.row(row, d);
        let (layer, facts) = layer_row(&mut r);
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
        if let Some(facts) = facts {
            found.insert(layer_id, facts);
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

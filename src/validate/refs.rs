//! Stage 2, validate: the Overrides and History sheets, whose rows point at cells and layers.

use std::collections::{HashMap, HashSet};

use crate::load::Workbook;
use crate::model::diag::{did_you_mean, expected_one_of, Diagnostics, Place};
use crate::model::ruleset;
use crate::model::{
    version_numbers, Authority, HistoryRow, Override, OverrideField, OverrideValue, Status,
    TargetType, LAYER_IDS,
};

use super::reader::{RowReader, Table};
use crate::model::sheets;

/// Minimum length of an override's justification, in characters.
pub const MIN_JUSTIFICATION: usize = 40;

/// The ids other sheets may point at.
pub struct Ids {
    /// Cell id → why it is not scored (`None` when it may be scored).
    cells: HashMap<String, Option<&'static str>>,
    /// Whether the Components sheet was readable (otherwise references are not checked).
    known: bool,
}

impl Ids {
    /// Ids of a workbook whose Components sheet could not be read: references go unchecked.
    pub fn unknown() -> Self {
        Self {
            cells: HashMap::new(),
            known: false,
        }
    }

    /// Records a cell id seen on the Components sheet, with why it is not scored if it is not.
    pub fn add(&mut self, id: String, unscored: Option<&'static str>) {
        self.cells.entry(id).or_insert(unscored);
        self.known = true;
    }

    fn cell_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.cells.keys().map(String::as_str).collect();
        ids.sort();
        ids
    }
}

fn layer_of(text: &str) -> Option<&'static str> {
    LAYER_IDS
        .iter()
        .copied()
        .find(|id| id.eq_ignore_ascii_case(text.trim()))
}

/// Parses `Delegated|Ceded` (also `/`, `,` or `+` between the parts).
fn parse_authorities(text: &str) -> Option<Vec<Authority>> {
    let mut out: Vec<Authority> = text
        .split(['|', '/', ',', '+'])
        .map(Authority::parse)
        .collect::<Option<Vec<_>>>()?;
    out.sort();
    out.dedup();
    (!out.is_empty()).then_some(out)
}

/// The Overrides sheet: each override's target exists and suits its field, its value is one
/// the field takes, and it is justified.
pub fn overrides_sheet(wb: &Workbook, ids: &Ids, d: &mut Diagnostics) -> Option<Vec<Override>> {
    let t = Table::open(wb, &sheets::OVERRIDES, d)?;
    let mut out = Vec::new();
    let mut seen_ids: HashMap<String, Place> = HashMap::new();
    let mut seen_targets: HashSet<(String, OverrideField)> = HashSet::new();
    for row in &t.sheet.rows {
        let mut r = t.row(row, d);
        if let Some(o) = override_row(&mut r, ids, &mut seen_ids, &mut seen_targets) {
            out.push(o);
        }
    }
    Some(out)
}

/// One row of the Overrides sheet; `None` when some cell of it is missing or wrong.
fn override_row(
    r: &mut RowReader,
    ids: &Ids,
    seen_ids: &mut HashMap<String, Place>,
    seen_targets: &mut HashSet<(String, OverrideField)>,
) -> Option<Override> {
    let id = r.required("override_id", "give the override an id such as `O1`");
    let target_type: Option<TargetType> =
        r.choice("target_type", Some("an override targets a cell or a layer"));
    let target = r.required(
        "target_id",
        "the cell id (`1A.2`) or layer id (`2C`) overridden",
    );
    let field: Option<OverrideField> = r.choice("field", Some("the value overridden"));
    let value_text = r.required("value", "the value the analyst sets");
    let justification = r.required(
        "justification",
        "explain the departure from the computed value",
    );
    let analyst = r.required("analyst", "who made the call");
    let date = r.date("date", true);
    let rs = r.required(
        "ruleset",
        "the ruleset the override was judged under, e.g. v1.3",
    );
    if let Some(id) = &id {
        let place = r.place("override_id");
        if let Some(first) = seen_ids.insert(id.clone(), place) {
            r.error(
                "override_id",
                format!("duplicate override_id `{id}`"),
                format!("{first} already uses it"),
            );
        }
    }
    let rs = rs.and_then(|name| known_ruleset(r, &name));
    if let Some(j) = &justification {
        let len = j.chars().count();
        if len < MIN_JUSTIFICATION {
            r.error(
                "justification",
                format!("justification is {len} characters, fewer than {MIN_JUSTIFICATION}"),
                "an override needs a reasoned justification the brief can print",
            );
        }
    }
    let target = override_target(r, ids, target_type, target);
    if let (Some(tt), Some(f)) = (target_type, field) {
        if !field_fits(r, tt, f) {
            return None;
        }
    }
    let value = match (field, &value_text) {
        (Some(f), Some(v)) => override_value(r, f, v),
        _ => None,
    };
    if let (Some(target), Some(f)) = (&target, field) {
        if !seen_targets.insert((target.clone(), f)) {
            r.error(
                "target_id",
                format!("a second `{f}` override of {target}"),
                "keep one override per target and field",
            );
        }
    }
    Some(Override {
        override_id: id?,
        target_type: target_type?,
        target_id: target?,
        field: field?,
        value: value?,
        justification: justification?,
        analyst: analyst?,
        date: date?,
        ruleset: rs?,
    })
}

/// The ruleset named `name`, by its canonical id; reported when there is none.
fn known_ruleset(r: &mut RowReader, name: &str) -> Option<String> {
    let found = ruleset::find(name).map(|rs| rs.id.clone());
    if found.is_none() {
        r.error(
            "ruleset",
            format!("unknown ruleset `{name}`"),
            expected_one_of(name, &ruleset::names()),
        );
    }
    found
}

/// The override's target, checked to exist: a scored cell, or a layer (by its canonical id).
fn override_target(
    r: &mut RowReader,
    ids: &Ids,
    target_type: Option<TargetType>,
    target: Option<String>,
) -> Option<String> {
    match (target_type, target) {
        (Some(TargetType::Cell), Some(cell)) if ids.known => match ids.cells.get(&cell) {
            Some(Some(why)) => {
                r.error(
                    "target_id",
                    format!("cell {cell} is not scored ({why})"),
                    "only a scored cell's authority can be overridden",
                );
                None
            }
            Some(None) => Some(cell),
            None => {
                let help = match did_you_mean(&cell, ids.cell_ids()) {
                    Some(close) => format!("did you mean `{close}`? the target must be a cell_id of the Components sheet"),
                    None => "the target must be a cell_id of the Components sheet".into(),
                };
                r.error("target_id", format!("unknown cell `{cell}`"), help);
                None
            }
        },
        (Some(TargetType::Layer), Some(layer)) => match layer_of(&layer) {
            Some(l) => Some(l.to_string()),
            None => {
                r.error(
                    "target_id",
                    format!("unknown layer `{layer}`"),
                    expected_one_of(&layer, &LAYER_IDS),
                );
                None
            }
        },
        (_, target) => target,
    }
}

/// A cell override sets `dapm`; a layer override `status_level` or `layer_authority`.
fn field_fits(r: &mut RowReader, tt: TargetType, f: OverrideField) -> bool {
    let fits = matches!(
        (tt, f),
        (TargetType::Cell, OverrideField::Dapm)
            | (
                TargetType::Layer,
                OverrideField::StatusLevel | OverrideField::LayerAuthority
            )
    );
    if !fits {
        let allowed = match tt {
            TargetType::Cell => "a cell override sets `dapm`",
            TargetType::Layer => "a layer override sets `status_level` or `layer_authority`",
        };
        r.error(
            "field",
            format!("field `{f}` does not apply to a {tt}"),
            allowed,
        );
    }
    fits
}

/// The override's value, parsed as its field takes it.
fn override_value(r: &mut RowReader, f: OverrideField, v: &str) -> Option<OverrideValue> {
    let parsed = match f {
        OverrideField::Dapm => Authority::parse(v).map(OverrideValue::Authority),
        OverrideField::StatusLevel => Status::parse(v).map(OverrideValue::Status),
        OverrideField::LayerAuthority => parse_authorities(v).map(OverrideValue::Authorities),
    };
    if parsed.is_none() {
        let help = match f {
            OverrideField::Dapm => expected_one_of(v, Authority::NAMES),
            OverrideField::StatusLevel => expected_one_of(v, Status::NAMES),
            OverrideField::LayerAuthority => "expected Retained, Delegated or Ceded, several joined by | for a split (Delegated|Ceded)".into(),
        };
        r.error("value", format!("invalid {f} value `{v}`"), help);
    }
    parsed
}

/// The History sheet: the document's version history as rows; `doc_version` is the
/// document's own version, which no row may be later than.
pub fn history_sheet(
    wb: &Workbook,
    ids: &Ids,
    doc_version: Option<&str>,
    d: &mut Diagnostics,
) -> Option<Vec<HistoryRow>> {
    let t = Table::open(wb, &sheets::HISTORY, d)?;
    let mut out = Vec::new();
    for row in &t.sheet.rows {
        let mut r = t.row(row, d);
        if let Some(h) = history_row(&mut r, ids, doc_version) {
            out.push(h);
        }
    }
    out.sort_by_key(|h| h.seq);
    Some(out)
}

/// One History row, checked; `None` when a cell it needs is missing.
fn history_row(r: &mut RowReader, ids: &Ids, doc_version: Option<&str>) -> Option<HistoryRow> {
    let seq = r.integer("seq", true);
    let version = r.required(
        "doc_version",
        "the document version this change belongs to, e.g. v1.3",
    );
    if let (Some(v), Some(current)) = (&version, doc_version) {
        check_version(r, v, current);
    }
    let date = r.date("date", false);
    let layer_id = history_layer(r);
    let target_id = r.text("target_id");
    if let Some(target) = &target_id {
        let is_layer = layer_of(target).is_some() || target == "*";
        if ids.known && !is_layer && !ids.cells.contains_key(target) {
            r.error(
                "target_id",
                format!("unknown target `{target}`"),
                "name a cell_id of the Components sheet, a layer id, or *",
            );
        }
    }
    let field = r.text("field");
    let from_value = r.text("from_value");
    let to_value = r.text("to_value");
    let rule_id = r.text("rule_id");
    let render = r.flag("render", false);
    let text = r.text("text");
    if render && text.is_none() {
        r.error(
            "text",
            "`text` is empty but render = Y",
            "write the line the brief prints under the layer, or set render = N",
        );
    }
    let ruleset = r.text("ruleset");
    if let Some(rs) = ruleset.as_deref().filter(|rs| ruleset::find(rs).is_none()) {
        r.warning(
            "ruleset",
            format!("unknown ruleset `{rs}`"),
            expected_one_of(rs, &ruleset::names()),
        );
    }
    Some(HistoryRow {
        seq: seq?,
        doc_version: version?,
        date,
        layer_id: layer_id?,
        target_id,
        field,
        from_value,
        to_value,
        rule_id,
        render,
        text,
        ruleset,
    })
}

/// A History row's layer: a layer id or `*`.
fn history_layer(r: &mut RowReader) -> Option<String> {
    let l = r.required("layer_id", "a layer id, or * for the whole assessment")?;
    if l == "*" {
        return Some(l);
    }
    let found = layer_of(&l).map(str::to_string);
    if found.is_none() {
        let mut choices = LAYER_IDS.to_vec();
        choices.push("*");
        r.error(
            "layer_id",
            format!("unknown layer `{l}`"),
            expected_one_of(&l, &choices),
        );
    }
    found
}

/// A History row's version is a version of this document: not later than its own.
fn check_version(r: &mut RowReader, v: &str, current: &str) {
    let (Some(row), Some(now)) = (version_numbers(v), version_numbers(current)) else {
        return;
    };
    if row > now {
        r.warning(
            "doc_version",
            format!("History row of {v}, later than this document's version {current}"),
            format!("a History row records a version of this document: raise doc_version on the Assessment sheet to {v} when that version is published, or correct the row"),
        );
    }
}

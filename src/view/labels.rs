//! View: the words a reader sees for a value, made once for every output. Status and
//! authority words with their legends and definitions, role and History field words, layer
//! names, the ruleset changelog, the document's kind.
//!
//! Policy: templates (Typst and minijinja) receive these words in their data and lay them
//! out; none derives them again, so a word changed here changes every output alike.

use serde::Serialize;

use crate::model::ruleset::{self, LayerInfo, Ruleset};
use crate::model::{date_long, AssessmentStatus, Authority, Role, Status};

/// The word of a status, as badges print it (in upper case): `Strong`.
pub(crate) fn status_word(s: Status) -> &'static str {
    match s {
        Status::Strong => "Strong",
        Status::Moderate => "Moderate",
        Status::Gap => "Gap",
        Status::Partner => "Partner",
    }
}

/// The word of an assessment's status: `Complete`, or `Pending (draft)`.
pub(crate) fn assessment_status_word(s: AssessmentStatus) -> &'static str {
    match s {
        AssessmentStatus::Complete => "Complete",
        AssessmentStatus::Pending => "Pending (draft)",
    }
}

/// What a status means, short (a legend) and in full (the methodology notes).
fn status_meaning(s: Status) -> (&'static str, &'static str) {
    match s {
        Status::Strong => (
            "Differentiated and complete",
            "Differentiated, complete, and at par in breadth with peer vendors.",
        ),
        Status::Moderate => (
            "Real, but optional or narrower",
            "A real capability, but optional, narrower, or not differentiated.",
        ),
        Status::Gap => (
            "Not offered as a vendor service",
            "Nothing the vendor exposes and SLAs as its own service; the function remains the enterprise's.",
        ),
        Status::Partner => (
            "Delivered through a partner",
            "Delivered through a partner rather than by the vendor itself.",
        ),
    }
}

/// What an authority means, short (a legend) and in full (the methodology notes).
fn authority_meaning(a: Authority) -> (&'static str, &'static str) {
    match a {
        Authority::Retained => (
            "Open substrate the enterprise operates",
            "An open substrate the enterprise operates, or can operate itself, with evidence.",
        ),
        Authority::Delegated => (
            "Vendor-run behind an open standard",
            "A vendor-managed service behind a multi-vendor standard interface: the customer could switch without rebuilding, but does not operate the substrate.",
        ),
        Authority::Ceded => (
            "Closed, proprietary, no open exit",
            "A closed proprietary capability with no open exit, or a substrate with no swap.",
        ),
    }
}

/// The word of a cell's role where the brief names it before the cell's path label
/// (`Optional tier: …`); `None` for the roles it does not name.
pub(crate) fn role_word(r: Role) -> Option<&'static str> {
    match r {
        Role::Path => Some("Path"),
        Role::Optional => Some("Optional tier"),
        Role::Sliver => Some("Sliver"),
        Role::Core | Role::Info => None,
    }
}

/// The words of a History or override field (`status_level` → `Status`); a field the
/// workbook invents is printed as it is.
pub(crate) fn field_word(field: &str) -> String {
    match field {
        "status_level" => "Status",
        "dapm" => "Authority",
        "layer_authority" => "Layer authority",
        "counterparty" => "Counterparty",
        "cell_added" => "Cell added",
        other => other,
    }
    .to_string()
}

/// The words of a field of a portfolio's change (`status`, `authority`).
pub(crate) fn change_field_word(field: &str) -> String {
    match field {
        "status" => "Status".to_string(),
        "authority" => "Authority".to_string(),
        other => field_word(other),
    }
}

/// A value of a field in words: a status by its word (`gap` → `Gap`), anything else as it is.
pub(crate) fn value_word(field: &str, value: &str) -> String {
    match (field, Status::parse(value)) {
        ("status" | "status_level", Some(s)) => status_word(s).to_string(),
        _ => value.to_string(),
    }
}

/// One of the eight layers as outputs name it. A layer id the methodology does not know (a
/// custom ruleset's) is `Layer <id>` with no name.
pub(crate) fn layer(id: &str) -> LayerInfo {
    ruleset::layer(id).cloned().unwrap_or(LayerInfo {
        layer_id: id.to_string(),
        seq: 0,
        label: format!("Layer {id}"),
        name: String::new(),
        function_description: String::new(),
        plane: String::new(),
    })
}

/// The kind of document a brief is: `4+1 Layer AI Infrastructure Assessment` for the
/// framework `4+1 Layer AI Infrastructure Model`.
pub(crate) fn doc_kind(framework: &str) -> String {
    let base = framework.strip_suffix(" Model").unwrap_or(framework);
    format!("{base} Assessment")
}

/// A mark of the legends and definitions: the value, its word, a legend and a definition.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Term {
    /// The value as the data names it (`strong`, `Retained`).
    pub(crate) id: &'static str,
    /// Its word (`Strong`, `Retained`).
    pub(crate) word: &'static str,
    /// What it means, in a few words (the legends).
    pub(crate) legend: &'static str,
    /// What it means, in full (the methodology notes).
    pub(crate) definition: &'static str,
}

/// Every status and authority with its words: what legends and definitions print.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Vocabulary {
    /// The status scale, strongest first.
    pub(crate) statuses: Vec<Term>,
    /// The authorities, Retained first.
    pub(crate) authorities: Vec<Term>,
    /// The sliver mark (its `id` the authority the legends show it with).
    pub(crate) sliver: Term,
    /// A split layer.
    pub(crate) split: Term,
}

/// The vocabulary of the legends and methodology notes.
pub(crate) fn vocabulary() -> Vocabulary {
    Vocabulary {
        statuses: Status::ALL
            .iter()
            .map(|&s| {
                let (legend, definition) = status_meaning(s);
                Term {
                    id: s.as_str(),
                    word: status_word(s),
                    legend,
                    definition,
                }
            })
            .collect(),
        authorities: Authority::ALL
            .iter()
            .map(|&a| {
                let (legend, definition) = authority_meaning(a);
                Term {
                    id: a.as_str(),
                    word: a.as_str(),
                    legend,
                    definition,
                }
            })
            .collect(),
        sliver: Term {
            id: "Ceded",
            word: "Sliver",
            legend: "Proprietary piece of an open layer",
            definition: "A proprietary piece inside an otherwise open layer, shown after the layer's authority; it never changes it.",
        },
        split: Term {
            id: "split",
            word: "Split",
            legend: "Several authorities in one layer",
            definition: "Several authorities in one layer are named per presented path, never averaged.",
        },
    }
}

/// One ruleset of the changelog as outputs print it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChangelogEntry {
    pub(crate) id: String,
    pub(crate) title: String,
    /// `2026-06-20`.
    pub(crate) effective_date: String,
    /// `June 20, 2026`.
    pub(crate) effective_display: String,
    pub(crate) note: String,
    /// What changed against the ruleset before, in words.
    pub(crate) changes: Vec<String>,
    /// Whether this is the ruleset `current`.
    pub(crate) current: bool,
}

/// Every ruleset up to `current`, newest first, each with what it changed.
pub(crate) fn changelog(current: &Ruleset) -> Vec<ChangelogEntry> {
    ruleset::changelog(current)
        .into_iter()
        .map(|e| ChangelogEntry {
            current: e.id == current.id,
            effective_date: e.effective_date.format("%Y-%m-%d").to_string(),
            effective_display: date_long(e.effective_date),
            id: e.id,
            title: e.title,
            note: e.note,
            changes: e.changes,
        })
        .collect()
}

/// The newest ruleset published.
pub(crate) fn latest_ruleset() -> Option<&'static Ruleset> {
    ruleset::all()
        .iter()
        .max_by_key(|r| (r.effective_date, &r.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(status_word(Status::Gap), "Gap");
        assert_eq!(field_word("status_level"), "Status");
        assert_eq!(field_word("made_up"), "made_up");
        assert_eq!(value_word("status", "moderate"), "Moderate");
        assert_eq!(
            value_word("authority", "Delegated | Ceded"),
            "Delegated | Ceded"
        );
        assert_eq!(layer("1A").label, "Layer 1A");
        assert_eq!(layer("9Z").label, "Layer 9Z");
        assert_eq!(
            doc_kind("4+1 Layer AI Infrastructure Model"),
            "4+1 Layer AI Infrastructure Assessment"
        );
        let v = vocabulary();
        assert_eq!(v.statuses.len(), 4);
        assert_eq!(v.authorities[0].word, "Retained");
    }
}

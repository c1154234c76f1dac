//! View: one layer of the brief, its reading, capability matrix, narrative, note and
//! history.

use serde::Serialize;

use crate::model::ruleset::LayerInfo;
use crate::model::{Assessment, Authority, Column, Component, LayerFacts, NoteKind};
use crate::score::{Part, Scored, ScoredComponent, ScoredLayer};
use crate::view::labels;

#[derive(Serialize)]
pub(super) struct LayerData<'a> {
    id: &'a str,
    label: String,
    name: String,
    function: String,
    plane: String,
    headline: &'a str,
    status: &'static str,
    /// `Strong`.
    status_word: &'static str,
    status_rule: &'static str,
    status_overridden: bool,
    authority: Vec<Authority>,
    parts: Vec<Part>,
    slivers: Vec<Part>,
    absent: bool,
    display: &'a str,
    authority_overridden: bool,
    columns: Vec<ColumnData<'a>>,
    narrative: Vec<Block>,
    note: Option<NoteData<'a>>,
    history: Vec<LayerHistory<'a>>,
}

#[derive(Serialize)]
struct ColumnData<'a> {
    id: &'a str,
    heading: &'a str,
    kind: &'static str,
    cells: Vec<CellData<'a>>,
}

#[derive(Serialize)]
struct CellData<'a> {
    id: &'a str,
    name: Option<&'a str>,
    pending: bool,
    text: Option<&'a str>,
    role: &'static str,
    path_label: Option<&'a str>,
    std_name: Option<&'a str>,
    added_in_version: Option<&'a str>,
    scored: bool,
    not_scored: Option<&'static str>,
    authority: Option<Authority>,
    computed: Option<Authority>,
    rule: Option<&'static str>,
    overridden: bool,
    counterparty: Option<&'a str>,
    /// The small facts printed under the cell's text: `Optional tier: …`, `Interface: …`,
    /// `Counterparty: …` (when not the vendor), `Added in …`.
    facts: Vec<String>,
}

/// A block of narrative: a paragraph or a bullet list.
#[derive(Serialize, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(crate) enum Block {
    Para { text: String },
    Bullets { items: Vec<String> },
}

#[derive(Serialize)]
struct NoteData<'a> {
    kind: &'static str,
    title: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct LayerHistory<'a> {
    doc_version: &'a str,
    date_short: Option<String>,
    text: &'a str,
}

/// Splits narrative text into paragraphs (blank lines) and bullet lists (lines starting `• `).
pub(crate) fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    for chunk in text.replace("\r\n", "\n").split("\n\n") {
        let mut para: Vec<&str> = Vec::new();
        let mut bullets: Vec<String> = Vec::new();
        let flush_para = |para: &mut Vec<&str>, out: &mut Vec<Block>| {
            if !para.is_empty() {
                out.push(Block::Para {
                    text: para.join(" "),
                });
                para.clear();
            }
        };
        for line in chunk.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(item) = line.strip_prefix('•') {
                flush_para(&mut para, &mut out);
                bullets.push(item.trim().to_string());
            } else {
                if !bullets.is_empty() {
                    out.push(Block::Bullets {
                        items: std::mem::take(&mut bullets),
                    });
                }
                para.push(line);
            }
        }
        flush_para(&mut para, &mut out);
        if !bullets.is_empty() {
            out.push(Block::Bullets { items: bullets });
        }
    }
    out
}

impl<'a> LayerData<'a> {
    pub(super) fn new(
        s: &'a Scored,
        sl: &'a ScoredLayer,
        facts: &'a LayerFacts,
        info: LayerInfo,
    ) -> Self {
        Self {
            id: &sl.layer_id,
            label: info.label,
            name: info.name,
            function: info.function_description,
            plane: info.plane,
            headline: &facts.headline,
            status: sl.status.as_str(),
            status_word: labels::status_word(sl.status),
            status_rule: sl.status_rule,
            status_overridden: sl.status_override.is_some(),
            authority: sl.authority.clone(),
            parts: if sl.parts.len() > 1 {
                sl.parts.clone()
            } else {
                strip_paths(&sl.parts)
            },
            slivers: sl.slivers.clone(),
            absent: sl.absent,
            display: &sl.display,
            authority_overridden: sl.authority_override.is_some(),
            columns: s
                .assessment
                .columns
                .iter()
                .map(|col| ColumnData::new(s, &sl.layer_id, col))
                .collect(),
            narrative: blocks(&facts.narrative),
            note: NoteData::new(facts),
            history: LayerHistory::of(&s.assessment, &sl.layer_id),
        }
    }
}

impl<'a> ColumnData<'a> {
    /// The column `col` of layer `layer_id`: its cells in sheet order.
    fn new(s: &'a Scored, layer_id: &str, col: &'a Column) -> Self {
        let vendor = &s.assessment.meta.vendor;
        Self {
            id: &col.column_id,
            heading: &col.heading,
            kind: col.kind.as_str(),
            cells: s
                .assessment
                .components
                .iter()
                .zip(&s.components)
                .filter(|(c, _)| c.layer_id == layer_id && c.column_id == col.column_id)
                .map(|(c, sc)| CellData::new(c, sc, vendor))
                .collect(),
        }
    }
}

impl<'a> CellData<'a> {
    fn new(c: &'a Component, sc: &'a ScoredComponent, vendor: &str) -> Self {
        let x = sc.score.as_ref();
        let counterparty = x.map(|x| x.counterparty.as_str());
        let mut facts = Vec::new();
        if let (Some(word), Some(label)) = (labels::role_word(c.role), &c.path_label) {
            facts.push(format!("{word}: {label}"));
        }
        if let Some(std) = &c.std_name {
            facts.push(format!("Interface: {std}"));
        }
        if let Some(cp) = counterparty.filter(|cp| *cp != vendor) {
            facts.push(format!("Counterparty: {cp}"));
        }
        if let Some(v) = &c.added_in_version {
            facts.push(format!("Added in {v}"));
        }
        Self {
            id: &c.cell_id,
            name: c.component_name.as_deref(),
            pending: c.pending,
            text: c.text.as_deref(),
            role: c.role.as_str(),
            path_label: c.path_label.as_deref(),
            std_name: c.std_name.as_deref(),
            added_in_version: c.added_in_version.as_deref(),
            scored: x.is_some(),
            not_scored: sc.not_scored,
            authority: x.map(|x| x.authority),
            computed: x.map(|x| x.computed),
            rule: x.map(|x| x.rule),
            overridden: x.is_some_and(|x| x.override_id.is_some()),
            counterparty,
            facts,
        }
    }
}

impl<'a> NoteData<'a> {
    /// The layer's boxed note, if it has one.
    fn new(facts: &'a LayerFacts) -> Option<Self> {
        match (facts.note_kind, &facts.note_text) {
            (NoteKind::None, _) | (_, None) => None,
            (kind, Some(text)) => Some(Self {
                kind: kind.as_str(),
                title: kind.title(),
                text,
            }),
        }
    }
}

impl<'a> LayerHistory<'a> {
    /// The History rows printed under layer `layer_id` (`render` = Y, with text).
    fn of(a: &'a Assessment, layer_id: &str) -> Vec<Self> {
        a.history
            .iter()
            .filter(|h| h.layer_id == layer_id && h.render)
            .filter_map(|h| {
                Some(Self {
                    doc_version: &h.doc_version,
                    date_short: h.date.map(crate::model::date_short),
                    text: h.text.as_deref()?,
                })
            })
            .collect()
    }
}

fn strip_paths(parts: &[Part]) -> Vec<Part> {
    parts
        .iter()
        .map(|p| Part {
            authority: p.authority,
            paths: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrative_blocks() {
        let b = blocks("First para\nstill first.\n\nIntro:\n• one\n• two\nAfter.");
        assert_eq!(
            b,
            vec![
                Block::Para {
                    text: "First para still first.".into()
                },
                Block::Para {
                    text: "Intro:".into()
                },
                Block::Bullets {
                    items: vec!["one".into(), "two".into()]
                },
                Block::Para {
                    text: "After.".into()
                },
            ]
        );
    }
}

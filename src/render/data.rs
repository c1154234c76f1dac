//! Stage 4, render: the data a brief template receives, the scored assessment shaped for
//! typesetting.
//!
//! Policy: the shape is documented in `templates/README.md` and is the contract with
//! custom templates. Analyst text is passed as strings, never as markup.

use serde::Serialize;

use crate::model::{
    date_long, date_short, Assessment, AssessmentStatus, Authority, Column, Component, HistoryRow,
    LayerFacts, Meta, NoteKind, Override, OverrideField, SummaryPara, TargetType,
};
use crate::ruleset::{self, LayerInfo, Ruleset};
use crate::score::{Part, Profile, Scored, ScoredComponent, ScoredLayer};

/// Paper size of the brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    /// US Letter (the default).
    #[default]
    UsLetter,
    /// ISO A4.
    A4,
}

#[derive(Serialize)]
struct Data<'a> {
    tool: String,
    assessment: AssessmentData<'a>,
    ruleset: RulesetData<'a>,
    changelog: Vec<ChangelogData>,
    summary: Vec<SummaryData<'a>>,
    status_line: String,
    profile: Profile,
    layers: Vec<LayerData<'a>>,
    history: Vec<HistoryData<'a>>,
    scoring: ScoringData<'a>,
    page: PageData,
}

#[derive(Serialize)]
struct AssessmentData<'a> {
    id: &'a str,
    vendor: &'a str,
    product_name: Option<&'a str>,
    subtitle: Option<&'a str>,
    framework: &'a str,
    scoring_model: &'a str,
    publisher: &'a str,
    author: &'a str,
    date_assessed: String,
    date_display: String,
    date_short: String,
    doc_version: &'a str,
    version_title: Option<&'a str>,
    status: &'static str,
    draft: bool,
    sources: Option<&'a str>,
    confidentiality: Option<&'a str>,
}

#[derive(Serialize)]
struct RulesetData<'a> {
    id: &'a str,
    title: &'a str,
    effective_date: String,
    effective_display: String,
    note: &'a str,
}

#[derive(Serialize)]
struct ChangelogData {
    id: String,
    title: String,
    effective_display: String,
    note: String,
    changes: Vec<String>,
    current: bool,
}

#[derive(Serialize)]
struct SummaryData<'a> {
    heading: Option<&'a str>,
    text: &'a str,
}

#[derive(Serialize)]
struct LayerData<'a> {
    id: &'a str,
    label: &'a str,
    name: &'a str,
    function: &'a str,
    plane: &'a str,
    headline: &'a str,
    status: &'static str,
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
}

/// A block of narrative: a paragraph or a bullet list.
#[derive(Serialize, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Block {
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

#[derive(Serialize)]
struct HistoryData<'a> {
    seq: i64,
    doc_version: &'a str,
    date_short: Option<String>,
    layer_id: &'a str,
    target_id: Option<&'a str>,
    field: Option<&'a str>,
    from: Option<&'a str>,
    to: Option<&'a str>,
    rule: Option<&'a str>,
    text: Option<&'a str>,
}

#[derive(Serialize)]
struct ScoringData<'a> {
    components: Vec<ComponentRow<'a>>,
    overrides: Vec<OverrideRow<'a>>,
    warnings: Vec<&'a str>,
}

#[derive(Serialize)]
struct ComponentRow<'a> {
    id: &'a str,
    layer_id: &'a str,
    name: &'a str,
    rule: &'static str,
    computed: Authority,
    authority: Authority,
    overridden: bool,
    counterparty: &'a str,
}

#[derive(Serialize)]
struct OverrideRow<'a> {
    id: &'a str,
    target_type: &'static str,
    target_id: &'a str,
    field: &'static str,
    computed: String,
    value: String,
    justification: &'a str,
    analyst: &'a str,
    date_display: String,
    ruleset: &'a str,
    stale: bool,
}

#[derive(Serialize)]
struct PageData {
    paper: Paper,
}

/// Splits narrative text into paragraphs (blank lines) and bullet lists (lines starting `• `).
pub fn blocks(text: &str) -> Vec<Block> {
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

fn layer_info(id: &str) -> LayerInfo {
    ruleset::layer(id).cloned().unwrap_or(LayerInfo {
        layer_id: id.to_string(),
        seq: 0,
        label: format!("Layer {id}"),
        name: String::new(),
        function_description: String::new(),
        plane: String::new(),
    })
}

/// The JSON a template reads as `/data.json`.
pub fn brief_json(s: &Scored, paper: Paper) -> Vec<u8> {
    let a = &s.assessment;
    let infos: Vec<LayerInfo> = s.layers.iter().map(|l| layer_info(&l.layer_id)).collect();
    let data = Data {
        tool: format!("layerbrief {}", env!("CARGO_PKG_VERSION")),
        assessment: AssessmentData::new(&a.meta),
        ruleset: RulesetData::new(&s.ruleset),
        changelog: ChangelogData::upto(&s.ruleset),
        summary: a.summary.iter().map(SummaryData::new).collect(),
        status_line: status_line(s, &infos),
        profile: s.profile(),
        layers: s
            .layers
            .iter()
            .zip(&a.layers)
            .zip(&infos)
            .map(|((sl, facts), info)| LayerData::new(s, sl, facts, info))
            .collect(),
        history: a.history.iter().map(HistoryData::new).collect(),
        scoring: ScoringData::new(s),
        page: PageData { paper },
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_vec_pretty(&data).unwrap_or_default()
}

/// "Layer-by-layer status: Layer 0 (headline), …".
fn status_line(s: &Scored, infos: &[LayerInfo]) -> String {
    let layers: Vec<String> = infos
        .iter()
        .zip(&s.assessment.layers)
        .map(|(i, l)| format!("{} ({})", i.label, l.headline))
        .collect();
    format!("Layer-by-layer status: {}.", layers.join(", "))
}

impl<'a> AssessmentData<'a> {
    fn new(m: &'a Meta) -> Self {
        Self {
            id: &m.assessment_id,
            vendor: &m.vendor,
            product_name: m.product_name.as_deref(),
            subtitle: m.subtitle.as_deref(),
            framework: &m.framework,
            scoring_model: &m.scoring_model,
            publisher: &m.publisher,
            author: &m.author,
            date_assessed: m.date_assessed.format("%Y-%m-%d").to_string(),
            date_display: date_long(m.date_assessed),
            date_short: date_short(m.date_assessed),
            doc_version: &m.doc_version,
            version_title: m.version_title.as_deref(),
            status: m.status.as_str(),
            draft: m.status == AssessmentStatus::Pending,
            sources: m.sources.as_deref(),
            confidentiality: m.confidentiality.as_deref(),
        }
    }
}

impl<'a> RulesetData<'a> {
    fn new(rs: &'a Ruleset) -> Self {
        Self {
            id: &rs.id,
            title: &rs.title,
            effective_date: rs.effective_date.format("%Y-%m-%d").to_string(),
            effective_display: date_long(rs.effective_date),
            note: &rs.note,
        }
    }
}

impl ChangelogData {
    /// Every ruleset up to `current`, each with what it changed.
    fn upto(current: &Ruleset) -> Vec<Self> {
        ruleset::changelog(current)
            .into_iter()
            .map(|e| Self {
                current: e.id == current.id,
                id: e.id,
                title: e.title,
                effective_display: date_long(e.effective_date),
                note: e.note,
                changes: e.changes,
            })
            .collect()
    }
}

impl<'a> SummaryData<'a> {
    fn new(p: &'a SummaryPara) -> Self {
        Self {
            heading: p.heading.as_deref(),
            text: &p.paragraph,
        }
    }
}

impl<'a> LayerData<'a> {
    fn new(s: &'a Scored, sl: &'a ScoredLayer, facts: &'a LayerFacts, info: &'a LayerInfo) -> Self {
        Self {
            id: &sl.layer_id,
            label: &info.label,
            name: &info.name,
            function: &info.function_description,
            plane: &info.plane,
            headline: &facts.headline,
            status: sl.status.as_str(),
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
                .map(|(c, sc)| CellData::new(c, sc))
                .collect(),
        }
    }
}

impl<'a> CellData<'a> {
    fn new(c: &'a Component, sc: &'a ScoredComponent) -> Self {
        let x = sc.score.as_ref();
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
            counterparty: x.map(|x| x.counterparty.as_str()),
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
                    date_short: h.date.map(date_short),
                    text: h.text.as_deref()?,
                })
            })
            .collect()
    }
}

impl<'a> HistoryData<'a> {
    fn new(h: &'a HistoryRow) -> Self {
        Self {
            seq: h.seq,
            doc_version: &h.doc_version,
            date_short: h.date.map(date_short),
            layer_id: &h.layer_id,
            target_id: h.target_id.as_deref(),
            field: h.field.as_deref(),
            from: h.from_value.as_deref(),
            to: h.to_value.as_deref(),
            rule: h.rule_id.as_deref(),
            text: h.text.as_deref(),
        }
    }
}

impl<'a> ScoringData<'a> {
    fn new(s: &'a Scored) -> Self {
        Self {
            components: s
                .assessment
                .components
                .iter()
                .zip(&s.components)
                .filter_map(|(c, sc)| ComponentRow::new(c, sc))
                .collect(),
            overrides: s
                .assessment
                .overrides
                .iter()
                .map(|o| OverrideRow::new(s, o))
                .collect(),
            warnings: s.warnings.iter().map(|w| w.message.as_str()).collect(),
        }
    }
}

impl<'a> ComponentRow<'a> {
    /// The appendix row of a scored component; `None` when it was not scored.
    fn new(c: &'a Component, sc: &'a ScoredComponent) -> Option<Self> {
        let x = sc.score.as_ref()?;
        Some(Self {
            id: &c.cell_id,
            layer_id: &c.layer_id,
            name: c.component_name.as_deref().unwrap_or(&c.cell_id),
            rule: x.rule,
            computed: x.computed,
            authority: x.authority,
            overridden: x.override_id.is_some(),
            counterparty: &x.counterparty,
        })
    }
}

impl<'a> OverrideRow<'a> {
    fn new(s: &'a Scored, o: &'a Override) -> Self {
        Self {
            id: &o.override_id,
            target_type: o.target_type.as_str(),
            target_id: &o.target_id,
            field: o.field.as_str(),
            computed: overridden_value(s, o),
            value: o.value.to_string().replace('|', " | "),
            justification: &o.justification,
            analyst: &o.analyst,
            date_display: date_long(o.date),
            ruleset: &o.ruleset,
            stale: o.ruleset != s.ruleset.id,
        }
    }
}

/// The computed value an override replaces, as printed in the appendix.
fn overridden_value(s: &Scored, o: &Override) -> String {
    match o.target_type {
        TargetType::Cell => s
            .components
            .iter()
            .find(|c| c.cell_id == o.target_id)
            .and_then(|c| c.score.as_ref())
            .map(|x| x.computed.to_string())
            .unwrap_or_else(|| "not scored".into()),
        TargetType::Layer => match s.layer(&o.target_id) {
            Some(l) if o.field == OverrideField::StatusLevel => l.status_computed.to_string(),
            Some(l) => l
                .authority_computed
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(" | "),
            None => String::new(),
        },
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

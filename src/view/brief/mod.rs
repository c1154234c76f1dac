//! View: the brief's data, what `brief.typ` (and the web edition's brief page) reads as
//! `/data.json`: the scored assessment shaped for typesetting.
//!
//! Policy: the shape is documented in `templates/README.md` and is the contract with custom
//! templates. Analyst text is passed as strings, never as markup; every word a reader sees
//! for a value comes from [`super::labels`].

mod layer;
mod scoring;

use serde::Serialize;

use super::labels::{self, ChangelogEntry, Vocabulary};
use super::stack::{self, Stack};
use super::Paper;
use crate::model::ruleset::{LayerInfo, Ruleset};
use crate::model::{date_long, date_short, AssessmentStatus, Meta, Status, SummaryPara};
use crate::score::{Profile, Scored};

use layer::LayerData;
use scoring::{HistoryData, ScoringData};

/// The data of one brief.
#[derive(Serialize)]
pub(crate) struct BriefData<'a> {
    tool: String,
    assessment: AssessmentData<'a>,
    ruleset: RulesetData<'a>,
    changelog: Vec<ChangelogEntry>,
    summary: Vec<SummaryData<'a>>,
    status_line: String,
    profile: Profile,
    status_counts: Vec<StatusCount>,
    /// The 4+1 stack picture of the first page.
    stack: Stack,
    layers: Vec<LayerData<'a>>,
    history: Vec<HistoryData<'a>>,
    scoring: ScoringData<'a>,
    vocab: Vocabulary,
    page: PageData,
    /// The changes section: what changed since an earlier version (`build --changes-since`).
    changes: Option<super::changes::BriefChanges>,
    /// The reader a copy was prepared for (`mail --stamp`): `Prepared for Pat Client
    /// <pat@client.example> · December 5, 2026`, in every page's footer and the metadata.
    stamp: Option<String>,
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
    /// `Complete`, or `Pending (draft)`.
    status_word: &'static str,
    draft: bool,
    sources: Option<&'a str>,
    confidentiality: Option<&'a str>,
    /// `4+1 Layer AI Infrastructure Assessment`.
    doc_kind: String,
    /// `CoreWeave — 4+1 Layer AI Infrastructure Assessment v1.3`.
    title: String,
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
struct SummaryData<'a> {
    heading: Option<&'a str>,
    text: &'a str,
}

/// How many layers hold a status.
#[derive(Serialize)]
struct StatusCount {
    id: &'static str,
    word: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct PageData {
    paper: Paper,
}

/// The data of the brief of `s` on `paper`; `draft` marks it DRAFT whatever its status.
pub(crate) fn brief(s: &Scored, paper: Paper, draft: bool) -> BriefData<'_> {
    let a = &s.assessment;
    let infos: Vec<LayerInfo> = s
        .layers
        .iter()
        .map(|l| labels::layer(&l.layer_id))
        .collect();
    BriefData {
        tool: format!("layerbrief {}", env!("CARGO_PKG_VERSION")),
        assessment: AssessmentData::new(&a.meta, draft),
        ruleset: RulesetData::new(&s.ruleset),
        changelog: labels::changelog(&s.ruleset),
        summary: a.summary.iter().map(SummaryData::new).collect(),
        status_line: status_line(s, &infos),
        profile: s.profile(),
        status_counts: Status::ALL
            .iter()
            .map(|&st| StatusCount {
                id: st.as_str(),
                word: labels::status_word(st),
                count: s.layers.iter().filter(|l| l.status == st).count(),
            })
            .collect(),
        stack: stack::stack(s),
        layers: s
            .layers
            .iter()
            .zip(&a.layers)
            .zip(infos)
            .map(|((sl, facts), info)| LayerData::new(s, sl, facts, info))
            .collect(),
        history: a.history.iter().map(HistoryData::new).collect(),
        scoring: ScoringData::new(s),
        vocab: labels::vocabulary(),
        page: PageData { paper },
        changes: None,
        stamp: None,
    }
}

/// What a copy of a brief may carry besides the assessment: a changes section against an
/// earlier version, and the reader it was prepared for.
#[derive(Debug, Default)]
pub(crate) struct Extras<'a> {
    pub(crate) changes: Option<&'a super::changes::Changes>,
    pub(crate) stamp: Option<String>,
}

/// The JSON a template reads as `/data.json`.
pub(crate) fn brief_json(s: &Scored, paper: Paper, draft: bool, extras: &Extras) -> Vec<u8> {
    let mut data = brief(s, paper, draft);
    data.changes = extras.changes.map(super::changes::for_brief);
    data.stamp = extras.stamp.clone();
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
    fn new(m: &'a Meta, draft: bool) -> Self {
        let doc_kind = labels::doc_kind(&m.framework);
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
            status_word: labels::assessment_status_word(m.status),
            draft: draft || m.status == AssessmentStatus::Pending,
            sources: m.sources.as_deref(),
            confidentiality: m.confidentiality.as_deref(),
            title: format!("{} — {doc_kind} {}", m.vendor, m.doc_version),
            doc_kind,
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

impl<'a> SummaryData<'a> {
    fn new(p: &'a SummaryPara) -> Self {
        Self {
            heading: p.heading.as_deref(),
            text: &p.paragraph,
        }
    }
}

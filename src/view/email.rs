//! View: the email of a brief, what `templates/email/` reads, and what `mail` keeps of an
//! assessment to address it.
//!
//! Policy: an [`EmailView`] is owned and small (the assessment's facts, the eight layers in
//! words, the first summary paragraph): `mail` keeps one per brief of a batch, never the
//! scored assessment. The Distribution sheet's addresses travel with it, to address the
//! message, but never into a template's context.

use serde::Serialize;

use super::labels;
use super::stack::{self, Segment};
use crate::model::{date_long, AssessmentStatus, Recipient};
use crate::score::{Profile, Scored};

/// What a message about one brief says, and who the workbook sends it to.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EmailView {
    pub(crate) assessment_id: String,
    pub(crate) vendor: String,
    pub(crate) product_name: Option<String>,
    pub(crate) framework: String,
    pub(crate) scoring_model: String,
    pub(crate) publisher: String,
    pub(crate) author: String,
    pub(crate) doc_version: String,
    pub(crate) version_title: Option<String>,
    /// The date assessed, `June 20, 2026`.
    pub(crate) date: String,
    pub(crate) draft: bool,
    pub(crate) confidentiality: Option<String>,
    pub(crate) ruleset: RulesetLine,
    pub(crate) layers: Vec<EmailLayer>,
    /// The layers as a plain-text table, one line each.
    pub(crate) layer_table: String,
    pub(crate) profile: Profile,
    /// The first paragraph of the summary.
    pub(crate) summary: String,
    /// The attached PDF's file name.
    pub(crate) attachment: String,
    /// What changed since the version these readers hold (a message per reader).
    pub(crate) since: Option<EmailSince>,
    /// The Distribution sheet: never in a template's context.
    #[serde(skip)]
    pub(crate) distribution: Vec<Recipient>,
}

/// The ruleset the brief was scored under.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RulesetLine {
    pub(crate) id: String,
    pub(crate) title: String,
    /// Its effective date, `June 20, 2026`.
    pub(crate) effective: String,
}

/// One layer of the email's table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EmailLayer {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) name: String,
    pub(crate) status: &'static str,
    /// `Strong`.
    pub(crate) status_word: &'static str,
    pub(crate) display: String,
    pub(crate) headline: String,
    /// The authority as the stack draws it: one segment per part, Retained first.
    pub(crate) segments: Vec<Segment>,
    pub(crate) slivers: Vec<Segment>,
    /// No scored component: enterprise-provided.
    pub(crate) absent: bool,
}

/// The context of one message: the brief's view and the names it greets.
#[derive(Serialize)]
pub(crate) struct EmailContext<'a> {
    #[serde(flatten)]
    pub(crate) view: &'a EmailView,
    /// The display names of the `To:` recipients, comma-separated (empty when none is known).
    pub(crate) recipient_names: String,
}

/// The email view of `s`.
pub(crate) fn email_view(s: &Scored) -> EmailView {
    let m = &s.assessment.meta;
    let layers: Vec<EmailLayer> = s
        .layers
        .iter()
        .zip(&s.assessment.layers)
        .zip(stack::bands(s))
        .map(|((l, facts), band)| EmailLayer {
            id: band.id,
            label: band.label,
            name: band.name,
            status: l.status.as_str(),
            status_word: labels::status_word(l.status),
            display: l.display.clone(),
            headline: facts.headline.clone(),
            segments: band.segments,
            slivers: band.slivers,
            absent: band.absent,
        })
        .collect();
    EmailView {
        assessment_id: m.assessment_id.clone(),
        vendor: m.vendor.clone(),
        product_name: m.product_name.clone(),
        framework: m.framework.clone(),
        scoring_model: m.scoring_model.clone(),
        publisher: m.publisher.clone(),
        author: m.author.clone(),
        doc_version: m.doc_version.clone(),
        version_title: m.version_title.clone(),
        date: date_long(m.date_assessed),
        draft: m.status == AssessmentStatus::Pending,
        confidentiality: m.confidentiality.clone(),
        ruleset: RulesetLine {
            id: s.ruleset.id.clone(),
            title: s.ruleset.title.clone(),
            effective: date_long(s.ruleset.effective_date),
        },
        layer_table: layer_table(&layers),
        layers,
        profile: s.profile(),
        summary: s
            .assessment
            .summary
            .first()
            .map(|p| p.paragraph.clone())
            .unwrap_or_default(),
        attachment: attachment_name(&m.vendor, &m.doc_version),
        since: None,
        distribution: s.assessment.distribution.clone(),
    }
}

/// The layers as text: label, status in capitals, authority; labels padded to one width.
fn layer_table(layers: &[EmailLayer]) -> String {
    let width = layers
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0);
    let mut table = String::new();
    for l in layers {
        table.push_str(&format!(
            "{:<width$}  {:<8}  {}\n",
            l.label,
            l.status.to_uppercase(),
            l.display
        ));
    }
    table.trim_end().to_string()
}

/// The attachment's file name: ASCII only, e.g. `CoreWeave-4plus1-assessment-v1.3.pdf`, at
/// most 100 characters before `.pdf`.
pub(crate) fn attachment_name(vendor: &str, doc_version: &str) -> String {
    let raw = format!("{vendor}-4plus1-assessment-{doc_version}");
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            out.push(c);
        } else if c == '+' {
            out.push_str("plus");
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(100);
    format!("{}.pdf", out.trim_matches('-'))
}

/// What a reader who holds an earlier version is told first.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EmailSince {
    /// The version they received: `v1.2`.
    pub(crate) version: String,
    /// When it was sent to them: `July 1, 2026`.
    pub(crate) on: String,
    /// The readings that moved, one line each: `Layer 1A authority: Retained | Ceded →
    /// Delegated | Ceded (R-MANAGED-SERVICE)`.
    pub(crate) moved: Vec<String>,
    /// Where the text was revised: `Summary, Layer 0 (narrative), Layer 2C (headline)`.
    pub(crate) revised: Vec<String>,
    /// Other changes, one line each (components, overrides, history).
    pub(crate) other: Vec<String>,
}

/// What changed since the version a reader received on `sent_at` (RFC 3339).
pub(crate) fn since(c: &super::changes::Changes, sent_at: &str) -> EmailSince {
    let section = super::changes::for_brief(c);
    let on = chrono::DateTime::parse_from_rfc3339(sent_at)
        .map(|d| date_long(d.date_naive()))
        .unwrap_or_else(|_| sent_at.to_string());
    let mut revised: Vec<String> = Vec::new();
    if !c.summary.is_empty() {
        revised.push("Summary".into());
    }
    for l in &c.layers {
        if !l.prose.is_empty() {
            let what: Vec<&str> = l.prose.iter().map(|p| p.what.as_str()).collect();
            revised.push(format!("{} ({})", l.label, what.join(", ")));
        }
    }
    EmailSince {
        version: c.from.doc_version.clone(),
        on,
        moved: section
            .readings
            .iter()
            .map(|r| format!("{} {}: {} → {} ({})", r.layer, r.what, r.from, r.to, r.rule))
            .collect(),
        revised,
        other: section.facts,
    }
}

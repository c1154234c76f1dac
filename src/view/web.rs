//! View: the web edition's pages, what each template of `templates/web/` receives.
//!
//! Policy: a page's context is the data another output already reads (the brief's data, the
//! portfolio page's) with the page's place in the site: `root` (the relative path to the
//! site's top), `page`, `site_name` (the firm's name every page carries: a title the user set,
//! or the publisher) and `tool` (for the generator tag only). Every word comes from
//! [`super::labels`].

use serde::Serialize;

use super::brief::BriefData;
use super::labels::{self, ChangelogEntry, Vocabulary};
use super::portfolio::PageData;
use crate::model::ruleset::{self, LayerInfo};

fn tool() -> String {
    format!("layerbrief {}", env!("CARGO_PKG_VERSION"))
}

/// `index.html`: the portfolio matrix.
#[derive(Serialize)]
pub(crate) struct IndexPage<'a> {
    root: &'static str,
    page: &'static str,
    site_name: String,
    tool: String,
    portfolio: PageData<'a>,
}

/// The index page showing `portfolio`, of the site named `site_name`.
pub(crate) fn index_page(portfolio: PageData<'_>, site_name: String) -> IndexPage<'_> {
    IndexPage {
        root: "",
        page: "index",
        site_name,
        tool: tool(),
        portfolio,
    }
}

/// `<assessment_id>/index.html`: one brief.
#[derive(Serialize)]
pub(crate) struct AssessmentPage<'a> {
    root: &'static str,
    page: &'static str,
    site_name: String,
    tool: String,
    brief: BriefData<'a>,
    /// The PDF beside the page, by file name.
    pdf: Option<&'a str>,
    /// The assessment's JSON, relative to the page.
    json: String,
    /// The published versions, oldest first, each with its changes page.
    versions: Vec<VersionLink>,
}

/// A published version in an assessment page's list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct VersionLink {
    /// `v1.3`.
    pub(crate) version: String,
    /// Its date assessed, `June 20, 2026`.
    pub(crate) date: String,
    /// Its changes page (from the version before), relative to the assessment's page.
    pub(crate) changes: Option<String>,
    /// The version this page shows.
    pub(crate) current: bool,
}

/// `<assessment_id>/changes/<from>-<to>.html`: what changed from one published version to
/// the next.
#[derive(Serialize)]
pub(crate) struct ChangesPage {
    root: &'static str,
    page: &'static str,
    site_name: String,
    tool: String,
    vendor: String,
    /// `What changed from v1.2 to v1.3`.
    title: String,
    changes: super::changes::BriefChanges,
    /// The assessment's page, relative to this one.
    back: &'static str,
}

/// The changes page of `c`, in the site named `site_name`.
pub(crate) fn changes_page(c: &super::changes::Changes, site_name: String) -> ChangesPage {
    ChangesPage {
        root: "../../",
        page: "changes",
        site_name,
        tool: tool(),
        vendor: c.to.vendor.clone(),
        title: format!(
            "{}: what changed from {} to {}",
            c.to.vendor, c.from.doc_version, c.to.doc_version
        ),
        changes: super::changes::for_brief(c),
        back: "../index.html",
    }
}

/// The page of `brief`, whose assessment is `id`, with its PDF `pdf` beside it, in the site
/// named `site_name`.
pub(crate) fn assessment_page<'a>(
    id: &str,
    brief: BriefData<'a>,
    pdf: Option<&'a str>,
    site_name: String,
    versions: Vec<VersionLink>,
) -> AssessmentPage<'a> {
    AssessmentPage {
        root: "../",
        page: "assessment",
        site_name,
        tool: tool(),
        brief,
        pdf,
        json: format!("../{id}.json"),
        versions,
    }
}

/// `methodology.html`: the layers, the definitions and every ruleset.
#[derive(Serialize)]
pub(crate) struct MethodologyPage {
    root: &'static str,
    page: &'static str,
    site_name: String,
    tool: String,
    /// Every ruleset, newest first, each with what it changed.
    rulesets: Vec<ChangelogEntry>,
    layers: &'static [LayerInfo],
    vocab: Vocabulary,
}

/// The methodology page of the site named `site_name`.
pub(crate) fn methodology_page(site_name: String) -> MethodologyPage {
    MethodologyPage {
        root: "",
        page: "methodology",
        site_name,
        tool: tool(),
        rulesets: labels::latest_ruleset()
            .map(labels::changelog)
            .unwrap_or_default(),
        layers: ruleset::layers(),
        vocab: labels::vocabulary(),
    }
}

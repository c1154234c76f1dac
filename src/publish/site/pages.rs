//! Site: every file of the web edition as bytes, rendered from `templates/web/`.
//!
//! Policy: each page's context is a view ([`crate::view::web`]), never markup; minijinja
//! escapes it. Files depend on their inputs only.

use std::path::PathBuf;

use serde::Serialize;

use super::history::{changes_href, FeedEntry};
use crate::build::archive::Archived;
use crate::model::date_long;
use crate::render::jinja::Templated;
use crate::render::{embedded_fonts, Templates, FONT_LICENSE};
use crate::score::Scored;
use crate::view::brief::brief;
use crate::view::changes::{changes, for_brief};
use crate::view::portfolio::PageData;
use crate::view::record::{record, schema_json, to_json};
use crate::view::web::{assessment_page, changes_page, index_page, methodology_page, VersionLink};
use crate::view::Paper;

/// The folder of the web templates inside the template set.
pub(super) const WEB: &str = "web/";

/// A file of the site: its path relative to the site folder, and its bytes.
pub(super) type File = (PathBuf, Vec<u8>);

/// The static assets: the stylesheet (and any other file of `templates/web` that is not a
/// template), the fonts and their licence.
pub(super) fn assets(templates: &Templates) -> Vec<File> {
    let mut files: Vec<File> = Vec::new();
    for (rel, bytes) in templates.files() {
        if let Some(name) = rel.strip_prefix(WEB).filter(|n| !n.ends_with(".j2")) {
            files.push((PathBuf::from("assets").join(name), bytes.to_vec()));
        }
    }
    for (name, bytes) in embedded_fonts() {
        files.push((PathBuf::from("assets/fonts").join(name), bytes.to_vec()));
    }
    files.push((
        PathBuf::from("assets/fonts/LICENSE-Inter.txt"),
        FONT_LICENSE.as_bytes().to_vec(),
    ));
    files
}

/// The files of one assessment: its page (beside its PDF `pdf`, in the site named
/// `site_name`), its record and a changes page per pair of its published versions (oldest
/// first); with the feed's entries of those versions.
pub(super) fn assessment(
    pages: &Templated,
    s: &Scored,
    pdf: Option<&str>,
    paper: Paper,
    site_name: String,
    published: &[Archived],
) -> Result<(Vec<File>, Vec<FeedEntry>), String> {
    let id = &s.assessment.meta.assessment_id;
    let links: Vec<VersionLink> = published
        .iter()
        .enumerate()
        .map(|(i, v)| VersionLink {
            version: v.record.assessment.doc_version.clone(),
            date: date_long(v.record.assessment.date_assessed),
            changes: (i > 0).then(|| changes_href(&published[i - 1], v)),
            current: v.record.assessment.doc_version == s.assessment.meta.doc_version,
        })
        .collect();
    let mut files = Vec::new();
    let mut feed = Vec::new();
    for (i, v) in published.iter().enumerate() {
        let a = &v.record.assessment;
        let updated = format!("{}T00:00:00Z", a.date_assessed);
        let (href, summary) = match i.checked_sub(1).map(|p| &published[p]) {
            None => (
                format!("{id}/index.html"),
                "The first published version.".to_string(),
            ),
            Some(before) => {
                let c = changes(&before.record, &v.record);
                let page = changes_page(&c, site_name.clone());
                let rel = changes_href(before, v);
                files.push((
                    PathBuf::from(id).join(&rel),
                    self::page(pages, "changes.html.j2", &page)?,
                ));
                let b = for_brief(&c);
                let mut lines = vec![b.intro];
                lines.extend(b.readings.iter().map(|r| {
                    format!(
                        "{} {}: {} → {} ({}).",
                        r.layer, r.what, r.from, r.to, r.rule
                    )
                }));
                (format!("{id}/{rel}"), lines.join(" "))
            }
        };
        feed.push(FeedEntry {
            sha256: v.sha256.clone(),
            title: format!("{} {}", a.vendor, a.doc_version),
            order: format!("{updated} {id} {i:04}"),
            updated,
            href,
            summary,
        });
    }
    let ctx = assessment_page(id, brief(s, paper, false), pdf, site_name, links);
    files.push((
        PathBuf::from(id).join("index.html"),
        page(pages, "assessment.html.j2", &ctx)?,
    ));
    files.push((PathBuf::from(format!("{id}.json")), to_json(&record(s))));
    Ok((files, feed))
}

/// The Atom feed (RFC 4287) of the published versions of the assessments on the site,
/// newest first, each with what changed since the one before.
pub(super) fn feed(mut entries: Vec<FeedEntry>, site_name: &str) -> Vec<u8> {
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    entries.sort_by(|a, b| b.order.cmp(&a.order));
    entries.dedup_by(|a, b| a.sha256 == b.sha256);
    let updated = entries
        .first()
        .map(|e| e.updated.clone())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let name = if site_name.is_empty() {
        "Vendor portfolio"
    } else {
        site_name
    };
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>urn:sha256:{}</id>\n  <title>{}: published assessments</title>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n  <link rel=\"alternate\" type=\"text/html\" href=\"index.html\"/>\n  <generator>layerbrief</generator>\n",
        crate::build::manifest::sha256_hex(name.as_bytes()),
        esc(name),
        esc(name)
    );
    for e in entries {
        out.push_str(&format!(
            "  <entry>\n    <id>urn:sha256:{}</id>\n    <title>{}</title>\n    <updated>{}</updated>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <summary>{}</summary>\n  </entry>\n",
            e.sha256,
            esc(&e.title),
            e.updated,
            esc(&e.href),
            esc(&e.summary)
        ));
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}

/// The pages every assessment shares: the index of `portfolio`, the methodology, the schema,
/// in the site named `site_name`.
pub(super) fn shared(
    pages: &Templated,
    portfolio: PageData,
    site_name: String,
) -> Result<Vec<File>, String> {
    Ok(vec![
        (
            "methodology.html".into(),
            page(
                pages,
                "methodology.html.j2",
                &methodology_page(site_name.clone()),
            )?,
        ),
        (
            "index.html".into(),
            page(pages, "index.html.j2", &index_page(portfolio, site_name))?,
        ),
        ("schema.json".into(), schema_json()),
    ])
}

/// Renders the template `name` with `ctx`, ending in a newline.
fn page(pages: &Templated, name: &str, ctx: &impl Serialize) -> Result<Vec<u8>, String> {
    let mut html = pages.render(name, ctx)?;
    if !html.ends_with('\n') {
        html.push('\n');
    }
    Ok(html.into_bytes())
}

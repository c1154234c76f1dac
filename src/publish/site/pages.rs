//! Site: every file of the web edition as bytes, rendered from `templates/web/`.
//!
//! Policy: each page's context is a view ([`crate::view::web`]), never markup; minijinja
//! escapes it. Files depend on their inputs only.

use std::path::PathBuf;

use serde::Serialize;

use crate::render::jinja::Templated;
use crate::render::{embedded_fonts, Templates, FONT_LICENSE};
use crate::score::Scored;
use crate::view::brief::brief;
use crate::view::portfolio::PageData;
use crate::view::record::{record, schema_json, to_json};
use crate::view::web::{assessment_page, index_page, methodology_page};
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
/// `site_name`) and its record.
pub(super) fn assessment(
    pages: &Templated,
    s: &Scored,
    pdf: Option<&str>,
    paper: Paper,
    site_name: String,
) -> Result<Vec<File>, String> {
    let id = &s.assessment.meta.assessment_id;
    let ctx = assessment_page(id, brief(s, paper, false), pdf, site_name);
    Ok(vec![
        (
            PathBuf::from(id).join("index.html"),
            page(pages, "assessment.html.j2", &ctx)?,
        ),
        (PathBuf::from(format!("{id}.json")), to_json(&record(s))),
    ])
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

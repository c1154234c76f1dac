//! After stage 4, site: every file of the web edition as bytes, rendered from
//! `templates/web/`.
//!
//! Policy: the context of each page is data already made for another output (the brief's
//! `/data.json`, the portfolio page's, the record of `record.rs`), never markup; minijinja
//! escapes it. Files are listed in a fixed order and each depends on its inputs only.

use std::collections::BTreeMap;
use std::path::PathBuf;

use minijinja::Environment;
use serde_json::{json, Value};

use crate::portfolio::{page_json, Portfolio};
use crate::record::{record, schema_json, to_json};
use crate::render::data::brief_json;
use crate::render::world::embedded_fonts;
use crate::render::{Paper, Templates};
use crate::ruleset;

const FONT_LICENSE: &str = include_str!("../../fonts/LICENSE-Inter.txt");

/// The folder of the web templates inside the template set.
const WEB: &str = "web/";

/// Every file of the site: path relative to the site folder, and bytes.
pub(super) fn render(
    templates: &Templates,
    portfolio: &Portfolio,
    pdfs: &BTreeMap<String, String>,
    paper: Paper,
) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let env = environment(templates)?;
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    // Static assets: the stylesheet (and any other file of templates/web that is not a
    // template), the fonts and their licence.
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

    let tool = format!("layerbrief {}", env!("CARGO_PKG_VERSION"));
    let mut page_data: Value = serde_json::from_slice(&page_json(portfolio, paper))
        .map_err(|e| format!("portfolio data: {e}"))?;
    // Each vendor links to its page; its PDF sits beside it.
    if let Some(vendors) = page_data["vendors"].as_array_mut() {
        for v in vendors {
            let id = v["id"].as_str().unwrap_or_default().to_string();
            v["pdf"] = json!(pdfs.get(&id));
        }
    }
    let index = json!({
        "root": "",
        "page": "index",
        "tool": tool,
        "portfolio": page_data,
    });
    files.push(("index.html".into(), page(&env, "index.html.j2", &index)?));

    for row in &portfolio.rows {
        let s = &row.scored;
        let id = &s.assessment.meta.assessment_id;
        let brief: Value = serde_json::from_slice(&brief_json(s, paper))
            .map_err(|e| format!("{id}: brief data: {e}"))?;
        let ctx = json!({
            "root": "../",
            "page": "assessment",
            "tool": tool,
            "brief": brief,
            "pdf": pdfs.get(id),
            "json": format!("../{id}.json"),
        });
        files.push((
            PathBuf::from(id).join("index.html"),
            page(&env, "assessment.html.j2", &ctx)?,
        ));
        files.push((PathBuf::from(format!("{id}.json")), to_json(&record(s))));
    }

    let methodology = json!({
        "root": "",
        "page": "methodology",
        "tool": tool,
        "rulesets": rulesets(),
        "layers": ruleset::layers(),
    });
    files.push((
        "methodology.html".into(),
        page(&env, "methodology.html.j2", &methodology)?,
    ));
    files.push(("schema.json".into(), schema_json()));
    Ok(files)
}

/// Every ruleset, newest first, each with what it changed against the one before.
fn rulesets() -> Value {
    let Some(latest) = ruleset::all()
        .iter()
        .max_by_key(|r| (r.effective_date, &r.id))
    else {
        return json!([]);
    };
    let entries: Vec<Value> = ruleset::changelog(latest)
        .into_iter()
        .map(|e| {
            json!({
                "id": e.id,
                "title": e.title,
                "effective_date": e.effective_date.format("%Y-%m-%d").to_string(),
                "effective_display": crate::model::date_long(e.effective_date),
                "note": e.note,
                "changes": e.changes,
                "current": e.id == latest.id,
            })
        })
        .collect();
    json!(entries)
}

/// The web templates of the set, by name without `web/` (`base.html.j2`), HTML-escaped.
fn environment(templates: &Templates) -> Result<Environment<'_>, String> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|n| {
        if n.contains(".html") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (rel, bytes) in templates.files() {
        let Some(name) = rel.strip_prefix(WEB).filter(|n| n.ends_with(".j2")) else {
            continue;
        };
        let origin = templates
            .get(rel)
            .map_or(rel.to_string(), |f| f.origin.clone());
        let source = std::str::from_utf8(bytes).map_err(|_| format!("{origin}: not UTF-8 text"))?;
        env.add_template(name, source)
            .map_err(|e| format!("{origin}: {e}"))?;
    }
    Ok(env)
}

/// Renders the template `name` with `ctx`.
fn page(env: &Environment, name: &str, ctx: &Value) -> Result<Vec<u8>, String> {
    let tpl = env
        .get_template(name)
        .map_err(|e| format!("templates/web/{name}: {e}"))?;
    let mut html = tpl
        .render(ctx)
        .map_err(|e| format!("templates/web/{name}: {e:#}"))?;
    if !html.ends_with('\n') {
        html.push('\n');
    }
    Ok(html.into_bytes())
}

//! After stage 4, site: the web edition, a static site of the portfolio, every brief as a web
//! page beside its PDF, the methodology, and the data as JSON with its schema.
//!
//! Policy: static files with relative links only, so the site works from `file://` and from
//! any static host; no page asks another host for anything (the stylesheet and the Inter font
//! files are served from the site) and none needs JavaScript. Pages are rendered by minijinja
//! from `templates/web/` (replaceable by `--templates`), HTML-escaped: analyst text is data.
//! Each page reads the same data the PDFs are typeset from (the brief's `/data.json`, the
//! portfolio page's), so the web and the PDF editions say the same. Every file is a function
//! of its inputs, and is written (atomically) only when its bytes change, so rebuilding an
//! unchanged site writes nothing.

mod pages;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::output::write_atomic;
use crate::portfolio::Portfolio;
use crate::render::{Paper, Templates};

/// What writing the site did.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// Files written because they were new or changed, relative to the site folder.
    pub(crate) written: Vec<PathBuf>,
    /// Files already up to date.
    pub(crate) unchanged: usize,
}

/// Writes the site of `portfolio` into `out`. `pdfs` gives, per assessment id, the file name of
/// its PDF, which the build put in the assessment's folder.
pub(crate) fn write(
    templates: &Templates,
    out: &Path,
    portfolio: &Portfolio,
    pdfs: &BTreeMap<String, String>,
    paper: Paper,
) -> Result<Written, String> {
    let files = pages::render(templates, portfolio, pdfs, paper)?;
    let mut done = Written::default();
    for (rel, bytes) in files {
        let path = out.join(&rel);
        if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            done.unchanged += 1;
            continue;
        }
        write_atomic(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        done.written.push(rel);
    }
    Ok(done)
}

//! Publish: the web edition, a static site of the portfolio, every brief as a web page beside
//! its PDF, the methodology, and the data as JSON with its schema.
//!
//! Policy: static files with relative links only, so the site works from `file://` and from
//! any static host; no page asks another host for anything (the stylesheet and the Inter font
//! files are served from the site) and none needs JavaScript. Pages are rendered by minijinja
//! from `templates/web/` (replaceable by `--templates`), HTML-escaped: analyst text is data.
//! Each page reads the same views the PDFs are typeset from, so the web and the PDF editions
//! say the same. Every file is a function of its inputs, and is written (atomically) only
//! when its bytes change, so rebuilding an unchanged site writes nothing. An assessment's page
//! and record are rendered while the build holds the assessment; what the shared pages need of
//! it is kept ([`cache`]), so a later run over an unchanged workbook prepares and renders
//! nothing of it.

pub(crate) mod cache;
pub(crate) mod history;
mod pages;

use std::path::Path;
use std::sync::Mutex;

use crate::build::output::{write_atomic_stamped, FileStamp};
use crate::publish::portfolio::Portfolio;
use crate::render::jinja::{self, Templated};
use crate::render::Templates;
use crate::score::Scored;
use crate::view::portfolio::vendor_row;
use crate::view::Paper;
use cache::{Entry, Written};

/// Assessment ids the site refuses: the names of its own files and folders (`assets/`,
/// `schema.json`), which an assessment's folder or JSON would take.
pub(crate) const RESERVED_IDS: &[&str] = &["assets", "schema"];

/// What writing the site did.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Files written because they were new or changed.
    pub(crate) written: usize,
    /// Files already up to date.
    pub(crate) unchanged: usize,
    /// Assessments whose files were rendered in this run.
    pub(crate) rendered: usize,
}

/// A site being written into its folder.
pub(crate) struct Site<'t> {
    pages: Templated<'t>,
    templates: &'t Templates,
    out: &'t Path,
    paper: Paper,
    /// The name the user gave the site (`--title`), else each page carries its publisher.
    title: Option<String>,
    /// The published versions of each assessment, from the archive.
    published: history::Published,
    tally: Mutex<Tally>,
}

impl<'t> Site<'t> {
    /// The site of `templates`' web edition in the folder `out`, its briefs on `paper`, named
    /// `title` when the user gave one.
    pub(crate) fn new(
        templates: &'t Templates,
        out: &'t Path,
        paper: Paper,
        title: Option<String>,
        published: history::Published,
    ) -> Result<Self, String> {
        Ok(Self {
            pages: jinja::environment(templates, pages::WEB)?,
            templates,
            out,
            paper,
            title,
            published,
            tally: Mutex::new(Tally::default()),
        })
    }

    /// Renders and writes the files of the assessment `s`, whose PDF is `pdf`; what the
    /// shared pages need of it.
    pub(crate) fn assessment(&self, s: &Scored, pdf: &Path) -> Result<Entry, String> {
        let pdf = pdf.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = self
            .title
            .clone()
            .unwrap_or_else(|| s.assessment.meta.publisher.clone());
        let published = self.published.versions(&s.assessment.meta.assessment_id);
        let (files, feed) =
            pages::assessment(&self.pages, s, pdf.as_deref(), self.paper, name, &published)?;
        let mut written = Vec::new();
        for (rel, bytes) in files {
            let stamp = self.write(&rel, &bytes)?;
            written.push(Written { path: rel, stamp });
        }
        self.count(|t| t.rendered += 1);
        Ok(Entry {
            source: String::new(),
            row: vendor_row(s, Vec::new()),
            pdf,
            files: written,
            feed,
        })
    }

    /// Writes the pages every assessment shares: the index of `portfolio`, the methodology,
    /// the schema, the assets, and the feed of `feed`'s published versions.
    pub(crate) fn shared(
        &self,
        portfolio: &Portfolio,
        feed: Vec<history::FeedEntry>,
    ) -> Result<(), String> {
        let excluded = portfolio.excluded_names();
        let head = portfolio.head(&excluded, self.paper, self.title.as_deref());
        let mut files = pages::assets(self.templates);
        let name = head.name.clone();
        files.push(("feed.xml".into(), pages::feed(feed, &name)));
        files.extend(pages::shared(&self.pages, portfolio.page(&head), name)?);
        for (rel, bytes) in files {
            self.write(&rel, &bytes)?;
        }
        Ok(())
    }

    /// A digest of the published versions the pages show.
    pub(crate) fn published_digest(&self) -> String {
        self.published.digest()
    }

    /// The site's folder.
    pub(crate) fn out(&self) -> &Path {
        self.out
    }

    /// What was written.
    pub(crate) fn tally(self) -> Tally {
        self.tally.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn count(&self, f: impl FnOnce(&mut Tally)) {
        f(&mut self.tally.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// Writes `bytes` at `rel` unless the file already holds them; the file's stamp.
    fn write(&self, rel: &Path, bytes: &[u8]) -> Result<Option<FileStamp>, String> {
        let path = self.out.join(rel);
        if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            self.count(|t| t.unchanged += 1);
            return Ok(FileStamp::of(&path));
        }
        let stamp = write_atomic_stamped(&path, bytes)
            .map_err(|e| format!("{}: cannot write ({e})", path.display()))?;
        self.count(|t| t.written += 1);
        Ok(stamp)
    }
}

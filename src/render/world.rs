//! Render: the Typst `World` of layerbrief, the template set's files and the data served as
//! a file.
//!
//! Policy: a template sees exactly the files of the template set and the virtual
//! `/data.json`; nothing else on disk, no packages, no network. The clock is the
//! document's date, so output depends on inputs only. Fonts, the standard library and
//! the parsed template sources are built once per [`Engine`] and shared by every brief.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts::Fonts;
use super::templates::Templates;

/// The virtual path the scored assessment is served at.
pub(crate) const DATA_PATH: &str = "/data.json";
/// The template every brief starts from.
pub(crate) const MAIN_PATH: &str = "/brief.typ";
/// The template the portfolio page starts from.
pub(crate) const PORTFOLIO_PATH: &str = "/portfolio.typ";

/// What every brief of a run shares: the library, the fonts and the templates.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Fonts,
    templates: Templates,
    sources: Mutex<HashMap<FileId, Source>>,
}

impl Engine {
    /// The embedded fonts and the given template set.
    pub fn new(templates: Templates) -> Self {
        Self::with_fonts(templates, Fonts::embedded())
    }

    /// The given fonts and template set.
    pub fn with_fonts(templates: Templates, fonts: Fonts) -> Self {
        let book = FontBook::from_fonts(fonts.faces());
        Self {
            library: LazyHash::new(host_library()),
            book: LazyHash::new(book),
            fonts,
            templates,
            sources: Mutex::new(HashMap::new()),
        }
    }

    /// The template set in use.
    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// The fonts briefs are set in.
    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// A world that compiles the main template `main` of the set (`/brief.typ` for a brief,
    /// `/portfolio.typ`), with `data` served as `/data.json`.
    pub(crate) fn world_of(&self, main: &str, data: Bytes, today: Datetime) -> BriefWorld<'_> {
        BriefWorld {
            engine: self,
            data,
            today,
            main: file_id(main),
        }
    }
}

/// The standard library, with the input `document=host`: a template that finds it leaves
/// the PDF's metadata to [`super::document_info`] (see `brief.typ`), so that no set rule fed
/// by per-brief values stands in front of the body.
fn host_library() -> Library {
    let mut inputs = typst::foundations::Dict::new();
    inputs.insert("document".into(), "host".into_value());
    Library::builder().with_inputs(inputs).build()
}

/// The id of a project path such as `/brief.typ`. Ids are interned for the process's
/// lifetime, so only the fixed template paths and `/data.json` are ever minted.
pub(crate) fn file_id(path: &str) -> FileId {
    // The paths passed here are constants or come from the template set: always valid.
    let vpath =
        VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/").expect("root path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// The relative template path of a project file id, if it is one.
fn template_rel(id: FileId) -> Option<String> {
    match id.root() {
        VirtualRoot::Project => Some(
            id.vpath()
                .get_with_slash()
                .trim_start_matches('/')
                .to_string(),
        ),
        VirtualRoot::Package(_) => None,
    }
}

/// The world one brief is compiled in.
pub(crate) struct BriefWorld<'a> {
    engine: &'a Engine,
    data: Bytes,
    today: Datetime,
    main: FileId,
}

impl BriefWorld<'_> {
    /// Where a file id came from, for diagnostics: a template's origin or the data file.
    pub(crate) fn origin(&self, id: FileId) -> String {
        let rel = template_rel(id).unwrap_or_default();
        if format!("/{rel}") == DATA_PATH {
            return "data.json (the data the template reads)".into();
        }
        self.engine
            .templates
            .get(&rel)
            .map(|f| f.origin.clone())
            .unwrap_or(rel)
    }

    fn bytes(&self, id: FileId) -> FileResult<Bytes> {
        let Some(rel) = template_rel(id) else {
            return Err(FileError::Other(Some(
                "packages are not available to layerbrief templates".into(),
            )));
        };
        if format!("/{rel}") == DATA_PATH {
            return Ok(self.data.clone());
        }
        match self.engine.templates.get(&rel) {
            Some(f) => Ok(f.bytes.clone()),
            None => Err(FileError::NotFound(PathBuf::from(format!("/{rel}")))),
        }
    }
}

impl World for BriefWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(s) = self
            .engine
            .sources
            .lock()
            .ok()
            .and_then(|m| m.get(&id).cloned())
        {
            return Ok(s);
        }
        let bytes = self.bytes(id)?;
        let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
        let source = Source::new(id, text.to_string());
        if let Ok(mut m) = self.engine.sources.lock() {
            m.insert(id, source.clone());
        }
        Ok(source)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.bytes(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.faces().get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

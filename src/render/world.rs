//! Stage 4, render: the Typst `World` of layerbrief, embedded templates and fonts, data served
//! as a file.
//!
//! Templates are the embedded set, each file replaceable by one of `--templates DIR`. Only
//! regular files and folders inside that folder are read: a symbolic link only when it
//! stays inside, and FIFOs, sockets and devices are refused without being opened.
//!
//! Policy: a template sees exactly the files of the template set and the virtual
//! `/data.json`; nothing else on disk, no packages, no network. The clock is the
//! assessment's date, so output depends on inputs only. Fonts, the standard library and
//! the parsed template sources are built once per [`Engine`] and shared by every brief.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts::Fonts;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The virtual path the scored assessment is served at.
pub(crate) const DATA_PATH: &str = "/data.json";
/// The template every brief starts from.
pub(crate) const MAIN_PATH: &str = "/brief.typ";
/// The template the portfolio page starts from.
pub(crate) const PORTFOLIO_PATH: &str = "/portfolio.typ";

/// One template file: its bytes and where it came from, for messages.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TemplateFile {
    pub bytes: Bytes,
    /// `templates/brief.typ (embedded)` or the real path of an override.
    pub origin: String,
}

/// A template set: the embedded templates, each replaceable by a file of `--templates DIR`.
#[derive(Debug, Clone, PartialEq)]
pub struct Templates {
    /// Relative path (`parts/table.typ`) → file.
    files: HashMap<String, TemplateFile>,
}

impl Templates {
    /// The embedded templates.
    pub fn embedded() -> Self {
        let files = embedded::TEMPLATES
            .iter()
            .map(|(rel, bytes)| {
                let file = TemplateFile {
                    bytes: Bytes::new(*bytes),
                    origin: format!("templates/{rel} (embedded)"),
                };
                (rel.to_string(), file)
            })
            .collect();
        Self { files }
    }

    /// The embedded templates with every file of `dir` (recursively) put in their place.
    ///
    /// Only regular files inside `dir` are read. A symbolic link is followed only when its
    /// target stays inside the folder; one that leaves it, leads nowhere, or names a FIFO,
    /// socket or device is refused with an error naming the file (such a file is never
    /// opened, so a FIFO cannot hang the build).
    pub fn with_overrides(dir: &Path) -> std::io::Result<Self> {
        let root = std::fs::canonicalize(dir)?;
        let mut set = Self::embedded();
        let mut visited = std::collections::HashSet::from([root.clone()]);
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let mut entries = std::fs::read_dir(&d)?
                .map(|e| e.map(|e| e.path()))
                .collect::<std::io::Result<Vec<_>>>()?;
            entries.sort();
            for path in entries {
                let (real, meta) = template_file(&root, &path)?;
                if meta.is_dir() {
                    // A link back to a folder already read would loop.
                    if visited.insert(real) {
                        stack.push(path);
                    }
                    continue;
                }
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = read_checked(&real, &meta).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
                })?;
                set.files.insert(
                    rel,
                    TemplateFile {
                        bytes: Bytes::new(bytes),
                        origin: path.display().to_string(),
                    },
                );
            }
        }
        Ok(set)
    }

    /// Every file: relative path and contents, sorted by path.
    pub(crate) fn files(&self) -> Vec<(&str, &[u8])> {
        let mut out: Vec<(&str, &[u8])> = self
            .files
            .iter()
            .map(|(k, f)| (k.as_str(), f.bytes.as_slice()))
            .collect();
        out.sort();
        out
    }

    /// The file at relative path `rel`.
    pub(crate) fn get(&self, rel: &str) -> Option<&TemplateFile> {
        self.files.get(rel)
    }

    /// A digest of every file but the web edition's (`web/`, which no PDF reads), so a build
    /// manifest can tell when templates change.
    pub(crate) fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut names: Vec<&String> = self
            .files
            .keys()
            .filter(|n| !n.starts_with("web/"))
            .collect();
        names.sort();
        let mut h = Sha256::new();
        for n in names {
            h.update(n.as_bytes());
            h.update([0]);
            h.update(self.files[n].bytes.as_slice());
            h.update([0]);
        }
        format!("{:x}", h.finalize())
    }
}

/// Where the entry `path` of a templates folder whose canonical path is `root` really is,
/// and what it is: a folder or a regular file inside `root`. Anything else is an error that
/// names the file. Nothing is opened here.
fn template_file(root: &Path, path: &Path) -> std::io::Result<(PathBuf, std::fs::Metadata)> {
    let refuse = |why: String| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{}: {why}; a templates folder may hold only regular files and folders \
                 (and symbolic links only to what is inside it)",
                path.display()
            ),
        )
    };
    let link = std::fs::symlink_metadata(path)?;
    let real = if link.file_type().is_symlink() {
        let target = std::fs::read_link(path).unwrap_or_default();
        let real = std::fs::canonicalize(path).map_err(|_| {
            refuse(format!(
                "a symbolic link to {}, which does not exist",
                target.display()
            ))
        })?;
        if !real.starts_with(root) {
            return Err(refuse(format!(
                "a symbolic link to {}, outside the templates folder",
                target.display()
            )));
        }
        real
    } else {
        std::fs::canonicalize(path)?
    };
    // Its folders were checked on the way down; this holds unless one was swapped since.
    if !real.starts_with(root) {
        return Err(refuse(format!(
            "{}, outside the templates folder",
            real.display()
        )));
    }
    let meta = std::fs::metadata(&real)?;
    let kind = meta.file_type();
    if kind.is_dir() || kind.is_file() {
        return Ok((real, meta));
    }
    Err(refuse(format!(
        "{}, not a regular file",
        special_kind(&kind)
    )))
}

/// What a file that is neither a regular file nor a folder is, in words.
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    let _ = kind;
    "a special file"
}

/// Reads the regular file `real` that [`template_file`] vetted as `meta`, checking that the
/// file opened is that same file (not swapped for another in between).
fn read_checked(real: &Path, meta: &std::fs::Metadata) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // A FIFO swapped in after the check must not block the open: it is opened without
    // waiting for a writer, then refused below as not the file checked. (On a regular file
    // the flag changes nothing.)
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut f = options.open(real)?;
    let opened = f.metadata()?;
    #[cfg(unix)]
    let same = {
        use std::os::unix::fs::MetadataExt;
        opened.dev() == meta.dev() && opened.ino() == meta.ino()
    };
    #[cfg(not(unix))]
    let same = opened.file_type() == meta.file_type();
    if !same || !opened.is_file() {
        return Err(std::io::Error::other(
            "the file changed while it was read; try again",
        ));
    }
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The embedded font files: name and bytes.
pub(crate) fn embedded_fonts() -> &'static [(&'static str, &'static [u8])] {
    embedded::FONTS
}

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

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// The race the open closes: a file checked as regular, then swapped for a FIFO before
    /// it is opened. Without a writer, a plain open of the FIFO would wait forever.
    #[test]
    fn a_fifo_swapped_in_after_the_check_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("brief.typ");
        std::fs::write(&path, "= Brief").unwrap();
        let checked = std::fs::metadata(&path).unwrap();
        assert_eq!(read_checked(&path, &checked).unwrap(), b"= Brief");

        std::fs::remove_file(&path).unwrap();
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(read_checked(&path, &checked).map(|_| ()));
        });
        let result = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("opening the FIFO blocked");
        let err = result.unwrap_err().to_string();
        assert!(err.contains("changed while it was read"), "{err}");
    }
}

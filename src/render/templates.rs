//! Render: the template set. The embedded templates, each file replaceable by one of
//! `--templates DIR`.
//!
//! Policy: only regular files and folders inside that folder are read: a symbolic link only
//! when it stays inside, and FIFOs, sockets and devices are refused without being opened.
//! Templates are Typst (`brief.typ`, `portfolio.typ`, `parts/`) and minijinja (`email/`,
//! `web/`); the set's digest tells a build manifest when the PDFs' templates change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use typst::foundations::Bytes;

use super::assets::embedded_templates;

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
        let files = embedded_templates()
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
        self.digest_of(|n| !n.starts_with("web/"))
    }

    /// A digest of the web edition's files (`web/`), which shape its pages but no PDF.
    pub(crate) fn web_digest(&self) -> String {
        self.digest_of(|n| n.starts_with("web/"))
    }

    fn digest_of(&self, keep: impl Fn(&str) -> bool) -> String {
        use sha2::{Digest, Sha256};
        let mut names: Vec<&String> = self.files.keys().filter(|n| keep(n)).collect();
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

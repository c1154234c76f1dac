//! Build: briefs another build has typeset with the same options, taken instead of typeset
//! again: a shard's, in the same output folder (each shard keeps its own manifest), or those
//! of `build` in another folder (the site takes them from `out/`).
//!
//! Policy: a brief is taken only when the manifest of the build that wrote it records the key
//! this build would give it (in the same folder, where its file is already in place) or the
//! same content key (elsewhere, where it is linked in under this build's name), and its PDF
//! still has the bytes recorded. Anything else is typeset: never a wrong brief. A brief taken
//! from elsewhere is hard-linked where the file system allows, else copied, and lands
//! atomically like a typeset one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::manifest::{self, Entry, Manifest};
use super::output::FileStamp;

/// The briefs of other builds this build may take.
#[derive(Default)]
pub(super) struct Others {
    /// The entries of the other manifests of this output folder, by workbook.
    here: BTreeMap<String, Vec<Entry>>,
    /// The entries of the manifests of each folder briefs may be taken from, by workbook.
    there: Vec<(PathBuf, BTreeMap<String, Vec<Entry>>)>,
}

impl Others {
    /// The manifests of `out` other than `own`, and every manifest of each of `from`.
    pub(super) fn load(out: &Path, own: &Path, from: &[PathBuf]) -> Self {
        let read = |paths: Vec<PathBuf>| {
            let mut by_source: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
            for p in paths {
                let (m, _) = Manifest::load(&p);
                for (k, e) in m.briefs {
                    by_source.entry(k).or_default().push(e);
                }
            }
            by_source
        };
        let here = read(
            manifest::all_in(out)
                .into_iter()
                .filter(|p| p != own)
                .collect(),
        );
        let there = from
            .iter()
            .filter(|f| !same_folder(f, out))
            .map(|f| (f.clone(), read(manifest::all_in(f))))
            .collect();
        Self { here, there }
    }

    /// An entry of another manifest of `out` for `source` with `key` whose PDF is in place.
    pub(super) fn here(&self, source: &str, key: &str, out: &Path) -> Option<&Entry> {
        self.here
            .get(source)?
            .iter()
            .find(|e| e.key == key && e.holds(out))
    }

    /// A PDF of another folder for `source` with content key `content`: its path, and the
    /// SHA-256 of its bytes.
    pub(super) fn there(&self, source: &str, content: &str) -> Option<(PathBuf, String)> {
        self.there.iter().find_map(|(folder, by_source)| {
            by_source
                .get(source)?
                .iter()
                .find(|e| e.content.as_deref() == Some(content) && e.holds(folder))
                .map(|e| (folder.join(&e.output), e.pdf_sha256.clone()))
        })
    }
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Puts the file `from` at `target` atomically (a temporary sibling, then a rename): a hard
/// link where the file system allows, else a copy. Returns the stamp of the file in place.
pub(super) fn link_atomic(from: &Path, target: &Path) -> std::io::Result<Option<FileStamp>> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = std::fs::hard_link(from, &tmp)
        .or_else(|_| std::fs::copy(from, &tmp).map(|_| ()))
        .and_then(|()| std::fs::rename(&tmp, target));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(FileStamp::of(target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_lands_whole_and_replaces_what_was_there() {
        let tmp = tempfile::tempdir().unwrap();
        let from = tmp.path().join("a.pdf");
        std::fs::write(&from, b"%PDF brief").unwrap();
        let target = tmp.path().join("site/a/a.pdf");
        link_atomic(&from, &target).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"%PDF brief");
        std::fs::write(tmp.path().join("b.pdf"), b"%PDF other").unwrap();
        link_atomic(&tmp.path().join("b.pdf"), &target).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"%PDF other");
        let names: Vec<_> = std::fs::read_dir(tmp.path().join("site/a"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
    }
}

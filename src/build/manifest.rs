//! Batch: the build manifest, what shaped each brief, so an unchanged brief is not rebuilt.
//!
//! Policy: a brief is skipped only when the hash of everything that shaped it (the workbook's
//! bytes, the rulesets and layers data, the templates, the fonts, the layerbrief version and
//! the build options) matches the manifest entry of its workbook *and* the PDF on disk still
//! has the bytes the manifest recorded. Anything else (no manifest, an unreadable or corrupt
//! one, a PDF edited or deleted by hand) means a rebuild: never a wrong skip.
//!
//! The manifest on disk is changed only through a [`Store`]: each finished brief is recorded
//! as soon as its PDF has landed, so a build that is killed keeps what it finished. Every
//! change is a read-modify-write under an exclusive lock on a lock file beside the manifest
//! (`.layerbrief-manifest.lock`): the manifest is read again under the lock, this build's
//! change is applied to what is there, and the result is written atomically (temporary file
//! and rename), so builds running at once on one output folder never lose each other's
//! entries. Nothing is written when nothing changed (a no-op rebuild leaves the file alone).
//! Where the file system cannot lock, updates are still serialized within one build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's shape: 2 names workbooks by a hash of their path (1 by the path itself).
const FORMAT: u32 = 2;

/// One built brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Hash of everything that shaped the brief.
    pub key: String,
    /// The PDF, relative to the output folder.
    pub output: PathBuf,
    /// SHA-256 of the PDF's bytes.
    pub pdf_sha256: String,
    /// Hash of everything that shaped the brief's bytes, its file's name aside: another
    /// build (a shard, the site) with the same one may take this PDF instead of typesetting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The PDF file as written: while it still has this stamp, its hash is not read again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written: Option<crate::build::output::FileStamp>,
}

/// Entries by workbook (a hash of its canonical path).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    format: u32,
    pub briefs: BTreeMap<String, Entry>,
}

/// SHA-256 of bytes, as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The manifest file of an output folder (one per shard, so shards never race on it).
pub fn path(out: &Path, shard: Option<(u32, u32)>) -> PathBuf {
    match shard {
        Some((k, n)) => out.join(format!(".layerbrief-manifest-{k}-of-{n}.json")),
        None => out.join(".layerbrief-manifest.json"),
    }
}

/// Every manifest file of an output folder (its own and each shard's), in name order.
pub fn all_in(out: &Path) -> Vec<PathBuf> {
    crate::build::output::files_named(out, ".layerbrief-manifest", ".json")
}

/// The lock file of the manifest at `manifest`, held around each change to it.
pub fn lock_path(manifest: &Path) -> PathBuf {
    manifest.with_extension("lock")
}

/// The manifest file of an output folder, as the threads of a build and other builds
/// running at once change it: one locked read-modify-write per change.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    /// Serializes this process's changes (the file lock serializes processes).
    threads: Mutex<()>,
}

impl Store {
    /// The store of the manifest file at `path`.
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            threads: Mutex::new(()),
        }
    }

    /// The manifest file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Applies `change` to the manifest as it is on disk now, under the lock, and writes it
    /// atomically if it changed. Returns whether it was written.
    pub fn update(&self, change: impl FnOnce(&mut Manifest)) -> std::io::Result<bool> {
        let _threads = self.threads.lock().unwrap_or_else(|e| e.into_inner());
        let lock = crate::build::output::open_lock_file(&lock_path(&self.path))?;
        // Released when `lock` is dropped, after the write. A file system without locks
        // still gets this build's changes, serialized by `threads`.
        let _ = lock.lock();
        let (mut manifest, _) = Manifest::load(&self.path);
        let before = manifest.clone();
        change(&mut manifest);
        if manifest == before {
            return Ok(false);
        }
        manifest.save(&self.path)?;
        Ok(true)
    }
}

impl Manifest {
    /// Reads the manifest at `path`. Missing means empty; unreadable or corrupt means empty
    /// with a warning (a full rebuild).
    pub fn load(path: &Path) -> (Self, Option<String>) {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Self::default(), None),
            Err(e) => {
                return (
                    Self::default(),
                    Some(format!(
                        "{}: unreadable ({e}); rebuilding every brief",
                        path.display()
                    )),
                )
            }
        };
        match serde_json::from_slice::<Manifest>(&bytes) {
            Ok(m) if m.format == FORMAT => (m, None),
            _ => (
                Self::default(),
                Some(format!(
                    "{}: not a manifest this version reads; rebuilding every brief",
                    path.display()
                )),
            ),
        }
    }

    /// Writes the manifest atomically.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut m = self.clone();
        m.format = FORMAT;
        let text = serde_json::to_vec_pretty(&m).map_err(std::io::Error::other)?;
        crate::build::output::write_atomic(path, &text)
    }

    /// Whether the brief of `source` with `key` is up to date in `out`.
    pub fn is_fresh(&self, source: &str, key: &str, out: &Path) -> Option<&Entry> {
        let e = self.briefs.get(source)?;
        (e.key == key && e.holds(out)).then_some(e)
    }
}

impl Entry {
    /// Whether the PDF in `out` is still the one this entry recorded.
    pub fn holds(&self, out: &Path) -> bool {
        let pdf = out.join(&self.output);
        if self.written.is_some() && self.written == crate::build::output::FileStamp::of(&pdf) {
            return true;
        }
        std::fs::read(pdf).is_ok_and(|bytes| sha256_hex(&bytes) == self.pdf_sha256)
    }
}

/// Incrementally builds a key from the parts that shape a brief.
#[derive(Default)]
pub struct KeyBuilder(Sha256);

impl KeyBuilder {
    /// Adds one labelled part.
    pub fn part(mut self, label: &str, bytes: &[u8]) -> Self {
        self.0.update((label.len() as u64).to_le_bytes());
        self.0.update(label.as_bytes());
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// The key, as hex.
    pub fn finish(self) -> String {
        format!("{:x}", self.0.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_manifest_means_rebuild() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let p = path(dir, None);
        std::fs::write(&p, b"{ not json").unwrap();
        let (m, warning) = Manifest::load(&p);
        assert!(m.briefs.is_empty());
        assert!(warning.unwrap().contains("rebuilding every brief"));
        let mut m = Manifest::default();
        std::fs::write(dir.join("a.pdf"), b"pdf").unwrap();
        m.briefs.insert(
            "a.xlsx".into(),
            Entry {
                key: "k".into(),
                output: "a.pdf".into(),
                content: None,
                pdf_sha256: sha256_hex(b"pdf"),
                written: None,
            },
        );
        m.save(&p).unwrap();
        let (back, w) = Manifest::load(&p);
        assert!(w.is_none());
        assert!(back.is_fresh("a.xlsx", "k", dir).is_some());
        assert!(back.is_fresh("a.xlsx", "other", dir).is_none());
        std::fs::write(dir.join("a.pdf"), b"edited").unwrap();
        assert!(back.is_fresh("a.xlsx", "k", dir).is_none());

        // With the stamp of the file as written, a later edit of the same size still shows.
        let stamp = crate::build::output::write_atomic_stamped(&dir.join("a.pdf"), b"pdf").unwrap();
        assert!(stamp.is_some());
        let mut m = back.clone();
        m.briefs.get_mut("a.xlsx").unwrap().written = stamp;
        assert!(m.is_fresh("a.xlsx", "k", dir).is_some());
        // Change times tick with the file system's clock (a few ms on Linux).
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::write(dir.join("a.pdf"), b"pdX").unwrap();
        assert!(m.is_fresh("a.xlsx", "k", dir).is_none());
    }

    fn entry(key: &str) -> Entry {
        Entry {
            key: key.into(),
            output: format!("{key}.pdf").into(),
            pdf_sha256: sha256_hex(key.as_bytes()),
            content: None,
            written: None,
        }
    }

    #[test]
    fn stores_merge_and_skip_no_op_writes() {
        let tmp = tempfile::tempdir().unwrap();
        let p = path(tmp.path(), None);
        let a = Store::new(p.clone());
        let b = Store::new(p.clone());
        assert!(a
            .update(|m| drop(m.briefs.insert("a".into(), entry("a"))))
            .unwrap());
        // Another store (another build) sees the first entry and keeps it.
        assert!(b
            .update(|m| drop(m.briefs.insert("b".into(), entry("b"))))
            .unwrap());
        let (m, _) = Manifest::load(&p);
        assert_eq!(m.briefs.keys().collect::<Vec<_>>(), ["a", "b"]);
        // The same entry again is no change: the file is not written (an atomic write
        // would put a new file in its place).
        let before = std::fs::read(&p).unwrap();
        std::fs::write(&p, before.iter().chain(b"\n").copied().collect::<Vec<u8>>()).unwrap();
        assert!(!a
            .update(|m| drop(m.briefs.insert("a".into(), entry("a"))))
            .unwrap());
        assert!(
            std::fs::read(&p).unwrap().ends_with(b"}\n"),
            "a change that changed nothing rewrote the manifest"
        );
        assert!(lock_path(&p).exists());
        assert_eq!(
            lock_path(&p).file_name().unwrap(),
            ".layerbrief-manifest.lock"
        );
    }

    #[test]
    fn threads_never_lose_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let p = path(tmp.path(), None);
        std::thread::scope(|s| {
            for t in 0..4 {
                let p = p.clone();
                s.spawn(move || {
                    // One store per thread: each change takes the file lock on its own.
                    let store = Store::new(p);
                    for i in 0..10 {
                        let k = format!("{t}-{i}");
                        store
                            .update(|m| drop(m.briefs.insert(k.clone(), entry(&k))))
                            .unwrap();
                    }
                });
            }
        });
        let (m, w) = Manifest::load(&p);
        assert!(w.is_none());
        assert_eq!(m.briefs.len(), 40);
    }

    #[test]
    fn keys_separate_parts() {
        let a = KeyBuilder::default()
            .part("x", b"ab")
            .part("y", b"c")
            .finish();
        let b = KeyBuilder::default()
            .part("x", b"a")
            .part("y", b"bc")
            .finish();
        assert_ne!(a, b);
    }
}

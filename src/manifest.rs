//! Batch: the build manifest, what shaped each brief, so an unchanged brief is not rebuilt.
//!
//! Policy: a brief is skipped only when the hash of everything that shaped it (the workbook's
//! bytes, the rulesets and layers data, the templates, the fonts, the layerbrief version and
//! the build options) matches the manifest entry of its workbook *and* the PDF on disk still
//! has the bytes the manifest recorded. Anything else (no manifest, an unreadable or corrupt
//! one, a PDF edited or deleted by hand) means a rebuild: never a wrong skip. The manifest is
//! written atomically, after the briefs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const FORMAT: u32 = 1;

/// One built brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Hash of everything that shaped the brief.
    pub key: String,
    /// The PDF, relative to the output folder.
    pub output: PathBuf,
    /// SHA-256 of the PDF's bytes.
    pub pdf_sha256: String,
}

/// Entries by workbook (canonical path).
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
        crate::output::write_atomic(path, &text)
    }

    /// Whether the brief of `source` with `key` is up to date in `out`.
    pub fn is_fresh(&self, source: &str, key: &str, out: &Path) -> Option<&Entry> {
        let e = self.briefs.get(source)?;
        if e.key != key {
            return None;
        }
        let bytes = std::fs::read(out.join(&e.output)).ok()?;
        (sha256_hex(&bytes) == e.pdf_sha256).then_some(e)
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
                pdf_sha256: sha256_hex(b"pdf"),
            },
        );
        m.save(&p).unwrap();
        let (back, w) = Manifest::load(&p);
        assert!(w.is_none());
        assert!(back.is_fresh("a.xlsx", "k", dir).is_some());
        assert!(back.is_fresh("a.xlsx", "other", dir).is_none());
        std::fs::write(dir.join("a.pdf"), b"edited").unwrap();
        assert!(back.is_fresh("a.xlsx", "k", dir).is_none());
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

//! Build: the archive of what was published, so a later version can say what changed since.
//!
//! Policy: every brief that `build` or `mail` writes also stores its published record (the
//! web edition's `<assessment_id>.json`: text, facts and reading) in the output folder, at
//! `.layerbrief-archive/<assessment_id>/<pdf sha256>.json`, written atomically; a record
//! already there is left alone, so builds and shards writing at once never collide. Watch
//! rebuilds and the web edition's own builds archive nothing. A record that cannot be read is
//! reported and skipped, never a stop. Records of versions never sent are pruned beyond the
//! newest few per assessment; records of sent versions are kept.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::output::write_atomic;
use crate::view::record::Record;

/// The archive's folder in an output folder.
pub(crate) const DIR: &str = ".layerbrief-archive";

/// Unsent versions kept per assessment by default.
pub(crate) const KEEP: usize = 5;

/// One archived version.
#[derive(Debug, Clone)]
pub(crate) struct Archived {
    /// SHA-256 of the brief's PDF.
    pub(crate) sha256: String,
    pub(crate) record: Record,
    /// When it was archived (its file's time).
    pub(crate) archived: SystemTime,
    pub(crate) path: PathBuf,
}

/// The folder of an assessment's records.
fn folder(out: &Path, id: &str) -> PathBuf {
    out.join(DIR).join(id)
}

/// Stores the record of the brief whose PDF has SHA-256 `sha256`, unless it is there already.
pub(crate) fn store(out: &Path, id: &str, sha256: &str, record_json: &[u8]) -> std::io::Result<()> {
    let path = folder(out, id).join(format!("{sha256}.json"));
    if path.is_file() {
        return Ok(());
    }
    write_atomic(&path, record_json)
}

/// Whether the archive holds the record of the PDF with `sha256`.
pub(crate) fn holds(out: &Path, id: &str, sha256: &str) -> bool {
    folder(out, id).join(format!("{sha256}.json")).is_file()
}

/// The assessment ids the archive of `out` holds records of.
pub(crate) fn ids(out: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(out.join(DIR))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

/// Every readable version of `id`, newest first, and a message for each record that could not
/// be read (skipped).
pub(crate) fn list(out: &Path, id: &str) -> (Vec<Archived>, Vec<String>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let dir = folder(out, id);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (found, problems);
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(sha) = name.strip_suffix(".json") else {
            continue;
        };
        if name.starts_with('.') || sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let read = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<Record>(&b).map_err(|e| e.to_string()));
        match read {
            Ok(record) => found.push(Archived {
                sha256: sha.to_string(),
                record,
                archived: e
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH),
                path,
            }),
            Err(why) => problems.push(format!(
                "warning: {}: not a readable record ({why}); skipped",
                path.display()
            )),
        }
    }
    found.sort_by(|a, b| b.archived.cmp(&a.archived).then(b.sha256.cmp(&a.sha256)));
    (found, problems)
}

/// Removes the records of `id` beyond the newest `keep` (at least one: the newest) that are
/// not in `sent` (the PDF hashes the sent log holds); the records removed.
pub(crate) fn prune(out: &Path, id: &str, keep: usize, sent: &BTreeSet<String>) -> Vec<PathBuf> {
    let (versions, _) = list(out, id);
    let mut removed = Vec::new();
    for v in versions
        .into_iter()
        .filter(|v| !sent.contains(&v.sha256))
        .skip(keep.max(1))
    {
        if std::fs::remove_file(&v.path).is_ok() {
            removed.push(v.path);
        }
    }
    removed
}

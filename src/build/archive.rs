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
    // By name and time only: a build over a thousand unchanged assessments reads no record.
    let mut records: Vec<(SystemTime, String, PathBuf)> = record_files(out, id)
        .into_iter()
        .filter(|(sha, _)| !sent.contains(sha))
        .map(|(sha, path)| {
            let time = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            (time, sha, path)
        })
        .collect();
    records.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut removed = Vec::new();
    for (_, _, path) in records.into_iter().skip(keep.max(1)) {
        if std::fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// The record files of `id`: each PDF hash with its file (`<64 hex>.json`), unread.
pub(crate) fn record_files(out: &Path, id: &str) -> Vec<(String, PathBuf)> {
    std::fs::read_dir(folder(out, id))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let sha = name.strip_suffix(".json")?;
            (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| (sha.to_string(), e.path()))
        })
        .collect()
}

/// The version of `id` that `spec` names: a doc_version (`v1.2`: the latest sent with it,
/// by `sent`, which maps a PDF's hash to when it was last sent; else the latest archived) or
/// a prefix of a PDF's hash (four hex digits at least). The error lists what the archive
/// holds.
pub(crate) fn find(
    out: &Path,
    id: &str,
    spec: &str,
    sent: &std::collections::BTreeMap<String, String>,
) -> Result<Archived, String> {
    let (versions, problems) = list(out, id);
    for p in &problems {
        eprintln!("{}", crate::model::diag::paint(p));
    }
    let spec = spec.trim();
    let same_version = |v: &Archived| {
        let a = &v.record.assessment.doc_version;
        a.eq_ignore_ascii_case(spec)
            || a.trim_start_matches(['v', 'V']) == spec.trim_start_matches(['v', 'V'])
    };
    let by_version: Vec<&Archived> = versions.iter().filter(|v| same_version(v)).collect();
    if !by_version.is_empty() {
        // Sent ones first, the latest sending first; then the latest archived.
        let best = by_version
            .iter()
            .max_by(|a, b| {
                let (sa, sb) = (sent.get(&a.sha256), sent.get(&b.sha256));
                sa.is_some()
                    .cmp(&sb.is_some())
                    .then(sa.cmp(&sb))
                    .then(a.archived.cmp(&b.archived))
            })
            .copied();
        return best.cloned().ok_or_else(String::new);
    }
    let hex = spec.len() >= 4 && spec.bytes().all(|b| b.is_ascii_hexdigit());
    if hex {
        let spec = spec.to_ascii_lowercase();
        let hits: Vec<&Archived> = versions
            .iter()
            .filter(|v| v.sha256.starts_with(&spec))
            .collect();
        match hits.as_slice() {
            [one] => return Ok((*one).clone()),
            [] => {}
            many => {
                return Err(format!(
                "{id}@{spec}: {} archived versions start with {spec}; give more of the hash ({})",
                many.len(),
                many.iter()
                    .map(|v| v.sha256[..12].to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            }
        }
    }
    let held = if versions.is_empty() {
        format!(
            "the archive in {} holds no version of {id}",
            out.join(DIR).display()
        )
    } else {
        format!(
            "it holds {}",
            versions
                .iter()
                .map(|v| format!(
                    "{} ({}{})",
                    v.record.assessment.doc_version,
                    &v.sha256[..12],
                    if sent.contains_key(&v.sha256) {
                        ", sent"
                    } else {
                        ""
                    }
                ))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Err(format!("{id}@{spec}: no such archived version; {held}"))
}

/// A digest of what the archive of `out` holds and of its sent log: a brief whose changes
/// section is found from them is rebuilt when they change.
pub(crate) fn state(out: &Path, sent_log: &Path) -> String {
    let mut names: Vec<String> = Vec::new();
    for id in ids(out) {
        for e in std::fs::read_dir(folder(out, &id))
            .into_iter()
            .flatten()
            .flatten()
        {
            names.push(format!("{id}/{}", e.file_name().to_string_lossy()));
        }
    }
    names.sort();
    let mut k = super::manifest::KeyBuilder::default().part("records", names.join("\n").as_bytes());
    k = k.part("sent", &std::fs::read(sent_log).unwrap_or_default());
    k.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_records_are_skipped_and_unsent_ones_pruned_beyond_keep() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        let dir = out.join(DIR).join("acme");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("{}.json", "a".repeat(64))),
            b"{ not a record",
        )
        .unwrap();
        std::fs::write(dir.join("notes.txt"), b"kept").unwrap();
        let (found, problems) = list(out, "acme");
        assert!(found.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("not a readable record"),
            "{problems:?}"
        );
        assert!(
            prune(out, "acme", 0, &BTreeSet::new()).is_empty(),
            "the newest record is always kept"
        );
        // Three more, oldest first; the oldest was sent. Keeping one: the sent one and the
        // newest stay.
        let names: Vec<String> = ["b", "c", "d"].iter().map(|c| c.repeat(64)).collect();
        for n in &names {
            std::thread::sleep(std::time::Duration::from_millis(20));
            std::fs::write(dir.join(format!("{n}.json")), b"{}").unwrap();
        }
        let sent: BTreeSet<String> = [names[0].clone()].into();
        let removed = prune(out, "acme", 1, &sent);
        let mut gone: Vec<String> = removed
            .iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        gone.sort();
        assert_eq!(gone, ["a".repeat(64), "c".repeat(64)]);
        assert!(dir.join(format!("{}.json", names[0])).exists());
        assert!(dir.join(format!("{}.json", names[2])).exists());
        assert!(dir.join("notes.txt").exists(), "only records are pruned");
        let err = find(out, "acme", "v1.2", &Default::default()).unwrap_err();
        assert!(err.contains("holds no version of acme"), "{err}");
    }
}

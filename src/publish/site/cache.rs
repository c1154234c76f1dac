//! Site: what the web edition keeps between runs, so an unchanged workbook is neither
//! prepared nor rendered again.
//!
//! Policy: an entry is keyed like the brief it belongs to (the build manifest's key of
//! everything that shaped the brief, with the web templates'), and holds what the shared pages
//! need of the assessment (its [`VendorRow`] and its PDF's name) and the stamps of the files
//! written for it. An entry is used only when its key matches and every file still has the
//! stamp recorded; anything else (no cache, a corrupt one, a page edited or removed by hand)
//! means the assessment is prepared and rendered again: never a stale page. The cache holds
//! no path of the machine it was built on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::build::manifest::KeyBuilder;
use crate::build::output::{write_atomic, FileStamp};
use crate::view::portfolio::VendorRow;

/// The cache's file in the site folder.
const CACHE: &str = ".layerbrief-site.json";

/// The cache file of one slice of a sharded site (`site --shard K/N`); the site without a
/// shard reads them all, and takes their entries into its own.
fn file(shard: Option<(u32, u32)>) -> String {
    match shard {
        Some((k, n)) => format!(".layerbrief-site-{k}-of-{n}.json"),
        None => CACHE.to_string(),
    }
}

/// The cache files of the shards in `out`.
fn shard_files(out: &Path) -> Vec<PathBuf> {
    crate::build::output::files_named(out, ".layerbrief-site-", ".json")
}

const FORMAT: u32 = 4;

/// A file written for an assessment, relative to the site folder, as it was left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Written {
    pub(crate) path: PathBuf,
    pub(crate) stamp: Option<FileStamp>,
}

/// What the site keeps of one assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// What the shared pages show of it.
    pub(crate) row: VendorRow,
    /// Its PDF's file name, beside its page.
    pub(crate) pdf: Option<String>,
    /// Its page and record.
    pub(crate) files: Vec<Written>,
    /// The workbook it came from, by the build's key of its path (no path of the machine).
    #[serde(default)]
    pub(crate) source: String,
    /// The feed's entries of its published versions.
    #[serde(default)]
    pub(crate) feed: Vec<super::history::FeedEntry>,
}

/// Entries by key.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Cache {
    format: u32,
    entries: BTreeMap<String, Entry>,
}

/// The key of the site's entry for a brief of manifest key `brief_key`, under web templates
/// of digest `web_digest`.
pub(crate) fn key(brief_key: &str, web_digest: &str) -> String {
    KeyBuilder::default()
        .part("brief", brief_key.as_bytes())
        .part("web", web_digest.as_bytes())
        .finish()
}

impl Cache {
    /// The cache of the site folder `out`, with the entries of its shards' caches; empty
    /// when missing or unreadable.
    pub(crate) fn load(out: &Path) -> Self {
        let read = |p: &Path| {
            std::fs::read(p)
                .ok()
                .and_then(|b| serde_json::from_slice::<Cache>(&b).ok())
                .filter(|c| c.format == FORMAT)
        };
        let mut cache = read(&out.join(CACHE)).unwrap_or_default();
        for shard in shard_files(out) {
            for (k, e) in read(&shard).map(|c| c.entries).unwrap_or_default() {
                cache.entries.entry(k).or_insert(e);
            }
        }
        cache
    }

    /// The entry of `key`, when every file it wrote in `out` is as it left it.
    pub(crate) fn fresh(&self, key: &str, out: &Path) -> Option<&Entry> {
        let e = self.entries.get(key)?;
        e.files
            .iter()
            .all(|f| f.stamp.is_some() && f.stamp == FileStamp::of(&out.join(&f.path)))
            .then_some(e)
    }

    /// The entries of assessments no longer on the site: of a workbook not among `sources`
    /// (the keys of the workbooks of this run, valid or not) and of an id no entry of `kept`
    /// has.
    pub(crate) fn gone<'a>(&'a self, kept: &Cache, sources: &[String]) -> Vec<&'a Entry> {
        let ids: Vec<&str> = kept
            .entries
            .values()
            .map(|e| e.row.assessment_id.as_str())
            .collect();
        self.entries
            .values()
            .filter(|e| {
                !sources.contains(&e.source) && !ids.contains(&e.row.assessment_id.as_str())
            })
            .collect()
    }

    /// Keeps the entries of `before` whose workbooks are still among `sources` but gave no
    /// entry this run (invalid for now): their pages stay, and are removed only once their
    /// workbook is taken out.
    pub(crate) fn keep_invalid(&mut self, before: &Cache, sources: &[String]) {
        let ids: Vec<String> = self
            .entries
            .values()
            .map(|e| e.row.assessment_id.clone())
            .collect();
        for (key, e) in &before.entries {
            if sources.contains(&e.source) && !ids.contains(&e.row.assessment_id) {
                self.entries.entry(key.clone()).or_insert_with(|| e.clone());
            }
        }
    }

    /// The feed's entries of every assessment kept.
    pub(crate) fn feed(&self) -> Vec<super::history::FeedEntry> {
        self.entries.values().flat_map(|e| e.feed.clone()).collect()
    }

    /// Keeps `entry` under `key`.
    pub(crate) fn insert(&mut self, key: String, entry: Entry) {
        self.entries.insert(key, entry);
    }

    /// Writes the cache (of slice `shard`) into `out`, atomically, when it differs from
    /// `before`. The whole site's cache takes the shards' entries in: their files are then
    /// removed.
    pub(crate) fn save(
        mut self,
        before: &Cache,
        out: &Path,
        shard: Option<(u32, u32)>,
    ) -> std::io::Result<()> {
        let shards = match shard {
            Some(_) => Vec::new(),
            None => shard_files(out),
        };
        let same = self.entries == before.entries && before.format == FORMAT;
        if same && shard.is_none() && shards.is_empty() {
            return Ok(());
        }
        self.format = FORMAT;
        let bytes = serde_json::to_vec(&self).map_err(std::io::Error::other)?;
        write_atomic(&out.join(file(shard)), &bytes)?;
        for f in shards {
            let _ = std::fs::remove_file(f);
        }
        Ok(())
    }
}

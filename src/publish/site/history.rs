//! Site: the published versions of each assessment, from the archive `build` and `mail` keep
//! beside the briefs: the list on each assessment's page, a changes page per consecutive pair,
//! and the Atom feed.
//!
//! Policy: one version per doc_version (the latest sent, else the latest archived, as
//! `ID@VERSION` finds it), in the order they were assessed. Pages and the feed depend on the
//! records only (dates are the assessments' own, never a file's time), so the same archive
//! gives the same bytes. Nothing of the sent log but which versions were sent is read: no
//! address reaches the site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::build::archive::{self, Archived};
use crate::model::version_numbers;

/// The published versions of the assessments the archive holds. Only the records' names are
/// read up front (for the pages' cache key); an assessment's records are read when its page
/// is rendered.
#[derive(Debug, Default)]
pub(crate) struct Published {
    briefs: PathBuf,
    sent: BTreeMap<String, String>,
    /// Each assessment's record hashes, sorted.
    names: BTreeMap<String, Vec<String>>,
}

impl Published {
    /// The archive of `briefs` (the folder `build` writes to), with the PDF hashes its sent
    /// log holds (`sent`: hash → when last sent).
    pub(crate) fn load(briefs: &Path, sent: BTreeMap<String, String>) -> Self {
        let names = archive::ids(briefs)
            .into_iter()
            .map(|id| {
                let mut shas: Vec<String> = archive::record_files(briefs, &id)
                    .into_iter()
                    .map(|(sha, _)| sha)
                    .collect();
                shas.sort();
                (id, shas)
            })
            .collect();
        Self {
            briefs: briefs.to_path_buf(),
            sent,
            names,
        }
    }

    /// The published versions of `id`, oldest first: one per doc_version (the latest sent,
    /// else the latest archived), in the order they were assessed.
    pub(crate) fn versions(&self, id: &str) -> Vec<Archived> {
        if !self.names.contains_key(id) {
            return Vec::new();
        }
        let (all, problems) = archive::list(&self.briefs, id);
        for p in problems {
            eprintln!("{}", crate::model::diag::paint(&p));
        }
        let sent = &self.sent;
        let mut best: BTreeMap<String, Archived> = BTreeMap::new();
        for v in all {
            let key = v.record.assessment.doc_version.clone();
            let better = match best.get(&key) {
                None => true,
                Some(b) => {
                    let (sv, sb) = (sent.get(&v.sha256), sent.get(&b.sha256));
                    (sv.is_some(), sv, v.archived) > (sb.is_some(), sb, b.archived)
                }
            };
            if better {
                best.insert(key, v);
            }
        }
        let mut versions: Vec<Archived> = best.into_values().collect();
        versions.sort_by(|a, b| {
            let key = |v: &Archived| {
                (
                    v.record.assessment.date_assessed,
                    version_numbers(&v.record.assessment.doc_version),
                    v.sha256.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        versions
    }

    /// A digest of the records and of which were sent: the pages that list the versions
    /// depend on it.
    pub(crate) fn digest(&self) -> String {
        let mut k = crate::build::manifest::KeyBuilder::default();
        for (id, shas) in &self.names {
            for sha in shas {
                let sent = if self.sent.contains_key(sha) {
                    "sent"
                } else {
                    ""
                };
                k = k.part(id, format!("{sha}{sent}").as_bytes());
            }
        }
        k.finish()
    }
}

/// One entry of the site's Atom feed: a published version, kept in the site's cache with its
/// assessment's pages so the feed is written without reading a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FeedEntry {
    /// The PDF's hash: the entry's permanent id.
    pub(crate) sha256: String,
    /// `CoreWeave v1.4`.
    pub(crate) title: String,
    /// The date assessed, `2026-06-20T00:00:00Z`.
    pub(crate) updated: String,
    /// Its page in the site: the changes page, or the assessment's for the first version.
    pub(crate) href: String,
    pub(crate) summary: String,
    /// Newest first: the date, the assessment, the version's place.
    pub(crate) order: String,
}

/// A doc_version as a file name: letters, digits, `.`, `_` and `-` kept, anything else `_`.
pub(crate) fn slug(version: &str) -> String {
    let s: String = version
        .trim()
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '_',
        })
        .collect();
    let s = s.trim_matches('.').to_string();
    if s.is_empty() {
        "version".into()
    } else {
        s
    }
}

/// The changes page of a pair, relative to the assessment's folder.
pub(crate) fn changes_href(from: &Archived, to: &Archived) -> String {
    format!(
        "changes/{}-{}.html",
        slug(&from.record.assessment.doc_version),
        slug(&to.record.assessment.doc_version)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_become_safe_file_names() {
        assert_eq!(slug("v1.3"), "v1.3");
        assert_eq!(slug("v2 draft/../x"), "v2_draft_.._x");
        assert_eq!(slug(".."), "version");
    }
}

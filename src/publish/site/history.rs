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
use std::path::Path;

use crate::build::archive::{self, Archived};
use crate::model::version_numbers;

/// The published versions of every assessment the archive holds, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Published {
    by_id: BTreeMap<String, Vec<Archived>>,
}

impl Published {
    /// The versions archived in `briefs` (the folder `build` writes to), with the PDF hashes
    /// its sent log holds (`sent`: hash → when last sent).
    pub(crate) fn load(briefs: &Path, sent: &BTreeMap<String, String>) -> Self {
        let mut by_id = BTreeMap::new();
        for id in archive::ids(briefs) {
            let (all, problems) = archive::list(briefs, &id);
            for p in problems {
                eprintln!("{}", crate::model::diag::paint(&p));
            }
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
            by_id.insert(id, versions);
        }
        Self { by_id }
    }

    /// The versions of `id`, oldest first.
    pub(crate) fn of(&self, id: &str) -> &[Archived] {
        self.by_id.get(id).map_or(&[], Vec::as_slice)
    }

    /// A digest of every version listed: the pages that show them depend on it.
    pub(crate) fn digest(&self) -> String {
        let mut k = crate::build::manifest::KeyBuilder::default();
        for (id, versions) in &self.by_id {
            for v in versions {
                k = k.part(id, v.sha256.as_bytes());
            }
        }
        k.finish()
    }
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

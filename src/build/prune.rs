//! Build: `--prune`, the briefs of workbooks no longer among the inputs removed from the
//! output folder and its manifest.
//!
//! Policy: only what the build wrote and nobody changed since: a PDF the manifest lists, for
//! a workbook not among this run's inputs, whose bytes still have the hash the manifest
//! recorded, and that no brief of this run writes. A PDF changed since is left, with a
//! warning; its entry goes either way, so the next build does not ask again.

use std::path::PathBuf;

use super::manifest::{self, sha256_hex, Store};
use super::plan::source_key;
use super::{BriefResult, BuildConfig};

/// Prunes the output folder of `config` after a build whose results are `results`; the
/// lines to print.
pub(crate) fn prune<T>(config: &BuildConfig, results: &[BriefResult<T>]) -> Vec<String> {
    let sources: Vec<String> = config.files.iter().map(|f| source_key(f)).collect();
    let targets: Vec<&PathBuf> = results.iter().filter_map(|r| r.target.as_ref()).collect();
    let store = Store::new(manifest::path(&config.out, config.shard));
    let mut lines = Vec::new();
    let written = store.update(|m| {
        m.briefs.retain(|source, entry| {
            if sources.contains(source) {
                return true;
            }
            let pdf = config.out.join(&entry.output);
            if targets.contains(&&pdf) {
                return false;
            }
            match std::fs::read(&pdf) {
                Ok(bytes) if sha256_hex(&bytes) == entry.pdf_sha256 => {
                    match std::fs::remove_file(&pdf) {
                        Ok(()) => lines.push(format!(
                            "pruned {}: its workbook is no longer among the inputs",
                            pdf.display()
                        )),
                        Err(e) => {
                            lines.push(format!("warning: {}: cannot remove ({e})", pdf.display()))
                        }
                    }
                }
                Ok(_) => lines.push(format!(
                    "warning: {} was changed since it was built: left as it is",
                    pdf.display()
                )),
                Err(_) => {}
            }
            false
        });
    });
    if let Err(e) = written {
        lines.push(format!(
            "warning: {}: cannot write ({e}); the next --prune tries again",
            store.path().display()
        ));
    }
    lines
}

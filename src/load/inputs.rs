//! Before stage 1: which files are workbooks. Finds the workbooks named on the command line
//! (files, or folders of them), defaulting to `inputs/`, and tells scratch files apart.
//!
//! Policy: folders give their workbooks sorted by name, one level deep; office lock files,
//! hidden files and this tool's temporary files are never inputs; a workbook named twice (a
//! folder and a file in it) is returned once; paths that do not exist are returned as errors,
//! and the command stops before it writes anything.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::load::WORKBOOK_EXTENSIONS;

/// The folder read when no path is given.
pub(crate) const DEFAULT_INPUTS: &str = "inputs";

/// The paths as given, or `inputs/` when none are.
pub(crate) fn roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(DEFAULT_INPUTS)]
    } else {
        paths.to_vec()
    }
}

/// The workbooks named by `paths` (folders give their workbooks, sorted); no path means
/// `inputs/`. Paths that do not exist, and folders that cannot be read, are returned as
/// errors.
pub(crate) fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in roots(paths) {
        if p.is_dir() {
            match std::fs::read_dir(&p) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.is_file() && is_workbook_name(f))
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => errors.push(format!("{}: cannot read the folder ({e})", p.display())),
            }
        } else if p.is_file() {
            files.push(p);
        } else if paths.is_empty() {
            errors.push(format!(
                "{}: no such folder; with no PATH, layerbrief reads the workbooks of `{DEFAULT_INPUTS}/` in the current folder\n  help: name a workbook or a folder of workbooks, e.g. `layerbrief build acme.xlsx`",
                p.display()
            ));
        } else {
            errors.push(format!("{}: no such file or folder", p.display()));
        }
    }
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    (files, errors)
}

/// A workbook extension, and not a scratch file.
fn is_workbook_name(p: &Path) -> bool {
    let ext = p
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    WORKBOOK_EXTENSIONS.contains(&ext.as_str()) && !is_scratch_file(p)
}

/// Lock, hidden and temporary files (`~$a.xlsx`, `.~lock.a.ods#`, `.a.pdf.123.tmp`).
pub(crate) fn is_scratch_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.starts_with("~$") || name.starts_with('.') || name.ends_with(".tmp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_files_are_not_inputs() {
        for name in ["~$a.xlsx", ".~lock.a.ods#", ".a.pdf.123.tmp", "a.xlsx.tmp"] {
            assert!(is_scratch_file(Path::new(name)), "{name}");
        }
        assert!(!is_scratch_file(Path::new("inputs/a.xlsx")));
        assert!(is_workbook_name(Path::new("A.XLSX")));
        assert!(!is_workbook_name(Path::new("a.csv")));
        assert_eq!(roots(&[]), [PathBuf::from("inputs")]);
    }
}

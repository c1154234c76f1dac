//! Stage 5, write: briefs reach disk atomically.
//!
//! Policy: a file is written to a temporary sibling and renamed into place, so a reader
//! never sees half a file and a failed build leaves the earlier good output untouched.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Renders the output file name pattern and checks that it stays inside the output folder.
pub fn output_name(pattern: &str, vars: &serde_json::Value) -> Result<PathBuf, String> {
    let env = minijinja::Environment::new();
    let name = env
        .render_str(pattern, vars)
        .map_err(|e| format!("the name pattern `{pattern}` cannot be rendered: {e}"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!(
            "the name pattern `{pattern}` gives an empty file name"
        ));
    }
    let path = PathBuf::from(name);
    for c in path.components() {
        match c {
            Component::Normal(_) => {}
            _ => {
                return Err(format!(
                    "the name pattern gives `{name}`, which leaves the output folder"
                ))
            }
        }
    }
    if name.contains('\\') || name.ends_with('/') {
        return Err(format!(
            "the name pattern gives `{name}`, which is not a file name"
        ));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_inside() {
        let vars = serde_json::json!({"assessment_id": "coreweave", "vendor": "../x"});
        assert_eq!(
            output_name("{{ assessment_id }}.pdf", &vars).unwrap(),
            PathBuf::from("coreweave.pdf")
        );
        assert_eq!(
            output_name("briefs/{{ assessment_id }}.pdf", &vars).unwrap(),
            PathBuf::from("briefs/coreweave.pdf")
        );
        assert!(output_name("{{ vendor }}.pdf", &vars)
            .unwrap_err()
            .contains("leaves the output folder"));
        assert!(output_name("/etc/{{ assessment_id }}", &vars).is_err());
        assert!(output_name("{{ nothing }}", &vars)
            .unwrap_err()
            .contains("empty"));
    }

    #[test]
    fn atomic_write_replaces() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let p = dir.join("a.pdf");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir).unwrap().count(), 1);
    }
}

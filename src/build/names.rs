//! Build: the name of each brief's file in the output folder.
//!
//! Output names come from the `--name-pattern` (minijinja). A `/` or `\` inside a value
//! becomes `-` (a vendor `A/B Cloud` is one file name, not a folder); a `/` written in the
//! pattern itself makes a subfolder. The result must stay inside the output folder, end in
//! `.pdf` (so `mail`'s `.eml` beside it can never be another brief), and no part of it may
//! start with `.layerbrief-`, the names of our own files (manifests, their lock, the mail
//! log).

use std::path::{Component, PathBuf};

use super::output::RESERVED_PREFIX;

/// Renders the output file name pattern: values cannot make folders, and the result must be
/// a `.pdf` inside the output folder that is not one of our reserved names.
pub(crate) fn output_name(pattern: &str, vars: &serde_json::Value) -> Result<PathBuf, String> {
    let mut env = minijinja::Environment::new();
    env.set_formatter(|out, _state, value| {
        let text = value.to_string().replace(['/', '\\'], "-");
        out.write_str(&text).map_err(minijinja::Error::from)
    });
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
            Component::Normal(part) => {
                if part.to_string_lossy().starts_with(RESERVED_PREFIX) {
                    return Err(format!(
                        "the name pattern `{pattern}` gives `{name}`, a name reserved for \
                         layerbrief's own files (no part of an output name may start with \
                         `{RESERVED_PREFIX}`)"
                    ));
                }
            }
            _ => {
                return Err(format!(
                    "the name pattern `{pattern}` gives `{name}`, which leaves the output folder"
                ))
            }
        }
    }
    if name.contains('\\') || name.ends_with('/') {
        return Err(format!(
            "the name pattern `{pattern}` gives `{name}`, which is not a file name"
        ));
    }
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !file.ends_with(".pdf") {
        return Err(format!(
            "the name pattern `{pattern}` gives `{name}`, which does not end in `.pdf`: a brief \
             must end in `.pdf` (mail writes its draft beside it, under the same name ending \
             in `.eml`)"
        ));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> serde_json::Value {
        serde_json::json!({
            "assessment_id": "coreweave",
            "vendor": "A/B Cloud",
            "escape": "../x",
            "back": "C:\\x",
        })
    }

    #[test]
    fn names_stay_inside() {
        let vars = vars();
        assert_eq!(
            output_name("{{ assessment_id }}.pdf", &vars).unwrap(),
            PathBuf::from("coreweave.pdf")
        );
        assert_eq!(
            output_name("briefs/{{ assessment_id }}.pdf", &vars).unwrap(),
            PathBuf::from("briefs/coreweave.pdf")
        );
        assert!(output_name("../{{ assessment_id }}.pdf", &vars)
            .unwrap_err()
            .contains("leaves the output folder"));
        assert!(output_name("/etc/{{ assessment_id }}.pdf", &vars).is_err());
        assert!(output_name("{{ nothing }}", &vars)
            .unwrap_err()
            .contains("empty"));
    }

    #[test]
    fn separators_in_values_are_not_folders() {
        let vars = vars();
        assert_eq!(
            output_name("{{ vendor }}.pdf", &vars).unwrap(),
            PathBuf::from("A-B Cloud.pdf")
        );
        // `..` inside a value cannot climb out: it becomes part of one name.
        assert_eq!(
            output_name("{{ escape }}.pdf", &vars).unwrap(),
            PathBuf::from("..-x.pdf")
        );
        assert_eq!(
            output_name("{{ back }}.pdf", &vars).unwrap(),
            PathBuf::from("C:-x.pdf")
        );
        // Neither filters nor `safe` bring a separator back.
        assert_eq!(
            output_name("{{ vendor | replace(' ', '/') | safe }}.pdf", &vars).unwrap(),
            PathBuf::from("A-B-Cloud.pdf")
        );
        assert_eq!(
            output_name("{{ vendor ~ '/' ~ assessment_id }}.pdf", &vars).unwrap(),
            PathBuf::from("A-B Cloud-coreweave.pdf")
        );
        // A separator written in the pattern is a folder.
        assert_eq!(
            output_name("{{ vendor }}/{{ assessment_id }}.pdf", &vars).unwrap(),
            PathBuf::from("A-B Cloud/coreweave.pdf")
        );
    }

    #[test]
    fn reserved_names_are_refused() {
        let vars = vars();
        for pattern in [
            ".layerbrief-manifest.json",
            ".layerbrief-manifest-1-of-2.json",
            ".layerbrief-sent.json",
            ".layerbrief-{{ assessment_id }}.pdf",
            ".layerbrief-x/{{ assessment_id }}.pdf",
        ] {
            let e = output_name(pattern, &vars).unwrap_err();
            assert!(e.contains(pattern), "{e}");
            assert!(e.contains("reserved") && e.contains(".layerbrief-"), "{e}");
        }
        for pattern in [
            "{{ assessment_id }}.eml",
            "{{ assessment_id }}.EML",
            "{{ assessment_id }}",
            "{{ assessment_id }}.pdf.txt",
            "{{ assessment_id }}.pdf/",
        ] {
            let e = output_name(pattern, &vars).unwrap_err();
            assert!(e.contains(&format!("`{pattern}`")), "{e}");
            assert!(
                e.contains("must end in `.pdf`") || e.contains("not a file name"),
                "{e}"
            );
        }
        let e = output_name("{{ assessment_id }}.eml", &vars).unwrap_err();
        assert!(e.contains("`coreweave.eml`"), "{e}");
        assert_eq!(
            output_name("{{ assessment_id }}.PDF", &vars).unwrap(),
            PathBuf::from("coreweave.PDF")
        );
    }
}

//! Build: the name of each brief's file in the output folder.
//!
//! Output names come from the `--name-pattern` (minijinja), rendered strictly: a variable the
//! pattern names must be one of [`PATTERN_VARIABLES`], checked before any brief is built. A
//! `/` or `\` inside a value
//! becomes `-` (a vendor `A/B Cloud` is one file name, not a folder); a `/` written in the
//! pattern itself makes a subfolder. The result must stay inside the output folder, end in
//! `.pdf` (so `mail`'s `.eml` beside it can never be another brief), and no part of it may
//! start with `.layerbrief-`, the names of our own files (manifests, their lock, the mail
//! log).

use std::path::{Component, PathBuf};

use super::output::RESERVED_PREFIX;
use crate::model::diag::did_you_mean;
use crate::render::jinja;

/// The variables a name pattern may use.
pub(crate) const PATTERN_VARIABLES: &[&str] = &[
    "assessment_id",
    "vendor",
    "doc_version",
    "methodology",
    "date",
];

/// The environment names are rendered in: strict, and no value can make a folder.
fn environment() -> minijinja::Environment<'static> {
    let mut env = jinja::base();
    env.set_formatter(|out, _state, value| {
        let text = value.to_string().replace(['/', '\\'], "-");
        out.write_str(&text).map_err(minijinja::Error::from)
    });
    env
}

/// Checks a name pattern before anything is built: it parses, and every variable it uses is
/// one of [`PATTERN_VARIABLES`] (or a function of minijinja's).
pub(crate) fn check_pattern(pattern: &str) -> Result<(), String> {
    let env = environment();
    let tpl = env
        .template_from_str(pattern)
        .map_err(|e| format!("`{pattern}` is not a valid pattern: {e}"))?;
    let mut unknown: Vec<String> = tpl
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| !PATTERN_VARIABLES.contains(&v.as_str()) && env.globals().all(|(g, _)| g != v))
        .collect();
    unknown.sort();
    let Some(first) = unknown.first() else {
        return Ok(());
    };
    let suggestion = match did_you_mean(first, PATTERN_VARIABLES.iter().copied()) {
        Some(close) => format!(" (did you mean `{close}`?)"),
        None => String::new(),
    };
    let names: Vec<String> = unknown.iter().map(|v| format!("`{v}`")).collect();
    Err(format!(
        "`{pattern}` uses {}, which {} not {}{suggestion}; the variables are {}",
        names.join(", "),
        if names.len() == 1 { "is" } else { "are" },
        if names.len() == 1 {
            "a variable"
        } else {
            "variables"
        },
        PATTERN_VARIABLES.join(", ")
    ))
}

/// Renders the output file name pattern: values cannot make folders, and the result must be
/// a `.pdf` inside the output folder that is not one of our reserved names.
pub(crate) fn output_name(pattern: &str, vars: &serde_json::Value) -> Result<PathBuf, String> {
    let env = environment();
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
        assert!(output_name("{{ assessment_id[:0] }}", &vars)
            .unwrap_err()
            .contains("empty"));
    }

    #[test]
    fn unknown_variables_are_named_with_the_known_ones() {
        assert!(check_pattern("{{ assessment_id }}/{{ vendor | lower }}-{{ date }}.pdf").is_ok());
        assert!(check_pattern("{% for i in range(2) %}{{ i }}{% endfor %}.pdf").is_ok());
        let e = check_pattern("{{ vendr }}.pdf").unwrap_err();
        assert!(
            e.contains("uses `vendr`, which is not a variable (did you mean `vendor`?)"),
            "{e}"
        );
        assert!(
            e.contains("the variables are assessment_id, vendor, doc_version, methodology, date"),
            "{e}"
        );
        let e = check_pattern("{{ a }}{{ b }}.pdf").unwrap_err();
        assert!(e.contains("uses `a`, `b`, which are not variables;"), "{e}");
        assert!(check_pattern("{{ vendor }.pdf")
            .unwrap_err()
            .contains("is not a valid pattern"));
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

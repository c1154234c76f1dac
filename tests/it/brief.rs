//! The PDF brief: built by the real binary, read back with poppler and qpdf.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::*;

/// The CoreWeave brief, built once for the tests that only read it. Its folder lives as long
/// as the test process: a static is never dropped, so the folder is made under Cargo's
/// `target/tmp` rather than the system temp folder.
fn coreweave_pdf() -> &'static PathBuf {
    static PDF: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &PDF.get_or_init(|| {
        let tmp = tempfile::Builder::new()
            .prefix("layerbrief-brief-shared-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap();
        let dir = tmp.path();
        let (code, err) = build(
            &root(),
            &["inputs/coreweave.xlsx", "--out", dir.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{err}");
        let pdf = dir.join("coreweave.pdf");
        (tmp, pdf)
    })
    .1
}

/// The text of a PDF in content order, running headers and footers dropped, whitespace folded.
fn text(pdf: &Path, vendor: &str) -> String {
    let (ok, raw) = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
    assert!(ok, "{raw}");
    let header = format!("{vendor} · ");
    let body: Vec<&str> = raw
        .lines()
        .map(|l| l.trim_start_matches('\u{c}'))
        .filter(|l| !l.starts_with(&header))
        .filter(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            !(words.len() >= 4
                && words[words.len() - 4] == "Page"
                && words[words.len() - 2] == "of")
        })
        .collect();
    body.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The seed's sentences: split after `. `, `? `, `! ` and at line ends.
pub fn sentences(seed: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in seed.lines() {
        let mut start = 0;
        let b = line.as_bytes();
        for i in 0..b.len() {
            if matches!(b[i], b'.' | b'?' | b'!') && b.get(i + 1) == Some(&b' ') {
                out.push(line[start..=i].trim().to_string());
                start = i + 1;
            }
        }
        out.push(line[start..].trim().to_string());
    }
    out.retain(|s| !s.is_empty());
    out
}

#[test]
fn brief_carries_every_sentence_of_the_seed() {
    let seed = std::fs::read_to_string(fixture("coreweave-assessment-v1.3.txt")).unwrap();
    let pdf_text = text(coreweave_pdf(), "CoreWeave");
    let all = sentences(&seed);
    assert!(all.len() > 150, "{}", all.len());
    let missing: Vec<&String> = all
        .iter()
        .filter(|s| !pdf_text.contains(&s.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} sentences missing: {missing:#?}",
        missing.len(),
        all.len()
    );
}

#[test]
fn brief_is_valid_with_fonts_embedded_and_metadata() {
    let pdf = coreweave_pdf().to_str().unwrap();
    let (ok, out) = tool("qpdf", &["--check", pdf]);
    assert!(
        ok && out.contains("No syntax or stream encoding errors"),
        "{out}"
    );
    let (_, fonts) = tool("pdffonts", &[pdf]);
    let rows: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 5], "yes", "font not embedded: {row}");
        assert!(row.contains("Inter"), "{row}");
    }
    let (_, info) = tool("pdfinfo", &[pdf]);
    for want in [
        "Title:           CoreWeave — 4+1 Layer AI Infrastructure Assessment v1.3",
        "Author:          Keith Townsend",
        "Subject:         The Open-Substrate Neocloud",
        "Keywords:        CoreWeave",
        "CreationDate:    Sat Jun 20 00:00:00 2026 UTC",
        "Tagged:          yes",
        "Page size:       612 x 792 pts (letter)",
    ] {
        assert!(info.contains(want), "{want} not in\n{info}");
    }
    // PDF/UA-1 and PDF/A-2a: checked by an independent validator in `conformance.rs`.
}

#[test]
fn same_inputs_same_bytes() {
    let tmp = scratch("repro");
    let dir = tmp.path();
    let (code, err) = build(
        &root(),
        &["inputs/coreweave.xlsx", "--out", dir.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(dir.join("coreweave.pdf")).unwrap(),
        std::fs::read(coreweave_pdf()).unwrap()
    );
}

#[test]
fn analyst_markup_prints_literally() {
    let tmp = scratch("markup");
    let dir = tmp.path();
    let nasty = r#"Cost #read("/etc/passwd") and $x^2$ with *bold* ] and // not a comment <lbl> @ref \ #{1+1}."#;
    let mut b = coreweave();
    b.set("Layers", "2C", "narrative", nasty)
        .set("Components", "3.2", "text", nasty)
        .set("Assessment", "vendor", "value", "Core*Weave #x")
        .set("Assessment", "assessment_id", "value", "markup");
    let path = b.write_xlsx(&dir.join("markup.xlsx"));
    let (code, err) = build(dir, &[path.to_str().unwrap(), "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let t = text(&dir.join("out/markup.pdf"), "Core*Weave #x");
    assert_eq!(t.matches(nasty).count(), 2, "{t}");
    assert!(t.contains("Core*Weave #x"));
    assert!(!t.contains("root:x:0"), "a template read /etc/passwd");
}

#[test]
fn invalid_workbook_leaves_the_earlier_brief() {
    let tmp = scratch("keep");
    let dir = tmp.path();
    let path = coreweave().write_xlsx(&dir.join("coreweave.xlsx"));
    let (code, err) = build(dir, &["coreweave.xlsx"]);
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(dir.join("out/coreweave.pdf")).unwrap();
    let mut b = coreweave();
    b.set("Components", "2B.1", "role", "corr");
    b.write_xlsx(&path);
    let other = coreweave();
    let mut other = other.clone();
    other.set("Assessment", "assessment_id", "value", "other");
    other.write_xlsx(&dir.join("other.xlsx"));
    let (code, err) = build(dir, &["."]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("./coreweave.xlsx: not built; the earlier brief, if any, is left as it was"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.join("out/coreweave.pdf")).unwrap(),
        before
    );
    assert!(
        dir.join("out/other.pdf").exists(),
        "the valid workbook still builds"
    );
    // Two briefs, the archive of their records, the build manifest and its lock file; no
    // temporary file left behind.
    assert_eq!(
        file_names(&dir.join("out")),
        [
            ".layerbrief-archive",
            ".layerbrief-manifest.json",
            ".layerbrief-manifest.lock",
            "coreweave.pdf",
            "other.pdf"
        ]
    );
}

/// Builds the CoreWeave workbook with a custom `brief.typ` of `source` in `dir/tpl`.
fn build_with_template(dir: &Path, source: &str) -> (i32, String) {
    std::fs::create_dir_all(dir.join("tpl")).unwrap();
    std::fs::write(dir.join("tpl/brief.typ"), source).unwrap();
    let wb = root().join("inputs/coreweave.xlsx");
    build(dir, &[wb.to_str().unwrap(), "--templates", "tpl"])
}

#[test]
fn broken_template_reports_file_line_column() {
    let tmp = scratch("tpl");
    let dir = tmp.path();
    let (code, err) = build_with_template(
        dir,
        "#let data = json(\"/data.json\")\n= Brief\n#data.assessment.nope(\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error: "), "{err}");
    assert!(err.contains("--> tpl/brief.typ:3:"), "{err}");
    assert!(err.contains("3 | #data.assessment.nope("), "{err}");
    assert!(!err.contains("SourceDiagnostic"), "{err}");
    assert!(!dir.join("out/coreweave.pdf").exists());
}

#[test]
fn document_info_element_sets_the_pdf_metadata() {
    let tmp = scratch("docinfo");
    let dir = tmp.path();
    // A template that leaves the metadata to layerbrief, with the fields the brief uses.
    let (code, err) = build_with_template(
        dir,
        "#metadata((title: [Custom *title*], author: (\"A. One\", \"B. Two\"), keywords: \"k1\", description: none, date: datetime(year: 2025, month: 3, day: 4))) <document-info>\n= Brief\nBody.\n",
    );
    assert_eq!(code, 0, "{err}");
    let (_, info) = tool(
        "pdfinfo",
        &[dir.join("out/coreweave.pdf").to_str().unwrap()],
    );
    assert!(info.contains("Title:           Custom title"), "{info}");
    assert!(info.contains("Author:          A. One, B. Two"), "{info}");
    assert!(info.contains("Keywords:        k1"), "{info}");
    assert!(info.contains("CreationDate:    Tue Mar  4"), "{info}");

    // A value of the wrong type is named, with the field.
    let (code, err) = build_with_template(dir, "#metadata((title: 5)) <document-info>\n= Brief\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("<document-info> metadata: `title` must be a string or content"),
        "{err}"
    );
    let (code, err) = build_with_template(
        dir,
        "#metadata((title: \"T\", colour: 1)) <document-info>\n= Brief\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`colour` must be one of title,"), "{err}");
}

#[test]
fn templates_cannot_read_the_disk() {
    let tmp = scratch("jail");
    let dir = tmp.path();
    let (code, err) = build_with_template(dir, "#read(\"/../../../../etc/passwd\")\n");
    assert_eq!(code, 2, "{err}");
    assert!(!dir.join("out/coreweave.pdf").exists());
    let (code, err) = build_with_template(dir, "#import \"@preview/cetz:0.3.0\"\n");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("packages are not available"), "{err}");
}

#[test]
fn pending_assessment_is_marked_draft_on_every_page() {
    let tmp = scratch("draft");
    let dir = tmp.path();
    let mut b = coreweave();
    b.set("Assessment", "assessment_status", "value", "pending");
    let path = b.write_xlsx(&dir.join("draft.xlsx"));
    let (code, err) = build(
        dir,
        &[
            path.to_str().unwrap(),
            "--name-pattern",
            "{{ vendor }}-{{ doc_version }}-draft.pdf",
            "--paper",
            "a4",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let pdf = dir.join("out/CoreWeave-v1.3-draft.pdf");
    let (_, info) = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages: usize = info.lines().find(|l| l.starts_with("Pages:")).unwrap()[6..]
        .trim()
        .parse()
        .unwrap();
    assert!(
        info.contains("595.276 x 841.89 pts (A4)") || info.contains("(A4)"),
        "{info}"
    );
    for page in 1..=pages {
        let p = page.to_string();
        let (_, t) = tool(
            "pdftotext",
            &["-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
        );
        assert!(
            t.to_uppercase().contains("DRAFT"),
            "page {page} has no DRAFT mark"
        );
    }
}

#[test]
fn name_pattern_cannot_leave_the_output_folder() {
    let tmp = scratch("escape");
    let dir = tmp.path();
    let (code, err) = build(
        dir,
        &[
            root().join("inputs/coreweave.xlsx").to_str().unwrap(),
            "--name-pattern",
            "../{{ assessment_id }}.pdf",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("which leaves the output folder"), "{err}");
    assert!(!dir.join("coreweave.pdf").exists());
}

/// A template that prints the text of `/leak.txt`, the way a template would smuggle a file
/// into the brief.
const PRINTS_LEAK: &str = "#let data = json(\"/data.json\")\n#set document(title: data.assessment.vendor)\n#set text(lang: \"en\")\n= Leak\n#read(\"/leak.txt\")\n";

#[test]
fn template_links_out_of_the_folder_are_refused() {
    let tmp = scratch("tpl-link");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("tpl")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.join("tpl/leak.txt")).unwrap();
    let (code, err) = build_with_template(dir, PRINTS_LEAK);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("tpl/leak.txt: a symbolic link to /etc/passwd, outside the templates folder"),
        "{err}"
    );
    assert!(!err.contains("root:"), "{err}");
    assert!(!dir.join("out").exists(), "something was written");

    // A link that leaves the folder and comes back, or points to a folder outside, is
    // judged by where it really leads.
    std::fs::remove_file(dir.join("tpl/leak.txt")).unwrap();
    std::os::unix::fs::symlink("/etc", dir.join("tpl/parts")).unwrap();
    let (code, err) = build_with_template(dir, PRINTS_LEAK);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("tpl/parts: a symbolic link to /etc"), "{err}");
    assert!(!dir.join("out").exists());
}

#[test]
fn template_links_inside_the_folder_are_followed() {
    let tmp = scratch("tpl-link-inside");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("tpl/text")).unwrap();
    std::fs::write(dir.join("tpl/text/note.txt"), "Kept inside the folder.").unwrap();
    std::os::unix::fs::symlink("text/note.txt", dir.join("tpl/leak.txt")).unwrap();
    // A link back to the folder itself is read once, not forever.
    std::os::unix::fs::symlink("..", dir.join("tpl/text/loop")).unwrap();
    let (code, err) = build_with_template(dir, PRINTS_LEAK);
    assert_eq!(code, 0, "{err}");
    let t = text(&dir.join("out/coreweave.pdf"), "CoreWeave");
    assert!(t.contains("Kept inside the folder."), "{t}");
}

#[test]
fn template_fifo_is_refused_promptly() {
    let tmp = scratch("tpl-fifo");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("tpl/parts")).unwrap();
    std::fs::write(dir.join("tpl/brief.typ"), "= Brief\n").unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.join("tpl/parts/pipe.typ"))
        .status()
        .unwrap();
    assert!(made.success());
    let wb = root().join("inputs/coreweave.xlsx");
    let o = run_with_timeout(
        &["build", wb.to_str().unwrap(), "--templates", "tpl"],
        dir,
        std::time::Duration::from_secs(60),
    )
    .expect("the build hung on a FIFO in the templates folder");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("tpl/parts/pipe.typ: a FIFO (named pipe), not a regular file"),
        "{err}"
    );
    assert!(!dir.join("out").exists());
}

#[test]
fn name_pattern_values_cannot_make_folders_or_reserved_names() {
    let tmp = scratch("names");
    let dir = tmp.path();
    let mut b = coreweave();
    b.set("Assessment", "vendor", "value", "A/B Cloud");
    let path = b.write_xlsx(&dir.join("ab.xlsx"));
    let wb = path.to_str().unwrap();
    let (code, err) = build(
        dir,
        &[
            wb,
            "--name-pattern",
            "{{ vendor }}.pdf",
            "--pdf-standard",
            "none",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("out/A-B Cloud.pdf").is_file(), "{err}");
    assert!(!dir.join("out/A").exists(), "a subfolder was made");

    for (pattern, result, rule) in [
        (
            ".layerbrief-manifest.json",
            ".layerbrief-manifest.json",
            "reserved",
        ),
        (
            "{{ assessment_id }}.eml",
            "coreweave.eml",
            "must end in `.pdf`",
        ),
    ] {
        let (code, err) = build(dir, &[wb, "--name-pattern", pattern]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!("`{pattern}` gives `{result}`")) && err.contains(rule),
            "{err}"
        );
    }
    // The manifest is still a manifest, and nothing was written under the refused names.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/.layerbrief-manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["format"], 2, "{manifest}");
    assert!(!dir.join("out/coreweave.eml").exists());
    assert!(dir.join("out/A-B Cloud.pdf").is_file());
}

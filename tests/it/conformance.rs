//! Conformance, validated rather than declared: every kind of PDF layerbrief writes passes
//! the independent PDF/UA-1 and PDF/A-2a validator `page` (PyPI `page-validation`), and a PDF
//! written without the standards does not.

use std::path::Path;

use crate::common::*;

/// Scripts Inter lacks, and TrueType fonts that set them (Debian's fonts-noto-core and
/// fonts-droid-fallback). Noto Sans CJK is not among them: Typst's PDF writer embeds its
/// CID-keyed CFF outlines with glyph widths the validators reject (`build` warns).
const SCRIPTS: &[(&str, &str)] = &[
    (
        "日本語の評価",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    ),
    (
        "中文评估",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    ),
    (
        "تقييم المورد",
        "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    ),
    (
        "הערכת הספק",
        "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
    ),
    (
        "मूल्यांकन",
        "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
    ),
    (
        "การประเมิน",
        "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
    ),
    (
        "∀x ∃y",
        "/usr/share/fonts/truetype/noto/NotoSansMath-Regular.ttf",
    ),
];

/// A folder holding links to the fonts of [`SCRIPTS`].
fn font_dir(dir: &Path) -> std::path::PathBuf {
    let files: Vec<&str> = SCRIPTS.iter().map(|(_, f)| *f).collect();
    font_folder(dir, &files)
}

/// Every text field of CoreWeave made as awkward as analysts make them: Typst markup
/// characters, a line break typed with Alt+Enter, a bullet list, a long URL and an unbroken
/// word, scripts Inter lacks (right-to-left ones included), in a pending (DRAFT) assessment.
fn awkward(dir: &Path) -> std::path::PathBuf {
    let markup = r#"Cost #read("/etc/passwd") and $x^2$ with *bold* ] <lbl> @ref \ #{1+1}"#;
    let url = "https://example.com/a/very/long/path/segment/with-many-parts/index.html?q=v&o=t";
    let word = "Pneumonoultramicroscopicsilicovolcanoconiosisandsupercalifragilistic";
    let phrases: Vec<&str> = SCRIPTS.iter().map(|(p, _)| *p).collect();
    let text = format!(
        "{markup}.\nA second line {url} {word}.\n\n• {}\n• زوج of scripts",
        phrases.join(" ")
    );
    let mut b = coreweave();
    b.set("Assessment", "assessment_id", "value", "awkward")
        .set(
            "Assessment",
            "vendor",
            "value",
            "Zoë & Søn #1 <Cloud> — «وكيل»",
        )
        .set("Assessment", "assessment_status", "value", "pending")
        .set("Layers", "2C", "narrative", &text)
        .set("Layers", "1A", "headline", &format!("Delegated {markup}"))
        .set("Components", "3.2", "text", &text)
        .set(
            "Components",
            "1A.2",
            "component_name",
            &format!("Name {word}"),
        );
    let s = b.sheet("Summary");
    let col = s.rows[0].iter().position(|h| h == "paragraph").unwrap();
    s.rows[1][col] = format!("{}\n{text}", s.rows[1][col]);
    b.write_xlsx(&dir.join("awkward.xlsx"))
}

#[test]
fn every_kind_of_pdf_passes_the_pdf_ua_1_and_pdf_a_2a_validator() {
    let tmp = scratch("conformance");
    let dir = tmp.path();
    let fonts = font_dir(dir);
    let awkward = awkward(dir);
    let fonts = fonts.to_str().unwrap();
    for args in [
        &["inputs/coreweave.xlsx", "--out"][..],
        &["inputs/coreweave.xlsx", "--paper", "a4", "--out"][..],
    ] {
        let out = dir.join(if args.len() > 2 { "a4" } else { "letter" });
        let (code, err) = build(&root(), &[args, &[out.to_str().unwrap()]].concat());
        assert_eq!(code, 0, "{err}");
    }
    let (code, err) = build(
        dir,
        &[
            awkward.to_str().unwrap(),
            "--out",
            "awkward",
            "--font-path",
            fonts,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let o = run(
        &[
            "portfolio",
            "examples/portfolio",
            "--against",
            "v1.2",
            "--out",
            dir.join("portfolio").to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (code, err) = build(
        &root(),
        &[
            "inputs/coreweave.xlsx",
            "--pdf-standard",
            "none",
            "--out",
            dir.join("plain").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");

    let conforming = [
        dir.join("letter/coreweave.pdf"),
        dir.join("a4/coreweave.pdf"),
        dir.join("awkward/awkward.pdf"),
        dir.join("portfolio/portfolio.pdf"),
    ];
    let plain = dir.join("plain/coreweave.pdf");
    let all: Vec<&Path> = conforming
        .iter()
        .map(|p| p.as_path())
        .chain([plain.as_path()])
        .collect();
    let verdicts = conformance(&all);
    for pdf in &conforming {
        for profile in ["ua1", "2a"] {
            let v = &verdicts[pdf.to_str().unwrap()][profile];
            assert_eq!(
                v["compliant"],
                true,
                "{} fails {profile}:\n{}",
                pdf.display(),
                v["report"].as_str().unwrap_or_default()
            );
        }
    }
    // The validator can fail: a plain PDF declares neither standard.
    for profile in ["ua1", "2a"] {
        let v = &verdicts[plain.to_str().unwrap()][profile];
        assert_eq!(v["compliant"], false, "{}", v["report"]);
    }
}

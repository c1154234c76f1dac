//! Text as a firm really receives it: other scripts (set with fallback fonts from
//! `--font-path`, or refused at their cell when no font has them), long unbroken words and
//! URLs (broken inside their column, never past it), line breaks typed into cells.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// Phrases in scripts Inter lacks, each to be found again in the brief's text.
const PHRASES: &[&str] = &[
    "日本語の評価",
    "한국어 평가",
    "中文评估",
    "تقييم المورد",
    "הערכת הספק",
    "मूल्यांकन",
    "การประเมิน",
    "∀x ∃y",
];

/// Debian's Noto fonts for those scripts (fonts-noto-cjk, fonts-noto-core).
const FONTS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansMath-Regular.ttf",
];

/// A folder holding links to the Noto fonts.
fn font_dir(dir: &Path) -> PathBuf {
    font_folder(dir, FONTS)
}

/// CoreWeave with the phrases appended to the first summary paragraph.
fn multiscript(dir: &Path) -> PathBuf {
    let mut b = coreweave();
    let s = b.sheet("Summary");
    let col = s.rows[0].iter().position(|h| h == "paragraph").unwrap();
    s.rows[1][col] = format!("{} {}", s.rows[1][col], PHRASES.join(" "));
    b.write_xlsx(&dir.join("multi.xlsx"))
}

#[test]
fn characters_no_font_has_are_errors_at_their_cell() {
    let tmp = scratch("no-font");
    let dir = tmp.path();
    let wb = multiscript(dir);
    let (code, err) = check(&wb);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Summary!C2"), "{err}");
    assert!(
        err.contains("has characters no font of the brief can set: `ה` (U+05D4)"),
        "{err}"
    );
    assert!(err.contains("--font-path DIR"), "{err}");
    // build refuses it the same way: invalid (1), not a typesetting failure (2).
    let o = run(&["build", wb.to_str().unwrap(), "--out", "out"], dir);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!dir.join("out/coreweave.pdf").exists());
    assert!(!stderr(&o).contains("style.typ"), "{}", stderr(&o));
    // An emoji, with its font named in the hint.
    let mut b = coreweave();
    b.set("Layers", "0", "headline", "Ceded to NVIDIA 🙂");
    let wb = b.write_xlsx(&dir.join("emoji.xlsx"));
    let (code, err) = check(&wb);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("`🙂` (U+1F642)") && err.contains("Emoji"),
        "{err}"
    );
    assert!(err.contains("Layers!B2"), "{err}");
}

#[test]
fn fallback_fonts_set_other_scripts() {
    let tmp = scratch("fonts");
    let dir = tmp.path();
    let fonts = font_dir(dir);
    let wb = multiscript(dir);
    let flag = ["--font-path", fonts.to_str().unwrap()];
    let o = run(&[&["check", wb.to_str().unwrap()], &flag[..]].concat(), dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The environment variable works as the flag does.
    let o = layerbrief()
        .args(["check", wb.to_str().unwrap()])
        .env("LAYERBRIEF_FONT_PATH", &fonts)
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(
        &[&["build", wb.to_str().unwrap(), "--out", "out"], &flag[..]].concat(),
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Noto Sans CJK's PDFs fail PDF/A and PDF/UA validation: the build says so, with a remedy.
    assert!(
        stderr(&o).contains("`Noto Sans CJK JP`")
            && stderr(&o).contains("fail PDF/A-2 and PDF/UA-1 validation")
            && stderr(&o).contains("fonts-droid-fallback"),
        "{}",
        stderr(&o)
    );
    // Word by word: text extraction gives right-to-left words in visual order.
    let text = pdf_words(&dir.join("out/coreweave.pdf"));
    for word in PHRASES.iter().flat_map(|p| p.split_whitespace()) {
        assert!(text.contains(word), "`{word}` is not in the brief's text");
    }
    // A folder without fonts is a usage error.
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let o = run(
        &["check", wb.to_str().unwrap(), "--font-path", "empty"],
        dir,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no font files"), "{}", stderr(&o));
}

/// A word box of `pdftotext -bbox`: page, x0, y0, x1, text.
struct Word {
    page: usize,
    x0: f64,
    y0: f64,
    x1: f64,
    text: String,
}

fn word_boxes(pdf: &Path) -> (f64, Vec<Word>) {
    let o = Command::new("pdftotext")
        .args(["-bbox", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (run scripts/setup.sh)");
    let html = String::from_utf8_lossy(&o.stdout).into_owned();
    let attr = |s: &str, name: &str| -> f64 {
        let at = s.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        s[at..s[at..].find('"').unwrap() + at].parse().unwrap()
    };
    let mut width = 0.0;
    let mut words = Vec::new();
    for (page, chunk) in html.split("<page ").skip(1).enumerate() {
        width = attr(chunk, "width");
        for w in chunk.split("<word ").skip(1) {
            let text = w[w.find('>').unwrap() + 1..w.find("</word>").unwrap()].to_string();
            words.push(Word {
                page: page + 1,
                x0: attr(w, "xMin"),
                y0: attr(w, "yMin"),
                x1: attr(w, "xMax"),
                text,
            });
        }
    }
    (width, words)
}

#[test]
fn long_words_and_urls_stay_inside_their_column() {
    let tmp = scratch("long-words");
    let dir = tmp.path();
    let url = "https://example.com/a/very/long/path/segment/with-many-parts/and_underscores/index.html?query=value&other=thing";
    let word = "Pneumonoultramicroscopicsilicovolcanoconiosisandsupercalifragilisticexpialidocious";
    let mut b = coreweave();
    let fields: &[(&str, &[&str])] = &[
        ("Summary", &["heading", "paragraph"]),
        ("Columns", &["heading"]),
        (
            "Components",
            &["component_name", "text", "std_name", "path_label"],
        ),
        ("Layers", &["headline", "narrative", "note_text"]),
        ("Overrides", &["justification"]),
        ("History", &["text"]),
    ];
    for (sheet, columns) in fields {
        let s = b.sheet(sheet);
        for col in *columns {
            let c = s.rows[0].iter().position(|h| h == col).unwrap();
            for row in s.rows.iter_mut().skip(1) {
                if row.get(c).is_some_and(|v| !v.is_empty()) {
                    // A line break typed with Alt+Enter, then the long tokens.
                    row[c] = format!("{}\nsee {url} {word}", row[c]);
                }
            }
        }
    }
    b.set(
        "Assessment",
        "subtitle",
        "value",
        &format!("The Open-Substrate Neocloud {}", &word[..40]),
    );
    let wb = b.write_xlsx(&dir.join("long.xlsx"));
    let o = run(&["build", wb.to_str().unwrap(), "--out", "out"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (width, words) = word_boxes(&dir.join("out/coreweave.pdf"));
    // The text area: 0.85 in from each side of the page.
    let (left, right) = (0.85 * 72.0, width - 0.85 * 72.0);
    let mut problems = Vec::new();
    for w in &words {
        if w.x0 < left - 0.5 || w.x1 > right + 0.5 {
            problems.push(format!(
                "page {}: `{}` leaves the text area",
                w.page, w.text
            ));
        }
    }
    // A word that runs past its column runs into the next one on the same line.
    for (i, a) in words.iter().enumerate() {
        for b in words[i + 1..].iter().take_while(|b| b.page == a.page) {
            let same_line = (a.y0 - b.y0).abs() < 0.5;
            if same_line && b.x0 < a.x1 - 0.5 && a.x0 < b.x1 - 0.5 {
                problems.push(format!(
                    "page {}: `{}` overlaps `{}`",
                    a.page, a.text, b.text
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(words.iter().any(|w| w.text.contains("Pneumono")));
}

#[test]
fn word_bullets_are_set_as_bullets_and_other_private_use_characters_are_refused_at_their_cell() {
    let dir = scratch("word-symbols");
    let out = dir.path().join("out");
    // Word's Symbol and Wingdings bullets, pasted: private-use characters PDF/A forbids.
    let mut b = coreweave();
    b.set(
        "Layers",
        "0",
        "narrative",
        "Pasted from Word:\n\u{F0B7} first point\n\u{F0B7} second point\n\n\u{F0D8} an arrowhead, \u{F0FC} a check",
    );
    let pasted = b.write_xlsx(&dir.path().join("pasted.xlsx"));
    let (code, err) = build(
        dir.path(),
        &[pasted.to_str().unwrap(), "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Layers!I2"), "{err}");
    assert!(
        err.contains("U+F0B7 as •") && err.contains("U+F0D8 as ►"),
        "{err}"
    );
    let pdf = out.join("coreweave.pdf");
    let words = pdf_words(&pdf);
    assert!(
        words.contains("first point") && words.contains("second point"),
        "{words}"
    );
    assert!(words.contains("► an arrowhead, ✓ a check"), "{words}");
    assert!(!words.contains('\u{F0B7}'));
    let verdicts = conformance(&[pdf.as_path()]);
    for profile in ["ua1", "2a"] {
        let v = &verdicts[pdf.to_str().unwrap()][profile];
        assert_eq!(v["compliant"], true, "{profile}: {}", v["report"]);
    }
    // Any other private-use character: an error at its cell, with where it comes from.
    let mut b = coreweave();
    b.set(
        "Layers",
        "1A",
        "headline",
        "Open storage \u{E0B7} governed tier",
    );
    let refused = b.write_xlsx(&dir.path().join("refused.xlsx"));
    let (code, err) = check(&refused);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Layers!B3"), "{err}");
    assert!(
        err.contains("private-use") && err.contains("U+E0B7"),
        "{err}"
    );
    assert!(
        err.contains("Wingdings"),
        "no hint of where they come from: {err}"
    );
    assert!(
        !err.contains("no font of the brief"),
        "reported twice: {err}"
    );
}

#[test]
fn a_mark_no_one_font_sets_on_its_letter_is_an_error_at_its_cell() {
    let tmp = scratch("split-marks");
    let dir = tmp.path();
    let fonts = font_dir(dir);
    let fonts = fonts.to_str().unwrap();
    // A Thai letter with a Latin acute: Noto Sans Thai has the letter, Inter the acute, no
    // font both, so the mark would print beside the letter.
    let mut b = coreweave();
    b.set(
        "Layers",
        "1B",
        "headline",
        "Thai \u{E01}\u{301} with a Latin acute",
    );
    let split = b.write_xlsx(&dir.join("split.xlsx"));
    let o = run(
        &["check", split.to_str().unwrap(), "--font-path", fonts],
        dir,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("Layers!B4"), "{err}");
    assert!(
        err.contains("combining mark no single font of the brief can set on its letter")
            && err.contains("(U+0E01 U+0301)"),
        "{err}"
    );
    let o = run(
        &[
            "build",
            split.to_str().unwrap(),
            "--font-path",
            fonts,
            "--out",
            "out",
        ],
        dir,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "invalid, not a typesetting failure: {}",
        stderr(&o)
    );
    // Marks their letter's font has: Latin (decomposed é), Thai with its tone mark, Hebrew
    // with its vowel points, Devanagari with its vowel sign.
    let mut b = coreweave();
    b.set(
        "Layers",
        "1B",
        "headline",
        "Cafe\u{301}, \u{E01}\u{E48}\u{E32}, \u{5E9}\u{5B8}\u{5DC}\u{5D5}\u{5B9}\u{5DD}, \u{915}\u{93F}",
    );
    let fine = b.write_xlsx(&dir.join("fine.xlsx"));
    let o = run(
        &["check", fine.to_str().unwrap(), "--font-path", fonts],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

//! The 4+1 stack picture: on the brief's first page, on the web page, in the portfolio and in
//! the email, every layer says what `score --json` says, for CoreWeave, the two fictional
//! assessments and a vendor with a split at every layer. The first page holds the whole
//! picture at US Letter and A4, pending and with long headlines; the PDFs conform.

use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;
use serde_json::Value;

use crate::common::*;
use crate::site::{assert_clean, browse, node_modules, picture, read_json};

/// The four assessments of these tests, written into `dir`.
fn workbooks(dir: &Path) -> Vec<PathBuf> {
    let mut books: Vec<PathBuf> = [
        "coreweave",
        "fictional-example-cloud",
        "fictional-sample-ai",
    ]
    .iter()
    .map(|n| {
        let to = dir.join(format!("{n}.xlsx"));
        std::fs::copy(root().join(format!("examples/portfolio/{n}.xlsx")), &to).unwrap();
        to
    })
    .collect();
    books.push(split_everywhere().write_xlsx(&dir.join("split-everywhere.xlsx")));
    books
}

/// `score --json` of a workbook.
fn score(book: &Path) -> Value {
    let o = run(&["score", book.to_str().unwrap(), "--json"], &root());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A layer of `score --json` as the picture must show it: (id, status, authorities, slivers).
type Reading = (String, String, Vec<String>, Vec<String>);

fn readings(score: &Value) -> Vec<Reading> {
    let words = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    };
    score["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["layer_id"].as_str().unwrap().to_string(),
                l["status"].as_str().unwrap().to_string(),
                words(&l["authority"]),
                words(&l["slivers"]),
            )
        })
        .collect()
}

const AUTHORITY: &str = r"\b(Retained|Delegated|Ceded)\b";
const SLIVER: &str = r"\+ (Retained|Delegated|Ceded) sliver";

/// What the picture shows of one band, from its text in reading order: the status word (the
/// first status badge), the authorities after it, and the slivers.
fn read_band(text: &str) -> (String, Vec<String>, Vec<String>) {
    let status = Regex::new(r"(?i)\b(strong|moderate|gap|partner)\b").unwrap();
    let found = status
        .find(text)
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let rest = &text[found.end()..];
    let sliver = Regex::new(SLIVER).unwrap();
    let slivers = sliver
        .captures_iter(rest)
        .map(|c| c[1].to_string())
        .collect();
    let without = sliver.replace_all(rest, "");
    let authorities = Regex::new(AUTHORITY)
        .unwrap()
        .captures_iter(&without)
        .map(|c| c[1].to_string())
        .collect();
    (found.as_str().to_lowercase(), authorities, slivers)
}

/// The bands of the first page's picture, top first: (layer id, its text), from the page's
/// words in content order.
fn bands_on_first_page(pdf: &Path) -> Vec<(String, String)> {
    let words = tool_ok(
        "pdftotext",
        &["-raw", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"],
    )
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ");
    let start = words
        .find("The stack, layer by layer")
        .unwrap_or_else(|| panic!("no picture on page 1 of {}: {words}", pdf.display()));
    let end = words[start..]
        .find("DAPM PROFILE")
        .map(|i| start + i)
        .unwrap_or_else(|| panic!("no DAPM profile beside the picture: {words}"));
    split_by_label(
        &words[start..end],
        r"\bL(3 \(\+1\)|(?:2C|2B|2A|1C|1B|1A|0)\b)",
        |c| c.replace(" (+1)", ""),
    )
}

/// `text` cut at each match of `label` (whose first group, cleaned by `id`, names the layer).
fn split_by_label(text: &str, label: &str, id: impl Fn(&str) -> String) -> Vec<(String, String)> {
    let re = Regex::new(label).unwrap();
    let marks: Vec<(usize, usize, String)> = re
        .captures_iter(text)
        .map(|c| {
            let m = c.get(0).unwrap();
            (m.start(), m.end(), id(&c[1]))
        })
        .collect();
    marks
        .iter()
        .enumerate()
        .map(|(i, (_, end, id))| {
            let next = marks.get(i + 1).map_or(text.len(), |m| m.0);
            (id.clone(), text[*end..next].to_string())
        })
        .collect()
}

/// Every band shown (top first) reads as `score` says, Layer 3 (+1) on top.
fn assert_bands(what: &str, shown: &[(String, String)], score: &Value) {
    let mut expected = readings(score);
    expected.reverse();
    let ids: Vec<&str> = shown.iter().map(|(id, _)| id.as_str()).collect();
    let want: Vec<&str> = expected.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(ids, want, "{what}: the bands, top first");
    for ((id, text), (_, status, authority, slivers)) in shown.iter().zip(&expected) {
        let (s, a, sl) = read_band(text);
        assert_eq!(
            (&s, &a, &sl),
            (status, authority, slivers),
            "{what}: layer {id}: {text:?}"
        );
    }
}

/// The alternative text reads Layer 0 first, each layer with its status and authorities.
fn assert_alt(alt: &str, score: &Value) {
    let layers = split_by_label(alt, r"\bLayer (3 \(\+1\)|2C|2B|2A|1C|1B|1A|0), ", |c| {
        c.replace(" (+1)", "")
    });
    let expected = readings(score);
    let ids: Vec<&str> = layers.iter().map(|(id, _)| id.as_str()).collect();
    let want: Vec<&str> = expected.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(ids, want, "alt text, Layer 0 first: {alt}");
    let sliver_words = Regex::new(r"with a (Retained|Delegated|Ceded) sliver").unwrap();
    let authority_words = Regex::new(AUTHORITY).unwrap();
    for ((id, text), (_, status, authority, slivers)) in layers.iter().zip(&expected) {
        let text = text.split(". DAPM profile").next().unwrap();
        let (_, said) = text.split_once(": ").unwrap();
        assert!(said.starts_with(&format!("{status}, ")), "{id}: {said}");
        let sl: Vec<String> = sliver_words
            .captures_iter(said)
            .map(|c| c[1].to_string())
            .collect();
        let main = sliver_words.replace_all(said, "");
        let a: Vec<String> = authority_words
            .captures_iter(&main)
            .map(|c| c[1].to_string())
            .collect();
        assert_eq!((&a, &sl), (authority, slivers), "{id}: {said}");
    }
    assert!(alt.contains(". DAPM profile: "), "{alt}");
}

#[test]
fn the_first_page_picture_and_its_alternative_text_say_what_score_says() {
    let dir = scratch("stack-pdf");
    let books = workbooks(dir.path());
    let out = dir.path().join("out");
    let (code, err) = build(dir.path(), &[".", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut pdfs = Vec::new();
    for book in &books {
        let reading = score(book);
        let id = reading["assessment_id"].as_str().unwrap();
        let pdf = out.join(format!("{id}.pdf"));
        assert_bands(id, &bands_on_first_page(&pdf), &reading);
        let alts = figure_alts(&pdf, dir.path());
        assert_eq!(alts.len(), 1, "{id}: one stack Figure");
        assert_alt(&alts[0], &reading);
        pdfs.push(pdf);
    }
    // The portfolio of the four, with a small stack per vendor.
    let (code, err) = {
        let o = run(
            &["portfolio", ".", "--out", out.to_str().unwrap()],
            dir.path(),
        );
        (o.status.code(), stderr(&o))
    };
    assert_eq!(code, Some(0), "{err}");
    let portfolio = out.join("portfolio.pdf");
    let qdf = figure_alts(&portfolio, dir.path());
    assert_eq!(qdf.len(), 4, "one stack Figure per vendor: {qdf:?}");
    // In the page's order, as portfolio.json lists the vendors.
    let listed = read_json(&out.join("portfolio.json"));
    for (alt, v) in qdf.iter().zip(listed["vendors"].as_array().unwrap()) {
        assert_alt(alt, &score(&dir.path().join(v["file"].as_str().unwrap())));
    }
    pdfs.push(portfolio);
    let verdicts = conformance(&pdfs.iter().map(PathBuf::as_path).collect::<Vec<_>>());
    for pdf in &pdfs {
        for profile in ["ua1", "2a"] {
            let v = &verdicts[pdf.to_str().unwrap()][profile];
            assert_eq!(
                v["compliant"],
                true,
                "{} {profile}: {}",
                pdf.display(),
                v["report"]
            );
        }
    }
}

/// Every stack Figure's /Alt in `pdf`, in page order.
fn figure_alts(pdf: &Path, dir: &Path) -> Vec<String> {
    let mut alts = Vec::new();
    let qdf = dir.join("alts.pdf");
    tool_ok(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            qdf.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&qdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for (start, _) in text.match_indices("/Alt (The 4+1 stack of ") {
        let mut alt = String::new();
        let mut chars = text[start + "/Alt (".len()..].chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => alt.extend(chars.next()),
                ')' => break,
                c => alt.push(c),
            }
        }
        alts.push(alt);
    }
    alts
}

/// The words of one page of `pdf`, in content order.
fn page_words(pdf: &Path, page: u32) -> String {
    let n = page.to_string();
    tool_ok(
        "pdftotext",
        &["-raw", "-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"],
    )
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ")
}

#[test]
fn the_first_page_holds_the_whole_picture_on_either_paper_pending_with_long_headlines() {
    let dir = scratch("stack-pages");
    let long = "A headline far longer than any analyst should write, naming the authority, \
                the path, the tier, the counterparty and the caveat, all in one breath \
                (Retained where the enterprise runs it, Ceded where it does not)";
    let mut split = split_everywhere();
    split.set("Assessment", "assessment_status", "value", "pending");
    for l in ["0", "1A", "1B", "1C", "2A", "2B", "2C", "3"] {
        split.set("Layers", l, "headline", long);
    }
    // A title block long enough to be set compact: the picture stays on page 1.
    let mut titled = split.clone();
    titled
        .set(
            "Assessment",
            "vendor",
            "value",
            "Hyperscale Sovereign Accelerated Computing Cooperative of Northern Europe",
        )
        .set(
            "Assessment",
            "product_name",
            "value",
            "Sovereign AI Cloud Platform with Managed Inference and Training",
        )
        .set(
            "Assessment",
            "subtitle",
            "value",
            "A very long subtitle that keeps going, describing the scope, the regions, the \
             products, the tiers, the caveats and the analyst method at a length no editor \
             would allow in a real brief",
        );
    let cases = [
        ("split-pending-long", split),
        ("long-title", titled),
        ("coreweave", coreweave()),
    ];
    for (name, book) in cases {
        let path = book.write_xlsx(&dir.path().join(format!("{name}.xlsx")));
        let reading = score(&path);
        for paper in ["us-letter", "a4"] {
            let out = dir.path().join(format!("out-{name}-{paper}"));
            let (code, err) = build(
                dir.path(),
                &[
                    path.to_str().unwrap(),
                    "--out",
                    out.to_str().unwrap(),
                    "--paper",
                    paper,
                ],
            );
            assert_eq!(code, 0, "{err}");
            let id = reading["assessment_id"].as_str().unwrap();
            let pdf = out.join(format!("{id}.pdf"));
            // The title block and the whole picture, legend included, on page 1; the summary
            // opens page 2.
            assert_bands(
                &format!("{name} {paper}"),
                &bands_on_first_page(&pdf),
                &reading,
            );
            let first = page_words(&pdf, 1);
            assert!(
                first.contains("AUTHORITY"),
                "{name} {paper}: no legend: {first}"
            );
            let second = page_words(&pdf, 2);
            assert!(
                second.contains("Summary finding") && !second.contains("The stack, layer by layer"),
                "{name} {paper}: page 2: {second}"
            );
        }
    }
}

#[test]
fn the_web_page_draws_the_stack_score_reads_at_both_widths() {
    let dir = scratch("stack-web");
    let books = workbooks(dir.path());
    let out = dir.path().join("site");
    let o = run(&["site", ".", "--out", out.to_str().unwrap()], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let readings: Vec<Value> = books.iter().map(|b| score(b)).collect();
    let pages: Vec<String> = readings
        .iter()
        .map(|r| format!("{}/index.html", r["assessment_id"].as_str().unwrap()))
        .collect();
    let (_tmp, report) = browse(&out, &pages);
    for (page, reading) in pages.iter().zip(&readings) {
        let r = &report[page];
        assert_clean(r, page);
        for width in ["390", "1280"] {
            let stack = &r["stack"][width];
            let shown: Vec<(String, String)> = stack["bands"]
                .as_array()
                .unwrap_or_else(|| panic!("{page} {width}: no stack: {stack}"))
                .iter()
                .map(|b| {
                    assert_eq!(b["inside"], true, "{page} {width}: a band overflows: {b}");
                    (
                        b["layer"].as_str().unwrap().to_string(),
                        b["text"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            assert_bands(&format!("{page} {width}"), &shown, reading);
            assert_alt(stack["alt"].as_str().unwrap(), reading);
        }
    }
}

#[test]
fn the_email_shows_eight_coloured_badges_and_chips_in_chromium() {
    let dir = scratch("stack-email");
    let books = workbooks(dir.path());
    let out = dir.path().join("out");
    let o = run(
        &[
            "mail",
            ".",
            "--out",
            out.to_str().unwrap(),
            "--to",
            "Reader <reader@example.com>",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let colours = [
        ("Retained", "rgb(31, 110, 74)"),
        ("Delegated", "rgb(143, 85, 0)"),
        ("Ceded", "rgb(163, 45, 45)"),
    ];
    for book in &books {
        let reading = score(book);
        let id = reading["assessment_id"].as_str().unwrap();
        let eml = std::fs::read(out.join(format!("{id}.eml"))).unwrap();
        let part = dir.path().join(format!("{id}.html"));
        std::fs::write(&part, html_part(&eml)).unwrap();
        let shot = dir.path().join(format!("{id}.png"));
        let report = dir.path().join(format!("{id}.json"));
        let o = Command::new("node")
            .arg(root().join("tests/browser/email.cjs"))
            .args([&part, &shot, &report])
            .env("NODE_PATH", node_modules())
            .output()
            .expect("node (run scripts/setup.sh)");
        assert!(o.status.success(), "{}", stderr(&o));
        let report = read_json(&report);
        assert_eq!(
            report["requests"],
            serde_json::json!([]),
            "{id}: no remote request"
        );
        let rows = report["rows"].as_array().unwrap();
        let expected = readings(&reading);
        assert_eq!(rows.len(), 8, "{id}: {report:#}");
        for (row, (layer, status, authority, slivers)) in rows.iter().zip(&expected) {
            assert_eq!(
                row["status"]["text"].as_str().unwrap().to_lowercase(),
                *status,
                "{id} {layer}: {row}"
            );
            assert_ne!(
                row["status"]["background"], "rgba(0, 0, 0, 0)",
                "{id} {layer}: an unstyled badge: {row}"
            );
            let chips: Vec<(&str, &str)> = row["chips"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["text"].as_str().unwrap(),
                        c["background"].as_str().unwrap(),
                    )
                })
                .collect();
            let want: Vec<(&str, &str)> = authority
                .iter()
                .map(|a| *colours.iter().find(|(w, _)| w == a).unwrap())
                .collect();
            assert_eq!(chips, want, "{id} {layer}: {row} (slivers {slivers:?})");
        }
        let (w, h, n) = picture(&shot);
        assert!(w >= 700 && h >= 600, "{id}: the screenshot is {w}×{h}");
        assert!(n > 40, "{id}: {n} colours: a blank message");
    }
}

/// The HTML part of a message (quoted-printable or base64 decoded by Python's email package).
fn html_part(eml: &[u8]) -> Vec<u8> {
    const PART: &str = r#"
import sys, email
from email import policy
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
sys.stdout.write(m.get_body(preferencelist=("html",)).get_content())
"#;
    let mut child = Command::new(python())
        .args(["-c", PART])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(eml).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    o.stdout
}

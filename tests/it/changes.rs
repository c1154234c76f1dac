//! What changed between versions: the archive `build` keeps, `versions`, `diff` and the
//! brief's changes section, on the CoreWeave assessment and an edited copy.

use std::path::{Path, PathBuf};

use crate::common::*;

/// The edited copy: the first summary paragraph revised, 1A.1's exit no longer open (its
/// reading moves), a component added in 2A, the info cell 0.3 removed, doc_version v1.4.
fn edited() -> Book {
    let mut b = coreweave();
    let s = b.sheet("Summary");
    let col = s.rows[0].iter().position(|h| h == "paragraph").unwrap();
    s.rows[1][col] = s.rows[1][col].replacen(
        "pure-play NVIDIA GPU cloud",
        "specialist NVIDIA GPU cloud",
        1,
    );
    b.set("Components", "1A.1", "exit_open", "N");
    let added = {
        let s = b.sheet("Components");
        let mut row = s.rows.iter().find(|r| r[0] == "2A.1").unwrap().clone();
        row[0] = "2A.9".into();
        row[3] = "9".into();
        row[4] = "Fleet lifecycle controller".into();
        row
    };
    b.sheet("Components").rows.push(added);
    b.remove("Components", "0.3");
    b.set("Assessment", "doc_version", "value", "v1.4");
    b
}

/// `in/coreweave.xlsx` built into `out/` (so archived), then replaced by the edited copy.
fn archived_then_edited(dir: &Path) -> PathBuf {
    let wb = coreweave().write_xlsx(&dir.join("in/coreweave.xlsx"));
    let (code, err) = build(dir, &["in", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    edited().write_xlsx(&wb);
    wb
}

fn json(o: &std::process::Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn diff_lists_exactly_what_an_edit_changed_and_its_json_keeps_to_its_schema() {
    let tmp = scratch("diff");
    let dir = tmp.path();
    archived_then_edited(dir);
    let o = run(
        &["diff", "coreweave@v1.3", "in/coreweave.xlsx", "--json"],
        dir,
    );
    let c = json(&o);
    assert_eq!(c["format"], "layerbrief-changes/1");
    assert_eq!(c["same_assessment"], true);
    assert_eq!(
        c["metadata"],
        serde_json::json!([{"field": "doc_version", "from": "v1.3", "to": "v1.4"}])
    );
    // The revised paragraph, word by word.
    let summary = c["summary"].as_array().unwrap();
    assert_eq!(summary.len(), 1, "{summary:#?}");
    assert_eq!(summary[0]["what"], "paragraph 1");
    let runs = |kind: &str| -> String {
        summary[0]["segments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["kind"] == kind)
            .map(|s| s["text"].as_str().unwrap().trim().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(runs("deleted"), "pure-play");
    assert_eq!(runs("inserted"), "specialist");
    // Layers: 0 lost 0.3; 1A.1's reading moved under its new rule, with its fact; 2A gained 2A.9.
    let layers = c["layers"].as_array().unwrap();
    let ids: Vec<&str> = layers
        .iter()
        .map(|l| l["layer_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["0", "1A", "2A"], "{layers:#?}");
    let kinds = |l: &serde_json::Value| -> Vec<(String, String)> {
        l["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                (
                    k["kind"].as_str().unwrap().into(),
                    k["cell_id"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    assert_eq!(kinds(&layers[0]), [("removed".into(), "0.3".into())]);
    assert_eq!(kinds(&layers[2]), [("added".into(), "2A.9".into())]);
    assert_eq!(kinds(&layers[1]), [("changed".into(), "1A.1".into())]);
    assert_eq!(
        layers[1]["components"][0]["facts"],
        serde_json::json!([{"field": "exit_open", "from": "yes", "to": "no"}])
    );
    for l in [&layers[0], &layers[2]] {
        assert!(l["readings"].as_array().unwrap().is_empty(), "{l:#?}");
    }
    for l in layers {
        assert!(l["prose"].as_array().unwrap().is_empty(), "{l:#?}");
    }
    // The move, as `score` reads each version.
    let before = json(&run(
        &["score", "--json", fixture_xlsx(dir).to_str().unwrap()],
        dir,
    ));
    let after = json(&run(&["score", "--json", "in/coreweave.xlsx"], dir));
    let cell = |v: &serde_json::Value| {
        v["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["cell_id"] == "1A.1")
            .unwrap()
            .clone()
    };
    let moved: Vec<&serde_json::Value> = layers[1]["readings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["reading"] == "cell_authority")
        .collect();
    assert_eq!(moved.len(), 1, "{:#?}", layers[1]);
    assert_eq!(moved[0]["target"], "1A.1");
    assert_eq!(moved[0]["from"], cell(&before)["authority"]);
    assert_eq!(moved[0]["to"], cell(&after)["authority"]);
    assert_eq!(moved[0]["rule"], cell(&after)["rule"]);
    assert_ne!(moved[0]["from"], moved[0]["to"]);
    assert!(c["overrides"].as_array().unwrap().is_empty());
    assert!(c["history"].as_array().unwrap().is_empty());

    // The JSON keeps to the schema `diff --json-schema` prints.
    let schema = run(&["diff", "--json-schema"], dir);
    assert!(schema.status.success(), "{}", stderr(&schema));
    std::fs::write(dir.join("schema.json"), &schema.stdout).unwrap();
    std::fs::write(dir.join("changes.json"), &o.stdout).unwrap();
    let check = std::process::Command::new(python())
        .current_dir(dir)
        .args([
            "-c",
            "import json, jsonschema; jsonschema.validate(json.load(open('changes.json')), json.load(open('schema.json'))); print('valid')",
        ])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "the JSON does not keep to its schema (run scripts/setup.sh): {}",
        String::from_utf8_lossy(&check.stderr)
    );

    // As text, piped: plain marks, layers in stack order.
    let o = run(&["diff", "coreweave@v1.3", "in/coreweave.xlsx"], dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("[-pure-play-]{+specialist+}"), "{text}");
    assert!(text.contains("removed: 0.3"), "{text}");
    assert!(
        text.contains("added: 2A.9 {+Fleet lifecycle controller+}"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour when piped");
    let (l0, l1a, l2a) = (
        text.find("Layer 0 ").unwrap(),
        text.find("Layer 1A ").unwrap(),
        text.find("Layer 2A ").unwrap(),
    );
    assert!(l0 < l1a && l1a < l2a, "{text}");
}

/// The CoreWeave fixture as a workbook of its own, beside the inputs.
fn fixture_xlsx(dir: &Path) -> PathBuf {
    let p = dir.join("original.xlsx");
    if !p.exists() {
        coreweave().write_xlsx(&p);
    }
    p
}

#[test]
fn versions_and_unknown_versions_name_what_the_archive_holds_and_bad_records_are_skipped() {
    let tmp = scratch("versions");
    let dir = tmp.path();
    archived_then_edited(dir);
    let (code, err) = build(dir, &["in", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&run(&["versions", "coreweave", "--json"], dir));
    let versions: Vec<&str> = v["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["doc_version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["v1.4", "v1.3"], "newest first");
    let o = run(&["versions", "coreweave"], dir);
    assert!(stdout(&o).contains("not sent"), "{}", stdout(&o));
    // An unknown version: an error listing the versions held.
    let o = run(&["diff", "coreweave@v1.1", "in/coreweave.xlsx"], dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("coreweave@v1.1: no such archived version; it holds v1.4")
            && stderr(&o).contains("v1.3 ("),
        "{}",
        stderr(&o)
    );
    // A damaged record is named and skipped; the others still serve.
    let folder = dir.join("out/.layerbrief-archive/coreweave");
    std::fs::write(
        folder.join(format!("{}.json", "0".repeat(64))),
        b"{\"format\": 3",
    )
    .unwrap();
    let o = run(&["diff", "coreweave@v1.3", "coreweave@v1.4"], dir);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not a readable record"),
        "{}",
        stderr(&o)
    );
    // Two assessments: a warning, still a diff.
    let mut other = coreweave();
    other.set("Assessment", "assessment_id", "value", "other");
    let other = other.write_xlsx(&dir.join("other.xlsx"));
    let o = run(&["diff", other.to_str().unwrap(), "in/coreweave.xlsx"], dir);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("two assessments"), "{}", stderr(&o));
    // Neither a file nor ID@VERSION.
    let o = run(&["diff", "nowhere.xlsx", "in/coreweave.xlsx"], dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no such file, and not an archived version"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_brief_says_what_changed_since_an_earlier_version_as_a_redline() {
    let tmp = scratch("changes-since");
    let dir = tmp.path();
    archived_then_edited(dir);
    let (code, err) = build(dir, &["in", "--out", "out", "--changes-since", "v1.3"]);
    assert_eq!(code, 0, "{err}");
    let pdf = dir.join("out/coreweave.pdf");
    let text = pdf_words(&pdf);
    assert!(
        text.contains("What changed since v1.3 (June 20, 2026)"),
        "{text:.2000}"
    );
    assert!(
        text.contains("deleted: pure-play added: specialist"),
        "{text:.4000}"
    );
    assert!(text.contains("1A.1 authority"), "the moved reading");
    assert!(
        text.contains("Fleet lifecycle controller added (2A.9)"),
        "{text:.4000}"
    );
    // The section comes after the summary, before the layer table.
    let (summary, changes, table) = (
        text.find("Summary finding").unwrap(),
        text.find("What changed since").unwrap(),
        text.find("Assessment at a glance").unwrap(),
    );
    assert!(
        summary < changes && changes < table,
        "{summary} {changes} {table}"
    );
    let verdicts = conformance(&[pdf.as_path()]);
    for profile in ["ua1", "2a"] {
        let v = &verdicts[pdf.to_str().unwrap()][profile];
        assert_eq!(v["compliant"], true, "{profile}: {}", v["report"]);
    }
    // A variant is not archived: the archive holds the plain v1.3 only.
    let v = json(&run(&["versions", "coreweave", "--json"], dir));
    assert_eq!(v["versions"].as_array().unwrap().len(), 1, "{v:#}");
    // Unchanged inputs and archive: not rebuilt. Without the flag: the plain brief again.
    let (_, err) = build(dir, &["in", "--out", "out", "--changes-since", "v1.3"]);
    assert!(err.contains("0 built, 1 unchanged"), "{err}");
    let (_, err) = build(dir, &["in", "--out", "out"]);
    assert!(err.contains("1 built"), "{err}");
    assert!(!pdf_words(&pdf).contains("What changed since"));
    // A version the archive lacks: a warning for that brief, built without the section.
    let (code, err) = build(dir, &["in", "--out", "out", "--changes-since", "v0.9"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("--changes-since v0.9") && err.contains("built without a changes section"),
        "{err}"
    );
}

#[test]
fn the_web_edition_lists_published_versions_with_changes_pages_and_an_atom_feed() {
    let tmp = scratch("site-versions");
    let dir = tmp.path();
    archived_then_edited(dir);
    let (code, err) = build(dir, &["in", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let o = run(&["site", "in"], dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let site = dir.join("out/site");
    let page = std::fs::read_to_string(site.join("coreweave/index.html")).unwrap();
    assert!(page.contains("Published versions"), "{page:.300}");
    // minijinja escapes the slash of a value (`changes&#x2f;…`), which a browser reads as `/`.
    assert!(
        page.replace("&#x2f;", "/")
            .contains("href=\"changes/v1.3-v1.4.html\""),
        "the list links the pair"
    );
    assert!(page.contains("<strong>v1.4</strong> (this page)"));
    let changes = std::fs::read_to_string(site.join("coreweave/changes/v1.3-v1.4.html")).unwrap();
    assert!(
        changes.contains("<span class=\"mark\">deleted:</span> <del>pure-play</del>")
            && changes.contains("<span class=\"mark\">added:</span> <ins>specialist</ins>"),
        "{changes}"
    );
    assert!(changes.contains("1A.1 authority"), "the moved reading");
    assert!(!changes.contains("<script"), "no JavaScript");
    // The archive is not published, nor any address.
    assert!(!site.join(".layerbrief-archive").exists());

    // The feed: Atom (RFC 4287), newest first, each entry with its changes.
    let check = std::process::Command::new(python())
        .arg("-c")
        .arg(
            r#"
import sys, xml.etree.ElementTree as ET
A = '{http://www.w3.org/2005/Atom}'
feed = ET.parse(sys.argv[1]).getroot()
assert feed.tag == A + 'feed', feed.tag
for req in ('id', 'title', 'updated', 'author'):
    assert feed.find(A + req) is not None, req
entries = feed.findall(A + 'entry')
for e in entries:
    for req in ('id', 'title', 'updated', 'link', 'summary'):
        assert e.find(A + req) is not None, req
    assert e.find(A + 'id').text.startswith('urn:sha256:')
print('|'.join(e.find(A + 'title').text + '>' + e.find(A + 'link').get('href') + '>' + e.find(A + 'summary').text for e in entries))
"#,
        )
        .arg(site.join("feed.xml"))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let entries = String::from_utf8_lossy(&check.stdout);
    let entries: Vec<&str> = entries.trim().split('|').collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(
        entries[0].starts_with("CoreWeave v1.4>coreweave/changes/v1.3-v1.4.html>"),
        "{entries:?}"
    );
    assert!(entries[0].contains("1 reading moved"), "{entries:?}");
    assert!(
        entries[1].starts_with("CoreWeave v1.3>coreweave/index.html>"),
        "{entries:?}"
    );
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        index.contains("type=\"application/atom+xml\""),
        "every page names the feed"
    );

    // The same inputs, the same site; and every page clean in Chromium.
    let before = std::fs::read(site.join("coreweave/changes/v1.3-v1.4.html")).unwrap();
    let o = run(&["site", "in"], dir);
    assert!(
        stderr(&o).contains("0 assessment page(s) rendered"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(site.join("coreweave/changes/v1.3-v1.4.html")).unwrap(),
        before
    );
    let pages: Vec<String> = [
        "index.html",
        "coreweave/index.html",
        "coreweave/changes/v1.3-v1.4.html",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (_shots, report) = crate::site::browse(&site, &pages);
    for p in &pages {
        crate::site::assert_clean(&report[p], p);
    }
}

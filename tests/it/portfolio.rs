//! The portfolio: `examples/portfolio` side by side, checked cell by cell against `score --json`
//! of each workbook, and the page read back with poppler and qpdf.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;
use layerbrief::load::load;

fn examples() -> PathBuf {
    root().join("examples/portfolio")
}

/// `portfolio` of `args` into `out` (in `dir`); returns (exit code, stderr).
fn portfolio(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = run(&[&["portfolio"], args].concat(), dir);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// `score --json` of one workbook, with extra arguments.
fn score(path: &str, extra: &[&str]) -> Value {
    let o = run(&[&["score", path, "--json"], extra].concat(), &root());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn joined(v: &Value) -> String {
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("|")
}

/// Every vendor's `layers` equal `score --json` of its workbook under `methodology`, and every
/// CSV row says the same as the JSON.
fn check_against_score(out: &Path, methodology: &[&str]) -> Value {
    let json = read_json(&out.join("portfolio.json"));
    let vendors = json["vendors"].as_array().unwrap();
    assert_eq!(vendors.len(), 3, "{json:#}");
    for v in vendors {
        let file = v["file"].as_str().unwrap();
        let reading = score(file, methodology);
        assert_eq!(v["layers"], reading["layers"], "{file}");
        assert_eq!(v["ruleset"], reading["methodology"], "{file}");
        let mut profile = [0; 3];
        for c in reading["components"].as_array().unwrap() {
            match c["authority"].as_str().unwrap() {
                "Retained" => profile[0] += 1,
                "Delegated" => profile[1] += 1,
                _ => profile[2] += 1,
            }
        }
        assert_eq!(
            v["profile"],
            serde_json::json!({"Retained": profile[0], "Delegated": profile[1], "Ceded": profile[2]})
        );
    }
    let rows = read_csv(&out.join("portfolio.csv"));
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len() - 1, vendors.len() * 8);
    for (row, (v, l)) in rows[1..].iter().zip(
        vendors
            .iter()
            .flat_map(|v| v["layers"].as_array().unwrap().iter().map(move |l| (v, l))),
    ) {
        assert_eq!(
            row[col("assessment_id")],
            v["assessment_id"].as_str().unwrap()
        );
        assert_eq!(row[col("layer_id")], l["layer_id"].as_str().unwrap());
        assert_eq!(row[col("status")], l["status"].as_str().unwrap());
        assert_eq!(row[col("status_rule")], l["status_rule"].as_str().unwrap());
        assert_eq!(row[col("authority")], joined(&l["authority"]));
        assert_eq!(row[col("slivers")], joined(&l["slivers"]));
        assert_eq!(row[col("display")], l["display"].as_str().unwrap());
        assert_eq!(
            row[col("status_computed")],
            l["status_computed"].as_str().unwrap()
        );
        assert_eq!(
            row[col("authority_computed")],
            joined(&l["authority_computed"])
        );
        let overridden = if l["overridden"].as_bool().unwrap() {
            "Y"
        } else {
            "N"
        };
        assert_eq!(row[col("overridden")], overridden);
        let moved = v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["layer_id"] == l["layer_id"]);
        assert_eq!(row[col("changed")], if moved { "Y" } else { "N" });
    }
    json
}

#[test]
fn cells_are_the_score_json_layers_under_the_workbooks_ruleset() {
    let tmp = scratch("portfolio-default");
    let out = tmp.path().join("out");
    let (code, err) = portfolio(
        &root(),
        &["examples/portfolio", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    let json = check_against_score(&out, &[]);
    assert_eq!(json["ruleset"], "v1.3");
    assert_eq!(json["against"], Value::Null);
    assert_eq!(json["excluded"], serde_json::json!([]));
    let ids: Vec<&str> = json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["assessment_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "coreweave",
            "fictional-example-cloud",
            "fictional-sample-ai"
        ]
    );
    let statuses: Vec<&str> = json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["complete", "complete", "pending"]);
    assert!(json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["changes"] == serde_json::json!([])));
}

#[test]
fn cells_are_the_score_json_layers_under_another_ruleset() {
    let tmp = scratch("portfolio-v12");
    let out = tmp.path().join("out");
    let (code, err) = portfolio(
        &root(),
        &[
            "examples/portfolio",
            "--methodology",
            "v1.2",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let json = check_against_score(&out, &["--methodology", "v1.2"]);
    assert_eq!(json["ruleset"], "v1.2");
}

#[test]
fn against_another_ruleset_lists_every_moved_cell_with_its_rule() {
    let tmp = scratch("portfolio-against");
    let out = tmp.path().join("out");
    let (code, err) = portfolio(
        &root(),
        &[
            "examples/portfolio",
            "--against",
            "v1.2",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let json = check_against_score(&out, &[]);
    assert_eq!(json["against"], "v1.2");
    // A cell is listed exactly when the two readings of its layer differ.
    for v in json["vendors"].as_array().unwrap() {
        let before = score(v["file"].as_str().unwrap(), &["--methodology", "v1.2"]);
        let mut expected = Vec::new();
        for (x, y) in before["layers"]
            .as_array()
            .unwrap()
            .iter()
            .zip(v["layers"].as_array().unwrap())
        {
            if x["status"] != y["status"] {
                expected.push((y["layer_id"].clone(), "status"));
            }
            if x["authority"] != y["authority"] || x["slivers"] != y["slivers"] {
                expected.push((y["layer_id"].clone(), "authority"));
            }
        }
        let listed: Vec<(Value, &str)> = v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["layer_id"].clone(), c["field"].as_str().unwrap()))
            .collect();
        assert_eq!(listed, expected, "{}", v["assessment_id"]);
    }
    // CoreWeave moves exactly as the rescore of v1.2 → v1.3 says.
    let cw = &json["vendors"][0];
    assert_eq!(
        cw["changes"],
        serde_json::json!([
            {"layer_id": "1A", "field": "authority", "from": "Retained | Ceded",
             "to": "Delegated | Ceded", "rule": "R-MANAGED-SERVICE"},
            {"layer_id": "2C", "field": "status", "from": "moderate", "to": "gap",
             "rule": "R-2C-THRESHOLD"},
        ])
    );
    // The override of the fictional cloud holds 1A: its computed value moves, the cell does not.
    let example = &json["vendors"][1];
    assert!(!example["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["layer_id"] == "1A"));
    let text = tool_ok(
        "pdftotext",
        &["-layout", out.join("portfolio.pdf").to_str().unwrap(), "-"],
    );
    assert!(text.contains("CHANGES AGAINST V1.2"), "{text}");
    for rule in ["R-MANAGED-SERVICE", "R-2C-THRESHOLD"] {
        assert!(text.contains(rule), "{rule} not in\n{text}");
    }
    let pages = tool_ok("pdfinfo", &[out.join("portfolio.pdf").to_str().unwrap()]);
    assert!(pages.contains("Pages:           1"), "{pages}");
}

#[test]
fn the_page_is_one_valid_landscape_page_naming_every_vendor_and_reproducible() {
    let tmp = scratch("portfolio-pdf");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        let (code, err) = portfolio(
            &root(),
            &["examples/portfolio", "--out", out.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{err}");
    }
    for name in ["portfolio.pdf", "portfolio.csv", "portfolio.json"] {
        assert_eq!(
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
            "{name} differs between two runs"
        );
    }
    let pdf = a.join("portfolio.pdf");
    let pdf = pdf.to_str().unwrap();
    let check = tool_ok("qpdf", &["--check", pdf]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    let info = tool_ok("pdfinfo", &[pdf]);
    for want in [
        "Pages:           1",
        "Page size:       792 x 612 pts (letter)",
        "Tagged:          yes",
        // The latest assessment date of the three.
        "CreationDate:    Fri Oct  2 00:00:00 2026 UTC",
        "Title:           Vendor portfolio — 4+1 Layer AI Infrastructure Model",
    ] {
        assert!(info.contains(want), "{want} not in\n{info}");
    }
    // PDF/UA-1 and PDF/A-2a: checked by an independent validator in `conformance.rs`.
    let text = tool_ok("pdftotext", &["-raw", pdf, "-"]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for vendor in [
        "CoreWeave",
        "Fictional Example Cloud (illustrative)",
        "Fictional Sample AI Platform (illustrative)",
    ] {
        assert!(text.contains(vendor), "{vendor} not in\n{text}");
    }
    assert!(text.contains("DRAFT · PENDING"), "{text}");
}

#[test]
fn an_invalid_workbook_is_left_out_and_named() {
    let tmp = scratch("portfolio-invalid");
    let dir = tmp.path();
    let inputs = dir.join("inputs");
    for entry in std::fs::read_dir(examples()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xlsx") {
            std::fs::create_dir_all(&inputs).unwrap();
            std::fs::copy(&path, inputs.join(path.file_name().unwrap())).unwrap();
        }
    }
    broken().write_xlsx(&inputs.join("broken.xlsx"));
    let (code, err) = portfolio(dir, &["--sort", "retained"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error: unknown role `sliverr`"), "{err}");
    assert!(
        err.contains("broken.xlsx: left out of the portfolio"),
        "{err}"
    );
    let json = read_json(&dir.join("out/portfolio.json"));
    let excluded = json["excluded"].as_array().unwrap();
    assert_eq!(excluded.len(), 1, "{json:#}");
    assert_eq!(excluded[0]["file"], "inputs/broken.xlsx");
    assert!(excluded[0]["reason"]
        .as_str()
        .unwrap()
        .contains("unknown role `sliverr`"));
    // Ordered by Retained share: 5 of 7, 2 of 13, 0 of 6.
    let ids: Vec<&str> = json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["assessment_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "fictional-example-cloud",
            "coreweave",
            "fictional-sample-ai"
        ]
    );
    let text = tool_ok(
        "pdftotext",
        &["-raw", dir.join("out/portfolio.pdf").to_str().unwrap(), "-"],
    );
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Not shown: broken.xlsx (invalid)"), "{text}");
    assert_eq!(
        read_csv(&dir.join("out/portfolio.csv")).len(),
        1 + 3 * 8,
        "the invalid workbook has no CSV rows"
    );
}

#[test]
fn examples_are_made_from_their_csv_sources() {
    let tmp = scratch("portfolio-examples");
    for id in ["fictional-example-cloud", "fictional-sample-ai"] {
        let fresh = Book {
            sheets: fixture_writer::sheets_from_csv_dir(&examples().join("src").join(id)).unwrap(),
        }
        .write_xlsx(&tmp.path().join(format!("{id}.xlsx")));
        let (want, got) = (
            load(&fresh).unwrap(),
            load(&examples().join(format!("{id}.xlsx"))).unwrap(),
        );
        assert_eq!(want.sheets.len(), got.sheets.len(), "{id}");
        for (w, g) in want.sheets.iter().zip(&got.sheets) {
            assert_eq!(w.name, g.name, "{id}");
            let cells = |s: &layerbrief::load::Sheet| {
                s.rows.iter().map(|r| r.cells.clone()).collect::<Vec<_>>()
            };
            assert_eq!(cells(w), cells(g), "{id}: sheet {} differs", w.name);
        }
        let (code, err) = check(&examples().join(format!("{id}.xlsx")));
        assert_eq!(code, 0, "{err}");
    }
    assert_eq!(
        std::fs::read(examples().join("coreweave.xlsx")).unwrap(),
        std::fs::read(root().join("inputs/coreweave.xlsx")).unwrap(),
        "examples/portfolio/coreweave.xlsx is a copy of inputs/coreweave.xlsx"
    );
}

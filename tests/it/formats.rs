//! Inputs as they arrive: the committed workbook, numbers typed as text, OpenDocument,
//! files that are not workbooks at all, and the blank workbook of `init`.

use crate::common::*;
use layerbrief::load::{load, Value};
use layerbrief::validate::parse_date_text;

/// The CoreWeave JSON reading of `path`, for comparing inputs.
fn reading(path: &std::path::Path) -> serde_json::Value {
    let o = run(&["score", path.to_str().unwrap(), "--json"], &root());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn coreweave_workbook_matches_csvs() {
    let wb = load(&root().join("inputs/coreweave.xlsx")).unwrap();
    let sheets = coreweave().sheets;
    assert_eq!(
        sheets.len(),
        7,
        "the CoreWeave fixtures hold every sheet but Distribution"
    );
    for sheet in &sheets {
        let name = sheet.name.as_str();
        let csv = read_csv(&fixture(&format!("coreweave/{name}.csv")));
        let sheet = wb.sheet(name).unwrap_or_else(|| panic!("sheet {name}"));
        let headers: Vec<&str> = sheet.headers.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(headers, csv[0], "{name} headers");
        assert_eq!(sheet.rows.len(), csv.len() - 1, "{name} rows");
        for (row, expected) in sheet.rows.iter().zip(&csv[1..]) {
            for (c, want) in expected.iter().enumerate() {
                let got = row.get(c as u32);
                let same = match got {
                    Value::Date(d) => parse_date_text(want) == Some(d.date()),
                    other => other.as_text() == want.trim(),
                };
                assert!(
                    same,
                    "{name} row {} col {c}: {got:?} vs {want:?}",
                    row.index + 1
                );
            }
        }
    }
    // Typed as Excel types entries: layer 0 is a number, the date a date cell.
    let comps = wb.sheet("Components").unwrap();
    assert!(matches!(comps.rows[0].get(1), Value::Number(_)));
    let meta = wb.sheet("Assessment").unwrap();
    assert!(meta.rows.iter().any(|r| matches!(r.get(1), Value::Date(_))));
}

#[test]
fn numbers_typed_as_text_read_the_same() {
    let tmp = scratch("text");
    let dir = tmp.path();
    let path = coreweave().write_xlsx_all_text(&dir.join("text.xlsx"));
    let reference = reading(&root().join("inputs/coreweave.xlsx"));
    assert_eq!(reading(&path), reference);
}

#[test]
fn seq_as_float_and_booleans_read_as_meant() {
    let tmp = scratch("floats");
    let dir = tmp.path();
    let mut b = coreweave();
    b.set("Summary", "1", "seq", "1.0")
        .set("Layers", "0", "differentiated", "TRUE")
        .set("Components", "2A.1", "exit_open", "yes");
    let path = b.write_xlsx(&dir.join("f.xlsx"));
    assert_eq!(
        reading(&path),
        reading(&root().join("inputs/coreweave.xlsx"))
    );
}

#[test]
fn opendocument_input() {
    let tmp = scratch("ods");
    let dir = tmp.path();
    let path = coreweave().write_ods(&dir.join("coreweave.ods"));
    assert_eq!(
        reading(&path),
        reading(&root().join("inputs/coreweave.xlsx"))
    );
    let (code, err) = check(&path);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn files_that_are_not_workbooks_get_one_line() {
    let tmp = scratch("broken");
    let dir = tmp.path();
    let good = std::fs::read(root().join("inputs/coreweave.xlsx")).unwrap();
    std::fs::write(dir.join("empty.xlsx"), b"").unwrap();
    std::fs::write(dir.join("truncated.xlsx"), &good[..good.len() / 2]).unwrap();
    std::fs::write(dir.join("notes.xlsx"), b"just some text, not a zip").unwrap();
    std::fs::write(dir.join("random.ods"), [0x50, 0x4b, 3, 4, 0xff, 0, 1, 2, 3]).unwrap();
    for name in ["empty.xlsx", "truncated.xlsx", "notes.xlsx", "random.ods"] {
        let o = run(&["check", name], dir);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let err = stderr(&o);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "{name}: {err}");
        assert!(lines[0].starts_with(&format!("error: {name}: ")), "{err}");
        assert!(
            !err.contains("panicked") && !err.contains("backtrace"),
            "{err}"
        );
    }
    assert!(
        stderr(&run(&["check", "empty.xlsx"], dir)).contains("the file is empty, not a workbook")
    );
}

#[test]
fn a_stray_cell_in_the_far_corner_is_reported_not_allocated() {
    let tmp = scratch("stray");
    let dir = tmp.path();
    let path = coreweave().write_xlsx_text_with(
        &dir.join("stray.xlsx"),
        &[("Summary", 1_048_575, 16_383, "stray")],
        &[],
    );
    let (code, err) = check(&path);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("far beyond the sheet's columns") && err.contains("Summary!XFD1048576"),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("memory allocation"),
        "{err}"
    );
}

#[test]
fn merged_cells_are_flagged() {
    let tmp = scratch("merged");
    let dir = tmp.path();
    // Components!H2:H4 (exposed for cells 0.1 to 0.3) merged, holding Y.
    let path = coreweave().write_xlsx_text_with(
        &dir.join("m.xlsx"),
        &[],
        &[("Components", 1, 7, 3, 7, "Y")],
    );
    let (_, err) = check(&path);
    let want = format!(
        "warning: merged cells H2:H4: only the first holds the value, the others read as empty\n  --> {}: Components!H2\n  help: unmerge the cells and fill each one",
        path.display()
    );
    assert!(err.contains(&want), "{err}");
}

#[test]
fn folder_with_valid_and_invalid_workbooks() {
    let tmp = scratch("folder");
    let dir = tmp.path();
    coreweave().write_xlsx(&dir.join("a.xlsx"));
    let mut b = coreweave();
    b.set("Components", "3.1", "role", "coer");
    b.write_xlsx(&dir.join("b.xlsx"));
    std::fs::write(dir.join("~$a.xlsx"), b"lock file").unwrap();
    let o = run(&["check", "."], dir);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("./a.xlsx: ok"), "{out}");
    assert!(out.contains("./b.xlsx: invalid"), "{out}");
    assert!(out.contains("1 valid, 1 invalid"), "{out}");
    let o = run(&["check", "nothing-here.xlsx"], dir);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn init_gives_a_workbook_check_can_read() {
    let tmp = scratch("init");
    let dir = tmp.path();
    let o = run(&["init", "new.xlsx"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let wb = load(&dir.join("new.xlsx")).unwrap();
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Instructions",
            "Assessment",
            "Summary",
            "Columns",
            "Components",
            "Layers",
            "Overrides",
            "History",
            "Distribution"
        ]
    );
    let layers: Vec<String> = wb
        .sheet("Layers")
        .unwrap()
        .rows
        .iter()
        .map(|r| r.get(0).as_text())
        .collect();
    assert_eq!(layers, ["0", "1A", "1B", "1C", "2A", "2B", "2C", "3"]);
    // check reports what remains to fill, as diagnostics, not a crash.
    let (code, err) = check(&dir.join("new.xlsx"));
    assert_eq!(code, 1);
    assert!(err.contains("`vendor` is empty"), "{err}");
    assert!(err.contains("the summary finding is empty"), "{err}");
    assert!(err.contains("`headline` is empty"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // It never overwrites by accident.
    let o = run(&["init", "new.xlsx"], dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"));
}

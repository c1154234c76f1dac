//! Broken and hostile workbooks (`tests/hostile/<case>/`, made by `make.py` there): each gets
//! one clear error naming its file and, where it has one, its place; exit status 1; never a
//! panic or an abort; and beside a good workbook, the good brief is still built.

use std::path::PathBuf;

use crate::common::*;

/// Each case: its workbook and the lines its report must hold.
fn cases() -> Vec<(String, PathBuf, Vec<String>)> {
    let dir = root().join("tests/hostile");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let case = entry.unwrap().path();
        if !case.is_dir() {
            continue;
        }
        let expected: Vec<String> = std::fs::read_to_string(case.join("expected.txt"))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
        let workbook = std::fs::read_dir(&case)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().is_some_and(|n| n != "expected.txt"))
            .unwrap();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        out.push((name, workbook, expected));
    }
    out.sort();
    assert!(out.len() >= 15, "the corpus is missing: {}", dir.display());
    out
}

fn no_crash(name: &str, err: &str) {
    for bad in [
        "panicked",
        "internal error",
        "memory allocation",
        "overflow",
    ] {
        assert!(!err.contains(bad), "{name}: `{bad}` in\n{err}");
    }
}

#[test]
fn every_case_is_a_clear_error_at_its_place() {
    for (name, workbook, expected) in cases() {
        let (code, err) = check(&workbook);
        assert_eq!(code, 1, "{name}:\n{err}");
        no_crash(&name, &err);
        let file = workbook.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            err.contains(&file),
            "{name}: the report does not name {file}:\n{err}"
        );
        for line in &expected {
            assert!(
                err.contains(line.as_str()),
                "{name}: `{line}` not in\n{err}"
            );
        }
    }
}

#[test]
fn hostile_files_never_cost_the_good_brief() {
    let tmp = scratch("hostile-batch");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("in")).unwrap();
    std::fs::copy(
        root().join("inputs/coreweave.xlsx"),
        dir.join("in/coreweave.xlsx"),
    )
    .unwrap();
    let cases = cases();
    for (_, workbook, _) in &cases {
        let to = dir.join("in").join(workbook.file_name().unwrap());
        std::fs::copy(workbook, to).unwrap();
    }
    let o = run(&["build", "in", "--out", "out"], dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    no_crash("batch", &err);
    assert!(dir.join("out/coreweave.pdf").exists(), "{err}");
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("1 built, 0 unchanged, {} failed", cases.len())),
        "{last}"
    );
    for (name, workbook, _) in &cases {
        let file = workbook.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            err.contains(&format!("{file}: not built")),
            "{name}: {file} is not reported as not built:\n{err}"
        );
    }
}

#[test]
fn limits_can_be_raised_and_lowered() {
    let tmp = scratch("limits");
    let dir = tmp.path();
    let wb = root().join("inputs/coreweave.xlsx");
    let wb = wb.to_str().unwrap();
    // A limit below what the workbook holds refuses it, naming the flag.
    for (flag, value, says) in [
        ("--max-file-size", "10KB", "--max-file-size"),
        ("--max-rows", "5", "--max-rows"),
        ("--max-cells", "20", "--max-cells"),
        ("--max-cell-chars", "100", "Summary!"),
        ("--max-shared-strings", "10", "--max-shared-strings"),
        ("--max-columns", "3", "far beyond the sheet's columns"),
    ] {
        let o = run(&["check", wb, flag, value], dir);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{flag} {value}: {err}");
        assert!(err.contains(says), "{flag} {value}: {err}");
        no_crash(flag, &err);
    }
    // The 200 MB bomb is refused at the default; a raised limit reads on to the next bound.
    let bomb = root().join("tests/hostile/shared-string-bomb/shared-string-bomb.xlsx");
    let o = run(
        &[
            "check",
            bomb.to_str().unwrap(),
            "--max-unpacked-size",
            "300MB",
        ],
        dir,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("unpacks to more than"), "{err}");
    assert!(
        err.contains("--max-cell-chars") || err.contains("--max-text"),
        "{err}"
    );
}

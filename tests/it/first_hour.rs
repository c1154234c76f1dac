//! A newcomer's first hour: the mistakes that must be impossible to miss, each reproduced.

use std::path::Path;

use crate::common::*;

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_missing_input_or_a_folder_without_workbooks_stops_every_command_before_it_writes() {
    let tmp = scratch("missing-inputs");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let commands: &[&[&str]] = &[
        &["check"],
        &["build", "--out", "out"],
        &["mail", "--out", "out"],
        &["site", "--out", "out/site"],
        &["portfolio", "--out", "out"],
        &["rescore", "--from", "v1.2", "--to", "v1.3"],
    ];
    for cmd in commands {
        // No PATH, and no inputs/ here: the message says where it looked and what to do.
        let o = run(cmd, dir);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {err}");
        assert!(
            err.contains("inputs: no such folder; with no PATH"),
            "{cmd:?}: {err}"
        );
        assert!(err.contains("nothing was written"), "{cmd:?}: {err}");
        // A path that does not exist, beside one that does.
        let o = run(&[*cmd, &["nope.xlsx", "../../missing"]].concat(), dir);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {err}");
        assert!(
            err.contains("error: nope.xlsx: no such file or folder"),
            "{cmd:?}: {err}"
        );
        assert!(
            err.contains("../../missing: no such file or folder"),
            "{cmd:?}: {err}"
        );
        // A folder without a workbook.
        let o = run(&[*cmd, &["empty"]].concat(), dir);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {err}");
        assert!(err.contains("no workbooks in empty"), "{cmd:?}: {err}");
        assert_eq!(tree(dir), Vec::<String>::new(), "{cmd:?} wrote something");
    }
    for cmd in [
        &["score", "nope.xlsx"][..],
        &["export-typst", "nope.xlsx", "proj"],
    ] {
        let o = run(cmd, dir);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("nope.xlsx: no such file"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(tree(dir), Vec::<String>::new());
}

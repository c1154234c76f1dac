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

#[test]
fn the_published_site_names_no_path_of_the_machine_it_was_built_on() {
    let tmp = scratch("site-paths");
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    std::fs::create_dir_all(dir.join("inputs")).unwrap();
    for f in ["coreweave.xlsx", "fictional-sample-ai.xlsx"] {
        std::fs::copy(
            root().join("examples/portfolio").join(f),
            dir.join("inputs").join(f),
        )
        .unwrap();
    }
    let o = run(&["site"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Twice: the second run keeps its state beside the pages.
    let o = run(&["site"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let site = dir.join("out/site");
    let files = tree(&site);
    assert!(
        files.iter().any(|f| f.starts_with(".layerbrief-")),
        "{files:?}"
    );
    let here = dir.to_string_lossy().into_owned();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    for f in &files {
        let bytes = std::fs::read(site.join(f)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&here), "{f} names the build folder {here}");
        assert!(
            !text.contains(&format!("{home}/")),
            "{f} names the home folder"
        );
    }
}

#[test]
fn layers_that_contradict_their_components_are_named_at_their_row() {
    let tmp = scratch("contradictions");
    let dir = tmp.path();
    // Layer 3 says the vendor delivers it, but no component stands in it; layer 2A says the
    // vendor exposes nothing, but its components are exposed.
    let mut b = coreweave();
    b.sheet("Components").rows.retain(|r| r[1] != "3");
    b.set("Layers", "2A", "capability", "none");
    let (code, err) = check(&b.write_xlsx(&dir.join("contradicts.xlsx")));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: layer 3 says the vendor delivers it (capability default, delivery vendor), but no component of the Components sheet shows it"),
        "{err}"
    );
    assert!(
        err.contains("warning: layer 2A says the vendor exposes nothing (capability none), but it exposes components 2A.1, 2A.2"),
        "{err}"
    );
    assert!(err.contains("contradicts.xlsx: Layers!C9"), "{err}");
    assert!(err.contains("contradicts.xlsx: Layers!C6"), "{err}");
    // A complete assessment with nothing to score is refused; a pending one is not.
    let mut b = coreweave();
    b.sheet("Components").rows.truncate(1);
    b.sheet("Overrides").rows.truncate(1);
    b.sheet("History").rows.truncate(1);
    let (code, err) = check(&b.write_xlsx(&dir.join("empty.xlsx")));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error: a complete assessment with no component to score")
            && err.contains("set assessment_status to pending"),
        "{err}"
    );
    b.set("Assessment", "assessment_status", "value", "pending");
    let (code, err) = check(&b.write_xlsx(&dir.join("pending.xlsx")));
    assert_eq!(code, 0, "{err}");
}

//! Batches: incremental rebuilds, methodology bumps, shards and watch mode.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use crate::common::*;

/// Writes `n` copies of the CoreWeave workbook with distinct ids into `dir/in`.
fn copies(dir: &Path, n: usize) {
    for i in 0..n {
        let mut b = coreweave();
        b.set(
            "Assessment",
            "assessment_id",
            "value",
            &format!("cw-{i:02}"),
        );
        b.write_xlsx(&dir.join(format!("in/cw-{i:02}.xlsx")));
    }
}

/// `build in --out out` with `extra`, which must succeed; its summary line.
fn build_line(dir: &Path, extra: &[&str]) -> String {
    let (code, err) = build(dir, &[&["in", "--out", "out"], extra].concat());
    assert_eq!(code, 0, "{err}");
    err.lines().last().unwrap_or_default().to_string()
}

fn starts(line: &str, want: &str) {
    assert!(line.starts_with(want), "expected `{want}…`, got `{line}`");
}

#[test]
fn incremental_builds_rebuild_only_what_changed() {
    let tmp = scratch("incremental");
    let dir = tmp.path();
    copies(dir, 3);
    starts(&build_line(dir, &[]), "3 built, 0 unchanged, 0 failed");
    let first = std::fs::read(dir.join("out/cw-01.pdf")).unwrap();
    starts(&build_line(dir, &[]), "0 built, 3 unchanged, 0 failed");

    // Editing one workbook rebuilds one brief.
    let mut b = coreweave();
    b.set("Assessment", "assessment_id", "value", "cw-01").set(
        "Layers",
        "3",
        "headline",
        "W&B developer plane, captive",
    );
    b.write_xlsx(&dir.join("in/cw-01.xlsx"));
    starts(&build_line(dir, &[]), "1 built, 2 unchanged, 0 failed");
    assert_ne!(std::fs::read(dir.join("out/cw-01.pdf")).unwrap(), first);

    // A PDF deleted or edited by hand is rebuilt; a corrupt manifest means a full rebuild.
    std::fs::remove_file(dir.join("out/cw-02.pdf")).unwrap();
    starts(&build_line(dir, &[]), "1 built, 2 unchanged, 0 failed");
    // Edited in place, its size kept: the file's stamp changes, and its hash tells.
    let pdf = dir.join("out/cw-00.pdf");
    let mut bytes = std::fs::read(&pdf).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    std::fs::write(&pdf, &bytes).unwrap();
    starts(&build_line(dir, &[]), "1 built, 2 unchanged, 0 failed");
    // The folder copied elsewhere: every stamp differs, every hash holds.
    std::fs::create_dir_all(dir.join("copy")).unwrap();
    for f in std::fs::read_dir(dir.join("out")).unwrap() {
        let f = f.unwrap().path();
        // The briefs and the manifest (the archive, a folder, is not needed).
        if f.is_file() {
            std::fs::copy(&f, dir.join("copy").join(f.file_name().unwrap())).unwrap();
        }
    }
    let o = run(&["build", "in", "--out", "copy"], dir);
    starts(
        stderr(&o).lines().last().unwrap_or_default(),
        "0 built, 3 unchanged, 0 failed",
    );
    std::fs::write(
        dir.join("out/.layerbrief-manifest.json"),
        b"{\"format\": 1, \"briefs\": [",
    )
    .unwrap();
    starts(&build_line(dir, &[]), "3 built, 0 unchanged, 0 failed");
    starts(
        &build_line(dir, &["--force"]),
        "3 built, 0 unchanged, 0 failed",
    );

    // Another ruleset rebuilds every brief it affects.
    starts(
        &build_line(dir, &["--methodology", "v1.2"]),
        "3 built, 0 unchanged, 0 failed",
    );
    starts(
        &build_line(dir, &["--methodology", "v1.2"]),
        "0 built, 3 unchanged, 0 failed",
    );
}

#[test]
fn a_template_change_rebuilds_all() {
    let tmp = scratch("tpl-change");
    let dir = tmp.path();
    copies(dir, 2);
    std::fs::create_dir_all(dir.join("tpl")).unwrap();
    std::fs::write(dir.join("tpl/brief.typ"), "#let data = json(\"/data.json\")\n#set document(title: data.assessment.vendor)\n#set text(lang: \"en\")\n= #data.assessment.vendor\n").unwrap();
    starts(
        &build_line(dir, &["--templates", "tpl"]),
        "2 built, 0 unchanged, 0 failed",
    );
    starts(
        &build_line(dir, &["--templates", "tpl"]),
        "0 built, 2 unchanged, 0 failed",
    );
    std::fs::write(dir.join("tpl/brief.typ"), "#let data = json(\"/data.json\")\n#set document(title: data.assessment.vendor)\n#set text(lang: \"en\")\n= Brief: #data.assessment.vendor\n").unwrap();
    starts(
        &build_line(dir, &["--templates", "tpl"]),
        "2 built, 0 unchanged, 0 failed",
    );
}

#[test]
fn shards_partition_the_inputs() {
    let tmp = scratch("shards");
    let dir = tmp.path();
    copies(dir, 5);
    let mut seen = Vec::new();
    for k in 1..=3 {
        let out = format!("out{k}");
        let o = run(
            &[
                "build",
                "in",
                "--out",
                &out,
                "--shard",
                &format!("{k}/3"),
                "--pdf-standard",
                "none",
            ],
            dir,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        for e in std::fs::read_dir(dir.join(&out)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".pdf") {
                seen.push(name);
            }
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "cw-00.pdf",
            "cw-01.pdf",
            "cw-02.pdf",
            "cw-03.pdf",
            "cw-04.pdf"
        ]
    );
    let o = run(&["build", "in", "--shard", "4/3"], dir);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn rescore_reports_exactly_the_bump() {
    let o = run(
        &[
            "rescore",
            "--from",
            "v1.2",
            "--to",
            "v1.3",
            "inputs/coreweave.xlsx",
            "--json",
        ],
        &root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["from"].as_str(), v["to"].as_str()),
        (Some("v1.2"), Some("v1.3"))
    );
    let changes = &v["assessments"][0]["changes"];
    assert_eq!(
        changes,
        &serde_json::json!([
            {"target": "1A.1", "kind": "dapm", "from": "Retained", "to": "Delegated", "rule": "R-MANAGED-SERVICE"},
            {"target": "1A.2", "kind": "dapm", "from": "Retained", "to": "Delegated", "rule": "R-MANAGED-SERVICE"},
            {"target": "1A", "kind": "layer_authority", "from": ["Retained", "Ceded"], "to": ["Delegated", "Ceded"], "rule": "R-MANAGED-SERVICE"},
            {"target": "2C", "kind": "status_level", "from": "moderate", "to": "gap", "rule": "R-2C-THRESHOLD"},
        ])
    );
    let review: Vec<&str> = v["assessments"][0]["review"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["target"].as_str().unwrap())
        .collect();
    assert!(
        review.contains(&"1A") && review.contains(&"2C"),
        "{review:?}"
    );
}

#[test]
fn rescore_proposes_history_rows() {
    let tmp = scratch("history");
    let dir = tmp.path();
    let o = run(
        &[
            "rescore",
            "--from",
            "v1.2",
            "--to",
            "v1.3",
            root().join("inputs/coreweave.xlsx").to_str().unwrap(),
            "--history",
            "h.csv",
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let today = chrono::Local::now().format("%b %-d %Y").to_string();
    let rows = read_csv(&dir.join("h.csv"));
    assert_eq!(
        rows[0],
        [
            "seq",
            "doc_version",
            "date",
            "layer_id",
            "target_id",
            "field",
            "from_value",
            "to_value",
            "rule_id",
            "render",
            "text",
            "ruleset"
        ]
    );
    // The document's next version (it is v1.3), the rescore's date, the ruleset on its own.
    assert_eq!(
        rows[1],
        [
            "9",
            "v1.4",
            today.as_str(),
            "1A",
            "1A.1",
            "dapm",
            "Retained",
            "Delegated",
            "R-MANAGED-SERVICE",
            "N",
            "",
            "v1.3"
        ]
    );
    assert_eq!(
        rows[3],
        [
            "11",
            "v1.4",
            today.as_str(),
            "1A",
            "1A",
            "layer_authority",
            "Retained|Ceded",
            "Delegated|Ceded",
            "R-MANAGED-SERVICE",
            "N",
            "",
            "v1.3"
        ]
    );
    assert_eq!(rows.len(), 5);
    // Pasted into the workbook, they validate; check says they belong to a later version
    // until the document's version is raised, then says nothing.
    let mut b = coreweave();
    b.sheet("History").rows[0].push("ruleset".into());
    for r in &rows[1..] {
        b.push("History", &r.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let (code, err) = check(&b.write_xlsx(&dir.join("pasted.xlsx")));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("History row of v1.4, later than this document's version v1.3")
            && err.contains("raise doc_version on the Assessment sheet to v1.4"),
        "{err}"
    );
    b.set("Assessment", "doc_version", "value", "v1.4");
    let (code, err) = check(&b.write_xlsx(&dir.join("raised.xlsx")));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
    // A ruleset unknown to --to or --from is named with its flag.
    let o = run(&["rescore", "--from", "v1.2", "--to", "v1.5"], dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown ruleset `v1.5` for --to"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn watch_rebuilds_on_save() {
    let tmp = scratch("watch");
    let dir = tmp.path();
    copies(dir, 1);
    let watch = Background(
        layerbrief()
            .args([
                "build",
                "--watch",
                "in",
                "--out",
                "out",
                "--pdf-standard",
                "none",
            ])
            .current_dir(dir)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let pdf = dir.join("out/cw-00.pdf");
    let wait = |cond: &dyn Fn() -> bool| {
        let t0 = Instant::now();
        while !cond() && t0.elapsed() < Duration::from_secs(90) {
            std::thread::sleep(Duration::from_millis(200));
        }
        cond()
    };
    let built = wait(&|| pdf.exists());
    let before = std::fs::read(&pdf).unwrap_or_default();
    std::thread::sleep(Duration::from_millis(500));
    let mut b = coreweave();
    b.set("Assessment", "assessment_id", "value", "cw-00").set(
        "Assessment",
        "doc_version",
        "value",
        "v1.4",
    );
    b.write_xlsx(&dir.join("in/cw-00.xlsx"));
    let rebuilt = wait(&|| {
        std::fs::read(&pdf)
            .map(|now| now != before)
            .unwrap_or(false)
    });
    drop(watch);
    assert!(built, "no first build");
    assert!(rebuilt, "no rebuild after the workbook was saved");
}

#[test]
fn rescore_keeps_computed_changes_under_an_override() {
    let tmp = scratch("rescore-override");
    let dir = tmp.path();
    let mut b = coreweave();
    b.push(
        "Overrides",
        &[
            "O1",
            "layer",
            "2C",
            "status_level",
            "moderate",
            "The loop's evaluation plane is multi-component in practice; judged moderate.",
            "K. Townsend",
            "2026-06-20",
            "v1.3",
        ],
    );
    let path = b.write_xlsx(&dir.join("o.xlsx"));
    let o = run(
        &[
            "rescore",
            "--from",
            "v1.2",
            "--to",
            "v1.3",
            path.to_str().unwrap(),
            "--json",
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let changes = v["assessments"][0]["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["target"] == "2C" && c["kind"] == "status_level" && c["to"] == "gap"),
        "the computed 2C change is hidden by the override: {changes:?}"
    );
}

/// `build --watch` of `in` into `out` (and `extra`) in the background, with its stderr lines.
fn watch(dir: &Path, extra: &[&str]) -> (Background, Receiver<String>) {
    let mut child = layerbrief()
        .args(["build", "--watch", "in", "--out", "out"])
        .args(extra)
        .current_dir(dir)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = stderr_lines(&mut child);
    (Background(child), lines)
}

/// The lines that arrive within `within` (all of them, however long `within` is).
fn lines_for(lines: &Receiver<String>, within: Duration) -> Vec<String> {
    let until = Instant::now() + within;
    let mut got = Vec::new();
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(l) => got.push(l),
            Err(_) => break,
        }
    }
    got
}

/// The next status line of a watch (`[12:00:00] 1 built, …`), waiting up to `limit`.
fn next_status(lines: &Receiver<String>, limit: Duration) -> Option<String> {
    let until = Instant::now() + limit;
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(l) if l.starts_with('[') => return Some(l),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

#[test]
fn watch_is_quiet_when_idle_and_rebuilds_once_per_save() {
    let tmp = scratch("watch-idle");
    let dir = tmp.path();
    copies(dir, 1);
    let (watch, lines) = watch(dir, &["--pdf-standard", "none"]);
    let first = next_status(&lines, Duration::from_secs(180)).expect("no first build");
    assert!(first.contains("1 built"), "{first}");

    // Idle: its own reads of the workbook must not start another build.
    let idle = lines_for(&lines, Duration::from_secs(10));
    assert!(idle.is_empty(), "an idle watch printed {idle:?}");

    // Save as Excel does: a new copy under a temporary name, renamed over the workbook.
    let mut b = coreweave();
    b.set("Assessment", "assessment_id", "value", "cw-00").set(
        "Assessment",
        "doc_version",
        "value",
        "v1.4",
    );
    let temp = b.write_xlsx(&dir.join("in/3F2A1B00"));
    std::fs::rename(&temp, dir.join("in/cw-00.xlsx")).unwrap();
    let rebuilt = next_status(&lines, Duration::from_secs(180)).expect("no rebuild after a save");
    assert!(rebuilt.contains("1 built, 0 unchanged"), "{rebuilt}");
    let after: Vec<String> = lines_for(&lines, Duration::from_secs(5))
        .into_iter()
        .filter(|l| l.starts_with('['))
        .collect();
    drop(watch);
    assert!(
        after.is_empty(),
        "one save, more than one rebuild: {after:?}"
    );
}

/// A watch keeps its engine and Typst's caches between rebuilds: what it writes must be what a
/// fresh build writes, and a template saved meanwhile must be used.
#[test]
fn warm_watch_rebuilds_match_fresh_builds_and_follow_template_edits() {
    let tmp = scratch("watch-warm");
    let dir = tmp.path();
    copies(dir, 2);
    std::fs::create_dir_all(dir.join("tpl")).unwrap();
    let (watch, lines) = watch(dir, &["--templates", "tpl"]);
    let first = next_status(&lines, Duration::from_secs(180)).expect("no first build");
    assert!(first.contains("2 built"), "{first}");

    // One paragraph edited: the rebuild reuses the layout of the rest.
    let mut b = coreweave();
    b.set("Assessment", "assessment_id", "value", "cw-01");
    let summary = b.sheet("Summary").rows[1][2].clone();
    b.set(
        "Summary",
        "1",
        "paragraph",
        &format!("{summary} An added sentence."),
    );
    let temp = b.write_xlsx(&dir.join("in/~saving"));
    std::fs::rename(&temp, dir.join("in/cw-01.xlsx")).unwrap();
    let rebuilt = next_status(&lines, Duration::from_secs(180)).expect("no rebuild after a save");
    assert!(rebuilt.contains("1 built, 1 unchanged"), "{rebuilt}");
    let o = run(
        &["build", "in/cw-01.xlsx", "--out", "fresh", "--force"],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let warm = std::fs::read(dir.join("out/cw-01.pdf")).unwrap();
    assert_eq!(warm, std::fs::read(dir.join("fresh/cw-01.pdf")).unwrap());
    let text = pdf_text(&dir.join("out/cw-01.pdf"));
    assert!(text.contains("An added sentence."), "{text}");

    // A template saved: both briefs are rebuilt with it.
    std::fs::write(
        dir.join("tpl/brief.typ"),
        "#let data = json(\"/data.json\")\n#metadata((title: data.assessment.vendor)) <document-info>\n= Swapped template for #data.assessment.id\n",
    )
    .unwrap();
    let swapped =
        next_status(&lines, Duration::from_secs(180)).expect("no rebuild after a template save");
    drop(watch);
    assert!(swapped.contains("2 built"), "{swapped}");
    let text = pdf_text(&dir.join("out/cw-00.pdf"));
    assert!(text.contains("Swapped template for cw-00"), "{text}");
}

#[test]
fn leftover_temp_files_of_dead_builds_are_removed() {
    let tmp = scratch("stale-tmp");
    let dir = tmp.path();
    copies(dir, 1);
    starts(&build_line(dir, &["--pdf-standard", "none"]), "1 built");
    // A process that has exited and been reaped, and a pid above Linux's largest pid_max.
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let out = dir.join("out");
    let dead = [
        format!(".cw-00.pdf.{}.tmp", gone.id()),
        ".cw-07.pdf.4194305.tmp".to_string(),
        "..layerbrief-manifest.json.4194305.tmp".to_string(),
    ];
    let live = format!(".cw-00.pdf.{}.tmp", std::process::id());
    let not_ours = ".notes.txt.4194305.tmp".to_string();
    for name in dead.iter().chain([&live, &not_ours]) {
        std::fs::write(out.join(name), b"half a file").unwrap();
    }
    let o = run(
        &["build", "in", "--out", "out", "--pdf-standard", "none"],
        dir,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("0 built, 1 unchanged, 0 failed"), "{err}");
    for name in &dead {
        assert!(!out.join(name).exists(), "{name} is left: {err}");
        assert!(
            err.contains(&format!(
                "note: removed out/{name}, left by an interrupted build"
            )),
            "{err}"
        );
    }
    assert!(
        out.join(&live).exists(),
        "a running build's file was removed"
    );
    assert!(out.join(&not_ours).exists(), "a file not ours was removed");
}

#[test]
fn a_killed_build_keeps_the_briefs_it_finished() {
    let tmp = scratch("killed");
    let dir = tmp.path();
    copies(dir, 6);
    let mut child = layerbrief()
        .args([
            "build",
            "in",
            "--out",
            "out",
            "-j",
            "1",
            "--pdf-standard",
            "none",
        ])
        .current_dir(dir)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = stderr_lines(&mut child);
    let mut seen = Vec::new();
    while let Ok(l) = lines.recv_timeout(Duration::from_secs(180)) {
        let built = l.starts_with("built ");
        seen.push(l);
        if built {
            break;
        }
    }
    // SIGKILL: no chance to tidy up.
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.iter().any(|l| l.starts_with("built ")),
        "no brief was built: {seen:?}"
    );
    let line = build_line(dir, &["-j", "1", "--pdf-standard", "none"]);
    let unchanged: usize = line
        .split(", ")
        .find_map(|p| p.strip_suffix(" unchanged"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no summary: {line}"));
    assert!(unchanged >= 1, "the finished brief was built again: {line}");
    assert!(line.contains(", 0 failed"), "{line}");
    let names = file_names(&dir.join("out"));
    assert!(
        names.iter().all(|n| !n.ends_with(".tmp")),
        "temporary files are left: {names:?}"
    );
    assert_eq!(names.iter().filter(|n| n.ends_with(".pdf")).count(), 6);
}

/// Two `build` processes at once; returns their exit codes and stderr once both are done.
fn two_at_once(dir: &Path, a: &[&str], b: &[&str]) -> [(Option<i32>, String); 2] {
    let spawn = |args: &[&str]| {
        Background(
            layerbrief()
                .args(args)
                .args(["-j", "1", "--pdf-standard", "none"])
                .current_dir(dir)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        )
    };
    let mut both = [spawn(a), spawn(b)];
    both.each_mut().map(|p| {
        let mut err = String::new();
        if let Some(mut pipe) = p.0.stderr.take() {
            std::io::Read::read_to_string(&mut pipe, &mut err).unwrap();
        }
        (p.0.wait().unwrap().code(), err)
    })
}

/// The manifest entries of `out`, by workbook.
fn manifest_briefs(out: &Path) -> serde_json::Map<String, serde_json::Value> {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(".layerbrief-manifest.json")).unwrap())
            .unwrap();
    manifest["briefs"].as_object().unwrap().clone()
}

#[test]
fn builds_at_once_on_one_folder_keep_every_entry() {
    let tmp = scratch("concurrent");
    let dir = tmp.path();
    copies(dir, 4);
    let workbook = |i: usize| {
        std::fs::canonicalize(dir.join(format!("in/cw-{i:02}.xlsx")))
            .unwrap()
            .display()
            .to_string()
    };

    // The same inputs, twice at once.
    let all = ["build", "in", "--out", "out"];
    for (code, err) in two_at_once(dir, &all, &all) {
        assert_eq!(code, Some(0), "{err}");
    }
    // Every workbook has its entry (named by a hash of its path: no path of the machine).
    let briefs = manifest_briefs(&dir.join("out"));
    let mut outputs: Vec<&str> = briefs
        .values()
        .map(|e| e["output"].as_str().unwrap())
        .collect();
    outputs.sort();
    assert_eq!(
        outputs,
        ["cw-00.pdf", "cw-01.pdf", "cw-02.pdf", "cw-03.pdf"],
        "{briefs:#?}"
    );
    assert!(briefs.keys().all(|k| !k.contains("cw-")), "{briefs:#?}");
    starts(
        &build_line(dir, &["--pdf-standard", "none"]),
        "0 built, 4 unchanged, 0 failed",
    );

    // Different inputs at once into one folder: neither build loses the other's entries.
    let (w0, w1, w2, w3) = (workbook(0), workbook(1), workbook(2), workbook(3));
    let results = two_at_once(
        dir,
        &["build", &w0, &w1, "--out", "out2"],
        &["build", &w2, &w3, "--out", "out2"],
    );
    for (code, err) in results {
        assert_eq!(code, Some(0), "{err}");
    }
    let briefs = manifest_briefs(&dir.join("out2"));
    assert_eq!(briefs.len(), 4, "{briefs:#?}");
    let o = run(
        &["build", "in", "--out", "out2", "--pdf-standard", "none"],
        dir,
    );
    assert!(
        stderr(&o).contains("0 built, 4 unchanged, 0 failed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_first_workbook_in_input_order_keeps_a_shared_output_file() {
    let tmp = scratch("claims");
    let dir = tmp.path();
    // Six workbooks: cw-00 … cw-05, where b and e reuse the ids of a and d.
    copies(dir, 6);
    for (copy, id) in [("cw-01", "cw-00"), ("cw-04", "cw-03")] {
        let mut b = coreweave();
        b.set("Assessment", "assessment_id", "value", id);
        b.set("Assessment", "vendor", "value", &format!("Copy of {id}"));
        b.write_xlsx(&dir.join(format!("in/{copy}.xlsx")));
    }
    for jobs in ["1", "2", "4"] {
        let _ = std::fs::remove_dir_all(dir.join("out"));
        let o = run(&["build", "in", "--out", "out", "-j", jobs], dir);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        for (copy, first) in [("cw-01", "cw-00"), ("cw-04", "cw-03")] {
            let want = format!(
                "in/{copy}.xlsx: would write out/{first}.pdf, which in/{first}.xlsx also writes"
            );
            assert!(err.contains(&want), "-j {jobs}: {err}");
        }
        assert!(
            err.contains("4 built, 0 unchanged, 2 failed"),
            "-j {jobs}: {err}"
        );
        // The PDF is the first workbook's.
        let text = pdf_text(&dir.join("out/cw-00.pdf"));
        assert!(!text.contains("Copy of cw-00"), "-j {jobs}");
    }
}

#[test]
fn prune_removes_the_briefs_of_workbooks_taken_out_and_leaves_changed_ones() {
    let dir = scratch("prune");
    let inputs = dir.path().join("in");
    let names = ["alpha", "beta", "gamma"];
    for id in names {
        let mut b = coreweave();
        b.set("Assessment", "assessment_id", "value", id);
        b.write_xlsx(&inputs.join(format!("{id}.xlsx")));
    }
    let (code, err) = build(dir.path(), &["in", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    // beta taken out; gamma taken out too, but its PDF was changed by hand since.
    std::fs::remove_file(inputs.join("beta.xlsx")).unwrap();
    std::fs::remove_file(inputs.join("gamma.xlsx")).unwrap();
    std::fs::write(dir.path().join("out/gamma.pdf"), b"edited by hand").unwrap();
    // Without --prune, nothing goes.
    let (code, _) = build(dir.path(), &["in", "--out", "out"]);
    assert_eq!(code, 0);
    assert!(dir.path().join("out/beta.pdf").exists());
    let (code, err) = build(dir.path(), &["in", "--out", "out", "--prune"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("pruned out/beta.pdf: its workbook is no longer among the inputs"),
        "{err}"
    );
    assert!(
        err.contains("out/gamma.pdf was changed since it was built: left as it is"),
        "{err}"
    );
    assert!(!dir.path().join("out/beta.pdf").exists());
    assert!(dir.path().join("out/gamma.pdf").exists());
    assert!(dir.path().join("out/alpha.pdf").exists());
    // The manifest forgot both: a second --prune says nothing.
    let (code, err) = build(dir.path(), &["in", "--out", "out", "--prune"]);
    assert_eq!(code, 0);
    assert!(
        !err.contains("prune") && !err.contains("changed since"),
        "{err}"
    );
    // A shard sees only its slice of the inputs: pruning from it is refused.
    let (code, err) = build(
        dir.path(),
        &["in", "--out", "out", "--prune", "--shard", "1/2"],
    );
    assert_eq!(code, 2, "{err}");
}

/// The files of a site folder other than its own bookkeeping (hidden), with their bytes.
fn site_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Two site folders hold the same files with the same bytes (named on failure).
fn same_site(a: &Path, b: &Path) {
    let (fa, fb) = (site_files(a), site_files(b));
    let names =
        |m: &std::collections::BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&fa),
        names(&fb),
        "{} and {}",
        a.display(),
        b.display()
    );
    let differ: Vec<&String> = fa.keys().filter(|k| fa[*k] != fb[*k]).collect();
    assert!(differ.is_empty(), "these differ: {differ:?}");
}

#[test]
fn after_sharded_builds_site_and_mail_typeset_nothing_and_the_site_is_the_one_machine_site() {
    let tmp = scratch("shard-publish");
    let dir = tmp.path();
    copies(dir, 6);
    broken().write_xlsx(&dir.join("in/broken.xlsx"));
    let said = |args: &[&str]| -> String {
        let o = run(args, dir);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            stderr(&o)
        );
        stderr(&o)
    };
    for k in 1..=2 {
        said(&["build", "in", "--shard", &format!("{k}/2")]);
    }
    // One machine: every brief typeset for the site (--force takes none from the build),
    // the archive the builds kept read as the sharded site reads it.
    let one = said(&["site", "in", "--out", "one", "--force"]);
    assert!(one.contains("6 built, 0 unchanged, 1 failed"), "{one}");

    // After the shards: the site takes their briefs and typesets none; mail neither.
    let site = said(&["site", "in"]);
    assert!(
        site.contains("0 built, 6 taken from another build, 0 unchanged, 1 failed"),
        "{site}"
    );
    same_site(&dir.join("one"), &dir.join("out/site"));
    let index = std::fs::read_to_string(dir.join("out/site/index.html")).unwrap();
    assert!(
        index.contains("broken.xlsx (invalid)"),
        "the invalid workbook is named"
    );
    let mail = said(&["mail", "in"]);
    assert!(mail.contains("0 built, 6 unchanged, 1 failed"), "{mail}");
    // The PDFs are the shards' own files, linked.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let a = std::fs::metadata(dir.join("out/cw-03.pdf")).unwrap();
        let b = std::fs::metadata(dir.join("out/site/cw-03/cw-03.pdf")).unwrap();
        assert_eq!(a.ino(), b.ino(), "hard-linked");
    }

    // The site sharded too: each slice writes its pages, then the whole site renders none.
    for k in 1..=2 {
        let slice = said(&[
            "site",
            "in",
            "--out",
            "sharded",
            "--shard",
            &format!("{k}/2"),
        ]);
        assert!(
            slice.contains(&format!("slice {k} of 2 written")),
            "{slice}"
        );
        assert!(
            !dir.join("sharded/index.html").exists(),
            "the shared pages wait"
        );
    }
    let whole = said(&["site", "in", "--out", "sharded"]);
    assert!(whole.contains("0 built, 6 unchanged, 1 failed"), "{whole}");
    assert!(
        whole.contains("site: 0 assessment page(s) rendered"),
        "{whole}"
    );
    same_site(&dir.join("one"), &dir.join("sharded"));

    // Other options are other briefs: typeset again.
    let a4 = said(&["site", "in", "--paper", "a4", "--out", "a4"]);
    assert!(a4.contains("6 built"), "{a4}");
}

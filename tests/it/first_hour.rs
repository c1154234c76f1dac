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

#[test]
fn the_firms_name_not_the_tools_carries_the_portfolio_and_the_site() {
    let tmp = scratch("firm-name");
    let dir = tmp.path();
    let examples = root().join("examples/portfolio");
    let examples = examples.to_str().unwrap();
    // The portfolio page: the publisher in its footer, the tool in the PDF's metadata only.
    let o = run(&["portfolio", examples, "--out", "p"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = pdf_text(&dir.join("p/portfolio.pdf"));
    assert!(text.contains("The CTO Advisor LLC"), "{text}");
    assert!(!text.contains("layerbrief"), "{text}");
    let info = tool_ok("pdfinfo", &[dir.join("p/portfolio.pdf").to_str().unwrap()]);
    assert!(info.contains("Creator:         layerbrief"), "{info}");
    let o = run(
        &[
            "portfolio",
            examples,
            "--out",
            "t",
            "--title",
            "Acme Research",
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(pdf_text(&dir.join("t/portfolio.pdf")).contains("Acme Research"));
    // The site: the firm's name in every page's title, brand and footer; the tool in the
    // generator tag only; an icon of its own, inline.
    for (title, name) in [
        (None, "The CTO Advisor LLC"),
        (Some("Acme Research"), "Acme Research"),
    ] {
        let mut args = vec!["site", examples, "--out", "site"];
        if let Some(t) = title {
            args.extend(["--title", t]);
        }
        let o = run(&args, dir);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        for page in ["index.html", "methodology.html", "coreweave/index.html"] {
            let html = std::fs::read_to_string(dir.join("site").join(page)).unwrap();
            assert!(
                html.contains(&format!(" · {name}</title>")),
                "{page}: {html}"
            );
            assert!(html.contains("class=\"brand\" href=\""), "{page}");
            assert!(html.contains(&format!(">{name}</a>")), "{page}");
            assert!(
                html.contains("<meta name=\"generator\" content=\"layerbrief "),
                "{page}"
            );
            let footer = &html[html.find("<footer").unwrap()..];
            assert!(
                !footer.contains("layerbrief"),
                "{page}: the tool in the footer: {footer}"
            );
            // A brief's page is signed by the brief's publisher; the others by the site.
            let signed = if page.contains('/') {
                "The CTO Advisor LLC"
            } else {
                name
            };
            assert!(footer.contains(signed), "{page}: {footer}");
            assert!(
                html.contains(
                    "<link rel=\"icon\" type=\"image/svg+xml\" href=\"data:image/svg+xml,"
                ),
                "{page}"
            );
        }
    }
}

#[test]
fn help_groups_options_ends_with_examples_and_check_speaks_json() {
    let tmp = scratch("help");
    let dir = tmp.path();
    let help = stdout(&run(&["mail", "-h"], dir));
    let at = |heading: &str| {
        help.find(heading)
            .unwrap_or_else(|| panic!("{heading}: {help}"))
    };
    assert!(at("Recipients and sending:") < at("--to <ADDR>"));
    assert!(at("Typesetting:") < at("Limits:") && at("Fonts:") < at("Limits:"));
    assert!(at("--to <ADDR>") < at("--max-file-size"));
    assert!(
        help.trim_end()
            .ends_with("send each brief once to its Distribution sheet"),
        "{help}"
    );
    let help = stdout(&run(&["build", "-h"], dir));
    assert!(help.contains("Watching and sharding:"), "{help}");
    for cmd in [
        "check",
        "score",
        "build",
        "init",
        "rescore",
        "mail",
        "export-typst",
        "portfolio",
        "site",
    ] {
        let help = stdout(&run(&[cmd, "-h"], dir));
        assert!(help.contains("Examples:\n  layerbrief "), "{cmd}: {help}");
    }
    // Values in any case; errors name the flag typed.
    let o = run(&["build", "nope.xlsx", "--paper", "A4"], dir);
    assert!(!stderr(&o).contains("--paper"), "{}", stderr(&o));
    let o = run(&["build", "--name-pattern", "{{ vendr }}.pdf"], dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--name-pattern `{{ vendr }}.pdf` uses `vendr`, which is not a variable (did you mean `vendor`?)"),
        "{}",
        stderr(&o)
    );
    // check --format json: one object a line, the problems at their cells, then the result.
    let mut b = coreweave();
    b.set("Components", "2A.2", "role", "sliverr");
    let wb = b.write_xlsx(&dir.join("broken.xlsx"));
    let o = run(&["check", wb.to_str().unwrap(), "--format", "json"], dir);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let d = lines.iter().find(|l| l["type"] == "diagnostic").unwrap();
    assert_eq!(d["severity"], "error");
    assert_eq!(d["sheet"], "Components");
    assert_eq!(d["message"], "unknown role `sliverr`");
    assert!(d["cell"].as_str().unwrap().starts_with('P'), "{d}");
    assert_eq!(lines.last().unwrap()["valid"], false);
    // Piped, nothing is coloured.
    assert!(!stderr(&run(&["check", wb.to_str().unwrap()], dir)).contains('\u{1b}'));
}

#[test]
fn the_portfolio_refuses_two_workbooks_of_one_assessment_as_build_does() {
    let tmp = scratch("portfolio-twice");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("in")).unwrap();
    for f in ["a.xlsx", "b.xlsx"] {
        std::fs::copy(root().join("inputs/coreweave.xlsx"), dir.join("in").join(f)).unwrap();
    }
    let o = run(&["portfolio", "in", "--out", "out"], dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("in/b.xlsx: assessment_id `coreweave` is also in/a.xlsx's"),
        "{err}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/portfolio.json")).unwrap()).unwrap();
    assert_eq!(json["vendors"].as_array().unwrap().len(), 1);
    assert_eq!(json["excluded"][0]["file"], "in/b.xlsx");
}

#[test]
fn init_example_writes_a_valid_assessment_to_learn_from() {
    let tmp = scratch("init-example");
    let dir = tmp.path();
    let o = run(&["init", "--example", "example.xlsx"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("next: layerbrief check example.xlsx"),
        "{}",
        stdout(&o)
    );
    let o = run(&["check", "example.xlsx"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .contains("ok (fictional-example-cloud under v1.3, 7 scored components, 0 warnings)"),
        "{}",
        stdout(&o)
    );
    // It reads as the example of examples/portfolio does.
    let score = |path: &str| stdout(&run(&["score", path, "--json"], dir));
    let example = root().join("examples/portfolio/fictional-example-cloud.xlsx");
    assert_eq!(score("example.xlsx"), score(example.to_str().unwrap()));
    let (code, err) = build(dir, &["example.xlsx", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("out/fictional-example-cloud.pdf").exists());
}

#[test]
fn completions_for_every_shell_and_a_man_page_per_command() {
    let dir = scratch("completions");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&["completions", shell], dir.path());
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for word in ["preview", "name-pattern", "portfolio"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    // The bash script is valid bash.
    let bash = dir.path().join("layerbrief.bash");
    std::fs::write(&bash, stdout(&run(&["completions", "bash"], dir.path()))).unwrap();
    tool_ok("bash", &["-n", bash.to_str().unwrap()]);
    let o = run(&["completions", "tcsh"], dir.path());
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );

    let man = dir.path().join("man/man1");
    let o = run(&["man", man.to_str().unwrap()], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut pages = file_names(&man);
    pages.sort();
    let mut want: Vec<String> = [
        "",
        "build",
        "check",
        "completions",
        "config",
        "diff",
        "export-typst",
        "init",
        "mail",
        "man",
        "portfolio",
        "preview",
        "rescore",
        "score",
        "site",
        "versions",
    ]
    .iter()
    .map(|c| match c {
        &"" => "layerbrief.1".to_string(),
        c => format!("layerbrief-{c}.1"),
    })
    .collect();
    want.sort();
    assert_eq!(pages, want);
    for page in &pages {
        // Every page is valid man(7): groff renders it without a warning.
        let o = std::process::Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(man.join(page))
            .output()
            .expect("groff");
        assert!(
            o.status.success() && o.stderr.is_empty(),
            "{page}: {}",
            stderr(&o)
        );
    }
    let build = std::fs::read_to_string(man.join("layerbrief-build.1")).unwrap();
    assert!(
        build.contains("layerbrief build") && build.contains("name\\-pattern"),
        "{build}"
    );
}

//! The project file: `layerbrief.toml` found from a subfolder, its profiles, the user file
//! below it, `config` naming every value's origin, and a bad file stopping the run at its
//! line and column.

use std::path::Path;
use std::process::Output;

use crate::common::*;

/// Runs the binary in `cwd` with the user file of `user` (a folder holding
/// `layerbrief/config.toml`) and the variables `env`.
fn run_with(args: &[&str], cwd: &Path, user: &Path, env: &[(&str, &str)]) -> Output {
    let mut c = layerbrief();
    c.args(args)
        .current_dir(cwd)
        .env("XDG_CONFIG_HOME", user)
        .env_remove("LAYERBRIEF_FROM");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// A project: `layerbrief.toml` as `init` writes it, with `extra` appended, the CoreWeave
/// workbook in `in/`, and a user file saying who sends.
fn project(dir: &Path, extra: &str) -> std::path::PathBuf {
    let o = run(&["init"], dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = dir.join("layerbrief.toml");
    let written = std::fs::read_to_string(&file).unwrap();
    let edited = written.replace("inputs = [\"inputs\"]", "inputs = [\"in\"]\npaper = \"a4\"");
    std::fs::write(&file, format!("{edited}\n{extra}")).unwrap();
    std::fs::create_dir_all(dir.join("in")).unwrap();
    coreweave().write_xlsx(&dir.join("in/coreweave.xlsx"));
    let user = dir.join("user");
    std::fs::create_dir_all(user.join("layerbrief")).unwrap();
    std::fs::write(
        user.join("layerbrief/config.toml"),
        "[mail]\nfrom = \"Pat Analyst <pat@firm.example>\"\nto = [\"Client <client@client.example>\"]\n",
    )
    .unwrap();
    user
}

fn page_size(pdf: &Path) -> String {
    let info = tool_ok("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_folder_with_a_project_file_builds_mails_and_publishes_with_no_flags() {
    let tmp = scratch("project-runs");
    let dir = tmp.path();
    let user = project(dir, "");
    // Run from a folder below the project's: the file is found above, its paths are its own.
    let sub = dir.join("notes/week-49");
    std::fs::create_dir_all(&sub).unwrap();

    let o = run_with(&["build"], &sub, &user, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = dir.join("out/coreweave.pdf");
    assert!(pdf.exists(), "{}", stderr(&o));
    assert!(
        page_size(&pdf).contains("595."),
        "A4 from the file: {}",
        page_size(&pdf)
    );
    assert!(!pdf_text(&pdf).contains("DRAFT"));
    assert!(
        !sub.join("out").exists(),
        "nothing written where the run was started"
    );

    // The draft profile marks every page, and the brief is rebuilt for it.
    let o = run_with(&["build"], &sub, &user, &[("LAYERBRIEF_PROFILE", "draft")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("built"), "{}", stderr(&o));
    let text = pdf_text(&pdf);
    let pages = pdf_pages(&pdf);
    assert!(
        text.matches("DRAFT").count() >= pages,
        "DRAFT on every page"
    );
    let verdicts = conformance(&[&pdf]);
    for profile in ["ua1", "2a"] {
        let v = &verdicts[pdf.to_str().unwrap()][profile];
        assert_eq!(v["compliant"], true, "{profile}: {}", v["report"]);
    }

    // mail writes drafts beside the briefs, from the user file's sender, to its recipient.
    let o = run_with(&["mail"], &sub, &user, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let eml = std::fs::read_to_string(dir.join("out/coreweave.eml")).unwrap();
    assert!(
        eml.contains("From: \"Pat Analyst\" <pat@firm.example>"),
        "{eml:.600}"
    );
    assert!(
        eml.contains("To: Client <client@client.example>"),
        "{eml:.600}"
    );
    // The variable stands above the files.
    let o = run_with(
        &["mail"],
        &sub,
        &user,
        &[("LAYERBRIEF_FROM", "desk@firm.example")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let eml = std::fs::read_to_string(dir.join("out/coreweave.eml")).unwrap();
    assert!(eml.contains("From: desk@firm.example"), "{eml:.600}");

    // site publishes into the file's out/site.
    let o = run_with(&["site"], &sub, &user, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("out/site/index.html").exists());
    assert!(
        dir.join("out/site/coreweave/index.html").exists(),
        "{}",
        stderr(&o)
    );

    // The command line wins over the file.
    let o = run_with(
        &["build", "--paper", "us-letter", "--out", "letter"],
        &sub,
        &user,
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(page_size(&sub.join("letter/coreweave.pdf")).contains("612 x 792"));
}

#[test]
fn config_shows_each_value_and_where_it_came_from() {
    let tmp = scratch("project-config");
    let dir = tmp.path();
    let user = project(dir, "");
    let file = dir.join("layerbrief.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "[profile.final.mail]\n",
            "[profile.final.mail]\nsmtp = \"smtps://mail.firm.example\"\n",
        ),
    )
    .unwrap();
    let o = run_with(
        &[
            "config",
            "--json",
            "mail",
            "--cc",
            "desk@firm.example",
            "--profile",
            "final",
        ],
        dir,
        &user,
        &[("LAYERBRIEF_FONT_PATH", "/srv/fonts")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["project_file"], "layerbrief.toml");
    assert_eq!(v["profile"], "final");
    let get = |key: &str| {
        v["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["command"] == "mail" && s["key"] == key)
            .unwrap_or_else(|| panic!("no {key}"))
            .clone()
    };
    assert_eq!(get("cc")["origin"]["kind"], "flag");
    assert_eq!(get("cc")["value"], serde_json::json!(["desk@firm.example"]));
    assert_eq!(get("font-path")["origin"]["kind"], "env");
    assert_eq!(
        get("font-path")["origin"]["variable"],
        "LAYERBRIEF_FONT_PATH"
    );
    assert_eq!(get("smtp")["origin"]["kind"], "profile");
    assert_eq!(get("smtp")["origin"]["profile"], "final");
    assert_eq!(get("smtp")["value"], "smtps://mail.firm.example");
    let text = std::fs::read_to_string(dir.join("layerbrief.toml")).unwrap();
    let smtp_line = text
        .lines()
        .position(|l| l.starts_with("smtp = \"smtps://mail.firm.example\""))
        .unwrap()
        + 1;
    assert_eq!(get("smtp")["origin"]["line"], smtp_line);
    assert_eq!(get("paper")["origin"]["kind"], "file");
    assert_eq!(get("paper")["value"], "a4");
    assert_eq!(get("out")["origin"]["kind"], "file", "mail reads [build]");
    assert_eq!(get("from")["origin"]["kind"], "user");
    assert_eq!(get("from")["value"], "Pat Analyst <pat@firm.example>");
    assert_eq!(get("max-size")["origin"]["kind"], "default");
    assert_eq!(get("max-size")["value"], "25MB");

    // The text form: TOML, each value with its origin.
    let o = run_with(&["config", "build"], dir, &user, &[]);
    let out = stdout(&o);
    assert!(out.contains("[build]"), "{out}");
    let paper = out.lines().find(|l| l.starts_with("paper = ")).unwrap();
    assert!(
        paper.contains("\"a4\"") && paper.contains("# layerbrief.toml:"),
        "{paper}"
    );
    let rows = out.lines().find(|l| l.starts_with("max-rows = ")).unwrap();
    assert!(rows.ends_with("# default"), "{rows}");
}

#[test]
fn a_bad_file_is_named_at_its_line_and_column_and_nothing_runs() {
    let tmp = scratch("project-bad");
    let dir = tmp.path();
    let user = project(dir, "");
    let file = dir.join("layerbrief.toml");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        good.replace(
            "[build]\nout = \"out\"",
            "[build]\nout = \"out\"\npapr = \"a4\"\njobs = -2",
        )
        .replace("[mail]", "[mail]\npassword = \"hunter2\"\nsmtp = [\"a\"]"),
    )
    .unwrap();
    let line = |needle: &str| {
        std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .position(|l| l.starts_with(needle))
            .unwrap()
            + 1
    };
    let o = run_with(&["build"], dir, &user, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "layerbrief.toml:{}:1: unknown setting `papr` in [build]",
            line("papr")
        )) && err.contains("help: did you mean `paper`?"),
        "{err}"
    );
    assert!(
        err.contains(&format!("layerbrief.toml:{}:8: `jobs`", line("jobs"))),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "layerbrief.toml:{}:1: `password`: secrets never go",
            line("password")
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "layerbrief.toml:{}:8: `smtp`: expected one value",
            line("smtp")
        )),
        "{err}"
    );
    assert!(
        err.contains("4 problem(s) in the settings files; nothing was run"),
        "{err}"
    );
    assert!(!dir.join("out").exists(), "nothing ran");
    // The commands that read no settings still run.
    assert!(run_with(&["completions", "bash"], dir, &user, &[])
        .status
        .success());

    // An unknown profile is named, with the profiles there are.
    std::fs::write(&file, &good).unwrap();
    let o = run_with(&["build", "--profile", "drafts"], dir, &user, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--profile drafts: no [profile.drafts] in it"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("did you mean `draft`?"),
        "{}",
        stderr(&o)
    );
    // A profile without a project file.
    let bare = scratch("project-bare");
    let o = run_with(&["build", "--profile", "x"], bare.path(), &user, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--profile x: no layerbrief.toml in this folder or any above it"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn init_writes_a_project_file_once_and_never_over_one_in_use() {
    let tmp = scratch("project-init");
    let dir = tmp.path();
    let o = run(&["init"], dir);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("wrote layerbrief.toml"));
    let o = run(&["init"], dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("layerbrief.toml already exists here"),
        "{}",
        stderr(&o)
    );
    let sub = dir.join("team");
    std::fs::create_dir_all(&sub).unwrap();
    let o = run(&["init"], &sub);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("../layerbrief.toml is the project file of this folder"),
        "{}",
        stderr(&o)
    );
    // A workbook under a project: no second project file.
    let o = run(&["init", "acme.xlsx"], &sub);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!sub.join("layerbrief.toml").exists());
    let o = run(&["init", "--force"], &sub);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(sub.join("layerbrief.toml").exists());
    // The written file is valid as it is.
    let o = run(&["config"], &sub);
    assert!(o.status.success(), "{}", stderr(&o));
}

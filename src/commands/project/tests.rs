use std::path::PathBuf;

use clap::CommandFactory;

use super::file::{Layer, Reader};
use super::schema::Schema;
use super::Project;
use crate::commands::args::Cli;

fn read(text: &str, dir: &str) -> super::file::Read {
    let cli = Cli::command();
    let schema = Schema::of(&cli);
    Reader {
        schema: &schema,
        cli: &cli,
        shown: "layerbrief.toml".into(),
        dir: PathBuf::from(dir),
        profiles: true,
    }
    .read(text, Layer::Project)
}

fn problems(text: &str) -> Vec<String> {
    read(text, "")
        .problems
        .iter()
        .map(|p| p.to_string())
        .collect()
}

#[test]
fn every_problem_is_named_at_its_line_and_column_with_a_suggestion() {
    let p = problems(
        "paper = \"a5\"\n[build]\npapr = \"a4\"\n[mial]\nx = 1\n[mail]\nsmtp_password = \"x\"\n",
    );
    assert_eq!(p.len(), 4, "{p:#?}");
    assert!(
        p[0].starts_with("error: layerbrief.toml:1:9: `paper`: `a5` is not one of its values"),
        "{}",
        p[0]
    );
    assert!(p[0].contains("did you mean `a4`?"), "{}", p[0]);
    assert!(
        p[1].starts_with("error: layerbrief.toml:3:1: unknown setting `papr` in [build]"),
        "{}",
        p[1]
    );
    assert!(p[1].contains("help: did you mean `paper`?"), "{}", p[1]);
    assert!(
        p[2].starts_with("error: layerbrief.toml:4:2: unknown setting `mial`"),
        "{}",
        p[2]
    );
    assert!(
        p[2].contains("did you mean the section [mail]?"),
        "{}",
        p[2]
    );
    assert!(
        p[3].contains("7:1: `smtp_password`: secrets never go in a settings file"),
        "{}",
        p[3]
    );
    assert!(p[3].contains("LAYERBRIEF_SMTP_PASSWORD"), "{}", p[3]);
    let all = problems("[build]\njobs = \"many\"\nmax-rows = [1]\n");
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(
        all[0].contains("2:8: `jobs`: `many`: invalid digit"),
        "{}",
        all[0]
    );
    assert!(
        all[1].contains("3:12: `max-rows`: expected one value, not a list"),
        "{}",
        all[1]
    );
}

#[test]
fn a_key_in_the_wrong_place_says_where_it_belongs() {
    let p = problems(
        "smtp = \"smtp://x\"\nout = \"o\"\n[limits]\npaper = \"a4\"\n[build]\nsend = true\n",
    );
    assert!(p[0].contains("`smtp` is set in [mail]"), "{}", p[0]);
    assert!(
        p[1].contains("`out` is set in [build], [mail], [portfolio], [site]"),
        "{}",
        p[1]
    );
    assert!(
        p[2].contains("`paper` is set in the top of the file"),
        "{}",
        p[2]
    );
    assert!(p[3].contains("--send is an action of one run"), "{}", p[3]);
    let bad = problems("paper = \n");
    assert!(
        bad[0].starts_with("error: layerbrief.toml:1:9: not valid TOML"),
        "{bad:?}"
    );
}

#[test]
fn paths_are_read_from_the_files_folder_and_values_keep_their_place() {
    let r = read(
        "inputs = [\"in\", \"/srv/in\"]\n[build]\nout = \"briefs\"\njobs = 3\ndraft = true\n[profile.final.mail]\nsmtp = \"smtps://relay\"\n",
        "../..",
    );
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let get = |k: &str| r.entries.iter().find(|e| e.key == k).unwrap();
    assert_eq!(get("inputs").values, ["../../in", "/srv/in"]);
    assert_eq!(get("out").values, ["../../briefs"]);
    assert_eq!(get("jobs").values, ["3"]);
    assert_eq!(get("draft").values, ["true"]);
    assert_eq!(get("smtp").layer, Layer::Profile("final".into()));
    assert_eq!(get("smtp").section.as_deref(), Some("mail"));
    assert_eq!((get("out").place.line, get("out").place.column), (3, 1));
    assert_eq!(r.profiles, ["final"]);
}

#[test]
fn a_profile_beats_the_base_and_a_section_beats_the_top() {
    let cli = Cli::command();
    let schema = Schema::of(&cli);
    let r = read(
        "paper = \"a4\"\n[build]\nout = \"b\"\n[site]\ntitle = \"Base\"\n[profile.draft]\npaper = \"us-letter\"\n[profile.draft.mail]\nout = \"m\"\n",
        "",
    );
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let mut p = Project {
        entries: r.entries,
        schema: Some(schema.clone()),
        ..Project::default()
    };
    let setting = |c: &str, k: &str| schema.command(c).unwrap().get(k).unwrap().clone();
    let value =
        |p: &Project, c: &str, k: &str| p.entry(c, &setting(c, k)).map(|e| e.values[0].clone());
    // Without the profile's entries (as when another profile is chosen).
    let all = p.entries.clone();
    p.entries
        .retain(|e| e.layer != Layer::Profile("draft".into()));
    assert_eq!(value(&p, "build", "paper").as_deref(), Some("a4"));
    assert_eq!(
        value(&p, "mail", "out").as_deref(),
        Some("b"),
        "mail reads [build]"
    );
    assert_eq!(
        value(&p, "preview", "title").as_deref(),
        Some("Base"),
        "preview reads [site]"
    );
    assert_eq!(value(&p, "portfolio", "title"), None);
    assert_eq!(value(&p, "site", "out"), None);
    p.entries = all;
    assert_eq!(value(&p, "build", "paper").as_deref(), Some("us-letter"));
    assert_eq!(value(&p, "mail", "out").as_deref(), Some("m"));
    assert_eq!(value(&p, "build", "out").as_deref(), Some("b"));
}

#[test]
fn the_file_init_writes_is_valid_and_so_is_every_example_in_it_uncommented() {
    let template = crate::commands::init::PROJECT_TEMPLATE;
    let r = read(template, "");
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.profiles, ["draft", "final"]);
    let uncommented: String = template
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest.split_once(" = ").is_some_and(|(k, _)| {
                    k.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                }) =>
            {
                rest.to_string()
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let r = read(&uncommented, "");
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert!(r.entries.len() > 20, "{}", r.entries.len());
}

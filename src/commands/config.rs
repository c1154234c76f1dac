//! Commands: `layerbrief config`, the merged settings of each command and where each value
//! came from (flag, variable, profile, file and line, default).

use std::ffi::OsString;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory};
use serde_json::json;

use super::args::{Cli, ConfigArgs};
use super::project::{env_value, Layer, Origin, ProfileFrom, Project, Setting};
use super::{Fatal, Outcome};
use crate::model::diag::expected_one_of;

pub(super) fn run(a: ConfigArgs, project: &Project) -> Result<Outcome, Fatal> {
    let Some(schema) = project.schema() else {
        return Err(Fatal("the settings could not be read".into()));
    };
    let cli = project.apply(Cli::command());
    let names: Vec<&str> = schema.commands.iter().map(|c| c.name.as_str()).collect();
    let (chosen, rest): (Vec<&str>, Vec<OsString>) = match a.command.split_first() {
        None => (names.clone(), Vec::new()),
        Some((first, rest)) => {
            let first = first.to_string_lossy();
            let Some(name) = names.iter().find(|n| **n == first) else {
                return Err(Fatal(format!(
                    "`{first}` is not a command with settings\n  help: {}",
                    expected_one_of(&first, &names)
                )));
            };
            (vec![*name], rest.to_vec())
        }
    };
    let mut rows = Vec::new();
    for name in chosen {
        let mut argv: Vec<OsString> = vec!["layerbrief".into(), name.into()];
        argv.extend(rest.iter().cloned());
        let matches = cli
            .clone()
            .ignore_errors(true)
            .try_get_matches_from(argv)
            .map_err(|e| Fatal(e.to_string()))?;
        let Some(m) = matches.subcommand_matches(name) else {
            continue;
        };
        let settings = &schema
            .command(name)
            .expect("a command of the schema")
            .settings;
        for s in settings {
            let (values, origin) = value_of(project, name, s, m);
            rows.push(Row {
                command: name,
                setting: s,
                values,
                origin,
            });
        }
    }
    let text = if a.json {
        json_text(project, &rows)
    } else {
        toml_text(project, &rows)
    };
    match std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Fatal::when("standard output", e))
        }
        _ => Ok(Outcome::Ok),
    }
}

/// One setting of one command, as it would be run.
struct Row<'a> {
    command: &'a str,
    setting: &'a Setting,
    values: Vec<String>,
    origin: Origin<'a>,
}

/// The value of `s` for `command`, and where it came from.
fn value_of<'a>(
    project: &'a Project,
    command: &str,
    s: &Setting,
    m: &ArgMatches,
) -> (Vec<String>, Origin<'a>) {
    let raw = || -> Vec<String> {
        m.get_raw(&s.id)
            .map(|v| v.map(|x| x.to_string_lossy().into_owned()).collect())
            .unwrap_or_default()
    };
    match m.value_source(&s.id) {
        Some(ValueSource::CommandLine) => (raw(), Origin::Flag),
        Some(_) => match project.entry(command, s) {
            Some(e) => (raw(), Origin::File(e)),
            None => (raw(), Origin::Default),
        },
        None => match (env_value(s), s.env) {
            (Some(v), Some(var)) => {
                let values = if s.multi {
                    std::env::split_paths(&v)
                        .map(|p| p.display().to_string())
                        .filter(|p| !p.is_empty())
                        .collect()
                } else {
                    vec![v]
                };
                (values, Origin::Env(var))
            }
            _ => (Vec::new(), Origin::Unset),
        },
    }
}

fn origin_text(o: &Origin) -> String {
    match o {
        Origin::Flag => "flag".into(),
        Origin::Env(var) => format!("env {var}"),
        Origin::File(e) => match &e.layer {
            Layer::Profile(p) => format!("profile {p}, {}", e.place),
            Layer::Project => e.place.to_string(),
            Layer::User => format!("user file {}", e.place),
        },
        Origin::Default => "default".into(),
        Origin::Unset => "not set".into(),
    }
}

fn origin_json(o: &Origin) -> serde_json::Value {
    let place = |kind: &str, e: &super::project::Entry| json!({"kind": kind, "file": e.place.file, "line": e.place.line, "column": e.place.column});
    match o {
        Origin::Flag => json!({"kind": "flag"}),
        Origin::Env(var) => json!({"kind": "env", "variable": var}),
        Origin::File(e) => match &e.layer {
            Layer::Profile(p) => {
                let mut v = place("profile", e);
                v["profile"] = json!(p);
                v
            }
            Layer::Project => place("file", e),
            Layer::User => place("user", e),
        },
        Origin::Default => json!({"kind": "default"}),
        Origin::Unset => json!({"kind": "unset"}),
    }
}

/// A value as TOML writes it.
fn toml_value(s: &Setting, values: &[String]) -> String {
    let one = |v: &String| {
        if s.switch || (!v.is_empty() && v.chars().all(|c| c.is_ascii_digit())) {
            v.clone()
        } else {
            serde_json::to_string(v).unwrap_or_default()
        }
    };
    if s.multi {
        format!(
            "[{}]",
            values.iter().map(one).collect::<Vec<_>>().join(", ")
        )
    } else {
        values.first().map(one).unwrap_or_default()
    }
}

fn header(project: &Project) -> Vec<String> {
    let mut lines = vec![match &project.project_file {
        Some(f) => format!("# project file: {f}"),
        None => format!(
            "# project file: none in this folder or above (`layerbrief init` writes {})",
            super::project::PROJECT_FILE
        ),
    }];
    lines.push(match (&project.user_file, &project.user_file_expected) {
        (Some(f), _) => format!("# user file: {f}"),
        (None, Some(p)) => format!("# user file: none ({} would be read)", p.display()),
        (None, None) => "# user file: none".into(),
    });
    if let Some((name, from)) = &project.profile {
        let how = match from {
            ProfileFrom::Flag => "--profile",
            ProfileFrom::Env => "LAYERBRIEF_PROFILE",
        };
        lines.push(format!("# profile: {name} ({how})"));
    } else if !project.profiles.is_empty() {
        lines.push(format!(
            "# profile: none chosen (defined: {}; --profile NAME)",
            project.profiles.join(", ")
        ));
    }
    lines
}

fn toml_text(project: &Project, rows: &[Row]) -> String {
    let mut out = header(project);
    let mut current = "";
    for r in rows {
        if r.command != current {
            out.push(String::new());
            out.push(format!("[{}]", r.command));
            current = r.command;
        }
        let line = if matches!(r.origin, Origin::Unset) {
            format!("# {} =", r.setting.key)
        } else {
            format!("{} = {}", r.setting.key, toml_value(r.setting, &r.values))
        };
        let width: usize = 44;
        let pad = width.saturating_sub(line.chars().count()).max(1);
        out.push(format!(
            "{line}{}# {}",
            " ".repeat(pad),
            origin_text(&r.origin)
        ));
    }
    out.push(String::new());
    out.join("\n")
}

fn json_text(project: &Project, rows: &[Row]) -> String {
    let settings: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let value = if matches!(r.origin, Origin::Unset) {
                serde_json::Value::Null
            } else if r.setting.multi {
                json!(r.values)
            } else {
                json!(r.values.first())
            };
            json!({
                "command": r.command,
                "key": r.setting.key,
                "value": value,
                "origin": origin_json(&r.origin),
            })
        })
        .collect();
    let v = json!({
        "project_file": project.project_file,
        "user_file": project.user_file,
        "profile": project.profile.as_ref().map(|(n, _)| n),
        "profiles": project.profiles,
        "settings": settings,
    });
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}

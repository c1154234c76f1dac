//! Project file: `layerbrief.toml`, found in the current folder or the nearest parent (as
//! Cargo finds `Cargo.toml`), with `[profile.NAME]` tables over its base, and below it an
//! optional user file (`$XDG_CONFIG_HOME/layerbrief/config.toml`).
//!
//! Policy: a setting is an option of a command (see [`schema`]); the files only change the
//! command line's defaults, so the command line always wins. Precedence, highest first: the
//! command line, the `LAYERBRIEF_*` variables that stand for a setting, the chosen profile,
//! the project file, the user file, the built-in default. Within one file, a command's own
//! section wins over a section it inherits (`mail` reads `[build]`, `preview` reads
//! `[site]`), then `[limits]`, then the top of the file. Paths are read from the folder of
//! the file that names them. Every problem of every file is reported at its line and column
//! before anything runs; a secret is refused.

mod file;
pub(crate) mod schema;
mod values;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::Command;

pub(crate) use file::{Entry, Layer, Place};
use file::{Problem, Reader};
pub(crate) use schema::{Schema, Setting};

/// The project file's name.
pub(crate) const PROJECT_FILE: &str = "layerbrief.toml";

/// How the profile was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProfileFrom {
    Flag,
    Env,
}

/// The settings files of this run, read and checked.
#[derive(Debug, Default)]
pub(crate) struct Project {
    /// The project file as reached from here, if one was found.
    pub(crate) project_file: Option<String>,
    /// The user file, if it exists.
    pub(crate) user_file: Option<String>,
    /// Where the user file would be.
    pub(crate) user_file_expected: Option<PathBuf>,
    pub(crate) profile: Option<(String, ProfileFrom)>,
    /// The profiles the project file defines.
    pub(crate) profiles: Vec<String>,
    entries: Vec<Entry>,
    schema: Option<Schema>,
}

/// Where a setting's value comes from.
#[derive(Debug, Clone)]
pub(crate) enum Origin<'a> {
    Flag,
    Env(&'static str),
    File(&'a Entry),
    Default,
    Unset,
}

impl Project {
    /// Finds and reads the settings files for a command line (`args`, the program name
    /// first). A command that reads no settings (`init`, `completions`, `man`, help) gets an
    /// empty project, so a broken file never stops them. The error is every problem, ready to
    /// print.
    pub(crate) fn load(args: &[OsString], cli: &Command) -> Result<Project, String> {
        let schema = Schema::of(cli);
        let Some(command) = subcommand(args) else {
            return Ok(Project::default());
        };
        if command != "config" && schema.command(&command).is_none() {
            return Ok(Project::default());
        }
        let cwd = std::env::current_dir().map_err(|e| format!("error: the current folder: {e}"))?;
        let mut project = Project {
            profile: profile_asked(args),
            user_file_expected: user_file(),
            ..Project::default()
        };
        let mut problems: Vec<Problem> = Vec::new();
        let read_one = |path: &Path, shown: String, dir: PathBuf, profiles: bool, layer| {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    return Err(format!("error: {shown}: cannot read it ({e})"));
                }
            };
            let reader = Reader {
                schema: &schema,
                cli,
                shown,
                dir,
                profiles,
            };
            Ok(reader.read(&text, layer))
        };
        if let Some(path) = project.user_file_expected.clone().filter(|p| p.is_file()) {
            let shown = path.display().to_string();
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let read = read_one(&path, shown.clone(), dir, false, Layer::User)?;
            problems.extend(read.problems);
            project.entries.extend(read.entries);
            project.user_file = Some(shown);
        }
        if let Some((path, up)) = find_project(&cwd) {
            let dir: PathBuf = std::iter::repeat_n("..", up).collect();
            let shown = dir.join(PROJECT_FILE).display().to_string();
            let read = read_one(&path, shown.clone(), dir, true, Layer::Project)?;
            problems.extend(read.problems);
            project.entries.extend(read.entries);
            project.profiles = read.profiles;
            project.project_file = Some(shown);
        }
        if let Some((name, from)) = &project.profile {
            let asked = match from {
                ProfileFrom::Flag => format!("--profile {name}"),
                ProfileFrom::Env => format!("LAYERBRIEF_PROFILE={name}"),
            };
            match &project.project_file {
                None => {
                    return Err(format!(
                        "error: {asked}: no {PROJECT_FILE} in this folder or any above it\n  help: `layerbrief init` writes one with an example profile"
                    ))
                }
                Some(f) if !project.profiles.contains(name) => {
                    let help = match crate::model::diag::did_you_mean(
                        name,
                        project.profiles.iter().map(String::as_str),
                    ) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None if project.profiles.is_empty() => {
                            format!("{f} defines no profile; add a [profile.{name}] table")
                        }
                        None => format!("its profiles: {}", project.profiles.join(", ")),
                    };
                    problems.push(Problem {
                        place: Place {
                            file: f.clone(),
                            line: 1,
                            column: 1,
                        },
                        message: format!("{asked}: no [profile.{name}] in it"),
                        help: Some(help),
                    });
                }
                _ => {}
            }
        }
        if !problems.is_empty() {
            let n = problems.len();
            let mut text: Vec<String> = problems.iter().map(ToString::to_string).collect();
            text.push(format!(
                "{n} problem(s) in the settings files; nothing was run"
            ));
            return Err(text.join("\n"));
        }
        let chosen = project.profile.as_ref().map(|(n, _)| n.clone());
        project.entries.retain(|e| match &e.layer {
            Layer::Profile(p) => Some(p) == chosen.as_ref(),
            _ => true,
        });
        project.schema = Some(schema);
        Ok(project)
    }

    /// The command line's definition with the files' values as its defaults.
    pub(crate) fn apply(&self, mut cli: Command) -> Command {
        let Some(schema) = &self.schema else {
            return cli;
        };
        for c in &schema.commands {
            for s in &c.settings {
                if let Some(entry) = self.entry(&c.name, s) {
                    let values = entry.values.clone();
                    cli = cli.mut_subcommand(&c.name, |sc| {
                        sc.mut_arg(&s.id, |a| a.default_values(values))
                    });
                }
            }
        }
        cli
    }

    /// The file entry that sets `s` for `command`, unless its variable is set.
    pub(crate) fn entry(&self, command: &str, s: &Setting) -> Option<&Entry> {
        if env_value(s).is_some() {
            return None;
        }
        let schema = self.schema.as_ref()?;
        let sections = schema.sections_of(command);
        let limit = schema.limits.contains(&s.key);
        let rank = |e: &Entry| -> Option<(usize, usize)> {
            if e.key != s.key {
                return None;
            }
            let layer = match e.layer {
                Layer::Profile(_) => 0,
                Layer::Project => 1,
                Layer::User => 2,
            };
            let place = match e.section.as_deref() {
                Some(sec) => match sections.iter().position(|x| *x == sec) {
                    Some(i) => i,
                    None if sec == schema::LIMITS && limit => sections.len(),
                    None => return None,
                },
                None if schema.top.contains(&s.key) => sections.len() + 1,
                None => return None,
            };
            Some((layer, place))
        };
        self.entries
            .iter()
            .filter_map(|e| rank(e).map(|r| (r, e)))
            .min_by_key(|(r, _)| *r)
            .map(|(_, e)| e)
    }

    /// The settings of the commands, as checked.
    pub(crate) fn schema(&self) -> Option<&Schema> {
        self.schema.as_ref()
    }
}

/// The value of the variable that stands for `s`, when set.
pub(crate) fn env_value(s: &Setting) -> Option<String> {
    s.env
        .and_then(|v| std::env::var(v).ok())
        .filter(|v| !v.is_empty())
}

/// The command named on the command line: the first word that is not an option (or the
/// value of `--profile`).
fn subcommand(args: &[OsString]) -> Option<String> {
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(w) = words.next() {
        if w == "--profile" {
            words.next();
            continue;
        }
        if w.starts_with('-') {
            continue;
        }
        return Some(w.into_owned());
    }
    None
}

/// The profile asked for: `--profile NAME` anywhere before `--`, else `LAYERBRIEF_PROFILE`.
fn profile_asked(args: &[OsString]) -> Option<(String, ProfileFrom)> {
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    let mut found = None;
    while let Some(w) = words.next() {
        if w == "--" {
            break;
        }
        if w == "--profile" {
            found = words.next().map(|v| v.into_owned());
        } else if let Some(v) = w.strip_prefix("--profile=") {
            found = Some(v.to_string());
        }
    }
    match found {
        Some(name) => Some((name, ProfileFrom::Flag)),
        None => std::env::var("LAYERBRIEF_PROFILE")
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| (v, ProfileFrom::Env)),
    }
}

/// The project file of `cwd` or its nearest parent, and how many folders up it is.
pub(crate) fn find_project(cwd: &Path) -> Option<(PathBuf, usize)> {
    cwd.ancestors()
        .enumerate()
        .map(|(up, dir)| (dir.join(PROJECT_FILE), up))
        .find(|(p, _)| p.is_file())
}

/// Where the user file is: `$XDG_CONFIG_HOME/layerbrief/config.toml`, else
/// `~/.config/layerbrief/config.toml`.
fn user_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("layerbrief").join("config.toml"))
}

#[cfg(test)]
mod tests;

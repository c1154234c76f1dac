//! Project file: one settings file read into entries, each with the place it was written, and
//! every problem of the file at its line and column.

use std::path::{Path, PathBuf};

use clap::Command;
use toml_edit::{ImDocument, Item, Table, Value};

use super::schema::{Schema, Setting, LIMITS, ONE_SHOT};
use super::values::{check, example, values};
use crate::model::diag::did_you_mean;

/// Which file (or part of one) a setting comes from, lowest first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Layer {
    /// The person's own file (`$XDG_CONFIG_HOME/layerbrief/config.toml`).
    User,
    /// The project file's base.
    Project,
    /// A `[profile.NAME]` table of the project file.
    Profile(String),
}

/// Where in a file something was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    /// The file as the user reaches it from here (`layerbrief.toml`, `../layerbrief.toml`).
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One setting written in a file.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) layer: Layer,
    /// `None`: the top of the file (or of the profile); else a command's name or `limits`.
    pub(crate) section: Option<String>,
    pub(crate) key: String,
    /// The value as the command line would take it (paths already read from the file's
    /// folder); one for a single value.
    pub(crate) values: Vec<String>,
    pub(crate) place: Place,
}

/// A problem of a file.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub(crate) place: Place,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error: {}: {}", self.place, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// A file that was read: its entries, the names of its profiles, its problems.
#[derive(Debug, Default)]
pub(crate) struct Read {
    pub(crate) entries: Vec<Entry>,
    pub(crate) profiles: Vec<String>,
    pub(crate) problems: Vec<Problem>,
}

/// Reads one settings file.
pub(crate) struct Reader<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) cli: &'a Command,
    /// The file as shown in messages.
    pub(crate) shown: String,
    /// The folder relative paths are read from, as reached from here (empty: here).
    pub(crate) dir: PathBuf,
    /// Whether `[profile.NAME]` tables may stand in it (the project file's, not the user's).
    pub(crate) profiles: bool,
}

/// Key names that would hold a secret.
const SECRET: &[&str] = &["password", "passwd", "secret", "token"];

impl Reader<'_> {
    pub(crate) fn read(&self, text: &str, base: Layer) -> Read {
        let mut read = Read::default();
        let doc = match ImDocument::parse(text) {
            Ok(doc) => doc,
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                read.problems.push(Problem {
                    place: self.place(text, at),
                    message: format!("not valid TOML: {}", e.message().trim_end()),
                    help: Some(
                        "the file is TOML: `key = \"value\"` lines under `[section]` headers"
                            .into(),
                    ),
                });
                return read;
            }
        };
        for (key, item) in doc.iter() {
            let at = self.place_of_key(text, &doc, key);
            if key == "profile" {
                self.profiles_table(text, item, at, &mut read);
                continue;
            }
            self.item(text, &doc, key, item, None, &base, &mut read);
        }
        read
    }

    /// `[profile.NAME]` tables: each a file's base of its own.
    fn profiles_table(&self, text: &str, item: &Item, at: Place, read: &mut Read) {
        if !self.profiles {
            read.problems.push(Problem {
                place: at,
                message: "profiles belong in the project file, not here".into(),
                help: Some(
                    "move the [profile.NAME] tables to the project's layerbrief.toml".into(),
                ),
            });
            return;
        }
        let Some(profiles) = as_table(item) else {
            read.problems.push(Problem {
                place: at,
                message: "`profile` is a table of profiles".into(),
                help: Some(
                    "write one `[profile.NAME]` table per profile, e.g. [profile.draft]".into(),
                ),
            });
            return;
        };
        for (name, body) in profiles.iter() {
            let at = self.place_of_key(text, profiles, name);
            let Some(body) = as_table(body) else {
                read.problems.push(Problem {
                    place: at,
                    message: format!("profile `{name}` is not a table"),
                    help: Some(format!(
                        "write it as a table: [profile.{name}] with settings under it"
                    )),
                });
                continue;
            };
            read.profiles.push(name.to_string());
            let layer = Layer::Profile(name.to_string());
            for (key, item) in body.iter() {
                self.item(text, body, key, item, None, &layer, read);
            }
        }
    }

    /// One key of the top (`section` None) or of a section.
    #[allow(clippy::too_many_arguments)]
    fn item(
        &self,
        text: &str,
        table: &Table,
        key: &str,
        item: &Item,
        section: Option<&str>,
        layer: &Layer,
        read: &mut Read,
    ) {
        let at = self.place_of_key(text, table, key);
        let lower = key.to_ascii_lowercase();
        if SECRET.iter().any(|s| lower.contains(s)) {
            read.problems.push(Problem {
                place: at,
                message: format!("`{key}`: secrets never go in a settings file"),
                help: Some("set LAYERBRIEF_SMTP_USER and LAYERBRIEF_SMTP_PASSWORD in the environment of the run instead".into()),
            });
            return;
        }
        if section.is_none() && self.schema.sections().contains(&key) {
            let Some(body) = as_table(item) else {
                read.problems.push(Problem {
                    place: at,
                    message: format!("`{key}` is a section"),
                    help: Some(format!("write it as [{key}] with settings under it")),
                });
                return;
            };
            for (k, it) in body.iter() {
                self.item(text, body, k, it, Some(key), layer, read);
            }
            return;
        }
        let Some(setting) = self.setting(section, key) else {
            read.problems.push(self.unknown(at, section, key));
            return;
        };
        let Some(value) = as_value(item) else {
            read.problems.push(Problem {
                place: at,
                message: format!("`{key}` takes a value, not a table"),
                help: None,
            });
            return;
        };
        let at_value = value
            .span()
            .map_or_else(|| at.clone(), |s| self.place(text, s.start));
        match values(&setting, value) {
            Err(message) => read.problems.push(Problem {
                place: at_value,
                message: format!("`{key}`: {message}"),
                help: Some(example(&setting)),
            }),
            Ok(values) => {
                let mut bad = false;
                for v in &values {
                    if let Err((message, help)) = check(self.cli, section, &setting, v) {
                        read.problems.push(Problem {
                            place: at_value.clone(),
                            message: format!("`{key}`: {message}"),
                            help,
                        });
                        bad = true;
                    }
                }
                if !bad {
                    let values = if setting.path {
                        values.iter().map(|v| self.path(v)).collect()
                    } else {
                        values
                    };
                    read.entries.push(Entry {
                        layer: layer.clone(),
                        section: section.map(str::to_string),
                        key: key.to_string(),
                        values,
                        place: at,
                    });
                }
            }
        }
    }

    /// The setting `key` names where it stands, if it may stand there.
    fn setting(&self, section: Option<&str>, key: &str) -> Option<Setting> {
        if !self.schema.keys_of(section).contains(&key) {
            return None;
        }
        match section {
            Some(name) if name != LIMITS => self.schema.command(name)?.get(key).cloned(),
            _ => self
                .schema
                .commands
                .iter()
                .find_map(|c| c.get(key).cloned()),
        }
    }

    /// An unknown key, with the key it was likely meant to be, or where it belongs.
    fn unknown(&self, place: Place, section: Option<&str>, key: &str) -> Problem {
        let here = match section {
            Some(s) => format!("[{s}]"),
            None => "the top of the file".into(),
        };
        let message = format!("unknown setting `{key}` in {here}");
        let keys = self.schema.keys_of(section);
        if let Some(close) = did_you_mean(key, keys.iter().copied()) {
            return Problem {
                place,
                message,
                help: Some(format!("did you mean `{close}`?")),
            };
        }
        let mut homes: Vec<String> = self
            .schema
            .commands
            .iter()
            .filter(|c| c.get(key).is_some())
            .map(|c| format!("[{}]", c.name))
            .collect();
        if self.schema.limits.iter().any(|k| k == key) {
            homes = vec![format!("[{LIMITS}]")];
        } else if self.schema.top.iter().any(|k| k == key) {
            homes.insert(0, "the top of the file".into());
        }
        let help = if !homes.is_empty() {
            Some(format!("`{key}` is set in {}", homes.join(", ")))
        } else if let Some(close) = did_you_mean(key, self.schema.sections()) {
            Some(format!("did you mean the section [{close}]?"))
        } else if ONE_SHOT.contains(&key) {
            Some(format!(
                "--{key} is an action of one run: give it on the command line"
            ))
        } else {
            Some(format!(
                "a section is a command ({}) or [{LIMITS}]; `layerbrief config` lists every setting",
                self.schema
                    .commands
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        };
        Problem {
            place,
            message,
            help,
        }
    }

    /// A path of the file, as reached from here: relative paths are the file's folder's.
    fn path(&self, v: &str) -> String {
        let p = match v.strip_prefix("~/") {
            Some(rest) => match std::env::var_os("HOME") {
                Some(home) => Path::new(&home).join(rest),
                None => PathBuf::from(v),
            },
            None => PathBuf::from(v),
        };
        if p.is_absolute() || self.dir.as_os_str().is_empty() {
            p.display().to_string()
        } else {
            self.dir.join(p).display().to_string()
        }
    }

    fn place_of_key(&self, text: &str, table: &Table, key: &str) -> Place {
        let at = table
            .key(key)
            .and_then(|k| k.span())
            .or_else(|| table.get(key).and_then(|i| i.span()))
            .map_or(0, |s| s.start);
        self.place(text, at)
    }

    /// Line and column (1-based, in characters) of byte `at` of `text`.
    fn place(&self, text: &str, at: usize) -> Place {
        let at = at.min(text.len());
        let before = text.get(..at).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Place {
            file: self.shown.clone(),
            line,
            column,
        }
    }
}

fn as_table(item: &Item) -> Option<&Table> {
    match item {
        Item::Table(t) => Some(t),
        _ => None,
    }
}

fn as_value(item: &Item) -> Option<&Value> {
    match item {
        Item::Value(v) if !v.is_inline_table() => Some(v),
        _ => None,
    }
}

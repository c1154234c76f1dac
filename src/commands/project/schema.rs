//! Project file: which settings exist, read from the command line's own definition, so the
//! file can never name an option the binary lacks or miss one it gains.
//!
//! A setting is an option of a command that takes a value, or a switch that is a standing
//! choice (such as `--draft`). One-shot actions stay on the command line: sending, resending,
//! forcing, watching, pruning, a shard's slice, printing JSON, an example workbook. Options a
//! command requires (the two rulesets of `rescore`) and positional arguments other than the
//! inputs are one-shot too.

use std::any::TypeId;
use std::path::PathBuf;

use clap::{ArgAction, Args, Command};

use crate::commands::args::{BatchArgs, InputArgs, MethodologyArgs, ReadArgs, TypesetArgs};

/// Options that stay on the command line.
pub(super) const ONE_SHOT: &[&str] = &[
    "send",
    "resend",
    "force",
    "watch",
    "prune",
    "shard",
    "json",
    "example",
    "history",
    "open",
    "dry-run",
    "json-schema",
    "changes-since",
];

/// Commands whose options the file does not set.
const NOT_SET: &[&str] = &["init", "completions", "man", "config", "help"];

/// The environment variables that stand for a setting (they come between the command line
/// and the files).
const ENV: &[(&str, &str)] = &[
    ("from", "LAYERBRIEF_FROM"),
    ("font-path", "LAYERBRIEF_FONT_PATH"),
];

/// A section a command also reads, below its own: `mail` builds briefs as `build` does, and
/// the preview is the site's.
pub(super) const INHERITS: &[(&str, &str)] = &[
    ("mail", "build"),
    ("preview", "site"),
    ("versions", "build"),
    ("diff", "build"),
];

/// The section of the limits every reading command shares.
pub(super) const LIMITS: &str = "limits";

/// One setting of one command.
#[derive(Debug, Clone)]
pub(crate) struct Setting {
    /// Its name in the file: the option's long name (`paper`, `max-rows`), `inputs` for the
    /// workbooks.
    pub(crate) key: String,
    /// The argument's id in the command's definition.
    pub(crate) id: String,
    /// Takes a list.
    pub(crate) multi: bool,
    /// A switch: `true` or `false` in the file.
    pub(crate) switch: bool,
    /// A path: relative ones are read from the file's folder.
    pub(crate) path: bool,
    /// A whole number.
    pub(crate) number: bool,
    /// The environment variable that stands above the files.
    pub(crate) env: Option<&'static str>,
}

/// The settings of one command.
#[derive(Debug, Clone)]
pub(crate) struct CommandSettings {
    pub(crate) name: String,
    pub(crate) settings: Vec<Setting>,
}

impl CommandSettings {
    pub(crate) fn get(&self, key: &str) -> Option<&Setting> {
        self.settings.iter().find(|s| s.key == key)
    }
}

/// Every command's settings, and which keys may stand at the top of the file (shared by the
/// commands that take them) or in `[limits]`.
#[derive(Debug, Clone)]
pub(crate) struct Schema {
    pub(crate) commands: Vec<CommandSettings>,
    pub(crate) top: Vec<String>,
    pub(crate) limits: Vec<String>,
}

impl Schema {
    pub(crate) fn of(cli: &Command) -> Schema {
        let commands = cli
            .get_subcommands()
            .filter(|c| !NOT_SET.contains(&c.get_name()))
            .map(|c| CommandSettings {
                name: c.get_name().to_string(),
                settings: settings(c),
            })
            .filter(|c| !c.settings.is_empty())
            .collect();
        let keys =
            |c: Command| -> Vec<String> { settings(&c).into_iter().map(|s| s.key).collect() };
        let mut top = Vec::new();
        top.extend(keys(InputArgs::augment_args(Command::new("x"))));
        top.extend(keys(MethodologyArgs::augment_args(Command::new("x"))));
        top.extend(keys(TypesetArgs::augment_args(Command::new("x"))));
        top.extend(keys(BatchArgs::augment_args(Command::new("x"))));
        let read = keys(ReadArgs::augment_args(Command::new("x")));
        let (fonts, limits): (Vec<String>, Vec<String>) =
            read.into_iter().partition(|k| k == "font-path");
        top.extend(fonts);
        Schema {
            commands,
            top,
            limits,
        }
    }

    pub(crate) fn command(&self, name: &str) -> Option<&CommandSettings> {
        self.commands.iter().find(|c| c.name == name)
    }

    /// The sections a command reads, its own first.
    pub(crate) fn sections_of<'a>(&self, name: &'a str) -> Vec<&'a str> {
        let mut v = vec![name];
        v.extend(INHERITS.iter().filter(|(c, _)| *c == name).map(|(_, s)| *s));
        v
    }

    /// Every key a section may hold (`None`: the top of the file).
    pub(crate) fn keys_of(&self, section: Option<&str>) -> Vec<&str> {
        match section {
            None => self.top.iter().map(String::as_str).collect(),
            Some(LIMITS) => self.limits.iter().map(String::as_str).collect(),
            Some(name) => self
                .command(name)
                .map(|c| c.settings.iter().map(|s| s.key.as_str()).collect())
                .unwrap_or_default(),
        }
    }

    /// The section names a file may hold.
    pub(crate) fn sections(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.commands.iter().map(|c| c.name.as_str()).collect();
        v.push(LIMITS);
        v
    }
}

/// The settings of command `c`, in its order.
fn settings(c: &Command) -> Vec<Setting> {
    c.get_arguments()
        .filter_map(|a| {
            let id = a.get_id().as_str();
            let key = if a.is_positional() {
                if id != "paths" {
                    return None;
                }
                "inputs".to_string()
            } else {
                a.get_long()?.to_string()
            };
            if id == "help" || id == "version" || id == "profile" || a.is_required_set() {
                return None;
            }
            if ONE_SHOT.contains(&key.as_str()) {
                return None;
            }
            let switch = matches!(a.get_action(), ArgAction::SetTrue);
            if !switch && !a.get_action().takes_values() {
                return None;
            }
            let multi = matches!(a.get_action(), ArgAction::Append)
                || a.get_num_args().is_some_and(|n| n.max_values() > 1);
            let ty = a.get_value_parser().type_id();
            let path = ty == TypeId::of::<PathBuf>();
            let number = [
                TypeId::of::<u16>(),
                TypeId::of::<u32>(),
                TypeId::of::<u64>(),
                TypeId::of::<usize>(),
            ]
            .iter()
            .any(|t| ty == *t);
            let env = ENV.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
            Some(Setting {
                key,
                id: id.to_string(),
                multi,
                switch,
                path,
                number,
                env,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_settings_come_from_the_command_line_and_leave_one_shot_actions_out() {
        let schema = Schema::of(&crate::commands::args::Cli::command());
        let build = schema.command("build").unwrap();
        for key in [
            "inputs",
            "out",
            "name-pattern",
            "paper",
            "templates",
            "jobs",
            "max-rows",
        ] {
            assert!(build.get(key).is_some(), "{key}");
        }
        for key in ["force", "watch", "shard", "prune"] {
            assert!(build.get(key).is_none(), "{key}");
        }
        assert!(build.get("out").unwrap().path);
        assert!(build.get("inputs").unwrap().multi && build.get("inputs").unwrap().path);
        let mail = schema.command("mail").unwrap();
        assert!(mail.get("send").is_none() && mail.get("resend").is_none());
        assert_eq!(mail.get("from").unwrap().env, Some("LAYERBRIEF_FROM"));
        assert!(mail.get("to").unwrap().multi);
        assert!(schema.command("init").is_none());
        assert!(schema.command("rescore").unwrap().get("from").is_none());
        assert!(schema.top.contains(&"paper".to_string()));
        assert!(!schema.top.contains(&"out".to_string()));
        assert!(schema.limits.contains(&"max-cells".to_string()));
        assert!(!schema.limits.contains(&"font-path".to_string()));
    }
}

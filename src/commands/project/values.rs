//! Project file: a setting's value, as the command line would take it, checked by the
//! option's own parser.

use clap::{Arg, ArgAction, Command};
use toml_edit::Value;

use super::schema::{Setting, LIMITS};
use crate::model::diag::expected_one_of;

/// The value as the command line would take it.
pub(super) fn values(s: &Setting, v: &Value) -> Result<Vec<String>, String> {
    let scalar = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.value().clone()),
            Value::Integer(i) => Some(i.value().to_string()),
            Value::Float(f) => Some(f.value().to_string()),
            _ => None,
        }
    };
    if s.switch {
        return match v {
            Value::Boolean(b) => Ok(vec![b.value().to_string()]),
            _ => Err("expected true or false".into()),
        };
    }
    if s.multi {
        return match v {
            Value::Array(a) => a
                .iter()
                .map(|e| scalar(e).ok_or_else(|| "expected a list of strings".to_string()))
                .collect(),
            other => scalar(other)
                .map(|one| vec![one])
                .ok_or_else(|| "expected a string or a list of strings".into()),
        };
    }
    match v {
        Value::Array(_) => Err("expected one value, not a list".into()),
        other => scalar(other)
            .map(|one| vec![one])
            .ok_or_else(|| "expected a string or a number".into()),
    }
}

/// Checks one value with the option's own parser (the one the command line uses).
pub(super) fn check(
    cli: &Command,
    section: Option<&str>,
    s: &Setting,
    value: &str,
) -> Result<(), (String, Option<String>)> {
    if s.switch {
        return Ok(());
    }
    let command = match section {
        Some(name) if name != LIMITS => cli.find_subcommand(name),
        _ => cli
            .get_subcommands()
            .find(|c| c.get_arguments().any(|a| a.get_id().as_str() == s.id)),
    };
    let Some(arg) = command.and_then(|c| c.get_arguments().find(|a| a.get_id().as_str() == s.id))
    else {
        return Ok(());
    };
    let probe = Arg::new("v")
        .long("v")
        .action(ArgAction::Set)
        .allow_hyphen_values(true)
        .ignore_case(arg.is_ignore_case_set())
        .value_parser(arg.get_value_parser().clone());
    let outcome = Command::new("v")
        .no_binary_name(true)
        .arg(probe)
        .try_get_matches_from(["--v", value]);
    let Err(e) = outcome else { return Ok(()) };
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let list = |kind| match e.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(v)) => vec![v.clone()],
        _ => Vec::new(),
    };
    Err(match e.kind() {
        ErrorKind::InvalidValue => {
            let valid = list(ContextKind::ValidValue);
            let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
            (
                format!("`{value}` is not one of its values"),
                Some(expected_one_of(value, &valid)),
            )
        }
        _ => {
            let why = std::error::Error::source(&e)
                .map(|s| s.to_string())
                .unwrap_or_else(|| e.kind().to_string());
            (format!("`{value}`: {why}"), Some(example(s)))
        }
    })
}

/// How a setting is written, for a hint.
pub(super) fn example(s: &Setting) -> String {
    if s.switch {
        format!("write it as `{} = true`", s.key)
    } else if s.multi {
        format!("write it as `{} = [\"…\", \"…\"]`", s.key)
    } else if s.number {
        format!("write it as a whole number, e.g. `{} = 4`", s.key)
    } else {
        format!("write it as `{} = \"…\"`", s.key)
    }
}

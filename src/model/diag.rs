//! Below the stages: diagnostics, problems found in a workbook, each tied to its place.
//!
//! Policy: validation never stops at the first problem. Every check pushes a [`Diagnostic`]
//! into a [`Diagnostics`] list, and the caller reports them all at once. A diagnostic names
//! the file, the sheet and the cell (`inputs/acme.xlsx: Components!P7`), says what was found,
//! and carries a `help` line with what is allowed or a likely correction.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The workbook cannot be built until this is fixed.
    Error,
    /// Worth a look; the brief still builds.
    Warning,
}

/// Where in a workbook a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Place {
    /// The sheet, if the problem is inside one.
    pub sheet: Option<String>,
    /// Zero-based column, if the problem is a cell or a whole column.
    pub col: Option<u32>,
    /// Zero-based row, if the problem is a cell or a whole row.
    pub row: Option<u32>,
}

impl Place {
    /// The whole file.
    pub fn file() -> Self {
        Self::default()
    }

    /// A whole sheet.
    pub fn sheet(sheet: &str) -> Self {
        Self {
            sheet: Some(sheet.to_string()),
            ..Self::default()
        }
    }

    /// One cell (zero-based row and column).
    pub fn cell(sheet: &str, row: u32, col: u32) -> Self {
        Self {
            sheet: Some(sheet.to_string()),
            col: Some(col),
            row: Some(row),
        }
    }

    /// A whole row (zero-based).
    pub fn row(sheet: &str, row: u32) -> Self {
        Self {
            sheet: Some(sheet.to_string()),
            col: None,
            row: Some(row),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(sheet) = &self.sheet else {
            return Ok(());
        };
        match (self.col, self.row) {
            (Some(c), Some(r)) => write!(f, "{sheet}!{}{}", column_name(c), r + 1),
            (None, Some(r)) => write!(f, "{sheet}!{}:{}", r + 1, r + 1),
            (Some(c), None) => write!(f, "{sheet}!{}:{}", column_name(c), column_name(c)),
            (None, None) => write!(f, "{sheet}"),
        }
    }
}

/// Spreadsheet column letters for a zero-based index: 0 → `A`, 27 → `AB`.
pub(crate) fn column_name(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// One problem, with its place and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The workbook file.
    pub file: PathBuf,
    /// Sheet and cell inside it.
    pub place: Place,
    /// What is wrong, with what was found.
    pub message: String,
    /// What is allowed, or a likely fix.
    pub help: Option<String>,
}

impl Diagnostic {
    /// The diagnostic as one JSON object (`check --format json`): severity, file, sheet,
    /// cell (`P7`), one-based row, column letters, message and help, absent parts `null`.
    pub fn to_json(&self) -> serde_json::Value {
        let p = &self.place;
        let cell = match (p.col, p.row) {
            (Some(c), Some(r)) => Some(format!("{}{}", column_name(c), r + 1)),
            _ => None,
        };
        serde_json::json!({
            "type": "diagnostic",
            "severity": self.severity,
            "file": self.file.display().to_string(),
            "sheet": p.sheet,
            "cell": cell,
            "row": p.row.map(|r| r + 1),
            "column": p.col.map(column_name),
            "message": self.message,
            "help": self.help,
        })
    }

    /// The location line: `inputs/acme.xlsx: Components!P7`.
    pub fn location(&self) -> String {
        let place = self.place.to_string();
        if place.is_empty() {
            self.file.display().to_string()
        } else {
            format!("{}: {place}", self.file.display())
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{word}: {}\n  --> {}", self.message, self.location())?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Whether messages on stderr are coloured: stderr is a terminal, `NO_COLOR` is not set and
/// `TERM` is not `dumb`.
pub fn colour_wanted() -> bool {
    use std::io::IsTerminal;
    static WANTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *WANTED.get_or_init(|| {
        std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var("TERM").map_or(true, |t| t != "dumb")
    })
}

/// `text` (diagnostics and other messages, one or more lines) for stderr: the words that open
/// a line (`error:`, `warning:`, `note:`, `help:`, `-->`) coloured when [`colour_wanted`].
pub fn paint(text: &str) -> String {
    paint_if(text, colour_wanted())
}

fn paint_if(text: &str, colour: bool) -> String {
    if !colour {
        return text.to_string();
    }
    const MARKS: &[(&str, &str)] = &[
        ("error:", "\x1b[1;31m"),
        ("warning:", "\x1b[1;33m"),
        ("note:", "\x1b[1;36m"),
        ("help:", "\x1b[1;36m"),
        ("-->", "\x1b[1;34m"),
    ];
    let mut out = String::with_capacity(text.len() + 32);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        match MARKS.iter().find(|(m, _)| body.starts_with(m)) {
            Some((m, colour)) => {
                out.push_str(indent);
                out.push_str(colour);
                out.push_str(m);
                out.push_str("\x1b[0m");
                out.push_str(&body[m.len()..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// Collects the diagnostics of one workbook.
#[derive(Debug, Clone)]
pub(crate) struct Diagnostics {
    file: PathBuf,
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list for `file`.
    pub(crate) fn new(file: &Path) -> Self {
        Self {
            file: file.to_path_buf(),
            items: Vec::new(),
        }
    }

    /// Records an error.
    pub(crate) fn error(&mut self, place: Place, message: impl Into<String>, help: Option<String>) {
        self.push(Severity::Error, place, message.into(), help);
    }

    /// Records a warning.
    pub(crate) fn warning(
        &mut self,
        place: Place,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.push(Severity::Warning, place, message.into(), help);
    }

    fn push(&mut self, severity: Severity, place: Place, message: String, help: Option<String>) {
        let file = self.file.clone();
        self.items.push(Diagnostic {
            severity,
            file,
            place,
            message,
            help,
        });
    }

    /// Whether any error was recorded.
    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All diagnostics, in the order found.
    pub(crate) fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// The closest of `choices` to `found`, if one is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    found: &str,
    choices: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let found = found.trim().to_lowercase();
    if found.is_empty() {
        return None;
    }
    choices
        .into_iter()
        .map(|c| (c, strsim::jaro_winkler(&found, &c.to_lowercase())))
        .filter(|(c, score)| *score >= 0.84 || strsim::levenshtein(&found, &c.to_lowercase()) <= 2)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

/// "expected one of a, b, c", plus "; did you mean `b`?" when one is close to `found`.
pub(crate) fn expected_one_of(found: &str, choices: &[&str]) -> String {
    let list = choices.join(", ");
    match did_you_mean(found, choices.iter().copied()) {
        Some(close) => format!("did you mean `{close}`? expected one of {list}"),
        None => format!("expected one of {list}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn painting_colours_the_words_that_open_lines() {
        let text = "error: bad\n  --> a.xlsx: S!A1\n  help: fix it\nplain";
        assert_eq!(paint_if(text, false), text);
        assert_eq!(
            paint_if(text, true),
            "\x1b[1;31merror:\x1b[0m bad\n  \x1b[1;34m-->\x1b[0m a.xlsx: S!A1\n  \x1b[1;36mhelp:\x1b[0m fix it\nplain"
        );
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(15), "P");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn suggestions() {
        let roles = ["core", "path", "optional", "sliver", "info"];
        assert_eq!(did_you_mean("sliverr", roles), Some("sliver"));
        assert_eq!(did_you_mean("xyz", roles), None);
        assert_eq!(
            expected_one_of("sliverr", &roles),
            "did you mean `sliver`? expected one of core, path, optional, sliver, info"
        );
    }

    #[test]
    fn display() {
        let mut d = Diagnostics::new(Path::new("inputs/acme.xlsx"));
        d.error(
            Place::cell("Components", 6, 15),
            "unknown role `sliverr`",
            Some("x".into()),
        );
        let text = d.into_vec()[0].to_string();
        assert_eq!(
            text,
            "error: unknown role `sliverr`\n  --> inputs/acme.xlsx: Components!P7\n  help: x"
        );
    }
}

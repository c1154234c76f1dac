//! Stage 4, render: Typst's diagnostics as text, in codespan-reporting's ASCII style.
//!
//! Policy: a template error reads as the stock Typst compiler prints it, but in plain ASCII
//! (`-->`, `|`, `^`) so it survives any terminal or log: the message, the file as the analyst
//! knows it (`templates/brief.typ (embedded)`, or the path of an override) with
//! `line:column`, the source line with a caret, then hints and the call trace.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::{Error, Files};
use codespan_reporting::term::{self, Chars, Config};
use typst::diag::{Severity, SourceDiagnostic};
use typst::syntax::{DiagSpan, FileId, Lines};
use typst::WorldExt;

use super::world::BriefWorld;

/// Renders `diags`, one block each, separated by blank lines.
pub(crate) fn format_all(world: &BriefWorld, diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| format_diagnostic(world, d))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Renders one diagnostic: `error: message`, `--> file:line:col`, the source line with a
/// caret, its hints (`= hint: …`), then one `help:` block per point of its trace.
pub(crate) fn format_diagnostic(world: &BriefWorld, d: &SourceDiagnostic) -> String {
    let files = SourceFiles { world };
    let config = Config {
        chars: Chars::ascii(),
        tab_width: 2,
        ..Config::default()
    };
    let head = match d.severity {
        Severity::Error => Diagnostic::error(),
        Severity::Warning => Diagnostic::warning(),
    };
    let mut labels: Vec<Label<FileId>> = label(world, d.span, true).into_iter().collect();
    let mut notes = Vec::new();
    for hint in &d.hints {
        match label(world, hint.span, false) {
            Some(l) => labels.push(l.with_message(hint.v.to_string())),
            None => notes.push(format!("hint: {}", hint.v)),
        }
    }
    let mut blocks = vec![head
        .with_message(d.message.to_string())
        .with_labels(labels)
        .with_notes(notes)];
    for point in &d.trace {
        blocks.push(
            Diagnostic::help()
                .with_message(point.v.to_string())
                .with_labels(label(world, point.span.into(), true).into_iter().collect()),
        );
    }
    let mut out = String::new();
    for block in &blocks {
        if term::emit_to_string(&mut out, &config, &files, block).is_err() {
            // A span that no longer resolves: the message alone still says what is wrong.
            out.push_str(&format!("{}: {}\n", severity_word(d.severity), d.message));
        }
    }
    out.trim_end().to_string()
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A label at the span's range, when it points into a file.
fn label(world: &BriefWorld, span: DiagSpan, primary: bool) -> Option<Label<FileId>> {
    let id = span.id()?;
    let range = world.range(span)?;
    Some(if primary {
        Label::primary(id, range)
    } else {
        Label::secondary(id, range)
    })
}

/// The world's files as codespan-reporting reads them.
struct SourceFiles<'w, 'a> {
    world: &'w BriefWorld<'a>,
}

impl SourceFiles<'_, '_> {
    fn lines(&self, id: FileId) -> Result<Lines<String>, Error> {
        if let Ok(source) = typst::World::source(self.world, id) {
            return Ok(source.lines().clone());
        }
        let bytes = typst::World::file(self.world, id).map_err(|_| Error::FileMissing)?;
        Ok(Lines::new(
            String::from_utf8_lossy(bytes.as_slice()).into_owned(),
        ))
    }
}

impl<'f> Files<'f> for SourceFiles<'_, '_> {
    type FileId = FileId;
    type Name = String;
    type Source = Lines<String>;

    fn name(&'f self, id: FileId) -> Result<String, Error> {
        Ok(self.world.origin(id))
    }

    fn source(&'f self, id: FileId) -> Result<Lines<String>, Error> {
        self.lines(id)
    }

    fn line_index(&'f self, id: FileId, given: usize) -> Result<usize, Error> {
        let lines = self.lines(id)?;
        lines
            .byte_to_line(given)
            .ok_or_else(|| Error::IndexTooLarge {
                given,
                max: lines.len_bytes(),
            })
    }

    fn line_range(&'f self, id: FileId, given: usize) -> Result<Range<usize>, Error> {
        let lines = self.lines(id)?;
        lines
            .line_to_range(given)
            .ok_or_else(|| Error::LineTooLarge {
                given,
                max: lines.len_lines(),
            })
    }
}

//! Commands: `layerbrief diff OLD NEW`, what changed between two versions of an assessment,
//! each a workbook, a record file or an archived version; as text (coloured on a terminal,
//! `[-deleted-]{+inserted+}` when piped) or as one typed JSON object.

use std::path::Path;

use super::args::DiffArgs;
use super::setup::{methodology, sent_versions, Reading};
use super::{Fatal, Outcome};
use crate::build::archive;
use crate::build::prepare::{prepare, Under};
use crate::view::changes::{self, Changes, ComponentKind, Segment, SegmentKind};
use crate::view::record::{record, Record};

pub(super) fn run(a: DiffArgs) -> Result<Outcome, Fatal> {
    if a.json_schema {
        return print(&String::from_utf8_lossy(&changes::schema_json()));
    }
    let (Some(old), Some(new)) = (&a.old, &a.new) else {
        return Err(Fatal("diff needs OLD and NEW".into()));
    };
    let rs = methodology(a.methodology.methodology.as_deref())?;
    let reading = Reading::new(&a.read)?;
    let under = reading.under(rs);
    let old = resolve(old, &a.out, under).map_err(Fatal)?;
    let new = resolve(new, &a.out, reading.under(rs)).map_err(Fatal)?;
    let c = changes::changes(&old.record, &new.record);
    if !c.same_assessment {
        eprintln!(
            "{}",
            crate::model::diag::paint(&format!(
                "warning: {} and {} are two assessments ({} and {}); compared all the same",
                old.label, new.label, c.from.assessment_id, c.to.assessment_id
            ))
        );
    }
    if a.json {
        let json = serde_json::to_string_pretty(&c).map_err(|e| Fatal::when("the changes", e))?;
        return print(&format!("{json}\n"));
    }
    let colour = {
        use std::io::IsTerminal;
        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    };
    print(&text(&c, &old.label, &new.label, colour))
}

fn print(text: &str) -> Result<Outcome, Fatal> {
    match std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Fatal::when("standard output", e))
        }
        _ => Ok(Outcome::Ok),
    }
}

/// One side of a comparison: its record, and how it was named.
pub(super) struct Side {
    pub(super) record: Record,
    pub(super) label: String,
}

/// The version `spec` names: a record file (.json), a workbook, or `ID@VERSION` / `ID@HASH`
/// of the archive in `out`.
pub(super) fn resolve(spec: &str, out: &Path, under: Under) -> Result<Side, String> {
    let path = Path::new(spec);
    if path.is_file() {
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if is_json {
            let bytes = std::fs::read(path).map_err(|e| format!("{spec}: cannot read it ({e})"))?;
            let record = serde_json::from_slice::<Record>(&bytes).map_err(|e| {
                format!("{spec}: not an assessment record ({e})\n  help: a record is the <assessment_id>.json the web edition publishes")
            })?;
            return Ok(Side {
                record,
                label: spec.to_string(),
            });
        }
        return match prepare(path, under) {
            Ok(p) => Ok(Side {
                record: record(&p.scored),
                label: spec.to_string(),
            }),
            Err(r) => {
                r.report();
                Err(format!(
                    "{spec}: the workbook is invalid, so there is nothing to compare\n  help: `layerbrief check {spec}` lists every problem"
                ))
            }
        };
    }
    if let Some((id, version)) = spec.split_once('@') {
        let sent = sent_versions(out).unwrap_or_else(|e| {
            eprintln!(
                "{}",
                crate::model::diag::paint(&format!(
                    "warning: {e}; versions are found as archived, not as sent"
                ))
            );
            Default::default()
        });
        let v = archive::find(out, id, version, &sent)?;
        return Ok(Side {
            label: format!("{id}@{}", &v.sha256[..12]),
            record: v.record,
        });
    }
    Err(format!(
        "`{spec}`: no such file, and not an archived version\n  help: give a workbook, a record (.json), or ID@VERSION (e.g. coreweave@v1.2) or ID@HASH; `layerbrief versions ID` lists them"
    ))
}

/// The changes as text: a heading per part, layers in stack order.
fn text(c: &Changes, old: &str, new: &str, colour: bool) -> String {
    let paint = Paint(colour);
    let mut out = Vec::new();
    let side = |v: &changes::Version| {
        format!(
            "{} {} ({}, {} rules)",
            v.assessment_id, v.doc_version, v.date_assessed, v.methodology
        )
    };
    out.push(paint.bold(&format!("{} → {}", side(&c.from), side(&c.to))));
    out.push(format!("  old: {old}\n  new: {new}"));
    if c.is_empty() {
        out.push("\nno change".into());
        out.push(String::new());
        return out.join("\n");
    }
    if !c.metadata.is_empty() {
        out.push(String::new());
        out.push(paint.bold("Assessment"));
        for f in &c.metadata {
            out.push(format!(
                "  {}: {} → {}",
                f.field,
                paint.deleted(f.from.as_deref().unwrap_or("(empty)")),
                paint.inserted(f.to.as_deref().unwrap_or("(empty)"))
            ));
        }
    }
    if !c.summary.is_empty() {
        out.push(String::new());
        out.push(paint.bold("Summary"));
        for p in &c.summary {
            out.push(format!("  {}: {}", p.what, paint.segments(&p.segments)));
        }
    }
    for l in &c.layers {
        out.push(String::new());
        out.push(paint.bold(&format!("{} {}", l.label, l.name)));
        for m in &l.readings {
            out.push(format!(
                "  moved: {} {} → {} ({})",
                m.what,
                paint.deleted(&m.from),
                paint.inserted(&m.to),
                m.rule
            ));
        }
        for k in &l.components {
            let name = |v: &Option<String>| v.clone().unwrap_or_default();
            out.push(match k.kind {
                ComponentKind::Added => {
                    format!("  added: {} {}", k.cell_id, paint.inserted(&name(&k.to)))
                }
                ComponentKind::Removed => {
                    format!("  removed: {} {}", k.cell_id, paint.deleted(&name(&k.from)))
                }
                ComponentKind::Renamed => format!(
                    "  renamed: {} {} → {}",
                    k.cell_id,
                    paint.deleted(&name(&k.from)),
                    paint.inserted(&name(&k.to))
                ),
                ComponentKind::Changed => format!(
                    "  facts: {} {}",
                    k.cell_id,
                    k.facts
                        .iter()
                        .map(|f| format!(
                            "{} {} → {}",
                            f.field,
                            paint.deleted(f.from.as_deref().unwrap_or("(empty)")),
                            paint.inserted(f.to.as_deref().unwrap_or("(empty)"))
                        ))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            });
        }
        for p in &l.prose {
            out.push(format!("  {}: {}", p.what, paint.segments(&p.segments)));
        }
    }
    for (title, rows) in [("Overrides", &c.overrides), ("History", &c.history)] {
        if rows.is_empty() {
            continue;
        }
        out.push(String::new());
        out.push(paint.bold(title));
        for r in rows {
            let word = match r.kind {
                ComponentKind::Added => "added",
                ComponentKind::Removed => "removed",
                _ => "changed",
            };
            let body = match (&r.from, &r.to) {
                (Some(a), Some(b)) => format!("{} → {}", paint.deleted(a), paint.inserted(b)),
                (Some(a), None) => paint.deleted(a),
                (None, Some(b)) => paint.inserted(b),
                (None, None) => String::new(),
            };
            out.push(format!("  {word}: {} {body}", r.id));
        }
    }
    out.push(String::new());
    out.push(format!(
        "{} reading(s) moved in {} layer(s)",
        c.moved,
        c.layers.iter().filter(|l| !l.readings.is_empty()).count()
    ));
    out.push(String::new());
    out.join("\n")
}

/// Marks for a terminal, or plain marks that survive a pipe.
struct Paint(bool);

impl Paint {
    fn bold(&self, s: &str) -> String {
        match self.0 {
            true => format!("\x1b[1m{s}\x1b[0m"),
            false => s.to_string(),
        }
    }

    fn deleted(&self, s: &str) -> String {
        match self.0 {
            true => format!("\x1b[31;9m{s}\x1b[0m"),
            false => format!("[-{s}-]"),
        }
    }

    fn inserted(&self, s: &str) -> String {
        match self.0 {
            true => format!("\x1b[32;4m{s}\x1b[0m"),
            false => format!("{{+{s}+}}"),
        }
    }

    /// Runs of words, long unchanged ones cut to their ends.
    fn segments(&self, segments: &[Segment]) -> String {
        let mut out = String::new();
        let last = segments.len().saturating_sub(1);
        for (i, s) in segments.iter().enumerate() {
            let text = s.text.replace('\n', " ");
            match s.kind {
                SegmentKind::Same => out.push_str(&context(&text, i == 0, i == last)),
                SegmentKind::Deleted | SegmentKind::Inserted => {
                    if text.starts_with(char::is_whitespace) {
                        out.push(' ');
                    }
                    out.push_str(&match s.kind {
                        SegmentKind::Deleted => self.deleted(text.trim()),
                        _ => self.inserted(text.trim()),
                    });
                }
            }
            if s.kind != SegmentKind::Same && text.ends_with(char::is_whitespace) {
                out.push(' ');
            }
        }
        out
    }
}

/// An unchanged run of words, cut to a few words beside the changes around it.
fn context(text: &str, first: bool, last: bool) -> String {
    const WORDS: usize = 6;
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= 2 * WORDS {
        return text.to_string();
    }
    let lead = if text.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let trail = if text.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    match (first, last) {
        (true, true) => text.to_string(),
        (true, false) => format!("… {}{trail}", words[words.len() - WORDS..].join(" ")),
        (false, true) => format!("{lead}{} …", words[..WORDS].join(" ")),
        (false, false) => format!(
            "{lead}{} … {}{trail}",
            words[..WORDS].join(" "),
            words[words.len() - WORDS..].join(" ")
        ),
    }
}

//! Changes: the brief's section (and the email's opening, and the web's changes page) made
//! from the changes, every line in words.

use serde::Serialize;

use super::{Changes, ComponentKind, Segment};

/// The brief's changes section: what changed since the version a reader holds.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BriefChanges {
    /// `What changed since v1.2 (June 1, 2026)`.
    pub(crate) title: String,
    /// One sentence: what was compared, and how much moved.
    pub(crate) intro: String,
    /// The readings that moved, in stack order.
    pub(crate) readings: Vec<BriefReading>,
    /// Components added, removed, renamed or changed, and other facts, as lines.
    pub(crate) facts: Vec<String>,
    /// Each changed text as a redline.
    pub(crate) prose: Vec<BriefProse>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct BriefReading {
    /// `Layer 1A`.
    pub(crate) layer: String,
    /// `status`, `authority`, `1A.2 authority`.
    pub(crate) what: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) rule: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct BriefProse {
    /// `Layer 0 · narrative`, `Summary · paragraph 1`.
    pub(crate) place: String,
    pub(crate) segments: Vec<Segment>,
}

/// The changes section of the brief of `c.to`, against `c.from`.
pub(crate) fn for_brief(c: &Changes) -> BriefChanges {
    let since = chrono::NaiveDate::parse_from_str(&c.from.date_assessed, "%Y-%m-%d")
        .map(crate::model::date_long)
        .unwrap_or_else(|_| c.from.date_assessed.clone());
    let readings: Vec<BriefReading> = c
        .layers
        .iter()
        .flat_map(|l| {
            l.readings.iter().map(|m| BriefReading {
                layer: l.label.clone(),
                what: m.what.clone(),
                from: m.from.clone(),
                to: m.to.clone(),
                rule: m.rule.clone(),
            })
        })
        .collect();
    let mut facts: Vec<String> = c
        .metadata
        .iter()
        .filter(|f| f.field != "date_assessed")
        .map(|f| {
            format!(
                "{}: {} → {}",
                f.field.replace('_', " "),
                f.from.as_deref().unwrap_or("none"),
                f.to.as_deref().unwrap_or("none")
            )
        })
        .collect();
    for l in &c.layers {
        for k in &l.components {
            let name = |v: &Option<String>| v.clone().unwrap_or_else(|| k.cell_id.clone());
            facts.push(match k.kind {
                ComponentKind::Added => {
                    format!("{}: {} added ({})", l.label, name(&k.to), k.cell_id)
                }
                ComponentKind::Removed => {
                    format!("{}: {} removed ({})", l.label, name(&k.from), k.cell_id)
                }
                ComponentKind::Renamed => format!(
                    "{}: {} renamed {} ({})",
                    l.label,
                    name(&k.from),
                    name(&k.to),
                    k.cell_id
                ),
                ComponentKind::Changed => format!(
                    "{}: {} ({}) facts changed: {}",
                    l.label,
                    name(&k.to),
                    k.cell_id,
                    k.facts
                        .iter()
                        .map(|f| format!(
                            "{} {} → {}",
                            f.field.replace('_', " "),
                            f.from.as_deref().unwrap_or("none"),
                            f.to.as_deref().unwrap_or("none")
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    for (what, rows) in [("override", &c.overrides), ("history row", &c.history)] {
        for r in rows {
            let verb = match r.kind {
                ComponentKind::Added => "added",
                ComponentKind::Removed => "removed",
                _ => "changed",
            };
            facts.push(format!(
                "{what} {} {verb}: {}",
                r.id,
                r.to.as_deref().or(r.from.as_deref()).unwrap_or_default()
            ));
        }
    }
    let mut prose: Vec<BriefProse> = c
        .summary
        .iter()
        .map(|p| BriefProse {
            place: format!("Summary · {}", p.what),
            segments: p.segments.clone(),
        })
        .collect();
    for l in &c.layers {
        prose.extend(l.prose.iter().map(|p| BriefProse {
            place: format!("{} · {}", l.label, p.what),
            segments: p.segments.clone(),
        }));
    }
    let intro = format!(
        "Compared with {} of {since}, scored under ruleset {}: {} reading{} moved, {} text{} rewritten, {} other change{}.",
        c.from.doc_version,
        c.from.methodology,
        readings.len(),
        if readings.len() == 1 { "" } else { "s" },
        prose.len(),
        if prose.len() == 1 { "" } else { "s" },
        facts.len(),
        if facts.len() == 1 { "" } else { "s" },
    );
    BriefChanges {
        title: format!("What changed since {} ({since})", c.from.doc_version),
        intro,
        readings,
        facts,
        prose,
    }
}

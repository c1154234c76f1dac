//! Commands: `layerbrief score`, the computed reading of one workbook, as a table or JSON.

use super::args::ScoreArgs;
use super::setup::{methodology, Reading};
use super::{Fatal, Outcome};
use crate::build::prepare::prepare;
use crate::score::Scored;
use crate::view::scorecard::scorecard;

pub(super) fn run(args: ScoreArgs) -> Result<Outcome, Fatal> {
    let rs = methodology(args.methodology.methodology.as_deref())?;
    let reading = Reading::new(&args.read)?;
    if !args.workbook.is_file() {
        return Err(Fatal(format!("{}: no such file", args.workbook.display())));
    }
    let p = match prepare(&args.workbook, reading.under(rs)) {
        Ok(p) => p,
        Err(r) => {
            r.report();
            return Ok(Outcome::Invalid);
        }
    };
    for w in &p.warnings {
        eprintln!("{w}\n");
    }
    if args.json {
        let json = serde_json::to_string_pretty(&scorecard(&p.scored))
            .map_err(|e| Fatal::when("the reading as JSON", e))?;
        println!("{json}");
    } else {
        print!("{}", table(&p.scored));
    }
    Ok(Outcome::Ok)
}

fn table(s: &Scored) -> String {
    use std::fmt::Write as _;
    let m = &s.assessment.meta;
    let mut out = format!(
        "{} ({}) scored under {}: {}\n\n",
        m.vendor, m.assessment_id, s.ruleset.id, s.ruleset.title
    );
    out.push_str("LAYER  STATUS    RULE              AUTHORITY\n");
    for l in &s.layers {
        let mark = if l.status_override.is_some() || l.authority_override.is_some() {
            " (overridden)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{:<6} {:<9} {:<17} {}{mark}",
            l.layer_id,
            l.status.as_str(),
            l.status_rule,
            l.display
        );
    }
    out.push_str("\nCELL   AUTHORITY  COMPUTED   RULE                COUNTERPARTY\n");
    for c in &s.components {
        if let Some(x) = &c.score {
            let mark = if x.override_id.is_some() {
                "  (overridden)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{:<6} {:<10} {:<10} {:<19} {}{mark}",
                c.cell_id,
                x.authority.as_str(),
                x.computed.as_str(),
                x.rule,
                x.counterparty
            );
        }
    }
    let not_scored: Vec<String> = s
        .components
        .iter()
        .filter_map(|c| c.not_scored.map(|why| format!("{} ({why})", c.cell_id)))
        .collect();
    if !not_scored.is_empty() {
        let _ = writeln!(out, "\nnot scored: {}", not_scored.join(", "));
    }
    if s.warnings.is_empty() {
        out.push_str("\nno warnings\n");
    } else {
        out.push('\n');
        for w in &s.warnings {
            let _ = writeln!(out, "warning: {}", w.message);
        }
    }
    out
}

//! Commands: `layerbrief score`, the computed reading of one workbook, as a table or JSON.

use serde_json::json;

use super::{methodology, Fatal, Outcome, Reading};
use crate::cli::ScoreArgs;
use crate::pipeline::prepare;
use crate::score::Scored;

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
        println!("{}", serde_json::to_string_pretty(&score_json(&p.scored))?);
    } else {
        print!("{}", table(&p.scored));
    }
    Ok(Outcome::Ok)
}

/// The reading as one JSON object (the `score --json` contract).
fn score_json(s: &Scored) -> serde_json::Value {
    let components: Vec<_> = s
        .components
        .iter()
        .filter_map(|c| {
            let x = c.score.as_ref()?;
            Some(json!({
                "cell_id": c.cell_id,
                "authority": x.authority,
                "computed": x.computed,
                "rule": x.rule,
                "counterparty": x.counterparty,
                "overridden": x.override_id.is_some(),
            }))
        })
        .collect();
    let layers: Vec<_> = s
        .layers
        .iter()
        .map(|l| {
            json!({
                "layer_id": l.layer_id,
                "status": l.status,
                "status_rule": l.status_rule,
                "authority": l.authority,
                "slivers": l.slivers.iter().map(|p| p.authority).collect::<Vec<_>>(),
                "display": l.display,
                "status_computed": l.status_computed,
                "authority_computed": l.authority_computed,
                "overridden": l.status_override.is_some() || l.authority_override.is_some(),
            })
        })
        .collect();
    json!({
        "assessment_id": s.assessment.meta.assessment_id,
        "methodology": s.ruleset.id,
        "components": components,
        "layers": layers,
        "warnings": s.warnings,
    })
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

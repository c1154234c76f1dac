//! Commands: `layerbrief rescore`, the changes a methodology bump brings, for review.

use std::path::PathBuf;

use serde_json::json;

use super::args::RescoreArgs;
use super::setup::{collect_inputs, ruleset_named, Reading};
use super::{Fatal, Outcome};
use crate::build::output::write_atomic;
use crate::build::prepare::prepare;
use crate::model::next_version;
use crate::score::rescore::{history_rows, joined, rescore, Rescore};

pub(super) fn run(args: RescoreArgs) -> Result<Outcome, Fatal> {
    let from = ruleset_named(Some(&args.from), "--from")?
        .ok_or_else(|| Fatal("--from is required".into()))?;
    let to =
        ruleset_named(Some(&args.to), "--to")?.ok_or_else(|| Fatal("--to is required".into()))?;
    let today = chrono::Local::now().date_naive();
    let reading = Reading::new(&args.read)?;
    let files = collect_inputs(&args.inputs.paths, false)?;
    let mut outcome = Outcome::Ok;
    let mut reports: Vec<(Rescore, Vec<Vec<String>>)> = Vec::new();
    for file in &files {
        match prepare(file, reading.under(Some(to))) {
            Ok(p) => {
                let a = &p.scored.assessment;
                let r = rescore(a, from, to);
                let rows = history_rows(a, to, &r, today);
                if args.history.is_some() && next_version(&a.meta.doc_version).is_none() {
                    eprintln!(
                        "note: {}: doc_version `{}` is not a version number like v1.3, so the proposed rows leave doc_version for you to fill",
                        file.display(),
                        a.meta.doc_version
                    );
                }
                reports.push((r, rows));
            }
            Err(rej) => {
                rej.report();
                outcome = outcome.max(Outcome::Invalid);
            }
        }
    }
    if let Some(path) = &args.history {
        let several = reports.len() > 1;
        for (r, rows) in &reports {
            let target = if several {
                per_assessment(path, &r.assessment_id)
            } else {
                path.clone()
            };
            write_csv(&target, rows)?;
            eprintln!(
                "wrote {} ({} proposed History rows)",
                target.display(),
                rows.len() - 1
            );
        }
    }
    if args.json {
        let assessments: Vec<_> = reports
            .iter()
            .map(|(r, _)| json!({"assessment_id": r.assessment_id, "changes": r.changes, "review": r.review, "overrides": r.overrides}))
            .collect();
        let out = json!({"from": from.id, "to": to.id, "assessments": assessments});
        let json = serde_json::to_string_pretty(&out)
            .map_err(|e| Fatal::when("the changes as JSON", e))?;
        println!("{json}");
    } else {
        for (r, _) in &reports {
            print!("{}", text(r, &from.id, &to.id));
        }
    }
    Ok(outcome)
}

fn per_assessment(path: &std::path::Path, id: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "history".into());
    path.with_file_name(format!("{stem}-{id}.csv"))
}

fn write_csv(path: &std::path::Path, rows: &[Vec<String>]) -> Result<(), Fatal> {
    let doing = || {
        format!(
            "--history {}: cannot write the proposed rows",
            path.display()
        )
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(row).map_err(|e| Fatal::when(doing(), e))?;
    }
    let bytes = w.into_inner().map_err(|e| Fatal::when(doing(), e))?;
    write_atomic(path, &bytes).map_err(|e| Fatal::when(doing(), e))
}

fn text(r: &Rescore, from: &str, to: &str) -> String {
    let value = |v: &serde_json::Value| joined(v, " | ");
    let n = r.changes.len();
    let mut out = format!(
        "{}: {from} → {to}, {n} change{}\n",
        r.assessment_id,
        if n == 1 { "" } else { "s" }
    );
    let arrows: Vec<String> = r
        .changes
        .iter()
        .map(|c| format!("{} → {}", value(&c.from), value(&c.to)))
        .collect();
    let width = arrows.iter().map(|a| a.chars().count()).max().unwrap_or(0);
    for (c, arrow) in r.changes.iter().zip(&arrows) {
        let pad = " ".repeat(width - arrow.chars().count());
        out.push_str(&format!(
            "  {:<6} {:<16} {arrow}{pad}  {}\n",
            c.target, c.kind, c.rule
        ));
    }
    for rv in &r.review {
        out.push_str(&format!("  review: {}\n", rv.message));
    }
    for o in &r.overrides {
        out.push_str(&format!("  override: {}\n", o.message));
    }
    out
}

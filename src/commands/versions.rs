//! Commands: `layerbrief versions ID`, what the archive of an output folder holds of one
//! assessment, newest first, and who received each version (from the sent log).

use serde_json::json;

use super::args::VersionsArgs;
use super::{Fatal, Outcome};
use crate::build::archive;
use crate::publish::mail::{SentLog, SENT_LOG};

pub(super) fn run(a: VersionsArgs) -> Result<Outcome, Fatal> {
    let (versions, problems) = archive::list(&a.out, &a.id);
    for p in &problems {
        eprintln!("{}", crate::model::diag::paint(p));
    }
    let log = SentLog::load(&a.out.join(SENT_LOG)).map_err(Fatal)?;
    if versions.is_empty() {
        let known = archive::ids(&a.out);
        let help = match crate::model::diag::did_you_mean(&a.id, known.iter().map(String::as_str)) {
            Some(c) => format!("did you mean `{c}`?"),
            None if known.is_empty() => format!(
                "`layerbrief build` or `mail` into {} archives what they write",
                a.out.display()
            ),
            None => format!("it holds {}", known.join(", ")),
        };
        return Err(Fatal(format!(
            "the archive in {} holds no version of `{}`\n  help: {help}",
            a.out.join(archive::DIR).display(),
            a.id
        )));
    }
    let rows: Vec<serde_json::Value> = versions
        .iter()
        .map(|v| {
            let sent: Vec<serde_json::Value> = log
                .messages
                .iter()
                .filter(|m| m.assessment_id == a.id && m.version() == v.sha256)
                .flat_map(|m| {
                    let at = m.sent_at.clone();
                    m.recipients
                        .to
                        .iter()
                        .chain(&m.recipients.cc)
                        .chain(&m.recipients.bcc)
                        .map(move |r| json!({"address": r, "sent_at": at}))
                        .collect::<Vec<_>>()
                })
                .collect();
            let archived: chrono::DateTime<chrono::Utc> = v.archived.into();
            json!({
                "doc_version": v.record.assessment.doc_version,
                "ruleset": v.record.reading.methodology,
                "date_assessed": v.record.assessment.date_assessed.to_string(),
                "archived_at": archived.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "pdf_sha256": v.sha256,
                "recipients": sent,
            })
        })
        .collect();
    let text = if a.json {
        format!(
            "{}\n",
            serde_json::to_string_pretty(&json!({"assessment_id": a.id, "versions": rows}))
                .unwrap_or_default()
        )
    } else {
        table(&a.id, &rows)
    };
    match std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Fatal::when("standard output", e))
        }
        _ => Ok(Outcome::Ok),
    }
}

fn table(id: &str, rows: &[serde_json::Value]) -> String {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let mut out = vec![format!(
        "{id}: {} version(s) archived, newest first",
        rows.len()
    )];
    out.push(format!(
        "  {:<10} {:<8} {:<11} {:<17} {:<12}  received by",
        "version", "ruleset", "assessed", "archived (UTC)", "hash"
    ));
    for r in rows {
        let archived = s(&r["archived_at"]).replace('T', " ");
        let recipients: Vec<String> = r["recipients"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| {
                format!(
                    "{} ({})",
                    s(&x["address"]),
                    &s(&x["sent_at"])[..10.min(s(&x["sent_at"]).len())]
                )
            })
            .collect();
        out.push(format!(
            "  {:<10} {:<8} {:<11} {:<17} {:<12}  {}",
            s(&r["doc_version"]),
            s(&r["ruleset"]),
            s(&r["date_assessed"]),
            &archived[..16.min(archived.len())],
            &s(&r["pdf_sha256"])[..12],
            if recipients.is_empty() {
                "not sent".to_string()
            } else {
                recipients.join(", ")
            }
        ));
    }
    out.push(String::new());
    out.join("\n")
}

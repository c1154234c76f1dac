//! `layerbrief mail`: build briefs as needed, write .eml drafts, optionally send them.
//!
//! Exit status: as `build` (0, 1 some workbook invalid, 2 usage or I/O); with `--send`, when
//! deliveries fail, the number of messages that failed (each leaves its .eml in place).

use lettre::message::Mailbox;

use super::{prepare, Fatal, Outcome};
use crate::batch::{self, Reporter, Status};
use crate::cli::MailArgs;
use crate::commands::build::{brief_config, load_templates};
use crate::mail::{self, Recipients};
use crate::output::write_atomic;
use crate::render::Engine;

pub fn run(args: MailArgs) -> Result<Outcome, Fatal> {
    let to = args
        .to
        .iter()
        .map(|t| mail::parse_mailbox("--to", t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Fatal)?;
    let cc = args
        .cc
        .iter()
        .map(|t| mail::parse_mailbox("--cc", t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Fatal)?;
    let from = match args
        .from
        .clone()
        .or_else(|| std::env::var("LAYERBRIEF_FROM").ok())
    {
        Some(f) => Some(mail::parse_mailbox("--from", &f).map_err(Fatal)?),
        None => None,
    };
    let transport = match (&args.send, &args.smtp) {
        (true, Some(url)) => Some(mail::transport(url).map_err(Fatal)?),
        _ => None,
    };
    let (config, errors) = brief_config(
        &args.inputs.paths,
        &args.brief,
        args.methodology.methodology.as_deref(),
        None,
        false,
    )?;
    let mut outcome = Outcome::Ok;
    for e in &errors {
        eprintln!("error: {e}");
        outcome = Outcome::Failure;
    }
    let templates = load_templates(args.brief.templates.as_ref())?;
    let engine = Engine::new(templates);
    let summary = batch::build(&engine, &config, &Reporter::new(config.files.len()));
    eprintln!("{}", summary.line());
    outcome = outcome.max(summary.outcome);

    let mut failed_deliveries = 0u32;
    for r in &summary.results {
        let (Some(target), Status::Built { .. } | Status::Unchanged) = (&r.target, &r.status)
        else {
            continue;
        };
        let p = match prepare(&r.source, config.methodology) {
            Ok(p) => p,
            Err(rej) => {
                rej.report();
                outcome = outcome.max(Outcome::Invalid);
                continue;
            }
        };
        let s = &p.scored;
        let recipients = if to.is_empty() && cc.is_empty() {
            Recipients::from_distribution(s).map_err(Fatal)?
        } else {
            Recipients {
                to: to.clone(),
                cc: cc.clone(),
                bcc: Vec::new(),
            }
        };
        let sender = from.clone().unwrap_or_else(|| {
            Mailbox::new(
                Some(s.assessment.meta.publisher.clone()),
                "briefs@localhost".parse().expect("valid address"),
            )
        });
        let pdf = std::fs::read(target).map_err(|e| Fatal(format!("{}: {e}", target.display())))?;
        let message = match mail::compose(s, pdf, &sender, &recipients, engine.templates()) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: {}: {e}", r.source.display());
                outcome = Outcome::Failure;
                continue;
            }
        };
        let bytes = message.formatted();
        let eml = target.with_extension("eml");
        if bytes.len() as u64 > args.max_size {
            eprintln!(
                "error: {}: the message is {:.1} MB encoded, above --max-size {:.1} MB; not written",
                eml.display(),
                bytes.len() as f64 / 1e6,
                args.max_size as f64 / 1e6
            );
            outcome = Outcome::Failure;
            continue;
        }
        if bytes.len() > mail::WARN_SIZE {
            eprintln!(
                "warning: {}: {:.1} MB encoded; many mail gateways refuse messages above 10 MB",
                eml.display(),
                bytes.len() as f64 / 1e6
            );
        }
        write_atomic(&eml, &bytes).map_err(|e| Fatal(format!("{}: {e}", eml.display())))?;
        eprintln!(
            "wrote {} ({} KiB)",
            eml.display(),
            bytes.len().div_ceil(1024)
        );
        if let Some(t) = &transport {
            if recipients.is_empty() {
                eprintln!("error: {}: no recipients (give --to, or fill the Distribution sheet); not sent", eml.display());
                failed_deliveries += 1;
                continue;
            }
            match mail::send(t, &message) {
                Ok(()) => eprintln!(
                    "sent {} to {} recipient(s)",
                    eml.display(),
                    recipients.to.len() + recipients.cc.len() + recipients.bcc.len()
                ),
                Err(e) => {
                    eprintln!(
                        "error: delivery of {} failed: {e}; the .eml is left in place",
                        eml.display()
                    );
                    failed_deliveries += 1;
                }
            }
        }
    }
    if failed_deliveries > 0 {
        eprintln!("{failed_deliveries} message(s) not delivered");
        return Ok(Outcome::Undelivered(failed_deliveries.min(125) as u8));
    }
    Ok(outcome)
}

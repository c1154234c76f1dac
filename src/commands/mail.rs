//! Commands: `layerbrief mail`, which builds briefs as needed, writes .eml drafts and
//! optionally sends them.
//!
//! Policy: each brief is one message, composed, written and sent on its own: an error with
//! one message (composing it, writing its draft, sending it) is reported for that message
//! only, and the others go ahead.
//!
//! Exit status: 2 for usage or I/O errors; else 3 when some message was not delivered (each
//! leaves its .eml in place); else 1 when some workbook was invalid; else 0.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use lettre::{Address, Message, SmtpTransport};

use super::build::brief_config;
use super::{batch_outcome, load_templates, report_input_errors, Fatal, Outcome};
use crate::batch::{self, BriefStatus, Reporter};
use crate::cli::MailArgs;
use crate::mail::{self, Recipients};
use crate::output::write_atomic;
use crate::pipeline::prepare;
use crate::render::{Engine, Templates};
use crate::ruleset::Ruleset;

/// The checked mail options: recipients and sender given on the command line, the SMTP
/// transport when sending.
struct Settings {
    to: Vec<Mailbox>,
    cc: Vec<Mailbox>,
    from: Option<Mailbox>,
    transport: Option<SmtpTransport>,
    max_size: u64,
}

impl Settings {
    fn new(args: &MailArgs) -> Result<Self, Fatal> {
        let mailboxes = |flag: &str, list: &[String]| {
            list.iter()
                .map(|t| mail::parse_mailbox(flag, t))
                .collect::<Result<Vec<_>, _>>()
                .map_err(Fatal)
        };
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
        Ok(Self {
            to: mailboxes("--to", &args.to)?,
            cc: mailboxes("--cc", &args.cc)?,
            from,
            transport,
            max_size: args.max_size,
        })
    }
}

/// A message written as an .eml draft, ready to send.
struct Draft {
    message: Message,
    recipients: Recipients,
    eml: PathBuf,
}

pub(super) fn run(args: MailArgs) -> Result<Outcome, Fatal> {
    let settings = Settings::new(&args)?;
    let (config, errors) = brief_config(
        &args.inputs.paths,
        &args.brief,
        args.methodology.methodology.as_deref(),
        None,
        false,
    )?;
    let mut outcome = report_input_errors(&errors);
    let engine = Engine::new(load_templates(args.brief.templates.as_ref())?);
    let summary = batch::build(&engine, &config, &Reporter::new(config.files.len()));
    eprintln!("{}", summary.line());
    outcome = outcome.max(batch_outcome(&summary));

    let mut failed_deliveries = 0u32;
    for r in &summary.results {
        let (Some(target), BriefStatus::Built { .. } | BriefStatus::Unchanged) =
            (&r.target, &r.status)
        else {
            continue;
        };
        let draft = match draft(
            &settings,
            &r.source,
            target,
            config.methodology,
            engine.templates(),
        ) {
            Ok(d) => d,
            Err(o) => {
                if settings.transport.is_some() && o == Outcome::Failure {
                    failed_deliveries += 1;
                }
                outcome = outcome.max(o);
                continue;
            }
        };
        if let Some(t) = &settings.transport {
            if !deliver(t, &draft) {
                failed_deliveries += 1;
            }
        }
    }
    if failed_deliveries > 0 {
        eprintln!("{failed_deliveries} message(s) not delivered");
        return Ok(outcome.max(Outcome::Undelivered));
    }
    Ok(outcome)
}

/// Composes the message of one brief and writes it as an .eml beside the PDF. The error is
/// the outcome of a brief that got no draft, already reported.
fn draft(
    settings: &Settings,
    source: &Path,
    pdf_path: &Path,
    methodology: Option<&Ruleset>,
    templates: &Templates,
) -> Result<Draft, Outcome> {
    let fail = |what: String| {
        eprintln!("error: {what}");
        Outcome::Failure
    };
    let p = prepare(source, methodology).map_err(|rej| {
        rej.report();
        Outcome::Invalid
    })?;
    let s = &p.scored;
    let eml = pdf_path.with_extension("eml");
    let recipients = if settings.to.is_empty() && settings.cc.is_empty() {
        Recipients::from_distribution(s)
            .map_err(|e| fail(format!("{}: {e}; no draft written", source.display())))?
    } else {
        Recipients {
            to: settings.to.clone(),
            cc: settings.cc.clone(),
            bcc: Vec::new(),
        }
    };
    let sender = match &settings.from {
        Some(f) => f.clone(),
        None => {
            let address = Address::new("briefs", "localhost")
                .map_err(|e| fail(format!("the default sender: {e}")))?;
            Mailbox::new(Some(s.assessment.meta.publisher.clone()), address)
        }
    };
    let pdf = std::fs::read(pdf_path)
        .map_err(|e| fail(format!("{}: {e}; no draft written", pdf_path.display())))?;
    // Header text is folded before the mail library sees it; should it still panic on some
    // input, that is this message's failure, not the batch's.
    let message = catch_unwind(AssertUnwindSafe(|| {
        mail::compose(s, pdf, &sender, &recipients, templates)
    }));
    let message = match message {
        Ok(Ok(m)) => m,
        Ok(Err(e)) => return Err(fail(format!("{}: {e}; no draft written", source.display()))),
        Err(_) => {
            return Err(fail(format!(
            "{}: composing the message failed unexpectedly (a bug in layerbrief); no draft written",
            source.display()
        )))
        }
    };
    let bytes = message.formatted();
    let size = bytes.len();
    if size as u64 > settings.max_size {
        return Err(fail(format!(
            "{}: the message is {:.1} MB encoded, above --max-size {:.1} MB; not written",
            eml.display(),
            size as f64 / 1e6,
            settings.max_size as f64 / 1e6
        )));
    }
    if size > mail::WARN_SIZE {
        eprintln!(
            "warning: {}: {:.1} MB encoded; many mail gateways refuse messages above 10 MB",
            eml.display(),
            size as f64 / 1e6
        );
    }
    write_atomic(&eml, &bytes)
        .map_err(|e| fail(format!("{}: {e}; not written, not sent", eml.display())))?;
    eprintln!("wrote {} ({} KiB)", eml.display(), size.div_ceil(1024));
    Ok(Draft {
        message,
        recipients,
        eml,
    })
}

/// Sends one draft; whether it was delivered (failures are reported).
fn deliver(transport: &SmtpTransport, d: &Draft) -> bool {
    if d.recipients.is_empty() {
        eprintln!(
            "error: {}: no recipients (give --to, or fill the Distribution sheet); not sent",
            d.eml.display()
        );
        return false;
    }
    match mail::send(transport, &d.message) {
        Ok(()) => {
            eprintln!(
                "sent {} to {} recipient(s)",
                d.eml.display(),
                d.recipients.to.len() + d.recipients.cc.len() + d.recipients.bcc.len()
            );
            true
        }
        Err(e) => {
            eprintln!(
                "error: delivery of {} failed: {e}; the .eml is left in place",
                d.eml.display()
            );
            false
        }
    }
}

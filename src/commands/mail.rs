//! Commands: `layerbrief mail`, which builds briefs as needed, writes .eml drafts and
//! optionally sends them.
//!
//! Policy: each brief is one message, composed, written and sent on its own: an error with
//! one message (composing it, writing its draft, reaching the server, a refused recipient) is
//! reported for that message only, and the others go ahead. With `--send`, each recipient is
//! one SMTP transaction, so a refused address never holds back the others. Each delivery is
//! recorded in the output folder's sent log (`.layerbrief-sent.json`) as soon as it is made,
//! with only the recipients the server accepted. A brief whose PDF is unchanged is not sent
//! again to a recipient who already has it: a line says it was skipped, and a later run sends
//! only to those not yet served; `--resend` sends to everyone again, with a new Message-ID.
//!
//! Exit status: 2 for usage or I/O errors (a bad option, an unreadable sent log, a draft that
//! cannot be composed or written, a delivery that cannot be recorded); else 3 when some
//! message was not delivered to every recipient; else 1 when some workbook was invalid; else 0.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use lettre::{Address, SmtpTransport};

use super::build::brief_config;
use super::build::engine;
use super::{batch_outcome, report_input_errors, Fatal, Outcome, Reading};
use crate::batch::{self, BriefStatus, Reporter};
use crate::cli::MailArgs;
use crate::mail::{
    self, address_key, Composed, History, Recipients, SendError, SendingLock, Sent, SentLog,
};
use crate::manifest::sha256_hex;
use crate::output::write_atomic;
use crate::pipeline::{prepare, Under};
use crate::render::Templates;

/// The checked mail options: recipients and sender given on the command line, the SMTP
/// transport when sending.
struct Settings {
    to: Vec<Mailbox>,
    cc: Vec<Mailbox>,
    from: Option<Mailbox>,
    transport: Option<SmtpTransport>,
    resend: bool,
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
            resend: args.resend,
            max_size: args.max_size,
        })
    }
}

/// A message written as an .eml draft, ready to send.
struct Draft {
    composed: Composed,
    assessment_id: String,
    pdf_sha256: String,
    sender: Address,
    recipients: Recipients,
    /// What the sent log knows of this PDF.
    history: History,
    /// The resend counter the Message-ID was derived from.
    resend: u32,
    eml: PathBuf,
}

/// How the delivery of one draft went.
struct Delivery {
    /// Every recipient has the message (now or from an earlier run).
    complete: bool,
    /// A delivery was made but could not be recorded in the sent log.
    unrecorded: bool,
}

pub(super) fn run(args: MailArgs) -> Result<Outcome, Fatal> {
    let settings = Settings::new(&args)?;
    let (mut config, errors) = brief_config(
        &args.inputs.paths,
        &args.brief,
        args.methodology.methodology.as_deref(),
        None,
        false,
    )?;
    let mut outcome = report_input_errors(&errors);
    let log_path = config.out.join(mail::SENT_LOG);
    // Sending runs into one folder take turns, from reading the log to the last delivery.
    let _sending = match settings.transport {
        Some(_) => Some(SendingLock::take(&log_path).map_err(Fatal)?),
        None => None,
    };
    let mut log = match SentLog::load(&log_path) {
        Ok(log) => log,
        Err(e) if settings.transport.is_some() => {
            return Err(Fatal(format!(
                "{e}; nothing sent\n  help: it records what was already sent; repair it, or move it aside to treat every brief as unsent"
            )))
        }
        Err(e) => {
            eprintln!("warning: {e}; drafts get the Message-ID of a first sending");
            SentLog::default()
        }
    };
    let (engine, limits) = engine(&args.brief, Reading::new(&args.read)?)?;
    config.limits = limits;
    let summary = batch::build(&engine, &config, &Reporter::new(config.files.len()));
    eprintln!("{}", summary.line());
    outcome = outcome.max(batch_outcome(&summary));

    let mut undelivered = 0usize;
    for r in &summary.results {
        let (Some(target), BriefStatus::Built { .. } | BriefStatus::Unchanged) =
            (&r.target, &r.status)
        else {
            continue;
        };
        let under = Under {
            methodology: config.methodology,
            limits: &config.limits,
            fonts: engine.fonts(),
        };
        let draft = match draft(
            &settings,
            &log,
            &r.source,
            target,
            under,
            engine.templates(),
        ) {
            Ok(d) => d,
            Err(o) => {
                if settings.transport.is_some() && o == Outcome::Failure {
                    undelivered += 1;
                }
                outcome = outcome.max(o);
                continue;
            }
        };
        if let Some(t) = &settings.transport {
            let d = deliver(t, &draft, settings.resend, &mut log, &log_path);
            if !d.complete {
                undelivered += 1;
            }
            if d.unrecorded {
                outcome = outcome.max(Outcome::Failure);
            }
        }
    }
    if undelivered > 0 {
        eprintln!("{undelivered} message(s) not delivered");
        outcome = outcome.max(Outcome::Undelivered);
    }
    Ok(outcome)
}

/// Composes the message of one brief and writes it as an .eml beside the PDF. The error is
/// the outcome of a brief that got no draft, already reported.
fn draft(
    settings: &Settings,
    log: &SentLog,
    source: &Path,
    pdf_path: &Path,
    under: Under,
    templates: &Templates,
) -> Result<Draft, Outcome> {
    let fail = |what: String| {
        eprintln!("error: {what}");
        Outcome::Failure
    };
    let p = prepare(source, under).map_err(|rej| {
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
    let pdf_sha256 = sha256_hex(&pdf);
    let assessment_id = s.assessment.meta.assessment_id.clone();
    let history = log.history(&assessment_id, &pdf_sha256);
    let resend = match (settings.resend, history.resend) {
        (true, Some(n)) => n.saturating_add(1),
        (_, n) => n.unwrap_or(0),
    };
    let message_id = mail::message_id(&pdf_sha256, &recipients, resend, &sender.email);
    // Header text is folded before the mail library sees it; should it still panic on some
    // input, that is this message's failure, not the batch's.
    let composed = catch_unwind(AssertUnwindSafe(|| {
        mail::compose(s, pdf, &sender, &recipients, templates, &message_id)
    }));
    let composed = match composed {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return Err(fail(format!("{}: {e}; no draft written", source.display()))),
        Err(_) => {
            return Err(fail(format!(
            "{}: composing the message failed unexpectedly (a bug in layerbrief); no draft written",
            source.display()
        )))
        }
    };
    let size = composed.draft.len();
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
    write_atomic(&eml, &composed.draft)
        .map_err(|e| fail(format!("{}: {e}; not written, not sent", eml.display())))?;
    eprintln!("wrote {} ({} KiB)", eml.display(), size.div_ceil(1024));
    Ok(Draft {
        composed,
        assessment_id,
        pdf_sha256,
        sender: sender.email,
        recipients,
        history,
        resend,
        eml,
    })
}

/// Sends one draft to each recipient who does not have it yet (everyone with `resend`), one
/// SMTP transaction each, and records those served in the sent log. Every failure is
/// reported here.
fn deliver(
    transport: &SmtpTransport,
    d: &Draft,
    resend: bool,
    log: &mut SentLog,
    log_path: &Path,
) -> Delivery {
    let eml = d.eml.display();
    let all = d.recipients.addresses();
    if all.is_empty() {
        eprintln!(
            "error: {eml}: no recipients (give --to, or fill the Distribution sheet); not sent"
        );
        return Delivery {
            complete: false,
            unrecorded: false,
        };
    }
    let pending: Vec<&Address> = all
        .iter()
        .filter(|a| resend || !d.history.served.contains(&address_key(a)))
        .collect();
    let already = all.len() - pending.len();
    let when = d
        .history
        .last_sent_at
        .as_deref()
        .unwrap_or("an earlier run");
    if pending.is_empty() {
        eprintln!(
            "skipped {eml}: already sent to {already} recipient(s) on {when} (--resend to send again)"
        );
        return Delivery {
            complete: true,
            unrecorded: false,
        };
    }
    if already > 0 {
        eprintln!(
            "{eml}: already sent to {already} recipient(s) on {when}; sending to the {} not yet served",
            pending.len()
        );
    }
    let mut served = BTreeSet::new();
    let mut missed = 0;
    for (i, rcpt) in pending.iter().enumerate() {
        match mail::send_to(transport, &d.sender, rcpt, &d.composed.delivered) {
            Ok(()) => {
                served.insert(address_key(rcpt));
            }
            Err(SendError::Refused(reply)) => {
                eprintln!("error: {eml}: the server refused {rcpt}: {reply}");
                missed += 1;
            }
            Err(SendError::Failed(e)) => {
                eprintln!("error: delivery of {eml} failed: {e}; the .eml is left in place");
                missed += pending.len() - i;
                break;
            }
        }
    }
    let mut unrecorded = false;
    if !served.is_empty() {
        eprintln!("sent {eml} to {} recipient(s)", served.len());
        log.record(Sent {
            message_id: d.composed.message_id.clone(),
            assessment_id: d.assessment_id.clone(),
            eml: eml.to_string(),
            pdf_sha256: d.pdf_sha256.clone(),
            recipients: d.recipients.only(&served),
            sent_at: mail::now_rfc3339(),
            resend: d.resend,
        });
        if let Err(e) = log.save(log_path) {
            eprintln!(
                "error: {e}; the delivery of {eml} is not recorded, so a later run would send it again"
            );
            unrecorded = true;
        }
    }
    if missed > 0 {
        eprintln!(
            "{eml}: not delivered to {missed} of {} recipient(s); a later `mail --send` sends only to those",
            pending.len()
        );
    }
    Delivery {
        complete: missed == 0,
        unrecorded,
    }
}

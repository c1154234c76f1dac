//! Commands: `layerbrief mail`, which builds briefs as needed, writes .eml drafts and
//! optionally sends them.
//!
//! Policy: each brief is one message, composed, written and sent on its own: an error with
//! one message (composing it, writing its draft, reaching the server, a refused recipient) is
//! reported for that message only, and the others go ahead. The build hands over what a
//! message needs of each assessment (its [`EmailView`]), so nothing is read twice. How a
//! message is sent once is the mail module's policy ([`crate::publish::mail`]).
//!
//! Exit status: 2 for usage or I/O errors (a bad option, an unreadable sent log, a draft that
//! cannot be composed or written, a delivery that cannot be recorded); else 3 when some
//! message was not delivered to every recipient; else 1 when some workbook was invalid; else 0.

use std::cell::OnceCell;
use std::path::Path;

use super::args::MailArgs;
use super::setup::{batch_outcome, brief_config, Reading};
use super::{Fatal, Outcome};
use crate::build::prepare::{prepare, Under};
use crate::build::{self, BriefStatus, Keep, Reporter, Summary};
use crate::publish::mail::{self, DraftOptions, SendingLock, SentLog};
use crate::render::{Engine, RenderOptions};
use crate::score::Scored;
use crate::view::changes::{changes, Changes};
use crate::view::email::{email_view, EmailView};
use crate::view::record::{record, Record};

/// The checked mail options: the drafts' recipients and sender, and the relay when sending.
struct Settings {
    drafts: DraftOptions,
    relay: Option<mail::Relay>,
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
        // Checked here, not by the parser: the relay may come from the project file.
        if args.send && args.smtp.is_none() {
            return Err(Fatal(
                "--send needs a relay: nothing was sent\n  help: give --smtp URL (e.g. --smtp smtps://mail.example.com), or set `smtp` in [mail] of layerbrief.toml".into(),
            ));
        }
        let relay = match (&args.send, &args.smtp) {
            (true, Some(url)) => Some(
                mail::Relay::new(url, args.smtp_timeout, args.smtp_ca.as_deref()).map_err(Fatal)?,
            ),
            _ => None,
        };
        if relay.is_some() && from.is_none() {
            return Err(Fatal(
                "--send needs a sender: nothing was sent\n  help: give --from ADDR (e.g. --from \"Briefs <briefs@example.com>\"), or set LAYERBRIEF_FROM".into(),
            ));
        }
        Ok(Self {
            drafts: DraftOptions {
                to: mailboxes("--to", &args.to)?,
                cc: mailboxes("--cc", &args.cc)?,
                from,
                resend: args.resend,
                max_size: args.max_size,
                stamp: args.stamp,
            },
            relay,
        })
    }
}

pub(super) fn run(args: MailArgs) -> Result<Outcome, Fatal> {
    let settings = Settings::new(&args)?;
    let mut config = brief_config(
        &args.inputs.paths,
        &args.brief,
        args.methodology.methodology.as_deref(),
        None,
        false,
    )?;
    config.archive = true;
    let log_path = config.out.join(mail::SENT_LOG);
    // Sending runs into one folder take turns, from reading the log to the last delivery.
    let _sending = match settings.relay {
        Some(_) => Some(SendingLock::take(&log_path).map_err(Fatal)?),
        None => None,
    };
    let mut log = match SentLog::load(&log_path) {
        Ok(log) => log,
        Err(e) if settings.relay.is_some() => {
            return Err(Fatal(format!(
                "{e}; nothing sent\n  help: it records what was already sent; repair it, or move it aside to treat every brief as unsent"
            )))
        }
        Err(e) => {
            eprintln!("warning: {e}; drafts get the Message-ID of a first sending");
            SentLog::default()
        }
    };
    let (engine, limits) = Reading::new(&args.read)?.engine(&args.brief.typeset, &config.render)?;
    config.limits = limits;
    let keep = Keep {
        unchanged: true,
        each: &|p, _| email_view(&p.scored),
    };
    let reporter = Reporter::new(config.files.len());
    let summary = build::build_keeping(&engine, &config, &reporter, Some(&keep));
    eprintln!("{}", summary.line());
    let mut outcome = batch_outcome(&summary);

    if args.dry_run {
        dry_run(&settings, &summary, &log, &config.out);
        return Ok(outcome);
    }
    let under = Under {
        methodology: config.methodology,
        limits: &config.limits,
        fonts: engine.fonts(),
    };
    let ctx = Context {
        settings: &settings,
        engine: &engine,
        render: &config.render,
        under,
        out: &config.out,
    };
    let sent = drafts_and_deliveries(&ctx, summary, &mut log, &log_path);
    if sent.drafts > 0 && settings.drafts.from.is_none() {
        eprintln!(
            "note: the drafts have no From: the mail program you send them with fills in your account (give --from ADDR or set LAYERBRIEF_FROM to name a sender)"
        );
    }
    if sent.undelivered > 0 {
        eprintln!("{} message(s) not delivered", sent.undelivered);
    }
    outcome = outcome.max(sent.outcome);
    super::setup::prune_archive(&config.out, args.brief.keep);
    Ok(outcome)
}

/// What writing the drafts and delivering them came to.
struct Sending {
    drafts: usize,
    undelivered: usize,
    outcome: Outcome,
}

/// What writing and delivering the messages needs besides the briefs.
struct Context<'a> {
    settings: &'a Settings,
    engine: &'a Engine,
    render: &'a RenderOptions,
    under: Under<'a>,
    out: &'a Path,
}

impl Context<'_> {
    /// A copy of the brief of `source` (prepared again once, the first time a copy of it is
    /// asked for, into `prepared`), with a changes section against `old`, the version a
    /// reader holds, or a reader's `stamp`: the PDF's bytes, and the changes.
    fn variant(
        &self,
        (source, prepared): (&Path, &OnceCell<Option<Scored>>),
        old: Option<&Record>,
        stamp: Option<String>,
    ) -> Result<(Vec<u8>, Option<Changes>), String> {
        let scored = prepared
            .get_or_init(|| prepare(source, self.under).ok().map(|p| p.scored))
            .as_ref()
            .ok_or("the workbook no longer reads")?;
        let c = old.map(|old| changes(old, &record(scored)));
        let extras = crate::render::Extras {
            changes: c.as_ref(),
            stamp,
        };
        let doc = crate::render::render_with(self.engine, scored, self.render, &extras)
            .map_err(|e| e.to_string())?;
        Ok((doc.pdf, c))
    }
}

/// Writes each built brief's messages (one per version its readers hold) and, when sending,
/// delivers them; every failure reported for its message alone.
fn drafts_and_deliveries(
    ctx: &Context,
    summary: Summary<EmailView>,
    log: &mut SentLog,
    log_path: &Path,
) -> Sending {
    let settings = ctx.settings;
    let mut sent = Sending {
        drafts: 0,
        undelivered: 0,
        outcome: Outcome::Ok,
    };
    for r in summary.results {
        let (
            Some(target),
            Some(view),
            BriefStatus::Built { .. } | BriefStatus::Unchanged | BriefStatus::Reused,
        ) = (&r.target, &r.kept, &r.status)
        else {
            continue;
        };
        // Kept while this brief's messages are made, dropped before the next brief's.
        let prepared = OnceCell::new();
        let variant = |old: Option<&Record>, stamp: Option<String>| {
            ctx.variant((&r.source, &prepared), old, stamp)
        };
        let brief = mail::Brief {
            opts: &settings.drafts,
            log,
            source: &r.source,
            view,
            pdf_path: target,
            templates: ctx.engine.templates(),
            out: ctx.out,
            variant: &variant,
        };
        let Ok(drafts) = mail::write_drafts(&brief) else {
            if settings.relay.is_some() {
                sent.undelivered += 1;
            }
            sent.outcome = sent.outcome.max(Outcome::Failure);
            continue;
        };
        for draft in drafts {
            sent.drafts += 1;
            let Some(t) = &settings.relay else {
                continue;
            };
            let d = mail::deliver(t, &draft, settings.drafts.resend, log, log_path);
            if d.no_recipients {
                sent.outcome = sent.outcome.max(Outcome::Invalid);
            } else if !d.complete {
                sent.undelivered += 1;
                sent.outcome = sent.outcome.max(Outcome::Undelivered);
            }
            if d.unrecorded {
                sent.outcome = sent.outcome.max(Outcome::Failure);
            }
        }
    }
    sent
}

/// `mail --dry-run`: who would get which version and which message, sending nothing and
/// writing nothing.
fn dry_run(settings: &Settings, summary: &Summary<EmailView>, log: &SentLog, out: &Path) {
    for r in &summary.results {
        let (Some(target), Some(view)) = (&r.target, &r.kept) else {
            continue;
        };
        let Ok(pdf) = std::fs::read(target) else {
            continue;
        };
        let version = crate::build::manifest::sha256_hex(&pdf);
        let Ok(recipients) = mail::recipients_of(&settings.drafts, view) else {
            println!(
                "{}: its recipients do not read; nothing would be sent",
                r.source.display()
            );
            continue;
        };
        let addresses = recipients.addresses();
        println!(
            "{} {} ({}):",
            view.assessment_id,
            view.doc_version,
            target.display()
        );
        if addresses.is_empty() {
            println!("  no recipient: nothing would be sent");
            continue;
        }
        let plan = mail::plan(log, out, &view.assessment_id, &version, &addresses);
        let history = log.history(&view.assessment_id, &version);
        let eml = target.with_extension("eml");
        for a in &plan.today {
            let key = a.to_string().to_lowercase();
            if history.served.contains(&key) && !settings.drafts.resend {
                println!(
                    "  {a}: already has {} (nothing to send; --resend to send again)",
                    view.doc_version
                );
            } else {
                println!("  {a}: today's message ({})", eml.display());
            }
        }
        for (since, readers) in &plan.since {
            let tag = &since.version_sha256[..12];
            let eml = target
                .with_extension("")
                .with_extension(format!("since-{tag}.eml"));
            for a in readers {
                println!(
                    "  {a}: holds {} (sent {}): what changed since then, with a brief that opens with it ({})",
                    since.record.assessment.doc_version,
                    &since.sent_at[..10.min(since.sent_at.len())],
                    eml.display()
                );
            }
        }
        for n in &plan.notes {
            println!("  {n}");
        }
    }
    println!("dry run: nothing was written or sent");
}

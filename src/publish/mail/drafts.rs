//! Mail: a brief's messages written as .eml drafts beside its PDF, one per version its
//! readers hold (see [`super::readers`]), or one per reader with `--stamp`.
//!
//! Policy: every message of a brief keeps the distribution's full headers; each is delivered
//! only to its own readers. A copy with a changes section or a stamp is written beside the
//! brief, never over it, and no address goes into a file name. Every failure is reported
//! here, for its message alone.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use lettre::Address;

use super::compose::{compose, message_id, Composed};
use super::log::{History, SentLog};
use super::recipients::{address_key, Recipients};
use super::WARN_SIZE;
use crate::build::manifest::sha256_hex;
use crate::build::output::write_atomic;
use crate::render::Templates;
use crate::view::email::EmailView;

/// How drafts are written: recipients and sender given on the command line (no recipient: the
/// workbook's Distribution sheet; no sender: a draft without `From:`, which the mail program
/// sending it fills in), the size limit, whether this is a resend.
pub(crate) struct DraftOptions {
    pub(crate) to: Vec<Mailbox>,
    pub(crate) cc: Vec<Mailbox>,
    pub(crate) from: Option<Mailbox>,
    pub(crate) resend: bool,
    pub(crate) max_size: u64,
    /// A copy of the brief stamped for each reader (`--stamp`).
    pub(crate) stamp: bool,
}

/// A message written as an .eml draft, ready to send.
pub(crate) struct Draft {
    pub(super) composed: Composed,
    pub(super) assessment_id: String,
    /// The PDF this message carries: the brief, or its variant with a changes section.
    pub(super) pdf_sha256: String,
    /// The brief's hash: the version its readers hold once it is delivered.
    pub(super) version_sha256: String,
    /// The readers it is delivered to (its headers name the whole distribution).
    pub(super) targets: Vec<Address>,
    /// The sender; a draft may have none, a delivery always has one.
    pub(super) sender: Option<Address>,
    pub(super) recipients: Recipients,
    /// What the sent log knows of this PDF.
    pub(super) history: History,
    /// The resend counter the Message-ID was derived from.
    pub(super) resend: u32,
    pub(super) eml: PathBuf,
}

/// Makes a copy of the brief of an assessment: with a changes section against an earlier
/// version (its record), stamped for a reader, or both. The PDF's bytes, and the changes.
pub(crate) type Variant<'a> =
    &'a dyn Fn(
        Option<&crate::view::record::Record>,
        Option<String>,
    ) -> Result<(Vec<u8>, Option<crate::view::changes::Changes>), String>;

/// One brief being addressed: what each of its messages is made from.
#[derive(Clone, Copy)]
pub(crate) struct Brief<'a> {
    pub(crate) opts: &'a DraftOptions,
    pub(crate) log: &'a SentLog,
    /// The workbook, for messages.
    pub(crate) source: &'a Path,
    pub(crate) view: &'a EmailView,
    pub(crate) pdf_path: &'a Path,
    pub(crate) templates: &'a Templates,
    /// The output folder, whose archive holds the versions readers received.
    pub(crate) out: &'a Path,
    pub(crate) variant: Variant<'a>,
}

/// Composes the messages of one brief (`view`, its PDF at `pdf_path`), one per version its
/// readers hold (see [`super::readers`]), and writes each as an .eml beside the PDF: today's
/// as `<name>.eml`, each other with its PDF as `<name>.since-<hash>.eml` and `.pdf`. The
/// errors are already reported.
pub(crate) fn write_drafts(b: &Brief) -> Result<Vec<Draft>, ()> {
    let Brief {
        opts,
        log,
        source,
        view,
        pdf_path,
        out,
        variant,
        ..
    } = *b;
    let fail = |what: String| eprintln!("error: {what}");
    let recipients = recipients(opts, view)
        .map_err(|e| fail(format!("{}: {e}; no draft written", source.display())))?;
    let pdf = std::fs::read(pdf_path)
        .map_err(|e| fail(format!("{}: {e}; no draft written", pdf_path.display())))?;
    let version = sha256_hex(&pdf);
    let plan = super::readers::plan(
        log,
        out,
        &view.assessment_id,
        &version,
        &recipients.addresses(),
    );
    for n in &plan.notes {
        eprintln!("{n}");
    }
    let mut drafts = Vec::new();
    // With stamps, every reader gets a copy of their own; today's draft is for review only.
    let (today_targets, stamped) = match opts.stamp {
        true => (Vec::new(), plan.today),
        false => (plan.today, Vec::new()),
    };
    let today = Message {
        view,
        pdf,
        version: &version,
        targets: today_targets,
        eml: pdf_path.with_extension("eml"),
    };
    let d = draft(b, today, &recipients)?;
    if recipients.addresses().is_empty() {
        eprintln!(
            "warning: {}: no recipient, so the draft's To: is empty (from {})\n  help: add rows to the workbook's Distribution sheet (name, email, kind), or give --to ADDR",
            d.eml.display(),
            source.display()
        );
    }
    drafts.push(d);
    if opts.stamp {
        let mut readers: Vec<(Option<&super::readers::Since>, Address)> =
            stamped.into_iter().map(|a| (None, a)).collect();
        for (since, targets) in &plan.since {
            readers.extend(targets.iter().map(|a| (Some(since), a.clone())));
        }
        let served = log.history(&view.assessment_id, &version).served;
        for (since, reader) in readers {
            if !opts.resend && served.contains(&address_key(&reader)) {
                continue;
            }
            drafts.push(stamped_draft(b, (&version, since, reader, &recipients))?);
        }
        return Ok(drafts);
    }
    for (since, targets) in plan.since {
        let (pdf, changes) = variant(Some(&since.record), None).map_err(|e| {
            fail(format!(
                "{}: the brief with what changed since {} cannot be made ({e}); its readers get no message this run",
                source.display(),
                since.record.assessment.doc_version
            ))
        })?;
        let stem = pdf_path.with_extension("");
        let tag = &since.version_sha256[..12];
        let variant_pdf = stem.with_extension(format!("since-{tag}.pdf"));
        write_atomic(&variant_pdf, &pdf).map_err(|e| {
            fail(format!(
                "{}: {e}; not written, not sent",
                variant_pdf.display()
            ))
        })?;
        let mut view = view.clone();
        view.since = changes.map(|c| crate::view::email::since(&c, &since.sent_at));
        let message = Message {
            view: &view,
            pdf,
            version: &version,
            targets,
            eml: stem.with_extension(format!("since-{tag}.eml")),
        };
        drafts.push(draft(b, message, &recipients)?);
    }
    Ok(drafts)
}

/// The copy of a brief stamped for one reader ("Prepared for NAME <address> · DATE" in every
/// page's footer and in its metadata), with the changes since the version they hold if any,
/// written beside the brief as `<name>.for-<hash of the address>.pdf` and `.eml`: never over
/// the brief, and no address in a file name.
fn stamped_draft(
    b: &Brief,
    (version, since, reader, recipients): (
        &str,
        Option<&super::readers::Since>,
        Address,
        &Recipients,
    ),
) -> Result<Draft, ()> {
    let Brief {
        source,
        view,
        pdf_path,
        variant,
        ..
    } = *b;
    let fail = |what: String| eprintln!("error: {what}");
    let who = match recipients.name_of(&reader) {
        Some(name) => format!("{name} <{reader}>"),
        None => reader.to_string(),
    };
    let today = crate::model::date_long(chrono::Local::now().date_naive());
    let stamp = format!("Prepared for {who} · {today}");
    let (pdf, changes) = variant(since.map(|s| &s.record), Some(stamp)).map_err(|e| {
        fail(format!(
            "{}: the copy stamped for {reader} cannot be made ({e}); it is not sent this run",
            source.display()
        ))
    })?;
    let tag = &sha256_hex(address_key(&reader).as_bytes())[..10];
    let stem = pdf_path.with_extension("");
    let copy = stem.with_extension(format!("for-{tag}.pdf"));
    write_atomic(&copy, &pdf)
        .map_err(|e| fail(format!("{}: {e}; not written, not sent", copy.display())))?;
    let mut view = view.clone();
    if let (Some(since), Some(c)) = (since, &changes) {
        view.since = Some(crate::view::email::since(c, &since.sent_at));
    }
    let message = Message {
        view: &view,
        pdf,
        version,
        targets: vec![reader],
        eml: stem.with_extension(format!("for-{tag}.eml")),
    };
    draft(b, message, recipients)
}

/// One message of a brief: its view, the PDF it carries, the brief's hash, the readers it is
/// delivered to, and its draft's path.
struct Message<'a> {
    view: &'a EmailView,
    pdf: Vec<u8>,
    version: &'a str,
    targets: Vec<Address>,
    eml: PathBuf,
}

/// Composes one message (every recipient in its headers, as the distribution has them) and
/// writes its draft.
fn draft(b: &Brief, m: Message, recipients: &Recipients) -> Result<Draft, ()> {
    let Brief {
        opts,
        log,
        source,
        templates,
        ..
    } = *b;
    let fail = |what: String| eprintln!("error: {what}");
    let sender = opts.from.as_ref();
    let pdf_sha256 = sha256_hex(&m.pdf);
    let history = log.history(&m.view.assessment_id, m.version);
    let resend = match (opts.resend, history.resend) {
        (true, Some(n)) => n.saturating_add(1),
        (_, n) => n.unwrap_or(0),
    };
    let id = message_id(&pdf_sha256, recipients, resend, sender.map(|s| &s.email));
    let composed = compose_caught(m.view, m.pdf, sender, recipients, templates, &id)
        .map_err(|e| fail(format!("{}: {e}; no draft written", source.display())))?;
    let eml = m.eml;
    check_size(&eml, composed.draft.len(), opts.max_size).map_err(fail)?;
    write_atomic(&eml, &composed.draft)
        .map_err(|e| fail(format!("{}: {e}; not written, not sent", eml.display())))?;
    eprintln!(
        "wrote {} ({} KiB)",
        eml.display(),
        composed.draft.len().div_ceil(1024)
    );
    Ok(Draft {
        composed,
        assessment_id: m.view.assessment_id.clone(),
        pdf_sha256,
        version_sha256: m.version.to_string(),
        sender: sender.map(|s| s.email.clone()),
        recipients: recipients.clone(),
        targets: m.targets,
        history,
        resend,
        eml,
    })
}

/// Who the message goes to: the command line's recipients, else the Distribution sheet. A
/// command-line address without a name takes the name the Distribution sheet gives it.
pub(crate) fn recipients(opts: &DraftOptions, view: &EmailView) -> Result<Recipients, String> {
    if opts.to.is_empty() && opts.cc.is_empty() {
        return Recipients::from_distribution(&view.distribution);
    }
    // The sheet only lends names to the command line's addresses here: an address of its
    // that does not parse is no reason to refuse them.
    let sheet = Recipients::from_distribution(&view.distribution).unwrap_or_default();
    let known = |list: &[Mailbox]| -> Vec<Mailbox> {
        list.iter()
            .map(|mb| match &mb.name {
                Some(_) => mb.clone(),
                None => sheet.name_of(&mb.email).map_or_else(
                    || mb.clone(),
                    |name| Mailbox::new(Some(name), mb.email.clone()),
                ),
            })
            .collect()
    };
    Ok(Recipients {
        to: known(&opts.to),
        cc: known(&opts.cc),
        bcc: Vec::new(),
    })
}

/// [`compose`], a panic inside the mail library being this message's failure. Header text is
/// folded before the library sees it; should it still panic on some input, the batch goes on.
fn compose_caught(
    view: &EmailView,
    pdf: Vec<u8>,
    sender: Option<&Mailbox>,
    recipients: &Recipients,
    templates: &Templates,
    id: &str,
) -> Result<Composed, String> {
    catch_unwind(AssertUnwindSafe(|| {
        compose(view, pdf, sender, recipients, templates, id)
    }))
    .unwrap_or_else(|_| {
        Err("composing the message failed unexpectedly (a bug in layerbrief)".into())
    })
}

/// A message above `max` bytes is refused; one above [`WARN_SIZE`] draws a warning.
fn check_size(eml: &Path, size: usize, max: u64) -> Result<(), String> {
    if size as u64 > max {
        return Err(format!(
            "{}: the message is {:.1} MB encoded, above --max-size {:.1} MB; not written",
            eml.display(),
            size as f64 / 1e6,
            max as f64 / 1e6
        ));
    }
    if size > WARN_SIZE {
        eprintln!(
            "warning: {}: {:.1} MB encoded; many mail gateways refuse messages above 10 MB",
            eml.display(),
            size as f64 / 1e6
        );
    }
    Ok(())
}

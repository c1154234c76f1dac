//! Mail: the send-once policy. Each draft delivered to each of its readers who does not have
//! the brief yet, one SMTP transaction each, every delivery recorded in the sent log as it is
//! made.
//!
//! Policy: a brief whose PDF is unchanged is not sent again to a recipient who already has it
//! (a copy of it with a changes section or a stamp counts as it); a line says it was skipped,
//! and a later run sends only to those not yet served. A resend (asked for) sends to everyone
//! again, with a new Message-ID. A server refusing one address never holds back the others.
//! Every failure is reported here, for its message alone.

use std::collections::BTreeSet;
use std::path::Path;

use lettre::Address;

use super::drafts::Draft;
use super::log::{now_rfc3339, Sent, SentLog};
use super::recipients::address_key;
use super::smtp::{Courier, Relay, SendError};

/// How the delivery of one draft went.
pub(crate) struct Delivery {
    /// Every recipient has the message (now or from an earlier run).
    pub(crate) complete: bool,
    /// A delivery was made but could not be recorded in the sent log.
    pub(crate) unrecorded: bool,
    /// The draft names no recipient: nothing was sent (the workbook is at fault).
    pub(crate) no_recipients: bool,
}

/// Sends one draft to each recipient who does not have it yet (everyone with `resend`), one
/// SMTP transaction each, and records those served in the sent log.
pub(crate) fn deliver(
    relay: &Relay,
    d: &Draft,
    resend: bool,
    log: &mut SentLog,
    log_path: &Path,
) -> Delivery {
    let eml = d.eml.display();
    if d.recipients.addresses().is_empty() {
        eprintln!(
            "error: {eml}: no recipient, so nothing was sent\n  help: add rows to the workbook's Distribution sheet (name, email, kind), or give --to ADDR"
        );
        return Delivery {
            complete: false,
            unrecorded: false,
            no_recipients: true,
        };
    }
    let all = &d.targets;
    if all.is_empty() {
        // Every reader of this brief gets another of its messages.
        return Delivery {
            complete: true,
            unrecorded: false,
            no_recipients: false,
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
            no_recipients: false,
        };
    }
    if already > 0 {
        eprintln!(
            "{eml}: already sent to {already} recipient(s) on {when}; sending to the {} not yet served",
            pending.len()
        );
    }
    let (served, missed) = send_each(relay, d, &pending);
    let unrecorded = !served.is_empty() && !record(d, &served, log, log_path);
    if missed > 0 {
        eprintln!(
            "{eml}: not delivered to {missed} of {} recipient(s); a later `mail --send` sends only to those",
            pending.len()
        );
    }
    Delivery {
        complete: missed == 0,
        unrecorded,
        no_recipients: false,
    }
}

/// One SMTP transaction per recipient of `pending`, through one session: the keys of those
/// served, and how many were missed (a relay that fails misses every recipient after it).
fn send_each(relay: &Relay, d: &Draft, pending: &[&Address]) -> (BTreeSet<String>, usize) {
    let eml = d.eml.display();
    let mut served = BTreeSet::new();
    let mut missed = 0;
    let Some(sender) = &d.sender else {
        eprintln!("error: {eml}: no sender; nothing was sent");
        return (served, pending.len());
    };
    let mut courier = Courier::new(relay);
    for (i, rcpt) in pending.iter().enumerate() {
        match courier.send(sender, rcpt, &d.composed.delivered) {
            Ok(()) => {
                served.insert(address_key(rcpt));
            }
            Err(SendError::Refused(reply)) => {
                eprintln!("error: {eml}: the server refused {rcpt}: {reply}");
                missed += 1;
            }
            Err(SendError::Failed { what, help }) => {
                eprintln!("error: delivery of {eml} failed: {what}; the .eml is left in place");
                if let Some(help) = help {
                    eprintln!("  help: {help}");
                }
                missed += pending.len() - i;
                break;
            }
        }
    }
    courier.close();
    (served, missed)
}

/// Records the delivery of `d` to `served` in the sent log, saved at once; whether it was.
fn record(d: &Draft, served: &BTreeSet<String>, log: &mut SentLog, log_path: &Path) -> bool {
    let eml = d.eml.display();
    eprintln!("sent {eml} to {} recipient(s)", served.len());
    log.record(Sent {
        message_id: d.composed.message_id.clone(),
        assessment_id: d.assessment_id.clone(),
        eml: eml.to_string(),
        pdf_sha256: d.pdf_sha256.clone(),
        version_sha256: (d.pdf_sha256 != d.version_sha256).then(|| d.version_sha256.clone()),
        recipients: d.recipients.only(served),
        sent_at: now_rfc3339(),
        resend: d.resend,
    });
    match log.save(log_path) {
        Ok(()) => true,
        Err(e) => {
            eprintln!(
                "error: {e}; the delivery of {eml} is not recorded, so a later run would send it again"
            );
            false
        }
    }
}

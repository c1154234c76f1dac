//! Publish: mail, briefs as MIME drafts (.eml), SMTP delivery, and the sent log.
//!
//! Policy:
//! - A message is multipart/mixed: a plain-text body with an HTML alternative, both rendered
//!   by minijinja from `templates/email/`, and the PDF attached under an ASCII file name.
//! - Every text that reaches a header (display names from the workbook or the command line,
//!   the subject) goes through [`header_text`] first: control characters, line breaks (LF,
//!   CR LF, U+2028…), tabs and other white space fold to single spaces and very long text is
//!   shortened, so no workbook text can break a header or make the mail library fail.
//! - Each message is composed once, in two forms: the draft (`.eml`), with `X-Unsent: 1` and
//!   the `Bcc:` header so the analyst sees every recipient, and the delivered form, with
//!   neither. Both carry the same `Message-ID`, derived from the PDF's hash, the recipients
//!   and a resend counter ([`message_id`]): the same draft written twice has the same id.
//! - Delivery is one SMTP transaction per recipient, so a server refusing one address never
//!   holds back the others; Bcc recipients are reached through the envelope only.
//! - The sent log (`.layerbrief-sent.json` in the output folder, [`SentLog`]) records each
//!   delivery with the recipients actually served; a brief whose PDF is unchanged is not sent
//!   again to a recipient who already has it, unless a resend is asked for.
//! - Plain SMTP is allowed only to a loopback address; anywhere else the connection is TLS
//!   (smtps://) or upgraded with STARTTLS, required. Credentials come only from the
//!   environment and are only ever sent over TLS. The relay's certificate must chain to the
//!   bundled web PKI roots, the system's store or `--smtp-ca`; verification is never skipped.
//! - Every failure of a relay names it (`host:port`), what it had been asked and the cause: no
//!   answer within the timeout, a hang-up, an untrusted certificate, refused credentials.

mod compose;
mod drafts;
mod headers;
mod log;
mod readers;
mod recipients;
mod reply;
mod send;
mod session;
mod smtp;
#[cfg(test)]
mod tests;
mod trust;

pub(crate) use drafts::{recipients as recipients_of, write_drafts, Brief, DraftOptions};
pub(crate) use headers::parse_mailbox;
pub(crate) use log::{SendingLock, SentLog};
pub(crate) use readers::plan;
pub(crate) use send::deliver;
pub(crate) use smtp::Relay;

/// Messages above this size (encoded) draw a warning: common gateway limits.
pub(crate) const WARN_SIZE: usize = 10_000_000;

/// The sent log's file name in the output folder (`.layerbrief-` names are this tool's own).
pub(crate) const SENT_LOG: &str = ".layerbrief-sent.json";

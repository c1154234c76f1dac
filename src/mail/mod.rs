//! After stage 5, mail: briefs as MIME drafts (.eml), SMTP delivery, and the sent log.
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
//!   (smtps://) or upgraded with STARTTLS, and credentials come only from the environment.

use std::collections::BTreeSet;

use lettre::address::{Address, Envelope};
use lettre::message::header::{self, ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::Message;
use serde_json::json;
use sha2::{Digest, Sha256};

mod log;
mod smtp;

pub use log::{now_rfc3339, History, SendingLock, Sent, SentLog, SentTo};
pub use smtp::{send_to, transport, SendError};

use crate::model::{date_long, RecipientKind};
use crate::render::Templates;
use crate::ruleset;
use crate::score::Scored;

/// Messages above this size (encoded) draw a warning: common gateway limits.
pub const WARN_SIZE: usize = 10_000_000;

/// The sent log's file name in the output folder (`.layerbrief-` names are this tool's own).
pub const SENT_LOG: &str = ".layerbrief-sent.json";

/// Header text is cut to this many characters: a display name or subject this long is a
/// mistake, and an unbroken ASCII word longer than a header line cannot be folded.
pub const HEADER_TEXT_MAX: usize = 200;

/// Folds text bound for a header to one line: every control character (C0, DEL, C1), line or
/// paragraph break (LF, CR LF, U+0085, U+2028, U+2029), tab, other white space and bidi
/// embedding, override or isolate control becomes a space; runs of spaces become one; the
/// ends are trimmed; text longer than [`HEADER_TEXT_MAX`] characters is cut with `…`.
pub fn header_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * HEADER_TEXT_MAX));
    let mut count = 0;
    let mut pending_space = false;
    for c in text.chars() {
        let blank = c.is_control()
            || c.is_whitespace()
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if blank {
            pending_space = !out.is_empty();
            continue;
        }
        let need = if pending_space { 2 } else { 1 };
        if count + need > HEADER_TEXT_MAX {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        count += need;
    }
    out
}

/// The mailbox with its display name folded by [`header_text`] (none when nothing is left).
pub fn clean_mailbox(mb: &Mailbox) -> Mailbox {
    let name = mb
        .name
        .as_deref()
        .map(header_text)
        .filter(|n| !n.is_empty());
    Mailbox::new(name, mb.email.clone())
}

/// Who a message goes to.
#[derive(Debug, Clone, Default)]
pub struct Recipients {
    /// `To:` recipients.
    pub to: Vec<Mailbox>,
    /// `Cc:` recipients.
    pub cc: Vec<Mailbox>,
    /// Blind copies: in the draft's `Bcc:` header, reached through the envelope when sent.
    pub bcc: Vec<Mailbox>,
}

impl Recipients {
    /// The workbook's Distribution sheet, display names folded by [`header_text`].
    pub fn from_distribution(s: &Scored) -> Result<Self, String> {
        let mut r = Self::default();
        for d in &s.assessment.distribution {
            let address = d
                .email
                .trim()
                .parse()
                .map_err(|e| format!("invalid address `{}`: {e}", header_text(&d.email)))?;
            let mb = clean_mailbox(&Mailbox::new(d.name.clone(), address));
            match d.kind {
                RecipientKind::To => r.to.push(mb),
                RecipientKind::Cc => r.cc.push(mb),
                RecipientKind::Bcc => r.bcc.push(mb),
            }
        }
        Ok(r)
    }

    /// The same recipients with every display name folded by [`header_text`].
    pub fn cleaned(&self) -> Self {
        let clean = |list: &[Mailbox]| list.iter().map(clean_mailbox).collect();
        Self {
            to: clean(&self.to),
            cc: clean(&self.cc),
            bcc: clean(&self.bcc),
        }
    }

    /// Every distinct address (To, then Cc, then Bcc), compared without regard to case: one
    /// SMTP transaction each.
    pub fn addresses(&self) -> Vec<Address> {
        let mut seen = BTreeSet::new();
        self.to
            .iter()
            .chain(&self.cc)
            .chain(&self.bcc)
            .filter(|mb| seen.insert(address_key(&mb.email)))
            .map(|mb| mb.email.clone())
            .collect()
    }

    /// The addresses of those whose key ([`address_key`]) is in `keys`, kind by kind: what
    /// the sent log records.
    pub fn only(&self, keys: &BTreeSet<String>) -> SentTo {
        let pick = |list: &[Mailbox]| {
            list.iter()
                .filter(|mb| keys.contains(&address_key(&mb.email)))
                .map(|mb| mb.email.to_string())
                .collect()
        };
        SentTo {
            to: pick(&self.to),
            cc: pick(&self.cc),
            bcc: pick(&self.bcc),
        }
    }
}

/// How an address is compared with those in the sent log: lower case.
pub fn address_key(a: &Address) -> String {
    a.to_string().to_lowercase()
}

/// Parses a command-line address: `jane@example.com` or `Jane Doe <jane@example.com>`.
pub fn parse_mailbox(flag: &str, text: &str) -> Result<Mailbox, String> {
    text.parse::<Mailbox>()
        .map(|mb| clean_mailbox(&mb))
        .map_err(|e| format!("{flag} `{text}` is not an email address ({e})"))
}

/// The attachment's file name: ASCII only, e.g. `CoreWeave-4plus1-assessment-v1.3.pdf`, at
/// most 100 characters before `.pdf`.
pub fn attachment_name(s: &Scored) -> String {
    let m = &s.assessment.meta;
    let raw = format!("{}-4plus1-assessment-{}", m.vendor, m.doc_version);
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            out.push(c);
        } else if c == '+' {
            out.push_str("plus");
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(100);
    format!("{}.pdf", out.trim_matches('-'))
}

/// The `Message-ID` of a brief's message: `<{32 hex}@{sender's domain}>`, the hex the start
/// of SHA-256 over the PDF's hash, the sorted recipient addresses (lower case) and the resend
/// counter. The same PDF to the same people gives the same id; a resend a new one.
pub fn message_id(
    pdf_sha256: &str,
    recipients: &Recipients,
    resend: u32,
    sender: &Address,
) -> String {
    let mut keys: Vec<String> = recipients.addresses().iter().map(address_key).collect();
    keys.sort();
    let mut h = Sha256::new();
    h.update(pdf_sha256.as_bytes());
    for k in &keys {
        h.update(b"\n");
        h.update(k.as_bytes());
    }
    h.update(format!("\nresend {resend}").as_bytes());
    let hex = format!("{:x}", h.finalize());
    let domain = sender.domain();
    let domain = if !domain.is_empty()
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b))
    {
        domain
    } else {
        "layerbrief.invalid"
    };
    format!("<{}@{domain}>", &hex[..32])
}

fn context(s: &Scored, recipients: &Recipients, attachment: &str) -> serde_json::Value {
    let m = &s.assessment.meta;
    let labels: Vec<&str> = s
        .layers
        .iter()
        .map(|l| ruleset::layer(&l.layer_id).map_or("", |i| i.label.as_str()))
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut table = String::new();
    let mut layers = Vec::new();
    for ((l, facts), label) in s.layers.iter().zip(&s.assessment.layers).zip(&labels) {
        let name = ruleset::layer(&l.layer_id).map_or("", |i| i.name.as_str());
        table.push_str(&format!(
            "{label:<width$}  {:<8}  {}\n",
            l.status.as_str().to_uppercase(),
            l.display
        ));
        layers.push(json!({"id": l.layer_id, "label": label, "name": name, "status": l.status, "display": l.display, "headline": facts.headline}));
    }
    let names: Vec<String> = recipients
        .to
        .iter()
        .filter_map(|mb| mb.name.clone())
        .collect();
    json!({
        "vendor": m.vendor,
        "product_name": m.product_name,
        "framework": m.framework,
        "scoring_model": m.scoring_model,
        "publisher": m.publisher,
        "author": m.author,
        "doc_version": m.doc_version,
        "version_title": m.version_title,
        "date": date_long(m.date_assessed),
        "draft": m.status == crate::model::AssessmentStatus::Pending,
        "confidentiality": m.confidentiality,
        "ruleset": {"id": s.ruleset.id, "title": s.ruleset.title, "effective": date_long(s.ruleset.effective_date)},
        "layers": layers,
        "layer_table": table.trim_end(),
        "profile": s.profile(),
        "summary": s.assessment.summary.first().map(|p| p.paragraph.as_str()).unwrap_or(""),
        "attachment": attachment,
        "recipient_names": names.join(", "),
    })
}

fn render(templates: &Templates, name: &str, ctx: &serde_json::Value) -> Result<String, String> {
    let file = templates
        .get(name)
        .ok_or_else(|| format!("template {name} is missing"))?;
    let source = std::str::from_utf8(file.bytes.as_slice())
        .map_err(|_| format!("{}: not UTF-8", file.origin))?;
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|n| {
        if n.contains(".html") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    env.add_template(name, source)
        .map_err(|e| format!("{}: {e}", file.origin))?;
    let tpl = env
        .get_template(name)
        .map_err(|e| format!("{}: {e}", file.origin))?;
    tpl.render(ctx).map_err(|e| format!("{}: {e}", file.origin))
}

/// One brief's message, composed once, in its two forms.
#[derive(Debug, Clone)]
pub struct Composed {
    /// The `Message-ID` both forms carry.
    pub message_id: String,
    /// The `.eml` draft: `X-Unsent: 1` and the `Bcc:` header.
    pub draft: Vec<u8>,
    /// What is delivered: no `X-Unsent`, no `Bcc:`.
    pub delivered: Vec<u8>,
}

/// Builds the message for one brief. Every mailbox and the subject are folded by
/// [`header_text`] here, whatever the caller passed.
pub fn compose(
    s: &Scored,
    pdf: Vec<u8>,
    from: &Mailbox,
    recipients: &Recipients,
    templates: &Templates,
    message_id: &str,
) -> Result<Composed, String> {
    let from = clean_mailbox(from);
    let recipients = recipients.cleaned();
    let attachment = attachment_name(s);
    let ctx = context(s, &recipients, &attachment);
    let subject = header_text(&render(templates, "email/subject.txt.j2", &ctx)?);
    let text = render(templates, "email/body.txt.j2", &ctx)?;
    let html = render(templates, "email/body.html.j2", &ctx)?;
    let mut b = Message::builder()
        .from(from.clone())
        .subject(subject)
        .message_id(Some(message_id.to_string()))
        .keep_bcc();
    for mb in &recipients.to {
        b = b.to(mb.clone());
    }
    for mb in &recipients.cc {
        b = b.cc(mb.clone());
    }
    for mb in &recipients.bcc {
        b = b.bcc(mb.clone());
    }
    b = b.raw_header(HeaderValue::new(
        HeaderName::new_from_ascii_str("X-Unsent"),
        "1".into(),
    ));
    // Delivery builds its own envelope per recipient; this one only satisfies the builder,
    // which wants one even for a draft that names nobody yet.
    let envelope = Envelope::new(Some(from.email.clone()), vec![from.email.clone()])
        .map_err(|e| e.to_string())?;
    let pdf_type = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
    let body = MultiPart::mixed()
        .multipart(MultiPart::alternative_plain_html(text, html))
        .singlepart(Attachment::new(attachment).body(pdf, pdf_type));
    let draft = b
        .envelope(envelope)
        .multipart(body)
        .map_err(|e| format!("cannot build the message: {e}"))?;
    let mut sent = draft.clone();
    sent.headers_mut().remove::<header::Bcc>();
    sent.headers_mut().remove_raw("X-Unsent");
    Ok(Composed {
        message_id: message_id.to_string(),
        draft: draft.formatted(),
        delivered: sent.formatted(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_only_on_loopback() {
        assert!(transport("smtp://127.0.0.1:2525").is_ok());
        assert!(transport("smtp://localhost:2525").is_ok());
        assert!(transport("smtp://[::1]:2525").is_ok());
        assert!(transport("smtps://mail.example.com").is_ok());
        assert!(transport("smtp://user:secret@127.0.0.1:25")
            .unwrap_err()
            .contains("LAYERBRIEF_SMTP_USER"));
        assert!(transport("http://127.0.0.1")
            .unwrap_err()
            .contains("not smtp or smtps"));
    }

    #[test]
    fn mailboxes() {
        assert!(parse_mailbox("--to", "Jane Doe <jane@example.com>").is_ok());
        assert!(parse_mailbox("--to", "jane")
            .unwrap_err()
            .starts_with("--to `jane` is not an email address"));
    }

    #[test]
    fn header_text_folds_breaks_and_controls() {
        assert_eq!(header_text("Layer\nAdvisory"), "Layer Advisory");
        assert_eq!(header_text("Layer\r\nAdvisory"), "Layer Advisory");
        assert_eq!(
            header_text(" a\t\tb\u{2028}c\u{2029}d\u{85}e\u{0}f\u{7f}g "),
            "a b c d e f g"
        );
        assert_eq!(header_text("x\u{202E}y\u{2066}z"), "x y z");
        assert_eq!(header_text("Zoë Ø \"Q\" <x>"), "Zoë Ø \"Q\" <x>");
        assert_eq!(header_text("\n\r\t"), "");
        let long = header_text(&"a".repeat(5000));
        assert_eq!(long.chars().count(), HEADER_TEXT_MAX + 1);
        assert!(long.ends_with('…'));
        let words = header_text(&"Zoë ".repeat(1000));
        assert!(words.chars().count() <= HEADER_TEXT_MAX + 1, "{words}");
    }

    fn coreweave() -> Scored {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/coreweave.xlsx");
        let wb = crate::load::load(&path).expect("the CoreWeave workbook loads");
        let Ok(v) = crate::validate::validate(&wb) else {
            panic!("{} is not valid", path.display())
        };
        let rs = crate::ruleset::find("v1.3").expect("ruleset v1.3");
        crate::score::score(&v.assessment, rs)
    }

    fn headers(bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes);
        let end = text.find("\r\n\r\n").expect("a header block");
        text[..end + 2].to_string()
    }

    /// Every header line ends in CR LF, has no other CR or LF, and fits in 998 octets.
    fn assert_well_formed(h: &str) {
        for line in h.split_inclusive("\r\n") {
            let body = line.strip_suffix("\r\n").expect("CR LF line ends");
            assert!(!body.contains(['\r', '\n']), "bare line break in {line:?}");
            assert!(body.len() <= 998, "line of {} octets", body.len());
            assert!(body.is_ascii(), "8-bit header {body:?}");
        }
    }

    #[test]
    fn any_workbook_text_composes() {
        let mut s = coreweave();
        let templates = Templates::embedded();
        let nasty = [
            "Layer\nAdvisory",
            "Layer\r\nAdvisory",
            "Tab\there",
            "Line\u{2028}separator\u{2029}para",
            "Zoë Ø",
            "\"Quoted\" <angle> (paren), semi; colon: back\\slash",
            "\u{0}\u{1}\u{1b}[31mred\u{7f}\u{85}",
            "\u{202E}evil",
            "   ",
            "",
        ];
        let long_ascii = "a".repeat(5000);
        let long_words = "Zoë Ø ".repeat(2000);
        let from_address: Address = "briefs@example.com".parse().unwrap();
        for (i, text) in nasty
            .iter()
            .copied()
            .chain([long_ascii.as_str(), long_words.as_str()])
            .enumerate()
        {
            s.assessment.meta.publisher = text.to_string();
            s.assessment.meta.vendor = format!("Vendor {text}");
            let from = Mailbox::new(Some(text.to_string()), from_address.clone());
            let recipients = Recipients {
                to: vec![Mailbox::new(
                    Some(text.to_string()),
                    "to@example.com".parse().unwrap(),
                )],
                cc: vec![Mailbox::new(
                    Some(text.to_string()),
                    "cc@example.com".parse().unwrap(),
                )],
                bcc: vec![Mailbox::new(
                    Some(text.to_string()),
                    "bcc@example.com".parse().unwrap(),
                )],
            };
            let id = message_id("abc", &recipients, 0, &from_address);
            let m = compose(&s, b"%PDF".to_vec(), &from, &recipients, &templates, &id)
                .unwrap_or_else(|e| panic!("case {i}: {e}"));
            let draft = headers(&m.draft);
            let sent = headers(&m.delivered);
            assert_well_formed(&draft);
            assert_well_formed(&sent);
            assert!(draft.contains("X-Unsent: 1\r\n"), "case {i}");
            assert!(draft.contains("Bcc: "), "case {i}");
            assert!(!sent.contains("X-Unsent"), "case {i}");
            assert!(!sent.contains("Bcc:"), "case {i}");
            assert!(draft.contains(&format!("Message-ID: {id}\r\n")), "case {i}");
            assert!(sent.contains(&format!("Message-ID: {id}\r\n")), "case {i}");
        }
    }

    #[test]
    fn message_ids_follow_pdf_recipients_and_resends() {
        let sender: Address = "keith@example.com".parse().unwrap();
        let r = |list: &[&str]| Recipients {
            to: list.iter().map(|a| a.parse().unwrap()).collect(),
            ..Recipients::default()
        };
        let id = message_id("h1", &r(&["a@x.example", "b@x.example"]), 0, &sender);
        assert!(id.starts_with('<') && id.ends_with("@example.com>"), "{id}");
        assert_eq!(id.len(), "<@example.com>".len() + 32);
        assert_eq!(
            id,
            message_id("h1", &r(&["B@x.example", "a@x.example"]), 0, &sender)
        );
        assert_ne!(
            id,
            message_id("h2", &r(&["a@x.example", "b@x.example"]), 0, &sender)
        );
        assert_ne!(id, message_id("h1", &r(&["a@x.example"]), 0, &sender));
        assert_ne!(
            id,
            message_id("h1", &r(&["a@x.example", "b@x.example"]), 1, &sender)
        );
    }

    #[test]
    fn sent_log_history() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(SENT_LOG);
        assert_eq!(SentLog::load(&path).unwrap(), SentLog::default());
        let mut log = SentLog::default();
        let sent = |to: &[&str], at: &str, resend: u32| Sent {
            message_id: "<x@example.com>".into(),
            assessment_id: "coreweave".into(),
            eml: "out/coreweave.eml".into(),
            pdf_sha256: "h1".into(),
            recipients: SentTo {
                to: to.iter().map(|a| a.to_string()).collect(),
                ..SentTo::default()
            },
            sent_at: at.into(),
            resend,
        };
        log.record(sent(&["A@x.example"], "2026-11-30T10:00:00Z", 0));
        log.record(sent(&["b@x.example"], "2026-11-30T11:00:00Z", 1));
        log.save(&path).unwrap();
        let back = SentLog::load(&path).unwrap();
        assert_eq!(back, log);
        let h = back.history("coreweave", "h1");
        assert_eq!(
            h.served,
            BTreeSet::from(["a@x.example".to_string(), "b@x.example".to_string()])
        );
        assert_eq!(h.last_sent_at.as_deref(), Some("2026-11-30T11:00:00Z"));
        assert_eq!(h.resend, Some(1));
        assert_eq!(back.history("coreweave", "h2"), History::default());
        std::fs::write(&path, b"{not json").unwrap();
        assert!(SentLog::load(&path).unwrap_err().contains("not a sent log"));
    }
}

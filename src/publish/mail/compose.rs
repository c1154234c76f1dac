//! Mail: a brief's message, composed once in its two forms (the draft and what is
//! delivered), its bodies rendered from `templates/email/`, and its `Message-ID`.

use lettre::address::{Address, Envelope};
use lettre::message::header::{self, ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::Message;

use super::headers::{clean_mailbox, header_text};
use super::recipients::{address_key, Recipients};
use crate::render::{jinja, Templates};
use crate::view::email::{EmailContext, EmailView};
use sha2::{Digest, Sha256};

/// One brief's message, composed once, in its two forms.
#[derive(Debug, Clone)]
pub(crate) struct Composed {
    /// The `Message-ID` both forms carry.
    pub(crate) message_id: String,
    /// The `.eml` draft: `X-Unsent: 1` and the `Bcc:` header.
    pub(crate) draft: Vec<u8>,
    /// What is delivered: no `X-Unsent`, no `Bcc:`.
    pub(crate) delivered: Vec<u8>,
}

/// The subject, the plain-text body and the HTML body of a brief's message to `recipients`,
/// greeting the `To:` recipients whose names are known.
fn bodies(
    view: &EmailView,
    recipients: &Recipients,
    templates: &Templates,
) -> Result<(String, String, String), String> {
    let names: Vec<String> = recipients
        .to
        .iter()
        .filter_map(|mb| mb.name.clone())
        .collect();
    let ctx = EmailContext {
        view,
        recipient_names: names.join(", "),
    };
    let email = jinja::environment(templates, "email/")?;
    let subject = header_text(&email.render("subject.txt.j2", &ctx)?);
    let text = email.render("body.txt.j2", &ctx)?;
    let html = email.render("body.html.j2", &ctx)?;
    Ok((subject, text, html))
}

/// Builds the message for one brief, from `from` (none: the draft has no `From:`, and the mail
/// program that sends it fills in its own account). Every mailbox and the subject are folded
/// by [`header_text`] here, whatever the caller passed.
pub(crate) fn compose(
    view: &EmailView,
    pdf: Vec<u8>,
    from: Option<&Mailbox>,
    recipients: &Recipients,
    templates: &Templates,
    message_id: &str,
) -> Result<Composed, String> {
    let recipients = recipients.cleaned();
    let (subject, text, html) = bodies(view, &recipients, templates)?;
    // The mail library wants a sender and an envelope even for a draft that names neither;
    // a draft without a sender drops this one's `From:` once it is built.
    let placeholder: Address = "draft@layerbrief.invalid"
        .parse()
        .map_err(|e| format!("{e}"))?;
    let from_box = from.map_or_else(|| Mailbox::new(None, placeholder), clean_mailbox);
    let mut b = Message::builder()
        .from(from_box.clone())
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
    let envelope = Envelope::new(Some(from_box.email.clone()), vec![from_box.email.clone()])
        .map_err(|e| e.to_string())?;
    let pdf_type = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
    let body = MultiPart::mixed()
        .multipart(MultiPart::alternative_plain_html(text, html))
        .singlepart(Attachment::new(view.attachment.clone()).body(pdf, pdf_type));
    let mut draft = b
        .envelope(envelope)
        .multipart(body)
        .map_err(|e| format!("cannot build the message: {e}"))?;
    if from.is_none() {
        draft.headers_mut().remove::<header::From>();
    }
    let mut sent = draft.clone();
    sent.headers_mut().remove::<header::Bcc>();
    sent.headers_mut().remove_raw("X-Unsent");
    Ok(Composed {
        message_id: message_id.to_string(),
        draft: draft.formatted(),
        delivered: sent.formatted(),
    })
}

/// The `Message-ID` of a brief's message: `<{32 hex}@{sender's domain}>`, the hex the start
/// of SHA-256 over the PDF's hash, the sorted recipient addresses (lower case) and the resend
/// counter (`layerbrief.invalid` for a draft with no sender). The same PDF to the same people
/// gives the same id; a resend a new one.
pub(crate) fn message_id(
    pdf_sha256: &str,
    recipients: &Recipients,
    resend: u32,
    sender: Option<&Address>,
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
    let domain = sender.map_or("", |s| s.domain());
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

//! After stage 5, mail: briefs as MIME drafts (.eml) and SMTP delivery.
//!
//! Policy: a message is multipart/mixed: a plain-text body with an HTML alternative, both
//! rendered by minijinja from `templates/email/`, and the PDF attached under an ASCII file
//! name. Drafts carry `X-Unsent: 1` so mail clients open them for editing. Plain SMTP is
//! allowed only to a loopback address; anywhere else the connection is TLS (smtps://) or
//! upgraded with STARTTLS, and credentials come only from the environment.

use std::net::IpAddr;
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};
use serde_json::json;

use crate::model::{date_long, RecipientKind};
use crate::render::Templates;
use crate::ruleset;
use crate::score::Scored;

/// Messages above this size (encoded) draw a warning: common gateway limits.
pub const WARN_SIZE: usize = 10_000_000;

/// Who a message goes to.
#[derive(Debug, Clone, Default)]
pub struct Recipients {
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub bcc: Vec<Mailbox>,
}

impl Recipients {
    /// The workbook's Distribution sheet.
    pub fn from_distribution(s: &Scored) -> Result<Self, String> {
        let mut r = Self::default();
        for d in &s.assessment.distribution {
            let address = d
                .email
                .parse()
                .map_err(|e| format!("invalid address `{}`: {e}", d.email))?;
            let mb = Mailbox::new(d.name.clone(), address);
            match d.kind {
                RecipientKind::To => r.to.push(mb),
                RecipientKind::Cc => r.cc.push(mb),
                RecipientKind::Bcc => r.bcc.push(mb),
            }
        }
        Ok(r)
    }

    pub fn is_empty(&self) -> bool {
        self.to.is_empty() && self.cc.is_empty() && self.bcc.is_empty()
    }
}

/// Parses a command-line address: `jane@example.com` or `Jane Doe <jane@example.com>`.
pub fn parse_mailbox(flag: &str, text: &str) -> Result<Mailbox, String> {
    text.parse::<Mailbox>()
        .map_err(|e| format!("{flag} `{text}` is not an email address ({e})"))
}

/// The attachment's file name: ASCII only, e.g. `CoreWeave-4plus1-assessment-v1.3.pdf`.
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
    format!("{}.pdf", out.trim_matches('-'))
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

/// Builds the message for one brief.
pub fn compose(
    s: &Scored,
    pdf: Vec<u8>,
    from: &Mailbox,
    recipients: &Recipients,
    templates: &Templates,
) -> Result<Message, String> {
    let attachment = attachment_name(s);
    let ctx = context(s, recipients, &attachment);
    let subject = render(templates, "email/subject.txt.j2", &ctx)?;
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = render(templates, "email/body.txt.j2", &ctx)?;
    let html = render(templates, "email/body.html.j2", &ctx)?;
    let mut b = Message::builder().from(from.clone()).subject(subject);
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
    let pdf_type = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
    let body = MultiPart::mixed()
        .multipart(MultiPart::alternative_plain_html(text, html))
        .singlepart(Attachment::new(attachment).body(pdf, pdf_type));
    // A message without a To header is a valid draft; lettre wants an envelope, so give it
    // the sender when nobody is named yet.
    let b = if recipients.is_empty() {
        let env =
            lettre::address::Envelope::new(Some(from.email.clone()), vec![from.email.clone()])
                .map_err(|e| e.to_string())?;
        b.envelope(env)
    } else {
        b
    };
    b.multipart(body)
        .map_err(|e| format!("cannot build the message: {e}"))
}

/// The SMTP transport for `url`, with credentials from the environment.
pub fn transport(url: &str) -> Result<SmtpTransport, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("--smtp `{url}` is not a URL ({e})"))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("credentials do not belong on the command line: set LAYERBRIEF_SMTP_USER and LAYERBRIEF_SMTP_PASSWORD".into());
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("--smtp `{url}` names no host"))?;
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let builder = match parsed.scheme() {
        "smtp" if loopback => {
            SmtpTransport::builder_dangerous(host.as_str()).port(parsed.port().unwrap_or(25))
        }
        "smtp" => SmtpTransport::starttls_relay(&host)
            .map_err(|e| e.to_string())?
            .port(parsed.port().unwrap_or(587)),
        "smtps" => SmtpTransport::relay(&host)
            .map_err(|e| e.to_string())?
            .port(parsed.port().unwrap_or(465)),
        other => return Err(format!("--smtp scheme `{other}` is not smtp or smtps")),
    };
    let builder = match (
        std::env::var("LAYERBRIEF_SMTP_USER"),
        std::env::var("LAYERBRIEF_SMTP_PASSWORD"),
    ) {
        (Ok(user), Ok(pass)) => builder.credentials(Credentials::new(user, pass)),
        _ => builder,
    };
    Ok(builder.timeout(Some(Duration::from_secs(30))).build())
}

/// Delivers one message.
pub fn send(transport: &SmtpTransport, message: &Message) -> Result<(), String> {
    transport
        .send(message)
        .map(|_| ())
        .map_err(|e| e.to_string())
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
}

//! Mail: composing any workbook text into well-formed headers, message ids and the sent log.

use std::collections::BTreeSet;

use lettre::address::Address;
use lettre::message::Mailbox;

use super::compose::compose;
use super::compose::message_id;
use super::headers::{header_text, parse_mailbox, HEADER_TEXT_MAX};
use super::log::{History, Sent, SentLog, SentTo};
use super::recipients::Recipients;
use super::smtp::Relay;
use super::SENT_LOG;
use crate::render::Templates;
use crate::score::Scored;
use crate::view::email::email_view;

fn transport(url: &str) -> Result<(), String> {
    Relay::new(url, std::time::Duration::from_secs(30), None).map(|_| ())
}

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
    let rs = crate::model::ruleset::find("v1.3").expect("ruleset v1.3");
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
        let id = message_id("abc", &recipients, 0, Some(&from_address));
        let m = compose(
            &email_view(&s),
            b"%PDF".to_vec(),
            Some(&from),
            &recipients,
            &templates,
            &id,
        )
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
    let id = message_id("h1", &r(&["a@x.example", "b@x.example"]), 0, Some(&sender));
    assert!(id.starts_with('<') && id.ends_with("@example.com>"), "{id}");
    assert_eq!(id.len(), "<@example.com>".len() + 32);
    assert_eq!(
        id,
        message_id("h1", &r(&["B@x.example", "a@x.example"]), 0, Some(&sender))
    );
    assert_ne!(
        id,
        message_id("h2", &r(&["a@x.example", "b@x.example"]), 0, Some(&sender))
    );
    assert_ne!(id, message_id("h1", &r(&["a@x.example"]), 0, Some(&sender)));
    assert_ne!(
        id,
        message_id("h1", &r(&["a@x.example", "b@x.example"]), 1, Some(&sender))
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
        version_sha256: None,
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

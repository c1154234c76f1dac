//! Briefs by email: .eml drafts read back with Python's own MIME parser, and delivery to a
//! real SMTP server on loopback (aiosmtpd, with a handler that can refuse chosen recipients
//! and keeps every accepted message with its envelope).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::*;

/// Parses a message with Python's `email` package and prints what the tests check.
const INSPECT: &str = r#"
import email, email.header, email.policy, hashlib, json, sys
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
out = {"subject": msg["subject"], "to": msg.get_all("to", []), "cc": msg.get_all("cc", []),
       "bcc": msg.get_all("bcc", []), "from": msg["from"], "message_id": msg["message-id"],
       "x_unsent": msg["x-unsent"], "type": msg.get_content_type(), "attachments": []}
plain = msg.get_body(preferencelist=('plain',))
html = msg.get_body(preferencelist=('html',))
out["text"] = plain.get_content() if plain else None
out["html"] = html.get_content() if html else None
for part in msg.iter_attachments():
    data = part.get_payload(decode=True)
    out["attachments"].append({"filename": part.get_filename(), "type": part.get_content_type(),
                               "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
# Address headers as RFC 2047 decodes them (word by word, no address parsing).
raw = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.compat32)
out["decoded"] = {h: str(email.header.make_header(email.header.decode_header(raw[h])))
                  for h in ("from", "to", "cc", "bcc") if raw[h] is not None}
print(json.dumps(out))
"#;

fn inspect(path: &Path) -> serde_json::Value {
    let o = Command::new(python())
        .args(["-c", INSPECT, path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn sha256(path: &Path) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn eml_draft_carries_the_pdf_byte_for_byte() {
    let tmp = scratch("eml");
    let dir = tmp.path();
    let o = run(
        &[
            "mail",
            root().join("inputs/coreweave.xlsx").to_str().unwrap(),
            "--to",
            "Jane Client <jane@example.com>",
            "--cc",
            "desk@example.com",
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m = inspect(&dir.join("out/coreweave.eml"));
    assert_eq!(m["type"], "multipart/mixed");
    assert_eq!(m["x_unsent"], "1");
    assert!(
        m["subject"].as_str().unwrap().contains("CoreWeave"),
        "{}",
        m["subject"]
    );
    assert_eq!(m["to"][0], "Jane Client <jane@example.com>");
    assert_eq!(m["cc"][0], "desk@example.com");
    let att = &m["attachments"][0];
    assert_eq!(att["filename"], "CoreWeave-4plus1-assessment-v1.3.pdf");
    assert_eq!(att["type"], "application/pdf");
    assert_eq!(
        att["sha256"].as_str().unwrap(),
        sha256(&dir.join("out/coreweave.pdf"))
    );
    let text = m["text"].as_str().unwrap();
    for want in [
        "Dear Jane Client,",
        "document version v1.3",
        "June 20, 2026",
        "ruleset v1.3",
        "Layer 1A",
        "MODERATE",
        "Delegated (open-interface default services)",
        "13 scored components: 2 Retained, 2 Delegated, 9 Ceded.",
    ] {
        assert!(text.contains(want), "{want} not in\n{text}");
    }
    assert!(
        m["html"].as_str().unwrap().contains("<table"),
        "no HTML alternative"
    );
}

#[test]
fn recipients_from_the_distribution_sheet() {
    let tmp = scratch("dist-mail");
    let dir = tmp.path();
    let mut b = coreweave();
    b.sheets.push(TextSheet {
        name: "Distribution".into(),
        rows: vec![
            vec!["name".into(), "email".into(), "kind".into()],
            vec!["Ana Buyer".into(), "ana@client.example".into(), "to".into()],
            vec!["".into(), "cio@client.example".into(), "cc".into()],
        ],
    });
    let path = b.write_xlsx(&dir.join("cw.xlsx"));
    let o = run(&["mail", path.to_str().unwrap()], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m = inspect(&dir.join("out/coreweave.eml"));
    assert_eq!(m["to"][0], "Ana Buyer <ana@client.example>");
    assert_eq!(m["cc"][0], "cio@client.example");
}

/// An SMTP server: aiosmtpd's controller with a handler that answers `550 5.1.1 no such user`
/// to the addresses given after the folder, and stores each accepted message as `ID.eml` with
/// its envelope in `ID.json` (written last, so a `.json` means the message is complete).
const SERVER: &str = r#"
import json, os, sys, time, uuid
from aiosmtpd.controller import Controller

port, folder = int(sys.argv[1]), sys.argv[2]
refused = {a.lower() for a in sys.argv[3:]}
os.makedirs(folder, exist_ok=True)

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in refused:
            return '550 5.1.1 no such user'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        name = uuid.uuid4().hex
        with open(os.path.join(folder, name + '.eml'), 'wb') as f:
            f.write(envelope.original_content)
        tmp = os.path.join(folder, name + '.tmp')
        with open(tmp, 'w') as f:
            json.dump({'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos}, f)
        os.rename(tmp, os.path.join(folder, name + '.json'))
        return '250 Message accepted for delivery'

controller = Controller(Handler(), hostname='127.0.0.1', port=port)
controller.start()
while True:
    time.sleep(3600)
"#;

/// The server process stops when this drops; declare it after the scratch folder it writes in.
struct Smtpd {
    _child: Background,
    port: u16,
    folder: PathBuf,
}

impl Smtpd {
    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message accepted so far: (envelope recipients, the stored message).
    fn received(&self) -> Vec<(Vec<String>, PathBuf)> {
        let mut out: Vec<_> = std::fs::read_dir(&self.folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| {
                let meta: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                let rcpt = meta["rcpt_tos"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect();
                (rcpt, p.with_extension("eml"))
            })
            .collect();
        out.sort();
        out
    }

    /// Every envelope recipient of every message accepted so far, sorted.
    fn recipients(&self) -> Vec<String> {
        let mut all: Vec<String> = self.received().into_iter().flat_map(|(r, _)| r).collect();
        all.sort();
        all
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real SMTP server on loopback, refusing `refused`, storing what it accepts under `dir`.
fn smtpd(dir: &Path, name: &str, refused: &[&str]) -> Smtpd {
    let port = free_port();
    let folder = dir.join(name);
    let script = dir.join("smtpd.py");
    std::fs::write(&script, SERVER).unwrap();
    let child = Background(
        Command::new(python())
            .arg(&script)
            .arg(port.to_string())
            .arg(&folder)
            .args(refused)
            .spawn()
            .expect("python3 with aiosmtpd (scripts/setup.sh installs it in target/py)"),
    );
    let t0 = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "the SMTP server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Smtpd {
        _child: child,
        port,
        folder,
    }
}

/// The CoreWeave workbook with a Distribution sheet of (name, email, kind) rows.
fn with_distribution(rows: &[(&str, &str, &str)]) -> Book {
    let mut b = coreweave();
    b.sheets.push(TextSheet {
        name: "Distribution".into(),
        rows: std::iter::once(vec!["name".into(), "email".into(), "kind".into()])
            .chain(
                rows.iter()
                    .map(|(n, e, k)| vec![n.to_string(), e.to_string(), k.to_string()]),
            )
            .collect(),
    });
    b
}

/// `mail --send` of `paths` through `server`, with `extra` arguments.
/// `mail --send` of `paths` to `server`, with `extra` arguments; from `SENDER` unless they
/// name a sender.
fn send(dir: &Path, paths: &[&str], server: &Smtpd, extra: &[&str]) -> Output {
    let url = server.url();
    let from: &[&str] = if extra.contains(&"--from") {
        &[]
    } else {
        &["--from", SENDER]
    };
    let args = [
        &["mail"],
        paths,
        &["--send", "--smtp", url.as_str()],
        from,
        extra,
    ]
    .concat();
    run(&args, dir)
}

/// The sender of the sending tests that name none of their own.
const SENDER: &str = "Layer Advisory Group <briefs@example.com>";

fn sent_log(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("out/.layerbrief-sent.json")).unwrap()).unwrap()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn delivers_to_a_real_smtp_server_on_loopback() {
    let tmp = scratch("smtp");
    let dir = tmp.path();
    let server = smtpd(dir, "mail", &[]);
    let wb = root().join("inputs/coreweave.xlsx");
    let o = send(
        dir,
        &[wb.to_str().unwrap()],
        &server,
        &[
            "--to",
            "jane@example.com",
            "--from",
            "Keith Townsend <keith@example.com>",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sent out/coreweave.eml to 1 recipient(s)"),
        "{}",
        stderr(&o)
    );
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].0, ["jane@example.com"]);
    let m = inspect(&received[0].1);
    assert!(m["subject"].as_str().unwrap().contains("CoreWeave"));
    assert_eq!(m["to"][0], "jane@example.com");
    assert_eq!(
        m["attachments"][0]["sha256"].as_str().unwrap(),
        sha256(&dir.join("out/coreweave.pdf"))
    );
}

#[test]
fn sends_once_resends_on_request_and_keeps_bcc_out_of_sent_headers() {
    let tmp = scratch("smtp-once");
    let dir = tmp.path();
    let server = smtpd(dir, "mail", &[]);
    let wb = with_distribution(&[
        ("Ana Buyer", "ana@client.example", "to"),
        ("", "cio@client.example", "cc"),
        ("Audit Desk", "audit@client.example", "bcc"),
    ])
    .write_xlsx(&dir.join("coreweave.xlsx"));
    let wb = wb.to_str().unwrap();
    let from = ["--from", "Keith Townsend <keith@example.com>"];
    let o = send(dir, &[wb], &server, &from);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sent out/coreweave.eml to 3 recipient(s)"),
        "{}",
        stderr(&o)
    );
    // One transaction per recipient; the Bcc address is reached through the envelope.
    assert_eq!(
        server.recipients(),
        [
            "ana@client.example",
            "audit@client.example",
            "cio@client.example"
        ]
    );
    let draft = inspect(&dir.join("out/coreweave.eml"));
    assert_eq!(draft["x_unsent"], "1");
    assert_eq!(draft["bcc"][0], "Audit Desk <audit@client.example>");
    let id = draft["message_id"].as_str().unwrap().to_string();
    assert!(
        id.starts_with('<') && id.ends_with("@example.com>") && id.len() == 32 + 14,
        "{id}"
    );
    for (_, path) in server.received() {
        let m = inspect(&path);
        assert_eq!(m["message_id"], id.as_str());
        assert!(m["x_unsent"].is_null(), "{}", m["x_unsent"]);
        assert_eq!(m["bcc"].as_array().unwrap().len(), 0, "{}", m["bcc"]);
        assert_eq!(m["to"][0], "Ana Buyer <ana@client.example>");
        assert_eq!(m["cc"][0], "cio@client.example");
    }
    let log = sent_log(dir);
    let entries = log["messages"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e["message_id"], id.as_str());
    assert_eq!(e["assessment_id"], "coreweave");
    assert_eq!(e["eml"], "out/coreweave.eml");
    assert_eq!(
        e["pdf_sha256"].as_str().unwrap(),
        sha256(&dir.join("out/coreweave.pdf"))
    );
    assert_eq!(strings(&e["recipients"]["to"]), ["ana@client.example"]);
    assert_eq!(strings(&e["recipients"]["cc"]), ["cio@client.example"]);
    assert_eq!(strings(&e["recipients"]["bcc"]), ["audit@client.example"]);
    let at = e["sent_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(at).is_ok() && at.ends_with('Z'),
        "{at}"
    );

    // Unchanged brief, same recipients: skipped, nothing reaches the server.
    let o = send(dir, &[wb], &server, &from);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let want = format!(
        "skipped out/coreweave.eml: already sent to 3 recipient(s) on {at} (--resend to send again)"
    );
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    assert_eq!(server.received().len(), 3);
    // Written again, the draft has the same Message-ID.
    assert_eq!(
        inspect(&dir.join("out/coreweave.eml"))["message_id"],
        id.as_str()
    );

    // --resend: everyone again, under a new Message-ID.
    let o = send(dir, &[wb], &server, &[&from[..], &["--resend"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let received = server.received();
    assert_eq!(received.len(), 6);
    let ids: std::collections::BTreeSet<String> = received
        .iter()
        .map(|(_, p)| inspect(p)["message_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&id));
    assert_eq!(sent_log(dir)["messages"].as_array().unwrap().len(), 2);

    // Another recipient: sent to that one.
    let o = send(
        dir,
        &[wb],
        &server,
        &[&from[..], &["--to", "new@client.example"]].concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sent out/coreweave.eml to 1 recipient(s)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(server.received().len(), 7);

    // A changed brief: sent to everyone on the Distribution sheet, each of whom holds the
    // earlier version, so with what changed since.
    let mut changed = with_distribution(&[
        ("Ana Buyer", "ana@client.example", "to"),
        ("", "cio@client.example", "cc"),
        ("Audit Desk", "audit@client.example", "bcc"),
    ]);
    changed.set("Assessment", "doc_version", "value", "v1.4");
    changed.write_xlsx(&dir.join("coreweave.xlsx"));
    let o = send(dir, &[wb], &server, &from);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("sent out/coreweave.since-") && err.contains(".eml to 3 recipient(s)"),
        "{err}"
    );
    assert_eq!(server.received().len(), 10);
}

#[test]
fn two_sending_runs_at_once_deliver_each_message_once() {
    let tmp = scratch("smtp-twice");
    let dir = tmp.path();
    let server = smtpd(dir, "mail", &[]);
    for i in 0..3 {
        let mut b = with_distribution(&[("Ana Buyer", "ana@client.example", "to")]);
        b.set("Assessment", "assessment_id", "value", &format!("cw-{i}"));
        b.write_xlsx(&dir.join(format!("in/cw-{i}.xlsx")));
    }
    let url = server.url();
    let start = || {
        layerbrief()
            .args(["mail", "in", "--send", "--smtp", &url])
            .args(["--from", "Keith Townsend <keith@example.com>"])
            .current_dir(dir)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start(), start());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for o in [&a, &b] {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    }
    // Three briefs, one recipient: three deliveries in all, whichever run made them.
    assert_eq!(server.received().len(), 3, "{}\n{}", stderr(&a), stderr(&b));
    let log = sent_log(dir);
    let text = log.to_string();
    for i in 0..3 {
        assert!(
            text.contains(&format!("\"cw-{i}\"")),
            "cw-{i} missing: {log}"
        );
    }
    let both = stderr(&a) + &stderr(&b);
    assert_eq!(both.matches("already sent").count(), 3, "{both}");
}

#[test]
fn a_refused_recipient_does_not_hold_back_the_others() {
    let tmp = scratch("smtp-550");
    let dir = tmp.path();
    let server = smtpd(dir, "mail", &["bob@client.example"]);
    let wb = with_distribution(&[
        ("Ana Buyer", "ana@client.example", "to"),
        ("Bob Gone", "bob@client.example", "to"),
        ("", "cio@client.example", "cc"),
    ])
    .write_xlsx(&dir.join("coreweave.xlsx"));
    let wb = wb.to_str().unwrap();
    let o = send(dir, &[wb], &server, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains(
            "error: out/coreweave.eml: the server refused bob@client.example: 550 5.1.1 no such user"
        ),
        "{err}"
    );
    assert!(
        err.contains("sent out/coreweave.eml to 2 recipient(s)"),
        "{err}"
    );
    assert!(err.contains("1 message(s) not delivered"), "{err}");
    assert_eq!(
        server.recipients(),
        ["ana@client.example", "cio@client.example"]
    );
    let log = sent_log(dir);
    let e = &log["messages"][0];
    assert_eq!(strings(&e["recipients"]["to"]), ["ana@client.example"]);
    assert_eq!(strings(&e["recipients"]["cc"]), ["cio@client.example"]);
    assert_eq!(strings(&e["recipients"]["bcc"]), Vec::<String>::new());
    let id = e["message_id"].as_str().unwrap().to_string();

    // Later, through a server that takes Bob: only Bob is sent the message, the same one.
    let relay = smtpd(dir, "relay", &[]);
    let o = send(dir, &[wb], &relay, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("already sent to 2 recipient(s)")
            && err.contains("sent out/coreweave.eml to 1 recipient(s)"),
        "{err}"
    );
    let received = relay.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].0, ["bob@client.example"]);
    assert_eq!(inspect(&received[0].1)["message_id"], id.as_str());
    assert_eq!(sent_log(dir)["messages"].as_array().unwrap().len(), 2);
}

#[test]
fn line_breaks_and_odd_text_in_names_are_folded() {
    let tmp = scratch("smtp-fold");
    let dir = tmp.path();
    let server = smtpd(dir, "mail", &[]);
    let long = "Very Long Name ".repeat(40);
    let mut b = with_distribution(&[
        ("Ana\nBuyer", "ana@client.example", "to"),
        ("Chief\r\nInformation\tOfficer", "cio@client.example", "cc"),
        (
            "Zoë Ø \"the\" <desk>\u{2028}Team",
            "zoe@client.example",
            "to",
        ),
        (long.as_str(), "long@client.example", "bcc"),
    ]);
    b.set(
        "Assessment",
        "publisher",
        "value",
        "Layer\r\nAdvisory\nGroup",
    );
    let wb = b.write_xlsx(&dir.join("coreweave.xlsx"));
    let (code, err) = check(&wb);
    assert_eq!(code, 0, "{err}");
    let o = send(dir, &[wb.to_str().unwrap()], &server, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_eq!(server.received().len(), 4);
    let (_, path) = &server.received()[0];
    for m in [inspect(path), inspect(&dir.join("out/coreweave.eml"))] {
        assert_eq!(m["from"], SENDER);
        let to = m["decoded"]["to"].as_str().unwrap();
        assert!(
            to.contains("Ana Buyer\" <ana@client.example>, ")
                && to.ends_with("Zoë Ø \"the\" <desk> Team <zoe@client.example>"),
            "{to}"
        );
        assert_eq!(m["cc"][0], "Chief Information Officer <cio@client.example>");
    }
    let raw = std::fs::read(dir.join("out/coreweave.eml")).unwrap();
    let head = &raw[..raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap()];
    for line in head.split(|&c| c == b'\n') {
        assert!(line.len() <= 999, "a header line of {} octets", line.len());
    }
}

#[test]
fn one_failing_message_does_not_stop_the_batch() {
    let tmp = scratch("smtp-batch");
    let dir = tmp.path();
    let server = smtpd(dir, "mail", &["nobody@client.example"]);
    for (id, email, publisher) in [
        ("first", "first@client.example", "Layer\nAdvisory"),
        ("second", "nobody@client.example", "Layer Advisory"),
        ("third", "third@client.example", "Layer\r\nAdvisory"),
    ] {
        let mut b = with_distribution(&[("Reader\nOne", email, "to")]);
        b.set("Assessment", "assessment_id", "value", id);
        b.set("Assessment", "publisher", "value", publisher);
        b.write_xlsx(&dir.join(format!("in/{id}.xlsx")));
    }
    // The second cannot be sent (its only recipient is refused)...
    let o = send(dir, &["in"], &server, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("the server refused nobody@client.example"),
        "{err}"
    );
    assert!(err.contains("1 message(s) not delivered"), "{err}");
    assert_eq!(
        server.recipients(),
        ["first@client.example", "third@client.example"]
    );
    // ... and then cannot even be written (a folder stands where its draft goes); the third
    // is still composed, written and sent again on request.
    std::fs::remove_file(dir.join("out/second.eml")).unwrap();
    std::fs::create_dir(dir.join("out/second.eml")).unwrap();
    let o = send(dir, &["in"], &server, &["--resend"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("error: out/second.eml: "), "{err}");
    assert!(
        err.contains("sent out/third.eml to 1 recipient(s)"),
        "{err}"
    );
    assert_eq!(server.received().len(), 4);
}

#[test]
fn failed_delivery_leaves_the_eml_and_exits_3() {
    let tmp = scratch("smtp-down");
    let dir = tmp.path();
    let url = format!("smtp://127.0.0.1:{}", free_port());
    let o = run(
        &[
            "mail",
            root().join("inputs/coreweave.xlsx").to_str().unwrap(),
            "--send",
            "--smtp",
            &url,
            "--to",
            "jane@example.com",
            "--from",
            SENDER,
        ],
        dir,
    );
    assert_eq!(
        o.status.code(),
        Some(3),
        "one message failed: {}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("error: delivery of out/coreweave.eml failed"),
        "{}",
        stderr(&o)
    );
    assert!(dir.join("out/coreweave.eml").exists());
    assert!(!dir.join("out/.layerbrief-sent.json").exists());
}

#[test]
fn refusals_credentials_size_and_addresses() {
    let tmp = scratch("mail-refuse");
    let dir = tmp.path();
    let wb = root().join("inputs/coreweave.xlsx");
    let wb = wb.to_str().unwrap();
    let refused = |args: &[&str], says: &str| {
        let o = run(&[&["mail", wb], args].concat(), dir);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    };
    refused(
        &["--send", "--smtp", "smtp://user:pw@127.0.0.1:25"],
        "credentials do not belong on the command line",
    );
    refused(
        &["--to", "not-an-address"],
        "--to `not-an-address` is not an email address",
    );
    refused(&["--resend"], "--send");
    refused(
        &[
            "--send",
            "--smtp",
            "smtp://127.0.0.1:9",
            "--to",
            "jane@example.com",
        ],
        "--send needs a sender: nothing was sent",
    );
    refused(
        &["--max-size", "100KB"],
        "above --max-size 0.1 MB; not written",
    );
    assert!(!dir.join("out/coreweave.eml").exists());
    // A sent log that cannot be read stops a sending run before anything is built or sent.
    std::fs::create_dir_all(dir.join("out")).unwrap();
    std::fs::write(dir.join("out/.layerbrief-sent.json"), "{oops").unwrap();
    refused(
        &[
            "--send",
            "--smtp",
            "smtp://127.0.0.1:9",
            "--to",
            "jane@example.com",
            "--from",
            SENDER,
        ],
        ".layerbrief-sent.json: not a sent log",
    );
}

#[test]
fn no_recipient_and_no_sender_are_said_never_made_up() {
    let tmp = scratch("mail-nobody");
    let dir = tmp.path();
    let wb = root().join("inputs/coreweave.xlsx");
    let wb = wb.to_str().unwrap();
    // A draft with no recipient is written, with a warning naming the workbook and the remedy;
    // with no sender it has no From: (the mail program fills it in), and the run says so.
    let o = run(&["mail", wb], dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: out/coreweave.eml: no recipient, so the draft's To: is empty")
            && err.contains("coreweave.xlsx)")
            && err.contains("add rows to the workbook's Distribution sheet (name, email, kind), or give --to ADDR"),
        "{err}"
    );
    assert!(err.contains("note: the drafts have no From:"), "{err}");
    let m = inspect(&dir.join("out/coreweave.eml"));
    assert_eq!(m["from"], serde_json::Value::Null, "{m}");
    assert_eq!(m["to"], serde_json::json!([]), "{m}");
    let raw = String::from_utf8_lossy(&std::fs::read(dir.join("out/coreweave.eml")).unwrap())
        .into_owned();
    assert!(
        !raw.contains("localhost") && !raw.lines().any(|l| l.starts_with("From:")),
        "{raw}"
    );
    // Sending refuses it: nothing is sent and the exit status says the workbook is at fault.
    let server = smtpd(dir, "mail", &[]);
    let o = send(dir, &[wb], &server, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: out/coreweave.eml: no recipient, so nothing was sent"),
        "{err}"
    );
    assert!(server.received().is_empty());
}

#[test]
fn a_recipient_is_greeted_by_the_name_the_distribution_sheet_gives() {
    let tmp = scratch("mail-names");
    let dir = tmp.path();
    let b = with_distribution(&[("Pat Client", "pat@client.example", "to")]);
    let wb = b.write_xlsx(&dir.join("cw.xlsx"));
    for (to, greeting) in [
        ("PAT@client.example", "Dear Pat Client,"),
        ("Jo Reader <jo@client.example>", "Dear Jo Reader,"),
        ("someone@else.example", "Hello,"),
    ] {
        let o = run(&["mail", wb.to_str().unwrap(), "--to", to], dir);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let m = inspect(&dir.join("out/coreweave.eml"));
        assert!(
            m["text"].as_str().unwrap().starts_with(greeting),
            "{to}: {m}"
        );
    }
}

#[test]
fn each_reader_is_told_what_changed_since_the_version_they_received() {
    let tmp = scratch("per-reader");
    let dir = tmp.path();
    let server = smtpd(dir, "mail", &[]);
    let ann = ("Ann Reader", "ann@client.example", "to");
    let bob = ("Bob Reader", "bob@client.example", "cc");
    let cy = ("Cy Newcomer", "cy@client.example", "to");
    let wb = dir.join("in/coreweave.xlsx");
    with_distribution(&[ann, bob]).write_xlsx(&wb);
    // v1.3 to Ann and Bob.
    let o = send(dir, &["in"], &server, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(server.received().len(), 2);
    let v13 = sha256(&dir.join("out/coreweave.pdf"));

    // v1.4: a paragraph revised, and Cy added to the distribution.
    let mut b = with_distribution(&[ann, bob, cy]);
    let s = b.sheet("Summary");
    let col = s.rows[0].iter().position(|h| h == "paragraph").unwrap();
    s.rows[1][col] = s.rows[1][col].replacen("pure-play", "specialist", 1);
    b.set("Assessment", "doc_version", "value", "v1.4");
    b.write_xlsx(&wb);

    // The dry run says who gets what, and writes and sends nothing.
    let o = run(&["mail", "in", "--dry-run", "--from", SENDER], dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let plan = stdout(&o);
    assert!(plan.contains("ann@client.example: holds v1.3"), "{plan}");
    assert!(plan.contains("bob@client.example: holds v1.3"), "{plan}");
    assert!(
        plan.contains("cy@client.example: today's message"),
        "{plan}"
    );
    assert!(plan.contains("nothing was written or sent"), "{plan}");
    assert_eq!(server.received().len(), 2);
    let tag = &v13[..12];
    let since_eml = dir.join(format!("out/coreweave.since-{tag}.eml"));
    assert!(!since_eml.exists());

    let o = send(dir, &["in"], &server, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v14 = sha256(&dir.join("out/coreweave.pdf"));
    assert_ne!(v13, v14);
    let new: Vec<(Vec<String>, PathBuf)> = server
        .received()
        .into_iter()
        .filter(|(_, p)| {
            inspect(p)["subject"]
                .as_str()
                .unwrap_or_default()
                .contains("v1.4")
        })
        .collect();
    assert_eq!(new.len(), 3, "one delivery per reader");
    let since_pdf = dir.join(format!("out/coreweave.since-{tag}.pdf"));
    for (rcpt, msg) in &new {
        let m = inspect(msg);
        // Every message keeps the distribution's full headers.
        let to = m["to"].to_string();
        assert!(
            to.contains("ann@client.example") && to.contains("cy@client.example"),
            "{to}"
        );
        assert!(m["cc"].to_string().contains("bob@client.example"), "{m:#}");
        let text = m["text"].as_str().unwrap();
        let pdf = &m["attachments"][0]["sha256"];
        if rcpt == &["cy@client.example".to_string()] {
            assert!(!text.contains("You received"), "{text}");
            assert_eq!(pdf, &serde_json::json!(v14), "Cy gets the brief as it is");
        } else {
            assert!(text.contains("You received v1.3 on"), "{text}");
            assert!(text.contains("Text revised: Summary"), "{text}");
            assert_eq!(pdf, &serde_json::json!(sha256(&since_pdf)), "{rcpt:?}");
        }
    }
    // Ann and Bob share one message and one PDF; it opens with what changed, as a redline.
    let words = pdf_words(&since_pdf);
    assert!(words.contains("What changed since v1.3"), "{words:.1500}");
    assert!(
        words.contains("deleted: pure-play added: specialist"),
        "{words:.3000}"
    );
    let verdicts = conformance(&[since_pdf.as_path()]);
    for profile in ["ua1", "2a"] {
        let v = &verdicts[since_pdf.to_str().unwrap()][profile];
        assert_eq!(v["compliant"], true, "{profile}: {}", v["report"]);
    }
    // The sent log: each reader now holds v1.4; Ann and Bob got its variant.
    let log = sent_log(dir);
    let last: Vec<&serde_json::Value> = log["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["version_sha256"] == v14 || m["pdf_sha256"] == v14)
        .collect();
    assert_eq!(last.len(), 2, "{log:#}");
    for m in &last {
        let variant = m["version_sha256"] == v14;
        assert_eq!(variant, m["pdf_sha256"] != v14);
    }
    // A third run sends nothing: everyone holds v1.4, with stamps or without.
    for extra in [&["--stamp"][..], &[][..]] {
        let o = send(dir, &["in"], &server, extra);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(server.received().len(), 5, "{extra:?}: {}", stderr(&o));
    }
}

#[test]
fn stamped_copies_name_their_reader_and_are_sent_once() {
    let tmp = scratch("stamped");
    let dir = tmp.path();
    let server = smtpd(dir, "mail", &[]);
    let ann = ("Ann Reader", "ann@client.example", "to");
    let bob = ("", "bob@client.example", "cc");
    with_distribution(&[ann, bob]).write_xlsx(&dir.join("in/coreweave.xlsx"));
    let (code, err) = build(dir, &["in"]);
    assert_eq!(code, 0, "{err}");
    let brief = sha256(&dir.join("out/coreweave.pdf"));
    let o = send(dir, &["in"], &server, &["--stamp"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        sha256(&dir.join("out/coreweave.pdf")),
        brief,
        "the brief is left as it was"
    );
    let received = server.received();
    assert_eq!(received.len(), 2);
    let copies: Vec<PathBuf> = file_names(&dir.join("out"))
        .into_iter()
        .filter(|n| n.starts_with("coreweave.for-") && n.ends_with(".pdf"))
        .map(|n| dir.join("out").join(n))
        .collect();
    assert_eq!(copies.len(), 2, "one copy per reader");
    for c in &copies {
        let name = c.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            !name.contains('@') && !name.contains("ann") && !name.contains("bob"),
            "{name}"
        );
    }
    for (rcpt, msg) in &received {
        let m = inspect(msg);
        let pdf = m["attachments"][0]["sha256"].as_str().unwrap().to_string();
        let copy = copies
            .iter()
            .find(|c| sha256(c) == pdf)
            .expect("a copy of its own");
        let words = pdf_words(copy);
        let who = if rcpt[0] == "ann@client.example" {
            "Prepared for Ann Reader <ann@client.example>"
        } else {
            "Prepared for bob@client.example"
        };
        assert!(words.contains(who), "{rcpt:?}: {words:.300}");
        let pages = pdf_pages(copy);
        assert_eq!(
            words.matches("Prepared for").count(),
            pages,
            "on every page"
        );
        let info = tool_ok("pdfinfo", &[copy.to_str().unwrap()]);
        assert!(info.contains(who), "in the metadata: {info}");
    }
    let verdicts = conformance(&[copies[0].as_path()]);
    for profile in ["ua1", "2a"] {
        let v = &verdicts[copies[0].to_str().unwrap()][profile];
        assert_eq!(v["compliant"], true, "{profile}: {}", v["report"]);
    }
    // The sent log: both hold the brief; what was delivered is each copy.
    let log = sent_log(dir);
    for m in log["messages"].as_array().unwrap() {
        assert_eq!(m["version_sha256"], brief, "{m:#}");
        assert_ne!(m["pdf_sha256"], brief, "{m:#}");
    }
    // Sent once: again, stamped or not, nothing is sent.
    for extra in [&["--stamp"][..], &[][..]] {
        let o = send(dir, &["in"], &server, extra);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(server.received().len(), 2, "{extra:?}: {}", stderr(&o));
    }
}

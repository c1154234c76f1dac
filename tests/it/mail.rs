//! Briefs by email: .eml drafts read back with Python's own MIME parser, and delivery to a
//! real SMTP server (aiosmtpd) on loopback.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

/// Parses a message with Python's `email` package and prints what the tests check.
const INSPECT: &str = r#"
import email, email.policy, hashlib, json, sys
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
out = {"subject": msg["subject"], "to": msg.get_all("to", []), "cc": msg.get_all("cc", []),
       "x_unsent": msg["x-unsent"], "type": msg.get_content_type(), "attachments": []}
plain = msg.get_body(preferencelist=('plain',))
html = msg.get_body(preferencelist=('html',))
out["text"] = plain.get_content() if plain else None
out["html"] = html.get_content() if html else None
for part in msg.iter_attachments():
    data = part.get_payload(decode=True)
    out["attachments"].append({"filename": part.get_filename(), "type": part.get_content_type(),
                               "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
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

/// The server process stops when this drops; declare it after the scratch folder it writes in.
struct Smtpd {
    _child: Background,
    port: u16,
    maildir: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real SMTP server on loopback, storing what it receives in a maildir.
fn smtpd(dir: &Path) -> Smtpd {
    let port = free_port();
    let maildir = dir.join("maildir");
    let child = Background(
        Command::new(python())
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
                maildir.to_str().unwrap(),
            ])
            .spawn()
            .expect("python3 with aiosmtpd (scripts/setup.sh installs it in target/py)"),
    );
    let t0 = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "aiosmtpd did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Smtpd {
        _child: child,
        port,
        maildir,
    }
}

#[test]
fn delivers_to_a_real_smtp_server_on_loopback() {
    let tmp = scratch("smtp");
    let dir = tmp.path();
    let server = smtpd(dir);
    let url = format!("smtp://127.0.0.1:{}", server.port);
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
            "Keith Townsend <keith@example.com>",
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sent out/coreweave.eml to 1 recipient(s)"),
        "{}",
        stderr(&o)
    );
    let received: Vec<PathBuf> = std::fs::read_dir(server.maildir.join("new"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(received.len(), 1);
    let m = inspect(&received[0]);
    assert!(m["subject"].as_str().unwrap().contains("CoreWeave"));
    assert_eq!(m["to"][0], "jane@example.com");
    assert_eq!(
        m["attachments"][0]["sha256"].as_str().unwrap(),
        sha256(&dir.join("out/coreweave.pdf"))
    );
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
    refused(
        &["--max-size", "100KB"],
        "above --max-size 0.1 MB; not written",
    );
    assert!(!dir.join("out/coreweave.eml").exists());
}

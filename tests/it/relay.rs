//! Sending through relays as a firm has them, and through relays that fail: a real aiosmtpd
//! relay off loopback (on an address of this machine that is not a loopback one), with a
//! certificate from a CA made here with `openssl`, STARTTLS or implicit TLS, and a sign-in;
//! and small real servers on a socket that stay silent, hang up during DATA or offer AUTH
//! without TLS. Each failure must name the relay and the cause, exit 3, log nothing as sent
//! and leave the .eml in place.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

const SENDER: &str = "Layer Advisory Group <briefs@example.com>";
const USER: &str = "briefs";
const PASSWORD: &str = "correct horse battery staple";

/// `mail --send` of the CoreWeave workbook to jane@example.com through `url`, with `extra`
/// arguments and `env` (the tool's SMTP and certificate variables cleared first); how long it
/// took.
fn mail(dir: &Path, url: &str, extra: &[&str], env: &[(&str, &str)]) -> (Output, Duration) {
    let wb = root().join("inputs/coreweave.xlsx");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_layerbrief"));
    cmd.args(["mail", wb.to_str().unwrap(), "--send", "--smtp", url])
        .args(["--to", "jane@example.com", "--from", SENDER])
        .args(extra)
        .current_dir(dir);
    for var in [
        "LAYERBRIEF_SMTP_USER",
        "LAYERBRIEF_SMTP_PASSWORD",
        "LAYERBRIEF_FROM",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let t0 = Instant::now();
    let o = cmd.output().unwrap();
    (o, t0.elapsed())
}

/// Asserts a run failed to deliver: exit 3, `says` in its errors, nothing in the sent log,
/// the .eml in place.
fn undelivered(dir: &Path, o: &Output, says: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("error: delivery of out/coreweave.eml failed: "),
        "{err}"
    );
    for s in says {
        assert!(err.contains(s), "`{s}` not in\n{err}");
    }
    assert!(err.contains("the .eml is left in place"), "{err}");
    assert!(dir.join("out/coreweave.eml").exists());
    assert!(
        !dir.join("out/.layerbrief-sent.json").exists(),
        "logged as sent:\n{err}"
    );
}

/// What a small scripted server does with a connection.
#[derive(Clone, Copy)]
enum Script {
    /// Accepts and never says a word.
    Silent,
    /// Greets, takes EHLO, MAIL, RCPT and DATA, reads a little of the message and hangs up.
    HangUpInData,
    /// Plain SMTP only, offering AUTH PLAIN and LOGIN without STARTTLS.
    AuthWithoutTls,
}

/// A real server on a socket, speaking just enough SMTP for its script; it records every line
/// it receives and counts the connections.
struct Scripted {
    addr: SocketAddr,
    heard: Arc<Mutex<String>>,
    connections: Arc<AtomicUsize>,
}

impl Scripted {
    fn start(ip: IpAddr, script: Script) -> Scripted {
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let heard = Arc::new(Mutex::new(String::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (h, n) = (Arc::clone(&heard), Arc::clone(&connections));
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                n.fetch_add(1, Ordering::SeqCst);
                match script {
                    Script::Silent => held.push(conn),
                    _ => {
                        let _ = converse(&mut conn, script, &h);
                    }
                }
            }
        });
        Scripted {
            addr,
            heard,
            connections,
        }
    }

    fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    fn heard(&self) -> String {
        self.heard.lock().unwrap().clone()
    }
}

fn converse(conn: &mut TcpStream, script: Script, heard: &Mutex<String>) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(20)))?;
    conn.write_all(b"220 scripted.test ESMTP\r\n")?;
    let mut reader = BufReader::new(conn.try_clone()?);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        heard.lock().unwrap().push_str(&line);
        let cmd = line.to_ascii_uppercase();
        if cmd.starts_with("EHLO") {
            match script {
                Script::AuthWithoutTls => conn.write_all(
                    b"250-scripted.test\r\n250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN LOGIN\r\n250 8BITMIME\r\n",
                )?,
                _ => conn.write_all(b"250-scripted.test\r\n250 8BITMIME\r\n")?,
            }
        } else if cmd.starts_with("DATA") {
            conn.write_all(b"354 go ahead\r\n")?;
            let mut some = [0u8; 512];
            let _ = reader.read(&mut some)?;
            // Hang up with most of the message unread.
            return Ok(());
        } else if cmd.starts_with("QUIT") {
            conn.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            conn.write_all(b"250 OK\r\n")?;
        }
    }
}

#[test]
fn a_silent_relay_is_named_with_the_step_it_was_waiting_for() {
    let tmp = scratch("relay-silent");
    let dir = tmp.path();
    let server = Scripted::start(IpAddr::V4(Ipv4Addr::LOCALHOST), Script::Silent);
    let (o, took) = mail(dir, &server.url(), &["--smtp-timeout", "2"], &[]);
    undelivered(
        dir,
        &o,
        &[&format!(
            "no answer from {} within 2 s while waiting for its greeting",
            server.addr
        )],
    );
    assert!(
        stderr(&o).contains("help: a relay that speaks TLS from the first byte stays silent"),
        "{}",
        stderr(&o)
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    // Two seconds of waiting, not thirty (the brief itself is built in the same run).
    assert!(took < Duration::from_secs(25), "took {took:?}");
}

#[test]
fn a_relay_hanging_up_during_data_is_named() {
    let tmp = scratch("relay-hangup");
    let dir = tmp.path();
    let server = Scripted::start(IpAddr::V4(Ipv4Addr::LOCALHOST), Script::HangUpInData);
    let (o, _) = mail(dir, &server.url(), &[], &[]);
    undelivered(
        dir,
        &o,
        &[&format!(
            "{} closed the connection during DATA",
            server.addr
        )],
    );
    let heard = server.heard();
    for cmd in [
        "EHLO ",
        "MAIL FROM:<briefs@example.com>",
        "RCPT TO:<jane@example.com>",
        "DATA",
    ] {
        assert!(heard.contains(cmd), "{cmd} not in {heard}");
    }
}

/// An IPv4 address of this machine that is not a loopback one: the source address of a route
/// out, else the first of `hostname -I`.
fn outward_ip() -> Option<IpAddr> {
    let routed = UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("198.51.100.1:9").map(|()| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    routed
        .or_else(|| {
            let o = Command::new("hostname").arg("-I").output().ok()?;
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .filter_map(|w| w.parse::<IpAddr>().ok())
                .find(|ip| ip.is_ipv4() && !ip.is_loopback())
        })
        .filter(|ip| TcpListener::bind((*ip, 0)).is_ok())
}

#[test]
fn credentials_never_cross_a_plain_connection() {
    let tmp = scratch("relay-plain-auth");
    let dir = tmp.path();
    let creds = [
        ("LAYERBRIEF_SMTP_USER", USER),
        ("LAYERBRIEF_SMTP_PASSWORD", PASSWORD),
    ];
    // To this machine, plain SMTP with credentials set is refused before anything is sent.
    let local = Scripted::start(IpAddr::V4(Ipv4Addr::LOCALHOST), Script::AuthWithoutTls);
    let (o, _) = mail(dir, &local.url(), &[], &creds);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "credentials are only ever sent over TLS, and {} is plain SMTP",
            local.addr
        )) && err.contains("help: use smtps:// or a relay with STARTTLS"),
        "{err}"
    );
    assert_eq!(local.connections.load(Ordering::SeqCst), 0);

    // Off this machine, a relay offering AUTH but no STARTTLS is left after its EHLO.
    let Some(ip) = outward_ip() else {
        eprintln!("skipped the relay off loopback: this machine has no non-loopback IPv4 address");
        return;
    };
    let relay = Scripted::start(ip, Script::AuthWithoutTls);
    let (o, _) = mail(dir, &relay.url(), &[], &creds);
    undelivered(
        dir,
        &o,
        &[&format!(
            "{} does not offer STARTTLS, and mail to a relay off this machine goes encrypted or not at all: nothing was sent, no credentials either",
            relay.addr
        )],
    );
    let heard = relay.heard();
    assert!(heard.starts_with("EHLO "), "{heard}");
    assert!(!heard.to_ascii_uppercase().contains("AUTH"), "{heard}");
    assert!(!heard.contains("MAIL FROM"), "{heard}");
    // Nor in any encoding: PLAIN sends base64("\0user\0password").
    assert!(!heard.contains("Y29ycmVjd"), "{heard}");
}

/// A certificate authority made with `openssl`, and the relay certificates it signs.
struct Ca {
    dir: PathBuf,
    name: String,
}

impl Ca {
    fn new(dir: &Path, name: &str) -> Ca {
        let dir = dir.join("pki");
        std::fs::create_dir_all(&dir).unwrap();
        let cnf = dir.join(format!("{name}.cnf"));
        std::fs::write(
            &cnf,
            format!(
                "[req]\ndistinguished_name = dn\nx509_extensions = v3\nprompt = no\n[dn]\nCN = {name} test CA\n[v3]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n"
            ),
        )
        .unwrap();
        let p = |ext: &str| {
            dir.join(format!("{name}.{ext}"))
                .to_str()
                .unwrap()
                .to_string()
        };
        openssl(&[
            "req",
            "-x509",
            "-config",
            &p("cnf"),
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &p("key"),
            "-out",
            &p("pem"),
            "-days",
            "3",
        ]);
        Ca {
            dir,
            name: name.to_string(),
        }
    }

    fn pem(&self) -> PathBuf {
        self.dir.join(format!("{}.pem", self.name))
    }

    /// A relay certificate named `leaf`, for the subject alternative names `san`
    /// (`IP:192.0.2.2,DNS:mail.example`): (certificate, key).
    fn sign(&self, leaf: &str, san: &str) -> (PathBuf, PathBuf) {
        let p = |ext: &str| {
            self.dir
                .join(format!("{leaf}.{ext}"))
                .to_str()
                .unwrap()
                .to_string()
        };
        std::fs::write(
            p("ext"),
            format!("subjectAltName = {san}\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n"),
        )
        .unwrap();
        openssl(&[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &p("key"),
            "-out",
            &p("csr"),
            "-subj",
            "/CN=relay",
        ]);
        let ca_key = self.dir.join(format!("{}.key", self.name));
        openssl(&[
            "x509",
            "-req",
            "-in",
            &p("csr"),
            "-CA",
            self.pem().to_str().unwrap(),
            "-CAkey",
            ca_key.to_str().unwrap(),
            "-CAcreateserial",
            "-days",
            "3",
            "-out",
            &p("pem"),
            "-extfile",
            &p("ext"),
        ]);
        (PathBuf::from(p("pem")), PathBuf::from(p("key")))
    }
}

fn openssl(args: &[&str]) {
    let o = Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl command (scripts/setup.sh installs it)");
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// aiosmtpd relays, each requiring a sign-in (USER / PASSWORD): STARTTLS required, or TLS from
/// the first byte. Each stores what it accepts as `ID.eml` with its envelope in `ID.json`
/// (written last), and every sign-in attempt in `auth.log`: mechanism, over TLS, accepted.
const RELAYS: &str = r#"
import json, os, ssl, sys, time, uuid, warnings
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

warnings.simplefilter("ignore")
spec = json.load(open(sys.argv[1]))
user, password = spec["user"].encode(), spec["password"].encode()

class Handler:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        name = uuid.uuid4().hex
        with open(os.path.join(self.folder, name + '.eml'), 'wb') as f:
            f.write(envelope.original_content)
        tmp = os.path.join(self.folder, name + '.tmp')
        with open(tmp, 'w') as f:
            json.dump({'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos}, f)
        os.rename(tmp, os.path.join(self.folder, name + '.json'))
        return '250 Message accepted for delivery'

def authenticator(folder):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user
              and auth_data.password == password)
        with open(os.path.join(folder, 'auth.log'), 'a') as f:
            f.write(json.dumps({'mechanism': mechanism, 'tls': session.ssl is not None,
                                'ok': ok}) + '\n')
        return AuthResult(success=ok, handled=False)
    return check

controllers = []
for r in spec["relays"]:
    os.makedirs(r["folder"], exist_ok=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(r["cert"], r["key"])
    common = dict(hostname=r["host"], port=r["port"], auth_required=True,
                  authenticator=authenticator(r["folder"]))
    if r["mode"] == "starttls":
        c = Controller(Handler(r["folder"]), tls_context=ctx, require_starttls=True,
                       auth_require_tls=True, **common)
    else:
        c = Controller(Handler(r["folder"]), ssl_context=ctx, auth_require_tls=False, **common)
    c.start()
    controllers.append(c)
open(spec["ready"], "w").close()
while True:
    time.sleep(3600)
"#;

/// One aiosmtpd relay of [`RELAYS`]: how it is reached and where it keeps what it accepts.
struct Relay {
    url: String,
    label: String,
    folder: PathBuf,
}

impl Relay {
    /// Every message accepted so far: its envelope recipients.
    fn received(&self) -> Vec<Vec<String>> {
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return Vec::new();
        };
        entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| {
                let meta: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                meta["rcpt_tos"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect()
            })
            .collect()
    }

    /// Every sign-in attempt so far.
    fn sign_ins(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.folder.join("auth.log"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// Starts the relays `(name, mode, certificate, key)` on `ip`, in one process that stops when
/// the returned guard drops.
fn relays(
    dir: &Path,
    ip: IpAddr,
    specs: &[(&str, &str, &Path, &Path)],
) -> (Background, Vec<Relay>) {
    let ready = dir.join("relays.ready");
    let mut list = Vec::new();
    let mut out = Vec::new();
    for (name, mode, cert, key) in specs {
        let port = TcpListener::bind((ip, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let folder = dir.join("relays").join(name);
        list.push(serde_json::json!({
            "mode": mode, "host": ip.to_string(), "port": port,
            "cert": cert, "key": key, "folder": folder,
        }));
        let scheme = if *mode == "starttls" { "smtp" } else { "smtps" };
        out.push(Relay {
            url: format!("{scheme}://{ip}:{port}"),
            label: format!("{ip}:{port}"),
            folder,
        });
    }
    let spec = dir.join("relays.json");
    std::fs::write(
        &spec,
        serde_json::json!({
            "relays": list, "user": USER, "password": PASSWORD, "ready": ready,
        })
        .to_string(),
    )
    .unwrap();
    let script = dir.join("relays.py");
    std::fs::write(&script, RELAYS).unwrap();
    let log = std::fs::File::create(dir.join("relays.log")).unwrap();
    let child = Background(
        Command::new(python())
            .arg(&script)
            .arg(&spec)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("python3 with aiosmtpd (scripts/setup.sh installs it in target/py)"),
    );
    let t0 = Instant::now();
    while !ready.exists() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the relays did not start: {}",
            std::fs::read_to_string(dir.join("relays.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, out)
}

#[test]
fn tls_relays_off_loopback_with_the_firms_own_ca() {
    let Some(ip) = outward_ip() else {
        eprintln!("skipped: this machine has no non-loopback IPv4 address to run a relay on");
        return;
    };
    let tmp = scratch("relay-tls");
    let dir = tmp.path();
    let firm = Ca::new(dir, "firm");
    let stranger = Ca::new(dir, "stranger");
    let (cert, key) = firm.sign("relay", &format!("IP:{ip}"));
    let (other_cert, other_key) = firm.sign("other", "DNS:mail.other.example,IP:203.0.113.9");
    let (_relays, r) = relays(
        dir,
        ip,
        &[
            ("starttls", "starttls", &cert, &key),
            ("implicit", "implicit", &cert, &key),
            ("other-host", "implicit", &other_cert, &other_key),
        ],
    );
    let (starttls, implicit, other_host) = (&r[0], &r[1], &r[2]);
    let firm_ca = firm.pem();
    let firm_ca = firm_ca.to_str().unwrap();
    let stranger_ca = stranger.pem();
    let stranger_ca = stranger_ca.to_str().unwrap();
    let signed_in = [
        ("LAYERBRIEF_SMTP_USER", USER),
        ("LAYERBRIEF_SMTP_PASSWORD", PASSWORD),
    ];
    // The system store is the stranger's CA alone, so the firm's is trusted only when given.
    let system_stranger = [("SSL_CERT_FILE", stranger_ca)];

    // A certificate from a CA nobody gave.
    let env = [&signed_in[..], &system_stranger[..]].concat();
    for relay in [starttls, implicit] {
        let (o, _) = mail(dir, &relay.url, &[], &env);
        undelivered(
            dir,
            &o,
            &[
                &format!(
                    "{}: the relay's certificate is not trusted (issued by an unknown CA)",
                    relay.label
                ),
                "help: give its CA with --smtp-ca FILE, or install it in the system store",
            ],
        );
    }
    // A certificate of the right CA, for another host.
    let (o, _) = mail(dir, &other_host.url, &["--smtp-ca", firm_ca], &env);
    undelivered(
        dir,
        &o,
        &[&format!(
            "{}: the relay's certificate is for another host: it names mail.other.example, 203.0.113.9, not {ip}",
            other_host.label
        )],
    );
    // A wrong password, sent over TLS only.
    let wrong = [
        ("LAYERBRIEF_SMTP_USER", USER),
        ("LAYERBRIEF_SMTP_PASSWORD", "wrong"),
        ("SSL_CERT_FILE", stranger_ca),
    ];
    let (o, _) = mail(dir, &starttls.url, &["--smtp-ca", firm_ca], &wrong);
    undelivered(
        dir,
        &o,
        &[
            &format!(
                "{}: the relay refused the credentials: 535 5.7.8 Authentication credentials invalid",
                starttls.label
            ),
            "help: check LAYERBRIEF_SMTP_USER / LAYERBRIEF_SMTP_PASSWORD",
        ],
    );
    // No sign-in at all, to a relay that wants one.
    let (o, _) = mail(
        dir,
        &implicit.url,
        &["--smtp-ca", firm_ca],
        &system_stranger,
    );
    undelivered(
        dir,
        &o,
        &[
            &format!("{}: the relay wants a sign-in: 530", implicit.label),
            "help: set LAYERBRIEF_SMTP_USER and LAYERBRIEF_SMTP_PASSWORD",
        ],
    );
    for relay in [starttls, implicit, other_host] {
        assert!(relay.received().is_empty());
    }
    let attempts = starttls.sign_ins();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!(attempts[0]["tls"], true);
    assert_eq!(attempts[0]["ok"], false);

    // Delivered: STARTTLS with the firm's CA given by --smtp-ca…
    let (o, _) = mail(dir, &starttls.url, &["--smtp-ca", firm_ca], &env);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sent out/coreweave.eml to 1 recipient(s)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(starttls.received(), [["jane@example.com"]]);
    let attempts = starttls.sign_ins();
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert_eq!(attempts[1]["tls"], true);
    assert_eq!(attempts[1]["ok"], true);
    // … or installed as the system's store (SSL_CERT_FILE), with STARTTLS or implicit TLS.
    let system_firm = [&signed_in[..], &[("SSL_CERT_FILE", firm_ca)]].concat();
    for relay in [starttls, implicit] {
        let (o, _) = mail(dir, &relay.url, &["--resend"], &system_firm);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(starttls.received().len(), 2);
    assert_eq!(implicit.received(), [["jane@example.com"]]);
    let log: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/.layerbrief-sent.json")).unwrap())
            .unwrap();
    assert_eq!(log["messages"].as_array().unwrap().len(), 3, "{log}");
}

#[test]
fn bad_timeouts_and_ca_files_are_refused_with_help() {
    let tmp = scratch("relay-flags");
    let dir = tmp.path();
    let url = "smtps://mail.example.com";
    for (extra, says) in [
        (&["--smtp-timeout", "0"][..], "give from 1 second to a day"),
        (
            &["--smtp-timeout", "soon"][..],
            "not a number of seconds such as 30, 30s or 2m",
        ),
        (
            &["--smtp-ca", "missing.pem"][..],
            "--smtp-ca missing.pem: cannot read it",
        ),
    ] {
        let (o, _) = mail(dir, url, extra, &[]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
    std::fs::write(
        dir.join("key.pem"),
        "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let (o, _) = mail(dir, url, &["--smtp-ca", "key.pem"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--smtp-ca key.pem holds no certificate")
            && stderr(&o).contains("help: give the CA's certificate as PEM"),
        "{}",
        stderr(&o)
    );
    // One of the two credentials is not enough.
    let (o, _) = mail(dir, url, &[], &[("LAYERBRIEF_SMTP_USER", USER)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("LAYERBRIEF_SMTP_USER is set but LAYERBRIEF_SMTP_PASSWORD is not"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("out/coreweave.eml").exists());
}

//! Mail: the relay. Plain SMTP only to a loopback address; anywhere else TLS (smtps://) or
//! STARTTLS, required; credentials only from the environment and only over TLS; one
//! transaction per recipient, so one refused address never holds back the others. Every
//! failure in words that name the relay and the cause.
//!
//! Trust: the relay's certificate must chain to the web PKI roots bundled in, the system's
//! certificate store (what `update-ca-certificates` installs; `SSL_CERT_FILE` or
//! `SSL_CERT_DIR` name another) or the CAs of `--smtp-ca`. Verification is never skipped.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::Address;
use rustls::pki_types::ServerName;
use rustls::{CertificateError, ClientConfig};

use super::reply::{clean, Fault, Phase};
use super::session::{Session, Target};
use super::trust::tls_config;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    /// Plain SMTP, to a loopback address only.
    Plain,
    /// STARTTLS, required.
    StartTls,
    /// TLS from the first byte (smtps://).
    Implicit,
}

/// A relay to send through: where, how secured, as whom, how long to wait.
pub(crate) struct Relay {
    host: String,
    port: u16,
    security: Security,
    tls: Option<(Arc<ClientConfig>, ServerName<'static>)>,
    credentials: Option<Credentials>,
    timeout: Duration,
}

impl Relay {
    /// The relay of `--smtp URL`, waiting `timeout` for each answer, trusting the CAs of the
    /// PEM file `ca` besides the bundled and the system's; credentials from the environment.
    pub(crate) fn new(url: &str, timeout: Duration, ca: Option<&Path>) -> Result<Relay, String> {
        let parsed =
            url::Url::parse(url).map_err(|e| format!("--smtp `{url}` is not a URL ({e})"))?;
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
        let loopback = is_loopback_name(&host);
        let (security, port) = match parsed.scheme() {
            "smtp" if loopback => (Security::Plain, parsed.port().unwrap_or(25)),
            "smtp" => (Security::StartTls, parsed.port().unwrap_or(587)),
            "smtps" => (Security::Implicit, parsed.port().unwrap_or(465)),
            other => {
                return Err(format!(
                    "--smtp scheme `{other}` is not smtp or smtps\n  help: smtps://HOST for TLS from the first byte (port 465), smtp://HOST for STARTTLS (port 587), smtp://127.0.0.1:PORT for a relay on this machine"
                ))
            }
        };
        let credentials = credentials()?;
        let relay = label(&host, port);
        if security == Security::Plain && credentials.is_some() {
            return Err(format!(
                "credentials are only ever sent over TLS, and {relay} is plain SMTP (smtp:// to this machine): nothing was sent\n  help: use smtps:// or a relay with STARTTLS, or unset LAYERBRIEF_SMTP_USER and LAYERBRIEF_SMTP_PASSWORD for a local relay that needs no sign-in"
            ));
        }
        let tls = match security {
            Security::Plain => {
                if let Some(ca) = ca {
                    eprintln!(
                        "warning: --smtp-ca {} is not used: {relay} is plain SMTP, without TLS",
                        ca.display()
                    );
                }
                None
            }
            Security::StartTls | Security::Implicit => {
                let name = server_name(&host)
                    .ok_or_else(|| format!("--smtp `{url}`: `{host}` is not a host name"))?;
                Some((tls_config(ca)?, name))
            }
        };
        Ok(Relay {
            host,
            port,
            security,
            tls,
            credentials,
            timeout,
        })
    }

    /// `host:port`, as the messages name the relay.
    fn label(&self) -> String {
        label(&self.host, self.port)
    }

    /// Opens a session: connected, greeted, secured and signed in.
    fn open(&self) -> Result<Session, SendError> {
        let addrs = self.addresses()?;
        let target = Target {
            addrs: &addrs,
            implicit_tls: self.security == Security::Implicit,
            starttls: self.security == Security::StartTls,
            tls: self.tls.as_ref().map(|(c, n)| (c, n)),
            credentials: self.credentials.as_ref(),
            timeout: self.timeout,
        };
        Session::open(&target).map_err(|f| self.words(f))
    }

    /// The relay's addresses; for plain SMTP, only its loopback ones.
    fn addresses(&self) -> Result<Vec<SocketAddr>, SendError> {
        let all: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| self.words(Fault::Resolve(e)))?
            .collect();
        let usable: Vec<SocketAddr> = all
            .into_iter()
            .filter(|a| self.security != Security::Plain || a.ip().is_loopback())
            .collect();
        if usable.is_empty() {
            return Err(SendError::Failed {
                what: format!(
                    "{} resolves to no loopback address, and plain SMTP goes nowhere else",
                    self.host
                ),
                help: Some("give 127.0.0.1 or ::1 in --smtp, or use smtps:// or STARTTLS".into()),
            });
        }
        Ok(usable)
    }

    /// A fault put in words: the relay, what it was asked, the cause.
    fn words(&self, fault: Fault) -> SendError {
        let relay = self.label();
        let secs = self.timeout.as_secs();
        let failed = |what: String, help: Option<&str>| SendError::Failed {
            what,
            help: help.map(str::to_string),
        };
        let wait_longer = "wait longer with --smtp-timeout SECONDS";
        match fault {
            Fault::Resolve(e) => failed(
                format!("cannot find the address of {} ({e})", self.host),
                Some("check the host name in --smtp"),
            ),
            Fault::Connect(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => failed(
                format!("cannot connect to {relay}: nothing listens there (connection refused)"),
                Some("check the host and port in --smtp, and that the relay is running"),
            ),
            Fault::Connect(e) => failed(format!("cannot connect to {relay}: {e}"), None),
            Fault::Timeout(Phase::Connect) => failed(
                format!("no answer from {relay} within {secs} s while connecting"),
                Some("check the host and port in --smtp and any firewall on the way, or wait longer with --smtp-timeout SECONDS"),
            ),
            Fault::Timeout(Phase::Greeting) => failed(
                format!("no answer from {relay} within {secs} s while waiting for its greeting"),
                Some("a relay that speaks TLS from the first byte stays silent to plain SMTP: try smtps:// (usually port 465); or wait longer with --smtp-timeout SECONDS"),
            ),
            Fault::Timeout(Phase::Message) => failed(
                format!("no answer from {relay} within {secs} s while sending the message (it stopped taking data)"),
                Some(wait_longer),
            ),
            Fault::Timeout(phase) => failed(
                format!(
                    "no answer from {relay} within {secs} s while waiting for {}",
                    phase.awaited()
                ),
                Some(wait_longer),
            ),
            Fault::Closed(phase) => failed(
                format!("{relay} closed the connection {}", phase.during()),
                match phase {
                    Phase::Greeting | Phase::Handshake => Some("check the scheme of --smtp: smtps:// is TLS from the first byte (usually port 465), smtp:// upgrades with STARTTLS (usually port 587)"),
                    _ => None,
                },
            ),
            Fault::Io(phase, e) => failed(
                format!("{relay}: network error while waiting for {}: {e}", phase.awaited()),
                None,
            ),
            Fault::Tls(e) => self.tls_words(&e),
            Fault::Garbled(phase, what) => failed(
                format!(
                    "{relay} does not answer as an SMTP relay (while waiting for {}): {what}",
                    phase.awaited()
                ),
                match phase {
                    Phase::Greeting => Some("check the host, port and scheme of --smtp"),
                    _ => None,
                },
            ),
            Fault::Reply(_, r) if r.code == 421 => failed(
                format!("{relay} is closing the connection: {r}"),
                Some("try again later"),
            ),
            Fault::Reply(Phase::Greeting, r) => failed(
                format!("{relay} refused the connection: {r}"),
                None,
            ),
            Fault::Reply(Phase::Auth, r) if r.code >= 500 => failed(
                format!("{relay}: the relay refused the credentials: {r}"),
                Some("check LAYERBRIEF_SMTP_USER / LAYERBRIEF_SMTP_PASSWORD"),
            ),
            Fault::Reply(Phase::MailFrom, r) if r.code == 530 => failed(
                format!("{relay}: the relay wants a sign-in: {r}"),
                Some("set LAYERBRIEF_SMTP_USER and LAYERBRIEF_SMTP_PASSWORD"),
            ),
            Fault::Reply(
                Phase::MailFrom | Phase::RcptTo | Phase::Data | Phase::EndOfMessage,
                r,
            ) => SendError::Refused(r.to_string()),
            Fault::Reply(phase, r) => failed(
                format!("{relay} refused {}: {r}", refused_step(phase)),
                None,
            ),
            Fault::NoStartTls => failed(
                format!("{relay} does not offer STARTTLS, and mail to a relay off this machine goes encrypted or not at all: nothing was sent, no credentials either"),
                Some("if the relay speaks TLS from the first byte, use smtps:// (usually port 465)"),
            ),
            Fault::NoAuth(offered) => failed(
                format!(
                    "{relay} offers no sign-in layerbrief can use (it offers {}; layerbrief signs in with PLAIN or LOGIN)",
                    if offered.is_empty() { "none".to_string() } else { clean(&offered.join(" "), 120) }
                ),
                Some("unset LAYERBRIEF_SMTP_USER and LAYERBRIEF_SMTP_PASSWORD if the relay needs no sign-in"),
            ),
            Fault::NoEightBit => failed(
                format!("{relay} does not take 8-bit messages (no 8BITMIME)"),
                None,
            ),
            Fault::NoSmtpUtf8 => SendError::Refused(
                "the relay does not take addresses beyond ASCII (no SMTPUTF8)".into(),
            ),
        }
    }

    /// A TLS failure in words: the certificate's fault, or the handshake's.
    fn tls_words(&self, e: &rustls::Error) -> SendError {
        let relay = self.label();
        let host = &self.host;
        let (what, help) = match e {
            rustls::Error::InvalidCertificate(c) => match c {
                CertificateError::UnknownIssuer => (
                    "the relay's certificate is not trusted (issued by an unknown CA)".to_string(),
                    Some("give its CA with --smtp-ca FILE, or install it in the system store (update-ca-certificates; SSL_CERT_FILE names another bundle)".to_string()),
                ),
                CertificateError::NotValidForName => (
                    format!("the relay's certificate is for another host, not {host}"),
                    Some(format!("give --smtp the name the certificate is for, or have the relay's certificate name {host}")),
                ),
                CertificateError::NotValidForNameContext { presented, .. } => (
                    format!(
                        "the relay's certificate is for another host: it names {}, not {host}",
                        if presented.is_empty() {
                            "no host".to_string()
                        } else {
                            let names: Vec<&str> = presented.iter().map(|n| plain_name(n)).collect();
                            clean(&names.join(", "), 200)
                        }
                    ),
                    Some(format!("give --smtp the name the certificate is for, or have the relay's certificate name {host}")),
                ),
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => (
                    "the relay's certificate has expired".to_string(),
                    Some("check this machine's clock; else the relay's certificate needs renewing".to_string()),
                ),
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => (
                    "the relay's certificate is not valid yet".to_string(),
                    Some("check this machine's clock".to_string()),
                ),
                CertificateError::Revoked => ("the relay's certificate has been revoked".to_string(), None),
                other => (format!("the relay's certificate is not valid ({other:?})"), None),
            },
            rustls::Error::AlertReceived(alert) => (
                format!("the TLS handshake failed: the relay sent the alert {alert:?}"),
                None,
            ),
            rustls::Error::PeerIncompatible(_) => (
                format!("the TLS handshake failed: no TLS version or cipher in common ({e})"),
                None,
            ),
            other => (
                format!("the TLS handshake failed ({other})"),
                Some("check the scheme of --smtp: smtps:// is TLS from the first byte (usually port 465), smtp:// upgrades with STARTTLS (usually port 587)".to_string()),
            ),
        };
        SendError::Failed {
            what: format!("{relay}: {what}"),
            help,
        }
    }
}

/// What a refused connection-level step is called.
fn refused_step(phase: Phase) -> &'static str {
    match phase {
        Phase::Ehlo => "EHLO",
        Phase::Starttls => "STARTTLS",
        Phase::Auth => "AUTH",
        Phase::Rset => "RSET",
        _ => "the connection",
    }
}

/// A name a certificate presents, as rustls spells it (`DnsName("mail.example")`,
/// `IpAddress(192.0.2.9)`), as people do.
fn plain_name(presented: &str) -> &str {
    presented
        .strip_prefix("DnsName(\"")
        .and_then(|n| n.strip_suffix("\")"))
        .or_else(|| {
            presented
                .strip_prefix("IpAddress(")
                .and_then(|n| n.strip_suffix(')'))
        })
        .unwrap_or(presented)
}

/// `host:port`, an IPv6 address in brackets.
fn label(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn is_loopback_name(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The name the relay's certificate must carry: its IP address or its DNS name.
fn server_name(host: &str) -> Option<ServerName<'static>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Some(ServerName::IpAddress(ip.into()));
    }
    ServerName::try_from(host.to_string()).ok()
}

/// LAYERBRIEF_SMTP_USER and LAYERBRIEF_SMTP_PASSWORD: both or neither.
fn credentials() -> Result<Option<Credentials>, String> {
    let user = std::env::var("LAYERBRIEF_SMTP_USER").ok();
    let pass = std::env::var("LAYERBRIEF_SMTP_PASSWORD").ok();
    match (user, pass) {
        (Some(u), Some(p)) => Ok(Some(Credentials::new(u, p))),
        (None, None) => Ok(None),
        (Some(_), None) => Err("LAYERBRIEF_SMTP_USER is set but LAYERBRIEF_SMTP_PASSWORD is not: nothing was sent\n  help: set both to sign in to the relay, or neither".into()),
        (None, Some(_)) => Err("LAYERBRIEF_SMTP_PASSWORD is set but LAYERBRIEF_SMTP_USER is not: nothing was sent\n  help: set both to sign in to the relay, or neither".into()),
    }
}

/// Why one recipient's transaction did not deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The server answered with a refusal; its reply, e.g. `550 5.1.1 no such user`. Other
    /// recipients may still be accepted.
    Refused(String),
    /// The relay cannot take the message (unreachable, silent, hung up, untrusted, refused the
    /// credentials…), so further recipients would fail the same way: what happened and
    /// what to do.
    Failed { what: String, help: Option<String> },
}

/// Deliveries through one relay session, opened at the first and closed by [`Courier::close`].
pub(crate) struct Courier<'a> {
    relay: &'a Relay,
    session: Option<Session>,
}

impl<'a> Courier<'a> {
    pub(crate) fn new(relay: &'a Relay) -> Self {
        Courier {
            relay,
            session: None,
        }
    }

    /// Delivers `bytes` to one recipient, in its own SMTP transaction.
    pub(crate) fn send(
        &mut self,
        from: &Address,
        rcpt: &Address,
        bytes: &[u8],
    ) -> Result<(), SendError> {
        let session = match &mut self.session {
            Some(s) => s,
            None => self.session.insert(self.relay.open()?),
        };
        let Err(fault) = session.transaction(from, rcpt, bytes) else {
            return Ok(());
        };
        let err = self.relay.words(fault);
        match &err {
            // A refused transaction is cleared; a session that cannot be is started afresh.
            SendError::Refused(_) => {
                if session.reset().is_err() {
                    self.session = None;
                }
            }
            SendError::Failed { .. } => self.session = None,
        }
        Err(err)
    }

    /// Ends the session, if one is open.
    pub(crate) fn close(mut self) {
        if let Some(mut s) = self.session.take() {
            s.quit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{label, plain_name};

    #[test]
    fn names_as_people_write_them() {
        assert_eq!(plain_name("DnsName(\"mail.example\")"), "mail.example");
        assert_eq!(plain_name("IpAddress(192.0.2.9)"), "192.0.2.9");
        assert_eq!(plain_name("mail.example"), "mail.example");
        assert_eq!(label("::1", 25), "[::1]:25");
        assert_eq!(label("mail.example", 587), "mail.example:587");
    }
}

//! Mail: SMTP delivery. Plain SMTP only to a loopback address; anywhere else
//! TLS (smtps://) or STARTTLS, credentials only from the environment; one transaction per
//! recipient, so one refused address never holds back the others.

use std::net::IpAddr;
use std::time::Duration;

use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{SmtpTransport, Transport};

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
            .map_err(|e| format!("--smtp `{url}`: cannot set up STARTTLS ({e})"))?
            .port(parsed.port().unwrap_or(587)),
        "smtps" => SmtpTransport::relay(&host)
            .map_err(|e| format!("--smtp `{url}`: cannot set up TLS ({e})"))?
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

/// Why one recipient's transaction did not deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The server answered with a refusal; its reply, e.g. `550 5.1.1 no such user`. Other
    /// recipients may still be accepted.
    Refused(String),
    /// No usable answer (connection, TLS, network, protocol): the server cannot be reached,
    /// so further recipients would fail the same way.
    Failed(String),
}

/// Delivers `bytes` to one recipient, in its own SMTP transaction.
pub fn send_to(
    transport: &SmtpTransport,
    from: &Address,
    rcpt: &Address,
    bytes: &[u8],
) -> Result<(), SendError> {
    let envelope = Envelope::new(Some(from.clone()), vec![rcpt.clone()])
        .map_err(|e| SendError::Failed(e.to_string()))?;
    transport
        .send_raw(&envelope, bytes)
        .map(|_| ())
        .map_err(|e| match (e.status(), std::error::Error::source(&e)) {
            (Some(code), Some(reply)) => SendError::Refused(format!("{code} {reply}")),
            (Some(code), None) => SendError::Refused(code.to_string()),
            (None, _) => SendError::Failed(e.to_string()),
        })
}

//! Mail: the relay's side of the SMTP conversation in words: the step the client was at
//! ([`Phase`]), a reply as read ([`Reply`]), what went wrong ([`Fault`]), and the line-level
//! rules (reply lines, dot-stuffing, timeouts).

use std::fmt;
use std::io;

/// The longest reply line taken, CR LF included (RFC 5321 allows 512).
pub(super) const MAX_LINE: u64 = 1000;
/// The most lines a reply may have.
pub(super) const MAX_LINES: usize = 100;

/// What the client was doing when the relay failed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    Connect,
    Greeting,
    Ehlo,
    Starttls,
    Handshake,
    Auth,
    MailFrom,
    RcptTo,
    Data,
    /// Sending the message itself, after DATA was accepted.
    Message,
    /// Waiting for the reply to the end of the message.
    EndOfMessage,
    Rset,
}

impl Phase {
    /// What the client was waiting for: "no answer … while waiting for {awaited}".
    pub(super) fn awaited(self) -> &'static str {
        match self {
            Phase::Connect => "the connection",
            Phase::Greeting => "its greeting",
            Phase::Ehlo => "its reply to EHLO",
            Phase::Starttls => "its reply to STARTTLS",
            Phase::Handshake => "the TLS handshake",
            Phase::Auth => "its reply to AUTH",
            Phase::MailFrom => "its reply to MAIL FROM",
            Phase::RcptTo => "its reply to RCPT TO",
            Phase::Data => "its reply to DATA",
            Phase::Message => "it to take the message",
            Phase::EndOfMessage => "its reply to the end of the message",
            Phase::Rset => "its reply to RSET",
        }
    }

    /// When the relay hung up: "closed the connection {during}".
    pub(super) fn during(self) -> &'static str {
        match self {
            Phase::Connect => "at once",
            Phase::Greeting => "before its greeting",
            Phase::Ehlo => "during EHLO",
            Phase::Starttls => "during STARTTLS",
            Phase::Handshake => "during the TLS handshake",
            Phase::Auth => "during AUTH",
            Phase::MailFrom => "during MAIL FROM",
            Phase::RcptTo => "during RCPT TO",
            Phase::Data => "during DATA",
            Phase::Message => "during DATA, while the message was being sent",
            Phase::EndOfMessage => "during DATA, before accepting the message",
            Phase::Rset => "during RSET",
        }
    }
}

/// An SMTP reply: its code and its lines of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Reply {
    pub(super) code: u16,
    pub(super) lines: Vec<String>,
}

impl Reply {
    pub(super) fn negative(&self) -> bool {
        self.code >= 400
    }
}

impl fmt::Display for Reply {
    /// `550 5.1.1 no such user`, the lines of a longer reply joined by spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self
            .lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if text.is_empty() {
            write!(f, "{}", self.code)
        } else {
            write!(f, "{} {}", self.code, clean(&text, 300))
        }
    }
}

/// Why a session or a transaction failed.
#[derive(Debug)]
pub(super) enum Fault {
    /// The relay's host name resolves to no usable address.
    Resolve(io::Error),
    /// The connection was refused or failed.
    Connect(io::Error),
    /// No answer within the timeout.
    Timeout(Phase),
    /// The relay hung up.
    Closed(Phase),
    /// Another network error.
    Io(Phase, io::Error),
    /// The TLS handshake (or the TLS layer later) failed.
    Tls(rustls::Error),
    /// The relay's answer is not SMTP (or not the one the protocol allows there).
    Garbled(Phase, String),
    /// A negative reply (4xx, 5xx).
    Reply(Phase, Reply),
    /// A relay off this machine that does not offer STARTTLS.
    NoStartTls,
    /// No AUTH mechanism in common; what the relay offers.
    NoAuth(Vec<String>),
    /// The message has 8-bit text, and the relay does not take it.
    NoEightBit,
    /// An address is not ASCII, and the relay does not take such addresses.
    NoSmtpUtf8,
}

/// A reply line: its code, whether it is the last line of its reply, its text.
pub(super) fn parse_line(line: &str) -> Option<(u16, bool, &str)> {
    let digits = line.get(..3)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(b'2'..=b'5').contains(&digits.as_bytes()[0])
    {
        return None;
    }
    let code = digits.parse().ok()?;
    match line.as_bytes().get(3) {
        None => Some((code, true, "")),
        Some(b' ') => Some((code, true, &line[4..])),
        Some(b'-') => Some((code, false, &line[4..])),
        Some(_) => None,
    }
}

/// A reply as it came over the wire, for lettre's parser.
pub(super) fn wire(reply: &Reply) -> String {
    let n = reply.lines.len();
    reply
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let sep = if i + 1 == n { ' ' } else { '-' };
            format!("{}{sep}{l}\r\n", reply.code)
        })
        .collect()
}

/// Text from the relay made safe to print: control characters dropped, at most `max` chars.
pub(super) fn clean(text: &str, max: usize) -> String {
    let mut out: String = text.chars().filter(|c| !c.is_control()).take(max).collect();
    if text.chars().filter(|c| !c.is_control()).count() > max {
        out.push('…');
    }
    out
}

/// The message with the SMTP transparency of RFC 5321 (a line starting with a dot gets a
/// second one) and the end-of-data line.
pub(super) fn dot_stuffed(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + message.len() / 64 + 5);
    let mut line_start = true;
    for &b in message {
        if line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        line_start = b == b'\n';
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

pub(super) fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// An I/O error of `phase` as a fault: a timeout, a hang-up, a TLS failure or another error.
pub(super) fn io_fault(phase: Phase, e: io::Error) -> Fault {
    use io::ErrorKind::*;
    if is_timeout(&e) {
        return Fault::Timeout(phase);
    }
    match e.kind() {
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe => Fault::Closed(phase),
        _ if e.get_ref().is_some_and(|i| i.is::<rustls::Error>()) => {
            match e.into_inner().map(|i| i.downcast::<rustls::Error>()) {
                Some(Ok(tls)) => Fault::Tls(*tls),
                _ => Fault::Garbled(phase, "a TLS error".into()),
            }
        }
        _ => Fault::Io(phase, e),
    }
}

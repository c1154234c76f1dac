//! Mail: the SMTP conversation with a relay, step by step, so that a failure can say what the
//! relay had been asked when it stopped answering, hung up or refused.
//!
//! Policy:
//! - Every step has a [`Phase`]; every read and write waits at most the relay's timeout, and a
//!   failure is a [`Fault`] of that phase, put in words by the caller.
//! - TLS is implicit (the handshake before the greeting) or STARTTLS, which is then required:
//!   a relay that does not offer it is left before anything else is sent. After STARTTLS the
//!   session starts over (EHLO again), and bytes the relay sent early are refused (they could
//!   have been injected before the encryption).
//! - Credentials go out only on an encrypted connection, after its EHLO.
//! - One message, one recipient per transaction; the session can carry several, with RSET
//!   between a refused transaction and the next.
//! - The relay's replies are bounded: lines of at most 1000 bytes, at most 100 lines a reply.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::commands::{Auth, Data, Ehlo, Mail, Quit, Rcpt, Rset, Starttls};
use lettre::transport::smtp::extension::{ClientId, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use lettre::Address;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};

use super::reply::{
    clean, dot_stuffed, io_fault, is_timeout, parse_line, wire, Fault, Phase, Reply, MAX_LINE,
    MAX_LINES,
};

/// What the relay announced in its reply to EHLO.
#[derive(Debug, Default)]
struct Extensions {
    starttls: bool,
    eight_bit: bool,
    smtputf8: bool,
    /// The AUTH mechanisms, upper case.
    auth: Vec<String>,
}

impl Extensions {
    fn of(reply: &Reply) -> Self {
        let mut ext = Extensions::default();
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split_whitespace();
            let keyword = words.next().unwrap_or("").to_ascii_uppercase();
            match keyword.as_str() {
                "STARTTLS" => ext.starttls = true,
                "8BITMIME" => ext.eight_bit = true,
                "SMTPUTF8" => ext.smtputf8 = true,
                "AUTH" => ext.auth.extend(words.map(|w| w.to_ascii_uppercase())),
                k => {
                    if let Some(first) = k.strip_prefix("AUTH=") {
                        ext.auth.push(first.to_string());
                        ext.auth.extend(words.map(|w| w.to_ascii_uppercase()));
                    }
                }
            }
        }
        ext
    }
}

/// The connection, plain or encrypted.
enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// How to reach a relay: where, how encrypted, as whom.
pub(super) struct Target<'a> {
    pub(super) addrs: &'a [SocketAddr],
    /// TLS from the first byte (smtps://).
    pub(super) implicit_tls: bool,
    /// STARTTLS, required (smtp:// off this machine).
    pub(super) starttls: bool,
    pub(super) tls: Option<(&'a Arc<ClientConfig>, &'a ServerName<'static>)>,
    pub(super) credentials: Option<&'a Credentials>,
    pub(super) timeout: Duration,
}

/// An open SMTP session, greeted, encrypted as required and signed in.
pub(super) struct Session {
    io: BufReader<Stream>,
    ext: Extensions,
}

impl Session {
    /// Connects, reads the greeting, says EHLO, upgrades with STARTTLS when required and signs
    /// in when there are credentials (only ever over TLS).
    pub(super) fn open(t: &Target) -> Result<Session, Fault> {
        let tcp = connect(t.addrs, t.timeout)?;
        let stream = match (t.implicit_tls, t.tls) {
            (true, Some((config, name))) => Stream::Tls(Box::new(handshake(tcp, config, name)?)),
            _ => Stream::Plain(tcp),
        };
        let mut s = Session {
            io: BufReader::new(stream),
            ext: Extensions::default(),
        };
        let greeting = s.reply(Phase::Greeting)?;
        if greeting.negative() {
            return Err(Fault::Reply(Phase::Greeting, greeting));
        }
        if greeting.code != 220 {
            return Err(Fault::Garbled(Phase::Greeting, greeting.to_string()));
        }
        let hello = ClientId::default();
        s.ehlo(&hello)?;
        if t.starttls && !s.encrypted() {
            let Some((config, name)) = t.tls else {
                return Err(Fault::NoStartTls);
            };
            if !s.ext.starttls {
                s.quit();
                return Err(Fault::NoStartTls);
            }
            s.command(Phase::Starttls, Starttls)?;
            // Anything the relay sent past its reply came before the encryption: refused.
            if !s.io.buffer().is_empty() {
                return Err(Fault::Garbled(
                    Phase::Starttls,
                    "more than its reply to STARTTLS, before the encryption".into(),
                ));
            }
            let Stream::Plain(tcp) = s.io.into_inner() else {
                unreachable!("STARTTLS on a plain connection only");
            };
            s = Session {
                io: BufReader::new(Stream::Tls(Box::new(handshake(tcp, config, name)?))),
                ext: Extensions::default(),
            };
            s.ehlo(&hello)?;
        }
        if let Some(credentials) = t.credentials {
            if !s.encrypted() {
                // Never reached: plain sessions are only made without credentials.
                return Err(Fault::NoStartTls);
            }
            s.auth(credentials)?;
        }
        Ok(s)
    }

    fn encrypted(&self) -> bool {
        matches!(self.io.get_ref(), Stream::Tls(_))
    }

    fn ehlo(&mut self, hello: &ClientId) -> Result<(), Fault> {
        let reply = self.command(Phase::Ehlo, Ehlo::new(hello.clone()))?;
        self.ext = Extensions::of(&reply);
        Ok(())
    }

    /// Signs in with the first mechanism of PLAIN, LOGIN the relay offers.
    fn auth(&mut self, credentials: &Credentials) -> Result<(), Fault> {
        let offered = |m: &Mechanism| self.ext.auth.iter().any(|a| *a == m.to_string());
        let Some(mechanism) = [Mechanism::Plain, Mechanism::Login]
            .into_iter()
            .find(offered)
        else {
            return Err(Fault::NoAuth(self.ext.auth.clone()));
        };
        let garbled =
            |e: lettre::transport::smtp::Error| Fault::Garbled(Phase::Auth, e.to_string());
        let first = Auth::new(mechanism, credentials.clone(), None).map_err(garbled)?;
        let mut reply = self.command(Phase::Auth, first)?;
        let mut rounds = 0;
        while reply.code == 334 {
            rounds += 1;
            if rounds > 3 {
                return Err(Fault::Garbled(
                    Phase::Auth,
                    "challenge after challenge".into(),
                ));
            }
            let challenge: Response = wire(&reply)
                .parse()
                .map_err(|_| Fault::Garbled(Phase::Auth, reply.to_string()))?;
            let next = Auth::new_from_response(mechanism, credentials.clone(), &challenge)
                .map_err(garbled)?;
            reply = self.command(Phase::Auth, next)?;
        }
        if reply.code / 100 != 2 {
            return Err(Fault::Garbled(Phase::Auth, reply.to_string()));
        }
        Ok(())
    }

    /// One transaction: `message` from `from` to `rcpt`.
    pub(super) fn transaction(
        &mut self,
        from: &Address,
        rcpt: &Address,
        message: &[u8],
    ) -> Result<(), Fault> {
        let mut params = Vec::new();
        let ascii = |a: &Address| AsRef::<str>::as_ref(a).is_ascii();
        if !ascii(from) || !ascii(rcpt) {
            if !self.ext.smtputf8 {
                return Err(Fault::NoSmtpUtf8);
            }
            params.push(MailParameter::SmtpUtfEight);
        }
        if !message.is_ascii() {
            if !self.ext.eight_bit {
                return Err(Fault::NoEightBit);
            }
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        self.command(Phase::MailFrom, Mail::new(Some(from.clone()), params))?;
        self.command(Phase::RcptTo, Rcpt::new(rcpt.clone(), Vec::new()))?;
        let go = self.command(Phase::Data, Data)?;
        if go.code != 354 {
            return Err(Fault::Garbled(Phase::Data, go.to_string()));
        }
        self.write(Phase::Message, &dot_stuffed(message))?;
        let done = self.reply(Phase::EndOfMessage)?;
        if done.negative() {
            return Err(Fault::Reply(Phase::EndOfMessage, done));
        }
        Ok(())
    }

    /// Clears a failed transaction so the session can carry the next.
    pub(super) fn reset(&mut self) -> Result<(), Fault> {
        self.command(Phase::Rset, Rset).map(|_| ())
    }

    /// Says goodbye, as well as the relay lets it.
    pub(super) fn quit(&mut self) {
        if self.write(Phase::Rset, Quit.to_string().as_bytes()).is_ok() {
            let _ = self.reply(Phase::Rset);
        }
        if let Stream::Tls(s) = self.io.get_mut() {
            s.conn.send_close_notify();
            let _ = s.flush();
        }
    }

    /// Sends `command`; its reply, an error when negative.
    fn command(&mut self, phase: Phase, command: impl fmt::Display) -> Result<Reply, Fault> {
        self.write(phase, command.to_string().as_bytes())?;
        let reply = self.reply(phase)?;
        if reply.negative() {
            return Err(Fault::Reply(phase, reply));
        }
        Ok(reply)
    }

    fn write(&mut self, phase: Phase, bytes: &[u8]) -> Result<(), Fault> {
        let s = self.io.get_mut();
        s.write_all(bytes)
            .and_then(|()| s.flush())
            .map_err(|e| io_fault(phase, e))
    }

    /// Reads one reply, every line of it.
    fn reply(&mut self, phase: Phase) -> Result<Reply, Fault> {
        let mut code = None;
        let mut lines = Vec::new();
        loop {
            let mut raw = Vec::new();
            let n = (&mut self.io)
                .take(MAX_LINE)
                .read_until(b'\n', &mut raw)
                .map_err(|e| io_fault(phase, e))?;
            if n == 0 {
                return Err(Fault::Closed(phase));
            }
            if !raw.ends_with(b"\n") {
                if raw.len() as u64 >= MAX_LINE {
                    return Err(Fault::Garbled(phase, "a reply line over 1000 bytes".into()));
                }
                return Err(Fault::Closed(phase));
            }
            let line = String::from_utf8_lossy(&raw);
            let line = line.trim_end_matches(['\r', '\n']);
            let (this, last, text) =
                parse_line(line).ok_or_else(|| Fault::Garbled(phase, clean(line, 120)))?;
            if code.is_some_and(|c| c != this) {
                return Err(Fault::Garbled(phase, clean(line, 120)));
            }
            code = Some(this);
            lines.push(text.to_string());
            if last {
                return Ok(Reply { code: this, lines });
            }
            if lines.len() >= MAX_LINES {
                return Err(Fault::Garbled(phase, "a reply of over 100 lines".into()));
            }
        }
    }
}

/// Connects to the first address that answers, waiting `timeout` for each.
fn connect(addrs: &[SocketAddr], timeout: Duration) -> Result<TcpStream, Fault> {
    let mut last = Fault::Resolve(io::Error::new(
        io::ErrorKind::NotFound,
        "no address to connect to",
    ));
    for addr in addrs {
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(tcp) => {
                let set = tcp
                    .set_read_timeout(Some(timeout))
                    .and_then(|()| tcp.set_write_timeout(Some(timeout)))
                    .and_then(|()| tcp.set_nodelay(true));
                return set.map(|()| tcp).map_err(Fault::Connect);
            }
            Err(e) if is_timeout(&e) => last = Fault::Timeout(Phase::Connect),
            Err(e) => last = Fault::Connect(e),
        }
    }
    Err(last)
}

/// The TLS handshake on `tcp`, done before anything else is read or written.
fn handshake(
    mut tcp: TcpStream,
    config: &Arc<ClientConfig>,
    name: &ServerName<'static>,
) -> Result<StreamOwned<ClientConnection, TcpStream>, Fault> {
    let mut conn = ClientConnection::new(Arc::clone(config), name.clone()).map_err(Fault::Tls)?;
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp)
            .map_err(|e| io_fault(Phase::Handshake, e))?;
    }
    Ok(StreamOwned::new(conn, tcp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read_line_by_line() {
        assert_eq!(
            parse_line("250-mail.example"),
            Some((250, false, "mail.example"))
        );
        assert_eq!(parse_line("250 OK"), Some((250, true, "OK")));
        assert_eq!(parse_line("354"), Some((354, true, "")));
        assert_eq!(parse_line("HTTP/1.1 400"), None);
        assert_eq!(parse_line("150 nope"), None);
        assert_eq!(parse_line("250_x"), None);
        let r = Reply {
            code: 250,
            lines: vec![
                "mail.example".into(),
                "AUTH PLAIN LOGIN".into(),
                "STARTTLS".into(),
            ],
        };
        let ext = Extensions::of(&r);
        assert!(ext.starttls && !ext.eight_bit);
        assert_eq!(ext.auth, ["PLAIN", "LOGIN"]);
        assert_eq!(
            wire(&r),
            "250-mail.example\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n"
        );
        assert_eq!(
            Reply {
                code: 550,
                lines: vec!["5.1.1 no such\u{7} user".into()]
            }
            .to_string(),
            "550 5.1.1 no such user"
        );
    }

    #[test]
    fn dots_at_line_starts_are_doubled() {
        assert_eq!(dot_stuffed(b"a\r\n.b\r\n"), b"a\r\n..b\r\n.\r\n");
        assert_eq!(dot_stuffed(b".x"), b"..x\r\n.\r\n");
        assert_eq!(dot_stuffed(b""), b"\r\n.\r\n");
    }
}

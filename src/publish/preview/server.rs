//! The preview's HTTP server: the site's files from the scratch folder, each page decorated
//! for the preview, and `/_preview/events`, the server-sent events of rebuilds.
//!
//! HTTP/1.1 on `std::net`, one thread and one request per connection (`Connection: close`):
//! all a loopback preview needs (GET and HEAD of small files and one event stream). tiny_http
//! was tried first: Chromium's first load of a brief's page stalled in 5 of 7 runs, a font
//! request left unread in its socket while the pool's threads sat on idle keep-alive
//! connections; an async stack (hyper, axum) would bring a runtime for the same four verbs.
//!
//! Policy: safe to leave running. Read-only (GET and HEAD); only the scratch folder's own
//! files (no listing, no hidden file, no `..` in any spelling, no absolute or encoded path
//! escaping it); requests naming another `Host` than the allowed ones are refused (DNS
//! rebinding). Every connection has its own thread, with read and write timeouts, so a client
//! that never sends or never reads holds only its own thread, and not for long; an event
//! stream notices a client gone at its next keep-alive and ends.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::{page, Live};

/// The `Host` names a request may give.
#[derive(Debug, Clone)]
pub(crate) struct Hosts {
    names: BTreeSet<String>,
    addresses: BTreeSet<IpAddr>,
}

impl Hosts {
    /// `localhost`, every loopback address, the bound address (for an unspecified one such as
    /// `0.0.0.0`, every address of this machine) and the names given.
    pub(crate) fn new(bound: IpAddr, extra: &[String]) -> Self {
        let mut names: BTreeSet<String> = extra.iter().map(|h| h.to_ascii_lowercase()).collect();
        names.insert("localhost".into());
        let mut addresses = BTreeSet::from([bound]);
        if bound.is_unspecified() {
            addresses.extend(own_addresses());
        }
        Self { names, addresses }
    }

    /// Whether `host` (a `Host` header: name or address, with or without a port) is allowed.
    pub(crate) fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let bare = if let Some(rest) = host.strip_prefix('[') {
            rest.split(']').next().unwrap_or("")
        } else if host.matches(':').count() == 1 {
            host.split(':').next().unwrap_or("")
        } else {
            host.as_str()
        };
        match bare.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback() || self.addresses.contains(&ip),
            Err(_) => self.names.contains(bare.trim_end_matches('.')),
        }
    }
}

/// The addresses of this machine's interfaces.
#[cfg(unix)]
fn own_addresses() -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list we only read, then free once.
    unsafe {
        if libc::getifaddrs(&mut list) != 0 {
            return out;
        }
        let mut at = list;
        while !at.is_null() {
            let addr = (*at).ifa_addr;
            if !addr.is_null() {
                match i32::from((*addr).sa_family) {
                    libc::AF_INET => {
                        let a = &*(addr as *const libc::sockaddr_in);
                        out.push(IpAddr::from(u32::from_be(a.sin_addr.s_addr).to_be_bytes()));
                    }
                    libc::AF_INET6 => {
                        let a = &*(addr as *const libc::sockaddr_in6);
                        out.push(IpAddr::from(a.sin6_addr.s6_addr));
                    }
                    _ => {}
                }
            }
            at = (*at).ifa_next;
        }
        libc::freeifaddrs(list);
    }
    out
}

#[cfg(not(unix))]
fn own_addresses() -> Vec<IpAddr> {
    Vec::new()
}

/// Serves `root` and the events of `live` on `listener` until the process ends.
pub(crate) fn serve(listener: TcpListener, root: PathBuf, hosts: Hosts, live: Arc<Live>) {
    let root = Arc::new(root);
    let hosts = Arc::new(hosts);
    for stream in listener.incoming().flatten() {
        let (root, hosts, live) = (root.clone(), hosts.clone(), live.clone());
        std::thread::spawn(move || connection(stream, &root, &hosts, &live));
    }
}

/// How long a client may take to send its request, or to take a part of the answer.
const PATIENCE: Duration = Duration::from_secs(10);

/// The most a request's head may hold.
const HEAD_LIMIT: u64 = 16 * 1024;

/// A request: its method, target and `Host`.
struct Head {
    method: String,
    target: String,
    host: Option<String>,
}

/// Reads a request's head (request line and headers); `None` for one that is malformed, too
/// long or too slow.
fn read_head(stream: &TcpStream) -> Option<Head> {
    let mut reader = BufReader::new(stream.take(HEAD_LIMIT));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    parts.next().filter(|v| v.starts_with("HTTP/1."))?;
    let mut host = None;
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((name, value)) = l.split_once(':') {
            if name.trim().eq_ignore_ascii_case("host") {
                host = Some(value.trim().to_string());
            }
        }
    }
    Some(Head {
        method,
        target,
        host,
    })
}

/// Writes a response with `body` (not for HEAD), then the connection closes.
fn respond(
    mut stream: &TcpStream,
    head: &Head,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if head.method != "HEAD" {
        bytes.extend_from_slice(body);
    }
    let _ = stream.write_all(&bytes).and_then(|_| stream.flush());
}

/// A short plain-text answer.
fn plain(stream: &TcpStream, head: &Head, status: u16, text: &str) {
    let allow = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Allow", "GET, HEAD"),
    ];
    let headers = if status == 405 {
        &allow[..]
    } else {
        &allow[..1]
    };
    respond(
        stream,
        head,
        status,
        headers,
        format!("{text}\n").as_bytes(),
    );
}

fn connection(stream: TcpStream, root: &Path, hosts: &Hosts, live: &Live) {
    let _ = stream.set_read_timeout(Some(PATIENCE));
    let _ = stream.set_write_timeout(Some(PATIENCE));
    let Some(head) = read_head(&stream) else {
        return;
    };
    let refusal = match (head.method.as_str(), head.host.as_deref()) {
        (_, None) => Some((400, "a Host header is required")),
        (_, Some(h)) if !hosts.allows(h) => Some((
            403,
            "this Host is not served (start the preview with --allow-host NAME to allow it)",
        )),
        ("GET" | "HEAD", _) => None,
        _ => Some((405, "the preview is read-only: GET and HEAD only")),
    };
    if let Some((status, why)) = refusal {
        plain(&stream, &head, status, why);
        return;
    }
    // Until the first build is done, a page waits for it rather than being missing.
    if live.snapshot().0.generation == 0 {
        live.wait_after(0, Duration::from_secs(120));
    }
    let path = head.target.split(['?', '#']).next().unwrap_or("");
    if path == "/_preview/events" {
        events(stream, live);
        return;
    }
    let file = safe_path(path).and_then(|rel| resolve(root, &rel));
    let Some((file, bytes)) = file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) else {
        plain(&stream, &head, 404, "not found");
        return;
    };
    let rel = file
        .strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let kind = content_type(&file);
    let body = if kind.starts_with("text/html") {
        let (_, problems) = live.snapshot();
        page::decorate(&String::from_utf8_lossy(&bytes), &rel, &problems).into_bytes()
    } else {
        bytes
    };
    respond(&stream, &head, 200, &[("Content-Type", kind)], &body);
}

/// The path of a request as segments relative to the site, or `None` when it could leave it:
/// not absolute, a `..` or `.` segment or a hidden name (in any percent-encoded spelling), a
/// backslash, a NUL, or an encoded `/`.
fn safe_path(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix('/')?;
    if rest.starts_with('/') {
        return None;
    }
    let mut out = Vec::new();
    for raw in rest.split('/') {
        let seg = percent_decode(raw)?;
        if seg.starts_with('.') || seg.contains(['/', '\\', '\0', ':']) {
            return None;
        }
        if !seg.is_empty() {
            out.push(seg);
        }
    }
    Some(out)
}

/// `%xx` decoded; `None` for a malformed escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The file `rel` names under `root` (a folder's `index.html`), when it exists and its real
/// path stays inside `root`.
fn resolve(root: &Path, rel: &[String]) -> Option<PathBuf> {
    let mut file = root.to_path_buf();
    file.extend(rel);
    if file.is_dir() {
        file.push("index.html");
    }
    let real = file.canonicalize().ok()?;
    (real.starts_with(root) && real.is_file()).then_some(real)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "svg" => "image/svg+xml",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// How often an event stream writes when nothing happens (and so notices a client gone).
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// The rebuilds as server-sent events: the current one at once, then each new one, each
/// flushed as it is written, a comment every [`KEEP_ALIVE`] when nothing happens. Ends when
/// a write fails: the client is gone.
fn events(mut stream: TcpStream, live: &Live) {
    // An event stream may wait long between events; its keep-alives bound each write.
    let _ = stream.set_read_timeout(None);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
    let mut send = |bytes: &[u8]| stream.write_all(bytes).and_then(|_| stream.flush()).is_ok();
    if !send(head.as_bytes()) {
        return;
    }
    let mut generation = None;
    loop {
        let next = match generation {
            None => Some(live.snapshot().0),
            Some(g) => live.wait_after(g, KEEP_ALIVE),
        };
        let chunk = match next {
            Some(r) => {
                generation = Some(r.generation);
                let data = serde_json::to_string(&r).unwrap_or_default();
                format!("retry: 1000\nevent: rebuilt\ndata: {data}\n\n")
            }
            None => ": keep-alive\n\n".to_string(),
        };
        if !send(chunk.as_bytes()) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sites_own_paths_pass() {
        assert_eq!(
            safe_path("/coreweave/index.html"),
            Some(vec!["coreweave".into(), "index.html".into()])
        );
        assert_eq!(safe_path("/"), Some(vec![]));
        for bad in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/secret",
            "/%2E%2E%2Fsecret",
            "/a%2f..%2fb",
            "//etc/passwd",
            "/.layerbrief-site.json",
            "/a\\..\\b",
            "/%00",
            "/c:/windows",
            "etc/passwd",
            "/%zz",
        ] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn hosts_are_loopback_the_bound_address_and_names_given() {
        let h = Hosts::new("127.0.0.1".parse().unwrap(), &["brief.test".into()]);
        for ok in [
            "localhost:8123",
            "127.0.0.1:8123",
            "[::1]:8123",
            "127.0.0.2",
            "Brief.Test:80",
        ] {
            assert!(h.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example:8123",
            "192.168.1.9:8123",
            "localhost.evil.example",
            "",
        ] {
            assert!(!h.allows(bad), "{bad}");
        }
        let lan = Hosts::new("192.168.1.9".parse().unwrap(), &[]);
        assert!(lan.allows("192.168.1.9:8123"));
        assert!(!lan.allows("192.168.1.10:8123"));
    }
}

//! `layerbrief preview`: the real server on a loopback port, its pages in headless Chromium
//! (tests/browser/preview.cjs) while workbooks are saved over as Excel saves them, and raw
//! requests a hostile page or client would send.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use crate::site::{free_port, node_modules, read_json, wait_for};

/// A running preview, stopped as Ctrl-C stops it (SIGTERM, then SIGKILL after 5 s).
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        // It removes its scratch folder before it exits; a loaded machine may take a while.
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The scratch folders of the preview process `pid`.
fn scratch_of(pid: u32) -> Vec<std::path::PathBuf> {
    let prefix = format!("layerbrief-preview-{pid}-");
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect()
}

/// A preview of `dir` on a free port: the running server and its port.
fn preview(dir: &Path, extra: &[&str]) -> (Running, u16) {
    let port = free_port();
    let child = layerbrief()
        .arg("preview")
        .arg(dir)
        .args(["--port", &port.to_string()])
        .args(extra)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Running(child);
    wait_for(port);
    (server, port)
}

/// The status code of a raw HTTP request `head` (request line and headers) on `port`.
fn status(port: u16, head: &str) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(format!("{head}\r\nConnection: close\r\n\r\n").as_bytes())
        .unwrap();
    let mut reply = Vec::new();
    let _ = s.read_to_end(&mut reply);
    let line = String::from_utf8_lossy(&reply);
    line.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {line:?}"))
}

#[test]
fn the_page_follows_saves_shows_problems_at_their_cell_and_clears_them() {
    let dir = scratch("preview-browser");
    let inputs = dir.path().join("inputs");
    let side = dir.path().join("versions");
    let sentence = "This sentence was added while the preview was open.";
    let original = coreweave();
    let mut edited = coreweave();
    let narrative = {
        let layers = original.clone().sheet("Layers").rows.clone();
        let c = layers[0].iter().position(|h| h == "narrative").unwrap();
        layers[1][c].clone()
    };
    edited.set(
        "Layers",
        "0",
        "narrative",
        &format!("{sentence} {narrative}"),
    );
    let mut broken = edited.clone();
    broken.set("Layers", "1A", "capability", "sometimes");
    let target = original.write_xlsx(&inputs.join("coreweave.xlsx"));
    let edited = edited.write_xlsx(&side.join("edited.xlsx"));
    let broken = broken.write_xlsx(&side.join("broken.xlsx"));
    let (_server, port) = preview(&inputs, &[]);
    let report = dir.path().join("report.json");
    let o = Command::new("node")
        .arg(root().join("tests/browser/preview.cjs"))
        .arg(format!("http://127.0.0.1:{port}/coreweave/index.html"))
        .args([&target, &edited, &broken, &edited])
        .arg(sentence)
        .arg(&report)
        .env("NODE_PATH", node_modules())
        .output()
        .expect("node (run scripts/setup.sh)");
    assert!(o.status.success(), "{}", stderr(&o));
    let r = read_json(&report);
    assert_eq!(r["console"], serde_json::json!([]), "{r:#}");
    assert_eq!(r["opened"]["hasSentence"], false);
    // The edit: in the page without a reload, at the same scroll position, its layer marked.
    let e = &r["edited"];
    assert_eq!(e["samePage"], true, "the page was reloaded: {e}");
    assert_eq!(e["swaps"], 1, "{e}");
    assert_eq!(e["scrollBefore"], e["scrollAfter"], "{e}");
    let marked: Vec<&str> = e["marked"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    assert!(
        marked.contains(&"layer-0"),
        "the edited layer is not marked: {e}"
    );
    assert!(
        !marked.contains(&"layer-1a"),
        "an unchanged layer is marked: {e}"
    );
    // The bad cell: at its cell with its hint, above the last good version, out of date.
    let b = &r["broken"];
    let problems = b["problems"].as_str().unwrap();
    assert!(problems.contains("Layers!C3"), "{problems}");
    assert!(problems.contains("help:"), "{problems}");
    assert!(problems.contains("coreweave.xlsx"), "{problems}");
    assert_eq!(b["stale"], true, "{b}");
    assert_eq!(b["stillShowsLastGood"], true, "{b}");
    // Fixed: the problems and the mark are gone.
    assert_eq!(r["fixed"]["stale"], false);
    for step in ["opened", "edited", "broken", "fixed"] {
        assert_eq!(
            r[step]["axe"],
            serde_json::json!([]),
            "{step}: {:#}",
            r[step]["axe"]
        );
    }
    // The preview never wrote beside the inputs.
    let names = file_names(&inputs);
    assert_eq!(names, ["coreweave.xlsx"], "{names:?}");
}

#[test]
fn the_server_refuses_what_is_not_its_own_and_a_slow_client_blocks_no_one() {
    let dir = scratch("preview-server");
    let inputs = dir.path().join("inputs");
    coreweave().write_xlsx(&inputs.join("coreweave.xlsx"));
    let (_server, port) = preview(&inputs, &[]);
    let host = format!("Host: 127.0.0.1:{port}");
    assert_eq!(status(port, &format!("GET / HTTP/1.1\r\n{host}")), 200);
    assert_eq!(
        status(
            port,
            &format!("GET /coreweave/coreweave.pdf HTTP/1.1\r\n{host}")
        ),
        200
    );
    assert_eq!(status(port, "GET / HTTP/1.1\r\nHost: localhost"), 200);
    // DNS rebinding: a page of another site that resolves to this machine.
    assert_eq!(
        status(
            port,
            &format!("GET / HTTP/1.1\r\nHost: evil.example:{port}")
        ),
        403
    );
    assert_eq!(status(port, "GET / HTTP/1.0"), 400, "no Host at all");
    for path in [
        "/../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/coreweave/%2e%2e%2f%2e%2e%2fetc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "http://evil.example/etc/passwd",
        "/.layerbrief-site.json",
        "/coreweave/",
    ] {
        let code = status(port, &format!("GET {path} HTTP/1.1\r\n{host}"));
        // A folder is served as its index page; nothing else outside the site's files is.
        let want = if path == "/coreweave/" { 200 } else { 404 };
        assert_eq!(code, want, "{path}");
    }
    assert_eq!(
        status(
            port,
            &format!("POST / HTTP/1.1\r\n{host}\r\nContent-Length: 0")
        ),
        405
    );
    assert_eq!(status(port, &format!("HEAD / HTTP/1.1\r\n{host}")), 200);
    // Clients that never read (an event stream and a PDF) hold no one else up.
    let mut idle = Vec::new();
    for path in ["/_preview/events", "/coreweave/coreweave.pdf"] {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(format!("GET {path} HTTP/1.1\r\n{host}\r\n\r\n").as_bytes())
            .unwrap();
        idle.push(s);
    }
    let start = Instant::now();
    for _ in 0..20 {
        assert_eq!(
            status(port, &format!("GET /index.html HTTP/1.1\r\n{host}")),
            200
        );
    }
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "20 requests took {:?} beside idle clients",
        start.elapsed()
    );
    drop(idle);
}

#[test]
fn a_port_in_use_is_an_error_with_a_hint_and_a_lan_bind_warns() {
    let dir = scratch("preview-port");
    let inputs = dir.path().join("inputs");
    coreweave().write_xlsx(&inputs.join("coreweave.xlsx"));
    let (_server, port) = preview(&inputs, &[]);
    let o = run(
        &[
            "preview",
            inputs.to_str().unwrap(),
            "--port",
            &port.to_string(),
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("cannot serve on 127.0.0.1:{port}")),
        "{err}"
    );
    assert!(err.contains("--port"), "{err}");
    // Any address but loopback is said out loud.
    let mut child = layerbrief()
        .args([
            "preview",
            inputs.to_str().unwrap(),
            "--port",
            "0",
            "--bind",
            "0.0.0.0",
        ])
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let lines = stderr_lines(&mut child);
    let _guard = Running(child);
    let warned = (0..50).any(|_| {
        lines
            .recv_timeout(Duration::from_millis(200))
            .is_ok_and(|l| l.contains("warning: serving on 0.0.0.0"))
    });
    assert!(warned, "no warning for a bind beyond loopback");
}

/// The page's HTML at `path`, as the preview serves it.
fn get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
        .unwrap();
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    reply
}

/// Waits (10 s at most) until the page at `path` satisfies `test`.
fn until(port: u16, path: &str, test: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let page = get(port, path);
        if test(&page) || start.elapsed() > Duration::from_secs(10) {
            return page;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_template_error_a_deleted_workbook_and_a_folder_gone_never_stop_the_server() {
    let dir = scratch("preview-survives");
    let inputs = dir.path().join("inputs");
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let book = coreweave().write_xlsx(&inputs.join("coreweave.xlsx"));
    let (_server, port) = preview(&inputs, &["--templates", templates.to_str().unwrap()]);
    assert!(get(port, "/coreweave/index.html").starts_with("HTTP/1.1 200"));
    // A Typst error in a custom template: its excerpt above the last good page.
    std::fs::write(templates.join("brief.typ"), "#let x = (\n").unwrap();
    const PANEL: &str = "class=\"preview-problems\"";
    let page = until(port, "/coreweave/index.html", |p| p.contains(PANEL));
    assert!(
        page.contains("class=\"preview-stale\""),
        "not marked out of date"
    );
    let panel = page.split(PANEL).nth(1).unwrap_or("");
    assert!(
        panel.contains("brief.typ"),
        "no excerpt naming the template: {}",
        &panel[..panel.len().min(2000)]
    );
    assert!(page.contains("CoreWeave"), "the last good page is gone");
    std::fs::remove_file(templates.join("brief.typ")).unwrap();
    let page = until(port, "/coreweave/index.html", |p| !p.contains(PANEL));
    assert!(!page.contains(PANEL), "the problems stay after the fix");
    // The workbook deleted: the server answers; its page stays as it was.
    std::fs::remove_file(&book).unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(get(port, "/index.html").starts_with("HTTP/1.1 200"));
    // The folder renamed away: the server still answers.
    std::fs::rename(&inputs, dir.path().join("gone")).unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(get(port, "/index.html").starts_with("HTTP/1.1 200"));
}

#[test]
fn a_stopped_preview_leaves_no_scratch_folder_behind() {
    let dir = scratch("preview-stop");
    let inputs = dir.path().join("inputs");
    coreweave().write_xlsx(&inputs.join("coreweave.xlsx"));
    let (server, port) = preview(&inputs, &[]);
    assert!(get(port, "/index.html").starts_with("HTTP/1.1 200"));
    let pid = server.0.id();
    assert_eq!(
        scratch_of(pid).len(),
        1,
        "the preview writes one scratch folder"
    );
    drop(server);
    assert_eq!(
        scratch_of(pid),
        Vec::<std::path::PathBuf>::new(),
        "left behind"
    );
}

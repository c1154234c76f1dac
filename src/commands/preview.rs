//! Commands: `layerbrief preview`, the web edition served on this machine while an analyst
//! writes, rebuilt with a warm engine on every save.
//!
//! Policy: the site is written to a scratch folder of its own, never over `out/`; a save
//! that breaks a workbook or a template keeps the last good pages and shows the problems
//! above them; nothing but Ctrl-C stops the preview (a missing file or folder is a problem
//! shown in the page, like any other).

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::args::{BatchArgs, BriefArgs, PreviewArgs};
use super::setup::{brief_config, paper};
use super::site::{publish, Publication, PDF_PATTERN, SITE_NAMES};
use super::watch::{settle, warm_up, Warm};
use super::{Fatal, Outcome};
use crate::build::watch::{Scope, Watch, SETTLE};
use crate::publish::preview::server::{self, Hosts};
use crate::publish::preview::{now_ms, Live, Problem, Rebuilt};
use crate::score::Scored;

/// The scratch folder the preview's site is written to, removed when the preview ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self, Fatal> {
        let dir = std::env::temp_dir().join(format!(
            "layerbrief-preview-{}-{}",
            std::process::id(),
            now_ms()
        ));
        std::fs::create_dir_all(&dir).map_err(|e| Fatal::when(dir.display(), e))?;
        // The server compares real paths: keep the real one.
        let dir = dir
            .canonicalize()
            .map_err(|e| Fatal::when(dir.display(), e))?;
        Ok(Self(dir))
    }
}

/// Removes `dir` and ends the process when it is interrupted (Ctrl-C) or told to stop: a
/// thread waits for those signals, which every other thread (made after this call) blocks.
#[cfg(unix)]
fn remove_on_signal(dir: PathBuf) {
    // SAFETY: a signal set is plain data, filled by the libc calls that take it.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    };
    std::thread::spawn(move || {
        let mut sig: libc::c_int = 0;
        // SAFETY: `set` is a valid signal set, blocked in every thread.
        unsafe { libc::sigwait(&set, &mut sig) };
        let _ = std::fs::remove_dir_all(&dir);
        std::process::exit(128 + sig);
    });
}

#[cfg(not(unix))]
fn remove_on_signal(_dir: PathBuf) {}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An assessment's layers: (layer id, a digest of its text and reading).
type LayerPrints = Vec<(String, u64)>;

/// Each assessment's layers as last seen.
type Prints = HashMap<String, LayerPrints>;

/// What the rebuilds keep between saves.
struct Rebuilder<'a> {
    args: &'a PreviewArgs,
    brief: BriefArgs,
    warm: Option<Warm>,
    prints: Prints,
    /// The assessment id of each workbook that has a page.
    ids: HashMap<PathBuf, String>,
}

/// The digest of each layer of `s`: its part of the brief's data (text, cells, reading).
fn layer_prints(s: &Scored, paper: crate::view::Paper) -> (String, LayerPrints) {
    use std::hash::{Hash, Hasher};
    let data = serde_json::to_value(crate::view::brief::brief(s, paper, false)).unwrap_or_default();
    let layers = data["layers"].as_array().cloned().unwrap_or_default();
    let prints = layers
        .iter()
        .map(|l| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            l.to_string().hash(&mut h);
            let id = l["id"].as_str().unwrap_or("").to_ascii_lowercase();
            (id, h.finish())
        })
        .collect();
    (s.assessment.meta.assessment_id.clone(), prints)
}

impl Rebuilder<'_> {
    /// One rebuild into the scratch folder: what the pages are told, its problems, and the
    /// line to print.
    fn rebuild(&mut self) -> (Rebuilt, Vec<Problem>, String) {
        let started = Instant::now();
        let started_ms = now_ms();
        let seen = Mutex::new(Vec::new());
        let result = self.publish(&seen);
        let took = started.elapsed();
        let mut rebuilt = Rebuilt {
            started_ms,
            took_ms: took.as_millis(),
            ..Rebuilt::default()
        };
        let seen = seen.into_inner().unwrap_or_else(|e| e.into_inner());
        for (id, prints) in seen {
            if let Some(before) = self.prints.get(&id) {
                let changed: Vec<String> = prints
                    .iter()
                    .filter(|p| !before.contains(p))
                    .map(|(layer, _)| layer.clone())
                    .collect();
                if !changed.is_empty() {
                    rebuilt.changed.insert(id.clone(), changed);
                }
            }
            self.prints.insert(id, prints);
        }
        match result {
            Ok((line, failures)) => {
                let problems = failures
                    .into_iter()
                    .map(|(file, text)| Problem {
                        id: self.ids.get(&file).cloned(),
                        file: file.display().to_string(),
                        text,
                    })
                    .collect::<Vec<_>>();
                let line = match problems.len() {
                    0 => line,
                    n => format!("{line}; {n} workbook(s) with problems, shown in the page"),
                };
                (rebuilt, problems, line)
            }
            Err(Fatal(msg)) => {
                let problem = Problem {
                    file: String::new(),
                    id: None,
                    text: format!("error: {msg}"),
                };
                let line = format!("error: {msg} (the last good pages stay)");
                (rebuilt, vec![problem], line)
            }
        }
    }

    /// Publishes the site; the build's line and the workbooks that gave no brief.
    fn publish(
        &mut self,
        seen: &Mutex<Vec<(String, LayerPrints)>>,
    ) -> Result<(String, Vec<(PathBuf, String)>), Fatal> {
        let args = self.args;
        let methodology = args.methodology.methodology.as_deref();
        let mut config = brief_config(&args.inputs.paths, &self.brief, methodology, None, true)?;
        config.reserved_ids = Some(SITE_NAMES);
        let warm = warm_up(&mut self.warm, &mut config, &args.typeset, &args.read)?;
        config.limits = warm.limits;
        let paper = paper(args.typeset.paper);
        let observe = |s: &Scored| {
            let prints = layer_prints(s, paper);
            seen.lock().unwrap_or_else(|e| e.into_inner()).push(prints);
        };
        let published = publish(&Publication {
            engine: &warm.engine,
            config: &config,
            title: args.title.as_deref(),
            paper,
            observe: Some(&observe),
        })?;
        self.ids.extend(published.pages);
        Ok((published.line, published.failures))
    }
}

/// The address a browser on this machine opens.
fn url_of(bind: IpAddr, port: u16) -> String {
    match bind {
        b if b.is_unspecified() => format!("http://localhost:{port}/"),
        IpAddr::V6(v6) => format!("http://[{v6}]:{port}/"),
        IpAddr::V4(v4) => format!("http://{v4}:{port}/"),
    }
}

/// Opens `url` in the desktop's browser; a warning when there is none.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("warning: cannot open a browser ({opener}: {e}); open {url} yourself");
    }
}

pub(super) fn run(args: PreviewArgs) -> Result<Outcome, Fatal> {
    let scratch = Scratch::new()?;
    remove_on_signal(scratch.0.clone());
    let listener = std::net::TcpListener::bind((args.bind, args.port)).map_err(|e| {
        Fatal(format!(
            "cannot serve on {}:{}: {e}\n  help: another program may use that port: give another with --port N (0: any free one)",
            args.bind, args.port
        ))
    })?;
    let port = listener.local_addr().map_or(args.port, |a| a.port());
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: anyone who can reach this machine can read these briefs",
            args.bind
        );
    }
    let live = Arc::new(Live::default());
    let scope = Scope::new(
        &args.inputs.paths,
        args.typeset.templates.as_deref(),
        &scratch.0,
    );
    let (watch, watched) = Watch::start(scope).map_err(Fatal)?;
    let brief = BriefArgs {
        out: scratch.0.clone(),
        name_pattern: PDF_PATTERN.into(),
        draft: false,
        keep: crate::build::archive::KEEP,
        typeset: args.typeset.clone(),
        batch: BatchArgs {
            force: false,
            jobs: None,
        },
    };
    let mut rebuilder = Rebuilder {
        args: &args,
        brief,
        warm: None,
        prints: Prints::new(),
        ids: HashMap::new(),
    };
    // Served from the start: a page asked for during the first build waits for it.
    {
        let (root, hosts, live) = (
            scratch.0.clone(),
            Hosts::new(args.bind, &args.allow_host),
            live.clone(),
        );
        std::thread::spawn(move || server::serve(listener, root, hosts, live));
    }
    let stamp = || chrono::Local::now().format("%H:%M:%S");
    let (rebuilt, problems, line) = rebuilder.rebuild();
    live.publish(rebuilt, problems);
    eprintln!("[{}] {line}", stamp());
    settle(&rebuilder.warm);
    let url = url_of(args.bind, port);
    let watched: Vec<String> = watched.iter().map(|p| p.display().to_string()).collect();
    eprintln!(
        "preview of {} at {url} (rebuilt {} ms after a save settles; Ctrl-C to stop)",
        watched.join(", "),
        SETTLE.as_millis()
    );
    if args.open {
        open_browser(&url);
    }
    while watch.next_change().is_some() {
        let (rebuilt, problems, line) = rebuilder.rebuild();
        let took = rebuilt.took_ms;
        live.publish(rebuilt, problems);
        eprintln!("[{}] {line} (rebuilt in {took} ms)", stamp());
        settle(&rebuilder.warm);
    }
    Ok(Outcome::Ok)
}

//! The web edition: `layerbrief site` on `examples/portfolio`, its files and data checked here,
//! its pages loaded in headless Chromium (tests/browser/site.cjs, playwright-core and axe-core
//! from `scripts/setup.sh`) from a loopback server.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::brief::sentences;
use crate::common::*;

const IDS: [&str; 3] = [
    "coreweave",
    "fictional-example-cloud",
    "fictional-sample-ai",
];

/// `site` of `args` (run in `dir`); returns (exit code, stderr).
fn site(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = run(&[&["site"], args].concat(), dir);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// The site of `examples/portfolio`, built once for the tests that only read it (under Cargo's
/// `target/tmp`: a static is never dropped).
fn shared_site() -> &'static PathBuf {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &SITE
        .get_or_init(|| {
            let tmp = tempfile::Builder::new()
                .prefix("layerbrief-site-shared-")
                .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
                .unwrap();
            let out = tmp.path().join("site");
            let (code, err) = site(
                &root(),
                &["examples/portfolio", "--out", out.to_str().unwrap()],
            );
            assert_eq!(code, 0, "{err}");
            (tmp, out)
        })
        .1
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

pub(crate) fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn site_has_every_page_its_pdfs_and_the_data_with_its_schema() {
    let out = shared_site();
    let all = files(out);
    for want in [
        "index.html",
        "methodology.html",
        "schema.json",
        "assets/style.css",
        "assets/fonts/Inter-Regular.otf",
        "assets/fonts/LICENSE-Inter.txt",
    ] {
        assert!(all.contains(&PathBuf::from(want)), "{want} not in {all:?}");
    }
    let schema = read_json(&out.join("schema.json"));
    assert!(schema["$schema"]
        .as_str()
        .unwrap()
        .contains("json-schema.org"));
    let properties = schema["properties"].as_object().unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for id in IDS {
        for want in [format!("{id}/index.html"), format!("{id}/{id}.pdf")] {
            assert!(all.contains(&PathBuf::from(&want)), "{want} not in {all:?}");
        }
        let record = read_json(&out.join(format!("{id}.json")));
        assert_eq!(record["format"], "layerbrief-assessment/1");
        // The reading is exactly the object `score --json` prints.
        let o = run(
            &["score", &format!("examples/portfolio/{id}.xlsx"), "--json"],
            &root(),
        );
        let reading: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(record["reading"], reading, "{id}");
        assert_eq!(record["assessment"]["assessment_id"], id);
        assert_eq!(record["layers"].as_array().unwrap().len(), 8);
        // The record has what the schema names, and nothing it does not.
        let keys: Vec<&String> = record.as_object().unwrap().keys().collect();
        for k in &keys {
            assert!(properties.contains_key(*k), "{k} not in the schema");
        }
        for r in &required {
            assert!(record.get(*r).is_some(), "{r} missing from {id}.json");
        }
        // The Distribution sheet's addresses are private: never published.
        assert!(record.get("distribution").is_none());
        assert!(record["assessment"].get("distribution").is_none());
    }
    // Static pages: no script, and nothing fetched from another host.
    for page in all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(!html.contains("<script"), "{page:?} has a script");
        for attr in [
            "src=\"http",
            "href=\"http",
            "url(http",
            "src=\"//",
            "href=\"//",
        ] {
            assert!(
                !html.contains(attr),
                "{page:?} refers to another host: {attr}"
            );
        }
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{page:?}"
        );
    }
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    for id in IDS {
        assert!(index.contains(&format!("href=\"{id}/index.html\"")), "{id}");
        assert!(index.contains(&format!("href=\"{id}/{id}.pdf\"")), "{id}");
    }
    let methodology = std::fs::read_to_string(out.join("methodology.html")).unwrap();
    for id in ["v1.0", "v1.1", "v1.2", "v1.3"] {
        assert!(
            methodology.contains(&format!("<strong id=\"{id}-h\">{id}</strong>")),
            "{id}"
        );
    }
}

#[test]
fn site_is_reproducible_and_incremental() {
    let tmp = scratch("site-again");
    let out = tmp.path().join("site");
    let (code, err) = site(
        &root(),
        &["examples/portfolio", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    let shared = shared_site();
    let published: Vec<PathBuf> = files(shared)
        .into_iter()
        .filter(|p| !p.to_string_lossy().starts_with(".layerbrief"))
        .collect();
    assert_eq!(
        published,
        files(&out)
            .into_iter()
            .filter(|p| !p.to_string_lossy().starts_with(".layerbrief"))
            .collect::<Vec<_>>()
    );
    for f in &published {
        assert_eq!(
            std::fs::read(shared.join(f)).unwrap(),
            std::fs::read(out.join(f)).unwrap(),
            "{f:?} differs between two builds"
        );
    }
    // Nothing changed: nothing is built, read, rendered or written again.
    let (code, err) = site(
        &root(),
        &["examples/portfolio", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 built, 3 unchanged, 0 failed"), "{err}");
    assert!(
        err.contains("site: 0 assessment page(s) rendered, 0 file(s) written"),
        "{err}"
    );
    assert!(err.contains(", 0 workbook(s) read;"), "{err}");
    // A page removed by hand is rendered again, from its workbook alone.
    std::fs::remove_file(out.join("coreweave/index.html")).unwrap();
    let (code, err) = site(
        &root(),
        &["examples/portfolio", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("site: 1 assessment page(s) rendered, 1 file(s) written"),
        "{err}"
    );
    assert!(err.contains(", 1 workbook(s) read;"), "{err}");
    assert_eq!(
        std::fs::read(out.join("coreweave/index.html")).unwrap(),
        std::fs::read(shared.join("coreweave/index.html")).unwrap()
    );
}

#[test]
fn an_invalid_workbook_is_left_out_of_the_site_and_named() {
    let tmp = scratch("site-invalid");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("inputs")).unwrap();
    std::fs::copy(
        root().join("examples/portfolio/coreweave.xlsx"),
        dir.join("inputs/coreweave.xlsx"),
    )
    .unwrap();
    broken().write_xlsx(&dir.join("inputs/broken.xlsx"));
    let (code, err) = site(dir, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error: unknown role `sliverr`"), "{err}");
    let out = dir.join("out/site");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("Not shown: broken.xlsx (invalid)"),
        "{index}"
    );
    assert!(out.join("coreweave/index.html").exists());
    assert!(!out.join("broken").exists() && !out.join("broken.json").exists());
}

/// A PNG's width, height and number of distinct colours.
pub(crate) fn picture(path: &Path) -> (u32, u32, usize) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let colours: std::collections::HashSet<&[u8]> =
        buf[..info.buffer_size()].chunks(step).collect();
    (info.width, info.height, colours.len())
}

/// A free port on the loopback interface.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something listens on `port` (10 s at most).
pub(crate) fn wait_for(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the test server did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `pages` of the site in `out`, served on loopback and loaded by `tests/browser/site.cjs` in
/// headless Chromium: the scratch folder (its `shots` hold the screenshots) and the report.
pub(crate) fn browse(out: &Path, pages: &[String]) -> (tempfile::TempDir, Value) {
    let tmp = scratch("site-browser");
    let port = free_port();
    let _server = Background(
        Command::new(python())
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .arg("--directory")
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(port);
    let report = tmp.path().join("report.json");
    let shots = tmp.path().join("shots");
    std::fs::create_dir_all(&shots).unwrap();
    let o = Command::new("node")
        .arg(root().join("tests/browser/site.cjs"))
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(&shots)
        .arg(&report)
        .args(pages)
        .env("NODE_PATH", node_modules())
        .output()
        .expect("node (run scripts/setup.sh)");
    assert!(o.status.success(), "{}", stderr(&o));
    let report = read_json(&report);
    (tmp, report)
}

/// A page of `site.cjs`'s report loaded with no console error, failed or foreign request,
/// and no serious or critical axe violation.
pub(crate) fn assert_clean(r: &Value, page: &str) {
    for what in ["console", "failed", "foreign", "violations"] {
        assert_eq!(
            r[what],
            serde_json::json!([]),
            "{page}: {what}: {:#}",
            r[what]
        );
    }
}

/// The Node modules the browser tests use (installed by scripts/setup.sh).
pub(crate) fn node_modules() -> PathBuf {
    let node_modules = root().join("target/node/node_modules");
    assert!(
        node_modules.join("playwright-core").exists(),
        "{} is missing: run scripts/setup.sh",
        node_modules.display()
    );
    node_modules
}

#[test]
fn every_page_loads_cleanly_and_accessibly_in_chromium() {
    let out = shared_site();
    let mut pages = vec!["index.html".to_string()];
    pages.extend(IDS.iter().map(|id| format!("{id}/index.html")));
    pages.push("methodology.html".into());
    let (tmp, report) = browse(out, &pages);
    let shots = tmp.path().join("shots");
    for page in &pages {
        let r = &report[page];
        assert_clean(r, page);
        let fonts: Vec<&str> = r["fonts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert!(
            fonts.iter().any(|f| f.starts_with("Inter 400 normal")),
            "{page}: Inter not loaded: {fonts:?}"
        );
    }
    for name in ["index", "brief"] {
        for width in [390, 1280] {
            let shot = shots.join(format!("site-{name}-{width}.png"));
            let (w, h, colours) = picture(&shot);
            assert_eq!(w, width, "{}", shot.display());
            assert!(h >= 800, "{}: {h} px high", shot.display());
            assert!(
                colours > 50,
                "{}: {colours} colours, a blank page",
                shot.display()
            );
        }
    }
    // With the web fonts refused, the page never scrolls sideways; at 1280 px the whole
    // matrix, its DAPM profile bars included, fits its region (on a phone the region scrolls).
    let layout = &report["layout"];
    for width in ["390", "1280"] {
        let l = &layout[width];
        assert_eq!(l["inter"], false, "{width}: Inter was not refused: {l}");
        assert_eq!(
            l["page_scrolls"], false,
            "{width}: the page scrolls sideways: {l}"
        );
        assert_eq!(l["bars"], IDS.len(), "{l}");
    }
    assert_eq!(
        layout["1280"]["region_scrolls"], false,
        "{}",
        layout["1280"]
    );
    assert_eq!(layout["1280"]["bars_inside"], true, "{}", layout["1280"]);
    // The CoreWeave page carries every sentence of the seed brief.
    let text = report["coreweave/index.html"]["text"].as_str().unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let seed = std::fs::read_to_string(fixture("coreweave-assessment-v1.3.txt")).unwrap();
    let all = sentences(&seed);
    assert!(all.len() > 150, "{}", all.len());
    let missing: Vec<&String> = all
        .iter()
        .filter(|s| !text.contains(&s.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect();
    assert!(
        missing.is_empty(),
        "{} sentences missing: {missing:#?}",
        missing.len()
    );
}

#[test]
fn an_id_the_site_uses_for_itself_is_refused_at_its_cell_and_build_is_unaffected() {
    for id in ["assets", "schema"] {
        let dir = scratch("site-reserved");
        let inputs = dir.path().join("in");
        let mut b = coreweave();
        b.set("Assessment", "assessment_id", "value", id);
        b.write_xlsx(&inputs.join(format!("{id}.xlsx")));
        coreweave().write_xlsx(&inputs.join("coreweave.xlsx"));
        let out = dir.path().join("site");
        let (code, err) = site(dir.path(), &["in", "--out", out.to_str().unwrap()]);
        assert_eq!(code, 1, "{id}: {err}");
        assert!(err.contains("Assessment!B2"), "{id}: {err}");
        assert!(
            err.contains(&format!(
                "assessment_id `{id}` is a name the web edition uses"
            )),
            "{id}: {err}"
        );
        assert!(
            err.contains("help: give the assessment another id"),
            "{id}: {err}"
        );
        // The site's own files are intact; the other assessment is published; the refused
        // one is named on the index.
        assert!(!out.join("assets/assets.pdf").exists(), "{id}");
        assert!(!out.join("schema/schema.pdf").exists(), "{id}");
        let schema = read_json(&out.join("schema.json"));
        assert!(
            schema.get("$schema").is_some(),
            "{id}: schema.json replaced"
        );
        assert!(out.join("assets/style.css").exists(), "{id}");
        assert!(out.join("coreweave/index.html").exists(), "{id}");
        let index = std::fs::read_to_string(out.join("index.html")).unwrap();
        assert!(index.contains(&format!("{id}.xlsx (invalid)")), "{id}");
        // `build` has no such names: the brief is built.
        let (code, err) = build(dir.path(), &[&format!("in/{id}.xlsx"), "--out", "out"]);
        assert_eq!(code, 0, "{id}: {err}");
        assert!(dir.path().join(format!("out/{id}.pdf")).exists());
    }
}

#[test]
fn pages_of_a_workbook_taken_out_are_removed_and_an_invalid_ones_stay() {
    let dir = scratch("site-stale");
    let inputs = dir.path().join("in");
    let mut other = coreweave();
    other.set("Assessment", "assessment_id", "value", "other-cloud");
    let other_book = other.write_xlsx(&inputs.join("other.xlsx"));
    let main_book = coreweave().write_xlsx(&inputs.join("coreweave.xlsx"));
    let out = dir.path().join("site");
    let (code, err) = site(dir.path(), &["in", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("other-cloud/index.html").exists());
    // Broken, not taken out: its last pages stay (the next good save replaces them).
    let mut broken = coreweave();
    broken.set("Assessment", "assessment_id", "value", "other-cloud");
    broken.set("Layers", "1A", "capability", "sometimes");
    broken.write_xlsx(&other_book);
    let (code, err) = site(dir.path(), &["in", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("removed"), "{err}");
    assert!(out.join("other-cloud/index.html").exists());
    // Taken out: its page, record and PDF go, and the run says so; a file of someone else's
    // in its folder stays, and so does the folder.
    std::fs::write(out.join("other-cloud/notes.txt"), "mine").unwrap();
    std::fs::remove_file(&other_book).unwrap();
    let (code, err) = site(dir.path(), &["in", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("removed the pages and PDF of other-cloud"),
        "{err}"
    );
    assert!(!out.join("other-cloud/index.html").exists());
    assert!(!out.join("other-cloud/other-cloud.pdf").exists());
    assert!(!out.join("other-cloud.json").exists());
    assert!(out.join("other-cloud/notes.txt").exists());
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!index.contains("other-cloud"), "still on the index");
    assert!(out.join("coreweave/index.html").exists() && main_book.exists());
    // Nothing more to remove on the next run.
    let (_, err) = site(dir.path(), &["in", "--out", out.to_str().unwrap()]);
    assert!(!err.contains("removed"), "{err}");
}

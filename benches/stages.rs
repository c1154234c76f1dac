//! Per-stage benchmarks: `cargo bench --bench stages`.
//!
//! Each stage of one CoreWeave brief (load, validate, score, Typst compile and layout of a
//! document Typst has not seen, PDF export), plus loading and validating a workbook of 5,000
//! component rows.

use std::path::Path;
use std::sync::OnceLock;

use fixture_writer::{sheets_from_csv_dir, variant, workbook_bytes, Prose, TextSheet};
use layerbrief::load::{load_bytes, Workbook};
use layerbrief::model::Assessment;
use layerbrief::render::{self, Engine, RenderOptions, Templates};
use layerbrief::score::{score, Scored};
use layerbrief::validate::validate;

fn main() {
    divan::main();
}

fn coreweave_bytes() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/coreweave.xlsx")).unwrap()
}

/// The CoreWeave assessment's sheets, read once from the fixture CSVs.
fn coreweave_sheets() -> &'static [TextSheet] {
    static S: OnceLock<Vec<TextSheet>> = OnceLock::new();
    S.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/coreweave");
        sheets_from_csv_dir(&dir).unwrap()
    })
}

fn workbook() -> &'static Workbook {
    static W: OnceLock<Workbook> = OnceLock::new();
    W.get_or_init(|| load_bytes(Path::new("coreweave.xlsx"), coreweave_bytes()).unwrap())
}

fn assessment() -> &'static Assessment {
    static A: OnceLock<Assessment> = OnceLock::new();
    A.get_or_init(|| validate(workbook()).unwrap().assessment)
}

fn scored() -> &'static Scored {
    static S: OnceLock<Scored> = OnceLock::new();
    S.get_or_init(|| {
        score(
            assessment(),
            layerbrief::model::ruleset::find("v1.3").unwrap(),
        )
    })
}

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(Templates::embedded()))
}

#[divan::bench]
fn load() -> Workbook {
    load_bytes(Path::new("coreweave.xlsx"), coreweave_bytes()).unwrap()
}

#[divan::bench]
fn validate_workbook() -> Assessment {
    validate(workbook()).unwrap().assessment
}

#[divan::bench]
fn score_assessment() -> Scored {
    score(
        assessment(),
        layerbrief::model::ruleset::find("v1.3").unwrap(),
    )
}

/// A scored assessment Typst has not seen yet: a new copy of CoreWeave each time, the words
/// of every narrative, summary, cell and note text shuffled (as `make_batch` writes them), so
/// only what every brief shares (methodology notes, legends, table heads) comes from Typst's
/// cache, as in a batch of distinct assessments.
fn distinct_scored() -> Scored {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let sheets = variant(coreweave_sheets(), 0, n, Prose::Shuffled);
    let wb = load_bytes(Path::new("copy.xlsx"), workbook_bytes(&sheets).unwrap()).unwrap();
    score(
        &validate(&wb).unwrap().assessment,
        layerbrief::model::ruleset::find("v1.3").unwrap(),
    )
}

#[divan::bench(sample_count = 20)]
fn typst_compile(bencher: divan::Bencher) {
    bencher
        .with_inputs(distinct_scored)
        .bench_values(|s| render::typeset(engine(), &s, &RenderOptions::default()).unwrap());
}

#[divan::bench(sample_count = 20)]
fn pdf_export(bencher: divan::Bencher) {
    let t = render::typeset(engine(), scored(), &RenderOptions::default()).unwrap();
    bencher.bench(|| render::export(engine(), &t, &RenderOptions::default()).unwrap());
}

/// A workbook with 5,000 component rows, typed as Excel types them.
fn big_workbook() -> Vec<u8> {
    let mut sheets = coreweave_sheets().to_vec();
    let rows = &mut sheets
        .iter_mut()
        .find(|s| s.name == "Components")
        .unwrap()
        .rows;
    let template = rows[rows.iter().position(|r| r[0] == "2A.1").unwrap()].clone();
    let ids = ["0", "1A", "1B", "1C", "2A", "2B", "2C", "3"];
    let mut n = 0;
    while rows.len() < 5001 {
        n += 1;
        let layer = ids[n % 8];
        let mut row = template.clone();
        // Ending in 1: Excel would store `0.300` as the number 0.3.
        row[0] = format!("{layer}.{}1", 100 + n);
        row[1] = layer.to_string();
        row[3] = (100 + n).to_string();
        row[4] = format!("Component {n}");
        rows.push(row);
    }
    workbook_bytes(&sheets).unwrap()
}

#[divan::bench(sample_count = 10)]
fn load_and_validate_5000_rows(bencher: divan::Bencher) {
    let bytes = big_workbook();
    bencher.bench(|| {
        let wb = load_bytes(Path::new("big.xlsx"), bytes.clone()).unwrap();
        let v = validate(&wb).unwrap();
        assert_eq!(v.assessment.components.len(), 5000);
        v
    });
}

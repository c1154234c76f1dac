//! What the workbook targets share: the stages run on a file's bytes, and a record of the
//! panics the loader catches.
//!
//! Panics the loader catches (inside the spreadsheet reader) are recorded, not fatal.
//! libfuzzer-sys installs a panic hook that aborts, so a panic caught by `catch_unwind`
//! would end the run. This hook sits in front of it: a panic while
//! `layerbrief::load::panic_is_expected()` is printed once per source location, with a
//! backtrace, and its input is saved as `fuzz/artifacts/<target>/swallowed-<location>`; the run
//! goes on. Any other panic reaches libFuzzer's hook and is a crash. With `FUZZ_STRICT=1`
//! every panic is a crash.

use std::cell::RefCell;
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Mutex, Once};

use layerbrief::load::{load_bytes_with, Limits};
use layerbrief::model::ruleset;
use layerbrief::{score::score, validate::validate};

/// Load → validate → score under every ruleset, as `name` (its extension is not used: the
/// reader goes by the bytes). Messages are formatted as the command line prints them.
pub fn stages(name: &str, bytes: Vec<u8>) {
    // The default limits, but a smaller unpacked budget keeps each execution fast.
    let limits = Limits {
        max_unpacked_bytes: 16_000_000,
        ..Limits::default()
    };
    let wb = match load_bytes_with(Path::new(name), bytes, &limits) {
        Ok(wb) => wb,
        Err(reason) => {
            assert!(!reason.is_empty());
            return;
        }
    };
    let v = match validate(&wb) {
        Ok(v) => v,
        Err(diags) => {
            assert!(!diags.is_empty(), "an invalid workbook with no diagnostic");
            for d in &diags {
                let _ = d.to_string();
            }
            return;
        }
    };
    for d in &v.warnings {
        let _ = d.to_string();
    }
    for rs in ruleset::all() {
        let scored = score(&v.assessment, rs);
        let _ = scored.profile();
    }
}

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// Keeps the current input, to be saved if the reader panics on it.
pub fn set_input(data: &[u8]) {
    INPUT.with(|i| {
        let mut i = i.borrow_mut();
        i.clear();
        i.extend_from_slice(data);
    });
}

/// Installs the hook (once; libFuzzer's own hook is in place by the first input).
pub fn install(target: &'static str) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("FUZZ_STRICT").is_some_and(|v| v != "0") {
            return;
        }
        let fatal = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !layerbrief::load::panic_is_expected() {
                return fatal(info);
            }
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_else(|| "unknown".into());
            let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
            if !seen.get_or_insert_with(HashSet::new).insert(place.clone()) {
                return;
            }
            let name: String = place
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            // Beside libFuzzer's own artifacts (`fuzz/artifacts/<target>/`, not committed),
            // whatever folder the run started in.
            let dir = format!("{}/artifacts/{target}", env!("CARGO_MANIFEST_DIR"));
            let file = format!("{dir}/swallowed-{name}");
            let _ = std::fs::create_dir_all(&dir);
            INPUT.with(|i| {
                let _ = std::fs::write(&file, &*i.borrow());
            });
            eprintln!(
                "==SWALLOWED PANIC== (caught by the loader) at {place}: {info}\ninput saved as {file}\n{}",
                std::backtrace::Backtrace::force_capture()
            );
        }));
    });
}

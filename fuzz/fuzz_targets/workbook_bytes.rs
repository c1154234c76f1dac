//! Arbitrary bytes as a workbook file: load → validate → score under every ruleset.
//!
//! Nothing may panic, abort or allocate past libFuzzer's limits. A panic inside the
//! spreadsheet reader is caught by the loader and reported as a damaged file; such a panic
//! is still recorded (see `common.rs`), because it may hide an overflow that a release build
//! would not notice, and the pre-scan should refuse its input instead. Set `FUZZ_STRICT=1`
//! to make those panics crash the run like any other.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::install("workbook_bytes");
    common::set_input(data);
    common::stages("fuzz.xlsx", data.to_vec());
});

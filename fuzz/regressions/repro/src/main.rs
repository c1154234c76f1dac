//! `cargo run -- FILE...`: opens each workbook with `calamine::open_workbook_auto` and reads
//! every sheet, as any application would. No `catch_unwind`: a panic in calamine ends the
//! run with its message (and, with `RUST_BACKTRACE=1`, its backtrace).

use calamine::{open_workbook_auto, Reader};

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    assert!(!files.is_empty(), "usage: calamine-xlsb-repro FILE...");
    for file in files {
        println!("{file}: opening");
        let mut workbook = match open_workbook_auto(&file) {
            Ok(wb) => wb,
            Err(e) => {
                println!("{file}: error: {e}");
                continue;
            }
        };
        for name in workbook.sheet_names() {
            match workbook.worksheet_range(&name) {
                Ok(range) => println!("{file}: sheet `{name}`: {:?}", range.get_size()),
                Err(e) => println!("{file}: sheet `{name}`: error: {e}"),
            }
        }
    }
}

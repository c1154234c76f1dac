//! Load: the panic trap around the spreadsheet reader.
//!
//! Policy: calamine is not written to be fed hostile files. A panic inside it is an ordinary
//! error for that one file ("damaged"), and while it reads, a panic hook learns (from
//! [`panic_is_expected`]) that no bug report should be printed.

use std::cell::Cell;

thread_local! {
    /// Whether this thread is inside the spreadsheet reader.
    static READING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is inside the spreadsheet reader, where a panic means a
/// damaged file and is reported as one: a panic hook should stay quiet then.
pub fn panic_is_expected() -> bool {
    READING.with(Cell::get)
}

/// Runs `f` (the reader) with the trap set: `None` when it panicked.
pub(super) fn trapped<R>(f: impl FnOnce() -> R + std::panic::UnwindSafe) -> Option<R> {
    READING.with(|r| r.set(true));
    let result = std::panic::catch_unwind(f);
    READING.with(|r| r.set(false));
    result.ok()
}

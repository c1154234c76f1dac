//! Build: progress on stderr, a bar on a terminal, plain lines when piped.
//!
//! Policy: each brief's messages are printed together, above the bar, so parallel output
//! never interleaves.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::model::diag::paint;

/// Progress of a build.
pub(crate) struct Reporter {
    bar: Option<ProgressBar>,
}

impl Reporter {
    /// Progress over `total` briefs: a bar when stderr is a terminal and there is more than one.
    pub(crate) fn new(total: usize) -> Self {
        let bar = (std::io::stderr().is_terminal() && total > 1).then(|| {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:32.cyan/blue} {pos}/{len} briefs {elapsed} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Self { bar }
    }

    /// Prints a block of lines above the bar.
    pub(crate) fn print(&self, text: &str) {
        if text.is_empty() {
            return;
        }
        let text = paint(text.trim_end());
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    /// One more brief done.
    pub(crate) fn tick(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// The build is over: the bar goes.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

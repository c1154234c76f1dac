//! Publish: the live preview, the web edition served from a scratch folder while an analyst
//! writes. What the last rebuild found ([`Live`]) and the server that shows it ([`server`]).
//!
//! Policy: the preview never writes over a published site: its pages are `site`'s, written
//! to a scratch folder, and everything live (the reload script, the problems of the last
//! save) is added to the responses only, never to a file. A rebuild that fails leaves the
//! last good pages in place; the problems are shown above them, marked out of date, until
//! the next good save clears them.

mod page;
pub(crate) mod server;

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// A problem of the last rebuild, shown where it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Problem {
    /// The workbook it is about, as given; empty for a problem of the whole run (the
    /// templates, a folder gone), shown on every page.
    pub(crate) file: String,
    /// The assessment whose page it makes out of date, when the workbook had one.
    pub(crate) id: Option<String>,
    /// Every diagnostic, as `check` prints it (file, `Sheet!cell`, message, hint).
    pub(crate) text: String,
}

/// What the open pages are told after a rebuild.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Rebuilt {
    /// Counts the rebuilds; a page reloads when it sees a new one.
    pub(crate) generation: u64,
    /// When the rebuild started (after the save had settled), in ms since the epoch.
    pub(crate) started_ms: u128,
    /// How long it took, in ms.
    pub(crate) took_ms: u128,
    /// Per assessment id, the layers whose text or reading changed (lower case, as the
    /// pages' `layer-…` ids).
    pub(crate) changed: BTreeMap<String, Vec<String>>,
}

/// The preview's state: the last rebuild and its problems.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) rebuilt: Rebuilt,
    pub(crate) problems: Vec<Problem>,
}

/// The state, shared by the rebuild loop and every request.
#[derive(Debug, Default)]
pub(crate) struct Live {
    state: Mutex<State>,
    news: Condvar,
}

/// Milliseconds since the epoch.
pub(crate) fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

impl Live {
    /// Records a rebuild and wakes every open page.
    pub(crate) fn publish(&self, mut rebuilt: Rebuilt, problems: Vec<Problem>) {
        let mut s = self.lock();
        rebuilt.generation = s.rebuilt.generation + 1;
        s.rebuilt = rebuilt;
        s.problems = problems;
        drop(s);
        self.news.notify_all();
    }

    /// The last rebuild and its problems.
    pub(crate) fn snapshot(&self) -> (Rebuilt, Vec<Problem>) {
        let s = self.lock();
        (s.rebuilt.clone(), s.problems.clone())
    }

    /// Waits up to `at_most` for a rebuild after `generation`; the newest, if one came.
    pub(crate) fn wait_after(&self, generation: u64, at_most: Duration) -> Option<Rebuilt> {
        let s = self.lock();
        let (s, _) = self
            .news
            .wait_timeout_while(s, at_most, |s| s.rebuilt.generation <= generation)
            .unwrap_or_else(|e| e.into_inner());
        (s.rebuilt.generation > generation).then(|| s.rebuilt.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

//! Build: watching for saves. What can change a brief, and when a burst of events is one
//! save.
//!
//! Policy: watch the input folders (or the folders of input files) and the templates folder.
//! Only events that can change a brief count: a file written (its data), created, renamed
//! or removed, never one opened or read (a build's own reads would otherwise trigger the
//! next build, forever), and only on a workbook of an input folder (by extension, one level
//! deep as inputs are collected, not an office lock or temporary file), an input file named
//! on the command line, or a file of the templates folder. Events in the output folder never
//! count. After a change, [`Watch::next_change`] returns once no such event has come for a
//! moment: a save is a burst (write a temporary file, rename it over the workbook).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::ModifyKind;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::load::inputs::{self, is_scratch_file};
use crate::load::WORKBOOK_EXTENSIONS;

/// How long a burst of events must be quiet before the rebuild starts.
pub(crate) const SETTLE: Duration = Duration::from_millis(300);

/// A path as the watcher reports it: canonical when it exists, else absolute.
fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p)
        .or_else(|_| std::path::absolute(p))
        .unwrap_or_else(|_| p.to_path_buf())
}

/// Whether an event of this kind can change a file's contents or presence: data written,
/// created, renamed, removed. Opening, reading, closing and metadata changes cannot.
fn changes_files(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_)
            | EventKind::Remove(_)
            | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any)
    )
}

/// What the watch reacts to (all paths absolute, as the watcher reports them).
#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// Input folders: their workbooks, one level deep.
    folders: Vec<PathBuf>,
    /// Input files named on the command line.
    files: Vec<PathBuf>,
    /// The templates folder: every file in it, at any depth.
    templates: Option<PathBuf>,
    /// The output folder, as given and absolute: never relevant.
    out: Vec<PathBuf>,
}

impl Scope {
    /// What a watch of the inputs `paths` (no path: `inputs/`), the templates folder and
    /// the output folder `out` reacts to.
    pub(crate) fn new(paths: &[PathBuf], templates: Option<&Path>, out: &Path) -> Self {
        let mut scope = Scope {
            templates: templates.map(absolute),
            out: vec![out.to_path_buf(), absolute(out)],
            ..Scope::default()
        };
        for p in inputs::roots(paths) {
            if p.is_dir() {
                scope.folders.push(absolute(&p));
            } else {
                scope.files.push(absolute(&p));
            }
        }
        scope
    }

    /// The folders to watch and how.
    fn watches(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let mut list: Vec<(PathBuf, RecursiveMode)> = Vec::new();
        let parents = self.files.iter().filter_map(|f| f.parent());
        for d in self.folders.iter().map(PathBuf::as_path).chain(parents) {
            if !list.iter().any(|(w, _)| w == d) {
                list.push((d.to_path_buf(), RecursiveMode::NonRecursive));
            }
        }
        if let Some(t) = &self.templates {
            list.push((t.clone(), RecursiveMode::Recursive));
        }
        list
    }

    /// Whether `event` can change a brief.
    fn relevant(&self, event: &Event) -> bool {
        event.need_rescan()
            || (changes_files(&event.kind) && event.paths.iter().any(|p| self.covers(p)))
    }

    /// Whether a change to `path` can change a brief.
    fn covers(&self, path: &Path) -> bool {
        if is_scratch_file(path) || self.out.iter().any(|o| path.starts_with(o)) {
            return false;
        }
        if self.templates.as_ref().is_some_and(|t| path.starts_with(t)) {
            return true;
        }
        if self.files.iter().any(|f| f == path) {
            return true;
        }
        let workbook = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .is_some_and(|e| WORKBOOK_EXTENSIONS.contains(&e.as_str()));
        workbook
            && path
                .parent()
                .is_some_and(|d| self.folders.iter().any(|f| f == d))
    }
}

/// A running watch: file events of its [`Scope`], settled into changes.
pub(crate) struct Watch {
    _watcher: RecommendedWatcher,
    events: Receiver<Event>,
    scope: Scope,
}

impl Watch {
    /// Starts watching `scope`; also the folders watched, for a message.
    pub(crate) fn start(scope: Scope) -> Result<(Self, Vec<PathBuf>), String> {
        let (tx, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<Event>| {
            if let Ok(event) = res {
                let _ = tx.send(event);
            }
        })
        .map_err(|e| format!("cannot watch for changes: {e}"))?;
        let mut watched = Vec::new();
        for (target, mode) in scope.watches() {
            watcher
                .watch(&target, mode)
                .map_err(|e| format!("cannot watch {}: {e}", target.display()))?;
            watched.push(target);
        }
        let watch = Self {
            _watcher: watcher,
            events,
            scope,
        };
        Ok((watch, watched))
    }

    /// Waits for a change that can change a brief, then until the burst it belongs to has
    /// been quiet for [`SETTLE`]. `None` when the watcher has stopped.
    pub(crate) fn next_change(&self) -> Option<()> {
        loop {
            let event = self.events.recv().ok()?;
            if self.scope.relevant(&event) {
                break;
            }
        }
        let mut quiet_from = Instant::now();
        loop {
            let left = SETTLE.saturating_sub(quiet_from.elapsed());
            if left.is_zero() {
                return Some(());
            }
            match self.events.recv_timeout(left) {
                Ok(e) if self.scope.relevant(&e) => quiet_from = Instant::now(),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => return Some(()),
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, RemoveKind, RenameMode};

    fn scope() -> Scope {
        Scope {
            folders: vec![PathBuf::from("/w/in")],
            files: vec![PathBuf::from("/w/one.xlsx")],
            templates: Some(PathBuf::from("/w/tpl")),
            out: vec![PathBuf::from("/w/in/out")],
        }
    }

    fn event(kind: EventKind, paths: &[&str]) -> Event {
        paths
            .iter()
            .fold(Event::new(kind), |e, p| e.add_path(PathBuf::from(p)))
    }

    #[test]
    fn reads_never_count() {
        let s = scope();
        for kind in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Modify(ModifyKind::Metadata(notify::event::MetadataKind::Any)),
        ] {
            assert!(!s.relevant(&event(kind, &["/w/in/a.xlsx"])), "{kind:?}");
        }
        for kind in [
            EventKind::Create(CreateKind::File),
            EventKind::Remove(RemoveKind::File),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Any),
        ] {
            assert!(s.relevant(&event(kind, &["/w/in/a.xlsx"])), "{kind:?}");
        }
    }

    #[test]
    fn only_workbooks_inputs_and_templates_count() {
        let s = scope();
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        for p in [
            "/w/in/a.XLSX",
            "/w/in/a.ods",
            "/w/one.xlsx",
            "/w/tpl/brief.typ",
            "/w/tpl/parts/table.typ",
        ] {
            assert!(s.relevant(&event(write, &[p])), "{p}");
        }
        for p in [
            "/w/in/notes.txt",
            "/w/in/~$a.xlsx",
            "/w/in/.~lock.a.ods#",
            "/w/in/sub/a.xlsx",
            "/w/other.xlsx",
            "/w/in/out/a.xlsx",
            "/w/tpl/.brief.typ.swp",
        ] {
            assert!(!s.relevant(&event(write, &[p])), "{p}");
        }
        // A save by rename: the temporary file does not count, the workbook it lands on does.
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        assert!(s.relevant(&event(rename, &["/w/in/3F2A1B00", "/w/in/a.xlsx"])));
        // A workbook renamed away is gone from the inputs: that counts too.
        assert!(s.relevant(&event(rename, &["/w/in/a.xlsx", "/w/in/b.bak"])));
    }
}

//! Build: files reach disk atomically.
//!
//! Policy: a file is written to a temporary sibling `.{name}.{pid}.tmp` and renamed into
//! place, so a reader never sees half a file and a failed build leaves the earlier good
//! output untouched. The writer holds an exclusive lock on its temporary file while it
//! writes, where the file system has locks. A build killed mid-write leaves its temporary file behind; the next build removes
//! it when its writing process is gone (on Linux: no `/proc/<pid>`) and no one holds its
//! lock, and never touches the temporary files of a build still running. Where liveness
//! cannot be checked (no `/proc`), leftovers are kept.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The prefix of every file of ours in an output folder (manifests, their lock, the mail
/// log); no output name may use it.
pub const RESERVED_PREFIX: &str = ".layerbrief-";

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_stamped(path, bytes).map(|_| ())
}

/// [`write_atomic`], and the stamp of the file written: `None` when another process replaced
/// it between our rename and our look at it, or the platform has no stamps.
pub fn write_atomic_stamped(path: &Path, bytes: &[u8]) -> std::io::Result<Option<FileStamp>> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        // Tells a cleaner on another machine or in another container, where our pid means
        // nothing, that this file is being written. Not every file system locks; writing
        // does not depend on it.
        let _ = f.try_lock();
        f.write_all(bytes)?;
        f.sync_all()?;
        let ours = FileStamp::from_metadata(&f.metadata()?);
        std::fs::rename(&tmp, path)?;
        // The renamed file keeps its inode and size; its change time is the rename's.
        let now = FileStamp::of(path);
        Ok(now.filter(|n| ours.is_some_and(|o| o.ino == n.ino && o.len == n.len)))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The files of `dir` whose names start with `prefix` and end with `suffix`, in name order
/// (none when `dir` cannot be read).
pub fn files_named(dir: &Path, prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
        })
        .collect();
    found.sort();
    found
}

/// Opens (creating it and its folder) the lock file `path`, for `File::lock`: a file of ours
/// that is never written, only held.
pub fn open_lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// A file as it sits on disk: size, inode and status-change time. Writing to the file,
/// renaming another over it, touching it or changing its mode all change the change time,
/// which no tool can set back; so while a stamp holds, the file is the one stamped, and its
/// bytes need not be read again to know it. A copy elsewhere has another stamp. (Change times
/// tick with the file system's clock, every few milliseconds on Linux: a change made within
/// the same tick as the write would go unseen.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    len: u64,
    ino: u64,
    ctime: i64,
    ctime_nsec: i64,
}

impl FileStamp {
    /// The stamp of the file at `path` now (links followed), if it exists.
    pub fn of(path: &Path) -> Option<Self> {
        Self::from_metadata(&std::fs::metadata(path).ok()?)
    }

    #[cfg(unix)]
    fn from_metadata(m: &std::fs::Metadata) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        Some(Self {
            len: m.len(),
            ino: m.ino(),
            ctime: m.ctime(),
            ctime_nsec: m.ctime_nsec(),
        })
    }

    #[cfg(not(unix))]
    fn from_metadata(_: &std::fs::Metadata) -> Option<Self> {
        None
    }
}

/// The writing process of a temporary file of ours (`.{name}.{pid}.tmp`, where `name` is a
/// brief, a draft or one of our `.layerbrief-` files), or `None` for any other file.
pub fn temp_file_pid(file_name: &str) -> Option<u32> {
    let inner = file_name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (name, pid) = inner.rsplit_once('.')?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let ours =
        lower.ends_with(".pdf") || lower.ends_with(".eml") || lower.starts_with(RESERVED_PREFIX);
    if ours {
        pid.parse().ok()
    } else {
        None
    }
}

/// Whether process `pid` may still be running. Only a process known to be gone gives
/// `false`: this one is alive, and without `/proc` nothing is known.
pub fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Removes the temporary files of ours in `dir` (not its subfolders) that were left by a
/// process that is gone and that no one is writing. Returns the files removed.
pub fn remove_stale_temps(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = temp_file_pid(&name.to_string_lossy()) else {
            continue;
        };
        if !entry.file_type().is_ok_and(|t| t.is_file()) || process_alive(pid) {
            continue;
        }
        let path = entry.path();
        // Read and write: an exclusive lock over NFS needs a file open for writing.
        let Ok(f) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
        else {
            continue;
        };
        // A writer elsewhere (another machine sharing the folder) still holds its lock.
        if f.try_lock().is_err() {
            continue;
        }
        if std::fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let p = dir.join("a.pdf");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir).unwrap().count(), 1);
    }

    #[test]
    fn temp_files_of_ours_are_recognised() {
        assert_eq!(temp_file_pid(".a.pdf.123.tmp"), Some(123));
        assert_eq!(temp_file_pid(".A B.PDF.9.tmp"), Some(9));
        assert_eq!(temp_file_pid(".a.eml.77.tmp"), Some(77));
        assert_eq!(temp_file_pid("..layerbrief-manifest.json.5.tmp"), Some(5));
        assert_eq!(temp_file_pid(".a.pdf.tmp"), None);
        assert_eq!(temp_file_pid(".a.pdf.12x.tmp"), None);
        assert_eq!(temp_file_pid(".notes.txt.12.tmp"), None);
        assert_eq!(temp_file_pid("a.pdf.12.tmp"), None);
    }

    #[test]
    fn stale_temps_of_dead_processes_go() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        // A pid above Linux's largest pid_max is never a running process.
        let dead = dir.join(".a.pdf.4194305.tmp");
        let mine = dir.join(format!(".b.pdf.{}.tmp", std::process::id()));
        let other = dir.join(".notes.txt.4194305.tmp");
        for p in [&dead, &mine, &other] {
            std::fs::write(p, b"half").unwrap();
        }
        let removed = remove_stale_temps(dir);
        if Path::new("/proc/self").exists() {
            assert_eq!(removed, std::slice::from_ref(&dead));
            assert!(!dead.exists());
        } else {
            assert!(removed.is_empty());
        }
        assert!(mine.exists() && other.exists());
    }
}

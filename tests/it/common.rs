//! Helpers shared by the integration tests: fixture workbooks built from the CoreWeave CSVs,
//! edited cell by cell to break one rule at a time, and the real binary run on them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

pub use fixture_writer::TextSheet;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// Reads a CSV as rows of strings, header included.
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    fixture_writer::read_csv(path).unwrap()
}

/// The CoreWeave assessment as text sheets.
pub fn coreweave() -> Book {
    Book {
        sheets: fixture_writer::sheets_from_csv_dir(&fixture("coreweave")).unwrap(),
    }
}

/// A workbook as text, to edit before writing.
#[derive(Clone)]
pub struct Book {
    pub sheets: Vec<TextSheet>,
}

impl Book {
    pub fn sheet(&mut self, name: &str) -> &mut TextSheet {
        self.sheets
            .iter_mut()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no sheet {name}"))
    }

    fn col(&mut self, sheet: &str, header: &str) -> usize {
        let s = self.sheet(sheet);
        s.rows[0]
            .iter()
            .position(|h| h == header)
            .unwrap_or_else(|| panic!("no column {header}"))
    }

    /// Sets the cell of column `header` in the row whose first cell is `key`.
    pub fn set(&mut self, sheet: &str, key: &str, header: &str, value: &str) -> &mut Self {
        let c = self.col(sheet, header);
        let s = self.sheet(sheet);
        let row = s
            .rows
            .iter_mut()
            .skip(1)
            .find(|r| r[0] == key)
            .unwrap_or_else(|| panic!("no row {key} in {sheet}"));
        while row.len() <= c {
            row.push(String::new());
        }
        row[c] = value.to_string();
        self
    }

    /// Renames a header.
    pub fn rename(&mut self, sheet: &str, header: &str, to: &str) -> &mut Self {
        let c = self.col(sheet, header);
        self.sheet(sheet).rows[0][c] = to.to_string();
        self
    }

    /// Appends a row (values in header order).
    pub fn push(&mut self, sheet: &str, row: &[&str]) -> &mut Self {
        self.sheet(sheet)
            .rows
            .push(row.iter().map(|s| s.to_string()).collect());
        self
    }

    /// Removes the row whose first cell is `key`.
    pub fn remove(&mut self, sheet: &str, key: &str) -> &mut Self {
        self.sheet(sheet).rows.retain(|r| r[0] != key);
        self
    }

    pub fn drop_sheet(&mut self, name: &str) -> &mut Self {
        self.sheets.retain(|s| s.name != name);
        self
    }

    /// Writes an .xlsx, cells typed the way Excel types entries.
    pub fn write_xlsx(&self, path: &Path) -> PathBuf {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, fixture_writer::workbook_bytes(&self.sheets).unwrap()).unwrap();
        path.to_path_buf()
    }

    /// Writes an .xlsx where every cell is a text cell (numbers typed as text).
    pub fn write_xlsx_all_text(&self, path: &Path) -> PathBuf {
        self.write_xlsx_text_with(path, &[], &[])
    }

    /// Like [`Book::write_xlsx_all_text`], plus text cells at (sheet, row, column) and merged
    /// ranges (sheet, first row, first column, last row, last column, text).
    pub fn write_xlsx_text_with(
        &self,
        path: &Path,
        extra: &[(&str, u32, u16, &str)],
        merges: &[(&str, u32, u16, u32, u16, &str)],
    ) -> PathBuf {
        let mut wb = rust_xlsxwriter::Workbook::new();
        for s in &self.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(&s.name).unwrap();
            for (r, row) in s.rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if !v.is_empty() {
                        ws.write_string(r as u32, c as u16, v).unwrap();
                    }
                }
            }
            for (_, r, c, v) in extra.iter().filter(|(name, ..)| *name == s.name) {
                ws.write_string(*r, *c, *v).unwrap();
            }
            for (_, r1, c1, r2, c2, v) in merges.iter().filter(|(name, ..)| *name == s.name) {
                let f = rust_xlsxwriter::Format::new();
                ws.merge_range(*r1, *c1, *r2, *c2, v, &f).unwrap();
            }
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        wb.save(path).unwrap();
        path.to_path_buf()
    }

    /// Writes an OpenDocument spreadsheet with numbers, dates and booleans typed as
    /// LibreOffice types them.
    pub fn write_ods(&self, path: &Path) -> PathBuf {
        use fixture_writer::{excel_type, Typed};
        let mut wb = spreadsheet_ods::WorkBook::new_empty();
        for s in &self.sheets {
            let mut sheet = spreadsheet_ods::Sheet::new(s.name.as_str());
            for (r, row) in s.rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    let typed = if r == 0 {
                        Typed::Text(v)
                    } else {
                        excel_type(v)
                    };
                    let (r, c) = (r as u32, c as u32);
                    match typed {
                        Typed::Empty => {}
                        Typed::Number(n) => sheet.set_value(r, c, n),
                        Typed::Bool(b) => sheet.set_value(r, c, b),
                        Typed::Date(d) => sheet.set_value(r, c, d),
                        Typed::Text(t) => sheet.set_value(r, c, t),
                    }
                }
            }
            wb.push_sheet(sheet);
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        spreadsheet_ods::write_ods(&mut wb, path).unwrap();
        path.to_path_buf()
    }
}

/// A fresh scratch folder for one test, removed when the returned guard drops: hold it for
/// the whole test, and stop any process working in the folder before it drops.
pub fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("layerbrief-{name}-"))
        .tempdir()
        .unwrap()
}

/// A process running in the background, killed and reaped when dropped. Declare it after the
/// scratch folder it works in, so that it stops first, even when the test fails.
pub struct Background(pub Child);

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The real binary, kept from the settings of the machine it runs on: no user settings file
/// (its folder is an empty one of the tests) and no profile from the environment.
pub fn layerbrief() -> Command {
    let no_user = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-user-config");
    let _ = std::fs::create_dir_all(&no_user);
    let mut c = Command::new(env!("CARGO_BIN_EXE_layerbrief"));
    c.env("XDG_CONFIG_HOME", no_user)
        .env_remove("LAYERBRIEF_PROFILE");
    c
}

/// Runs the real binary.
pub fn run(args: &[&str], cwd: &Path) -> Output {
    layerbrief().args(args).current_dir(cwd).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `layerbrief build` with `args`, run in `dir`; returns (exit code, stderr).
pub fn build(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = run(&[&["build"], args].concat(), dir);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// The page count `pdfinfo` reads of a PDF.
pub fn pdf_pages(pdf: &Path) -> usize {
    tool_ok("pdfinfo", &[pdf.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{}: no page count", pdf.display()))
}

/// The CoreWeave assessment as `broken`, invalid at one cell (an unknown role at 2A.2).
pub fn broken() -> Book {
    let mut b = coreweave();
    b.set("Assessment", "assessment_id", "value", "broken").set(
        "Components",
        "2A.2",
        "role",
        "sliverr",
    );
    b
}

/// Runs a tool of the test machine (poppler, qpdf…); returns (success, stdout + stderr).
pub fn tool(name: &str, args: &[&str]) -> (bool, String) {
    let o = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e} (run scripts/setup.sh)"));
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

/// [`tool`], which must succeed; its output.
pub fn tool_ok(name: &str, args: &[&str]) -> String {
    let (ok, out) = tool(name, args);
    assert!(ok, "{name} {args:?}: {out}");
    out
}

/// The text of a PDF, as poppler's `pdftotext` reads it (layout order).
pub fn pdf_text(pdf: &Path) -> String {
    tool_ok("pdftotext", &[pdf.to_str().unwrap(), "-"])
}

/// The words of a PDF in content order (`pdftotext -raw`), bidi controls dropped and
/// whitespace folded to single spaces.
pub fn pdf_words(pdf: &Path) -> String {
    tool_ok("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !('\u{202A}'..='\u{202E}').contains(c))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `check` on a workbook; returns (exit code, stderr).
pub fn check(path: &Path) -> (i32, String) {
    let o = run(&["check", path.to_str().unwrap()], path.parent().unwrap());
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// The Python with the tools the tests use (aiosmtpd, PyPI's `typst`): the virtual environment
/// `scripts/setup.sh` makes in `target/py`, or `$LAYERBRIEF_TEST_PYTHON`.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("LAYERBRIEF_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = root().join("target/py/bin/python");
    assert!(
        venv.exists(),
        "{} is missing: run scripts/setup.sh",
        venv.display()
    );
    venv
}

/// The lines a background process writes to stderr, as they come: spawn it with
/// `stderr(Stdio::piped())` and hand the pipe over.
pub fn stderr_lines(child: &mut Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let pipe = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Runs the real binary, giving up after `limit`: the process is then killed and `None`
/// returned, so a test of something that used to hang fails instead of hanging.
pub fn run_with_timeout(args: &[&str], cwd: &Path, limit: std::time::Duration) -> Option<Output> {
    use std::io::Read;
    let mut child = layerbrief()
        .args(args)
        .current_dir(cwd)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Drain both pipes on threads, so a chatty process never blocks on a full pipe.
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    status.map(|status| Output {
        status,
        stdout,
        stderr,
    })
}

/// The verdicts of the PDF/UA-1 and PDF/A-2a validator `page` (PyPI `page-validation`, in the
/// tests' virtual environment) on each of `pdfs`: per file, per profile (`ua1`, `2a`),
/// whether it conforms and the validator's report.
pub fn conformance(pdfs: &[&Path]) -> serde_json::Value {
    const VALIDATE: &str = r#"
import json, sys, page
out = {}
for path in sys.argv[1:]:
    out[path] = {}
    for profile in ("ua1", "2a"):
        r = page.validate_pdf(path, profile=profile)
        out[path][profile] = {"compliant": r.is_compliant, "report": str(r)}
print(json.dumps(out))
"#;
    let o = Command::new(python())
        .arg("-c")
        .arg(VALIDATE)
        .args(pdfs)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "the validator failed (run scripts/setup.sh): {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A folder `dir/fonts` of links to the font files `fonts` (installed by scripts/setup.sh).
pub fn font_folder(dir: &Path, fonts: &[&str]) -> PathBuf {
    let folder = dir.join("fonts");
    std::fs::create_dir_all(&folder).unwrap();
    for f in fonts {
        let f = Path::new(f);
        assert!(
            f.exists(),
            "{} is missing: run scripts/setup.sh",
            f.display()
        );
        let link = folder.join(f.file_name().unwrap());
        if !link.exists() {
            std::os::unix::fs::symlink(f, link).unwrap();
        }
    }
    folder
}

/// The names of the files in `dir` (not its subfolders), sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// CoreWeave with a split at every layer (`fixture_writer::split_everywhere`).
pub fn split_everywhere() -> Book {
    Book {
        sheets: fixture_writer::split_everywhere(&coreweave().sheets),
    }
}

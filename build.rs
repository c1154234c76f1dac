//! Embeds every file under `templates/` and every font under `fonts/` in the binary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn table(name: &str, root: &Path, keep: impl Fn(&Path) -> bool) -> String {
    let mut list = Vec::new();
    files(root, &mut list);
    let mut code = format!("pub static {name}: &[(&str, &[u8])] = &[\n");
    for path in list.iter().filter(|p| keep(p)) {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let abs = path.canonicalize().unwrap();
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.to_string_lossy()
        )
        .unwrap();
    }
    code.push_str("];\n");
    code
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let templates = manifest.join("templates");
    let fonts = manifest.join("fonts");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=fonts");
    let ext = |p: &Path, exts: &[&str]| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| exts.contains(&e.to_ascii_lowercase().as_str()))
    };
    let mut code = table("TEMPLATES", &templates, |p| {
        ext(p, &["typ", "j2", "txt", "html", "jinja", "css"])
    });
    code.push_str(&table("FONTS", &fonts, |p| {
        ext(p, &["otf", "ttf", "otc", "ttc"])
    }));
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}

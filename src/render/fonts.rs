//! Render: the fonts a brief is set in. The embedded Inter comes first; fonts found
//! under `--font-path` folders follow it as fallbacks, for scripts Inter lacks (CJK, Arabic,
//! Hebrew, Devanagari, Thai…).
//!
//! Policy: no system font is ever used, so a brief depends only on its inputs. The same
//! font set serves validation (a character no font has is an error at its cell, before
//! any typesetting) and the typesetter, so the two cannot disagree.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use typst::foundations::Bytes;
use typst::text::Font;

use super::assets::embedded_fonts;

/// Font file extensions read from a `--font-path` folder.
const FONT_EXTENSIONS: &[&str] = &["ttf", "otf", "ttc", "otc"];

/// A font set: the embedded fonts, then the fallbacks.
#[derive(Clone)]
pub struct Fonts {
    fonts: Vec<Font>,
    /// Each file: its name (for `export-typst`) and bytes.
    files: Vec<(String, Bytes)>,
    digest: std::sync::OnceLock<String>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("faces", &self.fonts.len())
            .field("files", &self.files.len())
            .finish()
    }
}

impl Fonts {
    /// The embedded fonts only.
    pub fn embedded() -> Self {
        let files = embedded_fonts()
            .iter()
            .map(|(name, bytes)| (name.to_string(), Bytes::new(*bytes)))
            .collect();
        Self::from_files(files)
    }

    /// The embedded fonts, then every font file under each of `dirs` (recursively, sorted
    /// by path). A folder that cannot be read, or that holds no font, is an error.
    pub fn with_paths(dirs: &[PathBuf]) -> Result<Self, String> {
        let mut files: Vec<(String, Bytes)> = embedded_fonts()
            .iter()
            .map(|(name, bytes)| (name.to_string(), Bytes::new(*bytes)))
            .collect();
        for dir in dirs {
            let mut found = Vec::new();
            collect_font_files(dir, &mut found)
                .map_err(|e| format!("{}: cannot read the font folder ({e})", dir.display()))?;
            found.sort();
            if found.is_empty() {
                return Err(format!(
                    "{}: no font files (.ttf, .otf, .ttc, .otc) in this folder",
                    dir.display()
                ));
            }
            for path in found {
                let bytes = std::fs::read(&path)
                    .map_err(|e| format!("{}: cannot read the font ({e})", path.display()))?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push((name, Bytes::new(bytes)));
            }
        }
        let fonts = Self::from_files(files);
        Ok(fonts)
    }

    fn from_files(files: Vec<(String, Bytes)>) -> Self {
        let fonts = files
            .iter()
            .flat_map(|(_, bytes)| Font::iter(bytes.clone()))
            .collect();
        Self {
            fonts,
            files,
            digest: std::sync::OnceLock::new(),
        }
    }

    /// The font faces, embedded first.
    pub(crate) fn faces(&self) -> &[Font] {
        &self.fonts
    }

    /// The font files: name and bytes.
    pub(crate) fn files(&self) -> &[(String, Bytes)] {
        &self.files
    }

    /// A digest of every font file, so a build manifest can tell when fonts change. Computed
    /// when first asked for: commands that only check workbooks never need it.
    pub(crate) fn digest(&self) -> &str {
        self.digest.get_or_init(|| {
            let mut h = Sha256::new();
            for (name, bytes) in &self.files {
                h.update(name.as_bytes());
                h.update([0]);
                h.update(bytes.as_slice());
            }
            format!("{:x}", h.finalize())
        })
    }

    /// The fallback faces whose outlines are CID-keyed CFF (Noto Sans CJK, Source Han Sans):
    /// Typst's PDF writer embeds their subsets with glyph widths that disagree with the PDF's
    /// (every glyph 0 in the font program), so text set in them fails the PDF/A-2 and
    /// PDF/UA-1 glyph-width check. The stock `typst` compiler writes the same. By family name.
    pub(crate) fn cid_keyed_cff(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .fonts
            .iter()
            .filter(|f| {
                ttf_parser::RawFace::parse(f.data().as_slice(), f.index())
                    .ok()
                    .and_then(|raw| raw.table(ttf_parser::Tag::from_bytes(b"CFF ")))
                    .is_some_and(is_cid_keyed)
            })
            .map(|f| f.info().family.clone())
            .collect();
        names.dedup();
        names
    }

    /// Whether some font has a glyph for `c`, or `c` needs none (spaces, line breaks and the
    /// invisible format characters a shaper drops). Other control characters (U+0001,
    /// U+007F, U+0080…) do need one: the typesetter shapes them like any character, and a
    /// PDF/A or PDF/UA brief refuses text it cannot display.
    pub fn covers(&self, c: char) -> bool {
        needs_no_glyph(c)
            || self
                .fonts
                .iter()
                .any(|f| f.info().coverage.contains(c as u32))
    }

    /// Whether one font has a glyph for every character of `cluster` that needs one: a
    /// combining mark is set by the font of the character it follows, so a base and its marks
    /// split across fonts print as a mark beside its letter, not on it.
    pub fn covers_together(&self, cluster: &str) -> bool {
        let mut needed = cluster.chars().filter(|c| !needs_no_glyph(*c)).peekable();
        if needed.peek().is_none() {
            return true;
        }
        let needed: Vec<char> = needed.collect();
        needed.len() < 2
            || self.fonts.iter().any(|f| {
                let cov = &f.info().coverage;
                needed.iter().all(|c| cov.contains(*c as u32))
            })
    }
}

/// Whether a CFF table is CID-keyed: its top DICT has the ROS operator (12 30).
fn is_cid_keyed(cff: &[u8]) -> bool {
    // Header, then the Name INDEX, then the Top DICT INDEX, whose first item is read.
    let Some(&hdr_size) = cff.get(2) else {
        return false;
    };
    let Some((_, after_names)) = index_items(cff, usize::from(hdr_size)) else {
        return false;
    };
    let Some((top, _)) = index_items(cff, after_names) else {
        return false;
    };
    let Some(dict) = top.first().and_then(|r| cff.get(r.clone())) else {
        return false;
    };
    // Operators are bytes 0–21 (12 escapes a second byte); operands are skipped by their
    // encodings (28, 29, 30 and 32–254).
    let mut i = 0;
    while let Some(&b) = dict.get(i) {
        match b {
            12 => {
                if dict.get(i + 1) == Some(&30) {
                    return true;
                }
                i += 2;
            }
            28 => i += 3,
            29 => i += 5,
            30 => {
                i += 1;
                while dict
                    .get(i)
                    .is_some_and(|n| n & 0x0F != 0x0F && n >> 4 != 0x0F)
                {
                    i += 1;
                }
                i += 1;
            }
            247..=254 => i += 2,
            _ => i += 1,
        }
    }
    false
}

/// The byte ranges of the items of the CFF INDEX at `at`, and where it ends.
fn index_items(cff: &[u8], at: usize) -> Option<(Vec<std::ops::Range<usize>>, usize)> {
    let count = usize::from(u16::from_be_bytes([*cff.get(at)?, *cff.get(at + 1)?]));
    if count == 0 {
        return Some((Vec::new(), at + 2));
    }
    let off_size = usize::from(*cff.get(at + 2)?);
    if !(1..=4).contains(&off_size) {
        return None;
    }
    let offset = |k: usize| -> Option<usize> {
        let start = at + 3 + k * off_size;
        let bytes = cff.get(start..start + off_size)?;
        Some(bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b)))
    };
    let data = at + 3 + (count + 1) * off_size - 1;
    let mut items = Vec::with_capacity(count);
    for k in 0..count {
        items.push(data + offset(k)?..data + offset(k + 1)?);
    }
    Some((items, data + offset(count)?))
}

/// Characters that print nothing: whitespace (tab, line and paragraph breaks included) and
/// Unicode's default-ignorable code points (joiners, variation selectors, bidi marks, soft
/// hyphen…).
fn needs_no_glyph(c: char) -> bool {
    let u = c as u32;
    c.is_whitespace()
        || matches!(
            u,
            0x00AD
                | 0x034F
                | 0x061C
                | 0x115F..=0x1160
                | 0x17B4..=0x17B5
                | 0x180B..=0x180F
                | 0x200B..=0x200F
                | 0x202A..=0x202E
                | 0x2060..=0x206F
                | 0x3164
                | 0xFE00..=0xFE0F
                | 0xFEFF
                | 0xFFA0
                | 0xFFF0..=0xFFF8
                | 0x1BCA0..=0x1BCA3
                | 0x1D173..=0x1D17A
                | 0xE0000..=0xE0FFF
        )
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_font_files(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| FONT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_is_set_by_its_letters_font() {
        let inter = Fonts::embedded();
        assert!(inter.covers_together("e\u{301}") && inter.covers_together("\r\n"));
        assert!(inter.covers_together("x") && inter.covers_together("a\u{FE0F}"));
        let thai = "/usr/share/fonts/truetype/noto";
        if std::path::Path::new(thai)
            .join("NotoSansThai-Regular.ttf")
            .exists()
        {
            let f = Fonts::with_paths(&[std::path::PathBuf::from(thai)]).unwrap();
            assert!(f.covers('\u{E01}') && f.covers('\u{301}'));
            assert!(
                f.covers_together("\u{E01}\u{E48}"),
                "Thai with its tone mark"
            );
            assert!(
                !f.covers_together("\u{E01}\u{301}"),
                "Thai letter, Latin acute"
            );
        }
    }

    #[test]
    fn inter_covers_latin_not_cjk() {
        let f = Fonts::embedded();
        assert!(f.covers('é') && f.covers('—') && f.covers('\u{200B}') && f.covers('\n'));
        assert!(!f.covers('漢') && !f.covers('ب'));
        // Line breaks and tabs print as space; other controls have no glyph in any font of
        // the brief, and a PDF/A brief refuses them: validation must refuse them first.
        for c in [
            '\t', '\r', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}',
        ] {
            assert!(f.covers(c), "U+{:04X}", c as u32);
        }
        for c in [
            '\u{0}', '\u{1}', '\u{7}', '\u{1b}', '\u{7f}', '\u{80}', '\u{9f}',
        ] {
            assert!(!f.covers(c), "U+{:04X}", c as u32);
        }
        assert!(Fonts::with_paths(&[PathBuf::from("/nonexistent-folder")]).is_err());
    }
}

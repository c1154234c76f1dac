//! Build: private-use characters in a workbook's text, which PDF/A forbids whatever font has
//! a glyph for them. Word's Symbol and Wingdings bullets, pasted into a cell, arrive as such
//! characters (U+F0B7 for Symbol's •); they are set as the Unicode characters they show,
//! with a warning at the cell. Any other private-use character is an error at its cell.

use crate::load::{Value, Workbook};
use crate::model::diag::{Diagnostic, Diagnostics, Place};

/// Word's symbol-font characters (private use: U+F000 plus the font's byte) and the Unicode
/// characters set in their place, all in Inter: a near one where Inter lacks the true one
/// (➢ is set as ►).
const WORD_SYMBOLS: &[(char, char)] = &[
    ('\u{F0B7}', '•'), // Symbol: bullet
    ('\u{F02D}', '–'), // Symbol: minus, Word's dash bullet
    ('\u{F0A7}', '▪'), // Wingdings: small square
    ('\u{F06E}', '■'), // Wingdings: black square
    ('\u{F06F}', '□'), // Wingdings: white square
    ('\u{F0A1}', '○'), // Wingdings: circle
    ('\u{F076}', '❖'), // Wingdings: diamond of four
    ('\u{F0D8}', '►'), // Wingdings: 3-D arrowhead ➢
    ('\u{F0E0}', '→'), // Wingdings: right arrow
    ('\u{F0FC}', '✓'), // Wingdings: check mark
    ('\u{F0FB}', '✗'), // Wingdings: ballot x
];

/// Whether `c` is a private-use character (the BMP's area and planes 15 and 16).
pub(super) fn private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

/// Sets Word's symbol bullets as the characters they show, in every text cell of `wb`: a
/// warning at each cell changed, and an error at each cell that still holds a private-use
/// character.
pub(super) fn word_symbols(wb: &mut Workbook) -> Vec<Diagnostic> {
    let mut d = Diagnostics::new(&wb.path);
    for sheet in &mut wb.sheets {
        let name = sheet.name.clone();
        let headers = sheet.headers.clone();
        for row in &mut sheet.rows {
            for (col, v) in row.cells.iter_mut().enumerate() {
                let Value::Text(t) = v else { continue };
                if !t.chars().any(private_use) {
                    continue;
                }
                let col = col as u32;
                let what = headers
                    .iter()
                    .find(|h| h.col == col)
                    .map_or("the cell".to_string(), |h| format!("`{}`", h.key));
                let place = || Place::cell(&name, row.index, col);
                let mut set = Vec::new();
                let mut other = Vec::new();
                *t = t
                    .chars()
                    .map(|c| match WORD_SYMBOLS.iter().find(|(from, _)| *from == c) {
                        Some(&(from, to)) => {
                            if !set.contains(&(from, to)) {
                                set.push((from, to));
                            }
                            to
                        }
                        None => {
                            if private_use(c) && !other.contains(&c) {
                                other.push(c);
                            }
                            c
                        }
                    })
                    .collect();
                if !set.is_empty() {
                    let each: Vec<String> = set
                        .iter()
                        .map(|(from, to)| format!("U+{:04X} as {to}", *from as u32))
                        .collect();
                    d.warning(
                        place(),
                        format!(
                            "{what} has bullets pasted from Word's Symbol or Wingdings font; set {}",
                            each.join(", ")
                        ),
                        Some("type the character shown in the cell to keep the workbook clean".into()),
                    );
                }
                if !other.is_empty() {
                    let each: Vec<String> = other
                        .iter()
                        .map(|c| format!("U+{:04X}", *c as u32))
                        .collect();
                    d.error(
                        place(),
                        format!(
                            "{what} has private-use characters, which no standard defines and a PDF/A brief may not hold: {}",
                            each.join(", ")
                        ),
                        Some("they come from text pasted out of Word or PowerPoint in a symbol or icon font (Wingdings, Webdings, Symbol); retype them as ordinary characters (• – ✓ →)".into()),
                    );
                }
            }
        }
    }
    d.into_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_replacement_is_itself_no_private_use_character() {
        for (from, to) in WORD_SYMBOLS {
            assert!(private_use(*from), "{from:?}");
            assert!(!private_use(*to), "{to:?}");
        }
        assert!(private_use('\u{E0B7}') && private_use('\u{F8FF}') && private_use('\u{10FFFD}'));
        assert!(!private_use('•') && !private_use('\u{F900}'));
    }
}

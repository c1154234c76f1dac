//! Mail: what reaches a header. Display names and subjects folded to one line, addresses
//! parsed.

use lettre::message::Mailbox;

/// Header text is cut to this many characters: a display name or subject this long is a
/// mistake, and an unbroken ASCII word longer than a header line cannot be folded.
pub(crate) const HEADER_TEXT_MAX: usize = 200;

/// Folds text bound for a header to one line: every control character (C0, DEL, C1), line or
/// paragraph break (LF, CR LF, U+0085, U+2028, U+2029), tab, other white space and bidi
/// embedding, override or isolate control becomes a space; runs of spaces become one; the
/// ends are trimmed; text longer than [`HEADER_TEXT_MAX`] characters is cut with `…`.
pub(crate) fn header_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * HEADER_TEXT_MAX));
    let mut count = 0;
    let mut pending_space = false;
    for c in text.chars() {
        let blank = c.is_control()
            || c.is_whitespace()
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if blank {
            pending_space = !out.is_empty();
            continue;
        }
        let need = if pending_space { 2 } else { 1 };
        if count + need > HEADER_TEXT_MAX {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        count += need;
    }
    out
}

/// The mailbox with its display name folded by [`header_text`] (none when nothing is left).
pub(crate) fn clean_mailbox(mb: &Mailbox) -> Mailbox {
    let name = mb
        .name
        .as_deref()
        .map(header_text)
        .filter(|n| !n.is_empty());
    Mailbox::new(name, mb.email.clone())
}

/// Parses a command-line address: `jane@example.com` or `Jane Doe <jane@example.com>`.
pub(crate) fn parse_mailbox(flag: &str, text: &str) -> Result<Mailbox, String> {
    text.parse::<Mailbox>()
        .map(|mb| clean_mailbox(&mb))
        .map_err(|e| format!("{flag} `{text}` is not an email address ({e})"))
}

//! Render: what the binary embeds, every file under `templates/` and every font under
//! `fonts/` (listed by `build.rs`), so that layerbrief runs from any folder with nothing
//! beside it.

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The embedded template files: path relative to `templates/`, and bytes.
pub(crate) fn embedded_templates() -> &'static [(&'static str, &'static [u8])] {
    embedded::TEMPLATES
}

/// The embedded font files: name and bytes.
pub(crate) fn embedded_fonts() -> &'static [(&'static str, &'static [u8])] {
    embedded::FONTS
}

/// The licence of the embedded fonts, published with them.
pub(crate) const FONT_LICENSE: &str = include_str!("../../fonts/LICENSE-Inter.txt");

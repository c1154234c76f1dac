//! View: one typed projection of a scored assessment per output, every label made once.
//!
//! Policy: each output has its own data builder here, fed by the same
//! [`crate::score::Scored`]: the brief's data ([`brief`]), the `score --json` reading
//! ([`scorecard`]), the published record ([`record`]), the portfolio's rows and page
//! ([`portfolio`]), the email ([`email`]) and the web pages ([`web`]); the stack picture's data
//! ([`stack`]) is shared by the brief, the web page, the portfolio and the email. Words a reader sees for
//! a value (status and authority words, role and field words, layer names, the ruleset
//! changelog) come from [`labels`] and travel in the data: no template derives them again.
//! Nothing here lays out, renders or writes.

pub(crate) mod brief;
pub(crate) mod changes;
pub(crate) mod email;
pub(crate) mod labels;
pub(crate) mod portfolio;
pub(crate) mod record;
pub(crate) mod scorecard;
pub(crate) mod stack;
pub(crate) mod web;

use serde::{Deserialize, Serialize};

/// Paper size of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    /// US Letter (the default).
    #[default]
    UsLetter,
    /// ISO A4.
    A4,
}

//! Below the stages: what every stage shares. The typed assessment ([`assessment`], its items
//! re-exported here), the workbook's contract of sheets and columns ([`sheets`]), the DAPM
//! rulesets and the eight layers ([`ruleset`]), and diagnostics that name a file and cell
//! ([`diag`]).
//!
//! Policy: nothing here reads a file or knows a later stage; the stages above import it,
//! never the reverse.

pub mod assessment;
pub mod diag;
pub mod ruleset;
pub mod sheets;

pub use assessment::*;

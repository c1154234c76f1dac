//! Publish: what a build's briefs become for their readers. Mail (.eml drafts, SMTP, the
//! sent log), the portfolio (many assessments side by side), the web edition and its live
//! preview, and the blank workbook an assessment starts from.
//!
//! Policy: publishing uses what the build prepared in the same run; it never loads,
//! validates or scores a workbook the build already did.

pub(crate) mod blank;
pub(crate) mod mail;
pub(crate) mod portfolio;
pub(crate) mod preview;
pub(crate) mod site;

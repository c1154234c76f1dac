//! layerbrief: assessment workbooks in, client-ready PDF briefs out.
//!
//! The pipeline runs one way through five stages, each a module with one entry point:
//! [`load::load`] → [`validate::validate`] → [`score::score`] → render → write.

pub mod batch;
pub mod blank;
pub mod cli;
pub mod commands;
pub mod diag;
pub mod load;
pub mod mail;
pub mod manifest;
pub mod model;
pub mod output;
pub mod render;
pub mod rescore;
pub mod ruleset;
pub mod schema;
pub mod score;
pub mod validate;
pub mod watch;
pub mod xlsx;

//! The integration tests of layerbrief, one binary with a module per topic: the real
//! `layerbrief` binary run on workbooks built from the CoreWeave fixtures.

mod common;

mod batch;
mod brief;
mod changes;
mod conformance;
mod export;
mod first_hour;
mod formats;
mod hostile;
mod mail;
mod portfolio;
mod preview;
mod project;
mod relay;
mod scoring;
mod site;
mod stack;
mod text;
mod validation;

//! The interchange tests, one test binary (one link, one file on disk) for all of them.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;
mod hostile_files;
mod import;
mod import_rules;
mod measure_limits;
mod plan_files;
mod readers_fuzz;
mod returns_files;
mod sheets;

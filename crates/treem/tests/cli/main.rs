//! The cli tests, one test binary (one link, one file on disk) for all of them.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;
mod backup_cli;
mod cli;
mod dataset_cli;
mod ids_cli;
mod indicators_cli;
mod layout;
mod programme_cli;
mod report_cli;
mod tls;

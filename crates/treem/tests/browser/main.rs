//! The browser tests, one test binary (one link, one file on disk) for all of them.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod browser_common;
mod browser;
mod browser_cases;
mod browser_ids;
mod browser_phone;
mod browser_plan;
mod browser_village;
mod browser_walk;
mod browser_zscore;

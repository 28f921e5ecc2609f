//! The store tests, one test binary (one link, one file on disk) for all of them.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;
mod contract;
mod contract_bulk_import;
mod contract_cases;
mod contract_figure_reads;
mod contract_figures;
mod contract_health;
mod contract_held_uploads;
mod contract_ids;
mod contract_measurement_changes;
mod contract_plans;
mod contract_returns;
mod contract_village_sessions;
mod contract_villages;
mod pg_connections;
mod pg_fact_units;

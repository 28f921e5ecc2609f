//! The web tests, one test binary (one link, one file on disk) for all of them.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;
mod access;
mod admin;
mod api;
mod auth;
mod case_closure;
mod case_documents;
mod case_handover;
mod case_report_form;
mod cases;
mod cross_unit;
mod dashboard;
mod datasets;
mod datasets_held;
mod demo_round_trip;
mod duplicates;
mod facts;
mod full_disk;
mod gaps;
mod growth;
mod hardening;
mod ids;
mod indicators_backends;
mod kept_figures;
mod kept_groups;
mod kept_under;
mod key_check;
mod plan_derive;
mod plan_document;
mod plan_import;
mod plan_progress;
mod plans;
mod programme;
mod registry;
mod replica;
mod report_draft;
mod returns;
mod search_index;
mod supervisions;
mod targets;
mod throttling;
mod village;
mod village_paper;
mod village_size;

//! The plan's files of a data set (module 7; docs/plan-files.md):
//! `agencies`, `plan_tasks`, `progress`, `supervisions` and
//! `recommendations`. Their rows are read like every file's (encodings,
//! normalisation, lengths, repeated keys), kept aside, then checked against
//! the stored plans and the data set's own earlier rows (`check`, `work`)
//! and written in the import's transaction. `export` writes them back.

pub(crate) mod cells;
pub(crate) mod check;
pub mod export;
mod fields;
mod state;
mod work;

/// The plan files' rows one data set may hold: they are kept in memory
/// until every file is read (a nation's plans, 10,000 communes × 31 tasks,
/// fit; beyond, the data set is split by unit).
pub const MAX_ROWS: usize = 500_000;

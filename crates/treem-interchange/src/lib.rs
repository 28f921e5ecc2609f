//! Data sets of interchange format v1 (shared/spec/interchange.md): reading
//! a folder of CSV files, a workbook or a zip as real offices keep them,
//! checking every row, importing in one transaction, and exporting in the
//! same format.

pub mod cell;
mod context;
mod duplicates;
pub mod export;
pub mod ids;
pub mod ids_round;
pub mod import;
mod job;
pub mod legacy;
pub mod limits;
pub mod plan_files;
mod raw;
mod read_file;
pub mod records;
pub mod report;
mod returns_file;
mod sink;
pub mod source;
pub mod spec;
mod tables;
pub mod template;
pub mod units;
mod write_rows;

pub use import::import;
pub use job::{ImportError, Options, Progress, Quiet};
pub use limits::Limits;
pub use report::{Problem, Report};
pub use source::DataSet;

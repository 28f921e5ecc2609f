//! Data sets of interchange format v1 (shared/spec/interchange.md): reading
//! a folder of CSV files, a workbook or a zip as real offices keep them,
//! checking every row, importing in one transaction, and exporting in the
//! same format.

pub mod cell;
mod context;
mod duplicates;
pub mod export;
pub mod import;
pub mod legacy;
pub mod limits;
mod read_file;
pub mod records;
pub mod report;
pub mod source;
pub mod spec;
pub mod template;
pub mod units;
mod write_rows;

pub use import::{ImportError, Options, Progress, Quiet, import};
pub use limits::Limits;
pub use report::{Problem, Report};
pub use source::DataSet;

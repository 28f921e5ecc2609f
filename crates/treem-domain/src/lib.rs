//! Pure domain code of treem: no HTTP, no SQL. Everything here is plain
//! functions over plain data, tested without a database or a server.

pub mod access;
pub mod anthro;
pub mod audit;
pub mod cases;
pub mod child;
pub mod child_input;
pub mod clock;
pub mod demo;
pub mod demo_facts;
pub mod duplicates;
pub mod i18n;
pub mod ids;
pub mod indicators;
pub mod national_id;
pub mod nutrition;
pub mod plan;
pub mod report_sections;
pub mod returns;
pub mod scope;
pub mod search_index;
#[cfg(test)]
pub(crate) mod test_support;
pub mod text;
pub mod unit_file;
pub mod units;
pub mod village;

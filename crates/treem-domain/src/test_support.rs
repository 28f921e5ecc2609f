//! What the domain's tests share: Lai Châu's units with their history,
//! dates, and a unit version by code and day.

use chrono::NaiveDate;

use crate::unit_file::{LAI_CHAU_UNITS, parse_unit_file};
use crate::units::UnitHistory;

/// Lai Châu's units, across the 2025 reform.
pub fn history() -> UnitHistory {
    UnitHistory::new(parse_unit_file(LAI_CHAU_UNITS.as_bytes()).unwrap_or_default())
}

/// A date (`NaiveDate::MIN` for an impossible one: the test then fails).
pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

/// The index of a unit version valid on a date (`usize::MAX` for none).
pub fn unit(h: &UnitHistory, code: &str, on: NaiveDate) -> usize {
    h.resolve(code, on)
        .and_then(|u| h.index_of(u))
        .unwrap_or(usize::MAX)
}

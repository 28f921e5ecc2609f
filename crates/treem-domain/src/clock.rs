//! Time as Vietnamese offices count it: Asia/Ho_Chi_Minh, UTC+7 all year
//! (Vietnam has no daylight saving time).

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// The Asia/Ho_Chi_Minh offset.
// Evaluated at compile time: an out-of-range offset fails the build, never a run.
#[allow(clippy::panic)]
pub const VN_OFFSET: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(o) => o,
    None => panic!("UTC+7 is a valid offset"),
};

/// The Asia/Ho_Chi_Minh offset.
pub fn vn_offset() -> FixedOffset {
    VN_OFFSET
}

/// The local date in Vietnam at instant `now`.
pub fn vn_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&vn_offset()).date_naive()
}

/// Today's date in Vietnam.
pub fn vn_today() -> NaiveDate {
    vn_date(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_changes_at_17_utc() {
        let before = DateTime::parse_from_rfc3339("2025-06-30T16:59:59Z").map(|d| d.to_utc());
        let after = DateTime::parse_from_rfc3339("2025-06-30T17:00:00Z").map(|d| d.to_utc());
        assert_eq!(
            before.map(vn_date).ok(),
            NaiveDate::from_ymd_opt(2025, 6, 30)
        );
        assert_eq!(after.map(vn_date).ok(), NaiveDate::from_ymd_opt(2025, 7, 1));
    }
}

//! Time as Vietnamese offices count it: Asia/Ho_Chi_Minh, UTC+7 all year
//! (Vietnam has no daylight saving time).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

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

/// A date as an administrative document writes it (Decree 30/2020,
/// appendix I): «ngày 06 tháng 12 năm 2026» — a day below 10 and the
/// months 1 and 2 with a leading zero, the other months without.
pub fn document_date(d: NaiveDate) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_write_dates_as_decree_30_says() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        assert_eq!(document_date(d(2026, 3, 2)), "ngày 02 tháng 3 năm 2026");
        assert_eq!(document_date(d(2026, 12, 6)), "ngày 06 tháng 12 năm 2026");
        assert_eq!(document_date(d(2026, 1, 15)), "ngày 15 tháng 01 năm 2026");
        assert_eq!(document_date(d(2026, 2, 28)), "ngày 28 tháng 02 năm 2026");
        assert_eq!(document_date(d(2025, 10, 10)), "ngày 10 tháng 10 năm 2025");
    }

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

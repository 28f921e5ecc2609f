//! Reading single cells: the spellings the format accepts for dates,
//! decimals, yes/no, and coded values in English or Vietnamese.

use chrono::NaiveDate;
use treem_domain::text::fold;

/// Reads a date: `YYYY-MM-DD`, `DD/MM/YYYY` or `D/M/YYYY` (never guessed:
/// `03/04/2020` is 3 April). Workbook date cells arrive as `YYYY-MM-DD`.
pub fn date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let parts: Vec<&str> = if s.contains('-') {
        s.split('-').collect()
    } else {
        let mut p: Vec<&str> = s.split('/').collect();
        p.reverse();
        p
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let digits = |t: &str, min: usize, max: usize| {
        (min..=max).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(y, 4, 4) || !digits(m, 1, 2) || !digits(d, 1, 2) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Reads a decimal with `.` or `,` as the decimal mark (no thousands
/// separators, so `1,234` is 1.234 and `1.234,5` is refused).
pub fn decimal(s: &str) -> Option<f64> {
    let t = s.trim().replace(',', ".");
    let ok = !t.is_empty()
        && t.matches('.').count() <= 1
        && t.trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && t.chars().any(|c| c.is_ascii_digit());
    if !ok {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Reads a whole number (a workbook may give `12` as `12.0`).
pub fn integer(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Some(n);
    }
    let x = decimal(t)?;
    (x.fract() == 0.0 && x.abs() < 9e15).then_some(x as i64)
}

/// A text that is not a yes/no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotABool;

/// Reads a yes/no cell; empty is unknown.
pub fn boolean(s: &str) -> Result<Option<bool>, NotABool> {
    match s {
        "yes" => return Ok(Some(true)),
        "no" => return Ok(Some(false)),
        _ => {}
    }
    treem_domain::child_input::parse_bool(s).map_err(|_| NotABool)
}

/// A coded value: its code and the other spellings it accepts.
pub type Codes = &'static [(&'static str, &'static [&'static str])];

/// Reads a coded value: the English code or a Vietnamese word for it,
/// accents, case and `_` ignored.
pub fn coded(s: &str, codes: Codes) -> Option<&'static str> {
    // The export writes the codes themselves: find those without folding.
    if let Some((code, _)) = codes.iter().find(|(c, _)| *c == s) {
        return Some(code);
    }
    let key = crate::spec::header_key(s);
    codes.iter().find_map(|(code, words)| {
        (crate::spec::header_key(code) == key || words.iter().any(|w| fold(w) == key))
            .then_some(*code)
    })
}

/// The codes of each coded column, with their Vietnamese words.
pub mod codes {
    use super::Codes;

    pub const POSITION: Codes = &[("lying", &["nằm", "l"]), ("standing", &["đứng", "h", "s"])];
    pub const ENROLMENT_LEVEL: Codes = &[
        ("preschool", &["mầm non", "mẫu giáo"]),
        ("primary", &["tiểu học"]),
        ("lower_secondary", &["thcs", "trung học cơ sở"]),
    ];
    pub const SCHOOL_LEVEL: Codes = &[
        ("preschool", &["mầm non", "mẫu giáo"]),
        ("primary", &["tiểu học"]),
        ("lower_secondary", &["thcs", "trung học cơ sở"]),
        ("combined", &["liên cấp", "phổ thông cơ sở", "ptcs"]),
    ];
    pub const ENROLMENT_STATUS: Codes = &[
        ("enrolled", &["đang học"]),
        (
            "completed",
            &[
                "hoàn thành",
                "hoàn thành ctth",
                "hoàn thành chương trình tiểu học",
            ],
        ),
        ("not_completed", &["chưa hoàn thành", "không hoàn thành"]),
        ("graduated", &["tốt nghiệp", "tốt nghiệp thcs"]),
        ("not_graduated", &["chưa tốt nghiệp", "không tốt nghiệp"]),
        ("dropped_out", &["bỏ học"]),
        ("transferred", &["chuyển đi", "chuyển trường"]),
    ];
    /// A task's cadence (docs/plan-files.md).
    pub const CADENCE: Codes = &[
        ("once", &["một lần"]),
        (
            "6-monthly",
            &["6 tháng", "sáu tháng", "hằng 6 tháng", "6-monthly"],
        ),
        ("yearly", &["hằng năm", "hàng năm", "năm"]),
        ("ongoing", &["thường xuyên", "liên tục"]),
    ];
    /// Where a task stands in a progress report.
    pub const PROGRESS_STATUS: Codes = &[
        ("not_started", &["chưa bắt đầu", "chưa thực hiện"]),
        ("under_way", &["đang thực hiện", "đang triển khai"]),
        ("done", &["hoàn thành", "đã hoàn thành"]),
    ];
    /// The body that supervises.
    pub const SUPERVISION_KIND: Codes = &[
        ("council", &["hđnd", "hội đồng nhân dân"]),
        ("front", &["mttq", "mặt trận", "mặt trận tổ quốc"]),
        ("party", &["cấp ủy", "đảng ủy", "huyện ủy"]),
        ("committee", &["ubnd", "ủy ban nhân dân"]),
    ];
    pub const PARTICIPATION: Codes = &[
        ("awareness", &["nâng cao nhận thức"]),
        ("forum", &["diễn đàn"]),
        ("club", &["câu lạc bộ", "clb"]),
        ("council", &["hội đồng trẻ em"]),
        ("other", &["khác"]),
    ];
    pub const HARM: Codes = &[
        ("violence", &["bạo lực"]),
        ("sexual_abuse", &["xâm hại tình dục"]),
        ("exploitation", &["bóc lột"]),
        ("child_labour", &["lao động trẻ em"]),
        ("trafficking", &["mua bán", "mua bán trẻ em"]),
        ("abandonment", &["bỏ rơi"]),
        ("neglect", &["sao nhãng", "bỏ mặc"]),
        ("other", &["khác"]),
    ];
}

/// A school year `YYYY-YYYY` whose second year follows the first.
pub fn school_year(s: &str) -> Option<String> {
    let t = s.trim();
    let (a, b) = t.split_once('-')?;
    let (a, b): (i32, i32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    ((1900..=2200).contains(&a) && b == a + 1).then(|| format!("{a}-{b}"))
}

/// The sign-prefix rule of export: a text cell that a spreadsheet would
/// read as a formula is written behind one `'`, and import takes exactly
/// that one away again. A text that itself starts with `'` before such a
/// sign is prefixed too, so every text comes back unchanged.
pub fn needs_quote(s: &str) -> bool {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => true,
        Some('\'') => needs_quote(&s[1..]),
        _ => false,
    }
}

/// The export form of a text cell.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_quote(s) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// The stored form of an imported text cell.
pub fn unescape(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_accepted_spelling_and_never_guessed() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(date("2020-04-03"), d(2020, 4, 3));
        assert_eq!(date("03/04/2020"), d(2020, 4, 3));
        assert_eq!(date("3/4/2020"), d(2020, 4, 3));
        assert_eq!(date(" 31/12/2019 "), d(2019, 12, 31));
        for bad in [
            "2020-02-30",
            "04/2020",
            "2020/04/03",
            "3-4-2020",
            "20-04-03",
            "",
            "x",
            "1/1/20",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimals_with_either_mark_and_no_thousands() {
        assert_eq!(decimal("12,5"), Some(12.5));
        assert_eq!(decimal("12.5"), Some(12.5));
        assert_eq!(decimal("7"), Some(7.0));
        for bad in ["1.234,5", "1 234", "abc", "", ".", "NaN", "inf", "1e3"] {
            assert_eq!(decimal(bad), None, "{bad}");
        }
        assert_eq!(integer("12.0"), Some(12));
        assert_eq!(integer("12.5"), None);
    }

    #[test]
    fn coded_values_in_english_or_vietnamese() {
        use codes::*;
        assert_eq!(coded("lying", POSITION), Some("lying"));
        assert_eq!(coded("NẰM", POSITION), Some("lying"));
        assert_eq!(coded("nam", POSITION), Some("lying"));
        assert_eq!(coded("Mầm non", ENROLMENT_LEVEL), Some("preschool"));
        assert_eq!(coded("bo hoc", ENROLMENT_STATUS), Some("dropped_out"));
        assert_eq!(coded("Dropped out", ENROLMENT_STATUS), Some("dropped_out"));
        assert_eq!(coded("CLB", PARTICIPATION), Some("club"));
        assert_eq!(coded("sitting", POSITION), None);
    }

    #[test]
    fn school_years_follow_on() {
        assert_eq!(school_year("2024-2025").as_deref(), Some("2024-2025"));
        assert_eq!(school_year("2024-2026"), None);
        assert_eq!(school_year("2024"), None);
    }

    #[test]
    fn the_formula_prefix_round_trips() {
        for s in [
            "=1+1", "+84912", "-x", "@a", "\tx", "'=x", "''=x", "'plain", "plain", "", "'",
        ] {
            assert_eq!(unescape(&escape(s)), s, "{s:?}");
        }
        assert_eq!(escape("=1+1"), "'=1+1");
        assert_eq!(escape("'plain"), "'plain");
        assert_eq!(unescape("'plain"), "'plain");
    }
}

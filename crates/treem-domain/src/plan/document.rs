//! A plan's source document (`spec/plan.md`: number, date, issuing body)
//! and the documents it carries out: how the report names them in its
//! legal basis, and the checks on what an officer types for them.

use chrono::NaiveDate;

/// The longest number of a document ("12-KH/HU").
pub const NUMBER_MAX: usize = 100;

/// How a document is named in a sentence: «Kế hoạch số 12-KH/HU ngày
/// 05/6/2024 của Ban Thường vụ Huyện ủy Tam Đường thực hiện Chỉ thị
/// 28-CT/TW». The number and date are left out when not known.
pub fn document_name(
    title: &str,
    number: Option<&str>,
    issued_on: Option<NaiveDate>,
    issued_by: &str,
) -> String {
    let title = title.trim();
    let (kind, rest) = match title.strip_prefix("Kế hoạch") {
        Some(rest) => ("Kế hoạch", rest.trim_start()),
        None => (title, ""),
    };
    let mut out = kind.to_string();
    if let Some(n) = number.map(str::trim).filter(|n| !n.is_empty()) {
        out.push_str(" số ");
        out.push_str(n);
    }
    if let Some(d) = issued_on {
        out.push_str(&format!(" ngày {}", d.format("%d/%m/%Y")));
    }
    let by = issued_by.trim();
    if !by.is_empty() {
        out.push_str(" của ");
        out.push_str(by);
    }
    if !rest.is_empty() {
        out.push(' ');
        out.push_str(rest);
    }
    out
}

/// The basis lines as typed: trimmed, empty lines dropped.
pub fn basis_lines(basis: &str) -> Vec<&str> {
    basis
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// A plan's document as typed on its page, checked: the number at most
/// [`NUMBER_MAX`] characters, the date not after `today`, the basis at most
/// `TEXT_MAX` characters (what an interchange cell holds). A refusal is a
/// locale key.
pub fn check(
    number: &str,
    issued_on: &str,
    basis: &str,
    today: NaiveDate,
) -> Result<(Option<String>, Option<NaiveDate>, String), &'static str> {
    let number = number.trim();
    if number.chars().count() > NUMBER_MAX {
        return Err("plan.err_number_long");
    }
    let issued_on = match issued_on.trim() {
        "" => None,
        d => Some(
            crate::anthro::parse_date(d)
                .ok_or("plan.err_issued_on")
                .and_then(|d| {
                    if d > today {
                        Err("plan.err_issued_on_future")
                    } else {
                        Ok(d)
                    }
                })?,
        ),
    };
    let basis = basis_lines(basis).join("\n");
    if basis.chars().count() > super::filing::TEXT_MAX {
        return Err("plan.err_basis_long");
    }
    Ok((
        (!number.is_empty()).then(|| number.to_string()),
        issued_on,
        basis,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_plan_is_named_as_a_sentence_names_it() {
        let by = "Ban Thường vụ Huyện ủy Tam Đường";
        let title = "Kế hoạch thực hiện Chỉ thị 28-CT/TW";
        assert_eq!(
            document_name(title, Some("12-KH/HU"), Some(d(2024, 6, 5)), by),
            "Kế hoạch số 12-KH/HU ngày 05/06/2024 của Ban Thường vụ Huyện ủy Tam Đường \
             thực hiện Chỉ thị 28-CT/TW"
        );
        assert_eq!(
            document_name(title, None, None, by),
            "Kế hoạch của Ban Thường vụ Huyện ủy Tam Đường thực hiện Chỉ thị 28-CT/TW"
        );
        assert_eq!(
            document_name("Chương trình hành động", Some(" "), None, "Tỉnh ủy"),
            "Chương trình hành động của Tỉnh ủy"
        );
    }

    #[test]
    fn what_is_typed_is_checked() {
        let today = d(2026, 12, 6);
        assert_eq!(
            check(" 12-KH/HU ", "05/06/2024", " a \n\n b ", today),
            Ok((Some("12-KH/HU".into()), Some(d(2024, 6, 5)), "a\nb".into()))
        );
        assert_eq!(check("", "", "", today), Ok((None, None, String::new())));
        assert_eq!(
            check(&"1".repeat(101), "", "", today),
            Err("plan.err_number_long")
        );
        assert_eq!(
            check("", "31/02/2024", "", today),
            Err("plan.err_issued_on")
        );
        assert_eq!(
            check("", "07/12/2026", "", today),
            Err("plan.err_issued_on_future")
        );
        assert_eq!(
            check("", "", &"x".repeat(1001), today),
            Err("plan.err_basis_long")
        );
    }
}

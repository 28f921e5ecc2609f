//! The ID verification round with the commune police (Project 06): which
//! children go on the list for the police and why, what a returned row may
//! say, and how complete the link to the population database is. Pure:
//! the store finds the records, the interchange reads the workbook.

use chrono::NaiveDate;

use crate::child::Sex;
use crate::national_id::{NationalId, NationalIdError};
use crate::text::fold;

/// Why a child is on the list for the police, the first that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No ID number on record.
    Missing,
    /// The number on record is not a valid one for this child.
    Malformed(NationalIdError),
    /// Another record holds the same number.
    Shared,
    /// The police did not find the child last time.
    NotFound,
    /// A valid number never verified (or changed since it was).
    Unverified,
}

impl Reason {
    /// The stable code (the list's `reason` column).
    pub fn code(self) -> &'static str {
        match self {
            Reason::Missing => "missing",
            Reason::Malformed(_) => "malformed",
            Reason::Shared => "shared",
            Reason::NotFound => "not_found",
            Reason::Unverified => "unverified",
        }
    }

    /// In Vietnamese, as the police read it.
    pub fn vi(self) -> String {
        match self {
            Reason::Missing => "Chưa có số định danh".into(),
            Reason::Malformed(e) => format!("Số định danh không hợp lệ: {}", e.vi()),
            Reason::Shared => "Trùng số định danh với trẻ khác".into(),
            Reason::NotFound => "Lần đối chiếu trước không tìm thấy".into(),
            Reason::Unverified => "Chưa được xác thực".into(),
        }
    }
}

/// What the record says about a child's number.
#[derive(Debug, Clone, Copy)]
pub struct OnRecord<'a> {
    pub national_id: Option<&'a str>,
    pub sex: Sex,
    pub born: NaiveDate,
    /// The number the police verified last, if any.
    pub verified: Option<&'a str>,
    /// The last round's result (`match`, `corrected`, `not_found`).
    pub last_result: Option<&'a str>,
    /// Another record holds the same number.
    pub shared: bool,
}

/// Why the child goes on the list, or `None` when her number is verified
/// and unchanged since.
pub fn reason(r: &OnRecord) -> Option<Reason> {
    let Some(number) = r.national_id.filter(|n| !n.trim().is_empty()) else {
        return Some(if r.last_result == Some("not_found") {
            Reason::NotFound
        } else {
            Reason::Missing
        });
    };
    if let Err(e) = NationalId::parse(number, Some(r.sex), Some(r.born)) {
        return Some(Reason::Malformed(e));
    }
    if r.shared {
        return Some(Reason::Shared);
    }
    if r.verified == Some(number) {
        None
    } else if r.last_result == Some("not_found") {
        Some(Reason::NotFound)
    } else {
        Some(Reason::Unverified)
    }
}

/// How a child's number stands in the link (the completeness figure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Link {
    /// A number the police verified, unchanged since.
    Verified,
    /// A number on record not (yet) verified.
    Unverified,
    /// No number.
    None,
}

impl Link {
    pub const ALL: [Link; 3] = [Link::Verified, Link::Unverified, Link::None];

    pub fn code(self) -> &'static str {
        match self {
            Link::Verified => "verified",
            Link::Unverified => "unverified",
            Link::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Link> {
        Link::ALL.into_iter().find(|l| l.code() == s)
    }
}

/// Where a record's number stands.
pub fn link(national_id: Option<&str>, verified: Option<&str>) -> Link {
    match national_id.filter(|n| !n.trim().is_empty()) {
        None => Link::None,
        Some(n) if verified == Some(n) => Link::Verified,
        Some(_) => Link::Unverified,
    }
}

/// What the police wrote for a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The record matches the population database.
    Match,
    /// Found, with details the officer should correct.
    Corrected,
    /// Not found in the population database.
    NotFound,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Match, Outcome::Corrected, Outcome::NotFound];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Match => "match",
            Outcome::Corrected => "corrected",
            Outcome::NotFound => "not_found",
        }
    }

    pub fn vi(self) -> &'static str {
        match self {
            Outcome::Match => "khớp",
            Outcome::Corrected => "đã sửa thông tin",
            Outcome::NotFound => "không tìm thấy",
        }
    }

    /// The code or the Vietnamese words, accents and case ignored.
    pub fn parse(s: &str) -> Option<Outcome> {
        let key = fold(s.trim()).replace('_', " ");
        Outcome::ALL
            .into_iter()
            .find(|o| key == o.code().replace('_', " ") || key == fold(o.vi()))
    }
}

/// A returned row as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Returned {
    /// The workbook's line (1 = the header).
    pub line: usize,
    pub child_code: String,
    pub number: String,
    pub result: String,
}

/// A returned row's problem: (column, Vietnamese, English).
pub type Problem = (&'static str, String, String);

/// Checks a returned row against the child it names (`None`: not one of
/// the list's children) and whoever else holds the number it gives
/// (another child's code): the outcome and, for `match` and `corrected`,
/// the verified number — 12 digits, consistent with the child's birth
/// year and sex, held by no other child. `not_found` gives no number.
pub fn check_returned(
    row: &Returned,
    child: Option<(Sex, NaiveDate)>,
    held_by: Option<&str>,
) -> Result<(Outcome, Option<NationalId>), Vec<Problem>> {
    let mut out = Vec::new();
    let Some((sex, born)) = child else {
        out.push((
            "child_id",
            format!(
                "Mã trẻ «{}» không có trong danh sách trẻ em của xã",
                row.child_code
            ),
            format!("No child '{}' among the commune's children", row.child_code),
        ));
        return Err(out);
    };
    let Some(outcome) = Outcome::parse(&row.result) else {
        out.push((
            "result",
            format!(
                "«{}» không hợp lệ; ghi «khớp», «đã sửa thông tin» hoặc «không tìm thấy»",
                row.result.trim()
            ),
            format!(
                "'{}' is not one of match, corrected, not_found",
                row.result.trim()
            ),
        ));
        return Err(out);
    };
    let number = row.number.trim();
    if outcome == Outcome::NotFound {
        if !number.is_empty() {
            out.push((
                "verified_national_id",
                "Không tìm thấy thì không ghi số định danh".into(),
                "A child not found has no verified number".into(),
            ));
            return Err(out);
        }
        return Ok((outcome, None));
    }
    if number.is_empty() {
        out.push((
            "verified_national_id",
            "Bắt buộc khi kết quả là «khớp» hoặc «đã sửa thông tin»".into(),
            "Required when the result is match or corrected".into(),
        ));
        return Err(out);
    }
    let id = match NationalId::parse(number, Some(sex), Some(born)) {
        Ok(id) => id,
        Err(e) => {
            out.push((
                "verified_national_id",
                format!("«{number}»: {}", e.vi()),
                format!("'{number}': {}", e.en()),
            ));
            return Err(out);
        }
    };
    if let Some(other) = held_by {
        out.push((
            "verified_national_id",
            format!(
                "Số {} đang là số định danh của trẻ có mã {other}: xử lý hồ sơ đó trước rồi nhập lại",
                id.as_str()
            ),
            format!(
                "{} is the number of child {other}: resolve that record, then import again",
                id.as_str()
            ),
        ));
        return Err(out);
    }
    Ok((outcome, Some(id)))
}

#[cfg(test)]
#[path = "ids_tests.rs"]
mod tests;

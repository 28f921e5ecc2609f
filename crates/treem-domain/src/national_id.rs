//! The 12-digit personal identification number (số định danh cá nhân,
//! Circular 07/2016/TT-BCA): 3 digits of the province where the birth was
//! registered, 1 digit for century and sex, 2 digits of the birth year,
//! 6 serial digits.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};

use crate::child::Sex;

/// A checked personal identification number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NationalId(String);

/// Why a number is not a valid personal identification number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdError {
    #[error("phải gồm đúng 12 chữ số / must be exactly 12 digits")]
    Shape,
    #[error(
        "3 chữ số đầu không phải mã tỉnh nơi đăng ký khai sinh / the first 3 digits are not a province code"
    )]
    Province,
    #[error(
        "chữ số thứ 4 không khớp giới tính và thế kỷ sinh / the 4th digit does not match sex and century of birth"
    )]
    CenturySex,
    #[error("chữ số thứ 5–6 không khớp năm sinh / digits 5–6 do not match the year of birth")]
    BirthYear,
}

impl NationalIdError {
    /// The reason in Vietnamese alone.
    pub fn vi(self) -> &'static str {
        match self {
            NationalIdError::Shape => "phải gồm đúng 12 chữ số",
            NationalIdError::Province => "3 chữ số đầu không phải mã tỉnh nơi đăng ký khai sinh",
            NationalIdError::CenturySex => "chữ số thứ 4 không khớp giới tính và thế kỷ sinh",
            NationalIdError::BirthYear => "chữ số thứ 5–6 không khớp năm sinh",
        }
    }

    /// The reason in English alone.
    pub fn en(self) -> &'static str {
        match self {
            NationalIdError::Shape => "must be exactly 12 digits",
            NationalIdError::Province => "the first 3 digits are not a province code",
            NationalIdError::CenturySex => "the 4th digit does not match sex and century of birth",
            NationalIdError::BirthYear => "digits 5–6 do not match the year of birth",
        }
    }
}

static PREFIXES: LazyLock<Vec<String>> = LazyLock::new(|| {
    include_str!("../../../data/id_province_codes.csv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(str::to_string)
        .collect()
});

/// The century/sex digit for a birth: 0/1 for 1900–1999, 2/3 for 2000–2099,
/// 4/5 for 2100–2199 …; even for men, odd for women.
fn century_sex_digit(sex: Sex, born: NaiveDate) -> Option<u32> {
    let century = u32::try_from(born.year() / 100).ok()?.checked_sub(19)?;
    let digit = century * 2 + u32::from(sex == Sex::Female);
    (digit <= 9).then_some(digit)
}

impl NationalId {
    /// Checks a number against the province table, and — when known — the
    /// child's sex and date of birth. Spaces and dots typed between digit
    /// groups are ignored.
    pub fn parse(
        text: &str,
        sex: Option<Sex>,
        born: Option<NaiveDate>,
    ) -> Result<Self, NationalIdError> {
        let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '.')).collect();
        if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(NationalIdError::Shape);
        }
        if !PREFIXES.iter().any(|p| digits.starts_with(p.as_str())) {
            return Err(NationalIdError::Province);
        }
        let digit = |i: usize| digits.as_bytes()[i] - b'0';
        if let (Some(sex), Some(born)) = (sex, born) {
            if century_sex_digit(sex, born) != Some(u32::from(digit(3))) {
                return Err(NationalIdError::CenturySex);
            }
        } else if let Some(born) = born {
            // Sex unknown: the digit must still name the right century.
            if century_sex_digit(Sex::Male, born).map(|d| d / 2) != Some(u32::from(digit(3)) / 2) {
                return Err(NationalIdError::CenturySex);
            }
        }
        if let Some(born) = born {
            let yy = u32::from(digit(4)) * 10 + u32::from(digit(5));
            if i64::from(yy) != i64::from(born.year().rem_euclid(100)) {
                return Err(NationalIdError::BirthYear);
            }
        }
        Ok(NationalId(digits))
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, 5, 17)
    }

    #[test]
    fn valid_numbers() {
        let id = NationalId::parse("012319001234", Some(Sex::Female), d(2019)).map(|n| n.0);
        assert_eq!(id, Ok("012319001234".to_string()));
        assert!(NationalId::parse("012 219 001234", Some(Sex::Male), d(2019)).is_ok());
        assert!(NationalId::parse("001085001234", Some(Sex::Male), d(1985)).is_ok());
        assert!(NationalId::parse("001185001234", Some(Sex::Female), d(1985)).is_ok());
        // Without sex and birth date only shape and province are checked.
        assert!(NationalId::parse("012999999999", None, None).is_ok());
    }

    #[test]
    fn each_defect_is_named() {
        assert_eq!(
            NationalId::parse("01231900123", None, None),
            Err(NationalIdError::Shape)
        );
        assert_eq!(
            NationalId::parse("01231900123x", None, None),
            Err(NationalIdError::Shape)
        );
        assert_eq!(
            NationalId::parse("003319001234", None, None),
            Err(NationalIdError::Province)
        );
        assert_eq!(
            NationalId::parse("099319001234", None, None),
            Err(NationalIdError::Province)
        );
        assert_eq!(
            NationalId::parse("012219001234", Some(Sex::Female), d(2019)),
            Err(NationalIdError::CenturySex)
        );
        assert_eq!(
            NationalId::parse("012119001234", None, d(2019)),
            Err(NationalIdError::CenturySex),
            "1 is the 20th century"
        );
        assert_eq!(
            NationalId::parse("012318001234", Some(Sex::Female), d(2019)),
            Err(NationalIdError::BirthYear)
        );
    }

    #[test]
    fn century_digits() {
        assert_eq!(
            century_sex_digit(
                Sex::Male,
                NaiveDate::from_ymd_opt(1999, 12, 31).unwrap_or_default()
            ),
            Some(0)
        );
        assert_eq!(
            century_sex_digit(
                Sex::Female,
                NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
            ),
            Some(3)
        );
        assert_eq!(
            century_sex_digit(
                Sex::Male,
                NaiveDate::from_ymd_opt(1850, 1, 1).unwrap_or_default()
            ),
            None
        );
    }
}

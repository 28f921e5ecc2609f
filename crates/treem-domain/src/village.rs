//! Village days: a session prepared for a phone (a weighing of the
//! under-fives, or an activity), the children it lists, and the entries the
//! phone sends back — read and checked here, with no HTTP or SQL.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::nutrition::Measured;

/// What a session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// The weighing and measuring of the under-fives.
    Weighing,
    /// An activity that raises children's awareness of their rights.
    Awareness,
    Forum,
    Club,
    /// A children's council meeting.
    Council,
}

impl SessionKind {
    pub const ALL: [SessionKind; 5] = [
        SessionKind::Weighing,
        SessionKind::Awareness,
        SessionKind::Forum,
        SessionKind::Club,
        SessionKind::Council,
    ];

    /// The stored code (for an activity, its `participation.kind`).
    pub fn code(self) -> &'static str {
        match self {
            SessionKind::Weighing => "weighing",
            SessionKind::Awareness => "awareness",
            SessionKind::Forum => "forum",
            SessionKind::Club => "club",
            SessionKind::Council => "council",
        }
    }

    pub fn from_code(s: &str) -> Option<SessionKind> {
        SessionKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            SessionKind::Weighing => "village.kind_weighing",
            SessionKind::Awareness => "village.kind_awareness",
            SessionKind::Forum => "village.kind_forum",
            SessionKind::Club => "village.kind_club",
            SessionKind::Council => "village.kind_council",
        }
    }

    /// The ages (whole years on the session's day) of the children it
    /// concerns: those of the indicators it feeds — under five for a
    /// weighing, 6–15 for awareness, 11–15 for forums, clubs and councils.
    pub fn ages(self) -> (u32, u32) {
        match self {
            SessionKind::Weighing => (0, 4),
            SessionKind::Awareness => (6, 15),
            SessionKind::Forum | SessionKind::Club | SessionKind::Council => (11, 15),
        }
    }

    /// The birth dates of the children it concerns on `day`: born after the
    /// first date and on or before the second.
    pub fn born_between(self, day: NaiveDate) -> (NaiveDate, NaiveDate) {
        let (youngest, oldest) = self.ages();
        let back = |years: u32| {
            day.checked_sub_months(Months::new(12 * years))
                .unwrap_or(day)
        };
        (back(oldest + 1), back(youngest))
    }
}

/// What the phone sends for a child met in the village but not on the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewChildEntry {
    pub full_name: String,
    /// `M` or `F`.
    pub sex: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    #[serde(default)]
    pub mother_name: String,
}

/// One entry as the phone sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Made by the phone (random); the key that makes a retry harmless.
    pub id: String,
    /// The database id of a child on the list (absent for a new child).
    #[serde(default)]
    pub child: Option<i64>,
    /// A child not on the list.
    #[serde(default)]
    pub new_child: Option<NewChildEntry>,
    /// For a weighing.
    #[serde(default)]
    pub weight_kg: Option<f64>,
    #[serde(default)]
    pub height_cm: Option<f64>,
    /// `lying`, `standing` or absent.
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub oedema: bool,
    /// For an activity: the child was there.
    #[serde(default)]
    pub present: bool,
}

/// Why an entry cannot be stored as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// The entry's id is not one a phone makes.
    BadId,
    /// Neither a child on the list nor a new child, or both.
    NoChild,
    /// A measured value that cannot be one (zero, negative, not finite).
    BadValue,
    /// A weighing entry with neither weight nor height.
    NothingMeasured,
    BadPosition,
    /// A new child without a name, a sex or a valid birth date, or born
    /// after the session's day.
    BadNewChild,
}

impl Problem {
    pub fn label_key(self) -> &'static str {
        match self {
            Problem::BadId => "village.problem_bad_id",
            Problem::NoChild => "village.problem_no_child",
            Problem::BadValue => "village.problem_bad_value",
            Problem::NothingMeasured => "village.problem_nothing",
            Problem::BadPosition => "village.problem_position",
            Problem::BadNewChild => "village.problem_new_child",
        }
    }
}

/// Whether `id` is an entry id a phone makes: 16–64 letters, digits or `-`.
pub fn valid_entry_id(id: &str) -> bool {
    (16..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The measurement a weighing entry carries, taken on `day`. Values beyond
/// the physical limits are kept (WHO's flags and the warnings say so);
/// only what cannot be a measurement is a problem.
pub fn measured(e: &Entry, day: NaiveDate) -> Result<Measured, Problem> {
    let positive = |v: Option<f64>| match v {
        Some(x) if !(x.is_finite() && x > 0.0) => Err(Problem::BadValue),
        other => Ok(other),
    };
    let weight_kg = positive(e.weight_kg)?;
    let height_cm = positive(e.height_cm)?;
    if weight_kg.is_none() && height_cm.is_none() {
        return Err(Problem::NothingMeasured);
    }
    let position = crate::anthro::parse_position(e.position.as_deref().unwrap_or(""))
        .map_err(|_| Problem::BadPosition)?;
    Ok(Measured {
        measured_on: day,
        weight_kg,
        height_cm,
        position,
        oedema: e.oedema,
        head_cm: None,
    })
}

/// Whether two measurements of a day say the same (to the gram and the
/// millimetre), so the second is the first sent again rather than another.
pub fn same_measurement(a: &Measured, b: &Measured) -> bool {
    let close = |x: Option<f64>, y: Option<f64>, step: f64| match (x, y) {
        (Some(x), Some(y)) => ((x - y) / step).abs() < 0.5,
        (None, None) => true,
        _ => false,
    };
    close(a.weight_kg, b.weight_kg, 0.001)
        && close(a.height_cm, b.height_cm, 0.1)
        && a.position == b.position
        && a.oedema == b.oedema
}

/// Checks a session's entry before anything is looked up.
pub fn check(e: &Entry, kind: SessionKind, day: NaiveDate) -> Result<(), Problem> {
    if !valid_entry_id(&e.id) {
        return Err(Problem::BadId);
    }
    if e.child.is_some() == e.new_child.is_some() {
        return Err(Problem::NoChild);
    }
    if let Some(n) = &e.new_child {
        let born = crate::anthro::parse_date(&n.date_of_birth);
        let sex_ok = n.sex == "M" || n.sex == "F";
        if n.full_name.trim().is_empty() || !sex_ok || born.is_none_or(|b| b > day) {
            return Err(Problem::BadNewChild);
        }
    }
    if kind == SessionKind::Weighing {
        measured(e, day)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn entry() -> Entry {
        Entry {
            id: "a1b2c3d4e5f6a7b8c9d0".into(),
            child: Some(7),
            new_child: None,
            weight_kg: Some(10.5),
            height_cm: Some(80.0),
            position: Some("lying".into()),
            oedema: false,
            present: false,
        }
    }

    #[test]
    fn ages_are_those_of_the_indicators() {
        let day = d("2026-12-05");
        assert_eq!(
            SessionKind::Weighing.born_between(day),
            (d("2021-12-05"), day)
        );
        // 6–15 whole years: born after 5/12/2010, on or before 5/12/2020.
        assert_eq!(
            SessionKind::Awareness.born_between(day),
            (d("2010-12-05"), d("2020-12-05"))
        );
        assert_eq!(
            SessionKind::Club.born_between(day),
            (d("2010-12-05"), d("2015-12-05"))
        );
        for k in SessionKind::ALL {
            assert_eq!(SessionKind::from_code(k.code()), Some(k));
        }
        assert_eq!(SessionKind::from_code("other"), None);
    }

    #[test]
    fn entries_are_checked() {
        let day = d("2026-12-05");
        assert_eq!(check(&entry(), SessionKind::Weighing, day), Ok(()));
        let short = Entry {
            id: "abc".into(),
            ..entry()
        };
        assert_eq!(
            check(&short, SessionKind::Weighing, day),
            Err(Problem::BadId)
        );
        let quote = Entry {
            id: "a1b2c3d4e5f6a7b8'--".into(),
            ..entry()
        };
        assert_eq!(
            check(&quote, SessionKind::Weighing, day),
            Err(Problem::BadId)
        );
        let none = Entry {
            child: None,
            ..entry()
        };
        assert_eq!(
            check(&none, SessionKind::Weighing, day),
            Err(Problem::NoChild)
        );
        let zero = Entry {
            weight_kg: Some(0.0),
            ..entry()
        };
        assert_eq!(
            check(&zero, SessionKind::Weighing, day),
            Err(Problem::BadValue)
        );
        let nan = Entry {
            height_cm: Some(f64::NAN),
            ..entry()
        };
        assert_eq!(
            check(&nan, SessionKind::Weighing, day),
            Err(Problem::BadValue)
        );
        let empty = Entry {
            weight_kg: None,
            height_cm: None,
            ..entry()
        };
        assert_eq!(
            check(&empty, SessionKind::Weighing, day),
            Err(Problem::NothingMeasured)
        );
        // An attendance needs no measurement.
        assert_eq!(check(&empty, SessionKind::Club, day), Ok(()));
        let sideways = Entry {
            position: Some("sideways".into()),
            ..entry()
        };
        assert_eq!(
            check(&sideways, SessionKind::Weighing, day),
            Err(Problem::BadPosition)
        );
        // Beyond the physical limits is not a problem here.
        let heavy = Entry {
            weight_kg: Some(1050.0),
            ..entry()
        };
        assert_eq!(check(&heavy, SessionKind::Weighing, day), Ok(()));
    }

    #[test]
    fn new_children_need_name_sex_and_birth() {
        let day = d("2026-12-05");
        let new = |name: &str, sex: &str, born: &str| Entry {
            child: None,
            new_child: Some(NewChildEntry {
                full_name: name.into(),
                sex: sex.into(),
                date_of_birth: born.into(),
                mother_name: String::new(),
            }),
            ..entry()
        };
        assert_eq!(
            check(
                &new("Lò Thị Mai", "F", "2024-03-01"),
                SessionKind::Weighing,
                day
            ),
            Ok(())
        );
        for bad in [
            new(" ", "F", "2024-03-01"),
            new("Mai", "X", "2024-03-01"),
            new("Mai", "F", "2027-01-01"),
            new("Mai", "F", "hôm qua"),
        ] {
            assert_eq!(
                check(&bad, SessionKind::Weighing, day),
                Err(Problem::BadNewChild)
            );
        }
        let both = Entry {
            child: Some(3),
            ..new("Mai", "F", "2024-03-01")
        };
        assert_eq!(
            check(&both, SessionKind::Weighing, day),
            Err(Problem::NoChild)
        );
    }

    #[test]
    fn the_same_measurement_sent_again_is_recognised() {
        let day = d("2026-12-05");
        let a = measured(&entry(), day).unwrap();
        let b = measured(
            &Entry {
                weight_kg: Some(10.5004),
                ..entry()
            },
            day,
        )
        .unwrap();
        assert!(same_measurement(&a, &b));
        let c = measured(
            &Entry {
                weight_kg: Some(10.6),
                ..entry()
            },
            day,
        )
        .unwrap();
        assert!(!same_measurement(&a, &c));
        let e = measured(
            &Entry {
                oedema: true,
                ..entry()
            },
            day,
        )
        .unwrap();
        assert!(!same_measurement(&a, &e));
    }
}

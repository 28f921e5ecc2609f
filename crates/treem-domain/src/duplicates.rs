//! Likely duplicates: two records of one child, typed twice (by a village
//! list and a school list, say). Same personal ID number; or a similar name,
//! the same birth date, and the same mother or village.

use chrono::NaiveDate;
use serde::Serialize;

use crate::text::fold;

/// What two records are compared on.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    pub national_id: Option<&'a str>,
    pub full_name: &'a str,
    pub date_of_birth: NaiveDate,
    pub mother_name: Option<&'a str>,
    pub village: Option<&'a str>,
}

impl<'a> From<&'a crate::child::Child> for Identity<'a> {
    fn from(c: &'a crate::child::Child) -> Self {
        Identity {
            national_id: c.national_id.as_deref(),
            full_name: &c.full_name,
            date_of_birth: c.date_of_birth,
            mother_name: c.mother_name.as_deref(),
            village: c.village.as_deref(),
        }
    }
}

/// Why two records look like one child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Likeness {
    SameNationalId,
    SameMother,
    SameVillage,
}

impl Likeness {
    /// The message-catalogue key.
    pub fn label_key(self) -> &'static str {
        match self {
            Likeness::SameNationalId => "duplicates.same_id",
            Likeness::SameMother => "duplicates.same_mother",
            Likeness::SameVillage => "duplicates.same_village",
        }
    }
}

/// Names equal once accents and case are folded, or one typing slip apart
/// ("Giàng A Páo" / "Giang A Pao" / "Giàng A Pàoo"). Given names are short,
/// so two slips would already join different children ("Mai" / "Lập").
pub fn similar_names(a: &str, b: &str) -> bool {
    let (a, b) = (fold(a), fold(b));
    a == b || strsim::levenshtein(&a, &b) <= 1
}

fn same_text(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            let (a, b) = (fold(a), fold(b));
            !a.is_empty() && a == b
        }
        _ => false,
    }
}

/// Whether two records are likely the same child, and why.
pub fn likeness(a: &Identity<'_>, b: &Identity<'_>) -> Option<Likeness> {
    if let (Some(x), Some(y)) = (a.national_id, b.national_id)
        && x == y
    {
        return Some(Likeness::SameNationalId);
    }
    if a.date_of_birth != b.date_of_birth || !similar_names(a.full_name, b.full_name) {
        return None;
    }
    if same_text(a.mother_name, b.mother_name) {
        Some(Likeness::SameMother)
    } else if same_text(a.village, b.village) {
        Some(Likeness::SameVillage)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lap<'a>() -> Identity<'a> {
        Identity {
            national_id: None,
            full_name: "Giàng Thị Lập",
            date_of_birth: NaiveDate::from_ymd_opt(2021, 3, 4).unwrap_or_default(),
            mother_name: Some("Vàng Thị Mai"),
            village: Some("Bản Bo"),
        }
    }

    #[test]
    fn same_id_is_enough() {
        let a = Identity {
            national_id: Some("012321000001"),
            ..lap()
        };
        let b = Identity {
            national_id: Some("012321000001"),
            full_name: "Khác",
            ..lap()
        };
        assert_eq!(likeness(&a, &b), Some(Likeness::SameNationalId));
    }

    #[test]
    fn similar_name_same_birth_and_mother_or_village() {
        let typo = Identity {
            full_name: "Giang Thi Lap",
            ..lap()
        };
        assert_eq!(likeness(&lap(), &typo), Some(Likeness::SameMother));
        let other_mother = Identity {
            mother_name: Some("Lý Thị Dua"),
            full_name: "Giàng Thị Lâp",
            ..lap()
        };
        assert_eq!(likeness(&lap(), &other_mother), Some(Likeness::SameVillage));
        let far = Identity {
            mother_name: None,
            village: Some("Nà Tăm"),
            ..lap()
        };
        assert_eq!(likeness(&lap(), &far), None);
        let born_later = Identity {
            date_of_birth: NaiveDate::from_ymd_opt(2021, 3, 5).unwrap_or_default(),
            ..lap()
        };
        assert_eq!(likeness(&lap(), &born_later), None);
        let other_name = Identity {
            full_name: "Giàng Thị Mai",
            ..lap()
        };
        assert_eq!(likeness(&lap(), &other_name), None);
    }
}

//! A child's record, as the registry keeps it.

use chrono::NaiveDate;
use serde::Serialize;

/// Sex as recorded (the interchange format's `1` = male, `2` = female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// The stored code: `M` or `F`.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }

    /// Reads the stored code back.
    pub fn from_code(s: &str) -> Option<Sex> {
        match s {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// Whether the child still lives in the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChildStatus {
    Active,
    Moved,
    Dead,
}

impl ChildStatus {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ChildStatus::Active => "active",
            ChildStatus::Moved => "moved",
            ChildStatus::Dead => "dead",
        }
    }
}

/// Household poverty classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Poverty {
    Poor,
    NearPoor,
    None,
}

impl Poverty {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Poverty::Poor => "poor",
            Poverty::NearPoor => "near_poor",
            Poverty::None => "none",
        }
    }
}

/// A child's record. The commune is a unit version: its code and the date
/// on which that code was read (the data set's `as_of`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Child {
    pub child_id: String,
    pub national_id: Option<String>,
    pub full_name: String,
    pub sex: Sex,
    pub date_of_birth: NaiveDate,
    /// Official ethnicity code (`shared/data/ethnicities.csv`).
    pub ethnicity: Option<String>,
    pub commune_code: String,
    pub village: Option<String>,
    pub birth_registered: Option<bool>,
    pub birth_registration_date: Option<NaiveDate>,
    pub mother_name: Option<String>,
    pub father_name: Option<String>,
    pub caregiver_name: Option<String>,
    pub caregiver_phone: Option<String>,
    pub household_poverty: Option<Poverty>,
    /// Codes of the special-circumstance groups (Law on Children art. 10).
    pub special_circumstances: Vec<String>,
    pub status: ChildStatus,
    pub status_date: Option<NaiveDate>,
}

/// What a search matches for a child: the folded names of the child, her
/// mother, father and caregiver, her personal ID number and birth year.
pub fn search_text(c: &Child) -> String {
    use chrono::Datelike;
    search_text_of(
        &[
            Some(c.full_name.as_str()),
            c.mother_name.as_deref(),
            c.father_name.as_deref(),
            c.caregiver_name.as_deref(),
            c.national_id.as_deref(),
        ],
        c.date_of_birth.year(),
    )
}

/// The search text from its parts (names and ID number, then birth year).
pub fn search_text_of(parts: &[Option<&str>], birth_year: i32) -> String {
    let mut out: Vec<String> = parts
        .iter()
        .flatten()
        .map(|p| crate::text::fold(p))
        .collect();
    out.push(birth_year.to_string());
    out.join(" | ")
}

/// The words of a search, folded and escaped for `LIKE … ESCAPE '\'`
/// (at most eight; more would not narrow a name further).
pub fn search_tokens(q: &str) -> Vec<String> {
    crate::text::fold(q)
        .split_whitespace()
        .take(8)
        .map(|t| {
            let mut out = String::with_capacity(t.len());
            for ch in t.chars() {
                if matches!(ch, '%' | '_' | '\\') {
                    out.push('\\');
                }
                out.push(ch);
            }
            out
        })
        .collect()
}

/// Age in completed years on `date` (the birthday rule).
pub fn age_years(born: NaiveDate, date: NaiveDate) -> i32 {
    date.years_since(born).map(|y| y as i32).unwrap_or(-1)
}

/// The official list of ethnicities: (code, name), in code order.
pub fn ethnicities() -> Vec<(String, &'static str)> {
    (1..=54)
        .map(|n| format!("{n:02}"))
        .filter_map(|c| ethnicity_name(&c).map(|n| (c, n)))
        .collect()
}

/// The ethnicity names of the official list, by code.
pub fn ethnicity_name(code: &str) -> Option<&'static str> {
    ETHNICITIES
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .find(|(c, _)| *c == code)
        .map(|(_, n)| n)
}

const ETHNICITIES: &str = include_str!("../../../data/ethnicities.csv");

/// The Vietnamese name of a special-circumstance group (Law on Children
/// art. 10), by its point letter.
pub fn special_circumstance_name(code: &str) -> Option<&'static str> {
    special_circumstance_label(code, crate::i18n::Lang::Vi)
}

/// A special-circumstance group's name in the user's language.
pub fn special_circumstance_label(code: &str, lang: crate::i18n::Lang) -> Option<&'static str> {
    SPECIAL
        .iter()
        .find(|(c, _, _)| c == code)
        .map(|(_, vi, en)| lang.pick(vi, en))
}

/// (code, Vietnamese name, English name) of each group.
static SPECIAL: std::sync::LazyLock<Vec<(String, String, String)>> =
    std::sync::LazyLock::new(|| {
        let src = include_str!("../../../data/special_circumstances.csv");
        csv::Reader::from_reader(src.as_bytes())
            .records()
            .filter_map(Result::ok)
            .filter_map(|r| {
                Some((
                    r.get(0)?.to_string(),
                    r.get(1)?.to_string(),
                    r.get(2)?.to_string(),
                ))
            })
            .collect()
    });

/// Where a search found a child when her own name does not hold every
/// word: the first of `others` (a parent's or caregiver's name, labelled)
/// that holds a word her name lacks. `None` when her name, birth year or ID
/// number hold every word.
pub fn matched_elsewhere<'a>(
    query: &str,
    name: &str,
    own: &[&str],
    others: &[(&'static str, Option<&'a str>)],
) -> Option<(&'static str, &'a str)> {
    let name = crate::text::fold(name);
    let own: Vec<String> = own.iter().map(|o| crate::text::fold(o)).collect();
    let missing: Vec<String> = crate::text::fold(query)
        .split_whitespace()
        .filter(|w| !name.contains(w) && !own.iter().any(|o| o.contains(w)))
        .map(str::to_string)
        .collect();
    if missing.is_empty() {
        return None;
    }
    others.iter().find_map(|(label, value)| {
        let v = (*value)?;
        let folded = crate::text::fold(v);
        missing
            .iter()
            .any(|w| folded.contains(w.as_str()))
            .then_some((*label, v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_uses_the_birthday_rule() {
        let born = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default();
        let before = NaiveDate::from_ymd_opt(2025, 12, 30).unwrap_or_default();
        let on = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default();
        assert_eq!(age_years(born, before), 4);
        assert_eq!(age_years(born, on), 5);
    }

    #[test]
    fn search_words() {
        assert_eq!(search_tokens("  Lập  THỊ lò "), vec!["lap", "thi", "lo"]);
        assert_eq!(search_tokens("50%_x"), vec!["50\\%\\_x"]);
        assert!(search_tokens("   ").is_empty());
    }

    #[test]
    fn special_circumstance_names() {
        assert_eq!(special_circumstance_name("d"), Some("Trẻ em khuyết tật"));
        assert_eq!(
            special_circumstance_name("đ"),
            Some("Trẻ em nhiễm HIV/AIDS")
        );
        assert!(special_circumstance_name("o").is_some_and(|n| n.starts_with("Trẻ em di cư")));
        assert_eq!(special_circumstance_name("z"), None);
        assert_eq!(
            special_circumstance_label("d", crate::i18n::Lang::En),
            Some("Children with disabilities")
        );
    }

    #[test]
    fn ethnicity_names() {
        assert_eq!(ethnicity_name("08"), Some("Hmông"));
        assert_eq!(ethnicity_name("25"), Some("Giáy"));
        assert_eq!(ethnicity_name("99"), None);
    }

    #[test]
    fn a_match_on_a_parent_is_named() {
        let others = [
            ("mother", Some("Lò Thị Mai")),
            ("father", Some("Vàng A Sử")),
            ("caregiver", None),
        ];
        let m = |q| matched_elsewhere(q, "Lò Văn Páo", &["2021", "012345678901"], &others);
        assert_eq!(m("pao"), None);
        assert_eq!(m("lo 2021"), None);
        assert_eq!(m("012345678901"), None);
        assert_eq!(m("mai"), Some(("mother", "Lò Thị Mai")));
        assert_eq!(m("Vàng Sử"), Some(("father", "Vàng A Sử")));
        assert_eq!(m("xyz"), None);
    }
}

//! Unit scope: which unit versions an account's records may come from.

use chrono::NaiveDate;

use crate::units::{Unit, UnitHistory};

/// The unit versions whose records an account may see, given its scope unit
/// code, on `today`.
///
/// A record counts when its own unit version lies under the scope unit, or
/// when the unit it has become by today does: so the officer of a commune
/// formed in the 2025 merger sees the children recorded under the communes
/// it took over, and a former district's officer keeps the old records.
pub fn scope_units<'a>(
    history: &'a UnitHistory,
    scope_code: &str,
    today: NaiveDate,
) -> Vec<&'a Unit> {
    let roots: Vec<&Unit> = history
        .all()
        .iter()
        .filter(|u| u.code == scope_code)
        .filter(|u| {
            // The scope code means the version in force today, or, for a
            // retired unit, its last version.
            u.valid_on(today) || history.resolve(scope_code, today).is_none()
        })
        .collect();
    history
        .all()
        .iter()
        .filter(|u| {
            roots.iter().any(|root| {
                history.is_within(u, root)
                    || history
                        .became(u, today)
                        .is_some_and(|now| history.is_within(now, root))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit_file::{LAI_CHAU_UNITS, parse_unit_file};

    fn history() -> UnitHistory {
        UnitHistory::new(parse_unit_file(LAI_CHAU_UNITS.as_bytes()).unwrap_or_default())
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn new_commune_covers_the_communes_it_took_over() {
        let h = history();
        let s = scope_units(&h, "03405", d("2026-01-10"));
        let mut names: Vec<&str> = s.iter().map(|u| u.name.as_str()).collect();
        names.sort();
        assert_eq!(
            names,
            vec!["Xã Giang Ma", "Xã Hồ Thầu", "Xã Tả Lèng", "Xã Tả Lèng"]
        );
    }

    #[test]
    fn old_commune_before_reform_is_only_itself() {
        let h = history();
        let s = scope_units(&h, "03424", d("2025-03-01"));
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].name, "Xã Bản Bo");
    }

    #[test]
    fn retired_district_keeps_its_old_communes() {
        let h = history();
        let s = scope_units(&h, "106", d("2026-01-10"));
        assert_eq!(s.iter().filter(|u| u.code != "106").count(), 13);
    }

    #[test]
    fn province_covers_everything() {
        let h = history();
        assert_eq!(scope_units(&h, "12", d("2026-01-10")).len(), h.all().len());
    }

    #[test]
    fn unknown_code_covers_nothing() {
        assert!(scope_units(&history(), "99999", d("2026-01-10")).is_empty());
    }
}

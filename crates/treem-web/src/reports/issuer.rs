//! Who issues a report (Decree 30/2020: a body that exists on the
//! document's date). Since 1 July 2025 there is no district: a report about
//! a retired unit's territory is issued by the body that took it over — the
//! commune it became, or the province above a retired district — and names
//! the former units it covers.

use chrono::NaiveDate;
use treem_domain::units::{Level, Unit, UnitHistory};

/// The issuing body of a report and what it says about its territory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// The unit whose People's Committee issues it ("Tỉnh Lai Châu").
    pub name: String,
    /// The report's unit when it is not the issuer's own: retired, named as
    /// "huyện Tam Đường (cũ)".
    pub former: Option<String>,
    /// The former communes it covers, by name (a retired district's).
    pub former_communes: Vec<String>,
    /// The issuer's level, and the province it is in (its own name for a
    /// province).
    pub level: Level,
    pub province: String,
}

impl Issuer {
    /// Whom the report goes to: the level above and the committee's own
    /// leadership (child affairs are the Health sector's since Decree
    /// 42/2025), and the archive.
    pub fn recipients(&self) -> Vec<String> {
        let province = self
            .province
            .strip_prefix("Tỉnh ")
            .unwrap_or(&self.province);
        let mut out = if self.level == Level::Province {
            vec![
                "Bộ Y tế;".to_string(),
                "Thường trực Tỉnh ủy;".to_string(),
                "Thường trực HĐND tỉnh;".to_string(),
                "Chủ tịch, các Phó Chủ tịch UBND tỉnh;".to_string(),
                "Sở Y tế;".to_string(),
            ]
        } else {
            vec![
                format!("UBND tỉnh {province};"),
                format!("Sở Y tế tỉnh {province};"),
                "Thường trực Đảng ủy;".to_string(),
                "Thường trực HĐND xã;".to_string(),
            ]
        };
        out.push("Lưu: VT.".to_string());
        out
    }
}

/// "Huyện Tam Đường" → "huyện Tam Đường (cũ)".
fn former_name(name: &str) -> String {
    let mut chars = name.chars();
    let lower: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("{lower} (cũ)")
}

/// The issuer of a report about `unit` (valid on the report's reference
/// date `reference`), issued on `today`.
pub fn issuer(
    history: &UnitHistory,
    unit: &Unit,
    reference: NaiveDate,
    today: NaiveDate,
) -> Issuer {
    let province_of = |u: &Unit| {
        history
            .ancestors(u)
            .into_iter()
            .find(|a| a.level == Level::Province)
            .map_or_else(String::new, |p| p.name.clone())
    };
    if unit.valid_on(today) {
        return Issuer {
            name: unit.name.clone(),
            former: None,
            former_communes: Vec::new(),
            level: unit.level,
            province: province_of(unit),
        };
    }
    // A retired commune: the commune it became; anything above: the nearest
    // unit above it still in force.
    let body = if unit.level == Level::Commune {
        history.became(unit, today)
    } else {
        history
            .ancestors(unit)
            .into_iter()
            .find(|a| !std::ptr::eq(*a, unit) && a.valid_on(today))
    };
    let former_communes = if unit.level == Level::Commune {
        Vec::new()
    } else {
        let mut names: Vec<String> = history
            .valid_on(reference)
            .into_iter()
            .filter(|u| u.level == Level::Commune && history.is_within(u, unit))
            .map(|u| u.name.clone())
            .collect();
        names.sort_by_cached_key(|n| treem_domain::text::fold(n));
        names
    };
    let body = body.unwrap_or(unit);
    Issuer {
        name: body.name.clone(),
        former: Some(former_name(&unit.name)),
        former_communes,
        level: body.level,
        province: province_of(body),
    }
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use treem_domain::unit_file::{LAI_CHAU_UNITS, parse_unit_file};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn a_body_that_exists_on_the_day_issues() {
        let h = UnitHistory::new(parse_unit_file(LAI_CHAU_UNITS.as_bytes()).unwrap_or_default());
        let (h1, today) = (d(2025, 6, 30), d(2026, 12, 6));
        let province = h.resolve("12", h1).map(|u| issuer(&h, u, h1, today));
        assert_eq!(
            province.map(|i| (i.name, i.former)),
            Some(("Tỉnh Lai Châu".into(), None))
        );
        // The former district: the province issues, naming its 13 communes.
        let Some(district) = h.resolve("106", h1).map(|u| issuer(&h, u, h1, today)) else {
            panic!("no district 106");
        };
        assert_eq!(district.name, "Tỉnh Lai Châu");
        assert_eq!(district.former.as_deref(), Some("huyện Tam Đường (cũ)"));
        assert_eq!(district.former_communes.len(), 13);
        assert_eq!(district.level, Level::Province);
        assert_eq!(district.recipients()[0], "Bộ Y tế;");
        // A former commune: the commune that took it over.
        let old = h.resolve("03394", h1).map(|u| issuer(&h, u, h1, today));
        assert_eq!(
            old.map(|i| (i.name, i.former)),
            Some(("Xã Sin Suối Hồ".into(), Some("xã Thèn Sin (cũ)".into())))
        );
        // Issued before the reform, the district was its own body.
        let then = h
            .resolve("106", h1)
            .map(|u| issuer(&h, u, h1, d(2025, 6, 30)).name);
        assert_eq!(then.as_deref(), Some("Huyện Tam Đường"));
    }
}

//! A generated, seeded demo district: the 13 communes of the former Tam Đường
//! district with their villages, and children of the local ethnic groups with
//! plausible names. The same seed always gives the same district.

use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use treem_growth::{Position, Sex as GrowthSex, curve_by_age};

use crate::child::{Child, ChildStatus, Poverty, Sex};
use crate::nutrition::Measured;
use crate::units::{Level, UnitHistory};

/// The date the demo district describes; fixed so a seed is reproducible.
pub fn anchor_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or(NaiveDate::MIN)
}

/// The last day of the old communes (the 2025 reform).
fn reform_eve() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or(NaiveDate::MIN)
}

/// A generated child with the date on which its commune code is valid.
#[derive(Debug, Clone)]
pub struct DemoChild {
    pub child: Child,
    /// The date to resolve `child.commune_code` on.
    pub as_of: NaiveDate,
}

/// The demo district.
#[derive(Debug, Clone)]
pub struct DemoDistrict {
    /// Villages per old commune code.
    pub villages: Vec<(String, Vec<String>)>,
    pub children: Vec<DemoChild>,
    /// Weighing-and-measuring campaign results: (index into `children`, what
    /// was measured).
    pub measurements: Vec<(usize, Measured)>,
}

/// The twice-yearly weighing-and-measuring campaigns of the demo.
fn campaigns() -> [NaiveDate; 4] {
    [(2024, 12, 1), (2025, 6, 1), (2025, 12, 1), (2026, 6, 1)]
        .map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN))
}

/// A standard normal draw (Box–Muller), enough for plausible demo values.
fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// The heaviest weight a typing error of the demo makes (the import takes
/// up to 200 kg).
const MAX_TYPO_KG: f64 = 150.0;

/// A child's campaign measurements: each child keeps her own growth track
/// (z-scores near the mountain districts' averages: many stunted, some
/// underweight), most campaigns reach her, and a few values are typing
/// errors that WHO's plausibility limits catch.
fn measurements_of(rng: &mut StdRng, index: usize, c: &Child) -> Vec<(usize, Measured)> {
    let sex = match c.sex {
        Sex::Male => GrowthSex::Male,
        Sex::Female => GrowthSex::Female,
    };
    // Weight follows height: a stunted child is usually light too, so
    // weight-for-height stays plausible.
    let track_h = -1.3 + 1.0 * normal(rng);
    let track_w = -0.9 + 0.7 * (track_h + 1.3) + 0.5 * normal(rng);
    let mut out = Vec::new();
    for day in campaigns() {
        let age = (day - c.date_of_birth).num_days();
        if !(0..=treem_growth::MAX_AGE_DAYS).contains(&age) || !rng.random_bool(0.85) {
            continue;
        }
        let zh = track_h + 0.25 * normal(rng);
        let zw = track_w + 0.25 * normal(rng);
        let lying = age <= 730;
        let height = curve_by_age("lhfa", sex, age, zh);
        let mut weight = curve_by_age("wfa", sex, age, zw);
        if rng.random_bool(0.005) {
            // A misplaced decimal point, one way or the other: implausible
            // for her age, but inside what any data set may hold, so the
            // demo exports and imports back whole.
            weight = weight.map(|w| {
                if w * 10.0 <= MAX_TYPO_KG {
                    w * 10.0
                } else {
                    w / 10.0
                }
            });
        }
        let position = match (lying, rng.random_bool(0.95)) {
            (true, true) | (false, false) => Position::Lying,
            _ => Position::Standing,
        };
        out.push((
            index,
            Measured {
                measured_on: day,
                weight_kg: weight.map(|w| (w * 10.0).round() / 10.0),
                height_cm: height.map(|h| (h * 10.0).round() / 10.0),
                position: Some(position),
                oedema: rng.random_bool(0.002),
                head_cm: None,
            },
        ));
    }
    out
}

struct Ethnic {
    code: &'static str,
    share: u32,
    families: &'static [&'static str],
    male_middle: &'static [&'static str],
    female_middle: &'static [&'static str],
    male_given: &'static [&'static str],
    female_given: &'static [&'static str],
}

const ETHNIC_GROUPS: [Ethnic; 6] = [
    Ethnic {
        code: "08", // Hmông
        share: 40,
        families: &[
            "Giàng", "Vàng", "Lý", "Sùng", "Thào", "Hạng", "Lầu", "Mùa", "Tráng",
        ],
        male_middle: &["A", "Seo", "Văn", "A"],
        female_middle: &["Thị", "Thị", "Thị"],
        male_given: &[
            "Páo", "Sử", "Dơ", "Chứ", "Lử", "Pó", "Dế", "Chu", "Thề", "Tủa", "Vư",
        ],
        female_given: &[
            "Mai", "Dua", "Sua", "Mỷ", "Súa", "Chi", "Dợ", "Pằng", "Già", "Sinh",
        ],
    },
    Ethnic {
        code: "09", // Dao
        share: 20,
        families: &["Tẩn", "Chảo", "Phàn", "Lý", "Đặng"],
        male_middle: &["Láo", "Văn", "A", "Phù"],
        female_middle: &["Thị", "Mẩy", "Thị"],
        male_given: &["Lở", "Vần", "Chiêu", "Quẩy", "Sành", "Phẩu", "Kiếm", "Chài"],
        female_given: &["Mẩy", "Sử", "Dần", "Xuân", "Tả", "Chạn", "Liều"],
    },
    Ethnic {
        code: "03", // Thái
        share: 15,
        families: &["Lò", "Tao", "Lường", "Điêu", "Hoàng", "Lù", "Cầm"],
        male_middle: &["Văn"],
        female_middle: &["Thị"],
        male_given: &[
            "Hải", "Xuân", "Thương", "Tuấn", "Khánh", "Minh", "Pọm", "Ún",
        ],
        female_given: &["Ngọc", "Hương", "Thảo", "Lan", "Hoa", "Ín", "Xiêng"],
    },
    Ethnic {
        code: "25", // Giáy
        share: 10,
        families: &["Hoàng", "Vương", "Lù", "Sần", "Lò"],
        male_middle: &["Văn", "Văn", "Đức"],
        female_middle: &["Thị"],
        male_given: &["Chiến", "Lâm", "Phong", "Quân", "Sơn", "Thắng"],
        female_given: &["Hằng", "Linh", "Nga", "Duyên", "Thủy"],
    },
    Ethnic {
        code: "01", // Kinh
        share: 12,
        families: &[
            "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng",
        ],
        male_middle: &["Văn", "Đức", "Minh", "Quang"],
        female_middle: &["Thị", "Ngọc", "Thu", "Thị"],
        male_given: &["Anh", "Bình", "Dũng", "Hùng", "Long", "Nam", "Quang", "Đạt"],
        female_given: &["Hà", "Lan", "Linh", "Lập", "Phương", "Trang", "Yến", "Đào"],
    },
    Ethnic {
        code: "42", // Lự
        share: 3,
        families: &["Lò", "Tao", "Phàng", "Chìn"],
        male_middle: &["Văn"],
        female_middle: &["Thị"],
        male_given: &["Khăm", "Phăn", "Xiêng", "Ón"],
        female_given: &["Bun", "Ỏn", "Khăm", "Pằng"],
    },
];

const VILLAGE_FIRST: &[&str] = &[
    "Nà", "Phiêng", "Hua", "Sin", "Suối", "Tả", "Chu", "Cốc", "Lùng", "Khun", "Pa", "Nậm", "Lao",
    "Sáng", "Thẳm", "Pó", "Nà", "Căn", "Bản", "Chin",
];
const VILLAGE_SECOND: &[&str] = &[
    "Đông", "Chải", "Sáng", "Bo", "Hon", "Ngoang", "Phát", "Tẩn", "Mu", "Khâu", "Luông", "Cơ",
    "Hồ", "Thầu", "Sài", "Lèng", "Giang", "Tăm", "Pậu", "Kéo",
];

/// The old communes of Tam Đường district (code 106) in the unit history.
fn tam_duong_communes(history: &UnitHistory) -> Vec<String> {
    let mut v: Vec<String> = history
        .all()
        .iter()
        .filter(|u| u.level == Level::Commune && u.parent_code.as_deref() == Some("106"))
        .map(|u| u.code.clone())
        .collect();
    v.sort();
    v
}

fn villages_for(rng: &mut StdRng) -> Vec<String> {
    let n = rng.random_range(6..=12);
    let mut out: Vec<String> = Vec::with_capacity(n);
    while out.len() < n {
        let prefix = if rng.random_bool(0.8) {
            "Bản"
        } else {
            "Thôn"
        };
        let a = VILLAGE_FIRST.choose(rng).copied().unwrap_or("Nà");
        let b = VILLAGE_SECOND.choose(rng).copied().unwrap_or("Đông");
        let name = format!("{prefix} {a} {b}");
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn pick_group(rng: &mut StdRng) -> &'static Ethnic {
    let total: u32 = ETHNIC_GROUPS.iter().map(|e| e.share).sum();
    let mut roll = rng.random_range(0..total);
    for e in &ETHNIC_GROUPS {
        if roll < e.share {
            return e;
        }
        roll -= e.share;
    }
    &ETHNIC_GROUPS[0]
}

fn pick<'a>(rng: &mut StdRng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or_default()
}

fn name(rng: &mut StdRng, e: &Ethnic, family: &str, sex: Sex) -> String {
    let (middle, given) = match sex {
        Sex::Male => (pick(rng, e.male_middle), pick(rng, e.male_given)),
        Sex::Female => (pick(rng, e.female_middle), pick(rng, e.female_given)),
    };
    format!("{family} {middle} {given}")
}

/// A 12-digit personal ID number: Lai Châu's prefix, the century/sex digit,
/// the last two digits of the birth year, six serial digits.
fn national_id(rng: &mut StdRng, sex: Sex, born: NaiveDate) -> String {
    use chrono::Datelike;
    let century = if born.year() >= 2000 { 2 } else { 0 };
    let digit = century + if sex == Sex::Female { 1 } else { 0 };
    let serial: u32 = rng.random_range(0..1_000_000);
    format!("012{digit}{:02}{serial:06}", born.year() % 100)
}

fn one_child(
    rng: &mut StdRng,
    n: usize,
    commune: &str,
    villages: &[String],
    history: &UnitHistory,
) -> DemoChild {
    let anchor = anchor_date();
    let e = pick_group(rng);
    let sex = if rng.random_bool(0.51) {
        Sex::Male
    } else {
        Sex::Female
    };
    let family = pick(rng, e.families);
    let age_days = rng.random_range(0..16 * 365);
    let born = anchor
        .checked_sub_days(Days::new(age_days))
        .unwrap_or(anchor);
    // Children born after the reform are recorded under the new commune.
    let (commune_code, as_of) = if born > reform_eve() {
        let old = history.resolve(commune, reform_eve());
        let new = old.and_then(|u| history.became(u, anchor));
        (
            new.map(|u| u.code.clone()).unwrap_or(commune.to_string()),
            anchor,
        )
    } else {
        (commune.to_string(), reform_eve())
    };
    let registered = rng.random_bool(if age_days < 365 { 0.85 } else { 0.97 });
    let reg_date = registered
        .then(|| born.checked_add_days(Days::new(rng.random_range(3..120))))
        .flatten();
    let mother_family = pick(rng, e.families);
    let status = match rng.random_range(0..1000) {
        0..=4 => ChildStatus::Dead,
        5..=24 => ChildStatus::Moved,
        _ => ChildStatus::Active,
    };
    let status_date = (status != ChildStatus::Active).then_some(anchor);
    let special = if rng.random_bool(0.04) {
        vec![pick(rng, &["a", "d", "d", "n", "h", "c"]).to_string()]
    } else {
        Vec::new()
    };
    DemoChild {
        child: Child {
            child_id: format!("TD-{n:06}"),
            national_id: rng.random_bool(0.8).then(|| national_id(rng, sex, born)),
            full_name: name(rng, e, family, sex),
            sex,
            date_of_birth: born,
            ethnicity: Some(e.code.to_string()),
            commune_code,
            village: villages.choose(rng).cloned(),
            birth_registered: Some(registered),
            birth_registration_date: reg_date,
            mother_name: Some(name(rng, e, mother_family, Sex::Female)),
            father_name: rng
                .random_bool(0.9)
                .then(|| name(rng, e, family, Sex::Male)),
            caregiver_name: None,
            caregiver_phone: rng
                .random_bool(0.6)
                .then(|| format!("09{:08}", rng.random_range(0..100_000_000u32))),
            household_poverty: Some(match rng.random_range(0..100) {
                0..=34 => Poverty::Poor,
                35..=54 => Poverty::NearPoor,
                _ => Poverty::None,
            }),
            special_circumstances: special,
            status,
            status_date,
        },
        as_of,
    }
}

/// Generates the demo district with `children` children from `seed`.
pub fn generate(history: &UnitHistory, children: usize, seed: u64) -> DemoDistrict {
    let mut rng = StdRng::seed_from_u64(seed);
    let communes = tam_duong_communes(history);
    let villages: Vec<(String, Vec<String>)> = communes
        .iter()
        .map(|c| (c.clone(), villages_for(&mut rng)))
        .collect();
    let mut out = Vec::with_capacity(children);
    let mut measurements = Vec::new();
    for n in 0..children {
        if villages.is_empty() {
            break;
        }
        let (commune, vs) = &villages[rng.random_range(0..villages.len())];
        let child = one_child(&mut rng, n + 1, commune, vs, history);
        measurements.extend(measurements_of(&mut rng, n, &child.child));
        out.push(child);
    }
    DemoDistrict {
        villages,
        children: out,
        measurements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit_file::{LAI_CHAU_UNITS, parse_unit_file};

    fn history() -> UnitHistory {
        UnitHistory::new(parse_unit_file(LAI_CHAU_UNITS.as_bytes()).unwrap_or_default())
    }

    #[test]
    fn same_seed_same_district() {
        let h = history();
        let a = generate(&h, 200, 7);
        let b = generate(&h, 200, 7);
        let names = |d: &DemoDistrict| -> Vec<String> {
            d.children
                .iter()
                .map(|c| c.child.full_name.clone())
                .collect()
        };
        assert_eq!(names(&a), names(&b));
        assert_ne!(names(&a), names(&generate(&h, 200, 8)));
    }

    #[test]
    fn typing_errors_stay_inside_what_an_import_takes() {
        // Large enough for both kinds of misplaced decimal point.
        let d = generate(&history(), 6000, 3);
        let (mut heavier, mut lighter) = (0, 0);
        for (i, m) in &d.measurements {
            let Some(w) = m.weight_kg else { continue };
            assert!((0.2..=200.0).contains(&w), "{w} kg");
            let c = &d.children[*i].child;
            let age = (m.measured_on - c.date_of_birth).num_days();
            let sex = match c.sex {
                Sex::Male => GrowthSex::Male,
                Sex::Female => GrowthSex::Female,
            };
            let Some(usual) = curve_by_age("wfa", sex, age, 0.0) else {
                continue;
            };
            if w > usual * 4.0 {
                heavier += 1;
            } else if w < usual / 4.0 {
                lighter += 1;
            }
        }
        assert!(heavier > 0 && lighter > 0, "{heavier} {lighter}");
    }

    #[test]
    fn every_child_resolves_to_a_tam_duong_unit() {
        let h = history();
        let d = generate(&h, 500, 1);
        assert_eq!(d.villages.len(), 13);
        for c in &d.children {
            let unit = h.resolve(&c.child.commune_code, c.as_of);
            assert!(unit.is_some(), "{} on {}", c.child.commune_code, c.as_of);
            assert!(c.child.date_of_birth <= anchor_date());
            if let Some(id) = &c.child.national_id {
                let checked = crate::national_id::NationalId::parse(
                    id,
                    Some(c.child.sex),
                    Some(c.child.date_of_birth),
                );
                assert!(checked.is_ok(), "{id}: {checked:?}");
                assert!(id.starts_with("012"));
            }
        }
        assert!(d.children.iter().any(|c| c.as_of == anchor_date()));
        // Campaign measurements only for children under five on the day.
        assert!(d.measurements.len() > 50);
        for (i, m) in &d.measurements {
            let age = (m.measured_on - d.children[*i].child.date_of_birth).num_days();
            assert!((0..=1826).contains(&age));
        }
        assert!(d.children.iter().any(|c| c.as_of == reform_eve()));
    }
}

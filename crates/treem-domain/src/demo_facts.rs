//! The demo district's facts beyond children and measurements — schools,
//! enrolments, participation, commune assessments, disasters and protection
//! cases over 2024–2026, across the 2025 reform — as two data sets of
//! interchange format v1 (text cells): one with the units of before the
//! reform, one with those after. Imported like any data set, so the demo
//! exercises the same paths as a district's own files.

use chrono::{Datelike, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::demo::{DemoDistrict, anchor_date};
use crate::units::{Level, UnitHistory};

/// A data set: its `as_of` and its files (name without `.csv`, then rows,
/// the header first).
#[derive(Debug, Clone, PartialEq)]
pub struct DemoDataSet {
    pub as_of: NaiveDate,
    pub files: Vec<(&'static str, Vec<Vec<String>>)>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

const LEVELS: [(&str, &str, &str); 3] = [
    ("MN", "preschool", "Trường Mầm non"),
    ("TH", "primary", "Trường Tiểu học"),
    ("THCS", "lower_secondary", "Trường THCS"),
];

/// The facts of a generated district.
pub fn facts(history: &UnitHistory, district: &DemoDistrict, seed: u64) -> Vec<DemoDataSet> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_fac7);
    let before = d(2024, 12, 31);
    let after = anchor_date();
    let communes_on = |date: NaiveDate| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = district
            .villages
            .iter()
            .filter_map(|(code, _)| {
                let old = history.resolve(code, d(2025, 6, 30))?;
                let u = history.became(old, date)?;
                (u.level == Level::Commune).then(|| (u.code.clone(), u.name.clone()))
            })
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let old = communes_on(before);
    let new = communes_on(after);

    // Schools: one of each level per old commune, recorded for 2024 and
    // 2025 (in the spring, before the reform) under the old unit and for
    // 2026 under what it became.
    let school_header = row(&[
        "school_code",
        "name",
        "level",
        "commune_code",
        "year",
        "sanitation_standard",
        "psych_support",
    ]);
    let mut schools_old = vec![school_header.clone()];
    let mut schools_new = vec![school_header];
    for (code, name) in &old {
        let now = history
            .resolve(code, d(2025, 6, 30))
            .and_then(|u| history.became(u, after))
            .map(|u| u.code.clone())
            .unwrap_or_else(|| code.clone());
        for (prefix, level, title) in LEVELS {
            let school = format!("{prefix}-{code}");
            let place = name
                .trim_start_matches("Xã ")
                .trim_start_matches("Thị trấn ");
            for (year, commune) in [(2024, code), (2025, code), (2026, &now)] {
                let table = if year < 2026 {
                    &mut schools_old
                } else {
                    &mut schools_new
                };
                let sanitation = rng.random_bool(0.55 + 0.15 * f64::from(year - 2024));
                let psych = rng.random_bool(0.3 + 0.2 * f64::from(year - 2024));
                table.push(row(&[
                    &school,
                    &format!("{title} {place}"),
                    level,
                    commune,
                    &year.to_string(),
                    if sanitation { "có" } else { "không" },
                    if psych { "có" } else { "không" },
                ]));
            }
        }
    }

    // Enrolments for the school years ending in 2024, 2025 and 2026.
    let mut enrolments = vec![row(&[
        "child_id",
        "school_year",
        "school_code",
        "level",
        "grade",
        "status",
    ])];
    let mut participation = vec![row(&["child_id", "date", "kind", "note"])];
    let mut cases = vec![row(&[
        "case_id",
        "child_id",
        "reported_on",
        "harm_type",
        "intervention_started_on",
        "closed_on",
    ])];
    let harms = [
        "neglect",
        "violence",
        "child_labour",
        "sexual_abuse",
        "abandonment",
    ];
    for (n, dc) in district.children.iter().enumerate() {
        let c = &dc.child;
        // The old commune the child's school belongs to.
        let home = history
            .resolve(&c.commune_code, dc.as_of)
            .and_then(|u| {
                old.iter().find(|(code, _)| {
                    history
                        .resolve(code, d(2025, 6, 30))
                        .and_then(|o| history.became(o, after))
                        .is_some_and(|b| b.code == u.code)
                        || *code == u.code
                })
            })
            .map(|(code, _)| code.clone());
        for end in [2024, 2025, 2026] {
            let Some(home) = &home else { break };
            let age = end - 1 - c.date_of_birth.year();
            let (prefix, level, grade) = match age {
                3..=5 => ("MN", "preschool", String::new()),
                6..=10 => ("TH", "primary", (age - 5).to_string()),
                11..=14 => ("THCS", "lower_secondary", (age - 5).to_string()),
                _ => continue,
            };
            // A few five-year-olds are not mobilised at all.
            if age == 5 && rng.random_bool(0.012) {
                continue;
            }
            let status = match rng.random_range(0..1000) {
                0..=6 => "dropped_out",
                7..=12 => "transferred",
                _ if grade == "5" => {
                    if rng.random_bool(0.995) {
                        "completed"
                    } else {
                        "not_completed"
                    }
                }
                _ if grade == "9" => {
                    if rng.random_bool(0.985) {
                        "graduated"
                    } else {
                        "not_graduated"
                    }
                }
                _ => "enrolled",
            };
            enrolments.push(row(&[
                &c.child_id,
                &format!("{}-{end}", end - 1),
                &format!("{prefix}-{home}"),
                level,
                &grade,
                status,
            ]));
        }
        let age = 2025 - c.date_of_birth.year();
        if (5..=15).contains(&age) && rng.random_bool(0.87) {
            participation.push(row(&[
                &c.child_id,
                "2024-11-20",
                "awareness",
                "Tuyên truyền Luật Trẻ em",
            ]));
        }
        for year in [2024, 2025, 2026] {
            if (11..=15).contains(&(year - c.date_of_birth.year())) && rng.random_bool(0.32) {
                let kind = ["club", "forum", "council"][rng.random_range(0..3)];
                participation.push(row(&[
                    &c.child_id,
                    &format!("{year}-05-{:02}", 10 + n % 15),
                    kind,
                    "",
                ]));
            }
        }
        if rng.random_bool(0.0015) {
            let year = [2024, 2025, 2026][rng.random_range(0..3)];
            let reported = d(year, rng.random_range(1..=6), rng.random_range(1..=28));
            let helped = rng
                .random_bool(0.93)
                .then(|| reported + chrono::Days::new(rng.random_range(0..3)));
            let closed = helped
                .filter(|_| rng.random_bool(0.6))
                .map(|h| h + chrono::Days::new(rng.random_range(20..90)));
            let fmt = |x: Option<NaiveDate>| x.map(|x| x.to_string()).unwrap_or_default();
            cases.push(row(&[
                &format!("VV-{year}-{n:05}"),
                &c.child_id,
                &reported.to_string(),
                harms[rng.random_range(0..harms.len())],
                &fmt(helped),
                &fmt(closed),
            ]));
        }
    }

    // Assessments: the old communes for 2024, the new ones for 2025–2026.
    let header = row(&["commune_code", "year", "child_friendly", "play_spot"]);
    let mut assessments = vec![header];
    for (year, list) in [(2024, &old), (2025, &new), (2026, &new)] {
        for (code, _) in list.iter() {
            let friendly = rng.random_bool(0.45 + 0.15 * f64::from(year - 2024));
            let play = rng.random_bool(0.55 + 0.15 * f64::from(year - 2024));
            assessments.push(row(&[
                code,
                &year.to_string(),
                if friendly { "đạt" } else { "không đạt" },
                if play { "có" } else { "không" },
            ]));
        }
    }
    // Floods and landslides in the rainy season, with their commune code of the day.
    let mut disasters = vec![row(&[
        "event_id",
        "commune_code",
        "occurred_on",
        "kind",
        "children_affected",
        "children_supported_timely",
    ])];
    for (year, list) in [(2024, &old), (2025, &new), (2026, &new)] {
        for e in 0..2 {
            let on = d(year, 7 + e, 3 + 11 * e);
            for (code, _) in list.iter() {
                if !rng.random_bool(0.35) {
                    continue;
                }
                let affected = rng.random_range(8..60);
                let supported = affected - rng.random_range(0..4).min(affected);
                disasters.push(row(&[
                    &format!("TT-{year}-{e}"),
                    code,
                    &on.to_string(),
                    if e == 0 {
                        "Lũ quét"
                    } else {
                        "Sạt lở đất"
                    },
                    &affected.to_string(),
                    &supported.to_string(),
                ]));
            }
        }
    }
    vec![
        DemoDataSet {
            as_of: before,
            files: vec![("schools", schools_old)],
        },
        DemoDataSet {
            as_of: after,
            files: vec![
                ("schools", schools_new),
                ("enrolments", enrolments),
                ("participation", participation),
                ("commune_assessments", assessments),
                ("disasters", disasters),
                ("cases", cases),
            ],
        },
    ]
}

//! `treem indicators` as a real process on an imported data set: the JSON
//! contract, H1 and annual across the 2025 reform, `--unit`, bad options.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;

use common::{text, treem};
use treem_store::testing::temp_dir;

/// A small data set recorded before the reform (units of 1 March 2025).
fn data_set(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let files = [
        ("manifest.csv", "as_of\n2025-03-01\n"),
        (
            "children.csv",
            "child_id,full_name,sex,date_of_birth,commune_code,birth_registered,ethnicity,household_poverty\n\
             A,Lò Thị A,F,2023-01-10,03424,yes,Hmông,poor\n\
             B,Lò Văn B,M,2022-05-05,03424,no,01,none\n\
             C,Tẩn Thị C,F,2019-03-03,03394,yes,,\n\
             D,Tẩn Văn D,M,2012-02-02,03394,yes,08,cận nghèo\n",
        ),
        (
            "measurements.csv",
            "child_id,measured_on,weight_kg,height_cm\nA,2025-03-01,7.0,75.0\nB,2025-05-01,12.5,90.0\n",
        ),
        (
            "commune_assessments.csv",
            "commune_code,year,child_friendly,play_spot\n03424,2024,yes,yes\n03394,2024,no,yes\n",
        ),
        (
            "participation.csv",
            "child_id,date,kind\nD,2025-04-01,club\nD,2022-01-01,awareness\n",
        ),
    ];
    for (name, content) in files {
        std::fs::write(dir.join(name), content).unwrap();
    }
}

fn figure<'a>(doc: &'a serde_json::Value, code: &str, key: &str) -> &'a serde_json::Value {
    doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == code)
        .unwrap_or_else(|| panic!("no unit {code}"))
        .get("indicators")
        .unwrap()
        .get(key)
        .unwrap()
}

#[test]
fn indicators_as_json_across_the_reform() {
    let d = temp_dir().unwrap();
    let data = d.0.join("data");
    data_set(&d.0.join("set"));
    let o = treem(&data, &["import", d.0.join("set").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    let o = treem(
        &data,
        &[
            "indicators",
            "--year",
            "2025",
            "--half",
            "1",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["period"], "h1");
    assert_eq!(doc["reference_date"], "2025-06-30");
    let codes: Vec<&str> = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["12", "106", "03394", "03424"]);
    for u in doc["units"].as_array().unwrap() {
        assert_eq!(u["indicators"].as_object().unwrap().len(), 14);
    }
    let reg = figure(&doc, "106", "birth_registration_u5");
    assert_eq!(
        (reg["numerator"].as_i64(), reg["denominator"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(reg["value"].as_f64(), Some(50.0));
    assert_eq!(reg["target"].as_f64(), Some(100.0));
    assert_eq!(reg["comparison"], ">=");
    assert_eq!(reg["status"], "not_met");
    let cf = figure(&doc, "106", "child_friendly_communes");
    assert_eq!(
        (cf["numerator"].as_i64(), cf["denominator"].as_i64()),
        (Some(1), Some(2))
    );
    let none = figure(&doc, "03394", "disaster_relief");
    assert_eq!(none["value"], serde_json::Value::Null);
    assert_eq!(none["status"], "no_data");
    let p11 = figure(&doc, "03394", "participation_11plus");
    assert_eq!(
        (p11["numerator"].as_i64(), p11["denominator"].as_i64()),
        (Some(1), Some(1))
    );

    // After the reform: the new communes (no district), which need their own
    // assessments.
    let o = treem(&data, &["indicators", "--year", "2025", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["12", "03394", "03424"]);
    let cf = figure(&doc, "12", "child_friendly_communes");
    assert_eq!(
        (cf["numerator"].as_i64(), cf["denominator"].as_i64()),
        (Some(0), Some(2))
    );

    // One unit and what is under it; CSV and the readable table.
    let o = treem(
        &data,
        &[
            "indicators",
            "--year",
            "2025",
            "--half",
            "1",
            "--unit",
            "03424",
            "--format",
            "csv",
        ],
    );
    let csv = text(&o.stdout);
    assert_eq!(csv.lines().count(), 15, "{csv}");
    assert!(csv.lines().skip(1).all(|l| l.contains(",03424,")));
    let o = treem(&data, &["indicators", "--year", "2025", "--half", "1"]);
    assert!(
        text(&o.stdout).contains("Tỷ lệ trẻ em dưới 5 tuổi được đăng ký khai sinh: 1/2 = 50,0%")
    );
}

/// The `by` of a figure as (group, numerator, denominator), sorted.
fn parts(f: &serde_json::Value) -> Vec<(String, i64, i64)> {
    let mut v: Vec<(String, i64, i64)> = f["by"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(g, p)| {
            (
                g.clone(),
                p["numerator"].as_i64().unwrap(),
                p["denominator"].as_i64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn indicators_split_by_groups_of_children() {
    let d = temp_dir().unwrap();
    let data = d.0.join("data");
    data_set(&d.0.join("set"));
    let o = treem(&data, &["import", d.0.join("set").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let run = |by: &str| {
        let args = [
            "indicators",
            "--year",
            "2025",
            "--half",
            "1",
            "--by",
            by,
            "--format",
            "json",
        ];
        let o = treem(&data, &args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let sex = run("sex");
    let reg = figure(&sex, "106", "birth_registration_u5");
    assert_eq!(parts(reg), vec![("F".into(), 1, 1), ("M".into(), 0, 1)]);
    assert_eq!(
        parts(figure(&sex, "03394", "participation_11plus")),
        vec![("M".into(), 1, 1)]
    );
    // Only the indicators counted child by child are split.
    assert!(
        figure(&sex, "106", "child_friendly_communes")
            .get("by")
            .is_none()
    );
    let poverty = run("poverty");
    assert_eq!(
        parts(figure(&poverty, "106", "birth_registration_u5")),
        vec![("none".into(), 0, 1), ("poor".into(), 1, 1)]
    );
    let ethnicity = run("ethnicity");
    // The awareness indicator counts the 6–15-year-olds: C (unknown) and D.
    assert_eq!(
        parts(figure(&ethnicity, "106", "participation_awareness")),
        vec![("".into(), 0, 1), ("08".into(), 1, 1)]
    );
    // Every split entry of every unit: its groups sum to it exactly.
    for doc in [&sex, &poverty, &ethnicity] {
        for u in doc["units"].as_array().unwrap() {
            for (key, f) in u["indicators"].as_object().unwrap() {
                let Some(by) = f.get("by") else { continue };
                let (n, dd) = by.as_object().unwrap().values().fold((0, 0), |(n, d), p| {
                    (
                        n + p["numerator"].as_i64().unwrap(),
                        d + p["denominator"].as_i64().unwrap(),
                    )
                });
                assert_eq!(
                    (Some(n), Some(dd)),
                    (f["numerator"].as_i64(), f["denominator"].as_i64()),
                    "{key} of {}",
                    u["code"]
                );
            }
        }
    }
    // CSV: a group column, a row per group after its entry.
    let o = treem(
        &data,
        &[
            "indicators",
            "--year",
            "2025",
            "--half",
            "1",
            "--unit",
            "03424",
            "--by",
            "sex",
            "--format",
            "csv",
        ],
    );
    let csv = text(&o.stdout);
    assert!(
        csv.lines().next().unwrap().ends_with(",status,group"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.contains(",birth_registration_u5,0,1,0,,,,M")),
        "{csv}"
    );
    let o = treem(&data, &["indicators", "--year", "2025", "--by", "age"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("sex"), "{}", text(&o.stderr));
}

#[test]
fn bad_indicator_options() {
    let d = temp_dir().unwrap();
    let o = treem(&d.0, &["indicators", "--year", "2025", "--half", "2"]);
    assert_eq!(o.status.code(), Some(1));
    let o = treem(&d.0, &["indicators", "--year", "2025", "--unit", "99999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("99999"));
    let o = treem(&d.0, &["indicators", "--year", "2025", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = treem(&d.0, &["indicators"]);
    assert_eq!(o.status.code(), Some(2));
}

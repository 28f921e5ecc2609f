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
            "child_id,full_name,sex,date_of_birth,commune_code,birth_registered\n\
             A,Lò Thị A,F,2023-01-10,03424,yes\n\
             B,Lò Văn B,M,2022-05-05,03424,no\n\
             C,Tẩn Thị C,F,2019-03-03,03394,yes\n\
             D,Tẩn Văn D,M,2012-02-02,03394,yes\n",
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

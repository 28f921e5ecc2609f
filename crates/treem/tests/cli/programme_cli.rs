//! `treem indicators` writes the programme indicators (defined as data)
//! beside the fourteen: in each unit a map `programme_indicators` keyed by
//! the indicator's code, each entry of the fourteen's shape, and every unit
//! above a commune the sum of its communes — before and after the reform.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{text, treem};
use treem_store::testing::temp_dir;

fn sums(doc: &serde_json::Value, code: &str, key: &str) -> (f64, f64) {
    let units = doc["units"].as_array().unwrap();
    let u = units.iter().find(|u| u["code"] == code).unwrap();
    let f = &u["programme_indicators"][key];
    (
        f["numerator"].as_f64().unwrap(),
        f["denominator"].as_f64().unwrap_or(0.0),
    )
}

#[test]
fn programme_indicators_sum_their_communes() {
    let d = temp_dir().unwrap();
    let o = treem(&d.0, &["demo", "--children", "600", "--seed", "4"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for (half, top) in [(true, "106"), (false, "12")] {
        let mut args = vec!["indicators", "--year", "2025", "--format", "json"];
        if half {
            args.extend(["--half", "1"]);
        }
        let o = treem(&d.0, &args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let units = doc["units"].as_array().unwrap();
        let province = units.iter().find(|u| u["code"] == "12").unwrap();
        let entries = province["programme_indicators"].as_object().unwrap();
        assert_eq!(entries.len(), 5, "the demo's five");
        let rate = &entries["CT2_INJURY_RATE"];
        for field in [
            "numerator",
            "denominator",
            "value",
            "target",
            "comparison",
            "status",
        ] {
            assert!(rate.get(field).is_some(), "{field} in {rate}");
        }
        assert_eq!(rate["comparison"], "<=");
        assert_eq!(rate["status"], "no_target", "the demo enters no target");
        assert!(
            rate["numerator"].is_u64(),
            "a count is a whole number: {rate}"
        );
        let count = &entries["CT2_DROWN_DEATHS"];
        assert!(count["denominator"].is_null(), "a count has no denominator");
        // Units above the communes are sums of the communes valid then.
        let communes: Vec<&serde_json::Value> =
            units.iter().filter(|u| u["level"] == "commune").collect();
        assert!(!communes.is_empty());
        for key in entries.keys() {
            let (n, dd) = communes.iter().fold((0.0, 0.0), |(n, dd), u| {
                let (a, b) = sums(&doc, u["code"].as_str().unwrap(), key);
                (n + a, dd + b)
            });
            assert_eq!(sums(&doc, top, key), (n, dd), "{key} of {top}");
            assert_eq!(sums(&doc, "12", key), (n, dd), "{key} of the province");
        }
        let (n, dd) = sums(&doc, "12", "CT3_U5_DEATH_RATE");
        let v = province["programme_indicators"]["CT3_U5_DEATH_RATE"]["value"]
            .as_f64()
            .unwrap();
        assert_eq!(v, n * 1000.0 / dd);
    }
}

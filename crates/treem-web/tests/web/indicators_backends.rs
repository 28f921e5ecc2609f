//! The indicators' edge cases from imported records, on SQLite and on
//! PostgreSQL: the same data set gives the same figures on both.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use treem_domain::indicators::Period;
use treem_interchange::{DataSet, Options, Quiet, import};
use treem_store::Store;
use treem_web::indicators::figures::{Report, report};

fn table(rows: &[&str]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.split(',').map(str::to_string).collect())
        .collect()
}

/// Records of 1 March 2025 (before the reform), around the boundaries of
/// the H1 2025 reference date (30 June 2025).
fn data_set() -> DataSet {
    DataSet::from_tables(vec![
        (
            "children",
            table(&[
                "child_id,full_name,sex,date_of_birth,commune_code,birth_registered,birth_registration_date,status,status_date",
                // 1,826 days old on 30/06/2025: under five, registered.
                "U1,Lò Thị Một,F,2020-06-30,03424,yes,2020-07-10,,",
                // 1,827 days: not under five.
                "U2,Lò Văn Hai,M,2020-06-29,03424,yes,2020-07-10,,",
                // Registered only after the reference date.
                "U3,Lò Thị Ba,F,2023-01-01,03424,yes,2025-07-15,,",
                // Moved away on the day: not resident.
                "U4,Lò Văn Bốn,M,2023-01-01,03424,no,,moved,2025-06-30",
                // Moved after the day: resident, unknown registration.
                "U5,Lò Thị Năm,F,2023-01-01,03424,,,moved,2025-07-01",
                // Eleven on the day: a grade-5 pupil, aware of her rights.
                "P1,Lò Văn Sáu,M,2014-03-03,03424,yes,2014-04-01,,",
                // Fourteen: a club member; a case with help after the day.
                "P2,Lò Thị Bảy,F,2011-02-02,03424,yes,2011-03-01,,",
            ]),
        ),
        (
            "measurements",
            table(&[
                "child_id,measured_on,weight_kg,height_cm",
                // U1: earlier low, latest fine.
                "U1,2025-01-15,12.0,99.0",
                "U1,2025-06-01,17.0,109.0",
                // U3: measured only the year before.
                "U3,2024-12-31,8.0,70.0",
            ]),
        ),
        (
            "schools",
            table(&[
                "school_code,name,level,commune_code,year,sanitation_standard,psych_support",
                "TH1,Trường TH,primary,03424,2024,yes,no",
                "TH1,Trường TH,primary,03424,2026,no,no",
            ]),
        ),
        (
            "enrolments",
            table(&[
                "child_id,school_year,school_code,level,grade,status",
                "P1,2024-2025,TH1,primary,5,completed",
                "U2,2024-2025,TH1,primary,1,enrolled",
                "P2,2024-2025,TH1,lower_secondary,9,transferred",
            ]),
        ),
        (
            "commune_assessments",
            table(&["commune_code,year,child_friendly,play_spot", "03424,2024,yes,no"]),
        ),
        (
            "disasters",
            table(&[
                "event_id,commune_code,occurred_on,kind,children_affected,children_supported_timely",
                "E1,03424,2025-05-05,Lũ,10,9",
                "E2,03424,2025-07-05,Lũ,5,5",
            ]),
        ),
        (
            "participation",
            table(&[
                "child_id,date,kind,note",
                "P1,2021-01-01,awareness,",
                "P2,2025-04-01,club,",
            ]),
        ),
        (
            "cases",
            table(&[
                "case_id,child_id,reported_on,harm_type,intervention_started_on,closed_on",
                "K1,P2,2025-03-01,neglect,2025-07-02,",
            ]),
        ),
    ])
    .unwrap()
}

fn count(r: &Report, code: &str, key: &str) -> (i64, i64) {
    let u = r
        .units
        .iter()
        .find(|u| u.code == code)
        .unwrap_or_else(|| panic!("no {code}"));
    let (_, f) = u.indicators.iter().find(|(k, _)| *k == key).unwrap();
    (f.numerator, f.denominator)
}

async fn edge_cases(store: &dyn Store) {
    treem_web::shell::bootstrap::ensure_units(store)
        .await
        .unwrap();
    let opts = Options {
        as_of: NaiveDate::from_ymd_opt(2025, 3, 1),
        partial: false,
        check_only: false,
        actor: "test".into(),
        agency: None,
        actor_id: None,
        scope: None,
        today: NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
        reject_dir: None,
        workbook: false,
    };
    let r = import(store, &data_set(), &opts, &Quiet).await.unwrap();
    assert!(r.problems.is_empty(), "{}", r.render(true));

    let (h1, _) = report(
        store,
        Period {
            year: 2025,
            half: true,
        },
    )
    .await
    .unwrap();
    let codes: Vec<&str> = h1.units.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(codes, vec!["12", "106", "03424"]);
    assert_eq!(count(&h1, "03424", "birth_registration_u5"), (1, 3));
    assert_eq!(count(&h1, "03424", "underweight_u5"), (0, 1));
    assert_eq!(count(&h1, "03424", "school_sanitation"), (1, 1));
    assert_eq!(count(&h1, "03424", "primary_completion"), (1, 1));
    assert_eq!(count(&h1, "03424", "lower_secondary_graduation"), (0, 0));
    assert_eq!(count(&h1, "03424", "child_friendly_communes"), (1, 1));
    assert_eq!(count(&h1, "03424", "play_spots"), (0, 1));
    assert_eq!(count(&h1, "03424", "disaster_relief"), (9, 10));
    assert_eq!(count(&h1, "03424", "abuse_intervention"), (0, 1));
    assert_eq!(count(&h1, "03424", "participation_awareness"), (1, 2));
    // P1 turned 11 in March: in the band, without an activity.
    assert_eq!(count(&h1, "03424", "participation_11plus"), (1, 2));
    let status = |r: &Report, key: &str| {
        let u = r.units.iter().find(|u| u.code == "03424").unwrap();
        u.indicators
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, f)| f.status)
            .unwrap()
    };
    assert_eq!(status(&h1, "lower_secondary_graduation"), "no_data");
    assert_eq!(status(&h1, "disaster_relief"), "not_met");

    // The annual report: the new commune, no district; the 2024 assessment
    // does not pass to it; July's event and the late help now count.
    let (annual, _) = report(
        store,
        Period {
            year: 2025,
            half: false,
        },
    )
    .await
    .unwrap();
    let codes: Vec<&str> = annual.units.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(codes, vec!["12", "03424"]);
    assert_eq!(count(&annual, "03424", "child_friendly_communes"), (0, 1));
    assert_eq!(count(&annual, "03424", "disaster_relief"), (14, 15));
    assert_eq!(count(&annual, "12", "abuse_intervention"), (1, 1));
    assert_eq!(count(&annual, "03424", "school_sanitation"), (1, 1));
}

#[tokio::test]
async fn edge_cases_on_sqlite() {
    let db = treem_store::testing::sqlite().await.unwrap();
    edge_cases(db.store.as_ref()).await;
}

#[tokio::test]
async fn edge_cases_on_postgres() {
    if let Some(db) = treem_store::testing::postgres("indicator_edge_cases")
        .await
        .unwrap()
    {
        edge_cases(db.store.as_ref()).await;
    }
}

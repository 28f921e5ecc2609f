//! The contract of returns, on SQLite and on PostgreSQL: the seed is
//! loaded once; a draft's values are written, changed (the earlier value
//! kept) and cleared; a submitted or approved return takes no value; the
//! status moves only from the status the caller saw; every step is kept.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use common::*;
use treem_store::{ElementRow, FilingKey, FormRow, Store};

fn seed() -> (Vec<ElementRow>, Vec<FormRow>) {
    let element = |code: &str, by_sex: bool| ElementRow {
        code: code.into(),
        name_vi: format!("Số {code}"),
        name_en: code.into(),
        kind: "whole".into(),
        by_sex,
        programme: Some("CT2".into()),
    };
    let form = FormRow {
        code: "BC_6THANG".into(),
        name_vi: "Báo cáo 6 tháng".into(),
        name_en: "Six-monthly".into(),
        frequency: "6-monthly".into(),
        elements: vec![
            "INJ_ALL".into(),
            "INJ_DROWN".into(),
            "U5_DEATH_DISEASE".into(),
        ],
        rules: vec![("INJ_DROWN".into(), "<=".into(), "INJ_ALL".into())],
    };
    (
        vec![
            element("INJ_ALL", true),
            element("INJ_DROWN", true),
            element("U5_DEATH_DISEASE", false),
        ],
        vec![form],
    )
}

fn v(e: &str, s: &str, x: Option<f64>) -> (String, String, Option<f64>) {
    (e.into(), s.into(), x)
}

async fn a_return_is_filled_submitted_approved_and_unlocked(store: Arc<dyn Store>) {
    load_units(&store).await;
    let unit = store.units().await.unwrap()[0].id;
    let (elements, forms) = seed();
    assert!(
        store
            .load_return_seed(&elements, &forms, ev("returns_loaded"))
            .await
            .unwrap()
    );
    assert!(
        !store
            .load_return_seed(&elements, &forms, ev("returns_loaded"))
            .await
            .unwrap()
    );
    assert_eq!(store.data_elements().await.unwrap().len(), 3);
    let stored = store.return_forms().await.unwrap();
    assert_eq!(stored, forms, "elements in order, rules kept");

    let key = FilingKey {
        unit_id: unit,
        form: "BC_6THANG",
        period: "2026h1",
    };
    let first = [
        v("INJ_ALL", "F", Some(4.0)),
        v("INJ_ALL", "M", Some(3.0)),
        v("INJ_DROWN", "F", None),
        v("U5_DEATH_DISEASE", "", Some(1.0)),
    ];
    assert_eq!(
        store
            .save_return(key, &first, ev("return_saved"))
            .await
            .unwrap(),
        Some(3)
    );
    // The same again changes nothing; a change and a clearing do.
    assert_eq!(
        store
            .save_return(key, &first, ev("return_saved"))
            .await
            .unwrap(),
        Some(0)
    );
    let second = [
        v("INJ_ALL", "F", Some(5.0)),
        v("U5_DEATH_DISEASE", "", None),
    ];
    assert_eq!(
        store
            .save_return(key, &second, ev("return_saved"))
            .await
            .unwrap(),
        Some(2)
    );
    let values = store.return_values(unit, "2026h1").await.unwrap();
    let got: Vec<(&str, &str, f64)> = values
        .iter()
        .map(|r| (r.element.as_str(), r.sex.as_str(), r.value))
        .collect();
    assert_eq!(got, vec![("INJ_ALL", "F", 5.0), ("INJ_ALL", "M", 3.0)]);
    assert!(store.return_values(unit, "2025").await.unwrap().is_empty());

    // Submitted: the values are locked; only from the status seen.
    assert!(
        store
            .step_return(
                key,
                "draft",
                "submitted",
                "submitted",
                "",
                ev("return_submitted")
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .step_return(
                key,
                "draft",
                "submitted",
                "submitted",
                "",
                ev("return_submitted")
            )
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .save_return(key, &second, ev("return_saved"))
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .step_return(
                key,
                "submitted",
                "approved",
                "approved",
                "",
                ev("return_approved")
            )
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .save_return(key, &first, ev("return_saved"))
            .await
            .unwrap(),
        None
    );
    let filings = store.return_filings("BC_6THANG", "2026h1").await.unwrap();
    assert_eq!(filings.len(), 1);
    assert_eq!(filings[0].status, "approved");
    assert!(
        store
            .step_return(
                key,
                "approved",
                "draft",
                "unlocked",
                "Thiếu 2 trẻ",
                ev("return_unlocked")
            )
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .save_return(key, &first, ev("return_saved"))
            .await
            .unwrap(),
        Some(2)
    );
    let steps: Vec<(String, String)> = store
        .return_steps(key)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.step, s.reason))
        .collect();
    let names: Vec<&str> = steps.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "saved",
            "saved",
            "saved",
            "submitted",
            "approved",
            "unlocked",
            "saved"
        ]
    );
    assert_eq!(steps[5].1, "Thiếu 2 trẻ");
    verify_chain(&store).await.unwrap();
}

on_both!(a_return_is_filled_submitted_approved_and_unlocked);

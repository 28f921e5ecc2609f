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

async fn definitions_change_and_only_filed_values_count(store: Arc<dyn Store>) {
    use treem_store::{ElementPut, ProgrammeIndicatorRow};
    load_units(&store).await;
    let units = store.units().await.unwrap();
    let (a, b) = (units[0].id, units[1].id);
    let (elements, forms) = seed();
    store
        .load_return_seed(&elements, &forms, ev("returns_loaded"))
        .await
        .unwrap();

    // An element: added, renamed, unchanged; its kind is fixed once filed.
    let mut labour = ElementRow {
        code: "LABOUR_FOUND".into(),
        name_vi: "Trẻ lao động".into(),
        name_en: "Child labour".into(),
        kind: "whole".into(),
        by_sex: true,
        programme: Some("CT4".into()),
    };
    let put = |e: ElementRow| {
        let store = store.clone();
        async move {
            store
                .put_data_element(&e, ev("element_changed"))
                .await
                .unwrap()
        }
    };
    assert_eq!(put(labour.clone()).await, ElementPut::Created);
    assert_eq!(put(labour.clone()).await, ElementPut::Unchanged);
    labour.name_vi = "Trẻ em lao động trái quy định".into();
    assert_eq!(put(labour.clone()).await, ElementPut::Updated);
    let mut split = elements[0].clone();
    split.by_sex = false;
    assert_eq!(
        put(split.clone()).await,
        ElementPut::Updated,
        "nothing filed yet"
    );
    split.by_sex = true;
    assert_eq!(put(split.clone()).await, ElementPut::Updated);

    // A return: its elements and rules replaced.
    let mut form = forms[0].clone();
    form.elements.push("LABOUR_FOUND".into());
    form.rules = vec![("INJ_DROWN".into(), "<=".into(), "INJ_ALL".into())];
    assert!(
        !store
            .put_return_form(&form, ev("return_form_changed"))
            .await
            .unwrap()
    );
    let yearly = FormRow {
        code: "BC_NAM".into(),
        name_vi: "Báo cáo năm".into(),
        name_en: "Yearly".into(),
        frequency: "yearly".into(),
        elements: vec![],
        rules: vec![],
    };
    assert!(
        store
            .put_return_form(&yearly, ev("return_form_changed"))
            .await
            .unwrap()
    );
    let stored = store.return_forms().await.unwrap();
    assert_eq!(stored, vec![form.clone(), yearly], "by code");

    // Values of a draft do not count; of a submitted or approved return do.
    let key = |unit_id| FilingKey {
        unit_id,
        form: "BC_6THANG",
        period: "2026h1",
    };
    for (unit, n) in [(a, 5.0), (b, 9.0)] {
        store
            .save_return(
                key(unit),
                &[
                    v("INJ_ALL", "F", Some(n)),
                    v("LABOUR_FOUND", "M", Some(1.0)),
                ],
                ev("return_saved"),
            )
            .await
            .unwrap();
    }
    assert!(store.filed_values("2026h1").await.unwrap().is_empty());
    assert!(
        store
            .step_return(
                key(a),
                "draft",
                "submitted",
                "submitted",
                "",
                ev("return_submitted")
            )
            .await
            .unwrap()
    );
    let filed = store.filed_values("2026h1").await.unwrap();
    let seen: Vec<(i64, &str, &str, f64)> = filed
        .iter()
        .map(|f| (f.unit_id, f.element.as_str(), f.sex.as_str(), f.value))
        .collect();
    assert_eq!(
        seen,
        vec![(a, "INJ_ALL", "F", 5.0), (a, "LABOUR_FOUND", "M", 1.0)]
    );
    assert!(store.filed_values("2026").await.unwrap().is_empty());
    // Filed now: its split by sex cannot change.
    split.by_sex = false;
    assert_eq!(put(split).await, ElementPut::InUse);

    // An indicator defined as data: added, then changed.
    let mut row = ProgrammeIndicatorRow {
        code: "CT4_LABOUR".into(),
        name_vi: "Trẻ lao động được phát hiện".into(),
        name_en: "Child labour found".into(),
        programme: "CT4".into(),
        numerator: "LABOUR_FOUND".into(),
        denominator: "#children_0_15".into(),
        factor: 1000,
        goal: "<=".into(),
        changed_by: "admin".into(),
        changed_at: chrono::Utc::now(),
    };
    assert!(
        store
            .put_programme_indicator(&row, ev("programme_indicator_changed"))
            .await
            .unwrap()
    );
    row.factor = 100_000;
    assert!(
        !store
            .put_programme_indicator(&row, ev("programme_indicator_changed"))
            .await
            .unwrap()
    );
    let stored = store.programme_indicators().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].factor, stored[0].goal.as_str()), (100_000, "<="));
    verify_chain(&store).await.unwrap();
}

async fn a_report_draft_is_saved_changed_and_emptied(store: Arc<dyn Store>) {
    load_units(&store).await;
    let unit = store.units().await.unwrap()[0].id;
    let s = |k: &str, v: &str| (k.to_string(), v.to_string());
    let first = [s("leadership", "Ban hành kế hoạch."), s("proposals", "")];
    assert_eq!(
        store
            .save_report_draft(unit, "2025", &first, ev("report_draft_saved"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .save_report_draft(unit, "2025", &first, ev("report_draft_saved"))
            .await
            .unwrap(),
        0,
        "the same again"
    );
    let second = [
        s("leadership", ""),
        s("proposals", "Đề nghị bổ sung kinh phí."),
    ];
    assert_eq!(
        store
            .save_report_draft(unit, "2025", &second, ev("report_draft_saved"))
            .await
            .unwrap(),
        2
    );
    let saved = store.report_draft(unit, "2025").await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(
        (saved[0].section.as_str(), saved[0].body.as_str()),
        ("proposals", "Đề nghị bổ sung kinh phí.")
    );
    assert!(store.report_draft(unit, "2025h1").await.unwrap().is_empty());
    verify_chain(&store).await.unwrap();
}

on_both!(
    a_return_is_filled_submitted_approved_and_unlocked,
    definitions_change_and_only_filed_values_count,
    a_report_draft_is_saved_changed_and_emptied,
);

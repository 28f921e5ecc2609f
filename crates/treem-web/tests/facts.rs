//! The small forms for schools, assessments, disasters and participation:
//! one row each through the importer, with the officer's scope.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestApp;
use reqwest::StatusCode;
use treem_store::ExportFile;

async fn send(
    app: &TestApp,
    c: &reqwest::Client,
    file: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let csrf = app.csrf(c, "/facts").await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = c
        .post(app.url(&format!("/facts/{file}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn count(app: &TestApp, file: ExportFile) -> usize {
    app.store.export_page(file, 0, 100_000).await.unwrap().len()
}

async fn forms_store_one_row_each_within_scope(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let (status, body) = app.get(&c, "/facts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Công trình vệ sinh đạt chuẩn"));
    let schools = count(&app, ExportFile::Schools).await;
    let school = [
        ("school_code", "TH-TEST"),
        ("name", "Trường Tiểu học Thử"),
        ("level", "tiểu học"),
        ("commune_code", "03424"),
        ("year", "2026"),
        ("sanitation_standard", "có"),
        ("psych_support", "không"),
    ];
    let (status, body) = send(&app, &c, "schools", &school).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Đã lưu."));
    assert_eq!(count(&app, ExportFile::Schools).await, schools + 1);
    // Another commune's school is refused, and nothing is stored.
    let mut other = school;
    other[0] = ("school_code", "TH-KHAC");
    other[3] = ("commune_code", "03390");
    let (status, body) = send(&app, &c, "schools", &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Mã xã: ngoài phạm vi đơn vị"), "{body}");
    assert!(body.contains("value=\"TH-KHAC\""), "what was typed is kept");
    assert_eq!(count(&app, ExportFile::Schools).await, schools + 1);
    let disaster = [
        ("event_id", "LU-TEST"),
        ("commune_code", "03424"),
        ("occurred_on", "02/08/2026"),
        ("kind", "Lũ quét"),
        ("children_affected", "10"),
        ("children_supported_timely", "12"),
    ];
    let (status, body) = send(&app, &c, "disasters", &disaster).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("lớn hơn số trẻ em bị ảnh hưởng"), "{body}");
    let (status, _) = send(&app, &c, "nope", &disaster).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A viewer does not enter figures.
    let v = app.signed_in("xem").await;
    let (status, _) = app.get(&v, "/facts").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

on_both!(forms_store_one_row_each_within_scope);

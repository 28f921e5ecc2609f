//! The plan's targets as data: an administrator changes a milestone, the
//! figures are judged against it, and the change is kept.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use treem_domain::indicators::Period;

async fn target(app: &TestApp, key: &str) -> Option<f64> {
    let period = Period {
        year: 2025,
        half: false,
    };
    let (report, _) = treem_web::indicators::figures::report(app.store.as_ref(), period)
        .await
        .unwrap();
    let province = report.units.iter().find(|u| u.code == "12")?;
    province
        .indicators
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, f)| f.target)
}

async fn send(
    app: &TestApp,
    c: &reqwest::Client,
    indicator: &str,
    year: &str,
    value: &str,
) -> (StatusCode, String) {
    let csrf = app.csrf(c, "/admin/targets").await;
    let res = c
        .post(app.url("/admin/targets"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("indicator", indicator),
            ("year", year),
            ("value", value),
        ])
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn administrator_changes_a_milestone(app: TestApp) {
    assert_eq!(target(&app, "play_spots").await, Some(60.0));
    let c = app.signed_in("admin1").await;
    let (status, body) = app.get(&c, "/admin/targets").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("2025: ≥ 60,0% · 2030: ≥ 95,0%"), "{body}");
    let (status, body) = send(&app, &c, "play_spots", "2025", "70,5").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Đã lưu mốc mục tiêu."));
    assert!(
        body.contains("60,0%") && body.contains("70,5%"),
        "history shows before and after"
    );
    assert_eq!(target(&app, "play_spots").await, Some(70.5));
    // Removing 2025's milestone: 2025 is judged against the first after it.
    let (status, _) = send(&app, &c, "play_spots", "2025", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(target(&app, "play_spots").await, Some(95.0));
    let changes = app.store.target_changes(10).await.unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!((changes[0].previous, changes[0].value), (Some(70.5), None));
    assert_eq!(changes[0].actor, "admin1");
    for (indicator, year, value) in [
        ("nope", "2025", "1"),
        ("play_spots", "1999", "1"),
        ("play_spots", "2025", "120"),
        ("play_spots", "2025", "abc"),
    ] {
        let (status, _) = send(&app, &c, indicator, year, value).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{indicator} {year} {value}"
        );
    }
    assert_eq!(app.store.target_changes(10).await.unwrap().len(), 2);
    // Only an administrator.
    let t = app.signed_in("tinh").await;
    let (status, _) = app.get(&t, "/admin/targets").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

on_both!(administrator_changes_a_milestone);

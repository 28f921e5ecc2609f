//! Measurements, growth charts and the nutrition list through the pages.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Datelike, Duration};
use common::TestApp;
use reqwest::StatusCode;
use treem_domain::clock::vn_today;
use treem_store::{AuditQuery, ChildRow};

/// A child of that commune born in the last two years, with no measurement today.
async fn young_child(app: &TestApp, code: &str) -> ChildRow {
    let today = vn_today();
    common::children_under(app, code)
        .await
        .into_iter()
        .find(|c| {
            c.status == "active"
                && (today - c.date_of_birth).num_days() < 700
                && (today - c.date_of_birth).num_days() > 300
        })
        .expect("a young child in the demo commune")
}

async fn post_measurement(
    app: &TestApp,
    c: &reqwest::Client,
    id: i64,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let csrf = app
        .csrf(c, &format!("/children/{id}/measurements/new"))
        .await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = c
        .post(app.url(&format!("/children/{id}/measurements")))
        .form(&form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn profile_with_charts(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let with_measurements = {
        let mut found = None;
        for child in common::children_under(&app, "03424").await {
            if !app.store.measurements(child.id).await.unwrap().is_empty() {
                found = Some(child);
                break;
            }
        }
        found.expect("demo campaigns measured someone")
    };
    let (status, body) = app
        .get(&c, &format!("/children/{}", with_measurements.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&with_measurements.full_name));
    assert_eq!(body.matches("<svg").count(), 3, "three growth charts");
    assert!(body.contains("Cân nặng theo tuổi (kg)"));
    assert!(body.contains("class=\"sd0\""));
    assert!(body.contains("Thêm lần cân, đo"));
}

async fn other_communes_children_do_not_exist(app: TestApp) {
    let foreign = young_child(&app, "03390").await;
    let c = app.signed_in("banbo").await;
    assert_eq!(
        app.get(&c, &format!("/children/{}", foreign.id)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&c, &format!("/children/{}/measurements/new", foreign.id))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let before = app.store.measurements(foreign.id).await.unwrap().len();
    let own = young_child(&app, "03424").await;
    // A token from her own page, used against another commune's child.
    let csrf = app
        .csrf(&c, &format!("/children/{}/measurements/new", own.id))
        .await;
    let form = [
        ("csrf", csrf.as_str()),
        ("measured_on", "01/01/2026"),
        ("weight_kg", "9"),
    ];
    let res = c
        .post(app.url(&format!("/children/{}/measurements", foreign.id)))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains(&foreign.full_name));
    assert_eq!(
        app.store.measurements(foreign.id).await.unwrap().len(),
        before
    );
    assert_eq!(
        app.get(&c, "/children/999999").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&c, "/children/abc").await.0,
        StatusCode::BAD_REQUEST
    );
    // Roles without the registry see nothing at all.
    for role in ["xem", "hotro"] {
        let other = app.signed_in(role).await;
        assert_eq!(
            app.get(&other, &format!("/children/{}", own.id)).await.0,
            StatusCode::FORBIDDEN
        );
    }
}

async fn adding_measurements(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let child = young_child(&app, "03424").await;
    let before = app.store.measurements(child.id).await.unwrap().len();
    let today = vn_today();
    let date = format!("{:02}/{:02}/{}", today.day(), today.month(), today.year());
    let lying = [
        ("measured_on", date.as_str()),
        ("weight_kg", "8,4"),
        ("height_cm", "72.5"),
        ("position", "lying"),
    ];
    // Bad input: every problem listed, nothing stored.
    let (status, body) = post_measurement(
        &app,
        &c,
        child.id,
        &[
            ("measured_on", "32/13/2025"),
            ("weight_kg", "abc"),
            ("height_cm", "900"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in [
        "Ngày cân đo không hợp lệ",
        "Cân nặng phải là số",
        "Chiều dài/chiều cao phải là số",
    ] {
        assert!(body.contains(m), "{m}");
    }
    let tomorrow = (today + Duration::days(1)).format("%d/%m/%Y").to_string();
    let (status, body) = post_measurement(
        &app,
        &c,
        child.id,
        &[("measured_on", &tomorrow), ("weight_kg", "8")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Ngày cân đo ở tương lai."));
    assert_eq!(
        app.store.measurements(child.id).await.unwrap().len(),
        before
    );
    // A good measurement is stored with its z-scores.
    let (status, _) = post_measurement(&app, &c, child.id, &lying).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let list = app.store.measurements(child.id).await.unwrap();
    assert_eq!(list.len(), before + 1);
    let m = list
        .iter()
        .find(|m| m.measured.measured_on == today)
        .unwrap();
    assert_eq!(m.measured.weight_kg, Some(8.4));
    assert!(m.z.waz.is_some() && m.z.haz.is_some() && m.z.whz.is_some());
    assert_eq!(m.z.method, treem_domain::nutrition::METHOD);
    // The same day again is refused.
    let (status, body) = post_measurement(&app, &c, child.id, &lying).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("Trẻ đã có một lần cân, đo vào ngày này."));
    // An implausible value is shown for checking first, then saved on confirmation.
    let day = (today - Duration::days(3)).format("%d/%m/%Y").to_string();
    let typo = [
        ("measured_on", day.as_str()),
        ("weight_kg", "84"),
        ("height_cm", "72.5"),
        ("position", "lying"),
    ];
    let (status, body) = post_measurement(&app, &c, child.id, &typo).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Hãy kiểm tra lại trước khi lưu"));
    assert!(body.contains("có thể nhập sai"));
    assert!(body.contains("value=\"84\""), "what was typed is kept");
    assert_eq!(
        app.store.measurements(child.id).await.unwrap().len(),
        before + 1
    );
    let mut confirmed = typo.to_vec();
    confirmed.push(("confirm", "on"));
    let (status, _) = post_measurement(&app, &c, child.id, &confirmed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let stored = app.store.measurements(child.id).await.unwrap();
    assert!(stored.iter().any(|m| m.z.f_waz == Some(true)));
    let added = app
        .store
        .audit_entries(&AuditQuery {
            action: Some("measurement_added".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(added.len(), 2);
    assert!(
        !added[0].event.detail.contains(&child.full_name),
        "no names in the audit log"
    );
    // A viewer cannot add.
    let viewer = app.signed_in("xem").await;
    let csrf = app.csrf(&viewer, "/").await;
    let res = viewer
        .post(app.url(&format!("/children/{}/measurements", child.id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("measured_on", "01/01/2026"),
            ("weight_kg", "9"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn nutrition_list_and_export(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let (status, body) = app.get(&c, "/nutrition").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("trẻ cần theo dõi"));
    let foreign: Vec<String> = {
        let own: Vec<String> = common::children_under(&app, "03424")
            .await
            .into_iter()
            .map(|c| c.full_name)
            .collect();
        common::children_under(&app, "03390")
            .await
            .into_iter()
            .map(|c| c.full_name)
            .filter(|n| !own.contains(n))
            .collect()
    };
    for path in [
        "/nutrition",
        "/nutrition?commune=03390",
        "/nutrition?sort=waz",
    ] {
        let (_, body) = app.get(&c, path).await;
        for name in &foreign {
            assert!(!body.contains(name.as_str()), "{path} shows {name}");
        }
    }
    let (_, other) = app.get(&c, "/nutrition?commune=03390").await;
    assert!(other.contains("Không có trẻ nào cần theo dõi."));
    let res = c
        .get(app.url("/nutrition?format=xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip file");
    let exported = app
        .store
        .audit_entries(&AuditQuery {
            action: Some("nutrition_list_exported".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(exported.len(), 1);
}

on_both!(
    profile_with_charts,
    other_communes_children_do_not_exist,
    adding_measurements,
    nutrition_list_and_export
);

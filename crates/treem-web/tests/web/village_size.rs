//! What a phone downloads for a village day, measured over a real socket
//! as a browser asks for it (gzip): a session of 300 children stays under
//! 200 KB, and the page's own code under 50 KB (the WHO tables, fetched
//! once per phone and kept, are counted apart). The figures are printed
//! for `docs/performance.md` (`cargo test -p treem-web --test web village_size:: -- --nocapture`).

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::{Client, StatusCode};
use treem_domain::audit::AuditEvent;
use treem_domain::child::{Child, ChildStatus, Sex};
use treem_domain::clock::vn_today;

/// The bytes a browser receives for `path` (compressed when the server
/// compresses it).
async fn gzip_bytes(app: &TestApp, c: &Client, path: &str) -> usize {
    let res = c
        .get(app.url(path))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.bytes().await.unwrap().len()
}

async fn a_village_of_300_downloads_small(app: TestApp) {
    let today = vn_today();
    let index = treem_web::UnitIndex::new(app.store.units().await.unwrap());
    let unit = index.history.resolve("03424", today).unwrap();
    let unit_id = index.id_of(unit).unwrap();
    // 300 under-fives in one village, with names and mothers as long as
    // real ones; each with a measurement, as after a first weighing.
    let children: Vec<(Child, i64)> = (0..300)
        .map(|i| {
            let child = Child {
                child_id: format!("TE-SIZE{i:04}"),
                national_id: None,
                full_name: format!("Sùng Thị Phương Thảo {i}"),
                sex: if i % 2 == 0 { Sex::Female } else { Sex::Male },
                date_of_birth: today - chrono::Duration::days(30 + 6 * i as i64),
                ethnicity: Some("17".into()),
                commune_code: "03424".into(),
                village: Some("Bản Thí Nghiệm Ba Trăm".into()),
                birth_registered: Some(true),
                birth_registration_date: None,
                mother_name: Some(format!("Giàng Thị Nguyệt Ánh {i}")),
                father_name: None,
                caregiver_name: None,
                caregiver_phone: None,
                household_poverty: None,
                special_circumstances: Vec::new(),
                status: ChildStatus::Active,
                status_date: None,
            };
            (child, unit_id)
        })
        .collect();
    let ids = app
        .store
        .insert_children(&children, AuditEvent::system("test", "c", "child", ""))
        .await
        .unwrap();
    let rows: Vec<_> = ids
        .iter()
        .map(|id| {
            let m = treem_store::MeasuredRow {
                measured_on: today - chrono::Duration::days(180),
                weight_kg: Some(9.35),
                height_cm: Some(74.6),
                position: Some("lying".into()),
                oedema: false,
                head_cm: None,
            };
            let z = treem_store::ZRecord {
                age_days: 400,
                clen_cm: Some(74.6),
                c9mo_flag: false,
                waz: Some(-1.23),
                f_waz: Some(false),
                haz: Some(-2.34),
                f_haz: Some(false),
                whz: Some(0.12),
                f_whz: Some(false),
                baz: None,
                f_baz: None,
                hcz: None,
                f_hcz: None,
                nutrition: "stunting".into(),
                method: "test".into(),
            };
            (*id, m, z)
        })
        .collect();
    app.store
        .insert_measurements(&rows, AuditEvent::system("test", "m", "measurement", ""))
        .await
        .unwrap();

    let c = app.signed_in("banbo").await;
    let session = app
        .prepare_village(&c, "Bản Thí Nghiệm Ba Trăm", "weighing")
        .await;
    let list = app.json(&c, &format!("{session}/list.json")).await;
    assert_eq!(list["children"].as_array().unwrap().len(), 300);
    let raw = list.to_string().len();
    let list_bytes = gzip_bytes(&app, &c, &format!("{session}/list.json")).await;
    assert!(list_bytes < 200_000, "a session of 300: {list_bytes} bytes");

    let mut code = 0;
    for path in [
        "/village/app",
        "/village/app.js",
        "/village/sw.js",
        "/village/manifest.webmanifest",
        "/static/who.js",
        "/static/app.css",
        "/village/icon-192.png",
    ] {
        code += gzip_bytes(&app, &c, path).await;
    }
    assert!(code < 50_000, "the page's own code: {code} bytes");
    let tables = gzip_bytes(&app, &c, "/static/who-tables.json").await;
    eprintln!(
        "village day downloads: list of 300 children {list_bytes} B compressed ({raw} B as JSON); \
         the page's own code {code} B; WHO tables {tables} B, once per phone"
    );
}

on_both!(a_village_of_300_downloads_small);

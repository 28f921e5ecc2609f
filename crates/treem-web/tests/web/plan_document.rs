//! A plan's number, date and basis written on its page and cited by the
//! periodic report as its legal basis, over a real socket on both backends:
//! bad input refused with what was typed kept, an unchanged document
//! stores nothing, only the unit's officers write, every change audited.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::{Cursor, Read};

use common::{TestApp, post_form};
use reqwest::StatusCode;

async fn seed_plan(app: &TestApp) -> i64 {
    let plans = app.store.plans().await.unwrap();
    plans
        .iter()
        .find(|p| p.derived_from.is_none())
        .map(|p| p.id)
        .unwrap()
}

async fn a_plan_s_document_is_written_and_cited(app: TestApp) {
    let id = seed_plan(&app).await;
    let page_url = format!("/plans/{id}");
    let url = format!("/plans/{id}/document");
    let t = app.signed_in("tinh").await;
    let (status, page) = app.get(&t, &page_url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("href=\"{url}\"")), "{page}");
    assert!(
        page.contains("Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị"),
        "the seed plan's basis: {page}"
    );
    // A viewer sees the plan but neither the link nor the form.
    let v = app.signed_in("xem").await;
    let (_, page) = app.get(&v, &page_url).await;
    assert!(!page.contains(&format!("href=\"{url}\"")));
    assert_eq!(app.get(&v, &url).await.0, StatusCode::FORBIDDEN);

    let csrf = app.csrf(&t, &url).await;
    let basis = "Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị\nChương trình hành động số 48-CTr/TU ngày 17/4/2024 của Ban Thường vụ Tỉnh ủy Lai Châu";
    for (date, error) in [
        ("31/02/2024", "Ngày ban hành không đọc được"),
        ("01/01/2099", "Ngày ban hành ở sau ngày hôm nay."),
    ] {
        let (status, _, body) = post_form(
            &app,
            &t,
            &url,
            &[
                ("csrf", &csrf),
                ("number", "12-KH/HU"),
                ("issued_on", date),
                ("basis", basis),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{date}");
        assert!(body.contains(error), "{body}");
        assert!(
            body.contains("value=\"12-KH/HU\""),
            "what was typed is kept"
        );
    }
    let long = "1".repeat(101);
    let (status, _, body) = post_form(
        &app,
        &t,
        &url,
        &[("csrf", &csrf), ("number", &long), ("basis", basis)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("dài quá 100 ký tự"));
    assert_eq!(app.store.plan(id).await.unwrap().unwrap().number, None);

    let good = [
        ("csrf", csrf.as_str()),
        ("number", " 12-KH/HU "),
        ("issued_on", "05/06/2024"),
        ("basis", basis),
    ];
    let (status, to, _) = post_form(&app, &t, &url, &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.ends_with("?document_saved=1"), "{to}");
    let (_, page) = app.get(&t, &to).await;
    assert!(page.contains("Đã lưu số, ngày và căn cứ của kế hoạch"));
    assert!(
        page.contains("Kế hoạch số 12-KH/HU ngày 05/06/2024 của Ban Thường vụ Huyện ủy Tam Đường")
    );
    let (_, to, _) = post_form(&app, &t, &url, &good).await;
    assert!(to.ends_with("?document_unchanged=1"), "{to}");
    let n = common::sql_scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'plan_document_changed'",
        &[],
    )
    .await;
    assert_eq!(n, Some(1), "an unchanged document is not written again");

    // The report about the former district cites it.
    let res = t
        .get(app.url("/indicators/report?year=2025&half=1&format=docx&unit=106"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut zip = zip::ZipArchive::new(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for needle in [
        "Căn cứ Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị;",
        "Căn cứ Kế hoạch số 12-KH/HU ngày 05/06/2024 của Ban Thường vụ Huyện ủy Tam Đường thực hiện Chỉ thị 28-CT/TW,",
    ] {
        assert!(xml.contains(needle), "{needle}");
    }
}

async fn only_the_unit_s_officers_write_it(app: TestApp) {
    let id = seed_plan(&app).await;
    let url = format!("/plans/{id}/document");
    // A commune of today does not hold the former district's plan.
    let c = app.signed_in("banbo").await;
    let status = app.get(&c, &url).await.0;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
        "{status}"
    );
    let t = app.signed_in("tinh").await;
    let csrf = app.csrf(&t, &url).await;
    let csrf_c = app.csrf(&c, "/plans").await;
    let (status, _, _) =
        post_form(&app, &c, &url, &[("csrf", &csrf_c), ("number", "99-KH/HU")]).await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
        "{status}"
    );
    let v = app.signed_in("xem").await;
    let csrf_v = app.csrf(&v, "/plans").await;
    let (status, _, _) = post_form(&app, &v, &url, &[("csrf", &csrf_v), ("number", "99")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Without the form's token nothing is stored either.
    let (status, _, _) = post_form(&app, &t, &url, &[("number", "99-KH/HU")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!csrf.is_empty());
    assert_eq!(app.store.plan(id).await.unwrap().unwrap().number, None);
}

on_both!(
    a_plan_s_document_is_written_and_cited,
    only_the_unit_s_officers_write_it
);

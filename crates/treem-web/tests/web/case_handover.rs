//! A case handed over from the commune where the harm happened to the
//! commune where the child lives, over a real socket on both backends: bad
//! hand-overs refused with their reason, the case moving with its number,
//! the giver and the old chair losing it, the receiver working it and
//! issuing its documents, the trail kept with its reason sealed.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::cases::{Api, assert_sealed, banbo_child, open_case};
use crate::common::{self, TestApp, post_form};

use reqwest::StatusCode;

const WHY: &str = "Trẻ sống với bà ngoại ở Bình Lư — HANDOVER-6620";

async fn a_case_goes_to_the_commune_where_the_child_lives(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let (child, name) = banbo_child(&app).await;
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    assert_eq!(
        officer
            .step(&app, id, "initial_assessment", "2026-03-02T10:00:00+07:00")
            .await
            .0,
        StatusCode::OK
    );
    let web = app.signed_in("banbo").await;
    let page_url = format!("/cases/{id}");
    let (_, page) = app.get(&web, &page_url).await;
    // The receivers are other communes' officers, never her own commune's.
    let form = page
        .split("id=\"handover\"")
        .nth(1)
        .and_then(|f| f.split("</details>").next())
        .unwrap();
    assert!(
        form.contains("value=\"binhlu\"") && !form.contains("value=\"chutich\""),
        "{form}"
    );
    let csrf = app.csrf(&web, &page_url).await;
    let url = format!("/cases/{id}/handover");
    for (to, reason, says) in [
        ("binhlu", "ngắn", "ít nhất 10 ký tự"),
        ("xem", WHY, "Chọn một cán bộ xã, phường"),
        ("khong-co", WHY, "Chọn một cán bộ xã, phường"),
        ("chutich", WHY, "chính xã đang xử lý hồ sơ"),
    ] {
        let (s, _, body) = post_form(
            &app,
            &web,
            &url,
            &[("csrf", &csrf), ("to", to), ("reason", reason)],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{to}");
        assert!(body.contains(says), "{to}: {says}");
    }
    // Someone without the case cannot hand it over (nor learn it exists).
    let other = app.signed_in("binhlu").await;
    let other_csrf = app.csrf(&other, "/").await;
    let (s, _, _) = post_form(
        &app,
        &other,
        &url,
        &[("csrf", &other_csrf), ("to", "binhlu"), ("reason", WHY)],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, to, _) = post_form(
        &app,
        &web,
        &url,
        &[("csrf", &csrf), ("to", "binhlu"), ("reason", WHY)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, list) = app.get(&web, &to).await;
    assert!(list.contains("Đã chuyển hồ sơ sang xã nhận"), "{list}");
    // The giver and Bản Bo's chair no longer open it.
    assert_eq!(app.get(&web, &page_url).await.0, StatusCode::NOT_FOUND);
    let chair = app.signed_in("chutich").await;
    assert_eq!(app.get(&chair, &page_url).await.0, StatusCode::NOT_FOUND);
    let (s, _) = officer
        .step(&app, id, "detailed_assessment", "2026-03-03T09:00:00+07:00")
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The receiver works it: same number, the trail with its reason.
    let (s, page) = app.get(&other, &page_url).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("03424-2026-0001") && page.contains(&name));
    let trail = page.split("id=\"handovers\"").nth(1).unwrap();
    assert!(
        trail.contains("Xã Bản Bo → <strong>Xã Bình Lư</strong>")
            && trail.contains("banbo → binhlu")
            && trail.contains(WHY),
        "{trail}"
    );
    let receiver = Api::new(&app, "binhlu").await;
    let (s, v) = receiver
        .step(&app, id, "detailed_assessment", "2026-03-03T09:00:00+07:00")
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Its documents are issued by the commune that has it now.
    let (_, form) = app.get(&other, &format!("/cases/{id}/forms/3")).await;
    assert!(
        form.contains("XÃ BÌNH LƯ") && form.contains("Bình Lư, ngày"),
        "{form}"
    );
    // A second hand-over by the one who gave it: she has no case to give.
    let (s, _, _) = post_form(
        &app,
        &web,
        &url,
        &[("csrf", &csrf), ("to", "binhlu"), ("reason", WHY)],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_sealed(&app, &["HANDOVER-6620"]).await;
    let logged = common::sql_scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'case_handed_over'",
        &[],
    )
    .await;
    assert_eq!(logged, Some(1));
}

on_both!(a_case_goes_to_the_commune_where_the_child_lives);

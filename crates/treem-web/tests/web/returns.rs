//! Returns over a real socket: a commune officer fills her commune's
//! return (bad values refused with what was typed kept, a broken rule
//! saved as a draft but not submitted), submits it (then it is locked);
//! the province approves it, or unlocks it with a reason; another commune,
//! a viewer and the commune itself cannot do what is not theirs.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::Datelike;
use common::{TestApp, post_form};
use reqwest::StatusCode;
use treem_domain::clock::vn_today;

fn period() -> String {
    vn_today().year().to_string()
}

fn filing_url() -> String {
    format!(
        "/returns/filing?form=BC_6THANG&unit=03424&period={}",
        period()
    )
}

async fn values(app: &TestApp) -> Vec<(String, String, f64)> {
    let unit = app
        .store
        .units()
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.unit.code == "03424")
        .max_by_key(|u| u.unit.valid_from)
        .unwrap()
        .id;
    app.store
        .return_values(unit, &period())
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.element, v.sex, v.value))
        .collect()
}

fn fields<'a>(action: &'a str, cells: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
    let mut v = vec![
        ("form".to_string(), "BC_6THANG".to_string()),
        ("unit".into(), "03424".into()),
        ("period".into(), period()),
        ("action".into(), action.into()),
    ];
    v.extend(cells.iter().map(|(k, x)| (k.to_string(), x.to_string())));
    v
}

async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    f: &[(String, String)],
) -> (StatusCode, String) {
    let csrf = app.csrf(c, "/returns").await;
    let mut pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.push(("csrf", &csrf));
    let (status, _, body) = post_form(app, c, path, &pairs).await;
    (status, body)
}

async fn a_commune_files_and_the_province_approves(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let (status, list) = app.get(&c, "/returns").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains("Xã Bản Bo") && list.contains("Chưa điền"),
        "{list}"
    );
    let (status, page) = app.get(&c, &filing_url()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Số trẻ em bị đuối nước"), "{page}");

    // A value that is no number: refused, what was typed kept.
    let (status, body) = post(
        &app,
        &c,
        "/returns/filing",
        &fields("save", &[("v:INJ_ALL:F", "ba"), ("v:INJ_ALL:M", "2")]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("value=\"ba\""), "{body}");
    assert!(body.contains("chưa lưu gì"), "{body}");
    assert!(values(&app).await.is_empty());

    // More drownings than injuries: a draft is saved, a submission is not.
    let broken = [
        ("v:INJ_ALL:F", "1"),
        ("v:INJ_DROWN:F", "3"),
        ("v:U5_DEATH_DISEASE:T", "0"),
    ];
    let (status, body) = post(&app, &c, "/returns/filing", &fields("save", &broken)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Đã lưu nháp: 3 giá trị thay đổi"), "{body}");
    assert!(body.contains("Không khớp"), "{body}");
    let (status, body) = post(&app, &c, "/returns/filing", &fields("submit", &broken)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Không khớp"));
    let fixed = [
        ("v:INJ_ALL:F", "4"),
        ("v:INJ_DROWN:F", "3"),
        ("v:U5_DEATH_DISEASE:T", "0"),
    ];
    let (status, _) = post(&app, &c, "/returns/filing", &fields("submit", &fixed)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&c, &filing_url()).await;
    assert!(page.contains("Đã gửi, chờ duyệt"), "{page}");
    let mut got = values(&app).await;
    got.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(
        got,
        vec![
            ("INJ_ALL".into(), "F".into(), 4.0),
            ("INJ_DROWN".into(), "F".into(), 3.0),
            ("U5_DEATH_DISEASE".into(), "".into(), 0.0),
        ]
    );
    // Submitted: locked for the commune; approving is not hers.
    let (status, _) = post(&app, &c, "/returns/filing", &fields("save", &broken)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&app, &c, "/returns/approve", &fields("", &[])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The province approves; unlocking needs a reason.
    let p = app.signed_in("tinh").await;
    let mut approve = fields("", &[]);
    approve.push(("status".into(), "submitted".into()));
    let (status, _) = post(&app, &p, "/returns/approve", &approve).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&p, &filing_url()).await;
    assert!(page.contains("Đã duyệt (khóa)"), "{page}");
    let (status, body) = post(&app, &p, "/returns/approve", &approve).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "approved twice");
    assert!(body.contains("vừa được người khác chuyển"), "{body}");
    let mut unlock = fields("", &[]);
    unlock.push(("reason".into(), "ít".into()));
    let (status, body) = post(&app, &p, "/returns/unlock", &unlock).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Cần ghi lý do mở lại"), "{body}");
    unlock[4].1 = "Xã báo thiếu 2 trẻ bị tai nạn".into();
    let (status, _) = post(&app, &p, "/returns/unlock", &unlock).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&c, &filing_url()).await;
    assert!(page.contains("Xã báo thiếu 2 trẻ bị tai nạn"), "{page}");
    let (status, _) = post(&app, &c, "/returns/filing", &fields("save", &fixed)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "a draft again");
    for action in ["return_submitted", "return_approved", "return_unlocked"] {
        // The demo's own returns were filed by the system.
        let sql = format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND actor <> 'system'"
        );
        let n = common::sql_scalar(&app, &sql, &[]).await;
        assert_eq!(n, Some(1), "{action}");
    }
}

async fn others_cannot_touch_a_communes_return(app: TestApp) {
    let other = app.signed_in("binhlu").await;
    let (status, _) = app.get(&other, &filing_url()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post(
        &app,
        &other,
        "/returns/filing",
        &fields("save", &[("v:INJ_ALL:F", "9")]),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(values(&app).await.is_empty());
    // A viewer reads, without the buttons; cannot write.
    let v = app.signed_in("xem").await;
    let (status, page) = app.get(&v, &filing_url()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("value=\"submit\""), "{page}");
    let (status, _) = post(&app, &v, "/returns/filing", &fields("save", &[])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Bad requests.
    let c = app.signed_in("banbo").await;
    let (status, _) = app.get(&c, "/returns/filing").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app
        .get(&c, "/returns/filing?form=BC_NAM&unit=03424&period=2026h1")
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a yearly return has no half-year"
    );
    let (status, _) = app
        .get(&c, "/returns/filing?form=BC_6THANG&unit=03424&period=2031")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a period not begun");
}

on_both!(
    a_commune_files_and_the_province_approves,
    others_cannot_touch_a_communes_return,
);

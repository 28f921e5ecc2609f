//! Units, accounts and the audit log through the administrator's pages.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use sqlx::Connection;

async fn unit_tree_by_date(app: TestApp) {
    let c = app.signed_in("xem").await;
    let (status, body) = app.get(&c, "/units?date=30/06/2025").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Huyện Tam Đường"));
    assert!(body.contains("Thị trấn Tam Đường"));
    let (_, body) = app.get(&c, "/units?date=2025-07-01").await;
    assert!(!body.contains("<strong>Huyện Tam Đường</strong>"));
    assert!(body.contains("<strong>Xã Bình Lư</strong>"));
    // Retired units are listed with what they became.
    assert!(body.contains("Thị trấn Tam Đường"));
    assert!(body.contains("Xã Bình Lư (03390)"));
    for bad in ["31/02/2025", "hôm qua", "2025-13-01"] {
        let (status, body) = app.get(&c, &format!("/units?date={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body.contains("Ngày không hợp lệ. Nhập theo dạng dd/mm/yyyy."));
    }
}

async fn upload(app: &TestApp, c: &reqwest::Client, csv: &str) -> (StatusCode, String) {
    let csrf = app.csrf(c, "/admin/units").await;
    let form = Form::new().text("csrf", csrf).part(
        "file",
        Part::bytes(csv.as_bytes().to_vec()).file_name("units.csv"),
    );
    let res = c
        .post(app.url("/admin/units"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

const HEADER: &str = "code,name,level,parent_code,valid_from,valid_to,successor_code,note\n";

async fn unit_file_upload(app: TestApp) {
    let c = app.signed_in("admin1").await;
    let before = app.store.units().await.unwrap();
    let bad = [
        ("a,b\n1,2\n", "thiếu cột bắt buộc"),
        (
            &format!("{HEADER}x9,Xã,commune,12,2026-01-01,,,\n") as &str,
            "Dòng 2",
        ),
        (
            &format!("{HEADER}09999,Xã Mới,commune,77,2026-01-01,,,\n"),
            "đơn vị cấp trên 77",
        ),
        (
            &format!("{HEADER}03424,Trùng,commune,12,2025-09-01,,,\n"),
            "trùng thời gian hiệu lực",
        ),
        ("\u{0}\u{1}binary", "thiếu cột"),
    ];
    for (csv, message) in bad {
        let (status, body) = upload(&app, &c, csv).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{csv}");
        assert!(
            body.contains("Tệp bị từ chối, không có thay đổi nào được lưu."),
            "{csv}"
        );
        assert!(body.contains(message), "{csv}: {message}");
    }
    assert_eq!(app.store.units().await.unwrap(), before, "nothing changed");
    let good = format!("{HEADER}09999,Xã Thử Nghiệm,commune,12,2026-01-01,,,test\n");
    let (status, body) = upload(&app, &c, &good).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("thêm 1, sửa 0, giữ nguyên 0"));
    assert_eq!(app.store.units().await.unwrap().len(), before.len() + 1);
    // The new unit is usable at once.
    let (_, tree) = app.get(&c, "/units?date=01/01/2026").await;
    assert!(tree.contains("Xã Thử Nghiệm"));
    // Loading the same file again changes nothing.
    let (_, body) = upload(&app, &c, &good).await;
    assert!(body.contains("thêm 0, sửa 0, giữ nguyên 1"));
    // An empty upload is a clear error.
    let csrf = app.csrf(&c, "/admin/units").await;
    let form = Form::new()
        .text("csrf", csrf)
        .part("file", Part::bytes(Vec::new()).file_name("x.csv"));
    let res = c
        .post(app.url("/admin/units"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("Chưa chọn tệp."));
}

async fn account_creation_rules(app: TestApp) {
    let c = app.signed_in("admin1").await;
    let before = app.store.accounts().await.unwrap().len();
    // The form asks for a role (none chosen, never administrator by
    // default) and offers units by name.
    let (_, page) = app.get(&c, "/admin/accounts").await;
    assert!(
        page.contains("<option value=\"\" selected>— Chọn vai trò —</option>"),
        "{page}"
    );
    assert!(
        page.contains("<option value=\"03424\">Xã Bản Bo</option>"),
        "{page}"
    );
    // No district tier since the reform: not offered, refused if sent.
    assert!(!page.contains("<option value=\"district\""), "{page}");
    assert!(page.contains(">Cán bộ xã, phường</option>"), "{page}");
    let cases = [
        (
            ["moi.mot", "Tên", "", "03424"],
            "Vai trò không hợp lệ.",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            ["moi.mot", "Tên", "district", "03424"],
            "Từ 1/7/2025 không còn cấp huyện",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            ["ab", "Tên", "commune", "03424"],
            "Tên đăng nhập chỉ gồm",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            ["moi.mot", "", "commune", "03424"],
            "Chưa nhập họ tên.",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            ["moi.mot", "Tên", "god", "03424"],
            "Vai trò không hợp lệ.",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            ["moi.mot", "Tên", "commune", "99999"],
            "Không có đơn vị mang mã này",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        // Tam Đường district no longer exists today.
        (
            ["moi.mot", "Tên", "province", "106"],
            "Không có đơn vị mang mã này",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            ["banbo", "Tên", "commune", "03424"],
            "Tên đăng nhập đã có người dùng.",
            StatusCode::CONFLICT,
        ),
    ];
    for ([username, name, role, unit], message, status) in cases {
        let csrf = app.csrf(&c, "/admin/accounts").await;
        let form = [
            ("csrf", csrf.as_str()),
            ("username", username),
            ("display_name", name),
            ("role", role),
            ("unit", unit),
        ];
        let res = c
            .post(app.url("/admin/accounts"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{username} {role} {unit}");
        let body = res.text().await.unwrap();
        assert!(body.contains(message), "{message}");
        // What was typed is kept (escaped) for correction.
        assert!(body.contains(&format!("value=\"{username}\"")) || status == StatusCode::CONFLICT);
    }
    assert_eq!(app.store.accounts().await.unwrap().len(), before);
    // Hostile text is stored as typed and shown escaped.
    let csrf = app.csrf(&c, "/admin/accounts").await;
    let evil = "<script>alert(1)</script> Lò Văn \"A\"";
    let form = [
        ("csrf", csrf.as_str()),
        ("username", "evil"),
        ("display_name", evil),
        ("role", "viewer"),
        ("unit", "12"),
    ];
    let res = c
        .post(app.url("/admin/accounts"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(!body.contains("<script>alert(1)</script>"));
    assert!(
        body.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || body.contains("&lt;script&gt;alert(1)")
    );
    assert_eq!(
        app.store
            .account_by_username("evil")
            .await
            .unwrap()
            .unwrap()
            .display_name,
        evil
    );
}

async fn tamper(app: &TestApp, backend: &str) {
    let url = &app.db.url;
    if backend == "sqlite" {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        let refused = sqlx::query("UPDATE audit_log SET actor = 'x' WHERE seq = 2")
            .execute(&mut conn)
            .await;
        assert!(refused.is_err(), "the log refuses updates");
        sqlx::query("DROP TRIGGER audit_log_no_update")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
            .execute(&mut conn)
            .await
            .unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let refused = sqlx::query("UPDATE audit_log SET actor = 'x' WHERE seq = 2")
            .execute(&mut conn)
            .await;
        assert!(refused.is_err(), "the log refuses updates");
        sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

async fn audit_log_page_and_verification(app: TestApp) {
    let c = app.signed_in("admin1").await;
    let (status, body) = app.get(&c, "/admin/audit?action=login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("admin1"));
    // Actions by name (the code on hover), the filter a select.
    assert!(
        body.contains("title=\"mã: login\">Đăng nhập</td>"),
        "{body}"
    );
    assert!(body.contains("<option value=\"login\" selected>Đăng nhập</option>"));
    // By day, in Vietnam's time.
    let today = treem_domain::clock::vn_today();
    let tomorrow = today.succ_opt().unwrap();
    let (_, body) = app
        .get(
            &c,
            &format!("/admin/audit?action=login&from={today}&to={today}"),
        )
        .await;
    assert!(body.contains("Đăng nhập</td>"), "{body}");
    let (_, body) = app
        .get(&c, &format!("/admin/audit?action=login&from={tomorrow}"))
        .await;
    assert!(body.contains("Không có mục nào."), "{body}");
    let (status, _) = app.get(&c, "/admin/audit?from=hôm-qua&to=x").await;
    assert_eq!(status, StatusCode::OK, "a day not understood is no filter");
    // Paged: 100 a page, older and back to the newest with the filter kept.
    for i in 0..120 {
        app.store
            .audit(treem_domain::audit::AuditEvent::system(
                "lap",
                "login_failed",
                "account",
                &i.to_string(),
            ))
            .await
            .unwrap();
    }
    let (_, body) = app.get(&c, "/admin/audit?action=login_failed").await;
    assert_eq!(body.matches("Đăng nhập sai</td>").count(), 100);
    let older = body.split("class=\"pager\"><a href=\"").nth(1).unwrap();
    let older = older.split('"').next().unwrap().replace("&#38;", "&");
    assert!(
        older.contains("action=login_failed") && older.contains("before="),
        "{older}"
    );
    let (_, body) = app.get(&c, &older).await;
    assert_eq!(body.matches("Đăng nhập sai</td>").count(), 20);
    assert!(body.contains("« Mới nhất"), "{body}");
    // Every action the log holds has a name.
    let all = app
        .store
        .audit_entries(&treem_store::AuditQuery {
            limit: 100_000,
            ..Default::default()
        })
        .await
        .unwrap();
    for e in &all {
        assert!(
            treem_domain::audit::ACTIONS.contains(&e.event.action.as_str()),
            "{}",
            e.event.action
        );
    }
    let (_, body) = app.get(&c, "/admin/audit/verify").await;
    assert!(body.contains("Chuỗi nhật ký toàn vẹn"), "{body}");
    assert_eq!(
        treem_web::verify_chain(app.store.as_ref())
            .await
            .unwrap()
            .map(|_| ()),
        Ok(())
    );
    tamper(&app, app.store.backend()).await;
    let verdict = treem_web::verify_chain(app.store.as_ref()).await.unwrap();
    assert_eq!(
        verdict,
        Err(treem_domain::audit::ChainBreak::Altered { seq: 2 })
    );
    let (_, body) = app.get(&c, "/admin/audit/verify").await;
    assert!(body.contains("Chuỗi nhật ký bị phá vỡ: mục 2"));
}

on_both!(
    unit_tree_by_date,
    unit_file_upload,
    account_creation_rules,
    audit_log_page_and_verification
);

//! Login, logout, sessions, CSRF and throttling, over a real socket.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Backend, PASSWORD, TestApp};
use reqwest::StatusCode;
use treem_store::AuditQuery;
use treem_web::WebConfig;

async fn health_and_vietnamese_login_page(app: TestApp) {
    let c = app.client();
    let (status, body) = app.get(&c, "/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let (status, body) = app.get(&c, "/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"vi\">"));
    assert!(body.contains("Đăng nhập"));
    // The English switch sets a cookie and comes back.
    let res = c
        .get(app.url("/lang/en?next=%2Flogin"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
    // Never to another site, however the address is disguised.
    for bad in [
        "/%09/evil.example/x",
        "/%0A/evil.example",
        "%2F%2Fevil.example",
        "/%5C/evil.example",
        "/%252F%252Fevil.example",
        "https://evil.example",
    ] {
        let res = c
            .get(app.url(&format!("/lang/en?next={bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/", "{bad}");
    }
    let (_, body) = app.get(&c, "/login").await;
    assert!(body.contains("Sign in"));
    assert_eq!(app.get(&c, "/lang/fr").await.0, StatusCode::NOT_FOUND);
}

async fn pages_need_login(app: TestApp) {
    let c = app.client();
    let res = c.get(app.url("/children?q=a")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login?next=%2Fchildren%3Fq%3Da");
    let res = c.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
}

async fn wrong_password_is_refused_and_audited(app: TestApp) {
    let c = app.client();
    let res = app.login(&c, "banbo", "sai-mat-khau").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body = res.text().await.unwrap();
    assert!(body.contains("Tên đăng nhập hoặc mật khẩu không đúng."));
    assert!(
        body.contains("value=\"banbo\""),
        "the username is kept in the form"
    );
    let res = app.login(&c, "khong-co", "x").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let failed = app
        .store
        .audit_entries(&AuditQuery {
            action: Some("login_failed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(failed.len(), 2);
    assert!(
        failed
            .iter()
            .all(|e| e.event.ip.as_deref() == Some("127.0.0.1"))
    );
    // No session was created: the home page still redirects.
    assert_eq!(app.get(&c, "/").await.0, StatusCode::SEE_OTHER);
}

async fn login_is_throttled_after_repeated_failures(app: TestApp) {
    let c = app.client();
    for _ in 0..5 {
        assert_eq!(
            app.login(&c, "binhlu", "sai").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password is refused now, with a clear message.
    let res = app.login(&c, "binhlu", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = res.text().await.unwrap();
    assert!(body.contains("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút."));
    // Another account is not affected.
    assert_eq!(
        app.login(&c, "banbo", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn login_logout_and_session_cookie(app: TestApp) {
    let c = app.client();
    let res = app.login(&c, "banbo", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("treem_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Strict"));
    assert!(!cookie.contains("Secure"), "plain HTTP on localhost");
    let (status, body) = app.get(&c, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Xin chào, Cán bộ banbo"));
    let csrf = app.csrf(&c, "/").await;
    let res = c
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

async fn secure_cookie_behind_tls_proxy(app: TestApp) {
    let c = app.client();
    let page = c
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = common::csrf_of(&page);
    let res = c
        .post(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .form(&[
            ("username", "banbo"),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("Secure"));
}

async fn forms_without_csrf_change_nothing(app: TestApp) {
    let c = app.client();
    // The login form itself needs the token.
    let res = c
        .post(app.url("/login"))
        .form(&[("username", "banbo"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Biểu mẫu đã hết hạn hoặc không hợp lệ")
    );
    let c = app.signed_in("admin1").await;
    let before = app.store.accounts().await.unwrap().len();
    for csrf in [None, Some("0000"), Some("")] {
        let mut form = vec![
            ("username", "moi"),
            ("display_name", "Người Mới"),
            ("role", "viewer"),
            ("unit", "12"),
        ];
        if let Some(t) = csrf {
            form.push(("csrf", t));
        }
        let res = c
            .post(app.url("/admin/accounts"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(app.store.accounts().await.unwrap().len(), before);
}

async fn one_time_password_must_be_changed(app: TestApp) {
    let admin = app.signed_in("admin1").await;
    let csrf = app.csrf(&admin, "/admin/accounts").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("username", "lo.thi.lap"),
        ("display_name", "Lò Thị Lập"),
        ("role", "commune"),
        ("unit", "03424"),
    ];
    let res = admin
        .post(app.url("/admin/accounts"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    let marker = "(chỉ hiện một lần): ";
    let one_time: String = body[body.find(marker).unwrap() + marker.len()..]
        .chars()
        .take(14)
        .collect();
    let c = app.client();
    let res = app.login(&c, "lo.thi.lap", &one_time).await;
    assert_eq!(res.headers()["location"], "/account/password");
    // Every other page sends her back until she has a password of her own.
    let res = c.get(app.url("/children")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/account/password");
    let csrf = app.csrf(&c, "/account/password").await;
    let bad = [
        (one_time.as_str(), "ngan", "ngan", "ít nhất 10 ký tự"),
        (
            "sai-hoan-toan",
            "mat-khau-moi-123",
            "mat-khau-moi-123",
            "Mật khẩu hiện tại không đúng",
        ),
        (
            one_time.as_str(),
            "mat-khau-moi-123",
            "mat-khau-khac-12",
            "không khớp",
        ),
    ];
    for (current, new, repeat, message) in bad {
        let form = [
            ("csrf", csrf.as_str()),
            ("current", current),
            ("new", new),
            ("repeat", repeat),
        ];
        let res = c
            .post(app.url("/account/password"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains(message), "{message}");
    }
    let form = [
        ("csrf", csrf.as_str()),
        ("current", &one_time),
        ("new", "mat-khau-moi-123"),
        ("repeat", "mat-khau-moi-123"),
    ];
    let res = c
        .post(app.url("/account/password"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&c, "/children").await.0, StatusCode::OK);
    assert_eq!(
        app.login(&app.client(), "lo.thi.lap", "mat-khau-moi-123")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

async fn bearer_tokens(app: TestApp) {
    let account = app
        .store
        .account_by_username("banbo")
        .await
        .unwrap()
        .unwrap();
    let token = "treem_abc123";
    let ev = treem_domain::audit::AuditEvent::system("test", "token_created", "account", "x");
    app.store
        .create_token(
            account.id,
            &treem_web::auth::session::digest(token),
            chrono::Utc::now() + chrono::Duration::days(90),
            ev,
        )
        .await
        .unwrap();
    let c = reqwest::Client::new();
    let res = c
        .get(app.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let me: serde_json::Value = res.json().await.unwrap();
    assert_eq!(me["username"], "banbo");
    assert_eq!(me["role"], "commune");
    let res = c
        .get(app.url("/api/v1/me"))
        .bearer_auth("treem_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = c
        .get(app.url("/api/v1/units?date=2025-06-30"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let units: serde_json::Value = res.json().await.unwrap();
    assert!(
        units["units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["code"] == "106")
    );
    let res = c
        .get(app.url("/api/v1/units?date=31/02/2025"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

on_both!(
    health_and_vietnamese_login_page,
    pages_need_login,
    wrong_password_is_refused_and_audited,
    login_is_throttled_after_repeated_failures,
    login_logout_and_session_cookie,
    secure_cookie_behind_tls_proxy,
    forms_without_csrf_change_nothing,
    one_time_password_must_be_changed,
    bearer_tokens,
);

#[tokio::test]
async fn expired_session_says_so() {
    let config = WebConfig {
        idle_minutes: 0,
        ..WebConfig::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, "expired", config)
        .await
        .unwrap();
    let c = app.client();
    assert_eq!(
        app.login(&c, "banbo", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let res = c.get(app.url("/children")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/login?expired=1"));
    let (_, body) = app.get(&c, &location).await;
    assert!(body.contains("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."));
}

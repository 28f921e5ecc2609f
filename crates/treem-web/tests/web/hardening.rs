//! What an attacker tries first: headers that let a page be framed, sniffed
//! or cached; bodies sent before signing in to fill the server's memory.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;

async fn every_response_carries_the_security_headers(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let child = common::children_under(&app, "03424").await[0].id;
    for (path, personal) in [
        ("/login".to_string(), true),
        ("/".to_string(), true),
        (format!("/children/{child}"), true),
        ("/lists/no-birth-registration?format=xlsx".to_string(), true),
        ("/api/v1/me".to_string(), true),
        ("/no-such-page".to_string(), true),
        ("/static/app.css".to_string(), false),
    ] {
        let res = c.get(app.url(&path)).send().await.unwrap();
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        let cache = h["cache-control"].to_str().unwrap();
        assert_eq!(cache == "no-store", personal, "{path}: {cache}");
    }
    // No page carries an inline script or style for the policy to block.
    for path in ["/login", "/", "/children", "/indicators", "/cases"] {
        let (_, body) = app.get(&c, path).await;
        assert!(!body.contains("<script>"), "{path}");
        assert!(!body.contains("<style"), "{path}");
        assert!(!body.contains(" style=\""), "{path}");
        assert!(!body.contains(" onclick="), "{path}");
    }
}

async fn bodies_before_sign_in_are_small(app: TestApp) {
    let c = app.client();
    // A login form padded to 1 MB: refused unread (413), not buffered.
    let big = "x".repeat(1024 * 1024);
    let res = c
        .post(app.url("/login"))
        .form(&[("username", "admin1"), ("password", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The same without a declared length (chunked) is cut at the limit.
    let chunks =
        futures_util::stream::iter((0..64).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 16 * 1024])));
    let res = c
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // A real login still works.
    let ok = app.client();
    let res = app.login(&ok, "banbo", common::PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Signed in, an officer may send a data set larger than that.
    let csrf = app.csrf(&ok, "/datasets").await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(vec![b'x'; 512 * 1024]).file_name("x.xlsx"),
    );
    let res = ok
        .post(app.url("/datasets"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Past 32 MB, even signed in: refused unread, with the page in her
    // language.
    let csrf = app.csrf(&ok, "/datasets").await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(vec![b'x'; 33 * 1024 * 1024]).file_name("x.zip"),
    );
    let res = ok
        .post(app.url("/datasets"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("Tệp quá lớn"));
}

/// An administrator's levers on an account, and what they end: disabling
/// ends its sessions and tokens at once; a reset password is one-time;
/// a token opens the API only, and a revoked one nothing.
async fn accounts_are_disabled_reset_and_tokens_end(app: TestApp) {
    let officer = app.signed_in("banbo").await;
    assert_eq!(app.get(&officer, "/children").await.0, StatusCode::OK);
    let token = common::token(&app, "banbo").await;
    let api = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let me = || api.get(app.url("/api/v1/me")).bearer_auth(&token).send();
    assert_eq!(me().await.unwrap().status(), StatusCode::OK);
    // A token is no key to the pages.
    let page = api
        .get(app.url("/children"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        StatusCode::SEE_OTHER,
        "a page asks to sign in"
    );
    let id = app
        .store
        .account_by_username("banbo")
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = app.signed_in("admin1").await;
    let (_, accounts) = app.get(&admin, "/admin/accounts").await;
    assert!(accounts.contains(&format!("/admin/accounts/{id}/active")));
    assert!(accounts.contains("/revoke"), "tokens are listed");
    let csrf = common::csrf_of(&accounts);
    // Disabled: her open session and her token end at once.
    let (s, _, body) = common::post_form(
        &app,
        &admin,
        &format!("/admin/accounts/{id}/active"),
        &[("csrf", &csrf), ("value", "0")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("Đã vô hiệu hóa tài khoản banbo"), "{body}");
    assert_eq!(
        app.get(&officer, "/children").await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(me().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let res = app.login(&app.client(), "banbo", common::PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The administrator cannot disable herself.
    let own = app
        .store
        .account_by_username("admin1")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (s, _, body) = common::post_form(
        &app,
        &admin,
        &format!("/admin/accounts/{own}/active"),
        &[("csrf", &csrf), ("value", "0")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Không thể tự vô hiệu hóa"), "{body}");
    // Enabled and given a new one-time password: she signs in with it and
    // must change it first.
    common::post_form(
        &app,
        &admin,
        &format!("/admin/accounts/{id}/active"),
        &[("csrf", &csrf), ("value", "1")],
    )
    .await;
    let (s, _, body) = common::post_form(
        &app,
        &admin,
        &format!("/admin/accounts/{id}/password"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let marker = "Mật khẩu dùng một lần mới của banbo: ";
    let start = body.find(marker).unwrap() + marker.len();
    let one_time: String = body[start..].chars().take_while(|c| *c != ' ').collect();
    let c = app.client();
    let res = app.login(&c, "banbo", &one_time).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/account/password");
    // A weak new password is refused with the reason.
    let csrf_own = app.csrf(&c, "/account/password").await;
    let (s, _, body) = common::post_form(
        &app,
        &c,
        "/account/password",
        &[
            ("csrf", &csrf_own),
            ("current", &one_time),
            ("new", "1234567890"),
            ("repeat", "1234567890"),
        ],
    )
    .await;
    assert_ne!(s, StatusCode::SEE_OTHER);
    assert!(body.contains("quá dễ đoán"), "{body}");
    // Revoking a token from the page.
    let t2 = common::token(&app, "tinh").await;
    let tid: i64 = app
        .store
        .tokens()
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.username == "tinh")
        .map(|t| t.id)
        .max()
        .unwrap();
    let (s, _, body) = common::post_form(
        &app,
        &admin,
        &format!("/admin/tokens/{tid}/revoke"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let res = api
        .get(app.url("/api/v1/me"))
        .bearer_auth(&t2)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Not for anyone but an administrator.
    let (s, _, _) = common::post_form(
        &app,
        &app.signed_in("tinh").await,
        &format!("/admin/accounts/{id}/chair"),
        &[("csrf", &csrf), ("value", "1")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// A page the role may not open answers 403 with the menu and sign-out
/// still there (no dead end); the tab icon is served to anyone.
async fn a_refused_page_keeps_the_way_out(app: TestApp) {
    let viewer = app.signed_in("xem").await;
    let (status, body) = app.get(&viewer, "/admin/accounts").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("class=\"menu menu-wide\""), "{body}");
    assert!(body.contains("action=\"/logout\""), "{body}");
    let csrf = common::csrf_of(&body);
    assert_eq!(csrf.len(), 64, "the sign-out form works: {csrf}");
    let res = app
        .client()
        .get(app.url("/favicon.ico"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/x-icon");
    assert!(res.bytes().await.unwrap().starts_with(&[0, 0, 1, 0]));
}

on_both!(
    a_refused_page_keeps_the_way_out,
    every_response_carries_the_security_headers,
    bodies_before_sign_in_are_small,
    accounts_are_disabled_reset_and_tokens_end
);

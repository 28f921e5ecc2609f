//! What an attacker tries first: headers that let a page be framed, sniffed
//! or cached; bodies sent before signing in to fill the server's memory.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

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
}

on_both!(
    every_response_carries_the_security_headers,
    bodies_before_sign_in_are_small
);

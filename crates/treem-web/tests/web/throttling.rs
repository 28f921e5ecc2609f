//! Sign-in throttling under attack: a burst of concurrent guesses is
//! counted before any is evaluated; a username tried from many addresses
//! is slowed, never locked, so its owner gets in from her own; the address
//! comes from `X-Forwarded-For` only when a trusted proxy wrote it.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Backend, PASSWORD, TestApp};
use reqwest::{Client, StatusCode};
use treem_web::WebConfig;

/// Signs in through a proxy that says the client is `from`.
async fn login_from(app: &TestApp, c: &Client, from: &str, user: &str, pw: &str) -> StatusCode {
    let page = c
        .get(app.url("/login"))
        .header("x-forwarded-for", from)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = common::csrf_of(&page);
    c.post(app.url("/login"))
        .header("x-forwarded-for", from)
        .form(&[("username", user), ("password", pw), ("csrf", &csrf)])
        .send()
        .await
        .unwrap()
        .status()
}

async fn evaluated_failures(app: &TestApp, username: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND record_id = ";
    common::sql_scalar(app, &format!("{sql}'{username}'"), &[])
        .await
        .unwrap()
}

async fn behind_proxy(backend: Backend, test: &str) -> Option<TestApp> {
    let config = WebConfig {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        slow_user_seconds: 3,
        ..WebConfig::default()
    };
    TestApp::spawn_with(backend, test, config).await
}

async fn a_burst_of_guesses_and_the_owner_elsewhere(backend: Backend) {
    let Some(app) = behind_proxy(backend, "burst_of_guesses").await else {
        return;
    };
    // Forty guesses at once from one address: at most five evaluated.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let c = app.client();
        let app_url = app.url("/login");
        tasks.push(tokio::spawn(async move {
            let page = c
                .get(&app_url)
                .header("x-forwarded-for", "203.0.113.5")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let csrf = common::csrf_of(&page);
            c.post(&app_url)
                .header("x-forwarded-for", "203.0.113.5")
                .form(&[
                    ("username", "admin1"),
                    ("password", format!("doan-{i}").as_str()),
                    ("csrf", &csrf),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut refused = 0;
    for t in tasks {
        let status = t.await.unwrap();
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS,
            "{status}"
        );
        refused += usize::from(status == StatusCode::TOO_MANY_REQUESTS);
    }
    let evaluated = evaluated_failures(&app, "admin1").await;
    assert!(evaluated <= 5, "{evaluated} guesses evaluated");
    assert_eq!(refused, 40 - evaluated as usize);
    // The attacker's address stays refused, even with the right password.
    let c = app.client();
    let status = login_from(&app, &c, "203.0.113.5", "admin1", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // The owner, from her own address, gets in at once.
    let owner = app.client();
    let status = login_from(&app, &owner, "198.51.100.7", "admin1", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

async fn many_addresses_slow_a_username_down(backend: Backend) {
    let Some(app) = behind_proxy(backend, "many_addresses").await else {
        return;
    };
    // Guesses from twenty addresses, one each.
    let mut slowed = 0;
    for i in 0..20 {
        let c = app.client();
        let from = format!("203.0.113.{}", i + 10);
        let status = login_from(&app, &c, &from, "tinh", "sai").await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            slowed += 1;
        }
    }
    assert!(slowed > 0, "twenty addresses were not slowed");
    let c = app.client();
    let res_page = login_from(&app, &c, "203.0.113.99", "tinh", "sai").await;
    assert_eq!(res_page, StatusCode::TOO_MANY_REQUESTS);
    // The owner waits the slow-down's seconds, not the window's minutes.
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let owner = app.client();
    let status = login_from(&app, &owner, "198.51.100.7", "tinh", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

/// Behind a trusted proxy, what a client writes into the header herself is
/// never read: a made-up entry does not count her under the proxy's address
/// (which would lock out everyone behind it) nor under someone else's.
async fn a_client_cannot_choose_her_address_behind_the_proxy(backend: Backend) {
    let Some(app) = behind_proxy(backend, "forged_forwarded").await else {
        return;
    };
    for i in 0..35 {
        let c = app.client();
        // What the proxy received "garbage, 10.9.9.{i}" from the client and
        // appended the client's real address to.
        let forged = format!("garbage, 10.9.9.{i}, 203.0.113.77");
        let status = login_from(&app, &c, &forged, "xem", "sai").await;
        if i >= 30 {
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "attempt {i}");
        }
    }
    // The attacker is limited at her own address; everyone else behind
    // the same proxy signs in.
    let c = app.client();
    let status = login_from(&app, &c, "198.51.100.9", "banbo", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let c = app.client();
    let status = login_from(&app, &c, "garbage", "banbo", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "counted under the proxy's own address"
    );
}

async fn forwarded_for_from_anyone_else_is_ignored(backend: Backend) {
    // No trusted proxy: the header cannot make one client many.
    let Some(app) = TestApp::spawn(backend, "forwarded_ignored").await else {
        return;
    };
    let mut last = StatusCode::OK;
    for i in 0..6 {
        let c = app.client();
        last = login_from(&app, &c, &format!("198.51.100.{i}"), "huyen", "sai").await;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let body = {
        let c = app.client();
        let page = c.get(app.url("/login")).send().await.unwrap();
        let csrf = common::csrf_of(&page.text().await.unwrap());
        c.post(app.url("/login"))
            .form(&[("username", "huyen"), ("password", "sai"), ("csrf", &csrf)])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    assert!(body.contains("Đăng nhập sai quá nhiều lần"), "{body}");
}

on_both_backends!(
    a_client_cannot_choose_her_address_behind_the_proxy,
    a_burst_of_guesses_and_the_owner_elsewhere,
    many_addresses_slow_a_username_down,
    forwarded_for_from_anyone_else_is_ignored
);

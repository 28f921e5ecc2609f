//! Reads from a streaming replica (issue 22), on a real primary and a real
//! replica made with `pg_basebackup` (`.ci/pg-replica.sh`): with the
//! replica's replay paused, so it stays behind, an officer who has just
//! written reads her own write at once (from the primary), a browser that
//! has not written reads the replica (and does not see it yet), sessions,
//! writes and the checks before a write use the primary, the audit chain is
//! whole; once replay resumes the replica shows the write to everyone. An
//! API client (a bearer token, no cookies) reads its own write at once too
//! (the primary keeps when its token wrote), another token does not.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::cookie::Jar;
use sqlx::Connection;

use crate::common::{self, TestApp};

async fn on(url: &str, sql: &str) -> String {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query_scalar::<_, String>(sql)
        .fetch_one(&mut c)
        .await
        .unwrap()
}

/// Waits until the replica has replayed everything the primary wrote.
async fn caught_up(primary: &str, replica: &str) {
    let lsn = on(primary, "SELECT pg_current_wal_lsn()::text").await;
    for _ in 0..300 {
        let done = on(
            replica,
            &format!("SELECT (pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn)::text"),
        )
        .await;
        if done == "true" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the replica did not catch up in 30 s");
}

/// Pauses (or resumes) the replica's replay and waits until it is so.
async fn replay(replica: &str, paused: bool) {
    let call = if paused {
        "SELECT pg_wal_replay_pause()::text"
    } else {
        "SELECT pg_wal_replay_resume()::text"
    };
    on(replica, call).await;
    for _ in 0..300 {
        let state = on(replica, "SELECT pg_get_wal_replay_pause_state()").await;
        if (state == "paused") == paused && (paused || state == "not paused") {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the replica's replay did not become paused={paused}");
}

/// A client whose cookies the test can change.
fn client_with(jar: &Arc<Jar>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn reads_follow_writes() {
    let Some((app, replica)) = TestApp::spawn_with_replica("reads_follow_writes").await else {
        return;
    };
    let primary = app.db.url.clone();
    replay(&replica, false).await;
    caught_up(&primary, &replica).await;
    assert_eq!(
        on(&replica, "SELECT pg_is_in_recovery()::text").await,
        "true"
    );

    // Another browser of the officer, signed in before (its write — the
    // sign-in — forgotten: its cookie set to long ago).
    let jar = Arc::new(Jar::default());
    let other = client_with(&jar);
    let res = app.login(&other, "banbo", common::PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let wrote = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().starts_with("treem_wrote="));
    assert!(wrote, "a sign-in is a write: it says so");
    jar.add_cookie_str("treem_wrote=0; Path=/", &app.url("/").parse().unwrap());
    caught_up(&primary, &replica).await;

    // From now on the replica stays where it is.
    replay(&replica, true).await;

    // A new sign-in works at once (sessions are read from the primary).
    let c = app.signed_in("banbo").await;
    // A child added through the form.
    let csrf = app.csrf(&c, "/children/new").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("child_id", "BB-REPLICA-1"),
        ("full_name", "Lò Thị Bản Sao"),
        ("sex", "F"),
        ("date_of_birth", "12/03/2023"),
        ("commune_code", "03424"),
        ("village", "Bản Bo"),
        ("mother_name", "Lò Thị Mai"),
        ("status", "active"),
        ("ethnicity", "08"),
    ];
    let (status, location, body) = common::post_form(&app, &c, "/children/new", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let page = location.split('?').next().unwrap().to_string();

    // She sees it at once: her browser wrote a moment ago.
    let (status, body) = app.get(&c, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Lò Thị Bản Sao"));
    // The other browser reads the replica, which has not replayed it.
    let res = other.get(app.url(&page)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "read from the primary");
    // The store alone reads the replica; pinned, the primary.
    let id: i64 = page.trim_start_matches("/children/").parse().unwrap();
    assert!(app.store.child(id).await.unwrap().is_none());
    let on_primary = treem_store::replica::on_primary(app.store.child(id)).await;
    assert!(on_primary.unwrap().is_some());

    // A write from the other browser checks what it writes on the primary:
    // a measurement of the child the replica does not have yet.
    let csrf = app.csrf(&other, "/children/new").await;
    let res = other
        .post(app.url(&format!("{page}/measurements")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("measured_on", "02/05/2026"),
            ("weight_kg", "11.5"),
            ("height_cm", "92.0"),
            ("position", "standing"),
        ])
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    assert!(
        status.is_redirection() && !body.contains("Hãy kiểm tra lại"),
        "{status}: {body}"
    );
    // The audit chain is read from the primary: whole, with the new child.
    let verified = treem_web::verify_chain(app.store.as_ref()).await.unwrap();
    assert!(verified.is_ok(), "{verified:?}");

    // An API client writes through its token and reads its write back at
    // once; another token of the same officer reads the replica.
    let writer = common::token(&app, "banbo").await;
    let reader = common::token(&app, "banbo").await;
    let api = reqwest::Client::new();
    let child = serde_json::json!({
        "child_id": "BB-REPLICA-API", "full_name": "Lò Văn Qua Khóa", "sex": "M",
        "date_of_birth": "2022-04-05", "commune_code": "03424", "mother_name": "Lò Thị Mai"
    });
    let res = api
        .post(app.url("/api/v1/children"))
        .bearer_auth(&writer)
        .json(&child)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let api_page = res.headers()["location"].to_str().unwrap().to_string();
    let read = |token: &str| {
        api.get(app.url(&api_page))
            .bearer_auth(token.to_string())
            .send()
    };
    let res = read(&writer).await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "its own write, from the primary"
    );
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["full_name"], "Lò Văn Qua Khóa");
    let res = read(&reader).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "read from the primary");

    // Replay resumed: everyone sees the child.
    replay(&replica, false).await;
    caught_up(&primary, &replica).await;
    jar.add_cookie_str("treem_wrote=0; Path=/", &app.url("/").parse().unwrap());
    let res = other.get(app.url(&page)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(app.store.child(id).await.unwrap().is_some());
    assert_eq!(read(&reader).await.unwrap().status(), StatusCode::OK);
}

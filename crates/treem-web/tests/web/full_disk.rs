//! A full disk: SQLite's `max_page_count` makes the database full for real
//! (SQLITE_FULL through the same write path as a full filesystem). A write
//! that did not commit never answers 2xx; the server says so in Vietnamese
//! (503) and, once there is room again, writes — and keeps — what it
//! answers for, after a restart too.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use treem_domain::audit::AuditEvent;
use treem_store::sqlite::SqliteStore;
use treem_store::{NewAccount, Store};
use treem_web::WebConfig;
use treem_web::shell::bootstrap;

/// Makes the database full — no page beyond those it has, and its free
/// pages taken by a filler — or gives it room again.
async fn set_full(store: &SqliteStore, full: bool) {
    let pool = store.pool();
    if !full {
        sqlx::query("PRAGMA max_page_count = 1000000")
            .execute(pool)
            .await
            .unwrap();
        sqlx::query("DROP TABLE IF EXISTS filler")
            .execute(pool)
            .await
            .unwrap();
        return;
    }
    sqlx::query("CREATE TABLE IF NOT EXISTS filler (b BLOB)")
        .execute(pool)
        .await
        .unwrap();
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(&format!("PRAGMA max_page_count = {pages}"))
        .execute(pool)
        .await
        .unwrap();
    for size in [4000, 500, 50, 5] {
        while sqlx::query("INSERT INTO filler (b) VALUES (zeroblob($1))")
            .bind(size)
            .execute(pool)
            .await
            .is_ok()
        {}
    }
}

/// A child with long names: a record that needs new pages.
fn child(code: &str) -> Value {
    let long = |w: &str| vec![w; 120].join(" ");
    json!({
        "child_id": code, "full_name": "Vàng Thị Đầy", "sex": "F", "date_of_birth": "2022-03-14",
        "commune_code": "03424", "village": long("Nà"), "mother_name": long("Mai"),
        "father_name": long("Pao"), "caregiver_name": long("Sua")
    })
}

#[tokio::test]
async fn a_full_disk_never_answers_success_and_the_server_recovers() {
    let dir = treem_store::testing::temp_dir().unwrap();
    let path = dir.0.join("treem.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let shared: Arc<dyn Store> = Arc::new(store.clone());
    bootstrap::ensure_units(shared.as_ref()).await.unwrap();
    bootstrap::load_demo(shared.as_ref(), 100, 5, &|_| {})
        .await
        .unwrap();
    let hash = treem_web::auth::password::hash("mat-khau-thu-nghiem".into())
        .await
        .unwrap();
    let new = NewAccount {
        username: "banbo".into(),
        display_name: "Cán bộ Bản Bo".into(),
        role: treem_domain::access::Role::Commune,
        scope_code: "03424".into(),
        password_hash: hash,
        must_change_password: false,
        commune_chair: false,
    };
    let ev = AuditEvent::system("test", "account_created", "account", "");
    let account = shared.create_account(&new, ev).await.unwrap();
    let token = format!("treem_full_{}", treem_web::auth::session::random_token());
    let ev = AuditEvent::system("test", "token_created", "account", "x");
    shared
        .create_token(
            account,
            &treem_web::auth::session::digest(&token),
            chrono::Utc::now() + chrono::Duration::days(1),
            ev,
        )
        .await
        .unwrap();
    let app = treem_web::build_app(WebConfig::default(), shared.clone())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let url = |p: &str| format!("http://{addr}{p}");
    let c = Client::new();
    let total = || async {
        shared
            .count_children(&treem_store::Scope::All)
            .await
            .unwrap()
    };
    let before = total().await;

    // Full: a write answers 2xx only if it is stored; the others answer
    // 503 with the Vietnamese message and store nothing.
    let mut answered = Vec::new();
    let mut refused = 0;
    for i in 0..8 {
        set_full(&store, true).await;
        let code = format!("FULL-{i}");
        let res = c
            .post(url("/api/v1/children"))
            .bearer_auth(&token)
            .json(&child(&code))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let stored = shared.child_id_taken(&code).await.unwrap();
        if status == StatusCode::CREATED {
            assert!(stored, "{code} answered 201 but is not stored");
            answered.push(code);
        } else {
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "create {i}");
            assert!(!stored, "{code} refused but stored");
            let body: Value = res.json().await.unwrap();
            assert!(
                body["message"]
                    .as_str()
                    .unwrap()
                    .contains("không ghi được dữ liệu"),
                "{body}"
            );
            refused += 1;
        }
    }
    assert!(refused > 0, "the full database refused no write");
    assert_eq!(total().await, before + answered.len() as i64);
    // A correction while full: 503 and the record as it was, or 200 and
    // the correction stored.
    set_full(&store, false).await;
    let res = c
        .post(url("/api/v1/children"))
        .bearer_auth(&token)
        .json(&child("ROOM-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    answered.push("ROOM-1".into());
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    let mut patch = child("ROOM-1");
    patch["full_name"] = json!("Vàng Thị Sửa Lúc Đầy");
    let mut version = 1;
    for _ in 0..3 {
        set_full(&store, true).await;
        let res = c
            .patch(url(&format!("/api/v1/children/{id}")))
            .bearer_auth(&token)
            .header("If-Match", format!("\"{version}\""))
            .json(&patch)
            .send()
            .await
            .unwrap();
        let stored = shared.child(id).await.unwrap().unwrap();
        if res.status() == StatusCode::OK {
            version += 1;
            assert_eq!(stored.version, version);
        } else {
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(stored.version, version);
        }
        patch["village"] = json!(format!("{} x", patch["village"].as_str().unwrap()));
    }

    // Room again: writes succeed, with no restart.
    set_full(&store, false).await;
    let res = c
        .patch(url(&format!("/api/v1/children/{id}")))
        .bearer_auth(&token)
        .header("If-Match", format!("\"{version}\""))
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    for i in 0..3 {
        let code = format!("AFTER-{i}");
        let res = c
            .post(url("/api/v1/children"))
            .bearer_auth(&token)
            .json(&child(&code))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "after {i}");
        answered.push(code);
    }
    let expected = before + answered.len() as i64;
    assert_eq!(total().await, expected);

    // What was answered for is on disk: the database opened afresh has it.
    store.close().await;
    let reopened = SqliteStore::open(&path).await.unwrap();
    let n = reopened
        .count_children(&treem_store::Scope::All)
        .await
        .unwrap();
    assert_eq!(n, expected);
    for code in &answered {
        assert!(reopened.child_id_taken(code).await.unwrap(), "{code}");
    }
    let fixed = reopened.child(id).await.unwrap().unwrap();
    assert_eq!(fixed.full_name, "Vàng Thị Sửa Lúc Đầy");
}

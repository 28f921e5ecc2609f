//! The JSON API for children: scope, ETag/If-Match, located problems.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{TestApp, token};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

fn new_child() -> Value {
    json!({
        "child_id": "API-1", "full_name": "Vàng Thị Sua", "sex": "F", "date_of_birth": "2021-09-14",
        "commune_code": "03424", "mother_name": "Lý Thị Mai", "national_id": "012321000777"
    })
}

async fn search_and_read_within_scope(app: TestApp) {
    let t = token(&app, "banbo").await;
    let c = Client::new();
    let own = common::children_under(&app, "03424")
        .await
        .iter()
        .map(|c| c.id)
        .collect::<Vec<i64>>();
    let res = c
        .get(app.url("/api/v1/children?limit=200"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["total"].as_u64().unwrap() as usize, own.len());
    for item in body["items"].as_array().unwrap() {
        assert!(
            own.contains(&item["id"].as_i64().unwrap()),
            "only her commune"
        );
        for key in [
            "id",
            "child_id",
            "full_name",
            "date_of_birth",
            "sex",
            "commune_code",
            "version",
        ] {
            assert!(!item[key].is_null(), "{key}");
        }
    }
    // Search by a name typed without accents finds her child, never another's.
    let first = &body["items"][0];
    let name = treem_domain::text::fold(first["full_name"].as_str().unwrap());
    let res: Value = c
        .get(app.url("/api/v1/children"))
        .query(&[("q", name.as_str())])
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["items"][0]["full_name"], first["full_name"]);
    let foreign = common::children_under(&app, "03390")
        .await
        .iter()
        .map(|c| c.id)
        .collect::<Vec<i64>>()[0];
    let res = c
        .get(app.url(&format!("/api/v1/children/{foreign}")))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = c
        .get(app.url(&format!("/api/v1/children/{}", own[0])))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let record: Value = res.json().await.unwrap();
    assert_eq!(record["version"], 1);
    // A viewer's token reads no children at all.
    let v = token(&app, "xem").await;
    let res = c
        .get(app.url("/api/v1/children"))
        .bearer_auth(&v)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The OpenAPI document describes these routes.
    let doc: Value = c
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/children/{id}"]["patch"].is_object());
    // Every API route of the access table is in the document.
    for (method, pattern, _) in treem_web::policy::ROUTES {
        if pattern.starts_with("/api/v1/") && *pattern != "/api/v1/openapi.json" {
            let op = &doc["paths"][pattern][method.to_lowercase()];
            assert!(op["summary"].is_string(), "{method} {pattern} undocumented");
        }
    }
}

async fn create_and_change_with_versions(app: TestApp) {
    let t = token(&app, "banbo").await;
    let c = Client::new();
    let res = c
        .post(app.url("/api/v1/children"))
        .bearer_auth(&t)
        .json(&new_child())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["version"], 1);
    assert_eq!(created["full_name"], "Vàng Thị Sua");
    assert_eq!(created["possible_duplicates"], json!([]));
    // The same child sent again under another key is created and flagged.
    let mut again = new_child();
    again["child_id"] = json!("API-9");
    let res = c
        .post(app.url("/api/v1/children"))
        .bearer_auth(&t)
        .json(&again)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let flagged: Value = res.json().await.unwrap();
    assert_eq!(flagged["possible_duplicates"][0]["id"], created["id"]);
    assert_eq!(
        flagged["possible_duplicates"][0]["reason"],
        "same_national_id"
    );
    // Bad input: located problems, nothing stored.
    let mut bad = new_child();
    bad["child_id"] = json!("API-2");
    bad["date_of_birth"] = json!("2031-01-01");
    bad["national_id"] = json!("999");
    let res = c
        .post(app.url("/api/v1/children"))
        .bearer_auth(&t)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"date_of_birth") && fields.contains(&"national_id"),
        "{fields:?}"
    );
    let mut elsewhere = new_child();
    elsewhere["child_id"] = json!("API-3");
    elsewhere["commune_code"] = json!("03390");
    let res = c
        .post(app.url("/api/v1/children"))
        .bearer_auth(&t)
        .json(&elsewhere)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = c
        .post(app.url("/api/v1/children"))
        .bearer_auth(&t)
        .body("[1,2]")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Changes name the version they start from.
    let patch = json!({ "village": "Bản Nà Tăm" });
    let res = c
        .patch(app.url(&location))
        .bearer_auth(&t)
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
    let res = c
        .patch(app.url(&location))
        .bearer_auth(&t)
        .header("If-Match", "\"1\"")
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["village"], "Bản Nà Tăm");
    assert_eq!(
        changed["full_name"], "Vàng Thị Sua",
        "untouched fields stay"
    );
    // A stale version: 412, the current version, and nothing lost.
    let res = c
        .patch(app.url(&location))
        .bearer_auth(&t)
        .header("If-Match", "1")
        .json(&json!({ "village": "X" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["version"], 2);
    let now: Value = c
        .get(app.url(&location))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now["village"], "Bản Nà Tăm");
    // Invalid values and unknown fields are located.
    let res = c
        .patch(app.url(&location))
        .bearer_auth(&t)
        .header("If-Match", "2")
        .json(&json!({ "sex": "?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = c
        .patch(app.url(&location))
        .bearer_auth(&t)
        .header("If-Match", "2")
        .json(&json!({ "shoe_size": "3" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = c
        .patch(app.url(&location))
        .bearer_auth(&t)
        .header("If-Match", "2")
        .json(&json!({ "village": 7 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Another commune's officer cannot see or change it.
    let other = token(&app, "binhlu").await;
    let res = c
        .patch(app.url(&location))
        .bearer_auth(&other)
        .header("If-Match", "2")
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn session_writes_need_the_csrf_header(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let csrf = app.csrf(&c, "/").await;
    let id = common::children_under(&app, "03424")
        .await
        .iter()
        .map(|c| c.id)
        .collect::<Vec<i64>>()[0];
    let url = app.url(&format!("/api/v1/children/{id}"));
    let patch = json!({ "village": "Bản Mới" });
    let res = c
        .patch(&url)
        .header("If-Match", "1")
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = c
        .patch(&url)
        .header("If-Match", "1")
        .header("X-CSRF-Token", &csrf)
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

on_both!(
    search_and_read_within_scope,
    create_and_change_with_versions,
    session_writes_need_the_csrf_header
);

#[test]
fn the_check_finds_drift() {
    // A documented answer passes; an unnamed field, a wrong type and an
    // undocumented status do not.
    let me = br#"{"username":"a","display_name":"A","role":"commune","scope_code":"03424"}"#;
    assert_eq!(
        common::openapi_check::problem("get", "/api/v1/me", StatusCode::OK, me),
        None
    );
    let extra =
        br#"{"username":"a","display_name":"A","role":"commune","scope_code":"03424","secret":1}"#;
    assert!(common::openapi_check::problem("get", "/api/v1/me", StatusCode::OK, extra).is_some());
    let wrong = br#"{"username":1,"display_name":"A","role":"commune","scope_code":"03424"}"#;
    assert!(common::openapi_check::problem("get", "/api/v1/me", StatusCode::OK, wrong).is_some());
    assert!(
        common::openapi_check::problem("get", "/api/v1/me", StatusCode::IM_A_TEAPOT, b"{}")
            .is_some()
    );
    assert!(
        common::openapi_check::problem("get", "/api/v1/nowhere", StatusCode::OK, b"{}").is_some()
    );
    // An API path that does not exist answers the documented error.
    let not_found = r#"{"error":"not_found","message":"Không tìm thấy."}"#.as_bytes();
    let unknown = common::openapi_check::problem;
    assert_eq!(
        unknown("get", "/api/v1/nowhere", StatusCode::NOT_FOUND, not_found),
        None
    );
    assert!(unknown("get", "/api/v1/nowhere", StatusCode::NOT_FOUND, b"{}").is_some());
}

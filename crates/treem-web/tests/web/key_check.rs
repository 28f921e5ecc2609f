//! The sealing key and the database: a missing or different key file is
//! refused once case contents are sealed (never silently replaced), a
//! rotation seals everything again under a new key in one transaction, and
//! an interrupted rotation is finished at the next start.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use treem_web::WebConfig;
use treem_web::cases::key_check::{key_for, pending_path, rotate};
use treem_web::cases::seal::{CaseKey, KeyError};

async fn sealed_case_and_key(
    backend: Backend,
    test: &str,
) -> Option<(TestApp, std::path::PathBuf, common::TempFolder)> {
    let dir = common::TempFolder::new();
    let path = dir.path().join("treem.key");
    let key = CaseKey::create(&path).unwrap();
    let config = WebConfig {
        case_key: Some(key),
        ..WebConfig::default()
    };
    let app = TestApp::spawn_with(backend, test, config).await?;
    let token = common::token(&app, "banbo").await;
    let child = common::children_under(&app, "03424").await[0]
        .child_id
        .clone();
    let body = json!({
        "child_id": child, "received_at": "2026-03-02T08:15:00+07:00", "source": "hotline_111",
        "harm_types": ["neglect"], "risk_level": "high", "summary": "Bé bị bỏ đói", "abuser": "Người X",
        "details": {"informant_name": "Người báo Y"},
    });
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    Some((app, path, dir))
}

async fn a_wrong_or_missing_key_is_refused(backend: Backend) {
    let Some((app, path, dir)) = sealed_case_and_key(backend, "wrong_key").await else {
        return;
    };
    let store = app.store.as_ref();
    // Sealed before any fingerprint was kept: the right key is recognised
    // by opening a sealed value, and its fingerprint recorded.
    assert_eq!(store.key_fingerprint().await.unwrap(), None);
    let key = key_for(store, &path).await.unwrap();
    assert_eq!(
        store.key_fingerprint().await.unwrap().as_deref(),
        Some(key.fingerprint())
    );
    // No key file: refused, and no new key is made.
    let missing = dir.path().join("missing.key");
    let err = key_for(store, &missing).await.unwrap_err();
    assert!(matches!(err, KeyError::Missing(_)), "{err}");
    assert!(err.to_string().contains("từ bản sao lưu"), "{err}");
    assert!(!missing.exists());
    // Another key: refused.
    let other = dir.path().join("other.key");
    CaseKey::create(&other).unwrap();
    let err = key_for(store, &other).await.unwrap_err();
    assert!(matches!(err, KeyError::Mismatch(_)), "{err}");
    assert!(err.to_string().contains("không khớp"), "{err}");
    // And the right one still is the right one.
    assert!(key_for(store, &path).await.is_ok());
}

async fn a_rotation_seals_everything_again(backend: Backend) {
    let Some((app, path, _dir)) = sealed_case_and_key(backend, "rotation").await else {
        return;
    };
    let store = app.store.as_ref();
    let old = key_for(store, &path).await.unwrap();
    let before = store.sealed_values(i64::MAX).await.unwrap();
    assert!(before.len() >= 4, "{}", before.len());
    assert!(
        before.iter().any(|v| v.column == "details"),
        "form 01's fields are sealed values too"
    );
    let n = rotate(store, &path, "test").await.unwrap();
    assert_eq!(n, before.len());
    let new = CaseKey::load(&path).unwrap();
    assert_ne!(new.fingerprint(), old.fingerprint());
    assert_eq!(
        store.key_fingerprint().await.unwrap().as_deref(),
        Some(new.fingerprint())
    );
    assert!(!pending_path(&path).exists());
    for v in store.sealed_values(i64::MAX).await.unwrap() {
        let b = before
            .iter()
            .find(|b| b.table == v.table && b.column == v.column && b.row_id == v.row_id)
            .unwrap();
        assert_eq!(
            new.open(&v.seal_id, v.column, &v.bytes),
            old.open(&b.seal_id, b.column, &b.bytes),
            "{}.{}",
            v.table,
            v.column
        );
        assert_eq!(old.open(&v.seal_id, v.column, &v.bytes), None);
    }
    let audited = common::sql_scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'seal_key_rotated'",
        &[],
    )
    .await;
    assert_eq!(audited, Some(1));
    // A rotation stopped after the database took the new key but before
    // the file was renamed: the next start finishes it.
    let pending = pending_path(&path);
    let newer = CaseKey::create(&pending).unwrap();
    let ev = treem_domain::audit::AuditEvent::system("test", "x", "seal_key", "1");
    store
        .set_key_fingerprint(newer.fingerprint(), ev)
        .await
        .unwrap();
    let got = key_for(store, &path).await.unwrap();
    assert_eq!(got.fingerprint(), newer.fingerprint());
    assert!(!pending.exists());
    assert_eq!(
        CaseKey::load(&path).unwrap().fingerprint(),
        newer.fingerprint()
    );
}

on_both_backends!(
    a_wrong_or_missing_key_is_refused,
    a_rotation_seals_everything_again
);

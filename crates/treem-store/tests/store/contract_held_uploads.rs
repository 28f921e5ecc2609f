//! The contract of held uploads, on SQLite and on PostgreSQL: an upload is
//! found only by its own account and token while its time lasts, a new one
//! replaces the account's last, expired ones go, and taking one gives it to
//! one request only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use chrono::{Duration, Timelike, Utc};
use common::*;
use treem_store::{HeldUpload, Store};

fn upload(token: &str, account: i64, minutes: i64) -> HeldUpload {
    HeldUpload {
        token_hash: token.into(),
        account_id: account,
        file_name: "Danh sách trẻ.xlsx".into(),
        body: vec![0x50, 0x4b, 0, 255, 7],
        // Whole seconds: both backends keep at least that.
        held_until: Utc::now().with_nanosecond(0).unwrap() + Duration::minutes(minutes),
    }
}

async fn an_upload_is_held_for_its_account_only(store: Arc<dyn Store>) {
    load_units(&store).await;
    let lap = store
        .create_account(&account("lap"), ev("account_created"))
        .await
        .unwrap();
    let other = store
        .create_account(&account("other"), ev("account_created"))
        .await
        .unwrap();
    let now = Utc::now();
    let first = upload("t1", lap, 30);
    store.hold_upload(&first, now).await.unwrap();
    assert_eq!(
        store.held_upload("t1", lap, now).await.unwrap(),
        Some(first.clone())
    );
    // Another account, another token, or after its time: nothing.
    assert_eq!(store.held_upload("t1", other, now).await.unwrap(), None);
    assert_eq!(store.held_upload("t2", lap, now).await.unwrap(), None);
    let later = now + Duration::minutes(31);
    assert_eq!(store.held_upload("t1", lap, later).await.unwrap(), None);
    assert_eq!(store.take_upload("t1", lap, later).await.unwrap(), None);

    // A new upload of the account replaces its last one.
    let second = upload("t2", lap, 30);
    store.hold_upload(&second, now).await.unwrap();
    assert_eq!(store.held_upload("t1", lap, now).await.unwrap(), None);
    // Another account's upload removes the expired ones of everyone.
    let theirs = upload("t3", other, 30);
    store.hold_upload(&theirs, later).await.unwrap();
    assert_eq!(store.held_upload("t2", lap, now).await.unwrap(), None);

    // Taken once, by its own account only.
    assert_eq!(store.take_upload("t3", lap, now).await.unwrap(), None);
    assert_eq!(
        store.take_upload("t3", other, now).await.unwrap(),
        Some(theirs)
    );
    assert_eq!(store.take_upload("t3", other, now).await.unwrap(), None);
}

on_both!(an_upload_is_held_for_its_account_only);

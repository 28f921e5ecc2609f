//! The contract of the ID verification round at the storage seam, on
//! SQLite and on PostgreSQL: the children a list may hold with their
//! number's standing, who holds a number, and a returned list stored all
//! at once with the child's history.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use chrono::NaiveDate;
use common::*;
use treem_store::{IdVerification, Scope, Store, StoreError};

async fn a_returned_list_is_stored_at_once(store: Arc<dyn Store>) {
    let (rows, ids) = demo_children(&store, 40, 11).await;
    let long_ago = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    let all = store
        .id_children(&Scope::All, None, long_ago)
        .await
        .unwrap();
    assert!(!all.is_empty());
    // Two records holding one number are both marked shared.
    let (a, b) = (&all[0], &all[1]);
    for c in [a, b] {
        let at = ids.iter().position(|i| *i == c.id).unwrap();
        let mut child = rows[at].0.clone();
        child.national_id = Some("012319001234".into());
        store
            .update_child(
                c.id,
                c.version,
                &child,
                rows[at].1,
                &["national_id".into()],
                ev("child_updated"),
            )
            .await
            .unwrap();
    }
    let again = store
        .id_children(&Scope::All, None, long_ago)
        .await
        .unwrap();
    let shared: Vec<i64> = again.iter().filter(|c| c.shared).map(|c| c.id).collect();
    assert!(
        shared.contains(&a.id) && shared.contains(&b.id),
        "{shared:?}"
    );
    let holders = store
        .national_id_holders(&["012319001234".to_string(), "000000000000".to_string()])
        .await
        .unwrap();
    assert_eq!(holders.len(), 2);
    // A village's list holds that village's children only.
    if let Some(v) = a.village.clone() {
        let list = store
            .id_children(&Scope::All, Some(&v), long_ago)
            .await
            .unwrap();
        assert!(
            list.iter()
                .all(|c| c.village.as_deref() == Some(v.as_str()))
        );
    }
    // Stored at once: a changed number keeps the earlier record.
    let c = again.iter().find(|c| c.id == a.id).unwrap();
    let other = again.iter().find(|c| !c.shared).unwrap();
    let returned = vec![
        IdVerification {
            child: c.id,
            expected_version: c.version,
            result: "corrected".into(),
            number: Some("012319005555".into()),
        },
        IdVerification {
            child: other.id,
            expected_version: other.version,
            result: "not_found".into(),
            number: None,
        },
    ];
    let on = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let changed = store
        .record_id_verifications(&returned, "Công an xã Bản Bo", on, ev("ids_imported"))
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let after = store
        .id_children_by_code(&[c.child_id.clone(), other.child_id.clone()])
        .await
        .unwrap();
    let got = after.iter().find(|x| x.id == c.id).unwrap();
    assert_eq!(got.national_id.as_deref(), Some("012319005555"));
    assert_eq!(got.national_id_verified.as_deref(), Some("012319005555"));
    assert_eq!(
        got.national_id_verified_by.as_deref(),
        Some("Công an xã Bản Bo")
    );
    assert_eq!(got.national_id_verified_on, Some(on));
    assert_eq!(got.national_id_result.as_deref(), Some("corrected"));
    assert_eq!(got.version, c.version + 1);
    let versions = store.child_versions(c.id).await.unwrap();
    assert_eq!(versions.last().unwrap().changed_fields, "national_id");
    // The link, counted per unit: every child in one of three states, one
    // verified.
    let counts = store.id_link_counts(&Scope::All, long_ago).await.unwrap();
    let total: i64 = counts.iter().map(|(_, v, u, n)| v + u + n).sum();
    assert_eq!(total, all.len() as i64);
    assert_eq!(counts.iter().map(|(_, v, _, _)| v).sum::<i64>(), 1);
    let lost = after.iter().find(|x| x.id == other.id).unwrap();
    assert_eq!(lost.national_id_result.as_deref(), Some("not_found"));
    assert_eq!(lost.national_id_verified, None);
    // A list checked before a record changed stores nothing.
    let stale = store
        .record_id_verifications(
            &[
                IdVerification {
                    child: other.id,
                    expected_version: other.version,
                    result: "not_found".into(),
                    number: None,
                },
                IdVerification {
                    child: c.id,
                    expected_version: c.version,
                    result: "match".into(),
                    number: Some("012319005555".into()),
                },
            ],
            "x",
            on,
            ev("ids_imported"),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
}

on_both!(a_returned_list_is_stored_at_once);

//! The villages of a scope (the children's list filter), on SQLite and on
//! PostgreSQL: each village of the scope's counted records once, in order;
//! none of another unit; a merged record's village not counted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::*;
use treem_store::{Scope, Store};

async fn villages_of_a_scope(store: Arc<dyn Store>) {
    let (rows, ids) = demo_children(&store, 300, 11).await;
    let expect = |units: Option<&BTreeSet<i64>>| -> Vec<String> {
        let set: BTreeSet<String> = rows
            .iter()
            .filter(|(_, u)| units.is_none_or(|s| s.contains(u)))
            .filter_map(|(c, _)| c.village.clone())
            .collect();
        set.into_iter().collect()
    };
    assert_eq!(store.villages(&Scope::All).await.unwrap(), expect(None));
    let one: BTreeSet<i64> = [rows[0].1].into_iter().collect();
    let scope = Scope::Units(one.iter().copied().collect());
    let villages = store.villages(&scope).await.unwrap();
    assert_eq!(villages, expect(Some(&one)));
    assert!(!villages.is_empty());

    // A village only a merged record names is not offered.
    let (keep, drop) = (ids[0], ids[1]);
    let lone = "Bản Chỉ Có Một";
    let version = store.child(drop).await.unwrap().unwrap().version;
    let mut child = rows[1].0.clone();
    child.village = Some(lone.to_string());
    store
        .update_child(
            drop,
            version,
            &child,
            rows[1].1,
            &["village".to_string()],
            ev("child_updated"),
        )
        .await
        .unwrap();
    assert!(
        store
            .villages(&Scope::All)
            .await
            .unwrap()
            .iter()
            .any(|v| v == lone)
    );
    store
        .merge_children(keep, drop, ev("children_merged"))
        .await
        .unwrap();
    let all = store.villages(&Scope::All).await.unwrap();
    assert!(!all.iter().any(|v| v == lone), "{all:?}");
}

on_both!(villages_of_a_scope);

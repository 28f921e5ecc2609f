//! The marks that make kept figures stale, and the kept figures themselves,
//! at the storage seam on SQLite and PostgreSQL: a write under a unit
//! changes that unit's mark (and only the marks of the units it writes
//! under), in the writing transaction; folding PostgreSQL's log keeps every
//! mark; kept counts come back as stored and are replaced.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::HashMap;
use std::sync::Arc;

use common::*;
use treem_domain::child::{Poverty, Sex};
use treem_store::{KeptCommune, Store};

async fn marks(store: &Arc<dyn Store>) -> HashMap<i64, i64> {
    store.figure_marks().await.unwrap().into_iter().collect()
}

/// The child's record written as a form would, one field changed.
async fn update(
    store: &Arc<dyn Store>,
    id: i64,
    child: &treem_domain::child::Child,
    unit: i64,
    field: &str,
) {
    let version = store.child(id).await.unwrap().unwrap().version;
    store
        .update_child(
            id,
            version,
            child,
            unit,
            &[field.into()],
            ev("child_updated"),
        )
        .await
        .unwrap();
}

async fn a_write_marks_its_unit_only(store: Arc<dyn Store>) {
    let (rows, ids) = demo_children(&store, 30, 7).await;
    let before = marks(&store).await;
    // A child's name is not read by any indicator: nothing marked.
    let at = 0;
    let mut child = rows[at].0.clone();
    child.full_name = format!("{} Thị", child.full_name);
    update(&store, ids[at], &child, rows[at].1, "full_name").await;
    assert_eq!(marks(&store).await, before, "a name marked figures stale");
    // Her birth registration is: her unit alone is marked.
    let mut child = child.clone();
    child.birth_registered = Some(!child.birth_registered.unwrap_or(false));
    update(&store, ids[at], &child, rows[at].1, "birth_registered").await;
    let after = marks(&store).await;
    let changed: Vec<i64> = after
        .iter()
        .filter(|(u, m)| before.get(u).copied().unwrap_or(0) != **m)
        .map(|(u, _)| *u)
        .collect();
    assert_eq!(changed, vec![rows[at].1], "{before:?} → {after:?}");
    // Folding the log (PostgreSQL) keeps every mark.
    store.fold_figure_marks().await.unwrap();
    assert_eq!(marks(&store).await, after);
    // And a write after the fold still changes the mark.
    child.birth_registered = Some(!child.birth_registered.unwrap_or(false));
    update(&store, ids[at], &child, rows[at].1, "birth_registered").await;
    assert_ne!(marks(&store).await[&rows[at].1], after[&rows[at].1]);
}

async fn kept_counts_come_back(store: Arc<dyn Store>) {
    load_units(&store).await;
    let unit = store.units().await.unwrap()[5].id;
    let kept = |stamp: &str, n: i64| KeptCommune {
        unit_id: unit,
        stamp: stamp.into(),
        holds: true,
        counts: (0..31).map(|i| i * n).collect(),
        groups: Vec::new(),
    };
    store.keep_figures("2025", &[kept("1:1", 1)]).await.unwrap();
    store
        .keep_figures("2025h1", &[kept("1:1", 3)])
        .await
        .unwrap();
    store.keep_figures("2025", &[kept("1:2", 2)]).await.unwrap();
    assert_eq!(
        store.kept_figures("2025").await.unwrap(),
        vec![kept("1:2", 2)]
    );
    assert_eq!(
        store.kept_figures("2025h1").await.unwrap(),
        vec![kept("1:1", 3)]
    );
    assert!(store.kept_figures("2024").await.unwrap().is_empty());
    // A breakdown's groups come back by name (an empty group list is an
    // empty count list: the same nothing).
    let groups = KeptCommune {
        unit_id: unit,
        stamp: "1:2".into(),
        holds: true,
        counts: Vec::new(),
        groups: vec![
            ("sex:F".into(), vec![1, 2, 3, 4]),
            ("ethnicity:".into(), vec![0, 5]),
            ("ethnicity:Hmông \"x\"".into(), vec![7, 9]),
        ],
    };
    store
        .keep_figures("2025/groups", std::slice::from_ref(&groups))
        .await
        .unwrap();
    assert_eq!(
        store.kept_figures("2025/groups").await.unwrap(),
        vec![groups]
    );
    assert_eq!(
        store.kept_figures("2025").await.unwrap(),
        vec![kept("1:2", 2)]
    );
}

/// What the breakdowns group children by marks their unit too (and a
/// form writing the same values again marks nothing).
async fn a_group_change_marks_its_unit(store: Arc<dyn Store>) {
    let (rows, ids) = demo_children(&store, 30, 9).await;
    let at = 3;
    let (mut child, unit) = rows[at].clone();
    let mut last = marks(&store).await;
    update(&store, ids[at], &child, unit, "full_name").await;
    assert_eq!(marks(&store).await, last, "the same values marked");
    for field in ["sex", "ethnicity", "household_poverty"] {
        match field {
            "sex" => {
                child.sex = if child.sex == Sex::Male {
                    Sex::Female
                } else {
                    Sex::Male
                }
            }
            "ethnicity" => {
                child.ethnicity = Some(
                    if child.ethnicity.as_deref() == Some("01") {
                        "08"
                    } else {
                        "01"
                    }
                    .into(),
                )
            }
            _ => {
                child.household_poverty = Some(if child.household_poverty == Some(Poverty::Poor) {
                    Poverty::NearPoor
                } else {
                    Poverty::Poor
                })
            }
        }
        update(&store, ids[at], &child, unit, field).await;
        let now = marks(&store).await;
        let changed: Vec<i64> = now
            .iter()
            .filter(|(u, m)| last.get(u) != Some(m))
            .map(|(u, _)| *u)
            .collect();
        assert_eq!(changed, vec![unit], "{field}");
        last = now;
    }
}

on_both!(
    a_write_marks_its_unit_only,
    kept_counts_come_back,
    a_group_change_marks_its_unit
);

//! An import into a small registry is a bulk load: it sets aside secondary
//! indexes, per-row triggers and (PostgreSQL) foreign keys, and puts them
//! back in its own transaction. After it the database is as the migrations
//! made it, the figure marks and the search epoch have moved as the triggers
//! would have moved them, a rolled-back import leaves nothing changed, and a
//! row naming no stored child is still refused.
//!
//! And how any import's batches are counted and stored: a batch mixing new,
//! unchanged and changed records counts each once, as written or unchanged,
//! and every kind of value (text, whole and real numbers, yes/no, dates,
//! and their absence) comes back as it was given.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::HashMap;
use std::sync::Arc;

use common::*;
use treem_domain::child::Child;
use treem_domain::demo;
use treem_domain::units::UnitHistory;
use treem_store::testing::schema_objects;
use treem_store::{MEASUREMENTS, NewChild, PARTICIPATION, Scope, Store, Value};

async fn marks(store: &Arc<dyn Store>) -> HashMap<i64, i64> {
    store.figure_marks().await.unwrap().into_iter().collect()
}

/// `n` demo children under their unit versions (not stored).
async fn children(store: &Arc<dyn Store>, n: usize, seed: u64) -> Vec<(Child, i64)> {
    let stored = store.units().await.unwrap();
    let history = UnitHistory::new(stored.iter().map(|s| s.unit.clone()).collect());
    demo::generate(&history, n, seed)
        .children
        .iter()
        .map(|c| {
            let u = history.resolve(&c.child.commune_code, c.as_of).unwrap();
            let id = stored.iter().find(|s| &s.unit == u).unwrap().id;
            (c.child.clone(), id)
        })
        .collect()
}

fn participation(child_id: i64) -> Vec<Value> {
    vec![
        Value::Int(Some(child_id)),
        Value::Date(chrono::NaiveDate::from_ymd_opt(2025, 5, 1)),
        Value::Text(Some("forum".into())),
        Value::Text(None),
    ]
}

async fn bulk_import(store: Arc<dyn Store>, url: &str) {
    load_units(&store).await;
    let schema = schema_objects(url).await.unwrap();
    assert!(
        schema.iter().any(|o| o.contains("children_unit_figures")),
        "{schema:?}"
    );
    let before = marks(&store).await;
    let epoch = store.search_epoch().await.unwrap();

    // A rolled-back bulk import changes nothing.
    let rows = children(&store, 40, 11).await;
    let new: Vec<NewChild> = rows
        .iter()
        .map(|(c, u)| NewChild::new(c.clone(), *u))
        .collect();
    let mut tx = store.begin_import().await.unwrap();
    assert_eq!(tx.upsert_children(&new, "test").await.unwrap().written, 40);
    drop(tx);
    assert_eq!(store.count_children(&Scope::All).await.unwrap(), 0);
    assert_eq!(schema_objects(url).await.unwrap(), schema);
    assert_eq!(marks(&store).await, before);

    // A committed one: every object back as it was, the children's units
    // marked, the search epoch moved.
    let mut tx = store.begin_import().await.unwrap();
    tx.upsert_children(&new, "test").await.unwrap();
    let codes: Vec<String> = rows.iter().map(|(c, _)| c.child_id.clone()).collect();
    let facts = tx.child_facts(&codes).await.unwrap();
    let written = tx
        .upsert_facts(PARTICIPATION, &[participation(facts[0].id)])
        .await
        .unwrap();
    assert_eq!(written.written, 1);
    tx.commit(ev("dataset.import")).await.unwrap();
    assert_eq!(store.count_children(&Scope::All).await.unwrap(), 40);
    assert_eq!(schema_objects(url).await.unwrap(), schema);
    let after = marks(&store).await;
    for (_, unit) in &rows {
        assert_ne!(after.get(unit), before.get(unit), "unit {unit} not marked");
    }
    assert_ne!(store.search_epoch().await.unwrap(), epoch);

    // The triggers are back: a child added by a form marks her unit.
    let more = children(&store, 1, 12).await;
    let unit = more[0].1;
    let mut one = more[0].0.clone();
    one.child_id = format!("{}-form", one.child_id);
    store
        .insert_children(&[(one, unit)], ev("child_created"))
        .await
        .unwrap();
    assert_ne!(marks(&store).await.get(&unit), after.get(&unit));

    // A row naming no stored child is refused (PostgreSQL's foreign key,
    // set aside by this bulk import too, is checked when it comes back).
    let mut tx = store.begin_import().await.unwrap();
    let refused = match tx
        .upsert_facts(PARTICIPATION, &[participation(987_654)])
        .await
    {
        Err(_) => true,
        Ok(_) => tx.commit(ev("dataset.import")).await.is_err(),
    };
    assert!(refused, "a participation row of no child was stored");
    assert_eq!(schema_objects(url).await.unwrap(), schema);
    verify_chain(&store).await.unwrap();
}

#[tokio::test]
async fn sqlite_bulk_import_puts_everything_back() {
    let db = treem_store::testing::sqlite().await.unwrap();
    bulk_import(db.store.clone(), &db.url).await;
}

#[tokio::test]
async fn postgres_bulk_import_puts_everything_back() {
    let test = "bulk_import_puts_everything_back";
    if let Some(db) = treem_store::testing::postgres(test).await.unwrap() {
        bulk_import(db.store.clone(), &db.url).await;
    }
}

/// A measurement row of a child with every kind of value, some absent.
fn measurement(child_id: i64, weight: f64) -> Vec<Value> {
    let (real, yes) = (|x: f64| Value::Real(Some(x)), |b| Value::Bool(Some(b)));
    vec![
        Value::Int(Some(child_id)),
        Value::Date(chrono::NaiveDate::from_ymd_opt(2025, 3, 4)),
        real(weight),
        real(87.25),
        Value::Text(Some("lying".into())),
        yes(false),
        Value::Int(Some(1000)),
        Value::Real(None),
        yes(true),
        real(-2.125),
        yes(false),
        Value::Real(None),
        Value::Bool(None),
        real(0.5),
        yes(false),
        real(-1.0),
        yes(false),
        Value::Real(None),
        Value::Bool(None),
        Value::Text(Some("underweight".into())),
        Value::Text(Some("who2006".into())),
    ]
}

async fn counted_batches(store: Arc<dyn Store>) {
    load_units(&store).await;
    let rows = children(&store, 6, 21).await;
    let new = |i: usize| NewChild::new(rows[i].0.clone(), rows[i].1);
    let mut tx = store.begin_import().await.unwrap();
    let first = tx
        .upsert_children(&[new(0), new(1), new(2)], "test")
        .await
        .unwrap();
    assert_eq!((first.written, first.unchanged), (3, 0));
    tx.commit(ev("dataset.import")).await.unwrap();

    // One batch: child 0 as stored, child 1 renamed, children 3 and 4 new.
    let mut renamed = new(1);
    renamed.child.full_name = format!("{} Mới", renamed.child.full_name);
    let renamed = NewChild::new(renamed.child, renamed.unit_id);
    let mut tx = store.begin_import().await.unwrap();
    let mixed = tx
        .upsert_children(&[new(3), new(0), renamed, new(4)], "test")
        .await
        .unwrap();
    assert_eq!((mixed.written, mixed.unchanged), (3, 1));
    let codes: Vec<String> = rows.iter().map(|(c, _)| c.child_id.clone()).collect();
    let facts = tx.child_facts(&codes).await.unwrap();
    assert_eq!(facts.len(), 5, "child 5 was never given");
    for (c, unit) in &rows[..5] {
        let f = facts.iter().find(|f| f.child_id == c.child_id).unwrap();
        assert_eq!(
            (f.sex.as_str(), f.date_of_birth, f.unit_id),
            (c.sex.code(), c.date_of_birth, *unit)
        );
    }
    let id = |i: usize| facts.iter().find(|f| f.child_id == codes[i]).unwrap().id;
    let stored = tx
        .upsert_facts(MEASUREMENTS, &[measurement(id(0), 11.5)])
        .await
        .unwrap();
    assert_eq!((stored.written, stored.unchanged), (1, 0));
    tx.commit(ev("dataset.import")).await.unwrap();
    let child1 = store.child(id(1)).await.unwrap().unwrap();
    assert!(child1.full_name.ends_with(" Mới"), "{}", child1.full_name);
    assert_eq!(child1.version, 2);
    for i in [0, 3, 4] {
        assert_eq!(store.child(id(i)).await.unwrap().unwrap().version, 1);
    }
    let m = &store.measurements(id(0)).await.unwrap()[0];
    assert_eq!(
        (
            m.measured.weight_kg,
            m.measured.height_cm,
            m.measured.position.as_deref(),
            m.measured.oedema
        ),
        (Some(11.5), Some(87.25), Some("lying"), false)
    );
    assert_eq!(
        (
            m.z.age_days,
            m.z.clen_cm,
            m.z.c9mo_flag,
            m.z.waz,
            m.z.f_waz,
            m.z.haz,
            m.z.f_haz
        ),
        (1000, None, true, Some(-2.125), Some(false), None, None)
    );
    assert_eq!(
        (m.z.whz, m.z.baz, m.z.hcz, m.z.f_hcz),
        (Some(0.5), Some(-1.0), None, None)
    );
    assert_eq!(
        (m.z.nutrition.as_str(), m.z.method.as_str()),
        ("underweight", "who2006")
    );

    // The same row again is unchanged; a new weight is written once.
    let mut tx = store.begin_import().await.unwrap();
    let again = tx
        .upsert_facts(MEASUREMENTS, &[measurement(id(0), 11.5)])
        .await
        .unwrap();
    assert_eq!((again.written, again.unchanged), (0, 1));
    let changed = tx
        .upsert_facts(MEASUREMENTS, &[measurement(id(0), 11.75)])
        .await
        .unwrap();
    assert_eq!((changed.written, changed.unchanged), (1, 0));
    tx.commit(ev("dataset.import")).await.unwrap();
    let m = &store.measurements(id(0)).await.unwrap()[0];
    assert_eq!(m.measured.weight_kg, Some(11.75));
}

#[tokio::test]
async fn sqlite_batches_count_and_keep_every_value() {
    let db = treem_store::testing::sqlite().await.unwrap();
    counted_batches(db.store.clone()).await;
}

#[tokio::test]
async fn postgres_batches_count_and_keep_every_value() {
    let test = "batches_count_and_keep_every_value";
    if let Some(db) = treem_store::testing::postgres(test).await.unwrap() {
        counted_batches(db.store.clone()).await;
    }
}

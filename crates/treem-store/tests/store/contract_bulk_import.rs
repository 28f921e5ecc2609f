//! An import into a small registry is a bulk load: it sets aside secondary
//! indexes, per-row triggers and (PostgreSQL) foreign keys, and puts them
//! back in its own transaction. After it the database is as the migrations
//! made it, the figure marks and the search epoch have moved as the triggers
//! would have moved them, a rolled-back import leaves nothing changed, and a
//! row naming no stored child is still refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::HashMap;
use std::sync::Arc;

use common::*;
use treem_domain::child::Child;
use treem_domain::demo;
use treem_domain::units::UnitHistory;
use treem_store::testing::schema_objects;
use treem_store::{NewChild, PARTICIPATION, Scope, Store, Value};

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

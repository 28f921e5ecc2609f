//! PostgreSQL keeps each measurement, enrolment and participation row under
//! its child's unit (migration 0042), whatever writes it: an import, a form,
//! a move of the child to another commune, a merge and its undoing. The
//! figures read those rows by unit, so a row left under another unit would
//! be a record missing from a commune's figures.

use std::sync::Arc;

use chrono::NaiveDate;
use sqlx::PgPool;
use treem_store::{ENROLMENTS, MeasuredRow, PARTICIPATION, SCHOOLS, Store, Value, ZRecord};

use crate::common::*;

/// Rows whose unit is not their child's, and rows in all.
async fn astray(pool: &PgPool) -> (i64, i64) {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE t.unit_id <> c.unit_id), count(*)
         FROM (SELECT child_id, unit_id FROM measurements
               UNION ALL SELECT child_id, unit_id FROM enrolments
               UNION ALL SELECT child_id, unit_id FROM participation) t
         JOIN children c ON c.id = t.child_id",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn versions_kept(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM record_history WHERE table_name IN ('enrolments', 'participation')",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn facts(store: &Arc<dyn Store>, ids: &[i64], unit: i64) {
    let day = |m| Some(NaiveDate::from_ymd_opt(2025, m, 1).unwrap());
    let text = |t: &str| Value::Text(Some(t.into()));
    let measured: Vec<_> = ids
        .iter()
        .map(|&id| {
            let row = MeasuredRow {
                measured_on: day(6).unwrap(),
                weight_kg: Some(12.0),
                height_cm: Some(88.0),
                position: Some("standing".into()),
                oedema: false,
                head_cm: None,
            };
            (
                id,
                row,
                ZRecord {
                    age_days: 1000,
                    ..Default::default()
                },
            )
        })
        .collect();
    store
        .insert_measurements(&measured, ev("measurements_added"))
        .await
        .unwrap();
    let school = vec![
        text("MN9"),
        Value::Int(Some(2024)),
        text("Trường Mầm non Thử"),
        text("preschool"),
        Value::Int(Some(unit)),
        Value::Bool(Some(true)),
        Value::Bool(Some(false)),
    ];
    let enrolments: Vec<_> = ids
        .iter()
        .map(|&id| {
            let year = if id % 2 == 0 {
                "2024-2025"
            } else {
                "2023-2024"
            };
            vec![
                Value::Int(Some(id)),
                text(year),
                text("preschool"),
                text("MN9"),
                Value::Int(None),
                text("enrolled"),
            ]
        })
        .collect();
    let participation: Vec<_> = ids
        .iter()
        .map(|&id| {
            vec![
                Value::Int(Some(id)),
                Value::Date(day(3)),
                text("club"),
                text(""),
            ]
        })
        .collect();
    let mut tx = store.begin_import().await.unwrap();
    tx.upsert_facts(SCHOOLS, &[school]).await.unwrap();
    tx.upsert_facts(ENROLMENTS, &enrolments).await.unwrap();
    tx.upsert_facts(PARTICIPATION, &participation)
        .await
        .unwrap();
    tx.commit(ev("dataset.import")).await.unwrap();
}

#[tokio::test]
async fn a_childs_rows_carry_her_unit_whatever_writes_them() {
    let Some(db) =
        treem_store::testing::postgres("a_childs_rows_carry_her_unit_whatever_writes_them")
            .await
            .unwrap()
    else {
        return;
    };
    let store = db.store.clone();
    let pool = PgPool::connect(&db.url).await.unwrap();
    let (rows, ids) = demo_children(&store, 6, 11).await;
    facts(&store, &ids, rows[0].1).await;
    assert_eq!(astray(&pool).await, (0, 18));
    let kept = versions_kept(&pool).await;

    // Moved to another commune: her rows go with her, as the same records.
    let elsewhere = store
        .units()
        .await
        .unwrap()
        .iter()
        .find(|s| s.unit.level == treem_domain::units::Level::Commune && s.id != rows[0].1)
        .unwrap()
        .id;
    let fields = vec!["unit_id".to_string()];
    store
        .update_child(
            ids[0],
            1,
            &rows[0].0,
            elsewhere,
            &fields,
            ev("child_updated"),
        )
        .await
        .unwrap();
    let under: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM participation WHERE child_id = $1 AND unit_id = $2",
    )
    .bind(ids[0])
    .bind(elsewhere)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(under, 1);
    assert_eq!(astray(&pool).await, (0, 18));
    assert_eq!(versions_kept(&pool).await, kept);

    // Merged (her other school year and her measurement move to the
    // survivor), then the merge undone.
    let merge = store
        .merge_children(ids[0], ids[1], ev("children_merged"))
        .await
        .unwrap();
    assert_eq!(astray(&pool).await, (0, 18));
    store.unmerge(merge, ev("children_unmerged")).await.unwrap();
    assert_eq!(astray(&pool).await, (0, 18));

    // A unit set by hand is put back; a row of no child is refused.
    sqlx::query("UPDATE participation SET unit_id = $1 WHERE child_id = $2")
        .bind(elsewhere)
        .bind(ids[2])
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(astray(&pool).await, (0, 18));
    let refused = sqlx::query(
        "INSERT INTO participation (child_id, date, kind) VALUES (-1, '2025-01-01', 'club')",
    )
    .execute(&pool)
    .await
    .unwrap_err();
    let code = refused
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.to_string());
    assert_eq!(code.as_deref(), Some("23503"), "{refused}");
}

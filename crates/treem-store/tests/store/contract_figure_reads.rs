//! What a batch of communes' figures read (`indicator_rows_within`) at the
//! storage seam on SQLite and PostgreSQL: the records of the children
//! living under the units read, and no one else's — whether a unit's
//! children have consecutive ids (read in runs on PostgreSQL: each run from
//! its first id to its last, the rows of the ids between dropped) or
//! scattered ones (read id by id).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;
use common::*;
use treem_domain::child::Child;
use treem_domain::demo;
use treem_domain::units::UnitHistory;
use treem_store::{ENROLMENTS, MeasuredRow, SCHOOLS, Store, Value, ZRecord};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// 120 children born in 2022, each measured in 2025: in unit `a` where
/// `in_a` says so (by position, the ids following it), else in `b`.
/// Returns the stored ids of `a`'s and of `b`'s children.
async fn children_in(
    store: &Arc<dyn Store>,
    a: i64,
    b: i64,
    in_a: impl Fn(usize) -> bool,
) -> (BTreeSet<i64>, BTreeSet<i64>) {
    let (rows, ids) = measured_children(store, a, b, in_a).await;
    let of = |unit: i64| {
        ids.iter()
            .zip(&rows)
            .filter(|(_, (_, u))| *u == unit)
            .map(|(id, _)| *id)
            .collect()
    };
    (of(a), of(b))
}

/// The children of [`children_in`], stored and measured: each record with
/// its unit, and the stored ids in the same order.
async fn measured_children(
    store: &Arc<dyn Store>,
    a: i64,
    b: i64,
    in_a: impl Fn(usize) -> bool,
) -> (Vec<(Child, i64)>, Vec<i64>) {
    let stored = store.units().await.unwrap();
    let history = UnitHistory::new(stored.iter().map(|s| s.unit.clone()).collect());
    let rows: Vec<_> = demo::generate(&history, 120, 5)
        .children
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut child = c.child;
            child.date_of_birth = day(2022, 3, 1);
            (child, if in_a(i) { a } else { b })
        })
        .collect();
    let ids = store
        .insert_children(&rows, ev("demo_loaded"))
        .await
        .unwrap();
    let measured: Vec<_> = ids
        .iter()
        .map(|&id| {
            let row = MeasuredRow {
                measured_on: day(2025, 6, 1),
                weight_kg: Some(12.0),
                height_cm: Some(88.0),
                position: Some("standing".into()),
                oedema: false,
                head_cm: None,
            };
            let z = ZRecord {
                age_days: 1188,
                waz: Some(-0.5),
                f_waz: Some(false),
                haz: Some(-0.5),
                f_haz: Some(false),
                ..Default::default()
            };
            (id, row, z)
        })
        .collect();
    store
        .insert_measurements(&measured, ev("measurements_added"))
        .await
        .unwrap();
    (rows, ids)
}

/// The children and the measured children the read of `unit` brings.
async fn read(store: &Arc<dyn Store>, unit: i64) -> (BTreeSet<i64>, BTreeSet<i64>) {
    let rows = store
        .indicator_rows_within(&[unit], day(2025, 1, 1), day(2025, 12, 31), "2024-2025")
        .await
        .unwrap();
    (
        rows.children.iter().map(|c| c.id).collect(),
        rows.measurements.iter().map(|m| m.child_id).collect(),
    )
}

async fn communes(store: &Arc<dyn Store>) -> Vec<i64> {
    load_units(store).await;
    let communes: Vec<i64> = store
        .units()
        .await
        .unwrap()
        .iter()
        .filter(|s| s.unit.level == treem_domain::units::Level::Commune)
        .map(|s| s.id)
        .collect();
    communes
}

/// Unit `a`'s children in runs (two of every three ids), with `b`'s
/// between them: PostgreSQL reads `a`'s rows in runs, which pass over
/// `b`'s children, whose rows must not come back.
async fn runs_bring_no_other_units_rows(store: Arc<dyn Store>) {
    let (a, b) = (communes(&store).await[0], communes(&store).await[1]);
    let (of_a, of_b) = children_in(&store, a, b, |i| i % 3 != 2).await;
    assert_eq!(read(&store, a).await, (of_a.clone(), of_a));
    assert_eq!(read(&store, b).await, (of_b.clone(), of_b));
}

/// Unit `a`'s children scattered (one id in ten): read id by id.
async fn scattered_ids_read_one_by_one(store: Arc<dyn Store>) {
    let (a, b) = (communes(&store).await[0], communes(&store).await[1]);
    let (of_a, of_b) = children_in(&store, a, b, |i| i % 10 == 0).await;
    assert_eq!(of_a.len(), 12);
    assert_eq!(read(&store, a).await, (of_a.clone(), of_a));
    assert_eq!(read(&store, b).await, (of_b.clone(), of_b));
}

/// A school's grade 5 pupils count under the school wherever they live:
/// a pupil living elsewhere comes with her record, and a pupil whose
/// record was merged into another (her enrolment kept, the survivor having
/// one for that year already) comes as merged, with her survivor's record
/// even when the survivor lives in a third commune.
async fn pupils_elsewhere_and_merged_come_with_their_school(store: Arc<dyn Store>) {
    let units = communes(&store).await;
    let (a, b, c) = (units[0], units[1], units[2]);
    let stored = store.units().await.unwrap();
    let history = UnitHistory::new(stored.iter().map(|s| s.unit.clone()).collect());
    let rows: Vec<_> = demo::generate(&history, 4, 8)
        .children
        .into_iter()
        .zip([a, b, b, c])
        .map(|(k, unit)| (k.child, unit))
        .collect();
    // R lives in a, P and Q in b, S in c.
    let ids = store
        .insert_children(&rows, ev("demo_loaded"))
        .await
        .unwrap();
    let (r, p, q, s) = (ids[0], ids[1], ids[2], ids[3]);
    let text = |t: &str| Value::Text(Some(t.into()));
    let school = |code: &str, unit: i64| {
        vec![
            text(code),
            Value::Int(Some(2024)),
            text("Trường Tiểu học Thử"),
            text("primary"),
            Value::Int(Some(unit)),
            Value::Bool(Some(true)),
            Value::Bool(Some(false)),
        ]
    };
    let enrolment = |child: i64, code: &str| {
        vec![
            Value::Int(Some(child)),
            text("2024-2025"),
            text("primary"),
            text(code),
            Value::Int(Some(5)),
            text("enrolled"),
        ]
    };
    let mut tx = store.begin_import().await.unwrap();
    tx.upsert_facts(SCHOOLS, &[school("TA1", a), school("TC1", c)])
        .await
        .unwrap();
    let enrolments = [
        enrolment(p, "TA1"),
        enrolment(q, "TA1"),
        enrolment(s, "TC1"),
    ];
    tx.upsert_facts(ENROLMENTS, &enrolments).await.unwrap();
    tx.commit(ev("dataset.import")).await.unwrap();
    store
        .merge_children(s, p, ev("children_merged"))
        .await
        .unwrap();

    let read = store
        .indicator_rows_within(&[a], day(2025, 1, 1), day(2025, 12, 31), "2024-2025")
        .await
        .unwrap();
    let children: BTreeSet<i64> = read.children.iter().map(|k| k.id).collect();
    assert_eq!(children, BTreeSet::from([r, q, s]));
    assert!(read.merged.contains(&(p, s)), "{:?}", read.merged);
    let pupils: BTreeSet<(i64, &str)> = read
        .enrolments
        .iter()
        .map(|e| (e.child_id, e.school_code.as_str()))
        .collect();
    assert!(pupils.contains(&(p, "TA1")), "{pupils:?}");
    assert!(pupils.contains(&(q, "TA1")), "{pupils:?}");
}

/// A child's records go where she goes (on PostgreSQL a child's rows carry
/// her unit and are read by it: migration 0042): moved to another commune,
/// her measurements count there and no longer here; a record merged into a
/// child of another commune brings that child the measurements it kept
/// (the survivor had one that day) and those it gave her.
async fn a_childs_records_follow_her(store: Arc<dyn Store>) {
    let (a, b) = (communes(&store).await[0], communes(&store).await[1]);
    let (rows, ids) = measured_children(&store, a, b, |i| i < 3).await;
    let (k, s) = (ids[0], ids[1]);
    let of_a: BTreeSet<i64> = ids[..3].iter().copied().collect();
    let of_b: BTreeSet<i64> = ids[3..].iter().copied().collect();
    let moved = |set: &BTreeSet<i64>, add: bool| {
        let mut set = set.clone();
        if add {
            set.insert(k)
        } else {
            set.remove(&k)
        };
        set
    };
    let fields = vec!["unit_id".to_string()];
    store
        .update_child(k, 1, &rows[0].0, b, &fields, ev("child_updated"))
        .await
        .unwrap();
    let (a_now, b_now) = (moved(&of_a, false), moved(&of_b, true));
    assert_eq!(read(&store, a).await, (a_now.clone(), a_now));
    assert_eq!(read(&store, b).await, (b_now.clone(), b_now));
    store
        .update_child(k, 2, &rows[0].0, a, &fields, ev("child_updated"))
        .await
        .unwrap();
    assert_eq!(read(&store, a).await, (of_a.clone(), of_a.clone()));
    assert_eq!(read(&store, b).await, (of_b.clone(), of_b.clone()));

    // P (in b) measured on 1 June, as S (in a), and on 1 July: merged into
    // S, the July measurement moves to S, the June one stays P's and counts
    // for S through the merge.
    let p = ids[3];
    let july = MeasuredRow {
        measured_on: day(2025, 7, 1),
        weight_kg: Some(12.2),
        height_cm: Some(88.5),
        position: Some("standing".into()),
        oedema: false,
        head_cm: None,
    };
    let z = ZRecord {
        age_days: 1218,
        waz: Some(-0.4),
        f_waz: Some(false),
        ..Default::default()
    };
    store
        .insert_measurements(&[(p, july, z)], ev("measurements_added"))
        .await
        .unwrap();
    store
        .merge_children(s, p, ev("children_merged"))
        .await
        .unwrap();
    let rows = store
        .indicator_rows_within(&[a], day(2025, 1, 1), day(2025, 12, 31), "2024-2025")
        .await
        .unwrap();
    let mut measured: Vec<(i64, NaiveDate)> = rows
        .measurements
        .iter()
        .map(|m| (m.child_id, m.measured_on))
        .collect();
    measured.sort_unstable();
    let june = day(2025, 6, 1);
    let mut want: Vec<(i64, NaiveDate)> = of_a.iter().map(|&c| (c, june)).collect();
    want.extend([(s, day(2025, 7, 1)), (p, june)]);
    want.sort_unstable();
    assert_eq!(measured, want);
    let (_, measured_b) = read(&store, b).await;
    assert!(!measured_b.contains(&p), "{measured_b:?}");
}

on_both!(
    a_childs_records_follow_her,
    runs_bring_no_other_units_rows,
    scattered_ids_read_one_by_one,
    pupils_elsewhere_and_merged_come_with_their_school
);

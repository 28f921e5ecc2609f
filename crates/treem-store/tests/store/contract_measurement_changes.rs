//! The contract of correcting and withdrawing a measurement, on SQLite and
//! on PostgreSQL: the values are replaced or removed, what they were is
//! kept with the reason, another child's measurement cannot be touched, and
//! the audit chain holds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use chrono::NaiveDate;
use common::*;
use treem_store::{ChangeNote, MeasuredRow, Store, StoreError, ZRecord};

fn row(on: (i32, u32, u32), weight: f64) -> MeasuredRow {
    MeasuredRow {
        measured_on: NaiveDate::from_ymd_opt(on.0, on.1, on.2).unwrap(),
        weight_kg: Some(weight),
        height_cm: Some(80.0),
        position: Some("standing".into()),
        oedema: false,
        head_cm: None,
    }
}

fn z(nutrition: &str) -> ZRecord {
    ZRecord {
        nutrition: nutrition.into(),
        method: "test".into(),
        ..Default::default()
    }
}

fn note(reason: &str) -> ChangeNote {
    ChangeNote {
        reason: reason.into(),
        by: "xa".into(),
    }
}

async fn a_measurement_is_corrected_or_withdrawn_with_its_history(store: Arc<dyn Store>) {
    let (_, ids) = demo_children(&store, 2, 5).await;
    let (child, other) = (ids[0], ids[1]);
    let typo = row((2026, 6, 1), 95.0);
    let first = store
        .add_measurement(child, &typo, &z("stunted"), ev("measurement_added"))
        .await
        .unwrap();
    let second = store
        .add_measurement(
            child,
            &row((2026, 6, 20), 9.6),
            &z(""),
            ev("measurement_added"),
        )
        .await
        .unwrap();

    // Corrected: new values and z-scores; the old ones kept with the reason.
    let fixed = row((2026, 6, 1), 9.5);
    store
        .correct_measurement(
            child,
            first,
            &fixed,
            &z(""),
            &note("gõ nhầm 95"),
            ev("measurement_corrected"),
        )
        .await
        .unwrap();
    let now = store.measurements(child).await.unwrap();
    assert_eq!(now[0].id, first);
    assert_eq!(now[0].measured, fixed);
    assert_eq!(now[0].z, z(""));
    let changes = store.measurement_changes(child).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].measurement_id, first);
    assert_eq!(changes[0].kind, "corrected");
    assert_eq!(changes[0].reason, "gõ nhầm 95");
    assert_eq!(changes[0].changed_by, "xa");
    assert_eq!(changes[0].previous, typo);

    // Moving it onto the date of another measurement is a conflict, and
    // nothing of the attempt is kept.
    let clash = store
        .correct_measurement(
            child,
            first,
            &row((2026, 6, 20), 9.5),
            &z(""),
            &note("x"),
            ev("measurement_corrected"),
        )
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    assert_eq!(store.measurement_changes(child).await.unwrap().len(), 1);
    assert_eq!(store.measurements(child).await.unwrap()[0].measured, fixed);

    // Another child's measurement, or one that does not exist: not found.
    for (c, m) in [(other, first), (child, 999_999)] {
        let wrong = store
            .correct_measurement(
                c,
                m,
                &fixed,
                &z(""),
                &note("x"),
                ev("measurement_corrected"),
            )
            .await;
        assert!(matches!(wrong, Err(StoreError::NotFound)), "{wrong:?}");
        let wrong = store
            .withdraw_measurement(c, m, &note("x"), ev("measurement_withdrawn"))
            .await;
        assert!(matches!(wrong, Err(StoreError::NotFound)), "{wrong:?}");
    }

    // Withdrawn: gone from the measurements, kept in the history; its date
    // can be measured again.
    store
        .withdraw_measurement(
            child,
            second,
            &note("cân sai trẻ"),
            ev("measurement_withdrawn"),
        )
        .await
        .unwrap();
    let now = store.measurements(child).await.unwrap();
    assert_eq!(now.iter().map(|m| m.id).collect::<Vec<_>>(), vec![first]);
    let changes = store.measurement_changes(child).await.unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].kind, "withdrawn");
    assert_eq!(changes[0].measurement_id, second);
    assert_eq!(changes[0].previous, row((2026, 6, 20), 9.6));
    store
        .add_measurement(
            child,
            &row((2026, 6, 20), 9.7),
            &z(""),
            ev("measurement_added"),
        )
        .await
        .unwrap();
    assert!(store.measurement_changes(other).await.unwrap().is_empty());
    assert_eq!(verify_chain(&store).await.map(|n| n > 0), Ok(true));
}

on_both!(a_measurement_is_corrected_or_withdrawn_with_its_history);

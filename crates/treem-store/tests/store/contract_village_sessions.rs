//! The contract of village sessions, on SQLite and on PostgreSQL: an entry
//! is recorded once under its id with what it stores (a retry, even at the
//! same moment, stores nothing more), a write that breaks a rule records
//! nothing, a conflict is resolved once, and a session's list holds the
//! village's resident children of the ages asked, with their latest
//! measurement.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use chrono::NaiveDate;
use common::*;
use treem_store::{
    ChangeNote, MeasuredRow, NewVillageSession, ReceivedEntry, Recorded, Resolution, Scope, Store,
    StoreError, VillageWrite, ZRecord,
};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

fn weight(kg: f64) -> (MeasuredRow, ZRecord) {
    let m = MeasuredRow {
        measured_on: day(),
        weight_kg: Some(kg),
        height_cm: None,
        position: None,
        oedema: false,
        head_cm: None,
    };
    let z = ZRecord {
        age_days: 500,
        clen_cm: None,
        c9mo_flag: false,
        waz: Some(-0.5),
        f_waz: Some(false),
        haz: None,
        f_haz: None,
        whz: None,
        f_whz: None,
        baz: None,
        f_baz: None,
        hcz: None,
        f_hcz: None,
        nutrition: String::new(),
        method: "test".into(),
    };
    (m, z)
}

fn received(id: &str, session: i64, account: i64, state: &str) -> ReceivedEntry {
    ReceivedEntry {
        entry_id: id.into(),
        session_id: session,
        account_id: account,
        body: format!("{{\"id\":\"{id}\"}}"),
        state: state.into(),
        reason: (state == "conflict").then(|| "measured_differs".into()),
        child_id: None,
    }
}

async fn entries_are_recorded_once(store: Arc<dyn Store>) {
    let (rows, ids) = demo_children(&store, 200, 5).await;
    let officer = store
        .create_account(&account("thon"), ev("account_created"))
        .await
        .unwrap();
    let (child, unit) = (ids[0], rows[0].1);
    let village = rows[0].0.village.clone().unwrap();
    let session = store
        .create_village_session(
            &NewVillageSession {
                unit_id: unit,
                village: village.clone(),
                kind: "weighing".into(),
                held_on: day(),
                created_by: officer,
            },
            ev("village_session_created"),
        )
        .await
        .unwrap();
    let found = store.village_session(session).await.unwrap().unwrap();
    assert_eq!(
        (found.unit_id, found.village.as_str()),
        (unit, village.as_str())
    );
    assert_eq!(
        store
            .village_sessions(&Scope::Units(vec![unit]), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .village_sessions(&Scope::Units(vec![-1]), 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Recorded with its measurement; sent again, nothing more.
    let (m, z) = weight(10.5);
    let write = VillageWrite::Measure {
        child,
        measured: m.clone(),
        z: z.clone(),
    };
    let first = received("e-0000000000000001", session, officer, "stored");
    let before = store.measurements(child).await.unwrap().len();
    let got = store
        .record_village_entry(&first, &write, ev("village_entry_stored"))
        .await
        .unwrap();
    assert_eq!(
        got,
        Recorded::New {
            child_id: Some(child)
        }
    );
    let again = store
        .record_village_entry(&first, &write, ev("village_entry_stored"))
        .await
        .unwrap();
    assert!(
        matches!(again, Recorded::Already(e) if e.state == "stored" && e.child_id == Some(child))
    );
    assert_eq!(store.measurements(child).await.unwrap().len(), before + 1);

    // Two copies at the same moment: one stores, the other finds it.
    let second = received("e-0000000000000002", session, officer, "stored");
    let write2 = VillageWrite::Attend {
        child,
        date: day(),
        kind: "club".into(),
    };
    let (a, b) = tokio::join!(
        store.record_village_entry(&second, &write2, ev("village_entry_stored")),
        store.record_village_entry(&second, &write2, ev("village_entry_stored")),
    );
    let news = [a.unwrap(), b.unwrap()]
        .iter()
        .filter(|r| matches!(r, Recorded::New { .. }))
        .count();
    assert_eq!(news, 1);
    assert_eq!(store.participation_of(child).await.unwrap().len(), 1);

    // A second measurement that day breaks the rule: nothing is recorded.
    let third = received("e-0000000000000003", session, officer, "stored");
    let clash = VillageWrite::Measure {
        child,
        measured: weight(11.0).0,
        z: z.clone(),
    };
    let err = store
        .record_village_entry(&third, &clash, ev("village_entry_stored"))
        .await;
    assert!(matches!(err, Err(StoreError::Conflict(_))), "{err:?}");
    assert_eq!(
        store.village_entry("e-0000000000000003").await.unwrap(),
        None
    );
    // Kept as a conflict instead, then resolved once with the phone's value.
    let mut conflict = received("e-0000000000000003", session, officer, "conflict");
    conflict.child_id = Some(child);
    store
        .record_village_entry(
            &conflict,
            &VillageWrite::Nothing,
            ev("village_entry_conflict"),
        )
        .await
        .unwrap();
    let stored_id = store
        .measurements(child)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.measured.measured_on == day())
        .unwrap()
        .id;
    let resolution = Resolution {
        entry_id: "e-0000000000000003".into(),
        state: "resolved".into(),
        resolved_by: officer,
        resolution: "replace".into(),
    };
    let replace = VillageWrite::Replace {
        child,
        id: stored_id,
        measured: weight(11.0).0,
        z,
        note: ChangeNote {
            reason: "buổi tại thôn".into(),
            by: "thon".into(),
        },
    };
    store
        .resolve_village_entry(&resolution, &replace, ev("village_entry_resolved"))
        .await
        .unwrap();
    let again = store
        .resolve_village_entry(&resolution, &replace, ev("village_entry_resolved"))
        .await;
    assert!(matches!(again, Err(StoreError::Stale(_))));
    let now = store.measurements(child).await.unwrap();
    assert_eq!(now.len(), before + 1);
    assert_eq!(
        now.iter()
            .find(|x| x.id == stored_id)
            .unwrap()
            .measured
            .weight_kg,
        Some(11.0)
    );
    assert_eq!(store.measurement_changes(child).await.unwrap().len(), 1);
    let entries = store.village_entries(session).await.unwrap();
    let states: Vec<&str> = entries.iter().map(|e| e.state.as_str()).collect();
    assert_eq!(states.len(), 3);
    assert!(states.contains(&"resolved"));
    verify_chain(&store).await.unwrap();

    // The list: resident children of the village born in the range.
    let born = rows[0].0.date_of_birth;
    let listed = store
        .village_children(
            &Scope::Units(vec![unit]),
            &village,
            born.pred_opt().unwrap(),
            born,
        )
        .await
        .unwrap();
    assert!(listed.iter().any(|c| c.id == child));
    assert!(listed.iter().all(|c| c.date_of_birth == born));
    let mine = listed.iter().find(|c| c.id == child).unwrap();
    assert_eq!(
        (mine.measured_on, mine.weight_kg),
        (Some(day()), Some(11.0))
    );
    let elsewhere = store
        .village_children(
            &Scope::Units(vec![unit]),
            "Thôn Không Có",
            born.pred_opt().unwrap(),
            born,
        )
        .await
        .unwrap();
    assert!(elsewhere.is_empty());
}

on_both!(entries_are_recorded_once);

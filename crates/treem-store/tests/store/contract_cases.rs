//! The contract of child-protection cases at the storage seam, on SQLite
//! and on PostgreSQL: numbering, the step guard, the exchange row the
//! indicator reads, standings and holidays.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use common::*;
use treem_store::{
    CaseFilter, ExportFile, NewCase, NewGrant, NewStep, Scope, Store, StoreError, Value,
};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// Two children and an officer; returns (officer id, [(child id, unit id)]).
async fn setup(store: &Arc<dyn Store>) -> (i64, Vec<(i64, i64)>) {
    let (rows, ids) = demo_children(store, 2, 5).await;
    let officer = store
        .create_account(&account("lap"), ev("a"))
        .await
        .unwrap();
    (
        officer,
        ids.into_iter().zip(rows.iter().map(|r| r.1)).collect(),
    )
}

fn new_case(officer: i64, child: (i64, i64), commune: &str, received: &str) -> NewCase {
    let received_at = at(received);
    NewCase {
        unit_id: child.1,
        commune_code: commune.into(),
        year: 2026,
        child_id: child.0,
        source: "hotline_111".into(),
        received_at,
        harm_types: "neglect,violence".into(),
        relation: Some("parent".into()),
        risk_level: Some("high".into()),
        seal_id: format!("{commune}-{received}"),
        summary: vec![1, 2, 3],
        abuser: Some(vec![4, 5]),
        details: Some(vec![6]),
        created_by: officer,
        created_by_name: "lap".into(),
        notes: vec![9],
        reported_on: treem_domain::clock::vn_date(received_at),
    }
}

fn step(name: &str, at_: &str, author: i64) -> NewStep {
    NewStep {
        step: name.into(),
        at: at(at_),
        author_id: author,
        notes: vec![7, 7],
        risk_level: None,
        // A drafted plan carries its form's sealed fields; other steps none.
        form: (name == "plan_drafted").then(|| vec![4, 4, 4]),
        emergency: name == "emergency_measures",
        plan: name == "plan_drafted",
        closed: name == "closed",
        intervention_on: (name == "emergency_measures" || name == "implementation")
            .then(|| treem_domain::clock::vn_date(at(at_))),
    }
}

async fn exchange_row(store: &Arc<dyn Store>, case_number: &str) -> Vec<Value> {
    let rows = store.export_page(ExportFile::Cases, 0, 100).await.unwrap();
    rows.into_iter()
        .map(|(_, r)| r)
        .find(|r| r.first() == Some(&Value::Text(Some(case_number.into()))))
        .unwrap()
}

async fn cases_are_numbered_and_stepped(store: Arc<dyn Store>) {
    let (officer, kids) = setup(&store).await;
    let (a, n1) = store
        .create_case(
            &new_case(officer, kids[0], "03208", "2026-03-02T08:15:00+07:00"),
            ev("case_created"),
        )
        .await
        .unwrap();
    let (_, n2) = store
        .create_case(
            &new_case(officer, kids[1], "03208", "2026-03-03T23:30:00+07:00"),
            ev("case_created"),
        )
        .await
        .unwrap();
    let (_, n3) = store
        .create_case(
            &new_case(officer, kids[1], "03211", "2026-03-04T10:00:00+07:00"),
            ev("case_created"),
        )
        .await
        .unwrap();
    assert_eq!(
        (n1.as_str(), n2.as_str(), n3.as_str()),
        ("03208-2026-0001", "03208-2026-0002", "03211-2026-0001")
    );
    let f = store.case_file(a).await.unwrap().unwrap();
    assert_eq!(
        (f.step.as_str(), f.summary.clone(), f.abuser.clone()),
        ("received", vec![1, 2, 3], Some(vec![4, 5]))
    );
    assert_eq!(f.details, Some(vec![6]), "form 01's fields, as sealed");
    assert_eq!(f.harm_types, "neglect,violence");
    assert_eq!(f.received_at, at("2026-03-02T01:15:00Z"));
    // The exchange row: the first harm type, the Vietnamese day of the report.
    let row = exchange_row(&store, &n2).await;
    assert!(
        row.contains(&Value::Date(NaiveDate::from_ymd_opt(2026, 3, 3))),
        "{row:?}"
    );
    // Steps: the guard refuses a step from a state the case has left.
    store
        .add_case_step(
            a,
            "received",
            &step("emergency_measures", "2026-03-02T15:00:00+07:00", officer),
            ev("s"),
        )
        .await
        .unwrap();
    let late = store
        .add_case_step(
            a,
            "received",
            &step("initial_assessment", "2026-03-02T16:00:00+07:00", officer),
            ev("s"),
        )
        .await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
    store
        .add_case_step(
            a,
            "emergency_measures",
            &step("detailed_assessment", "2026-03-03T09:00:00+07:00", officer),
            ev("s"),
        )
        .await
        .unwrap();
    store
        .add_case_step(
            a,
            "detailed_assessment",
            &step("plan_drafted", "2026-03-04T09:00:00+07:00", officer),
            ev("s"),
        )
        .await
        .unwrap();
    let f = store.case_file(a).await.unwrap().unwrap();
    assert_eq!(f.emergency_at, Some(at("2026-03-02T15:00:00+07:00")));
    assert_eq!(f.plan_at, Some(at("2026-03-04T09:00:00+07:00")));
    // The case knows when it took the step it stands at.
    assert_eq!(f.step_at, Some(at("2026-03-04T09:00:00+07:00")));
    let steps = store.case_steps(a).await.unwrap();
    assert_eq!(
        steps.iter().map(|s| s.step.as_str()).collect::<Vec<_>>(),
        [
            "received",
            "emergency_measures",
            "detailed_assessment",
            "plan_drafted"
        ]
    );
    assert_eq!(steps[0].author, "lap");
    // The form's sealed fields come back as stored, and only on their step.
    assert_eq!(
        steps.iter().map(|s| s.form.clone()).collect::<Vec<_>>(),
        [None, None, None, Some(vec![4, 4, 4])]
    );
    // The exchange row carries the first intervention.
    let row = exchange_row(&store, &n1).await;
    assert!(
        row.contains(&Value::Date(NaiveDate::from_ymd_opt(2026, 3, 2))),
        "{row:?}"
    );
    for s in ["plan_approved", "implementation", "review", "closed"] {
        let from = store.case_file(a).await.unwrap().unwrap().step;
        store
            .add_case_step(
                a,
                &from,
                &step(s, "2026-03-20T09:00:00+07:00", officer),
                ev("s"),
            )
            .await
            .unwrap();
    }
    let f = store.case_file(a).await.unwrap().unwrap();
    assert_eq!(
        (f.step.as_str(), f.closed_at),
        ("closed", Some(at("2026-03-20T09:00:00+07:00")))
    );
    // Lists: by scope and by standing.
    let all = store
        .case_summaries(&CaseFilter::Scope(Scope::All))
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let one = store
        .case_summaries(&CaseFilter::Scope(Scope::Units(vec![kids[0].1])))
        .await
        .unwrap();
    assert!(one.iter().all(|c| c.unit_id == kids[0].1) && !one.is_empty());
    assert!(
        store
            .case_summaries(&CaseFilter::Scope(Scope::Units(vec![])))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .case_summaries(&CaseFilter::Account(officer))
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(verify_chain(&store).await.map(|n| n > 0), Ok(true));
}

async fn standings_and_holidays(store: Arc<dyn Store>) {
    let (officer, kids) = setup(&store).await;
    let chair = store
        .create_account(&account("chair"), ev("a"))
        .await
        .unwrap();
    let other = store
        .create_account(&account("other"), ev("a"))
        .await
        .unwrap();
    let (id, _) = store
        .create_case(
            &new_case(officer, kids[0], "03208", "2026-03-02T08:15:00+07:00"),
            ev("c"),
        )
        .await
        .unwrap();
    let grant = |account_id, kind: &str| NewGrant {
        account_id,
        kind: kind.into(),
        until: None,
        reason: None,
        granted_by: "lap".into(),
    };
    store
        .grant_case(id, &grant(other, "approver"), ev("g"))
        .await
        .unwrap();
    store
        .grant_case(id, &grant(chair, "approver"), ev("g"))
        .await
        .unwrap();
    let mut glass = grant(other, "break_glass");
    glass.until = Some(Utc::now() - chrono::Duration::hours(1));
    glass.reason = Some(vec![8; 40]);
    store.grant_case(id, &glass, ev("g")).await.unwrap();
    let grants = store.case_grants(id).await.unwrap();
    let kinds: Vec<(&str, &str)> = grants
        .iter()
        .map(|g| (g.username.as_str(), g.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("lap", "assigned"),
            ("chair", "approver"),
            ("other", "break_glass")
        ]
    );
    // An ended break-glass access no longer lists the case.
    assert!(
        store
            .case_summaries(&CaseFilter::Account(other))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .case_summaries(&CaseFilter::Account(chair))
            .await
            .unwrap()
            .len(),
        1
    );
    let recent = store
        .break_glass_grants(Utc::now() - chrono::Duration::days(1))
        .await
        .unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].reason, Some(vec![8; 40]));
    // Holidays: seeded fixed dates, then edited.
    let days = store.holidays().await.unwrap();
    let d = |m, dd| NaiveDate::from_ymd_opt(2026, m, dd).unwrap();
    for fixed in [d(1, 1), d(4, 30), d(5, 1), d(9, 2)] {
        assert!(days.iter().any(|(x, _)| *x == fixed), "{fixed}");
    }
    store
        .set_holiday(d(2, 17), Some("Tết Nguyên đán"), ev("h"))
        .await
        .unwrap();
    store
        .set_holiday(d(2, 17), Some("Mùng 1 Tết"), ev("h"))
        .await
        .unwrap();
    store.set_holiday(d(9, 2), None, ev("h")).await.unwrap();
    let days = store.holidays().await.unwrap();
    assert!(days.contains(&(d(2, 17), "Mùng 1 Tết".to_string())));
    assert!(!days.iter().any(|(x, _)| *x == d(9, 2)));
    assert_eq!(verify_chain(&store).await.map(|n| n > 0), Ok(true));
}

/// A hand-over moves the case once: a second one from the commune it left
/// is a conflict; the standings of those who worked it end, the receiver
/// is assigned, the trail keeps both.
async fn a_case_is_handed_over_once(store: Arc<dyn Store>) {
    let (officer, kids) = setup(&store).await;
    let receiver = store
        .create_account(&account("nhan"), ev("a"))
        .await
        .unwrap();
    let (id, _) = store
        .create_case(
            &new_case(officer, kids[0], "03208", "2026-03-02T08:15:00+07:00"),
            ev("c"),
        )
        .await
        .unwrap();
    let from = kids[0].1;
    let to = kids[1].1;
    assert_ne!(from, to, "the demo children live in two communes");
    let h = treem_store::NewHandover {
        from_unit_id: from,
        to_unit_id: to,
        by_account_id: officer,
        by_username: "lap".into(),
        to_account_id: receiver,
        at: at("2026-03-03T09:00:00+07:00"),
        reason: vec![8, 8],
    };
    store.hand_over_case(id, &h, ev("h")).await.unwrap();
    let again = store.hand_over_case(id, &h, ev("h")).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let f = store.case_file(id).await.unwrap().unwrap();
    assert_eq!(f.unit_id, to);
    assert!(f.case_number.starts_with("03208-"), "the number stays");
    let grants = store.case_grants(id).await.unwrap();
    let of = |account| grants.iter().find(|g| g.account_id == account).unwrap();
    assert_eq!(of(officer).until, Some(h.at), "the giver's standing ends");
    assert_eq!(
        (of(receiver).kind.as_str(), of(receiver).until),
        ("assigned", None)
    );
    let trail = store.case_handovers(id).await.unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(
        (
            trail[0].from_unit_id,
            trail[0].to_unit_id,
            trail[0].by_username.as_str(),
            trail[0].to_username.as_str()
        ),
        (from, to, "lap", "nhan")
    );
    assert_eq!(trail[0].reason, vec![8, 8]);
}

on_both!(
    cases_are_numbered_and_stepped,
    standings_and_holidays,
    a_case_is_handed_over_once
);

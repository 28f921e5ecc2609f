//! The contract of plans, on SQLite and on PostgreSQL: a plan is loaded
//! once with its tasks, programmes and agencies; its tasks come back in
//! group and code order (N2 before N10) with the assignment in force;
//! every assignment and every progress report is kept, the latest in force.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use chrono::NaiveDate;
use common::*;
use treem_store::{
    AccountChange, NewAccount, NewPlan, NewProgress, NewTask, PlanDocument, PlanSeed, Store,
};

fn task(code: &str, group: i32, lead: Option<&str>, partners: &str) -> NewTask {
    NewTask {
        code: code.into(),
        group_no: group,
        section: format!("III.{group}"),
        title: format!("Nhiệm vụ {code}"),
        cadence: if code == "N1" { "once" } else { "6-monthly" }.into(),
        due: (code == "N1").then(|| NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()),
        programme: (code == "N10").then(|| "CT2".into()),
        indicators: if code == "N2" {
            "underweight_u5;stunting_u5"
        } else {
            ""
        }
        .into(),
        lead: lead.map(String::from),
        partners: partners.into(),
    }
}

fn seed_for(unit: i64) -> PlanSeed {
    PlanSeed {
        plan: NewPlan {
            unit_id: unit,
            title: "Kế hoạch thực hiện Chỉ thị 28-CT/TW".into(),
            number: None,
            issued_by: "Ban Thường vụ Huyện ủy".into(),
            period_from: 2024,
            period_to: 2030,
            derived_from: None,
            issued_on: None,
            basis: String::new(),
        },
        tasks: vec![
            task("N10", 1, None, ""),
            task("N2", 1, Some("UBND"), "MTTQ;DT"),
            task("N1", 1, Some("BTG"), "MTTQ"),
            task("N3", 2, Some("UBND"), ""),
        ],
        programmes: vec![(
            "CT2".into(),
            "Phòng, chống tai nạn thương tích".into(),
            "2021-2030".into(),
        )],
        agencies: vec![
            ("UBND".into(), "Ủy ban nhân dân".into()),
            ("MTTQ".into(), "Mặt trận".into()),
        ],
    }
}

async fn a_plan_is_loaded_once(store: Arc<dyn Store>) {
    load_units(&store).await;
    let unit = store.units().await.unwrap()[0].id;
    let seed = seed_for(unit);
    let id = store
        .load_plan(&seed, ev("plan_loaded"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.load_plan(&seed, ev("plan_loaded")).await.unwrap(),
        None
    );
    let plans = store.plans().await.unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(
        (plans[0].id, plans[0].tasks, plans[0].period_from),
        (id, 4, 2024)
    );
    assert_eq!(
        store.plan(id).await.unwrap().unwrap().title,
        seed.plan.title
    );
    assert_eq!(store.plan(id + 1).await.unwrap(), None);
    let tasks = store.plan_tasks(id).await.unwrap();
    let codes: Vec<&str> = tasks.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(codes, ["N1", "N2", "N10", "N3"]);
    assert_eq!(tasks[1].lead.as_deref(), Some("UBND"));
    assert_eq!(tasks[1].partners, "MTTQ;DT");
    assert_eq!(tasks[1].indicators, "underweight_u5;stunting_u5");
    assert_eq!(tasks[2].lead, None);
    assert_eq!(tasks[2].programme.as_deref(), Some("CT2"));
    assert_eq!(tasks[0].due, NaiveDate::from_ymd_opt(2024, 12, 31));
    let agencies = store.agencies(unit).await.unwrap();
    assert_eq!(
        agencies.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(),
        ["MTTQ", "UBND"]
    );
    assert_eq!(store.programmes().await.unwrap().len(), 1);
    verify_chain(&store).await.unwrap();
}

fn report(task: i64, agency: i64, period: &str, status: &str, summary: &str) -> NewProgress {
    NewProgress {
        task_id: task,
        agency_id: agency,
        period: period.into(),
        status: status.into(),
        summary: summary.into(),
        sessions: Some(4),
        people_reached: None,
        budget_spent: Some(12_500_000),
        problems: String::new(),
        proposals: "Bổ sung kinh phí".into(),
    }
}

async fn assignments_and_reports_keep_their_history(store: Arc<dyn Store>) {
    load_units(&store).await;
    let unit = store.units().await.unwrap()[0].id;
    let plan = store
        .load_plan(&seed_for(unit), ev("plan_loaded"))
        .await
        .unwrap()
        .unwrap();
    let tasks = store.plan_tasks(plan).await.unwrap();
    let n10 = tasks.iter().find(|t| t.code == "N10").unwrap().id;
    // Assigned twice: the latest is in force, both are kept in order.
    store
        .assign_task(n10, Some("UBND"), "MTTQ", ev("task_assigned"))
        .await
        .unwrap();
    store
        .assign_task(n10, Some("MTTQ"), "", ev("task_assigned"))
        .await
        .unwrap();
    let task = store.task(n10).await.unwrap().unwrap();
    assert_eq!(
        (task.lead.as_deref(), task.partners.as_str()),
        (Some("MTTQ"), "")
    );
    let history = store.assignments(n10).await.unwrap();
    let leads: Vec<Option<&str>> = history.iter().map(|a| a.lead.as_deref()).collect();
    assert_eq!(leads, [None, Some("UBND"), Some("MTTQ")]);
    assert_eq!(history[1].assigned_by, "test");
    assert_eq!(store.task(999_999).await.unwrap(), None);

    let agencies = store.agencies(unit).await.unwrap();
    let mttq = agencies.iter().find(|a| a.code == "MTTQ").unwrap().id;
    let ubnd = agencies.iter().find(|a| a.code == "UBND").unwrap().id;
    let first = store
        .file_progress(
            &report(n10, mttq, "2025", "under_way", "lần 1"),
            ev("progress_filed"),
        )
        .await
        .unwrap();
    let second = store
        .file_progress(
            &report(n10, mttq, "2025", "done", "lần 2"),
            ev("progress_filed"),
        )
        .await
        .unwrap();
    assert!(second > first);
    store
        .file_progress(
            &report(n10, ubnd, "2025h1", "under_way", "ủy ban"),
            ev("progress_filed"),
        )
        .await
        .unwrap();
    let loaded = store
        .load_progress(
            &[report(n10, mttq, "2026h1", "under_way", "nạp")],
            ev("progress_loaded"),
        )
        .await
        .unwrap();
    assert_eq!(loaded, 1);
    // Every filing kept, the first half of a year before the year.
    let all = store.task_reports(n10).await.unwrap();
    let seen: Vec<(&str, &str, &str)> = all
        .iter()
        .map(|r| {
            (
                r.period.as_str(),
                r.agency_code.as_str(),
                r.summary.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("2025h1", "UBND", "ủy ban"),
            ("2025", "MTTQ", "lần 1"),
            ("2025", "MTTQ", "lần 2"),
            ("2026h1", "MTTQ", "nạp"),
        ]
    );
    assert_eq!(all[1].budget_spent, Some(12_500_000));
    assert_eq!(all[1].written_by, "test");
    // In force: the latest per task, agency and period.
    let in_force = store.plan_reports(plan).await.unwrap();
    let summaries: Vec<&str> = in_force.iter().map(|r| r.summary.as_str()).collect();
    assert_eq!(in_force.len(), 3);
    assert!(summaries.contains(&"lần 2") && !summaries.contains(&"lần 1"));
    verify_chain(&store).await.unwrap();
}

async fn an_account_may_work_for_an_agency(store: Arc<dyn Store>) {
    load_units(&store).await;
    let new = NewAccount {
        username: "phunu".into(),
        display_name: "Hội Phụ nữ".into(),
        role: treem_domain::access::Role::Viewer,
        scope_code: "03460".into(),
        password_hash: "x".into(),
        must_change_password: false,
        commune_chair: false,
    };
    let id = store
        .create_account(&new, ev("account_created"))
        .await
        .unwrap();
    assert_eq!(store.account(id).await.unwrap().unwrap().agency_code, None);
    store
        .change_account(
            id,
            AccountChange::Agency(Some("DT".into())),
            ev("account_agency"),
        )
        .await
        .unwrap();
    let a = store.account(id).await.unwrap().unwrap();
    assert_eq!(a.agency_code.as_deref(), Some("DT"));
    store
        .change_account(id, AccountChange::Agency(None), ev("account_agency"))
        .await
        .unwrap();
    assert_eq!(store.account(id).await.unwrap().unwrap().agency_code, None);
}

async fn supervisions_keep_their_recommendations(store: Arc<dyn Store>) {
    load_units(&store).await;
    let unit = store.units().await.unwrap()[0].id;
    let plan = store
        .load_plan(&seed_for(unit), ev("plan_loaded"))
        .await
        .unwrap()
        .unwrap();
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 10, d).unwrap();
    let new = treem_store::NewSupervision {
        plan_id: plan,
        kind: "council".into(),
        body: "Thường trực HĐND".into(),
        held_on: day(1),
        visited: "Trạm Y tế".into(),
        findings: "Tốt".into(),
    };
    let recs = vec![
        ("Sách".to_string(), "UBND".to_string(), day(20)),
        ("Sân chơi".to_string(), "MTTQ".to_string(), day(10)),
    ];
    let id = store
        .record_supervision(&new, &recs, ev("supervision_recorded"))
        .await
        .unwrap();
    let stored = store.supervision(id).await.unwrap().unwrap();
    assert_eq!(
        (stored.held_on, stored.recorded_by.as_str()),
        (day(1), "test")
    );
    assert_eq!(store.supervisions(plan).await.unwrap().len(), 1);
    let later = store
        .add_recommendation(id, "Tủ thuốc", "UBND", day(25), ev("recommendation_added"))
        .await
        .unwrap();
    let all = store.plan_recommendations(plan).await.unwrap();
    let texts: Vec<&str> = all.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, ["Sân chơi", "Sách", "Tủ thuốc"], "by due date");
    assert!(
        all.iter()
            .all(|r| r.plan_id == plan && r.closed_on.is_none())
    );
    // Closed once; a second closing changes nothing.
    assert!(
        store
            .close_recommendation(later, day(24), "Đã mua", ev("recommendation_closed"))
            .await
            .unwrap()
    );
    assert!(
        !store
            .close_recommendation(later, day(26), "lần hai", ev("recommendation_closed"))
            .await
            .unwrap()
    );
    let closed = store.recommendation(later).await.unwrap().unwrap();
    assert_eq!(
        (
            closed.closed_on,
            closed.closed_note.as_deref(),
            closed.closed_by.as_deref()
        ),
        (Some(day(24)), Some("Đã mua"), Some("test"))
    );
    assert_eq!(store.recommendation(later + 99).await.unwrap(), None);
    // Keys for the plan's files: the supervision's code, each
    // recommendation's number in its supervision.
    assert_eq!(stored.code, format!("GS-{id}"));
    let mut seqs: Vec<i64> = all.iter().map(|r| r.seq).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, [1, 2, 3]);
    // An imported supervision holds the code the next one would get: the
    // next one recorded here gets another.
    let mut tx = store.begin_import().await.unwrap();
    let writes = treem_store::PlanWrites {
        supervisions: vec![treem_store::SupervisionWrite {
            plan: treem_store::PlanKey {
                unit_id: unit,
                title: "Kế hoạch thực hiện Chỉ thị 28-CT/TW".into(),
            },
            code: format!("GS-{}", id + 2),
            kind: "front".into(),
            body: "MTTQ".into(),
            held_on: day(2),
            visited: String::new(),
            findings: "Nhập từ tệp".into(),
        }],
        ..Default::default()
    };
    tx.write_plans(&writes, "test").await.unwrap();
    tx.commit(ev("dataset.import")).await.unwrap();
    let next = store
        .record_supervision(&new, &[], ev("supervision_recorded"))
        .await
        .unwrap();
    assert_eq!(next, id + 2);
    let code = store.supervision(next).await.unwrap().unwrap().code;
    assert_eq!(code, format!("GS-{next}-2"));
    verify_chain(&store).await.unwrap();
}

async fn a_plan_s_document_is_written_only_when_it_changes(store: Arc<dyn Store>) {
    load_units(&store).await;
    let unit = store.units().await.unwrap()[0].id;
    let mut seed = seed_for(unit);
    seed.plan.basis = "Chỉ thị số 28-CT/TW".into();
    let id = store
        .load_plan(&seed, ev("plan_loaded"))
        .await
        .unwrap()
        .unwrap();
    let stored = store.plan(id).await.unwrap().unwrap();
    assert_eq!((stored.number, stored.issued_on), (None, None));
    assert_eq!(stored.basis, "Chỉ thị số 28-CT/TW");
    let doc = PlanDocument {
        number: Some("12-KH/HU".into()),
        issued_on: NaiveDate::from_ymd_opt(2024, 6, 5),
        basis: "Chỉ thị số 28-CT/TW\nChương trình số 48-CTr/TU".into(),
    };
    let audits = |s: Arc<dyn Store>| async move {
        s.audit_entries(&treem_store::AuditQuery {
            action: Some("plan_document_changed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .len()
    };
    assert!(
        store
            .set_plan_document(id, &doc, ev("plan_document_changed"))
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_plan_document(id, &doc, ev("plan_document_changed"))
            .await
            .unwrap()
    );
    assert_eq!(audits(store.clone()).await, 1);
    let stored = store.plan(id).await.unwrap().unwrap();
    assert_eq!(stored.number.as_deref(), Some("12-KH/HU"));
    assert_eq!(stored.issued_on, NaiveDate::from_ymd_opt(2024, 6, 5));
    assert_eq!(stored.basis, doc.basis);
    // Each part alone is a change, emptied included.
    let cleared = PlanDocument {
        number: None,
        issued_on: None,
        basis: String::new(),
    };
    assert!(
        store
            .set_plan_document(id, &cleared, ev("plan_document_changed"))
            .await
            .unwrap()
    );
    let stored = store.plan(id).await.unwrap().unwrap();
    assert_eq!(
        (stored.number, stored.issued_on, stored.basis),
        (None, None, String::new())
    );
    assert!(
        !store
            .set_plan_document(id + 99, &doc, ev("plan_document_changed"))
            .await
            .unwrap()
    );
    verify_chain(&store).await.unwrap();
}

/// The migration that gave plans their basis wrote the seed's, word for
/// word (a database made before it gets what a new one loads).
#[test]
fn the_migration_writes_the_seed_s_basis() {
    for backend in ["sqlite", "postgres"] {
        let sql = std::fs::read_to_string(format!(
            "{}/migrations/{backend}/0029_plan_document.sql",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        assert!(
            sql.contains(&format!("'{}'", treem_domain::plan::seed::BASIS)),
            "{backend}"
        );
        assert!(sql.contains(treem_domain::plan::seed::TITLE));
        assert!(sql.contains(treem_domain::plan::seed::ISSUED_BY));
    }
}

on_both!(
    a_plan_s_document_is_written_only_when_it_changes,
    a_plan_is_loaded_once,
    assignments_and_reports_keep_their_history,
    an_account_may_work_for_an_agency,
    supervisions_keep_their_recommendations
);

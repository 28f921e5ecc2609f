//! The contract of plans, on SQLite and on PostgreSQL: a plan is loaded
//! once with its tasks, programmes and agencies; its tasks come back in
//! group and code order (N2 before N10) with the assignment in force.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use chrono::NaiveDate;
use common::*;
use treem_store::{NewPlan, NewTask, PlanSeed, Store};

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

async fn a_plan_is_loaded_once(store: Arc<dyn Store>) {
    load_units(&store).await;
    let unit = store.units().await.unwrap()[0].id;
    let seed = PlanSeed {
        plan: NewPlan {
            unit_id: unit,
            title: "Kế hoạch thực hiện Chỉ thị 28-CT/TW".into(),
            number: None,
            issued_by: "Ban Thường vụ Huyện ủy".into(),
            period_from: 2024,
            period_to: 2030,
            derived_from: None,
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
    };
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

on_both!(a_plan_is_loaded_once);

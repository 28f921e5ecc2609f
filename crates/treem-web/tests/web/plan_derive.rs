//! Deriving a plan for a commune from its page, on both backends: a
//! province officer derives the province's plan for a commune under it;
//! the commune's plan names its parent, copies the tasks, and cannot be
//! made twice; a commune that already has the plan is not offered; a
//! viewer cannot derive.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{TestApp, post_form};
use reqwest::StatusCode;
use treem_domain::audit::AuditEvent;
use treem_store::{NewPlan, NewTask, PlanSeed};

async fn a_province_plan_is_derived_for_a_commune(app: TestApp) {
    let units = app.store.units().await.unwrap();
    let province = units.iter().find(|u| u.unit.code == "12").unwrap().id;
    let task = |code: &str, lead: &str| NewTask {
        code: code.into(),
        group_no: 4,
        section: "III.4".into(),
        title: format!("Nhiệm vụ {code} của tỉnh"),
        cadence: "yearly".into(),
        due: None,
        programme: None,
        indicators: String::new(),
        lead: Some(lead.into()),
        partners: "MTTQ".into(),
    };
    let seed = PlanSeed {
        plan: NewPlan {
            unit_id: province,
            title: "Kế hoạch hành động vì trẻ em tỉnh".into(),
            number: Some("45/KH-UBND".into()),
            issued_by: "Ủy ban nhân dân tỉnh".into(),
            period_from: 2026,
            period_to: 2030,
            derived_from: None,
            issued_on: None,
            basis: String::new(),
        },
        tasks: vec![task("T1", "UBND"), task("T2", "DT")],
        programmes: vec![],
        agencies: vec![("UBND".into(), "Ủy ban nhân dân tỉnh".into())],
    };
    let ev = AuditEvent::system("test", "plan_loaded", "plan", "");
    let id = app.store.load_plan(&seed, ev).await.unwrap().unwrap();
    let url = format!("/plans/{id}");

    let c = app.signed_in("tinh").await;
    let (_, page) = app.get(&c, &url).await;
    assert!(page.contains("id=\"derive\""));
    assert!(
        page.contains("<option value=\"03424\">"),
        "Bản Bo is offered"
    );
    let csrf = common::csrf_of(&page);
    let before = app.store.plans().await.unwrap().len();
    // A unit that is not a commune under the plan's: refused, nothing made.
    let (status, location, _) = post_form(
        &app,
        &c,
        &format!("{url}/derive"),
        &[("csrf", &csrf), ("unit", "106")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("derive_error=1"));
    assert_eq!(app.store.plans().await.unwrap().len(), before);
    let (status, location, _) = post_form(
        &app,
        &c,
        &format!("{url}/derive"),
        &[("csrf", &csrf), ("unit", "03424")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("?derived=1"), "{location}");
    let plans = app.store.plans().await.unwrap();
    assert_eq!(plans.len(), before + 1);
    let new = plans.iter().find(|p| p.derived_from == Some(id)).unwrap();
    assert_eq!(new.tasks, 2);
    let (_, page) = app.get(&c, &location).await;
    assert!(page.contains("Đã lập kế hoạch của xã từ kế hoạch cấp trên"));
    assert!(page.contains("Ban Thường vụ Đảng ủy xã Bản Bo"));
    // Not twice, and no longer offered.
    let (_, page) = app.get(&c, &url).await;
    assert!(!page.contains("<option value=\"03424\">"));
    let (_, location, _) = post_form(
        &app,
        &c,
        &format!("{url}/derive"),
        &[("csrf", &csrf), ("unit", "03424")],
    )
    .await;
    assert!(location.contains("derive_error=1"));
    assert_eq!(app.store.plans().await.unwrap().len(), before + 1);
    // The commune's officer now sees both plans; a viewer cannot derive.
    let banbo = app.signed_in("banbo").await;
    assert_eq!(app.get(&banbo, &url).await.0, StatusCode::OK);
    let xem = app.signed_in("xem").await;
    let csrf = app.csrf(&xem, "/").await;
    let (status, _, _) = post_form(
        &app,
        &xem,
        &format!("{url}/derive"),
        &[("csrf", &csrf), ("unit", "03390")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.plans().await.unwrap().len(), before + 1);
}

on_both!(a_province_plan_is_derived_for_a_commune);

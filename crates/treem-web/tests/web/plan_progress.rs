//! Running the plan over a real socket on both backends: the demo's
//! communes have plans derived from the seed; an officer files a progress
//! report and the task leaves the overdue list; bad input is refused field
//! by field with nothing stored; assignments keep their history; and only
//! those who may write do (viewers, other communes, a retired unit's plan,
//! an agency's account for another agency are refused).

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{TestApp, post_form};
use reqwest::StatusCode;
use serde_json::{Value, json};
use treem_domain::clock::vn_today;
use treem_domain::plan::progress::ReportPeriod;
use treem_store::PlanRow;

/// The plan derived for the commune `code`.
async fn plan_of(app: &TestApp, code: &str) -> PlanRow {
    let units = app.store.units().await.unwrap();
    let plans = app.store.plans().await.unwrap();
    plans
        .into_iter()
        .find(|p| {
            p.derived_from.is_some()
                && units
                    .iter()
                    .any(|u| u.id == p.unit_id && u.unit.code == code)
        })
        .unwrap()
}

/// The seed plan (the former district's).
async fn seed_plan(app: &TestApp) -> PlanRow {
    let plans = app.store.plans().await.unwrap();
    plans
        .into_iter()
        .find(|p| p.derived_from.is_none())
        .unwrap()
}

async fn reports_count(app: &TestApp) -> Option<i64> {
    common::sql_scalar(app, "SELECT COUNT(*) FROM progress_reports", &[]).await
}

async fn the_demo_derives_a_plan_for_every_heir(app: TestApp) {
    let seed = seed_plan(&app).await;
    let plans = app.store.plans().await.unwrap();
    let derived: Vec<&PlanRow> = plans.iter().filter(|p| p.derived_from.is_some()).collect();
    assert!(derived.len() >= 6, "{} derived plans", derived.len());
    for p in &derived {
        assert_eq!(p.derived_from, Some(seed.id));
        assert_eq!(p.tasks, 31);
        let agencies = app.store.agencies(p.unit_id).await.unwrap();
        let codes: Vec<&str> = agencies.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes.len(), 9, "{codes:?}");
        assert!(codes.contains(&"UBND") && codes.contains(&"MTTQ") && codes.contains(&"DT"));
    }
    let banbo = plan_of(&app, "03424").await;
    let c = app.signed_in("banbo").await;
    let (status, page) = app.get(&c, &format!("/plans/{}", banbo.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Ban Thường vụ Đảng ủy xã Bản Bo"),
        "issued by the commune"
    );
    assert!(page.contains("Xây dựng từ"), "names its parent plan");
    assert!(page.contains("class=\"badge t-"), "each task's standing");
    // The demo's committee assigned the tasks the seed left open: a second
    // assignment on top of the copied one.
    let tasks = app.store.plan_tasks(banbo.id).await.unwrap();
    assert!(tasks.iter().all(|t| t.lead.is_some()));
    let open = tasks.iter().find(|t| t.code == "N10").unwrap();
    assert_eq!(app.store.assignments(open.id).await.unwrap().len(), 2);
    // The former district's plan is kept for reference, never overdue.
    let (_, seed_page) = app.get(&c, &format!("/plans/{}", seed.id)).await;
    assert!(seed_page.contains("không còn tồn tại"), "{seed_page}");
}

async fn a_report_takes_a_task_off_the_overdue_list(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let token = common::token(&app, "banbo").await;
    let api = app.client();
    let overdue: Value = api
        .get(app.url("/api/v1/tasks?overdue=true"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = overdue["items"].as_array().unwrap();
    assert!(!items.is_empty(), "the demo leaves some tasks overdue");
    assert!(
        items
            .iter()
            .all(|t| t["status"] == "overdue" && t["unit_code"] == "03424")
    );
    // One whose only fault is one period without a report.
    let task = items
        .iter()
        .find(|t| t["missing"].as_array().unwrap().len() == 1 && t["due_passed"] == false)
        .unwrap();
    let id = task["id"].as_i64().unwrap();
    let period = task["missing"][0].as_str().unwrap().to_string();
    let agency = task["agency"].as_str().unwrap().to_string();
    let (_, home) = app.get(&c, "/").await;
    let before = items.len();
    assert!(home.contains(&format!(
        "<span class=\"big\">{before}</span>Nhiệm vụ kế hoạch quá hạn"
    )));
    let (_, list) = app.get(&c, "/plans/overdue").await;
    assert!(list.contains(&format!("/plans/tasks/{id}\"")));

    let page_url = format!("/plans/tasks/{id}");
    let (status, page) = app.get(&c, &page_url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Quá hạn") && page.contains("id=\"progress-form\""));
    let csrf = common::csrf_of(&page);
    let stored_before = reports_count(&app).await;
    let (status, location, _) = post_form(
        &app,
        &c,
        &format!("{page_url}/progress"),
        &[
            ("csrf", &csrf),
            ("period", &period),
            ("agency", &agency),
            ("status", "under_way"),
            ("summary", "Tổ chức 4 buổi truyền thông tại các bản"),
            ("sessions", "4"),
            ("people_reached", "1.320"),
            ("budget_spent", "12.500.000"),
            ("problems", ""),
            ("proposals", "Bổ sung kinh phí"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.starts_with(&format!("{page_url}?filed=")),
        "{location}"
    );
    assert_eq!(reports_count(&app).await, stored_before.map(|n| n + 1));
    let (_, after) = app.get(&c, &location).await;
    let label = ReportPeriod::parse(&period).unwrap().label();
    assert!(
        after.contains(&format!("Đã lưu báo cáo tiến độ {label}")),
        "{after}"
    );
    assert!(after.contains("1.320") && after.contains("12.500.000"));
    assert!(after.contains("badge t-under_way"), "now under way");
    let overdue: Value = api
        .get(app.url("/api/v1/tasks?overdue=true"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert!(!ids.contains(&id));
    assert_eq!(ids.len(), before - 1);
    let audit = app.store.audit_chain(0, 100_000).await.unwrap();
    assert!(audit.iter().any(|e| e.event.action == "progress_filed"
        && e.event.record_type == "progress_report"
        && e.event.detail.starts_with(&format!("task {id} {period} "))
        && e.event.actor == "banbo"));
}

async fn bad_reports_are_refused_field_by_field(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let plan = plan_of(&app, "03424").await;
    let task = app.store.plan_tasks(plan.id).await.unwrap()[3].clone();
    let url = format!("/plans/tasks/{}", task.id);
    let (_, page) = app.get(&c, &url).await;
    let csrf = common::csrf_of(&page);
    let before = reports_count(&app).await;
    let next_year = format!(
        "{}h1",
        vn_today().format("%Y").to_string().parse::<i32>().unwrap() + 1
    );
    let (status, _, body) = post_form(
        &app,
        &c,
        &format!("{url}/progress"),
        &[
            ("csrf", &csrf),
            ("period", &next_year),
            ("agency", "XYZ"),
            ("status", "under_way"),
            ("summary", "  "),
            ("sessions", "1,5"),
            ("people_reached", "-3"),
            ("budget_spent", "12.50"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Kỳ này chưa bắt đầu.",
        "Tài khoản của bạn không báo cáo thay cơ quan này.",
        "Hãy ghi những việc đã làm.",
        "Hãy ghi một số nguyên",
        "Báo cáo chưa được lưu.",
    ] {
        assert!(body.contains(message), "{message}");
    }
    assert!(body.contains("value=\"1,5\""), "what was typed comes back");
    assert_eq!(reports_count(&app).await, before, "nothing stored");
    // A period of the former district (before the commune existed).
    let (status, _, body) = post_form(
        &app,
        &c,
        &format!("{url}/progress"),
        &[
            ("csrf", &csrf),
            ("period", "2025h1"),
            ("agency", "UBND"),
            ("status", "done"),
            ("summary", "x"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Kỳ này không thuộc kế hoạch này"));
    assert_eq!(reports_count(&app).await, before);
}

async fn only_those_who_may_write_do(app: TestApp) {
    let banbo = plan_of(&app, "03424").await;
    let task = app.store.plan_tasks(banbo.id).await.unwrap()[0].clone();
    let period = ReportPeriod::containing(vn_today()).code();
    let form = |csrf: &str| {
        vec![
            ("csrf".to_string(), csrf.to_string()),
            ("period".to_string(), period.clone()),
            ("agency".to_string(), "UBND".to_string()),
            ("status".to_string(), "under_way".to_string()),
            ("summary".to_string(), "thử".to_string()),
        ]
    };
    let before = reports_count(&app).await;
    // A viewer without an agency, and another commune's officer.
    for who in ["xem", "binhlu", "hotro"] {
        let c = app.signed_in(who).await;
        let (_, page) = app.get(&c, "/").await;
        let csrf = common::csrf_of(&page);
        let res = c
            .post(app.url(&format!("/plans/tasks/{}/progress", task.id)))
            .form(&form(&csrf))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}");
        let res = c
            .post(app.url(&format!("/plans/tasks/{}/assign", task.id)))
            .form(&[("csrf", csrf.as_str()), ("lead", "MTTQ")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}");
        let (_, task_page) = app.get(&c, &format!("/plans/tasks/{}", task.id)).await;
        assert!(!task_page.contains("id=\"progress-form\""), "{who}");
    }
    // The former district's plan takes nothing, whoever asks.
    let seed = seed_plan(&app).await;
    let seed_task = app.store.plan_tasks(seed.id).await.unwrap()[0].clone();
    for who in ["tinh", "huyen"] {
        let c = app.signed_in(who).await;
        let (_, page) = app.get(&c, "/").await;
        let csrf = common::csrf_of(&page);
        let res = c
            .post(app.url(&format!("/plans/tasks/{}/progress", seed_task.id)))
            .form(&form(&csrf))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(reports_count(&app).await, before);

    // The commune's Women's Union officer: a viewer of Bản Bo working for
    // the mass organisations (DT). She reports for DT only, in Bản Bo only.
    common::agency_viewer(&app, "phunu", "03424", "DT").await;
    let token = common::token(&app, "phunu").await;
    let post = |task: i64, body: Value| {
        let (c, token, url) = (
            app.client(),
            token.clone(),
            app.url(&format!("/api/v1/tasks/{task}/progress")),
        );
        async move {
            c.post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let body = |agency: &str| json!({"period": period, "agency": agency, "status": "under_way", "summary": "Hội Phụ nữ tuyên truyền", "figures": {"sessions": 3, "people_reached": 150}});
    let res = post(task.id, body("DT")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let stored: Value = res.json().await.unwrap();
    assert_eq!(
        (
            stored["agency"].as_str(),
            stored["figures"]["sessions"].as_i64()
        ),
        (Some("DT"), Some(3))
    );
    assert_eq!(stored["written_by"], "phunu");
    let res = post(task.id, body("MTTQ")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problems: Value = res.json().await.unwrap();
    assert_eq!(problems["problems"][0]["field"], "agency");
    let binhlu = plan_of(&app, "03390").await;
    let other = app.store.plan_tasks(binhlu.id).await.unwrap()[0].id;
    assert_eq!(
        post(other, body("DT")).await.status(),
        StatusCode::FORBIDDEN
    );
    // Located problems for figures; an unknown figure; a stray field.
    let mut bad = body("DT");
    bad["figures"] = json!({"sessions": -3, "people_reached": 2.5, "trees": 4});
    let res = post(task.id, bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problems: Value = res.json().await.unwrap();
    let fields: Vec<&str> = problems["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["figures.sessions", "figures.people_reached", "figures"]
    );
    let mut stray = body("DT");
    stray["secret"] = json!(1);
    assert_eq!(post(task.id, stray).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(reports_count(&app).await, before.map(|n| n + 1));
    // A viewer without an agency is refused by the API too.
    let xem = common::token(&app, "xem").await;
    let res = app
        .client()
        .post(app.url(&format!("/api/v1/tasks/{}/progress", task.id)))
        .bearer_auth(xem)
        .json(&body("DT"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn assignments_keep_their_history(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let plan = plan_of(&app, "03424").await;
    let task = app.store.plan_tasks(plan.id).await.unwrap()[5].clone();
    let url = format!("/plans/tasks/{}", task.id);
    let (_, page) = app.get(&c, &url).await;
    assert!(page.contains("id=\"assign-form\""));
    let csrf = common::csrf_of(&page);
    let before = app.store.assignments(task.id).await.unwrap().len();
    // A lead that is not one of the commune's agencies: refused, nothing kept.
    let (status, _, body) = post_form(
        &app,
        &c,
        &format!("{url}/assign"),
        &[("csrf", &csrf), ("lead", "XYZ")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Hãy chọn một cơ quan chủ trì"));
    let (status, location, _) = post_form(
        &app,
        &c,
        &format!("{url}/assign"),
        &[
            ("csrf", &csrf),
            ("lead", "MTTQ"),
            ("partner_DT", "on"),
            ("partner_MTTQ", "on"),
            ("partner_NOPE", "on"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("assigned=1"));
    let history = app.store.assignments(task.id).await.unwrap();
    assert_eq!(history.len(), before + 1);
    let last = history.last().unwrap();
    assert_eq!(
        (
            last.lead.as_deref(),
            last.partners.as_str(),
            last.assigned_by.as_str()
        ),
        (Some("MTTQ"), "DT", "banbo")
    );
    let (_, page) = app.get(&c, &location).await;
    assert!(page.contains("Đã lưu việc giao nhiệm vụ"));
    // The API lists the new lead to the province's viewer, with its
    // standing; another commune's officer does not see this plan.
    let get = |who: &'static str| {
        let app = &app;
        let path = format!("/api/v1/plans/{}/tasks", plan.id);
        async move {
            let token = common::token(app, who).await;
            app.client()
                .get(app.url(&path))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(get("binhlu").await.status(), StatusCode::NOT_FOUND);
    let res = get("xem").await;
    assert_eq!(res.status(), StatusCode::OK);
    let tasks: Value = res.json().await.unwrap();
    let item = tasks["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == task.id)
        .unwrap()
        .clone();
    assert_eq!(
        (item["lead"].as_str(), item["partners"].clone()),
        (Some("MTTQ"), json!(["DT"]))
    );
    assert!(item["status"].is_string());
    let plans: Value = app
        .client()
        .get(app.url("/api/v1/plans"))
        .bearer_auth(common::token(&app, "xem").await)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = plans["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == plan.id)
        .unwrap()
        .clone();
    assert_eq!(
        (listed["unit_code"].as_str(), listed["tasks"].as_i64()),
        (Some("03424"), Some(31))
    );
}

on_both!(
    the_demo_derives_a_plan_for_every_heir,
    a_report_takes_a_task_off_the_overdue_list,
    bad_reports_are_refused_field_by_field,
    only_those_who_may_write_do,
    assignments_keep_their_history,
);

//! An agency's officer files a progress report on a 360-px phone in
//! headless Chromium: a viewer of Bản Bo who works for the agency that
//! leads an overdue task (set with `treem user agency`) sees it on the
//! home page, opens it, reports the period that closed without a report
//! (the half-year when there is one), and the task turns from overdue to
//! under way. Screenshots land in `target/browser/plan-*.png`.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::browser_common;

use browser_common::*;
use fantoccini::Locator;
use serde_json::Value;

const OFFICER: (&str, &str) = ("can.bo.xa", "mat-khau-can-bo-xa");
const AGENCY: (&str, &str) = ("hoi.vien", "mat-khau-hoi-phu-nu");

/// The overdue tasks the signed-in account sees, from the JSON API with
/// the browser's own session.
async fn overdue(b: &fantoccini::Client) -> Vec<Value> {
    let v: Value = b
        .execute_async(
            "const done = arguments[0]; \
             fetch('/api/v1/tasks?overdue=true').then(r => r.json()).then(j => done(j.items));",
            vec![],
        )
        .await
        .unwrap();
    v.as_array().unwrap().clone()
}

#[tokio::test]
async fn an_agency_files_its_report_on_a_phone() {
    let Some(s) = launch().await else { return };
    add_user(&s.data, OFFICER.0, "commune", "03424", OFFICER.1);
    add_user(&s.data, AGENCY.0, "viewer", "03424", AGENCY.1);
    let b = &s.browser;

    // The commune officer's view: a task overdue for one closed period.
    sign_in(b, &s.base, OFFICER.0, OFFICER.1).await;
    let all = overdue(b).await;
    let pick = |half: bool| {
        all.iter().find(|t| {
            let missing = t["missing"].as_array().unwrap();
            missing.len() == 1
                && t["due_passed"] == false
                && missing[0].as_str().unwrap().ends_with("h1") == half
        })
    };
    let task = pick(true)
        .or_else(|| pick(false))
        .expect("an overdue task")
        .clone();
    let id = task["id"].as_i64().unwrap();
    let agency = task["agency"].as_str().unwrap().to_string();
    let period = task["missing"][0].as_str().unwrap().to_string();
    sign_out(b).await;

    // Her account works for that agency.
    user_cmd(&s.data, &["agency", AGENCY.0, &agency]);
    sign_in(b, &s.base, AGENCY.0, AGENCY.1).await;
    let mine = overdue(b).await;
    assert!(mine.iter().all(|t| t["agency"] == agency.as_str()));
    assert!(mine.iter().any(|t| t["id"] == id));
    let before = mine.len();
    shot(b, "plan-home-360.png").await;
    click(b, "#tasks-overdue").await;
    wait_path(b, "/plans/overdue").await;
    shot(b, "plan-overdue-360.png").await;
    click(b, &format!("a[href='/plans/tasks/{id}']")).await;
    wait_path(b, &format!("/plans/tasks/{id}")).await;
    let badge = b.find(Locator::Css(".badge.t-overdue")).await.unwrap();
    assert_eq!(badge.text().await.unwrap(), "Quá hạn");

    // The form starts on the missing period, for her agency only.
    let chosen: Value = b
        .execute(
            "return [document.querySelector('#period').value, \
                     document.querySelectorAll('#agency option').length, \
                     document.querySelector('#agency').value, \
                     document.querySelector('#sessions').inputMode];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(chosen[0], period.as_str());
    assert_eq!(
        (chosen[1].as_i64(), chosen[2].as_str()),
        (Some(1), Some(agency.as_str()))
    );
    assert_eq!(chosen[3], "numeric", "a numeric keypad on the phone");
    type_into(
        b,
        "summary",
        "Phối hợp tổ chức 3 buổi tuyên truyền phòng, chống đuối nước tại các bản.",
    )
    .await;
    type_into(b, "sessions", "3").await;
    type_into(b, "people_reached", "1.250").await;
    type_into(b, "budget_spent", "4.500.000").await;
    shot(b, "plan-form-360.png").await;
    click(b, "#progress-form button[type='submit']").await;
    wait_url(b, |u| u.query().is_some_and(|q| q.starts_with("filed="))).await;
    let notice = b
        .find(Locator::Css("p.notice[role='status']"))
        .await
        .unwrap();
    assert!(
        notice
            .text()
            .await
            .unwrap()
            .starts_with("Đã lưu báo cáo tiến độ")
    );
    let badge = b.find(Locator::Css("p .badge")).await.unwrap();
    assert_eq!(badge.text().await.unwrap(), "Đang thực hiện");
    let over: Value = b
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert!(over.as_f64().unwrap() <= 0.5, "the page fits the phone");
    shot(b, "plan-filed-360.png").await;
    let after = overdue(b).await;
    assert_eq!(after.len(), before - 1);
    assert!(!after.iter().any(|t| t["id"] == id));
}

//! Closing a case as Decree 56/2017 art. 30 has it, over a real socket on
//! both backends: the officer proposes, the commune chair decides; an
//! unfounded report is closed after the initial assessment without a plan;
//! a proposal the chair does not take leaves the officer to go on.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::cases::{Api, banbo_child, open_case};
use crate::common::TestApp;

use reqwest::StatusCode;
use serde_json::json;

async fn an_unfounded_report_is_closed_by_the_chair(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let chair = Api::new(&app, "chutich").await;
    let (child, _) = banbo_child(&app).await;
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    assert_eq!(
        officer
            .step(&app, id, "initial_assessment", "2026-03-02T10:00:00+07:00")
            .await
            .0,
        StatusCode::OK
    );
    // Nobody closes straight away: not the officer, not the chair.
    for who in [&officer, &chair] {
        let (s, _) = who
            .step(&app, id, "closed", "2026-03-02T11:00:00+07:00")
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
    }
    // The chair does not propose; the officer does.
    let (s, _) = chair
        .step(&app, id, "closure_proposed", "2026-03-02T11:00:00+07:00")
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = officer
        .step(&app, id, "closure_proposed", "2026-03-02T11:00:00+07:00")
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = officer.get(&app, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(
        v["next_steps"],
        json!(["closed", "detailed_assessment", "replan"])
    );
    // It waits on the chair's home page and says so on the case's page.
    let web = app.signed_in("chutich").await;
    let (_, home) = app.get(&web, "/").await;
    let awaiting = home.split("id=\"awaiting\"").nth(1).unwrap();
    assert!(
        awaiting.contains(&format!("href=\"/cases/{id}\""))
            && awaiting.contains("Đề nghị đóng hồ sơ"),
        "{awaiting}"
    );
    let (_, page) = app.get(&web, &format!("/cases/{id}")).await;
    assert!(page.contains("Đề nghị đóng hồ sơ đang chờ Chủ tịch UBND xã quyết định."));
    // The officer cannot decide her own proposal; the chair decides it.
    let (s, _) = officer
        .step(&app, id, "closed", "2026-03-02T15:00:00+07:00")
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = chair
        .step(&app, id, "closed", "2026-03-02T15:00:00+07:00")
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = officer.get(&app, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(v["step"], "closed");
    assert_eq!(v["next_steps"], json!([]));
    assert!(v["plan_at"].is_null(), "closed without a plan: {v}");
    let (_, home) = app.get(&web, "/").await;
    assert!(!home.contains(&format!("href=\"/cases/{id}\"")));
}

async fn a_proposal_not_taken_leaves_the_officer_to_go_on(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let (child, _) = banbo_child(&app).await;
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    for (step, at) in [
        ("initial_assessment", "2026-03-02T10:00:00+07:00"),
        ("closure_proposed", "2026-03-02T11:00:00+07:00"),
        // The chair did not agree: the officer assesses in detail.
        ("detailed_assessment", "2026-03-03T09:00:00+07:00"),
        ("plan_drafted", "2026-03-04T09:00:00+07:00"),
    ] {
        let (s, v) = officer.step(&app, id, step, at).await;
        assert_eq!(s, StatusCode::OK, "{step}: {v}");
    }
}

on_both!(
    an_unfounded_report_is_closed_by_the_chair,
    a_proposal_not_taken_leaves_the_officer_to_go_on
);

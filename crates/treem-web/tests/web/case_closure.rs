//! Closing a case as Decree 56/2017 art. 30 has it, over a real socket on
//! both backends: the officer proposes, the commune chair decides; an
//! unfounded report is closed after the initial assessment without a plan;
//! a proposal the chair does not take leaves the officer to go on.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::cases::{Api, banbo_child, open_case};
use crate::common::{self, TestApp};

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
    // The closing decision, drafted for the chair's signature, with the
    // proposal's reason; the emergency decision does not exist (no
    // emergency measure was taken), nor does an unknown one.
    let url = format!("/cases/{id}/decisions/closing");
    let (_, page) = app.get(&web, &format!("/cases/{id}")).await;
    assert!(page.contains(&format!("href=\"{url}\"")));
    assert!(!page.contains("/decisions/emergency"));
    let (s, doc) = app.get(&web, &url).await;
    assert_eq!(s, StatusCode::OK);
    for needle in [
        "/QĐ-UBND",
        "Về việc đóng hồ sơ trường hợp trẻ em bị xâm hại hoặc có nguy cơ bị xâm hại",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BẢN BO",
        "Xét đề nghị đóng hồ sơ của công chức được giao quản lý trường hợp ngày 02/03/2026",
        "Điều 1.</strong> Đóng hồ sơ trường hợp số 03424-2026-0001",
        "Lý do: closure_proposed:",
    ] {
        assert!(doc.contains(needle), "{needle}: {doc}");
    }
    for path in ["emergency", "other"] {
        let (s, _) = app
            .get(&web, &format!("/cases/{id}/decisions/{path}"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    // Someone not on the case reads nothing of it.
    let other = app.signed_in("binhlu").await;
    assert_eq!(app.get(&other, &url).await.0, StatusCode::NOT_FOUND);
    let reads = common::sql_scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'case_read' AND detail = 'decision closing'",
        &[],
    )
    .await;
    assert_eq!(reads, Some(1), "the read is audited");
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

//! The seed plan on the plan pages, over a real socket on both backends:
//! loaded on first start with its 31 tasks, read by every account (viewers
//! included), each task with its lead and partners by name.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;

async fn the_seed_plan_is_read_by_everyone(app: TestApp) {
    // Loading it again changes nothing.
    assert!(
        !treem_web::shell::bootstrap::ensure_seed_plan(app.store.as_ref())
            .await
            .unwrap()
    );
    let plans = app.store.plans().await.unwrap();
    let seeds: Vec<i64> = plans
        .iter()
        .filter(|p| p.derived_from.is_none())
        .map(|p| p.id)
        .collect();
    assert_eq!(seeds.len(), 1);
    let id = seeds[0];
    for who in ["xem", "banbo", "tinh"] {
        let c = app.signed_in(who).await;
        let (status, list) = app.get(&c, "/plans").await;
        assert_eq!(status, StatusCode::OK, "{who}");
        assert!(
            list.contains("Kế hoạch thực hiện Chỉ thị 28-CT/TW"),
            "{list}"
        );
        let (status, page) = app.get(&c, &format!("/plans/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page.matches("<li class=\"card\" id=\"N").count(), 31);
        assert!(
            page.contains("Ban Tuyên giáo Huyện ủy"),
            "N1's lead by name"
        );
        assert!(page.contains("Chưa giao"), "a task waiting for a lead");
        assert!(page.contains("href=\"/indicators/"), "linked indicators");
    }
    let c = app.signed_in("xem").await;
    assert_eq!(
        app.get(&c, &format!("/plans/{}", id + 99)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&c, "/plans/abc").await.0, StatusCode::BAD_REQUEST);
}

on_both!(the_seed_plan_is_read_by_everyone);

//! Supervisions of a plan over a real socket on both backends: the demo's
//! People's Council supervision of each commune with one recommendation
//! overdue; recording one with its recommendations; bad input refused with
//! nothing stored; closing a recommendation takes it off the overdue list,
//! once; and only the commune's officers (or the owning agency's account,
//! for closing) write.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::Duration;
use common::{TestApp, post_form};
use reqwest::StatusCode;
use treem_domain::clock::vn_today;
use treem_domain::i18n::fmt_date;
use treem_store::PlanRow;

async fn banbo_plan(app: &TestApp) -> PlanRow {
    let units = app.store.units().await.unwrap();
    app.store
        .plans()
        .await
        .unwrap()
        .into_iter()
        .find(|p| {
            p.derived_from.is_some()
                && units
                    .iter()
                    .any(|u| u.id == p.unit_id && u.unit.code == "03424")
        })
        .unwrap()
}

async fn count(app: &TestApp, table: &str) -> Option<i64> {
    common::sql_scalar(app, &format!("SELECT COUNT(*) FROM {table}"), &[]).await
}

/// The number on the home page's tile of overdue recommendations (0 when
/// there is no tile).
fn tile(home: &str) -> usize {
    home.split("id=\"recommendations-overdue\"><span class=\"big\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .map_or(0, |n| n.parse().unwrap())
}

async fn supervisions_are_recorded_and_followed_up(app: TestApp) {
    let plan = banbo_plan(&app).await;
    let url = format!("/plans/{}/supervisions", plan.id);
    let c = app.signed_in("banbo").await;
    // The demo's: one of three recommendations overdue.
    let (_, home) = app.get(&c, "/").await;
    assert_eq!(tile(&home), 1);
    let (status, page) = app.get(&c, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Thường trực Hội đồng nhân dân xã Bản Bo"));
    assert_eq!(page.matches("badge t-overdue").count(), 1);
    assert_eq!(page.matches("badge t-done").count(), 1);
    let (_, overdue) = app.get(&c, "/plans/overdue").await;
    assert!(overdue.contains("Hoàn thành rà soát, cập nhật danh sách trẻ em"));

    // Bad input: nothing stored, each problem said.
    let csrf = common::csrf_of(&page);
    let before = (
        count(&app, "supervisions").await,
        count(&app, "recommendations").await,
    );
    let tomorrow = fmt_date(vn_today() + Duration::days(1));
    let (status, _, body) = post_form(
        &app,
        &c,
        &url,
        &[
            ("csrf", &csrf),
            ("kind", "council"),
            ("body", "Ban Pháp chế HĐND xã"),
            ("held_on", &tomorrow),
            ("findings", ""),
            ("text_0", "Bổ sung tủ sách"),
            ("owner_0", "XYZ"),
            ("due_0", "01/01/2020"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in [
        "Ngày giám sát chưa đến.",
        "Hãy ghi kết quả, nhận xét.",
        "Hạn không được trước ngày giám sát.",
    ] {
        assert!(body.contains(m), "{m}");
    }
    assert!(
        body.contains("Ban Pháp chế HĐND xã"),
        "what was typed comes back"
    );
    assert_eq!(
        (
            count(&app, "supervisions").await,
            count(&app, "recommendations").await
        ),
        before
    );

    // A good one: two recommendations, one already past due.
    let held = fmt_date(vn_today() - Duration::days(10));
    let yesterday = fmt_date(vn_today() - Duration::days(1));
    let later = fmt_date(vn_today() + Duration::days(30));
    let (status, location, _) = post_form(
        &app,
        &c,
        &url,
        &[
            ("csrf", &csrf),
            ("kind", "front"),
            ("body", "Ban Thường trực Ủy ban MTTQ xã"),
            ("held_on", &held),
            ("visited", "Trường Mầm non Bản Bo"),
            ("findings", "Bếp ăn bán trú bảo đảm vệ sinh."),
            ("text_0", "Bổ sung tủ sách cho điểm trường"),
            ("owner_0", "UBND"),
            ("due_0", &yesterday),
            ("text_1", "Tập huấn kỹ năng an toàn cho trẻ"),
            ("owner_1", "DT"),
            ("due_1", &later),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("?recorded=1"));
    assert_eq!(
        count(&app, "recommendations").await,
        before.1.map(|n| n + 2)
    );
    let (_, home) = app.get(&c, "/").await;
    assert_eq!(tile(&home), 2);

    // Closing the new overdue one with what was done.
    let recs = app.store.plan_recommendations(plan.id).await.unwrap();
    let rec = recs
        .iter()
        .find(|r| r.text == "Bổ sung tủ sách cho điểm trường")
        .unwrap();
    let close = format!("/plans/recommendations/{}/close", rec.id);
    let (status, _, body) = post_form(&app, &c, &close, &[("csrf", &csrf), ("note", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Hãy ghi đã làm gì"));
    let (status, location, _) = post_form(
        &app,
        &c,
        &close,
        &[("csrf", &csrf), ("note", "Đã mua 200 cuốn sách")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&c, &location).await;
    assert!(
        page.contains("Đã ghi kiến nghị đã thực hiện xong.")
            && page.contains("Đã mua 200 cuốn sách")
    );
    let (_, home) = app.get(&c, "/").await;
    assert_eq!(tile(&home), 1);
    // Once only: a second closing stores nothing and says so.
    let (status, _, body) =
        post_form(&app, &c, &close, &[("csrf", &csrf), ("note", "lần hai")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("đã được ghi là xong trước đó"));
    let closed = app.store.recommendation(rec.id).await.unwrap().unwrap();
    assert_eq!(closed.closed_note.as_deref(), Some("Đã mua 200 cuốn sách"));
    assert_eq!(closed.closed_by.as_deref(), Some("banbo"));
}

async fn only_the_commune_writes_and_the_owner_closes(app: TestApp) {
    let plan = banbo_plan(&app).await;
    let url = format!("/plans/{}/supervisions", plan.id);
    let recs = app.store.plan_recommendations(plan.id).await.unwrap();
    let open_ubnd = recs
        .iter()
        .find(|r| r.owner == "UBND" && r.closed_on.is_none())
        .unwrap();
    let close = format!("/plans/recommendations/{}/close", open_ubnd.id);
    let before = count(&app, "supervisions").await;
    for who in ["xem", "binhlu", "hotro"] {
        let c = app.signed_in(who).await;
        let csrf = app.csrf(&c, "/").await;
        let form = [
            ("csrf", csrf.as_str()),
            ("kind", "council"),
            ("body", "x"),
            ("held_on", "01/10/2026"),
            ("findings", "x"),
        ];
        let (status, _, _) = post_form(&app, &c, &url, &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        let (status, _, _) = post_form(&app, &c, &close, &[("csrf", &csrf), ("note", "x")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    // Another commune's officer does not even see the list.
    let c = app.signed_in("binhlu").await;
    assert_eq!(app.get(&c, &url).await.0, StatusCode::NOT_FOUND);
    // The province's viewer reads it, without the forms.
    let c = app.signed_in("xem").await;
    let (status, page) = app.get(&c, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("id=\"supervision-form\"") && !page.contains("/close\""));
    assert_eq!(count(&app, "supervisions").await, before);

    // An account of the Front (MTTQ) closes the Front's, not the committee's.
    common::agency_viewer(&app, "mttq", "03424", "MTTQ").await;
    let c = app.signed_in("mttq").await;
    let (_, page) = app.get(&c, &url).await;
    let csrf = common::csrf_of(&page);
    assert_eq!(page.matches("/close\"").count(), 1, "only the Front's own");
    let (status, _, _) = post_form(&app, &c, &close, &[("csrf", &csrf), ("note", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let front = recs
        .iter()
        .find(|r| r.owner == "MTTQ" && r.closed_on.is_none())
        .unwrap();
    let (status, _, _) = post_form(
        &app,
        &c,
        &format!("/plans/recommendations/{}/close", front.id),
        &[
            ("csrf", &csrf),
            ("note", "Đã vận động được 2 điểm sinh hoạt"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let audit = app.store.audit_chain(0, 100_000).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.event.action == "recommendation_closed"
                && e.event.actor == "mttq"
                && e.event.record_id == front.id.to_string())
    );
}

async fn the_review_gathers_a_period(app: TestApp) {
    let plan = banbo_plan(&app).await;
    let c = app.signed_in("banbo").await;
    let last_closed = {
        let today = vn_today();
        let mut p = treem_domain::plan::progress::ReportPeriod::containing(today);
        // The one before the current period.
        p = if p.half {
            treem_domain::plan::progress::ReportPeriod {
                year: p.year - 1,
                half: false,
            }
        } else {
            treem_domain::plan::progress::ReportPeriod {
                year: p.year,
                half: true,
            }
        };
        p
    };
    let url = format!("/plans/{}/review", plan.id);
    let (status, page) = app.get(&c, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!(
        "Tổng hợp kết quả thực hiện kế hoạch: {}",
        last_closed.label()
    )));
    // Six groups, each with its tally; the demo left some tasks unreported.
    assert_eq!(page.matches("<section class=\"card\">").count(), 6);
    assert!(page.contains("Chưa báo cáo: <strong>"));
    let (_, overdue) = app.get(&c, "/plans/overdue").await;
    assert!(overdue.contains("chưa báo cáo"));
    // The linked indicators of the commune, with their results.
    assert!(page.contains("<th scope=\"col\">Chỉ tiêu</th>") && page.contains("%</td>"));
    // The recommendations still open, the overdue one marked.
    assert!(page.contains("Hoàn thành rà soát, cập nhật danh sách trẻ em"));
    assert!(page.contains("badge t-overdue"));
    // A period the plan does not have falls back to the latest closed one.
    let (status, other) = app.get(&c, &format!("{url}?period=2031")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(other.contains(&last_closed.label()));
    // The former district's plan: its tasks, not its progress; another
    // commune's plan does not exist for her.
    let seed = app
        .store
        .plans()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.derived_from.is_none())
        .unwrap();
    let (status, seed_page) = app.get(&c, &format!("/plans/{}/review", seed.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(seed_page.contains("chỉ những người thuộc đơn vị"));
    let (status, seed_sup) = app
        .get(&c, &format!("/plans/{}/supervisions", seed.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        seed_sup.contains("chỉ những người thuộc đơn vị")
            && !seed_sup.contains("Chưa có cuộc giám sát")
    );
    let c = app.signed_in("binhlu").await;
    assert_eq!(app.get(&c, &url).await.0, StatusCode::NOT_FOUND);
}

async fn the_administrator_sets_an_accounts_agency(app: TestApp) {
    let c = app.signed_in("admin1").await;
    let (_, page) = app.get(&c, "/admin/accounts").await;
    let csrf = common::csrf_of(&page);
    let xem = app.store.account_by_username("xem").await.unwrap().unwrap();
    let banbo = app
        .store
        .account_by_username("banbo")
        .await
        .unwrap()
        .unwrap();
    // The province has no agencies of its own yet: nothing to choose there.
    let url = |id: i64| format!("/admin/accounts/{id}/agency");
    let (status, _, body) = post_form(
        &app,
        &c,
        &url(xem.id),
        &[("csrf", &csrf), ("agency", "MTTQ")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("không có cơ quan đó"));
    // Bản Bo's officer works for the Front, then for none.
    let (status, _, body) = post_form(
        &app,
        &c,
        &url(banbo.id),
        &[("csrf", &csrf), ("agency", "MTTQ")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("banbo nay báo cáo tiến độ nhiệm vụ thay cho cơ quan MTTQ."));
    assert!(body.contains("báo cáo thay Ủy ban Mặt trận Tổ quốc Việt Nam xã Bản Bo"));
    let stored = app.store.account(banbo.id).await.unwrap().unwrap();
    assert_eq!(stored.agency_code.as_deref(), Some("MTTQ"));
    let (status, _, _) =
        post_form(&app, &c, &url(banbo.id), &[("csrf", &csrf), ("agency", "")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.store
            .account(banbo.id)
            .await
            .unwrap()
            .unwrap()
            .agency_code,
        None
    );
    // Only administrators.
    let other = app.signed_in("tinh").await;
    let csrf = app.csrf(&other, "/").await;
    let (status, _, _) = post_form(
        &app,
        &other,
        &url(banbo.id),
        &[("csrf", &csrf), ("agency", "MTTQ")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.store
            .account(banbo.id)
            .await
            .unwrap()
            .unwrap()
            .agency_code,
        None
    );
}

on_both!(
    the_administrator_sets_an_accounts_agency,
    the_review_gathers_a_period,
    supervisions_are_recorded_and_followed_up,
    only_the_commune_writes_and_the_owner_closes,
);

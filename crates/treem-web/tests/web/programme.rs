//! Indicators defined as data over a real socket: an administrator defines
//! an element, a return, an indicator and its milestone (bad input refused
//! with what was typed kept); the dashboard shows the programme figures,
//! counted from the filed returns only, and the page behind a figure lists
//! the communes and their returns; nobody else may define, a viewer reads.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{TestApp, post_form};
use reqwest::StatusCode;
use treem_domain::indicators::Period;
use treem_web::indicators::figures::report;

async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let csrf = app.csrf(c, "/admin/programme").await;
    let mut pairs = fields.to_vec();
    pairs.push(("csrf", &csrf));
    post_form(app, c, path, &pairs).await
}

const YEAR_2025: Period = Period {
    year: 2025,
    half: false,
};

async fn an_administrator_defines_and_the_dashboard_counts(app: TestApp) {
    let a = app.signed_in("admin1").await;
    let (status, page) = app.get(&a, "/admin/programme").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("INJ_ALL") && page.contains("CT2_INJURY_RATE"),
        "{page}"
    );

    // A bad code: refused, what was typed kept.
    let element = |code: &'static str| {
        [
            ("code", code),
            ("name_vi", "Số trẻ em bị ngã"),
            ("name_en", "Children who fell"),
            ("kind", "whole"),
            ("by_sex", "1"),
            ("programme", "CT2"),
        ]
    };
    let (status, _, body) = post(&app, &a, "/admin/programme/element", &element("ngã cao")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("Mã không hợp lệ") && body.contains("Số trẻ em bị ngã"),
        "{body}"
    );
    assert!(
        !app.store
            .data_elements()
            .await
            .unwrap()
            .iter()
            .any(|e| e.name_en == "Children who fell")
    );

    let (status, to, _) = post(&app, &a, "/admin/programme/element", &element("inj_fall")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, done) = app.get(&a, &to).await;
    assert!(done.contains("Đã lưu chỉ tiêu số liệu INJ_FALL."), "{done}");

    // The six-monthly return now asks for it, with a rule.
    let form = app
        .store
        .return_forms()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.code == "BC_6THANG")
        .unwrap();
    let elements = format!("{}, INJ_FALL", form.elements.join(", "));
    let rules = "INJ_DROWN <= INJ_ALL\nINJ_FALL <= INJ_ALL";
    let fields = [
        ("code", "BC_6THANG"),
        ("name_vi", form.name_vi.as_str()),
        ("name_en", form.name_en.as_str()),
        ("frequency", "6-monthly"),
        ("elements", elements.as_str()),
        ("rules", "INJ_FALL <= NOPE"),
    ];
    let (status, _, body) = post(&app, &a, "/admin/programme/form", &fields).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a rule on an element not in the return"
    );
    assert!(body.contains("«INJ_FALL &#60;= NOPE»"), "{body}");
    let mut fields = fields;
    fields[5] = ("rules", rules);
    let (status, _, _) = post(&app, &a, "/admin/programme/form", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let form = app
        .store
        .return_forms()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.code == "BC_6THANG")
        .unwrap();
    assert_eq!(form.elements.last().map(String::as_str), Some("INJ_FALL"));
    assert_eq!(form.rules.len(), 2, "the rules typed replace the old ones");

    // An indicator over it: an unknown element is refused.
    let indicator = |numerator: &'static str| {
        [
            ("code", "CT2_FALL_RATE"),
            ("name_vi", "Tỷ suất trẻ em bị ngã trên 1.000 trẻ em"),
            ("name_en", "Falls per 1,000 children"),
            ("programme", "CT2"),
            ("numerator", numerator),
            ("denominator", "#children_0_15"),
            ("factor", "1000"),
            ("goal", "<="),
        ]
    };
    let (status, _, body) = post(
        &app,
        &a,
        "/admin/programme/indicator",
        &indicator("INJ_FALL + NOPE"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("«NOPE»") && body.contains("Tỷ suất trẻ em bị ngã"),
        "{body}"
    );
    let (status, _, _) = post(
        &app,
        &a,
        "/admin/programme/indicator",
        &indicator("INJ_FALL"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // A milestone for a demo indicator; a bad one refused.
    let target = |value: &'static str| {
        [
            ("indicator", "CT2_INJURY_RATE"),
            ("year", "2025"),
            ("value", value),
        ]
    };
    let (status, _, _) = post(&app, &a, "/admin/programme/target", &target("-5")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = post(&app, &a, "/admin/programme/target", &target("5000")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // The province's figure: the numerator is the sum of the communes'
    // filed values of the year, the value judged against 5,000.
    let (rep, _) = report(app.store.as_ref(), YEAR_2025).await.unwrap();
    let province = rep.units.iter().find(|u| u.code == "12").unwrap();
    let (_, f) = province
        .programme
        .iter()
        .find(|(k, _)| k == "CT2_INJURY_RATE")
        .unwrap();
    let filed: f64 = app
        .store
        .filed_values("2025")
        .await
        .unwrap()
        .iter()
        .filter(|v| v.element == "INJ_ALL")
        .map(|v| v.value)
        .sum();
    assert!(filed > 0.0);
    assert_eq!(f.numerator.0, filed);
    let den = f.denominator.unwrap().0;
    assert!(den > 0.0);
    assert_eq!(f.value, Some(filed * 100_000.0 / den));
    assert_eq!(f.target, Some(5000.0));
    let expected = if filed * 100_000.0 / den <= 5000.0 {
        "met"
    } else {
        "not_met"
    };
    assert_eq!(f.status, expected);
    let (_, fall) = province
        .programme
        .iter()
        .find(|(k, _)| k == "CT2_FALL_RATE")
        .unwrap();
    assert_eq!(
        (fall.value, fall.status),
        (None, "no_data"),
        "no commune filed falls yet"
    );

    let t = app.signed_in("tinh").await;
    let (status, dash) = app.get(&t, "/indicators?year=2025&half=0").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        dash.contains("Chỉ số của các chương trình") && dash.contains("id=\"CT2_INJURY_RATE\""),
        "{dash}"
    );
    assert!(
        dash.contains("≤ 5.000,0 /100.000"),
        "the target as entered: {dash}"
    );

    // The page behind it: every commune, its returns approved.
    let (status, detail) = app
        .get(
            &t,
            "/indicators/programme/CT2_INJURY_RATE?year=2025&half=0&unit=12",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        detail.contains("Xã Bản Bo") && detail.contains("Đã duyệt (khóa)"),
        "{detail}"
    );
    assert!(
        detail.contains("/returns/filing?unit=03424&#38;form=BC_6THANG&#38;period=2025"),
        "{detail}"
    );
}

async fn drafts_do_not_count_and_only_the_administrator_defines(app: TestApp) {
    // The first half of the last year filed: some communes' returns are
    // still drafts, and a draft is not counted.
    let half = Period {
        year: 2026,
        half: true,
    };
    let (rep, _) = report(app.store.as_ref(), half).await.unwrap();
    let province = rep.units.iter().find(|u| u.code == "12").unwrap();
    let (_, f) = province
        .programme
        .iter()
        .find(|(k, _)| k == "CT2_INJURY_RATE")
        .unwrap();
    let filings = app
        .store
        .return_filings("BC_6THANG", "2026h1")
        .await
        .unwrap();
    let counted = filings.iter().filter(|r| r.status != "draft").count();
    assert!(counted < filings.len(), "the demo leaves drafts");
    assert_eq!(f.communes_filed as usize, counted);

    let c = app.signed_in("banbo").await;
    let (status, _) = app.get(&c, "/admin/programme").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let csrf = app.csrf(&c, "/returns").await;
    let (status, _, _) = post_form(
        &app,
        &c,
        "/admin/programme/indicator",
        &[("csrf", &csrf), ("code", "CT2_X"), ("numerator", "INJ_ALL")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Her own commune's figure, not another's.
    let (status, _) = app
        .get(&c, "/indicators/programme/CT2_INJURY_RATE?year=2025&half=0")
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .get(
            &c,
            "/indicators/programme/CT2_INJURY_RATE?year=2025&half=0&unit=03390",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .get(&c, "/indicators/programme/NOPE?year=2025&half=0")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A viewer reads the figures.
    let v = app.signed_in("xem").await;
    let (status, page) = app
        .get(
            &v,
            "/indicators/programme/CT3_U5_DEATH_RATE?year=2025&half=0",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("LIVE_BIRTHS"), "{page}");
}

on_both!(
    an_administrator_defines_and_the_dashboard_counts,
    drafts_do_not_count_and_only_the_administrator_defines,
);

//! The gaps between groups of children over a real socket: the page's
//! groups are the engine's and sum to each indicator, a group's count links
//! to exactly its children, the spread between communes is named above a
//! commune, small groups are marked, and scope and bad requests hold.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use treem_domain::indicators::{BY_KEYS, Dimension, Period};

async fn by_sex(app: &TestApp) -> treem_web::indicators::figures::Report {
    let period = Period {
        year: 2025,
        half: false,
    };
    let (report, _) =
        treem_web::indicators::figures::report_by(app.store.as_ref(), period, Dimension::Sex)
            .await
            .unwrap();
    report
}

async fn groups_are_the_engines_and_link_to_their_children(app: TestApp) {
    let report = by_sex(&app).await;
    let ban_bo = report.units.iter().find(|u| u.code == "03424").unwrap();
    for (key, f) in ban_bo
        .indicators
        .iter()
        .filter(|(k, _)| BY_KEYS.contains(k))
    {
        let by = f.by.as_ref().unwrap();
        let n: i64 = by.values().map(|p| p.numerator).sum();
        let d: i64 = by.values().map(|p| p.denominator).sum();
        assert_eq!((n, d), (f.numerator, f.denominator), "{key}");
    }
    let (_, reg) = ban_bo
        .indicators
        .iter()
        .find(|(k, _)| *k == "birth_registration_u5")
        .unwrap();
    let girls = reg.by.as_ref().unwrap()["F"];
    assert!(girls.denominator > 0, "the demo has girls under five");

    let c = app.signed_in("banbo").await;
    let (status, body) = app
        .get(&c, "/indicators/gaps?year=2025&half=0&by=sex")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Khoảng cách giữa các nhóm trẻ em: Xã Bản Bo"),
        "{body}"
    );
    assert!(body.contains(&format!("{}/{}", girls.numerator, girls.denominator)));
    assert!(body.contains("Nữ") && body.contains("Nam"));
    let link = "/indicators/birth_registration_u5?year=2025&half=0&unit=03424&by=sex&group=F";
    assert!(body.contains(&link.replace('&', "&#38;")), "{body}");
    // Protection cases are never listed from here.
    assert!(!body.contains("/indicators/abuse_intervention?"));
    let (status, list) = app.get(&c, link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Xã Bản Bo — Nữ"), "{list}");
    assert_eq!(
        list.matches("href=\"/children/").count() as i64,
        girls.denominator
    );
    let (_, missing) = app.get(&c, &format!("{link}&part=missing")).await;
    assert_eq!(
        missing.matches("href=\"/children/").count() as i64,
        girls.denominator - girls.numerator
    );

    // Above a commune: the spread between the best and worst commune.
    let p = app.signed_in("tinh").await;
    let (status, body) = app
        .get(&p, "/indicators/gaps?year=2025&half=0&by=poverty")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Giữa các xã"), "{body}");
    assert!(body.contains("Hộ nghèo"));
    // Ethnicity by name and code; the groups of fewer than ten marked.
    let (_, body) = app
        .get(&c, "/indicators/gaps?year=2025&half=0&by=ethnicity")
        .await;
    assert!(body.contains("Hmông (08)"), "{body}");
}

async fn scope_and_bad_requests(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let (status, _) = app
        .get(&c, "/indicators/gaps?year=2025&by=sex&unit=03390")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another commune");
    let (status, _) = app.get(&c, "/indicators/gaps?year=2025&by=age").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app
        .get(
            &c,
            "/indicators/birth_registration_u5?year=2025&unit=03424&by=age&group=F",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A viewer reads the gaps, without the lists of names.
    let v = app.signed_in("xem").await;
    let (status, body) = app.get(&v, "/indicators/gaps?year=2025&by=sex").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Tỷ lệ trẻ em dưới 5 tuổi được đăng ký khai sinh"));
    assert!(!body.contains("group=F"), "{body}");
    // Without signing in: to the login page.
    let anon = app.client();
    let res = anon.get(app.url("/indicators/gaps")).send().await.unwrap();
    assert_ne!(res.status(), StatusCode::OK);
}

on_both!(
    groups_are_the_engines_and_link_to_their_children,
    scope_and_bad_requests,
);

//! The indicators dashboard and its drill-down over a real socket: figures
//! equal to the engine's, lists equal to the figures, scope, export.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use treem_domain::indicators::Period;

/// The engine's figures of 2025 (`half`: the first half).
async fn figures(app: &TestApp, half: bool) -> treem_web::indicators::figures::Report {
    let period = Period { year: 2025, half };
    let (report, _) = treem_web::indicators::figures::report(app.store.as_ref(), period)
        .await
        .unwrap();
    report
}

async fn dashboard_matches_the_engine_and_drills_down(app: TestApp) {
    let report = figures(&app, true).await;
    let province = report.units.iter().find(|u| u.code == "12").unwrap();
    let (_, reg) = province
        .indicators
        .iter()
        .find(|(k, _)| *k == "birth_registration_u5")
        .unwrap();
    assert!(reg.denominator > 0, "the demo has children under five");

    let c = app.signed_in("tinh").await;
    let (status, body) = app.get(&c, "/indicators?year=2025&half=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Tỷ lệ trẻ em dưới 5 tuổi được đăng ký khai sinh"));
    let link = "/indicators/birth_registration_u5?year=2025&half=1&unit=12".to_string();
    assert!(body.contains(&link.replace('&', "&#38;")), "{body}");
    assert!(body.contains(&format!("{}/{}", reg.numerator, reg.denominator)));
    // Beside the prevalence of underweight, the share of under-fives measured.
    let (_, under) = province
        .indicators
        .iter()
        .find(|(k, _)| *k == "underweight_u5")
        .unwrap();
    let coverage =
        treem_domain::indicators::shown(under.denominator as f64 / reg.denominator as f64 * 100.0);
    assert!(body.contains(&format!("độ bao phủ {coverage}%")), "{body}");
    // Every commune of the district is in the table, with a mark.
    assert!(body.contains("Xã Bản Bo") && body.contains("✔") || body.contains("✘"));

    let (status, list) = app.get(&c, &link).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        list.matches("href=\"/children/").count() as i64,
        reg.denominator
    );
    let (_, missing) = app.get(&c, &format!("{}&part=missing", link)).await;
    assert_eq!(
        missing.matches("href=\"/children/").count() as i64,
        reg.denominator - reg.numerator
    );
    assert!(!missing.contains("✔ đã đăng ký khai sinh"));
    if reg.numerator < reg.denominator {
        assert!(missing.contains("✘ chưa đăng ký khai sinh"), "{missing}");
    }
    let res = c
        .get(app.url(&format!("{}&format=xlsx", link)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    // Reading the list of names is in the audit log.
    let entries = app
        .store
        .audit_entries(&treem_store::AuditQuery {
            action: Some("indicator_list_viewed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!entries.is_empty());
}

async fn every_kind_of_record_is_listed(app: TestApp) {
    let report = figures(&app, false).await;
    let province = report.units.iter().find(|u| u.code == "12").unwrap();
    let figure = |key: &str| {
        province
            .indicators
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, f)| f.clone())
            .unwrap()
    };
    let c = app.signed_in("tinh").await;
    for (key, rows_are_denominator) in [
        ("school_sanitation", true),
        ("child_friendly_communes", true),
        ("primary_completion", true),
        ("disaster_relief", false),
    ] {
        let f = figure(key);
        assert!(f.denominator > 0, "{key}: the demo has data");
        let (status, body) = app
            .get(&c, &format!("/indicators/{key}?year=2025&half=0&unit=12"))
            .await;
        assert_eq!(status, StatusCode::OK, "{key}");
        assert!(
            body.contains(&format!("{}/{}", f.numerator, f.denominator)),
            "{key}"
        );
        let rows = body.matches("<tr class=").count() as i64;
        if rows_are_denominator {
            assert_eq!(rows, f.denominator, "{key}");
        } else {
            assert!(
                rows > 0 && rows < f.denominator,
                "{key}: events, not children"
            );
        }
    }
}

async fn a_merged_duplicate_counts_for_the_record_it_joined(app: TestApp) {
    use treem_domain::audit::AuditEvent;
    use treem_domain::indicators::child_memberships;
    const AWARENESS: usize = 12;
    let period = Period {
        year: 2025,
        half: false,
    };
    let figure = |r: &treem_web::indicators::figures::Report| {
        let p = r.units.iter().find(|u| u.code == "12").unwrap();
        p.indicators
            .iter()
            .find(|(k, _)| *k == "participation_awareness")
            .map(|(_, f)| (f.numerator, f.denominator))
            .unwrap()
    };
    let (before, _) = treem_web::indicators::figures::report(app.store.as_ref(), period)
        .await
        .unwrap();
    // Two records in the age band: one took part in an awareness session,
    // the other did not; the first is merged into the second.
    let loaded = treem_web::indicators::figures::load(app.store.as_ref(), period)
        .await
        .unwrap();
    let m = child_memberships(&loaded.facts, period);
    let with = |v: bool| {
        loaded
            .child_ids
            .iter()
            .zip(&m)
            .find(|(_, m)| m[AWARENESS] == Some(v))
            .map(|(id, _)| *id)
            .unwrap()
    };
    let (merged, survivor) = (with(true), with(false));
    app.store
        .merge_children(
            survivor,
            merged,
            AuditEvent::system("test", "merge", "child", "x"),
        )
        .await
        .unwrap();
    let loaded = treem_web::indicators::figures::load(app.store.as_ref(), period)
        .await
        .unwrap();
    let at = loaded
        .child_ids
        .iter()
        .position(|id| *id == survivor)
        .unwrap();
    assert_eq!(
        child_memberships(&loaded.facts, period)[at][AWARENESS],
        Some(true)
    );
    let (after, _) = treem_web::indicators::figures::report(app.store.as_ref(), period)
        .await
        .unwrap();
    // One record fewer in the denominator; the session still counts once.
    assert_eq!(figure(&after), (figure(&before).0, figure(&before).1 - 1));
}

/// Stunting is a lower-is-better indicator: the stunted children are the ones
/// to act on, marked as the bad outcome, and listed by the first tab after
/// "all"; above a commune each row names its commune.
async fn a_lower_is_better_list_puts_the_children_to_act_on_first(app: TestApp) {
    let report = figures(&app, false).await;
    let province = report.units.iter().find(|u| u.code == "12").unwrap();
    let (_, f) = province
        .indicators
        .iter()
        .find(|(k, _)| *k == "stunting_u5")
        .unwrap();
    assert!(
        f.numerator > 0 && f.numerator < f.denominator,
        "demo has both"
    );
    let c = app.signed_in("tinh").await;
    let base = "/indicators/stunting_u5?year=2025&half=0&unit=12";
    let (status, all) = app.get(&c, base).await;
    assert_eq!(status, StatusCode::OK);
    let tabs = all.split("class=\"tabs\"").nth(1).unwrap();
    let act = tabs.find("Cần quan tâm: thấp còi").unwrap();
    let rest = tabs.find("Không thấp còi").unwrap();
    assert!(act < rest, "the children to act on come first: {tabs}");
    assert!(tabs[..act].contains("part=numerator"), "{tabs}");
    // Province level: the commune of each row.
    assert!(all.contains("<th scope=\"col\">Xã</th>"), "{all}");
    let (_, stunted) = app.get(&c, &format!("{base}&part=numerator")).await;
    assert_eq!(
        stunted.matches("<tr class=\"not-met\">").count() as i64,
        f.numerator
    );
    assert_eq!(stunted.matches("✘ thấp còi").count() as i64, f.numerator);
    assert!(!stunted.contains("class=\"met\"") && !stunted.contains("✔"));
    assert!(stunted.contains("<td data-label=\"Xã\">Xã "), "{stunted}");
    let (_, fine) = app.get(&c, &format!("{base}&part=missing")).await;
    assert_eq!(
        fine.matches("✔ không thấp còi").count() as i64,
        f.denominator - f.numerator
    );
    assert!(!fine.contains("✘"));
    // A commune's own list has no commune column.
    let (status, own) = app
        .get(&c, "/indicators/stunting_u5?year=2025&half=1&unit=03390")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(own.contains("<table") && !own.contains("<th scope=\"col\">Xã</th>"));
}

/// The province's dashboard names its columns, links each commune to its
/// own figures and each cell to its list; `?unit=` and the picker look at
/// any unit within the user's scope, and no further.
async fn communes_link_to_their_own_figures(app: TestApp) {
    let c = app.signed_in("tinh").await;
    let (status, body) = app.get(&c, "/indicators?year=2025&half=0").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<abbr title=\"Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể chiều cao theo tuổi\">SDD thấp còi</abbr>"), "{body}");
    assert!(body.contains("<select id=\"unit\" name=\"unit\">"));
    let own = "/indicators?year=2025&#38;half=0&#38;unit=03424";
    assert!(
        body.contains(&format!("<a href=\"{own}\">Xã Bản Bo</a>")),
        "{body}"
    );
    assert!(body.contains("href=\"/indicators/stunting_u5?year=2025&#38;half=0&#38;unit=03424\""));
    let (status, commune) = app.get(&c, "/indicators?year=2025&half=0&unit=03424").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        commune.contains("<h1>Chỉ tiêu kế hoạch: Xã Bản Bo</h1>"),
        "{commune}"
    );
    assert!(commune.contains("<option value=\"03424\" selected>"));
    // A commune officer: her own commune only.
    let x = app.signed_in("banbo").await;
    assert_eq!(
        app.get(&x, "/indicators?year=2025&half=0&unit=03390")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&x, "/indicators?year=2025&half=0&unit=99999")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&x, "/indicators?year=2025&half=0&unit=03424")
            .await
            .0,
        StatusCode::OK
    );
}

async fn trend_over_the_years(app: TestApp) {
    let c = app.signed_in("xem").await;
    let (status, body) = app.get(&c, "/indicators/trend").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body.matches("<svg").count(),
        14 + 5,
        "one chart per indicator, then the demo's five programme indicators"
    );
    assert!(
        body.contains("CT3: Số trẻ em dưới 5 tuổi tử vong"),
        "{body}"
    );
    // Each chart says its values in words too (screen readers, print).
    assert!(body.contains("2024: ") && body.contains("2025: "), "{body}");
    assert!(body.contains("class=\"target\""));
}

async fn scope_and_bad_requests(app: TestApp) {
    // A commune officer sees her commune, and no list of another one.
    let c = app.signed_in("banbo").await;
    let (status, body) = app.get(&c, "/indicators?year=2025&half=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Xã Bản Bo"));
    let (status, _) = app
        .get(
            &c,
            "/indicators/birth_registration_u5?year=2025&half=1&unit=03390",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Protection cases are not listed here (the case module keeps them).
    let (status, _) = app
        .get(&c, "/indicators/abuse_intervention?year=2025&half=1")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for bad in ["year=1800", "year=2025&half=3", "year=abc"] {
        let (status, _) = app.get(&c, &format!("/indicators?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    // A viewer sees the figures but no names.
    let v = app.signed_in("xem").await;
    let (status, body) = app.get(&v, "/indicators?year=2025&half=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("/indicators/birth_registration_u5"));
    let (status, _) = app
        .get(
            &v,
            "/indicators/birth_registration_u5?year=2025&half=1&unit=12",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The text of `word/document.xml` in a DOCX.
fn document_xml(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

async fn download(
    app: &TestApp,
    c: &reqwest::Client,
    query: &str,
) -> (StatusCode, String, Vec<u8>) {
    let res = c
        .get(app.url(&format!("/indicators/report?{query}")))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let disposition = res
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, disposition, res.bytes().await.unwrap().to_vec())
}

async fn the_periodic_report_downloads_within_scope(app: TestApp) {
    let report = figures(&app, true).await;
    let figure = |code: &str| {
        let u = report.units.iter().find(|u| u.code == code).unwrap();
        let (_, f) = u
            .indicators
            .iter()
            .find(|(k, _)| *k == "birth_registration_u5")
            .unwrap();
        format!(">{}/{}<", f.numerator, f.denominator)
    };
    // The dashboard links to the report of the period it shows.
    let c = app.signed_in("tinh").await;
    let (_, body) = app.get(&c, "/indicators?year=2025&half=1").await;
    assert!(
        body.contains("/indicators/report?year=2025&#38;half=1&#38;format=docx"),
        "{body}"
    );
    let (s, name, bytes) = download(&app, &c, "year=2025&half=1&format=docx").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        name,
        "attachment; filename=\"bao-cao-6-thang-2025-12.docx\""
    );
    let xml = document_xml(&bytes);
    assert!(xml.contains("TỈNH LAI CHÂU") && xml.contains("6 tháng đầu năm 2025"));
    assert!(xml.contains(&figure("12")), "the province's own figures");
    let (s, name, bytes) = download(&app, &c, "year=2025&half=1&format=xlsx").await;
    assert_eq!(s, StatusCode::OK);
    assert!(name.ends_with("-phu-luc.xlsx\"") && bytes.starts_with(b"PK"));
    // A unit under hers.
    let (s, _, bytes) = download(&app, &c, "year=2025&half=1&format=docx&unit=03424").await;
    assert_eq!(s, StatusCode::OK);
    let xml = document_xml(&bytes);
    assert!(xml.contains("XÃ BẢN BO") && xml.contains(&figure("03424")));

    // A commune officer gets her commune's, and nothing of other units.
    let b = app.signed_in("banbo").await;
    let (s, _, bytes) = download(&app, &b, "year=2025&half=1&format=docx").await;
    assert_eq!(s, StatusCode::OK);
    let xml = document_xml(&bytes);
    assert!(xml.contains("XÃ BẢN BO") && !xml.contains("TỈNH LAI CHÂU"));
    for other in ["12", "03390", "99999"] {
        let q = format!("year=2025&half=1&format=docx&unit={other}");
        assert_eq!(
            download(&app, &b, &q).await.0,
            StatusCode::NOT_FOUND,
            "{other}"
        );
    }
    for bad in [
        "year=2025&half=1",
        "year=2025&format=pdf",
        "year=1800&format=docx",
        "year=2025&half=7&format=xlsx",
    ] {
        assert_eq!(
            download(&app, &b, bad).await.0,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    // The committee (a viewer) reads it too; nobody signed out does.
    let v = app.signed_in("xem").await;
    assert_eq!(
        download(&app, &v, "year=2025&format=xlsx").await.0,
        StatusCode::OK
    );
    let (s, _, bytes) = download(&app, &app.client(), "year=2025&format=docx").await;
    assert_ne!(s, StatusCode::OK);
    assert!(!bytes.starts_with(b"PK"));
}

on_both!(
    the_periodic_report_downloads_within_scope,
    dashboard_matches_the_engine_and_drills_down,
    a_merged_duplicate_counts_for_the_record_it_joined,
    every_kind_of_record_is_listed,
    a_lower_is_better_list_puts_the_children_to_act_on_first,
    communes_link_to_their_own_figures,
    trend_over_the_years,
    scope_and_bad_requests
);

//! Breakdowns kept per commune (issue 20), on SQLite and PostgreSQL: the
//! kept breakdowns by sex, ethnicity and poverty equal the engine's for
//! every unit, period and dimension (computed, then read back as kept, on
//! the demo and on generated data); a change of a child's sex, ethnicity or
//! poverty through the form makes her commune's groups follow, and the
//! gaps page and the report's splits show the kept groups.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::StatusCode;
use treem_domain::indicators::{Dimension, Period};
use treem_store::Store;
use treem_web::indicators::{figures, kept, kept_groups};

use crate::common::{self, TestApp};

const PERIODS: [(i32, bool); 4] = [(2024, false), (2025, true), (2025, false), (2026, false)];

fn period((year, half): (i32, bool)) -> Period {
    Period { year, half }
}

/// The kept breakdowns equal the engine's for every period and dimension,
/// twice (computed, then read back as kept), and the splits of the report
/// too.
async fn assert_same(store: &dyn Store, when: &str) {
    for p in PERIODS.map(period) {
        for dim in Dimension::ALL {
            let (engine, _) = figures::report_by(store, p, dim).await.unwrap();
            for round in ["computed", "kept"] {
                let (kept, _) = kept_groups::report_by(store, p, dim).await.unwrap();
                assert_eq!(
                    kept, engine,
                    "{when}: {p:?} by {dim:?} ({round}) differs from the engine"
                );
            }
        }
        let loaded = figures::load(store, p).await.unwrap();
        let engine = figures::splits(store, &loaded, p).await.unwrap();
        let (report, _, splits) = kept_groups::splits(store, p).await.unwrap();
        assert_eq!(splits, engine, "{when}: {p:?} splits differ");
        assert_eq!(report, figures::judge(&loaded, p), "{when}: {p:?} report");
    }
}

async fn group_rows(app: &TestApp) -> i64 {
    common::sql_scalar(
        app,
        "SELECT COUNT(*) FROM commune_figures WHERE period LIKE '%/groups'",
        &[],
    )
    .await
    .unwrap()
}

/// The child form's fields for the test child, with what is changed.
fn form<'a>(
    csrf: &'a str,
    sex: &'a str,
    ethnicity: &'a str,
    poverty: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("child_id", "BB-GROUPS-1"),
        ("full_name", "Lò Thị Nhóm"),
        ("sex", sex),
        ("date_of_birth", "12/03/2022"),
        ("commune_code", "03424"),
        ("village", "Bản Bo"),
        ("mother_name", "Lò Thị Mai"),
        ("status", "active"),
        ("birth_registered", "no"),
        ("ethnicity", ethnicity),
        ("household_poverty", poverty),
    ]
}

/// The groups of the commune's under-five birth registration by `dim`.
async fn birth_groups(store: &dyn Store, dim: Dimension) -> Vec<(String, i64, i64)> {
    let (rep, _) = kept_groups::report_by(store, period((2026, false)), dim)
        .await
        .unwrap();
    let unit = rep.units.iter().find(|u| u.code == "03424").unwrap();
    let (_, f) = unit
        .indicators
        .iter()
        .find(|(k, _)| *k == "birth_registration_u5")
        .unwrap();
    f.by.clone()
        .unwrap_or_default()
        .into_iter()
        .map(|(g, p)| (g, p.numerator, p.denominator))
        .collect()
}

/// A group's denominator (0 when the group has no child).
fn count(groups: &[(String, i64, i64)], name: &str) -> i64 {
    groups
        .iter()
        .find(|(g, ..)| g == name)
        .map_or(0, |(.., n)| *n)
}

async fn kept_groups_equal_engine(app: TestApp) {
    let store = app.store.as_ref();
    assert_eq!(group_rows(&app).await, 0);
    assert_same(store, "the demo").await;
    assert!(group_rows(&app).await > 0, "no groups were kept");
    // The dashboard's figures alone keep no groups: they are computed when
    // a breakdown is asked for.
    let figures_only: i64 = common::sql_scalar(
        &app,
        "SELECT COUNT(*) FROM commune_figures WHERE period NOT LIKE '%/groups' AND period NOT LIKE 'ids-%'",
        &[],
    )
    .await
    .unwrap();
    assert!(figures_only > 0);

    // A child added, then her sex, ethnicity and poverty changed by the
    // form: her commune's groups follow each change.
    let c = app.signed_in("banbo").await;
    let before = birth_groups(store, Dimension::Sex).await;
    let csrf = app.csrf(&c, "/children/new").await;
    let (status, location, body) =
        common::post_form(&app, &c, "/children/new", &form(&csrf, "F", "08", "poor")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let id = location
        .trim_start_matches("/children/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let added = birth_groups(store, Dimension::Sex).await;
    assert_eq!(count(&added, "F"), count(&before, "F") + 1);
    assert_eq!(count(&added, "M"), count(&before, "M"));
    let eth = birth_groups(store, Dimension::Ethnicity).await;
    let pov = birth_groups(store, Dimension::Poverty).await;

    let edit = format!("/children/{id}/edit");
    let csrf = app.csrf(&c, &edit).await;
    let mut changed = form(&csrf, "M", "01", "near_poor");
    changed.push(("version", "1"));
    let (status, _, body) = common::post_form(&app, &c, &edit, &changed).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let by_sex = birth_groups(store, Dimension::Sex).await;
    assert_eq!(count(&by_sex, "F"), count(&added, "F") - 1);
    assert_eq!(count(&by_sex, "M"), count(&added, "M") + 1);
    let by_eth = birth_groups(store, Dimension::Ethnicity).await;
    assert_eq!(count(&by_eth, "08"), count(&eth, "08") - 1);
    assert_eq!(count(&by_eth, "01"), count(&eth, "01") + 1);
    let by_pov = birth_groups(store, Dimension::Poverty).await;
    assert_eq!(count(&by_pov, "poor"), count(&pov, "poor") - 1);
    assert_eq!(count(&by_pov, "near_poor"), count(&pov, "near_poor") + 1);
    assert_same(store, "after the form").await;

    // The gaps page shows the kept groups: the boys' part after the edit.
    let (status, page) = app
        .get(&c, "/indicators/gaps?year=2026&half=0&by=sex")
        .await;
    assert_eq!(status, StatusCode::OK);
    let boys = by_sex.iter().find(|(g, ..)| g == "M").unwrap();
    assert!(page.contains(&format!("{}/{}", boys.1, boys.2)), "{page}");

    // A unit change drops every kept group with the figures.
    common::sql_scalar(
        &app,
        "UPDATE units SET name = name || ' ' WHERE code = '03424' RETURNING id",
        &[],
    )
    .await
    .unwrap();
    assert_eq!(
        group_rows(&app).await,
        0,
        "kept groups survived a unit change"
    );
    assert_same(store, "a unit change").await;
    // The figures themselves are still kept as before.
    let (rep, _) = kept::report(store, period((2026, false))).await.unwrap();
    assert!(!rep.units.is_empty());
}

/// Generated data beside the demo: a larger district.
async fn kept_groups_on_generated(backend: common::Backend) {
    let Some(app) = TestApp::spawn(backend, "kept_groups_on_generated").await else {
        return;
    };
    treem_web::shell::bootstrap::load_demo(app.store.as_ref(), 3000, 5, &|_| {})
        .await
        .unwrap();
    assert_same(app.store.as_ref(), "3,400 generated children").await;
}

on_both!(kept_groups_equal_engine);

mod generated {
    crate::on_both_backends!(kept_groups_on_generated);
    use super::kept_groups_on_generated;
}

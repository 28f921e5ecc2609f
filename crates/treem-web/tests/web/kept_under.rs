//! One unit's kept figures (issue 22: a province's first view of a period
//! computes its own communes, not the country's), on SQLite and
//! PostgreSQL: `kept::report_under` equals the engine's figures of that
//! unit and the units under it, computes only the communes under it, and
//! an unknown code gives every unit; the breakdowns the same
//! (`kept_groups::report_by_under`, `splits_under`), and the gaps page and
//! the report's download compute only the communes of the unit they show.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use treem_domain::indicators::{Dimension, Period};
use treem_web::indicators::figures::{self, Report};
use treem_web::indicators::{kept, kept_groups};

use crate::common::{self, TestApp};

/// The engine's report of `code` and the units under it.
async fn engine_under(app: &TestApp, period: Period, code: &str) -> Report {
    let (rep, history) = figures::report(app.store.as_ref(), period).await.unwrap();
    only_under(rep, &history, period, code)
}

/// `rep` with only `code` and the units under it.
fn only_under(
    mut rep: Report,
    history: &treem_domain::units::UnitHistory,
    period: Period,
    code: &str,
) -> Report {
    let root = history.resolve(code, period.reference_date()).unwrap();
    rep.units.retain(|u| {
        history
            .ancestors(&history.all()[u.unit])
            .iter()
            .any(|a| std::ptr::eq(*a, root))
    });
    rep
}

async fn kept_rows(app: &TestApp, period: &str) -> i64 {
    common::sql_scalar(
        app,
        &format!("SELECT COUNT(*) FROM commune_figures WHERE period = '{period}'"),
        &[],
    )
    .await
    .unwrap()
}

async fn one_unit_computes_its_own(app: TestApp) {
    let store = app.store.as_ref();
    let year = Period {
        year: 2025,
        half: false,
    };
    // A commune alone: one commune computed and kept.
    let (rep, _) = kept::report_under(store, year, "03424").await.unwrap();
    assert_eq!(rep, engine_under(&app, year, "03424").await);
    assert_eq!(rep.units.len(), 1);
    assert_eq!(kept_rows(&app, "2025").await, 1);
    // The province: every commune under it, the same figures as the engine
    // (the commune kept above read as kept).
    let (rep, history) = kept::report_under(store, year, "12").await.unwrap();
    assert_eq!(rep, engine_under(&app, year, "12").await);
    let root = history.resolve("12", year.reference_date()).unwrap();
    let communes = history
        .all()
        .iter()
        .filter(|u| u.level == treem_domain::units::Level::Commune)
        .filter(|u| u.valid_on(year.reference_date()))
        .filter(|u| history.ancestors(u).iter().any(|a| std::ptr::eq(*a, root)))
        .count() as i64;
    assert_eq!(kept_rows(&app, "2025").await, communes);
    // H1 2025: an old district (before the reform) and its communes.
    let h1 = Period {
        year: 2025,
        half: true,
    };
    let (rep, _) = kept::report_under(store, h1, "106").await.unwrap();
    assert_eq!(rep, engine_under(&app, h1, "106").await);
    assert!(rep.units.len() > 1);
    let all = kept_rows(&app, "2025h1").await;
    let (whole, _) = kept::report(store, h1).await.unwrap();
    assert!(
        all < kept_rows(&app, "2025h1").await,
        "the district's view computed communes outside it ({all})"
    );
    // An unknown code: every unit.
    let (rep, _) = kept::report_under(store, h1, "99999").await.unwrap();
    assert_eq!(rep, whole);
}

/// A commune officer's dashboard computes her commune alone, a province
/// officer's the province's communes; what they show is the engine's.
async fn a_dashboard_computes_its_own(app: TestApp) {
    let year = Period {
        year: 2025,
        half: false,
    };
    let c = app.signed_in("banbo").await;
    let (status, page) = app.get(&c, "/indicators?year=2025&half=0").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(kept_rows(&app, "2025").await, 1, "only her commune");
    // Her commune's ID link counted alone too (kept for today).
    let link_rows = || async {
        common::sql_scalar(
            &app,
            "SELECT COUNT(*) FROM commune_figures WHERE period LIKE 'ids-%'",
            &[],
        )
        .await
        .unwrap()
    };
    assert_eq!(link_rows().await, 1, "the ID link of her commune only");
    let engine = engine_under(&app, year, "03424").await;
    let reg = &engine.units[0].indicators[0].1;
    assert!(
        page.contains(&format!("{}/{}", reg.numerator, reg.denominator)),
        "the engine's birth registration {}/{} not on the page",
        reg.numerator,
        reg.denominator
    );
    let p = app.signed_in("tinh").await;
    let (status, page) = app.get(&p, "/indicators?year=2025&half=0").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let engine = engine_under(&app, year, "12").await;
    let province = engine.units.iter().find(|u| u.code == "12").unwrap();
    let reg = &province.indicators[0].1;
    assert!(page.contains(&format!("{}/{}", reg.numerator, reg.denominator)));
    assert!(kept_rows(&app, "2025").await > 1);
    assert!(link_rows().await > 1, "the province's ID link");
    // The commune officer's view again: her copy, still right.
    let (_, again) = app.get(&c, "/indicators?year=2025&half=0").await;
    let engine = engine_under(&app, year, "03424").await;
    let reg = &engine.units[0].indicators[0].1;
    assert!(again.contains(&format!("{}/{}", reg.numerator, reg.denominator)));
}

/// The breakdowns of one unit equal the engine's and compute only its
/// communes; so do the gaps page and the report's download.
async fn a_breakdown_computes_its_own(app: TestApp) {
    let store = app.store.as_ref();
    let year = Period {
        year: 2025,
        half: false,
    };
    let groups = "2025/groups";
    // The gaps page of a commune officer: her commune's groups alone.
    let c = app.signed_in("banbo").await;
    let (status, _) = app
        .get(&c, "/indicators/gaps?year=2025&half=0&by=ethnicity")
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(kept_rows(&app, groups).await, 1, "only her commune");
    // And what it reads is the engine's, for each dimension.
    let units = kept::Units::load(store).await.unwrap();
    let root = units
        .history
        .resolve("03424", year.reference_date())
        .unwrap();
    for dim in Dimension::ALL {
        let (engine, history) = figures::report_by(store, year, dim).await.unwrap();
        let kept = kept_groups::report_by_under(store, &units, year, dim, root)
            .await
            .unwrap();
        assert_eq!(kept, only_under(engine, &history, year, "03424"), "{dim:?}");
    }
    assert_eq!(kept_rows(&app, groups).await, 1);
    // Another commune's page is not hers to see: nothing computed for it.
    let (status, _) = app
        .get(&c, "/indicators/gaps?year=2025&half=0&unit=03390")
        .await;
    assert_eq!(status, reqwest::StatusCode::FORBIDDEN);
    assert_eq!(kept_rows(&app, groups).await, 1);
    // The province officer's report download: the province's communes.
    let p = app.signed_in("tinh").await;
    let (status, _) = app
        .get(&p, "/indicators/report?year=2025&half=0&format=xlsx")
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(
        kept_rows(&app, groups).await,
        kept_rows(&app, "2025").await,
        "the province's communes, their figures and groups"
    );
    let root = units.history.resolve("12", year.reference_date()).unwrap();
    let (report, splits) = kept_groups::splits_under(store, &units, year, root)
        .await
        .unwrap();
    let loaded = figures::load(store, year).await.unwrap();
    assert_eq!(
        report,
        only_under(figures::judge(&loaded, year), &units.history, year, "12")
    );
    for ((dim, kept), (_, engine)) in splits
        .into_iter()
        .zip(figures::splits(store, &loaded, year).await.unwrap())
    {
        assert_eq!(
            kept,
            only_under(engine, &units.history, year, "12"),
            "{dim:?}"
        );
    }
}

on_both!(
    one_unit_computes_its_own,
    a_dashboard_computes_its_own,
    a_breakdown_computes_its_own
);

//! Figures kept per commune (issue 20), on SQLite and PostgreSQL: the kept
//! figures equal the engine's for every unit and period (cold, warm, after
//! each kind of write), every kind of write marks its communes in the same
//! transaction, a unit file load drops what was kept, and a period before
//! the reform is grouped by the units valid then.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use reqwest::StatusCode;
use treem_domain::audit::AuditEvent;
use treem_domain::indicators::Period;
use treem_interchange::{DataSet, Options, Quiet, import};
use treem_store::Store;
use treem_web::indicators::{figures, kept, kept_link};

use crate::common::{self, TestApp};

const PERIODS: [(i32, bool); 5] = [
    (2024, false),
    (2025, true),
    (2025, false),
    (2026, true),
    (2026, false),
];

fn period((year, half): (i32, bool)) -> Period {
    Period { year, half }
}

/// The kept figures equal the engine's for every period, twice (computed,
/// then read back as kept).
async fn assert_same(store: &dyn Store, when: &str) {
    for p in PERIODS.map(period) {
        let (engine, _) = figures::report(store, p).await.unwrap();
        for round in ["computed", "kept"] {
            let (kept, _) = kept::report(store, p).await.unwrap();
            assert_eq!(
                kept, engine,
                "{when}: {p:?} ({round}) differs from the engine"
            );
        }
    }
}

async fn kept_rows(app: &TestApp) -> i64 {
    common::sql_scalar(app, "SELECT COUNT(*) FROM commune_figures", &[])
        .await
        .unwrap()
}

async fn mark_of(app: &TestApp, code: &str) -> i64 {
    let id = common::sql_scalar(
        app,
        &format!(
            "SELECT id FROM units WHERE code = '{code}' AND level = 'commune' ORDER BY id LIMIT 1"
        ),
        &[],
    )
    .await
    .unwrap();
    app.store
        .figure_marks()
        .await
        .unwrap()
        .into_iter()
        .find(|(u, _)| *u == id)
        .map_or(0, |(_, m)| m)
}

async fn kept_equal_engine(app: TestApp) {
    assert_eq!(kept_rows(&app).await, 0);
    assert_same(app.store.as_ref(), "the demo").await;
    assert!(kept_rows(&app).await > 0, "nothing was kept");
    // H1 2025 is grouped by the units valid on 30 June 2025: the district
    // and its old communes; the annual 2025 figures by the new communes.
    let (h1, _) = kept::report(app.store.as_ref(), period((2025, true)))
        .await
        .unwrap();
    let codes: Vec<&str> = h1.units.iter().map(|u| u.code.as_str()).collect();
    assert!(
        codes.contains(&"106") && codes.contains(&"03424"),
        "{codes:?}"
    );
    let (year, _) = kept::report(app.store.as_ref(), period((2025, false)))
        .await
        .unwrap();
    let codes: Vec<&str> = year.units.iter().map(|u| u.code.as_str()).collect();
    assert!(
        !codes.contains(&"106") && codes.contains(&"12"),
        "{codes:?}"
    );
}

fn table(rows: &[&str]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.split(',').map(str::to_string).collect())
        .collect()
}

async fn load(app: &TestApp, name: &str, rows: &[&str]) {
    let set = DataSet::from_tables(vec![(name, table(rows))]).unwrap();
    let opts = Options {
        as_of: NaiveDate::from_ymd_opt(2025, 3, 1),
        partial: false,
        check_only: false,
        actor: "test".into(),
        agency: None,
        actor_id: None,
        scope: None,
        today: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        reject_dir: None,
        workbook: false,
    };
    let r = import(app.store.as_ref(), &set, &opts, &Quiet)
        .await
        .unwrap();
    assert!(r.problems.is_empty(), "{name}: {}", r.render(true));
}

/// Each file kind of a data set marks the communes it writes under (and an
/// enrolment the school's), and the kept figures follow.
async fn imports_mark_their_communes(app: TestApp) {
    let store = app.store.as_ref();
    assert_same(store, "before").await;
    let steps: [(&str, &[&str], &[&str]); 8] = [
        (
            "children",
            &[
                "child_id,full_name,sex,date_of_birth,commune_code,birth_registered,birth_registration_date,status,status_date",
                "K1,Lò Thị Một,F,2024-01-01,03424,yes,2024-01-20,,",
                "K2,Lò Văn Hai,M,2014-02-02,03394,yes,2014-03-01,,",
            ],
            &["03424", "03394"],
        ),
        (
            "measurements",
            &[
                "child_id,measured_on,weight_kg,height_cm",
                "K1,2025-05-01,7.0,70.0",
            ],
            &["03424"],
        ),
        (
            "schools",
            &[
                "school_code,name,level,commune_code,year,sanitation_standard,psych_support",
                "TH99,Trường TH Thử,primary,03424,2024,yes,no",
            ],
            &["03424"],
        ),
        (
            "enrolments",
            &[
                "child_id,school_year,school_code,level,grade,status",
                "K2,2024-2025,TH99,primary,5,completed",
            ],
            // The pupil's commune and the school's.
            &["03394", "03424"],
        ),
        (
            "commune_assessments",
            &[
                "commune_code,year,child_friendly,play_spot",
                "03394,2023,no,yes",
            ],
            &["03394"],
        ),
        (
            "disasters",
            &[
                "event_id,commune_code,occurred_on,kind,children_affected,children_supported_timely",
                "E99,03394,2025-04-04,Lũ,7,3",
            ],
            &["03394"],
        ),
        (
            "participation",
            &["child_id,date,kind,note", "K2,2025-04-01,club,"],
            &["03394"],
        ),
        (
            "cases",
            &[
                "case_id,child_id,reported_on,harm_type,intervention_started_on,closed_on",
                "C99,K2,2025-03-01,neglect,2025-03-05,",
            ],
            &["03394"],
        ),
    ];
    for (name, rows, communes) in steps {
        let mut before = Vec::new();
        for c in communes {
            before.push(mark_of(&app, c).await);
        }
        load(&app, name, rows).await;
        for (c, b) in communes.iter().zip(before) {
            assert_ne!(mark_of(&app, c).await, b, "{name} did not mark {c}");
        }
        assert_same(store, name).await;
    }
}

/// The officer's forms, a case step that changes the exchange row, a merge,
/// a target and a unit file: the kept figures follow each.
async fn forms_steps_targets_units(app: TestApp) {
    let store = app.store.as_ref();
    assert_same(store, "before").await;
    // A measurement typed on the child's page.
    let c = app.signed_in("banbo").await;
    let child = common::children_under(&app, "03424")
        .await
        .into_iter()
        .find(|c| c.date_of_birth > NaiveDate::from_ymd_opt(2022, 6, 1).unwrap())
        .expect("a young child in the demo commune");
    let before = mark_of(&app, "03424").await;
    let csrf = app
        .csrf(&c, &format!("/children/{}/measurements/new", child.id))
        .await;
    let res = c
        .post(app.url(&format!("/children/{}/measurements", child.id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("measured_on", "02/05/2026"),
            ("weight_kg", "11.5"),
            ("height_cm", "92.0"),
            ("position", "standing"),
        ])
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    assert!(
        (status.is_success() || status.is_redirection()) && !body.contains("Hãy kiểm tra lại"),
        "{status}: {body}"
    );
    assert_ne!(
        mark_of(&app, "03424").await,
        before,
        "the form did not mark"
    );
    assert_same(store, "a measurement form").await;

    // A case reported and its emergency step: the exchange row's
    // intervention date.
    let officer = crate::cases::Api::new(&app, "banbo").await;
    let before = mark_of(&app, "03424").await;
    let v =
        crate::cases::open_case(&app, &officer, &child.child_id, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    assert_ne!(mark_of(&app, "03424").await, before, "a case did not mark");
    assert_same(store, "a case reported").await;
    let (without, _) = kept::report(store, period((2026, false))).await.unwrap();
    let (s, v) = officer
        .post(
            &app,
            &format!("/api/v1/cases/{id}/steps"),
            &serde_json::json!({"step": "initial_assessment", "at": "2026-03-02T10:00:00+07:00",
                "risk_level": "high", "notes": "Đánh giá ban đầu"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = officer
        .step(&app, id, "emergency_measures", "2026-03-02T20:15:00+07:00")
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (with, _) = kept::report(store, period((2026, false))).await.unwrap();
    assert_ne!(with, without, "the emergency step did not show");
    assert_same(store, "an emergency step").await;

    // Two records merged: the duplicate's records count for the survivor.
    let kids = common::children_under(&app, "03394").await;
    let (a, b) = (&kids[0], &kids[1]);
    let before = mark_of(&app, "03394").await;
    store
        .merge_children(
            b.id,
            a.id,
            AuditEvent::system("test", "children_merged", "child", &b.child_id),
        )
        .await
        .unwrap();
    assert_ne!(
        mark_of(&app, "03394").await,
        before,
        "the merge did not mark"
    );
    assert_same(store, "a merge").await;

    // A target is judged when read, never kept.
    let (first, _) = kept::report(store, period((2026, false))).await.unwrap();
    store
        .set_target(
            "participation_11plus",
            2026,
            Some(1.0),
            AuditEvent::system(
                "test",
                "target_changed",
                "indicator",
                "participation_11plus",
            ),
        )
        .await
        .unwrap();
    let (then, _) = kept::report(store, period((2026, false))).await.unwrap();
    assert_ne!(first, then, "the target did not show");
    assert_same(store, "a target").await;

    // A unit file load changes what communes are made of: nothing kept
    // survives it.
    assert!(kept_rows(&app).await > 0);
    sqlx_update_unit(&app).await;
    assert_eq!(
        kept_rows(&app).await,
        0,
        "kept figures survived a unit change"
    );
    assert_same(store, "a unit change").await;
}

/// A unit's name changed as a unit file load would (`apply_unit_merge`).
async fn sqlx_update_unit(app: &TestApp) {
    let stored: Vec<treem_domain::units::Unit> = app
        .store
        .units()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.unit)
        .collect();
    let mut file = stored.clone();
    let at = file.iter().position(|u| u.code == "03394").unwrap();
    file[at].name = format!("{} (đổi tên)", file[at].name);
    let merge = treem_domain::unit_file::merge_units(&stored, file).unwrap();
    assert_eq!(merge.changed.len(), 1);
    app.store
        .apply_unit_merge(
            &merge,
            AuditEvent::system("test", "units_loaded", "unit_file", "test"),
        )
        .await
        .unwrap();
}

/// The ID link's figure kept per commune equals the live count, before and
/// after a number changes.
async fn link_counts_equal_live(app: TestApp) {
    let store = app.store.as_ref();
    let today = treem_domain::clock::vn_today();
    let since = treem_interchange::ids_round::under_16_since(today);
    let same = || async {
        let units = treem_web::UnitIndex::new(store.units().await.unwrap());
        let (live, live_total) =
            treem_web::ids::link_rows_of(store, &units, &treem_store::Scope::All, today)
                .await
                .unwrap();
        let kept_units = kept::Units::load(store).await.unwrap();
        let (kept, _) = kept_link::link_counts(store, &kept_units, today, since, &|_| true)
            .await
            .unwrap();
        let mut by_code: Vec<(String, [i64; 3])> = kept
            .iter()
            .map(|(id, v, u, n)| (units.by_id(*id).unwrap().code.clone(), [*v, *u, *n]))
            .collect();
        by_code.sort();
        let mut live: Vec<(String, [i64; 3])> = live
            .into_iter()
            .map(|r| (r.code, [r.verified, r.unverified, r.none]))
            .collect();
        live.sort();
        assert_eq!(by_code, live);
        live_total
    };
    let before = same().await;
    assert!(before.total() > 0);
    let child = common::sql_scalar(
        &app,
        &format!(
            "SELECT id FROM children WHERE merged_into IS NULL AND status = 'active'
               AND (national_id IS NULL OR national_id = '') AND date_of_birth > '{since}'
             ORDER BY id LIMIT 1"
        ),
        &[],
    )
    .await
    .expect("a child under 16 without a number");
    // A number recorded (the registry's own form and import check it; the
    // figure only asks whether there is one).
    common::sql_scalar(
        &app,
        "UPDATE children SET national_id = '012325000001' WHERE id = $1 RETURNING id",
        &[child],
    )
    .await
    .unwrap();
    let after = same().await;
    assert_eq!(after.none, before.none - 1);
    assert_eq!(after.unverified, before.unverified + 1);
}

/// Generated data beside the demo: a larger district.
async fn kept_on_generated(backend: common::Backend) {
    let Some(app) = TestApp::spawn(backend, "kept_on_generated").await else {
        return;
    };
    treem_web::shell::bootstrap::load_demo(app.store.as_ref(), 3000, 5, &|_| {})
        .await
        .unwrap();
    assert_same(app.store.as_ref(), "3,400 generated children").await;
}

/// The `N/D` the dashboard shows for an indicator.
fn shown(html: &str, key: &str) -> String {
    let row = &html[html.find(&format!("<tr id=\"{key}\">")).expect(key)..];
    let link = &row[row.find(&format!("/indicators/{key}?")).expect(key)..];
    let at = link.find('>').unwrap() + 1;
    link[at..at + link[at..].find('<').unwrap()].to_string()
}

/// The engine's `N/D` for a unit and an indicator.
async fn engine(store: &dyn Store, code: &str, key: &str) -> String {
    let (report, _) = figures::report(store, period((2026, false))).await.unwrap();
    let unit = report.units.iter().find(|u| u.code == code).unwrap();
    let (_, f) = unit.indicators.iter().find(|(k, _)| *k == key).unwrap();
    format!("{}/{}", f.numerator, f.denominator)
}

/// The server's copy of what the dashboard read follows every write and
/// every unit change, made by anyone (here behind the server's back, as
/// another server or a `sqlite3` shell would): each view is what the
/// engine computes at that moment.
async fn dashboard_copy_follows_writes(app: TestApp) {
    let store = app.store.as_ref();
    let c = app.signed_in("admin1").await;
    let view = |query: &'static str| {
        let url = app.url(&format!("/indicators?{query}"));
        let c = c.clone();
        async move {
            let res = c.get(url).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.text().await.unwrap()
        }
    };
    let key = "birth_registration_u5";
    let first = view("year=2026&half=0&unit=03424").await;
    let again = view("year=2026&half=0&unit=03424").await;
    assert_eq!(shown(&first, key), engine(store, "03424", key).await);
    assert_eq!(shown(&again, key), shown(&first, key));
    // A registered child under five of the commune, no longer registered.
    let child = common::sql_scalar(
        &app,
        "UPDATE children SET birth_registered = FALSE WHERE id = (
           SELECT c.id FROM children c JOIN units u ON u.id = c.unit_id
           WHERE u.code = '03424' AND c.merged_into IS NULL AND c.status = 'active'
             AND c.birth_registered = TRUE AND c.date_of_birth > '2023-01-01'
           ORDER BY c.id LIMIT 1)
         RETURNING id",
        &[],
    )
    .await;
    assert!(child.is_some(), "no registered child under five in 03424");
    let now = engine(store, "03424", key).await;
    assert_ne!(now, shown(&first, key), "the write changed nothing");
    assert_eq!(
        shown(&view("year=2026&half=0&unit=03424").await, key),
        now,
        "a stale copy shown"
    );
    // A unit renamed (one that the reform merged: its 2024 page): the
    // units are read again.
    assert!(
        !view("year=2024&half=0&unit=03394")
            .await
            .contains("(đổi tên)")
    );
    sqlx_update_unit(&app).await;
    let renamed = view("year=2024&half=0&unit=03394").await;
    assert!(
        renamed.contains("(đổi tên)"),
        "the units' copy outlived a unit change: {}",
        &renamed[renamed.find("<h1").unwrap_or(0)..][..400]
    );
    assert_eq!(shown(&view("year=2026&half=0&unit=03424").await, key), now);
}

on_both!(
    kept_equal_engine,
    link_counts_equal_live,
    imports_mark_their_communes,
    forms_steps_targets_units,
    dashboard_copy_follows_writes
);

mod generated {
    crate::on_both_backends!(kept_on_generated);
    use super::kept_on_generated;
}

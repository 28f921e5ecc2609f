//! Village days over a real socket, on both backends: a session prepared,
//! its list, entries sent (and sent again), conflicts kept and resolved,
//! attendance becoming participation, and the checks an attacker meets.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::{Duration, NaiveDate};
use common::{TestApp, post_form};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use treem_domain::audit::AuditEvent;
use treem_domain::clock::vn_today;
use treem_domain::i18n::fmt_date;
use treem_store::{ChildRow, MeasuredRow, ZRecord};

/// A village of Bản Bo with at least `n` resident children born after
/// `born_after`, and those children.
async fn village_with(app: &TestApp, born_after: NaiveDate, n: usize) -> (String, Vec<ChildRow>) {
    let kids = common::children_under(app, "03424").await;
    let mut by_village: std::collections::BTreeMap<String, Vec<ChildRow>> = Default::default();
    for k in kids {
        if k.status == "active"
            && k.date_of_birth > born_after
            && let Some(v) = k.village.clone()
        {
            by_village.entry(v).or_default().push(k);
        }
    }
    by_village
        .into_iter()
        .find(|(_, v)| v.len() >= n)
        .expect("a village with enough children")
}

/// Prepares a session; returns its id.
async fn prepare(app: &TestApp, c: &Client, village: &str, kind: &str) -> i64 {
    app.prepare_village(c, village, kind)
        .await
        .trim_start_matches("/village/")
        .parse()
        .unwrap()
}

async fn csrf(app: &TestApp, c: &Client) -> String {
    let me: Value = c
        .get(app.url("/village/whoami"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    me["csrf"].as_str().unwrap().to_string()
}

/// Sends entries; returns the status and the answer.
async fn send(app: &TestApp, c: &Client, session: i64, entries: Value) -> (StatusCode, Value) {
    let token = csrf(app, c).await;
    let res = c
        .post(app.url(&format!("/village/{session}/entries")))
        .header("x-csrf-token", token)
        .json(&json!({ "entries": entries }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

fn states(answer: &Value) -> Vec<String> {
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap().to_string())
        .collect()
}

fn id(n: u32) -> String {
    format!("e2e0{n:016x}abcd")
}

async fn count(app: &TestApp, sql: &str, args: &[i64]) -> i64 {
    common::sql_scalar(app, sql, args).await.unwrap_or(0)
}

async fn a_weighing_day_is_stored_once_and_conflicts_wait(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let today = vn_today();
    let (village, kids) = village_with(&app, today - Duration::days(5 * 365 - 10), 3).await;
    let session = prepare(&app, &c, &village, "weighing").await;

    // The list: the village's under-fives, with what the field needs only.
    let list = app.json(&c, &format!("/village/{session}/list.json")).await;
    assert_eq!(list["account"], "banbo");
    assert_eq!(list["session"]["village"], village.as_str());
    let listed = list["children"].as_array().unwrap();
    assert!(listed.len() >= 3, "{list}");
    for child in listed {
        for key in child.as_object().unwrap().keys() {
            assert!(
                ["id", "code", "name", "sex", "born", "mother", "last"].contains(&key.as_str()),
                "{key} is not for the field"
            );
        }
    }
    let on_list = |k: &ChildRow| listed.iter().any(|l| l["id"] == k.id);
    let kids: Vec<&ChildRow> = kids.iter().filter(|k| on_list(k)).collect();
    let (a, b, cc) = (kids[0], kids[1], kids[2]);

    let measurements_before = count(&app, "SELECT COUNT(*) FROM measurements", &[]).await;
    let children_before = app.children_total().await;
    let batch = json!([
        {"id": id(1), "child": a.id, "weight_kg": 10.4, "height_cm": 82.5, "position": "standing"},
        {"id": id(2), "child": b.id, "weight_kg": 12.1, "height_cm": 88.0},
        {"id": id(3), "new_child": {"full_name": "Lò Thị Phương Anh", "sex": "F",
            "date_of_birth": "2024-02-29", "mother_name": "Lò Thị Xuân"}, "weight_kg": 9.8, "height_cm": 78.0, "position": "lying"}
    ]);
    let (status, answer) = send(&app, &c, session, batch.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(states(&answer), ["stored", "stored", "stored"], "{answer}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM measurements", &[]).await,
        measurements_before + 3
    );
    assert_eq!(app.children_total().await, children_before + 1);
    // The same entries again (a lost answer): nothing more is stored.
    let (_, again) = send(&app, &c, session, batch).await;
    assert_eq!(states(&again), ["stored", "stored", "stored"]);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM measurements", &[]).await,
        measurements_before + 3
    );
    assert_eq!(app.children_total().await, children_before + 1);
    // The new child is in the session's village, with her measurement.
    let new_id = count(&app, "SELECT MAX(id) FROM children", &[]).await;
    let new = app.store.child(new_id).await.unwrap().unwrap();
    assert_eq!(new.full_name, "Lò Thị Phương Anh");
    assert_eq!(new.village.as_deref(), Some(village.as_str()));
    assert_eq!(app.store.measurements(new_id).await.unwrap().len(), 1);

    // Meanwhile someone stores another weight for C on that day.
    let stored = MeasuredRow {
        measured_on: today,
        weight_kg: Some(9.0),
        height_cm: None,
        position: None,
        oedema: false,
        head_cm: None,
    };
    let z = ZRecord::from_assessed(&treem_domain::nutrition::assess(
        treem_growth::Sex::Male,
        cc.date_of_birth,
        &stored.measured(),
    ));
    app.store
        .add_measurement(
            cc.id,
            &stored,
            &z,
            AuditEvent::system("test", "measurement_added", "measurement", ""),
        )
        .await
        .unwrap();
    let (_, answer) = send(
        &app,
        &c,
        session,
        json!([
            {"id": id(4), "child": cc.id, "weight_kg": 11.0},
            {"id": id(5), "child": cc.id, "weight_kg": 9.0},
            {"id": id(6), "child": a.id, "weight_kg": 0.0},
            {"id": "x", "child": a.id, "weight_kg": 10.0},
            {"id": id(7), "new_child": {"full_name": new.full_name, "sex": "F",
                "date_of_birth": "2024-02-29", "mother_name": "Lò Thị Xuân"}, "weight_kg": 9.9}
        ]),
    )
    .await;
    assert_eq!(
        states(&answer),
        ["conflict", "stored", "conflict", "refused", "conflict"],
        "{answer}"
    );
    assert_eq!(answer["results"][0]["reason"], "measured_differs");
    assert_eq!(answer["results"][2]["reason"], "invalid");
    assert_eq!(answer["results"][4]["reason"], "looks_like");
    // Nothing was overwritten.
    let on_day = app.store.measurements(cc.id).await.unwrap();
    assert_eq!(on_day.last().unwrap().measured.weight_kg, Some(9.0));

    // The office page lists the conflicts; the phone's value is chosen.
    let (status, page) = app.get(&c, &format!("/village/{session}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("class=\"card conflict\"").count(), 3, "{page}");
    let page_csrf = common::csrf_of(&page);
    let resolve = format!("/village/entries/{}/resolve", id(4));
    let (status, location, _) = post_form(
        &app,
        &c,
        &resolve,
        &[("csrf", &page_csrf), ("choice", "replace")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("resolved=1"), "{location}");
    let now = app.store.measurements(cc.id).await.unwrap();
    assert_eq!(now.len(), on_day.len(), "replaced, not added");
    assert_eq!(now.last().unwrap().measured.weight_kg, Some(11.0));
    assert_eq!(app.store.measurement_changes(cc.id).await.unwrap().len(), 1);
    // A second resolution changes nothing; a choice that does not fit is refused.
    let (_, location, _) = post_form(
        &app,
        &c,
        &resolve,
        &[("csrf", &page_csrf), ("choice", "dismiss")],
    )
    .await;
    assert!(location.contains("already=1"), "{location}");
    let (status, _, _) = post_form(
        &app,
        &c,
        &format!("/village/entries/{}/resolve", id(6)),
        &[("csrf", &page_csrf), ("choice", "replace")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // The look-alike is the child already recorded: nothing new is made.
    let (_, location, _) = post_form(
        &app,
        &c,
        &format!("/village/entries/{}/resolve", id(7)),
        &[("csrf", &page_csrf), ("choice", "dismiss")],
    )
    .await;
    assert!(location.contains("resolved=1"));
    assert_eq!(app.children_total().await, children_before + 1);
    // The phone learns how its conflicts ended.
    let (_, answer) = send(
        &app,
        &c,
        session,
        json!([{"id": id(4), "child": cc.id, "weight_kg": 11.0}]),
    )
    .await;
    assert_eq!(states(&answer), ["resolved"]);
    // Every stored entry is audited.
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'village_entry_stored'",
            &[]
        )
        .await
            >= 4
    );
    // Every action a village day writes has a name on the audit page.
    let log = app
        .store
        .audit_entries(&treem_store::AuditQuery {
            limit: 100_000,
            ..Default::default()
        })
        .await
        .unwrap();
    for e in &log {
        assert!(
            treem_domain::audit::ACTIONS.contains(&e.event.action.as_str()),
            "{}",
            e.event.action
        );
    }
}

async fn attendance_becomes_participation_once(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let today = vn_today();
    let (village, _) = village_with(&app, today - Duration::days(16 * 365), 1).await;
    let session = prepare(&app, &c, &village, "club").await;
    let list = app.json(&c, &format!("/village/{session}/list.json")).await;
    let listed = list["children"].as_array().unwrap();
    for child in listed {
        let born = NaiveDate::parse_from_str(child["born"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let age = treem_domain::child::age_years(born, today);
        assert!((11..=15).contains(&age), "a club is for ages 11–15: {age}");
    }
    let Some(first) = listed.first() else {
        return;
    };
    let child = first["id"].as_i64().unwrap();
    let entry = json!([{"id": id(20), "child": child, "present": true}]);
    let (_, answer) = send(&app, &c, session, entry.clone()).await;
    assert_eq!(states(&answer), ["stored"], "{answer}");
    send(&app, &c, session, entry).await;
    let sql = "SELECT COUNT(*) FROM participation WHERE child_id = $1 AND kind = 'club'";
    assert_eq!(count(&app, sql, &[child]).await, 1);
    // Another entry for the same day and activity keeps the one record.
    let (_, answer) = send(
        &app,
        &c,
        session,
        json!([{"id": id(21), "child": child, "present": true}]),
    )
    .await;
    assert_eq!(states(&answer), ["stored"]);
    assert_eq!(count(&app, sql, &[child]).await, 1);
}

async fn other_units_and_forged_requests_are_refused(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let today = vn_today();
    let (village, kids) = village_with(&app, today - Duration::days(5 * 365 - 10), 1).await;
    let session = prepare(&app, &c, &village, "weighing").await;
    // Another commune's officer does not see the session at all.
    let other = app.signed_in("binhlu").await;
    for path in [
        format!("/village/{session}"),
        format!("/village/{session}/list.json"),
        format!("/village/{session}/print"),
        format!("/village/{session}/sheet.xlsx"),
    ] {
        assert_eq!(
            app.get(&other, &path).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let (status, _) = send(
        &app,
        &other,
        session,
        json!([{"id": id(30), "child": kids[0].id, "weight_kg": 10.0}]),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A viewer prepares nothing.
    let viewer = app.signed_in("xem").await;
    assert_eq!(app.get(&viewer, "/village").await.0, StatusCode::FORBIDDEN);
    // A child of another commune, sent to this session, is refused.
    let elsewhere = common::children_under(&app, "03390").await;
    let before = app.store.measurements(elsewhere[0].id).await.unwrap().len();
    let (_, answer) = send(
        &app,
        &c,
        session,
        json!([{"id": id(31), "child": elsewhere[0].id, "weight_kg": 10.0}]),
    )
    .await;
    assert_eq!(states(&answer), ["refused"]);
    assert_eq!(
        app.store.measurements(elsewhere[0].id).await.unwrap().len(),
        before
    );
    // Without the token, nothing is taken.
    let res = c
        .post(app.url(&format!("/village/{session}/entries")))
        .json(&json!({"entries": [{"id": id(32), "child": kids[0].id, "weight_kg": 10.0}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // An entry id another account used is not answered for it.
    send(
        &app,
        &c,
        session,
        json!([{"id": id(33), "child": kids[0].id, "weight_kg": 10.0}]),
    )
    .await;
    let colleague = app.signed_in("chutich").await;
    let (_, answer) = send(
        &app,
        &colleague,
        session,
        json!([{"id": id(33), "child": kids[0].id, "weight_kg": 10.0}]),
    )
    .await;
    assert_eq!(states(&answer), ["refused"]);
    // Too many entries in one request.
    let many: Vec<Value> = (0..201)
        .map(|n| json!({"id": id(1000 + n), "child": kids[0].id, "weight_kg": 10.0}))
        .collect();
    assert_eq!(
        send(&app, &c, session, Value::Array(many)).await.0,
        StatusCode::BAD_REQUEST
    );
    // The form refuses a village with no child and a commune out of scope.
    let csrf = app.csrf(&c, "/village").await;
    let day = fmt_date(today);
    for (commune, village) in [("03424", "Thôn không có"), ("03390", village.as_str())] {
        let (status, _, body) = post_form(
            &app,
            &c,
            "/village",
            &[
                ("csrf", &csrf),
                ("commune", commune),
                ("village", village),
                ("kind", "weighing"),
                ("held_on", &day),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
}

async fn a_session_still_to_come_stores_nothing(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let today = vn_today();
    let (village, kids) = village_with(&app, today - Duration::days(5 * 365 - 10), 1).await;
    let csrf = app.csrf(&c, "/village").await;
    let tomorrow = fmt_date(today + Duration::days(1));
    let (status, location, _) = post_form(
        &app,
        &c,
        "/village",
        &[
            ("csrf", &csrf),
            ("commune", "03424"),
            ("village", &village),
            ("kind", "weighing"),
            ("held_on", &tomorrow),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let session: i64 = location
        .trim_start_matches("/village/")
        .trim_end_matches("?made=1")
        .parse()
        .unwrap();
    let before = app.store.measurements(kids[0].id).await.unwrap().len();
    let (_, answer) = send(
        &app,
        &c,
        session,
        json!([{"id": id(40), "child": kids[0].id, "weight_kg": 10.0}]),
    )
    .await;
    assert_eq!(states(&answer), ["conflict"]);
    assert_eq!(answer["results"][0]["reason"], "future");
    assert_eq!(
        app.store.measurements(kids[0].id).await.unwrap().len(),
        before
    );
}

on_both!(
    a_weighing_day_is_stored_once_and_conflicts_wait,
    attendance_becomes_participation_once,
    other_units_and_forged_requests_are_refused,
    a_session_still_to_come_stores_nothing,
);

//! Child-protection cases end to end over a real socket, on SQLite and
//! PostgreSQL: the whole procedure through the API, access for everyone
//! who should not see a case, the audit of every read, sealed storage.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{TestApp, post_form, token};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use treem_store::{AuditQuery, ExportFile, Value as Cell};

const NARRATIVE: &str = "Cháu bị cha dượng đánh bầm tím lưng, bỏ đói hai ngày — NARRATIVE-7731";
const ABUSER: &str = "Giàng A Páo, bản Nà Tăm — ABUSER-5520";
const NOTE: &str = "Đã đưa cháu đến trạm y tế — NOTE-9042";

pub(crate) struct Api {
    c: Client,
    token: String,
}

impl Api {
    pub(crate) async fn new(app: &TestApp, user: &str) -> Api {
        Api {
            c: Client::new(),
            token: token(app, user).await,
        }
    }

    pub(crate) async fn get(&self, app: &TestApp, path: &str) -> (StatusCode, Value) {
        let res = self
            .c
            .get(app.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub(crate) async fn post(
        &self,
        app: &TestApp,
        path: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        let res = self
            .c
            .post(app.url(path))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub(crate) async fn step(
        &self,
        app: &TestApp,
        id: i64,
        step: &str,
        at: &str,
    ) -> (StatusCode, Value) {
        let body = json!({ "step": step, "at": at, "notes": format!("{step}: {NOTE}") });
        self.post(app, &format!("/api/v1/cases/{id}/steps"), &body)
            .await
    }
}

/// A child of Bản Bo (the `banbo` officer's commune): (child code, name).
pub(crate) async fn banbo_child(app: &TestApp) -> (String, String) {
    let c = &common::children_under(app, "03424").await[0];
    (c.child_id.clone(), c.full_name.clone())
}

pub(crate) async fn open_case(app: &TestApp, officer: &Api, child: &str, received: &str) -> Value {
    let body = json!({
        "child_id": child, "received_at": received, "source": "hotline_111",
        "harm_types": ["violence", "neglect"], "risk_level": "high",
        "relation": "step_parent", "summary": NARRATIVE, "abuser": ABUSER,
    });
    let (status, v) = officer.post(app, "/api/v1/cases", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

async fn the_whole_procedure(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let chair = Api::new(&app, "chutich").await;
    let (child, name) = banbo_child(&app).await;
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["case_number"], "03424-2026-0001");
    assert_eq!(v["step"], "received");
    assert_eq!(v["deadlines"]["emergency_by"], "2026-03-02T20:15:00+07:00");
    assert_eq!(v["deadlines"]["plan_by"], "2026-03-09T23:59:59+07:00");
    assert_eq!(v["summary"], NARRATIVE);
    assert_eq!(v["abuser"], ABUSER);
    assert_eq!(v["child"]["full_name"], name.as_str());
    assert_eq!(v["harm_types"], json!(["violence", "neglect"]));
    // Unlawful transitions are refused with 409 and change nothing.
    let (s, e) = officer
        .step(&app, id, "plan_approved", "2026-03-02T09:00:00+07:00")
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"], "transition_not_allowed");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "Không thể chuyển từ «Tiếp nhận thông tin, thông báo» sang «Phê duyệt kế hoạch»"
        ) && message.contains("«Đánh giá nguy cơ ban đầu» (initial_assessment)")
            && !message.contains("cannot"),
        "{message}"
    );
    let (s, _) = officer
        .step(&app, id, "closed", "2026-03-02T09:00:00+07:00")
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // Bad input is located.
    let (s, e) = officer
        .step(&app, id, "approve", "2026-03-02T09:00:00+07:00")
        .await;
    assert_eq!(
        (s, e["problems"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("step"))
    );
    let (s, e) = officer
        .step(&app, id, "initial_assessment", "2026-03-01T09:00:00+07:00")
        .await;
    assert_eq!(
        (s, e["problems"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("at")),
        "before the report"
    );
    let (s, _) = officer
        .step(&app, id, "initial_assessment", "2999-01-01T09:00:00+07:00")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "in the future");
    let (s, _) = officer
        .post(
            &app,
            &format!("/api/v1/cases/{id}/steps"),
            &json!({"step": "review", "colour": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "unknown fields");
    // Emergency: an initial assessment, then measures within 12 hours.
    let (s, v) = officer.post(&app, &format!("/api/v1/cases/{id}/steps"),
        &json!({"step": "initial_assessment", "at": "2026-03-02T10:00:00+07:00", "risk_level": "high", "notes": NOTE})).await;
    assert_eq!(
        (s, v["step"].as_str()),
        (StatusCode::OK, Some("initial_assessment")),
        "{v}"
    );
    let (s, v) = officer
        .step(&app, id, "emergency_measures", "2026-03-02T20:15:00+07:00")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["emergency_at"], "2026-03-02T20:15:00+07:00");
    for (step, at) in [
        ("detailed_assessment", "2026-03-03T09:00:00+07:00"),
        ("plan_drafted", "2026-03-05T09:00:00+07:00"),
    ] {
        assert_eq!(
            officer.step(&app, id, step, at).await.0,
            StatusCode::OK,
            "{step}"
        );
    }
    // Only the commune chair approves; the officer cannot approve her own
    // plan. The chair needs no one to add her: she reads the case.
    assert_eq!(
        officer
            .step(&app, id, "plan_approved", "2026-03-05T10:00:00+07:00")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        chair.get(&app, &format!("/api/v1/cases/{id}")).await.0,
        StatusCode::OK
    );
    let web = app.signed_in("banbo").await;
    // The chair returns the plan; the officer drafts again; the chair approves.
    assert_eq!(
        chair
            .step(&app, id, "plan_returned", "2026-03-05T11:00:00+07:00")
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        chair
            .step(&app, id, "plan_drafted", "2026-03-06T09:00:00+07:00")
            .await
            .0,
        StatusCode::FORBIDDEN,
        "the chair drafts no plan"
    );
    assert_eq!(
        officer
            .step(&app, id, "plan_drafted", "2026-03-06T09:00:00+07:00")
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        chair
            .step(&app, id, "plan_approved", "2026-03-06T15:00:00+07:00")
            .await
            .0,
        StatusCode::OK
    );
    // Carried out, reviewed, planned again, and closed.
    for (who, step, at) in [
        (&officer, "implementation", "2026-03-07T08:00:00+07:00"),
        (&officer, "review", "2026-04-07T08:00:00+07:00"),
        (&officer, "replan", "2026-04-07T09:00:00+07:00"),
        (&officer, "plan_drafted", "2026-04-08T09:00:00+07:00"),
        (&chair, "plan_approved", "2026-04-08T15:00:00+07:00"),
        (&officer, "implementation", "2026-04-09T08:00:00+07:00"),
        (&officer, "review", "2026-05-09T08:00:00+07:00"),
        // Closed by the chair's decision on the officer's proposal.
        (&officer, "closure_proposed", "2026-05-09T08:30:00+07:00"),
        (&chair, "closed", "2026-05-09T09:00:00+07:00"),
    ] {
        let (s, v) = who.step(&app, id, step, at).await;
        assert_eq!(s, StatusCode::OK, "{step}: {v}");
    }
    let (_, v) = officer.get(&app, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(v["step"], "closed");
    assert_eq!(v["steps"].as_array().unwrap().len(), 17);
    assert_eq!(
        v["steps"][2]["notes"],
        format!("emergency_measures: {NOTE}")
    );
    assert_eq!(v["next_steps"], json!([]));
    assert_eq!(
        officer
            .step(&app, id, "review", "2026-05-10T09:00:00+07:00")
            .await
            .0,
        StatusCode::CONFLICT
    );
    // The exchange row feeds abuse_intervention: reported on the day, helped from the emergency.
    let rows = app
        .store
        .export_page(ExportFile::Cases, 0, 100)
        .await
        .unwrap();
    let row = rows
        .iter()
        .map(|(_, r)| r)
        .find(|r| r[0] == Cell::Text(Some("03424-2026-0001".into())))
        .unwrap();
    let day = |m, d| Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, m, d));
    assert!(row.contains(&day(3, 2)), "{row:?}");
    assert!(row.contains(&day(5, 9)), "closed on: {row:?}");
    // The pages show it too: the case, a printable form, the list.
    let (s, page) = app.get(&web, &format!("/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("03424-2026-0001") && page.contains("Đóng hồ sơ") && page.contains(&name)
    );
    for n in 1..=6 {
        let (s, form) = app.get(&web, &format!("/cases/{id}/forms/{n}")).await;
        assert_eq!(s, StatusCode::OK, "form {n}");
        assert!(
            form.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") && form.contains(&name),
            "form {n}"
        );
    }
    assert!(
        app.get(&web, &format!("/cases/{id}/forms/1"))
            .await
            .1
            .contains("NARRATIVE-7731")
    );
    // Form 05 is the draft decision approving the plan (art. 28), for the
    // chair's signature: the latest plan's date, the decree as its basis.
    let (_, form) = app.get(&web, &format!("/cases/{id}/forms/5")).await;
    for needle in [
        "/QĐ-UBND",
        "<h1>QUYẾT ĐỊNH</h1>",
        "Về việc phê duyệt kế hoạch hỗ trợ, can thiệp đối với trẻ em",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BẢN BO",
        "Căn cứ Nghị định số 56/2017/NĐ-CP ngày 09 tháng 5 năm 2017",
        "kế hoạch hỗ trợ, can thiệp lập ngày 08/04/2026",
        "hồ sơ trường hợp số 03424-2026-0001",
        "Như Điều 3;",
    ] {
        assert!(form.contains(needle), "{needle}: {form}");
    }
    assert!(
        !form.contains("NARRATIVE-7731"),
        "the decision holds no narrative"
    );
    // The chair's decision on the emergency measures, with the measures
    // as the officer recorded them.
    let (s, doc) = app
        .get(&web, &format!("/cases/{id}/decisions/emergency"))
        .await;
    assert_eq!(s, StatusCode::OK);
    for needle in [
        "Về việc áp dụng biện pháp khẩn cấp bảo vệ trẻ em",
        "ngày 02/03/2026 về việc áp dụng biện pháp khẩn cấp",
        &format!("emergency_measures: {NOTE}"),
        &name,
    ] {
        assert!(doc.contains(needle), "{needle}: {doc}");
    }
    assert_eq!(
        app.get(&web, &format!("/cases/{id}/forms/7")).await.0,
        StatusCode::NOT_FOUND
    );
    // In English the pages name steps, harms and risk in English; the
    // printed forms stay Vietnamese (they are legal documents), with each
    // step's notes still found.
    assert_eq!(
        app.get(&web, "/lang/en?next=%2Fcases").await.0,
        StatusCode::SEE_OTHER
    );
    let (_, page) = app.get(&web, &format!("/cases/{id}")).await;
    assert!(
        page.contains("Case closed") && page.contains("Violence, Neglect"),
        "{page}"
    );
    assert!(!page.contains("Đóng hồ sơ") && !page.contains("Bạo lực"));
    let (_, list) = app.get(&web, "/cases").await;
    assert!(list.contains("Case closed") && !list.contains("Đóng hồ sơ"));
    let (_, form) = app.get(&web, &format!("/cases/{id}/forms/1")).await;
    assert!(form.contains("Bạo lực, Bỏ mặc, sao nhãng") && !form.contains("Violence"));
    let (_, form) = app.get(&web, &format!("/cases/{id}/forms/2")).await;
    assert!(
        form.contains("Thời điểm đánh giá: 02/03/2026 10:00")
            && form.contains(&format!("<p class=\"prose box\">{NOTE}</p>")),
        "{form}"
    );
}

async fn nobody_else_sees_a_case(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let (child, name) = banbo_child(&app).await;
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    // Another commune's officer, a viewer, an unassigned district officer,
    // an unassigned case worker and the administrator: nothing, on every route.
    for user in ["binhlu", "xem", "huyen", "hotro", "admin1"] {
        let api = Api::new(&app, user).await;
        let res = api
            .c
            .get(app.url(&format!("/api/v1/cases/{id}")))
            .bearer_auth(&api.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{user}");
        assert!(!res.text().await.unwrap().contains(&name), "{user}");
        let (s, _) = api
            .step(&app, id, "initial_assessment", "2026-03-02T10:00:00+07:00")
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{user} steps");
        let (_, list) = api.get(&app, "/api/v1/cases?overdue=true").await;
        assert_eq!(list["total"], 0, "{user}");
        let web = app.signed_in(user).await;
        for path in [format!("/cases/{id}"), format!("/cases/{id}/forms/1")] {
            let (s, body) = app.get(&web, &path).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{user} {path}");
            assert!(
                !body.contains(&name) && !body.contains("NARRATIVE-7731"),
                "{user} {path}"
            );
        }
        let (s, list) = app.get(&web, "/cases").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            !list.contains(&name) && !list.contains("NARRATIVE"),
            "{user} sees counts only"
        );
    }
    // The officer's own list shows her case as overdue.
    let own = app.signed_in("banbo").await;
    let (s, list) = app.get(&own, "/cases").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        list.contains("03424-2026-0001") && list.contains("Quá hạn"),
        "{list}"
    );
    // The viewer of the province sees the count.
    let web = app.signed_in("xem").await;
    assert!(app.get(&web, "/cases").await.1.contains("Bản Bo"));
    // Nobody outside the scope may open a case for a child of Bản Bo.
    let other = Api::new(&app, "binhlu").await;
    let body = json!({"child_id": child, "received_at": "2026-03-02T08:15:00+07:00", "source": "police",
        "harm_types": ["violence"], "summary": "x"});
    let (s, e) = other.post(&app, "/api/v1/cases", &body).await;
    assert_eq!(
        (s, e["problems"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("child_id"))
    );
    let viewer = Api::new(&app, "xem").await;
    assert_eq!(
        viewer.post(&app, "/api/v1/cases", &body).await.0,
        StatusCode::FORBIDDEN
    );
    // The officer's overdue list: the 12 hours have long passed.
    let (_, list) = officer.get(&app, "/api/v1/cases?overdue=true").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["urgency"], "overdue");
    assert!(
        list.to_string().find(&name).is_none(),
        "lists carry no names"
    );
    // Every read and every refusal is in the audit log, and the chain holds.
    let admin = app.signed_in("admin1").await;
    let audit = app
        .store
        .audit_entries(&AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    let reads = audit
        .iter()
        .filter(|e| e.event.action == "case_read" && e.event.record_id == id.to_string())
        .count();
    let denied: Vec<&str> = audit
        .iter()
        .filter(|e| e.event.action == "case_read_denied")
        .map(|e| e.event.actor.as_str())
        .collect();
    assert!(reads >= 1, "the officer's read");
    for user in ["binhlu", "xem", "huyen", "hotro", "admin1"] {
        assert!(denied.contains(&user), "{user} refused and logged");
    }
    assert!(
        audit.iter().all(|e| !e.event.detail.contains("NARRATIVE")),
        "no contents in the log"
    );
    let (s, body) = app.get(&admin, "/admin/audit/verify").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        treem_web::verify_chain(app.store.as_ref()).await.is_ok(),
        "{body}"
    );
}

async fn break_glass_is_granted_logged_and_shown(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let (child, _) = banbo_child(&app).await;
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    let number = v["case_number"].as_str().unwrap().to_string();
    let district = app.signed_in("huyen").await;
    let csrf = app.csrf(&district, "/cases").await;
    // A reason is required; a case outside the scope does not exist.
    let (s, _, _) = post_form(
        &app,
        &district,
        "/cases/break-glass",
        &[("csrf", &csrf), ("case_number", &number), ("reason", "gấp")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let other = app.signed_in("binhlu").await;
    let csrf2 = app.csrf(&other, "/cases").await;
    let (s, _, _) = post_form(
        &app,
        &other,
        "/cases/break-glass",
        &[
            ("csrf", &csrf2),
            ("case_number", &number),
            (
                "reason",
                "Trẻ đang gặp nguy hiểm, cán bộ xã không liên lạc được",
            ),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, loc, _) = post_form(
        &app,
        &district,
        "/cases/break-glass",
        &[
            ("csrf", &csrf),
            ("case_number", &number),
            (
                "reason",
                "Trẻ đang gặp nguy hiểm, cán bộ xã không liên lạc được",
            ),
        ],
    )
    .await;
    assert_eq!(
        (s, loc.as_str()),
        (StatusCode::SEE_OTHER, format!("/cases/{id}").as_str())
    );
    let (s, page) = app.get(&district, &format!("/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("NARRATIVE-7731"));
    assert!(!page.contains("id=\"next-step\""), "break-glass reads only");
    // The supervisor sees who broke the glass and why.
    let province = app.signed_in("tinh").await;
    let list = app.get(&province, "/cases").await.1;
    assert!(
        list.contains(&number) && list.contains("không liên lạc được") && list.contains("huyen")
    );
    let audit = app
        .store
        .audit_entries(&AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.event.action == "case_break_glass" && e.event.actor == "huyen")
    );
}

/// The raw database holds no narrative, note or abuser's name in clear.
async fn contents_are_sealed_at_rest(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
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
    let needles = [
        "NARRATIVE-7731",
        "ABUSER-5520",
        "NOTE-9042",
        "cha dượng đánh",
    ];
    assert_sealed(&app, &needles).await;
    // And yet the officer reads it back.
    assert_eq!(
        officer.get(&app, &format!("/api/v1/cases/{id}")).await.1["summary"],
        NARRATIVE
    );
    // A damaged ciphertext is shown as such, never as garbage or an error.
    let damaged = vec![7u8; 64];
    let sql = "UPDATE case_files SET summary = $1 WHERE id = $2";
    if app.db.url.starts_with("sqlite://") {
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&app.db.url)
            .await
            .unwrap();
        sqlx::query(sql)
            .bind(&damaged)
            .bind(id)
            .execute(&mut conn)
            .await
            .unwrap();
    } else {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&app.db.url)
            .await
            .unwrap();
        sqlx::query(sql)
            .bind(&damaged)
            .bind(id)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let (s, v) = officer.get(&app, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(
        (s, v["summary"].as_str()),
        (StatusCode::OK, Some("⚠ (không giải mã được)"))
    );
}

fn hex_of(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

async fn the_report_form_opens_a_case(app: TestApp) {
    let (child, _) = banbo_child(&app).await;
    let web = app.signed_in("banbo").await;
    let (s, page) = app.get(&web, &format!("/cases/new?child={child}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(&child));
    let csrf = common::csrf_of(&page);
    // Missing and wrong values are listed; nothing is stored.
    let (s, _, body) = post_form(
        &app,
        &web,
        "/cases/new",
        &[
            ("csrf", &csrf),
            ("child_id", "KHONG-CO"),
            ("received_at", "hôm qua"),
            ("source", ""),
            ("summary", ""),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "Mã trẻ",
        "Thời điểm tiếp nhận",
        "Nguồn thông tin",
        "Hình thức xâm hại",
        "Nội dung",
    ] {
        assert!(body.contains(field), "{field}");
    }
    assert!(
        app.store
            .case_summaries(&treem_store::CaseFilter::Scope(treem_store::Scope::All))
            .await
            .unwrap()
            .is_empty()
    );
    let (s, loc, _) = post_form(
        &app,
        &web,
        "/cases/new",
        &[
            ("csrf", &csrf),
            ("child_id", &child),
            ("received_at", "2026-03-02T08:15"),
            ("source", "school"),
            ("harm_types", "sexual_abuse"),
            ("harm_types", "violence"),
            ("relation", "teacher"),
            ("risk_level", "medium"),
            ("summary", "<script>alert(1)</script> "),
            ("abuser", ""),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&web, &loc).await;
    assert!(
        page.contains("alert(1)") && !page.contains("<script>alert"),
        "escaped"
    );
    assert!(page.contains("Xâm hại tình dục, Bạo lực"));
    // Medium risk: no 12-hour deadline, a plan by the fifth working day.
    assert!(!page.contains("12 giờ") && page.contains("09/03/2026 23:59"));
    // The step form on the case page.
    let csrf = app.csrf(&web, &loc).await;
    let case_path = loc.split('?').next().unwrap().to_string();
    let (s, _, body) = post_form(
        &app,
        &web,
        &format!("{case_path}/steps"),
        &[
            ("csrf", &csrf),
            ("step", "plan_approved"),
            ("at", "2026-03-02T09:00"),
            ("risk_level", ""),
            ("notes", ""),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("Bước tiếp theo hợp lệ"));
    let (s, loc2, body) = post_form(
        &app,
        &web,
        &format!("{case_path}/steps"),
        &[
            ("csrf", &csrf),
            ("step", "initial_assessment"),
            ("at", "2026-03-02T09:00"),
            ("risk_level", "high"),
            ("notes", "ghi chú"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let (_, page) = app.get(&web, &loc2).await;
    assert!(
        page.contains("Đánh giá nguy cơ ban đầu") && page.contains("12 giờ"),
        "now high risk"
    );
    // A child not yet registered is registered with the report; a bad
    // birth date (or a report missing its source) stores neither.
    let before = app.children_total().await;
    let report = |name: &'static str, born: &'static str, source: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("child_id", String::new()),
            ("received_at", "2026-03-02T08:15".into()),
            ("source", source.into()),
            ("harm_types", "abandonment".into()),
            ("summary", "Trẻ bị bỏ rơi ở chợ".into()),
            ("new_full_name", name.into()),
            ("new_sex", "F".into()),
            ("new_date_of_birth", born.into()),
            ("new_commune", "03424".into()),
            ("new_village", "Bản Chợ".into()),
        ]
    };
    let post = |form: Vec<(&'static str, String)>| {
        let (app, web) = (&app, &web);
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_form(app, web, "/cases/new", &form).await
        }
    };
    let (s, _, body) = post(report("Bé Chưa Tên", "31/02/2025", "neighbour")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Trẻ em mới") && body.contains("Ngày sinh"),
        "located"
    );
    let (s, _, _) = post(report("Bé Chưa Tên", "01/02/2025", "")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.children_total().await, before, "nothing registered");
    let (s, loc, _) = post(report("Bé Chưa Tên", "01/02/2025", "neighbour")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(app.children_total().await, before + 1);
    let (_, page) = app.get(&web, &loc).await;
    assert!(page.contains("Bé Chưa Tên") && page.contains("Bỏ rơi"));
    // Without the anti-forgery token nothing happens.
    let (s, _, _) = post_form(&app, &web, "/cases/new", &[("child_id", &child)]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn holidays_move_the_plan_deadline(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let (child, _) = banbo_child(&app).await;
    let admin = app.signed_in("admin1").await;
    let csrf = app.csrf(&admin, "/admin/holidays").await;
    let (s, _, _) = post_form(
        &app,
        &admin,
        "/admin/holidays",
        &[("csrf", &csrf), ("day", "31/02/2026"), ("name", "x")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for day in ["03/03/2026", "04/03/2026"] {
        let (s, _, _) = post_form(
            &app,
            &admin,
            "/admin/holidays",
            &[("csrf", &csrf), ("day", day), ("name", "Nghỉ bù")],
        )
        .await;
        assert_eq!(s, StatusCode::OK);
    }
    let (_, holidays) = app.get(&admin, "/admin/holidays").await;
    assert!(holidays.contains("Nghỉ bù"));
    // Removing one asks to confirm first.
    assert!(
        holidays.contains("<details class=\"inline\"><summary>"),
        "{holidays}"
    );
    assert!(holidays.contains("name=\"confirm\" value=\"1\" required"));
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    assert_eq!(v["deadlines"]["plan_by"], "2026-03-11T23:59:59+07:00");
    let (s, _) = app
        .get(&app.signed_in("banbo").await, "/admin/holidays")
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// The attacks the hardening found: an officer granting herself approver,
/// a viewer or case worker made approver, the author approving her own
/// plan — all refused; only supervisors add people.
/// The case page offers the procedure's next step first and names it; a
/// drafted plan says it waits for the chair, and the chair's home lists it;
/// the chair adds people by picking a name; the officer's list names the
/// child and the commune of today.
async fn the_case_page_leads_the_way(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let (child, name) = banbo_child(&app).await;
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    let web = app.signed_in("banbo").await;
    for (step, at) in [
        ("initial_assessment", "2026-03-02T10:00:00+07:00"),
        ("detailed_assessment", "2026-03-03T09:00:00+07:00"),
    ] {
        assert_eq!(officer.step(&app, id, step, at).await.0, StatusCode::OK);
    }
    let (_, page) = app.get(&web, &format!("/cases/{id}")).await;
    let form = page.split("id=\"next-step\"").nth(1).unwrap();
    assert!(
        form.contains(
            "Bước tiếp theo theo quy trình: <strong>Xây dựng kế hoạch hỗ trợ, can thiệp</strong>"
        ),
        "{form}"
    );
    let first = form.split("<option value=\"").nth(1).unwrap();
    assert!(first.starts_with("plan_drafted\""), "{first}");
    assert!(!page.contains("id=\"awaiting\""));
    assert_eq!(
        officer
            .step(&app, id, "plan_drafted", "2026-03-05T09:00:00+07:00")
            .await
            .0,
        StatusCode::OK
    );
    let (_, page) = app.get(&web, &format!("/cases/{id}")).await;
    assert!(
        page.contains("đang chờ Chủ tịch UBND xã phê duyệt"),
        "{page}"
    );
    // The chair's home lists it; the officer's does not.
    let chair = app.signed_in("chutich").await;
    let (_, home) = app.get(&chair, "/").await;
    let awaiting = home.split("id=\"awaiting\"").nth(1).unwrap();
    assert!(
        awaiting.contains(&format!("href=\"/cases/{id}\"")),
        "{home}"
    );
    assert!(awaiting.contains(v["case_number"].as_str().unwrap()));
    assert!(!app.get(&web, "/").await.1.contains("id=\"awaiting\""));
    // The chair picks a person by name among the commune's case staff.
    let (_, page) = app.get(&chair, &format!("/cases/{id}")).await;
    let picker = page.split("<select id=\"username\"").nth(1).unwrap();
    let picker = picker.split("</select>").next().unwrap();
    assert!(picker.contains("value=\"hotro\""), "{picker}");
    assert!(picker.contains("Cán bộ hotro"), "{picker}");
    for absent in ["chutich", "xem", "binhlu", "admin1"] {
        assert!(!picker.contains(&format!("value=\"{absent}\"")), "{absent}");
    }
    // The officer's list: the child's name and today's commune.
    let (_, list) = app.get(&web, "/cases").await;
    assert!(list.contains(&name), "{list}");
    assert!(list.contains("Xã Bản Bo"));
    let viewed = app
        .store
        .audit_entries(&treem_store::AuditQuery {
            action: Some("case_list_viewed".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!viewed.is_empty() && !viewed[0].event.detail.contains(&name));
}

/// An emergency measure recorded by mistake after the detailed assessment
/// is withdrawn with a reason: the case is back at the assessment, the
/// intervention date the indicator reads is gone, the step stays in the
/// history; the report itself, a stale step, a short reason and people
/// without the case are refused.
async fn the_last_step_is_withdrawn_with_a_reason(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let (child, _) = banbo_child(&app).await;
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    let number = v["case_number"].as_str().unwrap().to_string();
    let web = app.signed_in("banbo").await;
    // Only the report: nothing to withdraw.
    let (_, page) = app.get(&web, &format!("/cases/{id}")).await;
    assert!(!page.contains("id=\"withdraw-step\""));
    let received = app.store.case_steps(id).await.unwrap()[0].id;
    let csrf = app.csrf(&web, &format!("/cases/{id}")).await;
    let path = format!("/cases/{id}/steps/withdraw");
    let reason = "Ghi nhầm vụ việc, chưa áp dụng biện pháp";
    let received_id = received.to_string();
    let (s, _, body) = post_form(
        &app,
        &web,
        &path,
        &[
            ("csrf", &csrf),
            ("step_id", &received_id),
            ("reason", reason),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("Không rút lại được việc tiếp nhận"), "{body}");
    for (step, at) in [
        ("initial_assessment", "2026-03-02T10:00:00+07:00"),
        ("detailed_assessment", "2026-03-03T09:00:00+07:00"),
        ("emergency_measures", "2026-03-03T10:00:00+07:00"),
    ] {
        assert_eq!(officer.step(&app, id, step, at).await.0, StatusCode::OK);
    }
    let file = app.store.case_file(id).await.unwrap().unwrap();
    assert!(file.emergency_at.is_some());
    let mistaken = app.store.case_steps(id).await.unwrap().last().unwrap().id;
    let (_, page) = app.get(&web, &format!("/cases/{id}")).await;
    assert!(page.contains("id=\"withdraw-step\""));
    assert!(page.contains(&format!("name=\"step_id\" value=\"{mistaken}\"")));
    let mistaken_id = mistaken.to_string();
    // A short reason, and a step that is not the last: refused.
    let (s, _, body) = post_form(
        &app,
        &web,
        &path,
        &[
            ("csrf", &csrf),
            ("step_id", &mistaken_id),
            ("reason", "nhầm"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ít nhất 10 ký tự"));
    let (s, _, _) = post_form(
        &app,
        &web,
        &path,
        &[
            ("csrf", &csrf),
            ("step_id", &received_id),
            ("reason", reason),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a stale step");
    // Nobody without the case: as if it did not exist.
    for who in ["binhlu", "xem"] {
        let other = app.signed_in(who).await;
        let csrf = app.csrf(&other, "/").await;
        let (s, _, _) = post_form(
            &app,
            &other,
            &path,
            &[
                ("csrf", &csrf),
                ("step_id", &mistaken_id),
                ("reason", reason),
            ],
        )
        .await;
        assert!(
            s == StatusCode::NOT_FOUND || s == StatusCode::FORBIDDEN,
            "{who}: {s}"
        );
    }
    let (s, to, _) = post_form(
        &app,
        &web,
        &path,
        &[
            ("csrf", &csrf),
            ("step_id", &mistaken_id),
            ("reason", reason),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let file = app.store.case_file(id).await.unwrap().unwrap();
    assert_eq!(file.step, "detailed_assessment");
    assert_eq!(file.emergency_at, None);
    // Back at the step it stood at before, with that step's time.
    assert_eq!(
        file.step_at,
        chrono::DateTime::parse_from_rfc3339("2026-03-03T09:00:00+07:00")
            .ok()
            .map(|d| d.to_utc())
    );
    assert_eq!(app.store.case_steps(id).await.unwrap().len(), 3);
    let rows = app
        .store
        .export_page(ExportFile::Cases, 0, 100)
        .await
        .unwrap();
    let row = rows
        .iter()
        .map(|(_, r)| r)
        .find(|r| r[0] == Cell::Text(Some(number.clone())))
        .unwrap();
    assert!(
        !row.contains(&Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 3, 3))),
        "no intervention any more: {row:?}"
    );
    let (_, page) = app.get(&web, &to).await;
    assert!(page.contains("Đã rút lại bước cuối"), "{page}");
    assert!(page.contains("Các bước đã rút lại") && page.contains(reason));
    assert!(page.contains("Bước tiếp theo theo quy trình: <strong>Xây dựng kế hoạch"));
    // The reason is sealed at rest, and the withdrawal audited without it.
    let sealed = app.store.sealed_values(100).await.unwrap();
    assert!(sealed.iter().any(|v| v.column == "withdrawn_reason"));
    assert!(
        sealed
            .iter()
            .all(|v| !String::from_utf8_lossy(&v.bytes).contains("Ghi nhầm"))
    );
    let entries = app
        .store
        .audit_entries(&treem_store::AuditQuery {
            action: Some("case_step_withdrawn".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].event.detail, "emergency_measures");
    // Withdrawing it again: it is no longer the last standing step.
    let (s, _, _) = post_form(
        &app,
        &web,
        &path,
        &[
            ("csrf", &csrf),
            ("step_id", &mistaken_id),
            ("reason", reason),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn nobody_approves_but_the_chair(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let chair = Api::new(&app, "chutich").await;
    let (child, _) = banbo_child(&app).await;
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    let web = app.signed_in("banbo").await;
    let csrf = app.csrf(&web, &format!("/cases/{id}")).await;
    // The assigned officer adds no one — not herself as approver, not a
    // viewer, not a case worker.
    for (who, kind) in [
        ("banbo", "approver"),
        ("xem", "approver"),
        ("hotro", "approver"),
        ("hotro", "assigned"),
    ] {
        let (s, _, _) = post_form(
            &app,
            &web,
            &format!("/cases/{id}/people"),
            &[("csrf", &csrf), ("username", who), ("kind", kind)],
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who} as {kind}");
    }
    // Even stored directly, an approver grant gives a non-chair nothing.
    for who in ["banbo", "xem", "hotro"] {
        let acc = app.store.account_by_username(who).await.unwrap().unwrap();
        let g = treem_store::NewGrant {
            account_id: acc.id,
            kind: "approver".into(),
            until: None,
            reason: None,
            granted_by: "attacker".into(),
        };
        let ev = treem_domain::audit::AuditEvent::system("x", "case_granted", "case", "");
        app.store.grant_case(id, &g, ev).await.unwrap();
    }
    for (step, at) in [
        ("initial_assessment", "2026-03-02T10:00:00+07:00"),
        ("detailed_assessment", "2026-03-03T09:00:00+07:00"),
        ("plan_drafted", "2026-03-05T09:00:00+07:00"),
    ] {
        assert_eq!(officer.step(&app, id, step, at).await.0, StatusCode::OK);
    }
    assert_eq!(
        officer
            .step(&app, id, "plan_approved", "2026-03-05T10:00:00+07:00")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    for who in ["xem", "hotro"] {
        let api = Api::new(&app, who).await;
        let (s, _) = api
            .step(&app, id, "plan_approved", "2026-03-05T10:00:00+07:00")
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who} approves");
        assert_eq!(
            api.get(&app, &format!("/api/v1/cases/{id}")).await.0,
            StatusCode::NOT_FOUND,
            "{who} reads"
        );
    }
    // The chair, by her attribute alone, may; she adds the case worker as
    // assigned (a supervisor), but not herself.
    let chair_web = app.signed_in("chutich").await;
    let csrf = app.csrf(&chair_web, &format!("/cases/{id}")).await;
    let (s, _, _) = post_form(
        &app,
        &chair_web,
        &format!("/cases/{id}/people"),
        &[("csrf", &csrf), ("username", "hotro"), ("kind", "assigned")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _, body) = post_form(
        &app,
        &chair_web,
        &format!("/cases/{id}/people"),
        &[
            ("csrf", &csrf),
            ("username", "chutich"),
            ("kind", "assigned"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // A chair who drafted the plan herself does not approve it either.
    assert_eq!(
        chair
            .step(&app, id, "plan_returned", "2026-03-05T11:00:00+07:00")
            .await
            .0,
        StatusCode::OK
    );
    let acc = app
        .store
        .account_by_username("chutich")
        .await
        .unwrap()
        .unwrap();
    let ev = treem_domain::audit::AuditEvent::system("x", "case_granted", "case", "");
    let g = treem_store::NewGrant {
        account_id: acc.id,
        kind: "assigned".into(),
        until: None,
        reason: None,
        granted_by: "tinh".into(),
    };
    app.store.grant_case(id, &g, ev).await.unwrap();
    assert_eq!(
        chair
            .step(&app, id, "plan_drafted", "2026-03-06T09:00:00+07:00")
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        chair
            .step(&app, id, "plan_approved", "2026-03-06T10:00:00+07:00")
            .await
            .0,
        StatusCode::FORBIDDEN,
        "the author approves"
    );
    // No longer chair: no longer approver.
    let admin = app.signed_in("admin1").await;
    let csrf = app.csrf(&admin, "/admin/accounts").await;
    let (s, _, body) = post_form(
        &app,
        &admin,
        &format!("/admin/accounts/{}/chair", acc.id),
        &[("csrf", &csrf), ("value", "0")],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let other_chair = Api::new(&app, "chutich").await;
    let (s, _) = other_chair
        .step(&app, id, "plan_returned", "2026-03-06T11:00:00+07:00")
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

on_both!(
    the_case_page_leads_the_way,
    the_last_step_is_withdrawn_with_a_reason,
    nobody_approves_but_the_chair,
    the_whole_procedure,
    nobody_else_sees_a_case,
    break_glass_is_granted_logged_and_shown,
    contents_are_sealed_at_rest,
    the_report_form_opens_a_case,
    holidays_move_the_plan_deadline,
);

/// Fails when any of `needles` is in the database in clear (the SQLite
/// file and its log byte for byte; PostgreSQL's case tables as text and
/// as hex).
pub(crate) async fn assert_sealed(app: &TestApp, needles: &[&str]) {
    if let Some(path) = app.db.url.strip_prefix("sqlite://") {
        // The database file and its write-ahead log, byte for byte.
        let mut bytes = std::fs::read(path).unwrap();
        bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
        for n in needles {
            assert!(
                !bytes.windows(n.len()).any(|w| w == n.as_bytes()),
                "{n} in the SQLite file"
            );
        }
    } else {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&app.db.url)
            .await
            .unwrap();
        for table in [
            "case_files",
            "case_steps",
            "case_grants",
            "cases",
            "audit_log",
        ] {
            let sql = format!("SELECT COALESCE(string_agg(t::text, '|'), '') FROM {table} t");
            let text: String = sqlx::query_scalar(&sql).fetch_one(&mut conn).await.unwrap();
            for n in needles {
                assert!(!text.contains(n), "{n} in {table}");
            }
            // bytea prints as hex: look for the hex of the needle too.
            for n in needles {
                assert!(!text.contains(&hex_of(n)), "{n} (hex) in {table}");
            }
        }
    }
}

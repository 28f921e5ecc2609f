//! The structured fields of the forms of Decree 56/2017 — risk factors
//! scored (02, 03, 06), needs (03), the plan as a table (04), the needs
//! meeting's minutes (art. 27) — typed on the case page and through the
//! API, over a real socket on both backends; a case taken through the
//! whole procedure gives forms 01–06, the chair's decisions and the
//! minutes as DOCX files, read back for every legal field.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;

use crate::cases::{Api, assert_sealed, banbo_child, open_case};
use crate::common::{self, TestApp, post_form};

use reqwest::StatusCode;
use serde_json::json;

const PLAN_LINE: &str = "Tư vấn tâm lý hằng tuần — PLANLINE-4471";
const AGREED: &str = "Trẻ ở với bà ngoại; cha cam kết không đánh con — AGREED-5582";

/// The text of a DOCX file's body, runs joined, paragraphs on lines.
fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut out = String::new();
    let mut rest = xml.as_str();
    while let Some(i) = rest.find('<') {
        let (text, tail) = rest.split_at(i);
        out.push_str(
            &text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&"),
        );
        let end = tail.find('>').unwrap();
        let tag = &tail[..=end];
        if tag.starts_with("</w:p>") || tag.starts_with("<w:br") || tag.starts_with("</w:tr>") {
            out.push('\n');
        } else if tag.starts_with("</w:tc>") {
            out.push('|');
        }
        rest = &tail[end + 1..];
    }
    // A cell's last paragraph ends where the cell does.
    out.replace("\n|", "|")
}

async fn docx(app: &TestApp, web: &reqwest::Client, path: &str) -> String {
    let res = web.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let bytes = res.bytes().await.unwrap();
    // `scripts/render-case-documents.sh` renders the files through
    // LibreOffice and looks at the pages.
    if let Ok(dir) = std::env::var("TREEM_DOCUMENTS_OUT") {
        let name = path.trim_start_matches("/cases/").replace('/', "-");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            std::path::Path::new(&dir).join(name.replace("-docx", ".docx")),
            &bytes,
        )
        .unwrap();
    }
    docx_text(&bytes)
}

async fn the_forms_fields_are_typed_kept_and_printed(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let chair = Api::new(&app, "chutich").await;
    let (child, name) = banbo_child(&app).await;
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    let web = app.signed_in("banbo").await;
    let csrf = app.csrf(&web, &format!("/cases/{id}")).await;
    let (_, page) = app.get(&web, &format!("/cases/{id}")).await;
    // The page offers the factors for the next step, not the plan yet.
    assert!(
        page.contains("name=\"factor_harm_severity\"") && !page.contains("name=\"plan_0_need\"")
    );
    let url = format!("/cases/{id}/steps");
    let mut initial = vec![
        ("csrf", csrf.as_str()),
        ("step", "initial_assessment"),
        ("at", "2026-03-02T10:00"),
        ("notes", "Đã gặp trẻ tại nhà bà ngoại"),
        ("factor_harm_severity", "medium"),
        ("factor_abuser_access", "high"),
        ("factor_care_obstacles", "low"),
    ];
    // Part of the factors: refused, what was typed shown again.
    let (s, _, body) = post_form(&app, &web, &url, &initial).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Chưa chấm yếu tố «Khả năng tự bảo vệ, ứng phó của trẻ em»"),
        "{body}"
    );
    assert!(
        body.contains("Đã gặp trẻ tại nhà bà ngoại")
            && body.contains("<option value=\"high\" selected>")
    );
    // A level chosen besides the factors must be theirs.
    initial.push(("factor_child_coping", "low"));
    let mut wrong = initial.clone();
    wrong.push(("risk_level", "low"));
    let (s, _, body) = post_form(&app, &web, &url, &wrong).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("khác mức theo các yếu tố đã chấm («Cao»)"),
        "{body}"
    );
    // A part of another step's form is refused, not dropped.
    let mut plan_too = initial.clone();
    plan_too.push(("plan_0_need", "Học lại"));
    let (s, _, body) = post_form(&app, &web, &url, &plan_too).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Bước «Đánh giá nguy cơ ban đầu» không có phần này của biểu mẫu"));
    assert_eq!(
        officer.get(&app, &format!("/api/v1/cases/{id}")).await.1["step"],
        "received"
    );
    let (s, to, _) = post_form(&app, &web, &url, &initial).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    // The page says what was stored.
    let (_, page) = app.get(&web, &to).await;
    assert!(
        page.contains("Đã ghi bước «Đánh giá nguy cơ ban đầu» vào hồ sơ."),
        "{to}"
    );
    // The overall level is the highest factor's: the case is at high risk.
    let (_, v) = officer.get(&app, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(v["risk_level"], "high");
    let scored = &v["steps"][1]["form"]["factors"];
    assert_eq!(scored.as_array().unwrap().len(), 4);
    assert_eq!(
        scored[1],
        json!({"factor": "abuser_access", "level": "high"})
    );
    // Through the API: an unknown key is refused, the needs are kept.
    let step = |body: serde_json::Value| {
        let officer = &officer;
        let app = &app;
        async move {
            officer
                .post(app, &format!("/api/v1/cases/{id}/steps"), &body)
                .await
        }
    };
    let (s, _) = step(
        json!({"step": "emergency_measures", "at": "2026-03-02T11:00:00+07:00",
        "notes": "Đưa trẻ đến nhà bà ngoại"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = step(
        json!({"step": "detailed_assessment", "at": "2026-03-03T09:00:00+07:00",
        "form": {"needz": "x"}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let factors = |levels: [&str; 4]| {
        json!(
            [
                "harm_severity",
                "abuser_access",
                "care_obstacles",
                "child_coping"
            ]
            .iter()
            .zip(levels)
            .map(|(f, l)| json!({"factor": f, "level": l}))
            .collect::<Vec<_>>()
        )
    };
    let (s, v) = step(
        json!({"step": "detailed_assessment", "at": "2026-03-03T09:00:00+07:00",
        "form": {"factors": factors(["medium", "medium", "low", "medium"]),
                 "needs": "Khám sức khỏe\nTư vấn tâm lý\nTrở lại lớp học"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["risk_level"], "medium");
    // The plan and its meeting on the page.
    let (_, page) = app.get(&web, &format!("/cases/{id}")).await;
    assert!(page.contains("name=\"plan_0_need\"") && page.contains("name=\"meeting_conclusions\""));
    let plan = [
        ("csrf", csrf.as_str()),
        ("step", "plan_drafted"),
        ("at", "2026-03-04T09:00"),
        ("notes", "Kế hoạch 3 tháng"),
        ("plan_0_need", "Tư vấn tâm lý"),
        ("plan_0_activity", PLAN_LINE),
        ("plan_0_who", "Trạm y tế xã"),
        ("plan_0_when", "Tháng 3–5/2026"),
        ("plan_2_need", "Trở lại lớp học"),
        ("plan_2_activity", "Gặp giáo viên chủ nhiệm"),
        ("plan_2_who", "Trường Tiểu học Bản Bo"),
        ("plan_2_when", "Tuần 2 tháng 3/2026"),
        ("plan_2_resources", "Sách vở, đồng phục"),
        ("meeting_on", "2026-03-04"),
        ("meeting_place", "Nhà văn hóa bản Nà Tăm"),
        (
            "meeting_participants",
            "Lò Văn Hùng — công chức văn hóa - xã hội\nLò Thị Dung — mẹ của trẻ",
        ),
        ("meeting_child_views", "Cháu muốn ở với bà ngoại"),
        ("meeting_conclusions", AGREED),
    ];
    let (s, _, body) = post_form(&app, &web, &url, &plan).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let (_, v) = officer.get(&app, &format!("/api/v1/cases/{id}")).await;
    let form = &v["steps"][4]["form"];
    assert_eq!(
        form["plan"].as_array().unwrap().len(),
        2,
        "the blank line left out: {form}"
    );
    assert_eq!(form["plan"][1]["resources"], "Sách vở, đồng phục");
    assert_eq!(form["meeting"]["conclusions"], AGREED);
    // The plan waits for the chair: her decision is due two working days
    // after it was submitted (Wednesday → Friday), long past now.
    assert_eq!(v["deadlines"]["approve_by"], "2026-03-06T23:59:59+07:00");
    assert_eq!(v["urgency"], "overdue");
    let (_, page) = app.get(&web, &format!("/cases/{id}")).await;
    assert!(page.contains("id=\"approve-by\""));
    // The rest of the procedure.
    for (who, step, at, form) in [
        (
            &chair,
            "plan_approved",
            "2026-03-05T09:00:00+07:00",
            json!({}),
        ),
        (
            &officer,
            "implementation",
            "2026-03-06T09:00:00+07:00",
            json!({}),
        ),
        (
            &officer,
            "review",
            "2026-04-06T09:00:00+07:00",
            json!({"factors": factors(["low"; 4])}),
        ),
        (
            &officer,
            "closure_proposed",
            "2026-04-07T09:00:00+07:00",
            json!({}),
        ),
        (&chair, "closed", "2026-04-08T09:00:00+07:00", json!({})),
    ] {
        let body =
            json!({"step": step, "at": at, "notes": format!("{step}: ghi chú"), "form": form});
        let (s, v) = who
            .post(&app, &format!("/api/v1/cases/{id}/steps"), &body)
            .await;
        assert_eq!(s, StatusCode::OK, "{step}: {v}");
    }
    let (_, v) = officer.get(&app, &format!("/api/v1/cases/{id}")).await;
    assert!(v["deadlines"]["approve_by"].is_null(), "decided: {v}");
    // Sealed at rest like the notes.
    assert_sealed(
        &app,
        &["PLANLINE-4471", "AGREED-5582", "Cháu muốn ở với bà ngoại"],
    )
    .await;
    // Every document as DOCX, each legal field found.
    let chair_web = app.signed_in("chutich").await;
    let expect: [(&str, Vec<&str>); 9] = [
        (
            "forms/1",
            vec![
                "Mẫu số 01 (Nghị định 56/2017/NĐ-CP)",
                "Bản Bo, ngày 02 tháng 3 năm 2026",
                "Nguồn thông tin: Tổng đài 111",
                "NGƯỜI TIẾP NHẬN THÔNG TIN",
            ],
        ),
        (
            "forms/2",
            vec![
                "Khả năng người gây tổn hại tiếp cận trẻ em",
                "Mức độ nguy cơ chung",
                "Đã gặp trẻ tại nhà bà ngoại",
                "Đưa trẻ đến nhà bà ngoại",
            ],
        ),
        (
            "forms/3",
            vec![
                "III. Nhu cầu của trẻ em",
                "1. Khám sức khỏe",
                "3. Trở lại lớp học",
            ],
        ),
        (
            "forms/4",
            vec![
                PLAN_LINE,
                "Trường Tiểu học Bản Bo",
                "Sách vở, đồng phục",
                "Nguồn lực",
                "cuộc họp ngày 04/03/2026",
                "chutich",
            ],
        ),
        (
            "forms/5",
            vec![
                "QUYẾT ĐỊNH",
                "/QĐ-UBND",
                "kế hoạch hỗ trợ, can thiệp lập ngày 04/03/2026",
                "Điều 3.",
            ],
        ),
        (
            "forms/6",
            vec![
                "II. Kết quả theo dõi, đánh giá",
                "review: ghi chú",
                "Mức độ nguy cơ chung",
            ],
        ),
        (
            "decisions/emergency",
            vec![
                "Về việc áp dụng biện pháp khẩn cấp bảo vệ trẻ em",
                "Đưa trẻ đến nhà bà ngoại",
                "Nơi nhận:",
            ],
        ),
        (
            "decisions/closing",
            vec![
                "Về việc đóng hồ sơ trường hợp",
                "Lý do: closure_proposed: ghi chú",
            ],
        ),
        (
            "minutes",
            vec![
                "BIÊN BẢN HỌP",
                "ngày 04 tháng 3 năm 2026",
                "Nhà văn hóa bản Nà Tăm",
                "1. Lò Văn Hùng — công chức văn hóa - xã hội",
                "Cháu muốn ở với bà ngoại",
                AGREED,
                "CHỦ TRÌ",
            ],
        ),
    ];
    for (doc, needles) in &expect {
        let text = docx(&app, &chair_web, &format!("/cases/{id}/{doc}/docx")).await;
        for needle in needles.iter().chain([
            &"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            &"ỦY BAN NHÂN DÂN",
            &name.as_str(),
        ]) {
            assert!(text.contains(needle), "{doc}: {needle}\n{text}");
        }
        // The page to print carries the same, and links to its file.
        let (s, html) = app.get(&chair_web, &format!("/cases/{id}/{doc}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(&format!("href=\"/cases/{id}/{doc}/docx\"")));
    }
    // Form 02 ticks the levels as scored: each factor's row has its X.
    let text = docx(&app, &web, &format!("/cases/{id}/forms/2/docx")).await;
    let row = text
        .split("Khả năng người gây tổn hại tiếp cận trẻ em")
        .nth(1)
        .unwrap();
    assert!(row.starts_with("|X|||"), "high ticked: {row:?}");
    let overall = text.split("Mức độ nguy cơ chung").nth(1).unwrap();
    assert!(overall.starts_with("|X|||"), "overall high: {overall:?}");
    let row = text.split("Mức độ tổn hại đối với trẻ em").nth(1).unwrap();
    assert!(row.starts_with("||X||"), "medium ticked: {row:?}");
    assert!(
        text.contains("Mức độ nguy cơ: Cao"),
        "as assessed then: {text}"
    );
    // Every read audited with what was read; nobody else reads them.
    let reads = common::sql_scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'case_read' AND detail = 'minutes'",
        &[],
    )
    .await;
    assert_eq!(reads, Some(2));
    let other = app.signed_in("binhlu").await;
    for doc in ["forms/4/docx", "minutes/docx", "decisions/closing/docx"] {
        let (s, body) = app.get(&other, &format!("/cases/{id}/{doc}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{doc}");
        assert!(!body.contains(&name));
    }
    assert_eq!(
        app.get(&web, &format!("/cases/{id}/forms/7/docx")).await.0,
        StatusCode::NOT_FOUND
    );
}

async fn no_minutes_without_a_meeting(app: TestApp) {
    let officer = Api::new(&app, "banbo").await;
    let (child, _) = banbo_child(&app).await;
    let v = open_case(&app, &officer, &child, "2026-03-02T08:15:00+07:00").await;
    let id = v["id"].as_i64().unwrap();
    for (step, at) in [
        ("initial_assessment", "2026-03-02T10:00:00+07:00"),
        ("detailed_assessment", "2026-03-03T09:00:00+07:00"),
    ] {
        assert_eq!(
            officer.step(&app, id, step, at).await.0,
            StatusCode::OK,
            "{step}"
        );
    }
    // A meeting on a day after the plan's is refused, located.
    let (s, v) = officer
        .post(
            &app,
            &format!("/api/v1/cases/{id}/steps"),
            &json!({"step": "plan_drafted", "at": "2026-03-04T09:00:00+07:00",
                "form": {"meeting": {"on": "2026-03-05", "participants": "A", "conclusions": "B"}}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("meeting_on"), "{v}");
    assert_eq!(
        officer
            .step(&app, id, "plan_drafted", "2026-03-04T09:00:00+07:00")
            .await
            .0,
        StatusCode::OK
    );
    let web = app.signed_in("banbo").await;
    for doc in ["minutes", "minutes/docx"] {
        assert_eq!(
            app.get(&web, &format!("/cases/{id}/{doc}")).await.0,
            StatusCode::NOT_FOUND
        );
    }
    // Form 04 of a plan recorded without its table leaves lines to fill in.
    let text = docx(&app, &web, &format!("/cases/{id}/forms/4/docx")).await;
    assert!(
        text.contains("Nhu cầu của trẻ em") && text.contains("\n5||||||"),
        "{text}"
    );
}

on_both!(
    the_forms_fields_are_typed_kept_and_printed,
    no_minutes_without_a_meeting
);

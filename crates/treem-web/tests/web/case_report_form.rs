//! Form 01's own fields (Decree 56/2017's appendix) typed on the report
//! page, over a real socket on both backends: bad values located with
//! what was typed kept, the fields sealed at rest, printed on form 01 with
//! the report's own date and the receiver's signature only.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::cases::banbo_child;
use crate::common::{self, TestApp, post_form};

use reqwest::StatusCode;

const INFORMANT: &str = "Lò Thị Mai — INFORMANT-3317";

async fn form_01_carries_its_legal_fields(app: TestApp) {
    let (child, name) = banbo_child(&app).await;
    let web = app.signed_in("banbo").await;
    let csrf = app.csrf(&web, &format!("/cases/new?child={child}")).await;
    let base = [
        ("csrf", csrf.as_str()),
        ("child_id", child.as_str()),
        ("received_at", "2026-03-02T08:15"),
        ("source", "neighbour"),
        ("harm_types", "violence"),
        ("summary", "Hàng xóm nghe tiếng trẻ khóc nhiều đêm."),
    ];
    // Bad values: each located, what was typed kept, nothing stored.
    let mut bad = base.to_vec();
    bad.extend([
        ("channel", "fax"),
        ("mother_age", "bốn mươi"),
        ("informant_phone", "09xx"),
        ("informant_name", INFORMANT),
    ]);
    let (s, _, body) = post_form(&app, &web, "/cases/new", &bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "Hình thức tiếp nhận: «fax» không hợp lệ",
        "Tuổi của mẹ: «bốn mươi» không phải số tuổi",
        "Số điện thoại người cung cấp thông tin: «09xx»",
    ] {
        assert!(body.contains(field), "{field}: {body}");
    }
    assert!(body.contains(INFORMANT), "what was typed is kept");
    assert!(
        app.store
            .case_summaries(&treem_store::CaseFilter::Scope(treem_store::Scope::All))
            .await
            .unwrap()
            .is_empty()
    );
    let mut good = base.to_vec();
    good.extend([
        ("channel", "phone"),
        ("place", "Bản Nà Tăm, nhà ông Páo"),
        ("child_now", "Ở nhà bà ngoại"),
        ("consequence", "Trẻ tiếp tục bị đánh"),
        ("mother_name", "Lò Thị Dung"),
        ("mother_age", "34"),
        ("mother_occupation", "Làm nương"),
        ("father_name", "Giàng A Páo"),
        ("family", "Hộ nghèo, cha hay say rượu"),
        ("caregiver", "Bà ngoại"),
        ("action_taken", "Đã báo Công an xã"),
        ("informant_name", INFORMANT),
        ("informant_phone", "0912 345 678"),
        ("informant_address", "Bản Nà Tăm"),
    ]);
    let (s, loc, body) = post_form(&app, &web, "/cases/new", &good).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let id: i64 = loc
        .trim_start_matches("/cases/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (s, form) = app.get(&web, &format!("/cases/{id}/forms/1")).await;
    assert_eq!(s, StatusCode::OK);
    for needle in [
        "Hình thức tiếp nhận: Qua điện thoại",
        "Nơi xảy ra sự việc: Bản Nà Tăm, nhà ông Páo",
        "Trẻ em hiện đang ở đâu: Ở nhà bà ngoại",
        "Hậu quả có thể xảy ra nếu trẻ em không được hỗ trợ: Trẻ tiếp tục bị đánh",
        "Họ tên mẹ: Lò Thị Dung · Tuổi: 34 · Nghề nghiệp: Làm nương",
        // What was not given is left to write by hand.
        "Họ tên cha: Giàng A Páo · Tuổi: …… · Nghề nghiệp: ……………",
        "Hoàn cảnh gia đình: Hộ nghèo, cha hay say rượu",
        "Người đang trực tiếp chăm sóc trẻ em: Bà ngoại",
        "Đã báo Công an xã",
        INFORMANT,
        "Số điện thoại: 0912 345 678",
        // The report's own date, the receiver's signature alone.
        "Bản Bo, ngày 02 tháng 3 năm 2026",
        "NGƯỜI TIẾP NHẬN THÔNG TIN",
        &name,
    ] {
        assert!(form.contains(needle), "{needle}: {form}");
    }
    assert!(!form.contains("XÁC NHẬN CỦA UBND"));
    // Sealed at rest: the informant is nowhere in the database in clear.
    let clear = common::sql_scalar(
        &app,
        "SELECT COUNT(*) FROM case_files WHERE details IS NOT NULL",
        &[],
    )
    .await;
    assert_eq!(clear, Some(1));
    crate::cases::assert_sealed(&app, &["INFORMANT-3317", "Lò Thị Dung"]).await;
}

async fn the_api_takes_and_gives_form_01_s_fields(app: TestApp) {
    let (child, _) = banbo_child(&app).await;
    let officer = crate::cases::Api::new(&app, "banbo").await;
    let mut body = serde_json::json!({
        "child_id": child, "received_at": "2026-03-02T08:15:00+07:00",
        "source": "police", "harm_types": ["neglect"], "summary": "Trẻ bị bỏ mặc.",
        "details": {"channel": "in_person", "place": "Bản Nà Tăm",
            "mother": {"name": "Lò Thị Dung", "age": "34"},
            "informant_phone": "abc"}
    });
    let (s, v) = officer.post(&app, "/api/v1/cases", &body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["problems"][0]["field"], "informant_phone", "{v}");
    body["details"]["informant_phone"] = "0912345678".into();
    body["details"]["unknown"] = "x".into();
    let (s, _) = officer.post(&app, "/api/v1/cases", &body).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "an unknown field is refused");
    body["details"].as_object_mut().unwrap().remove("unknown");
    let (s, v) = officer.post(&app, "/api/v1/cases", &body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["details"]["channel"], "in_person");
    assert_eq!(v["details"]["mother"]["name"], "Lò Thị Dung");
    assert_eq!(v["details"]["father"]["name"], "");
    // A case without them says null.
    body.as_object_mut().unwrap().remove("details");
    let (_, v) = officer.post(&app, "/api/v1/cases", &body).await;
    assert!(v["details"].is_null(), "{v}");
}

on_both!(
    form_01_carries_its_legal_fields,
    the_api_takes_and_gives_form_01_s_fields
);

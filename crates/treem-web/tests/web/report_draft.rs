//! The report's sections written in treem: prefilled from the records,
//! saved per unit and period (too long refused, nothing lost), and the
//! DOCX built from the saved draft — the records' text standing in for a
//! section nobody saved — with section III from the figures; only
//! officers write, within their scope.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::{Cursor, Read};

use common::{TestApp, post_form};
use reqwest::StatusCode;

const DRAFT: &str = "/indicators/report/draft?year=2025&half=0";

/// The eight section headings of a real report, as the DOCX prints them.
const HEADINGS: [&str; 8] = [
    "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TUYÊN TRUYỀN",
    "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
    "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
    "IV. CÔNG TÁC BẢO VỆ TRẺ EM",
    "V. CÔNG TÁC KIỂM TRA, GIÁM SÁT",
    "VI. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
    "VII. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
    "VIII. KIẾN NGHỊ, ĐỀ XUẤT",
];

async fn docx_text(app: &TestApp, c: &reqwest::Client) -> String {
    let res = c
        .get(app.url("/indicators/report?year=2025&half=0&format=docx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

async fn a_province_writes_its_report(app: TestApp) {
    let t = app.signed_in("tinh").await;
    // Before anything is written: the eight sections as the records say
    // them.
    let xml = docx_text(&app, &t).await;
    for h in HEADINGS {
        assert!(xml.contains(h), "{h}");
    }
    assert!(xml.contains("Trong kỳ chưa có cuộc kiểm tra, giám sát nào được ghi nhận."));
    let (status, page) = app.get(&t, DRAFT).await;
    assert_eq!(status, StatusCode::OK);
    for h in [
        "I. Công tác lãnh đạo",
        "VIII. Kiến nghị, đề xuất",
        "Gợi ý từ số liệu",
    ] {
        assert!(page.contains(h), "{h}: {page}");
    }
    assert!(page.contains("Các chỉ tiêu chưa đạt mục tiêu:"), "{page}");
    // The former district's plan (4 tasks in group 1) counts in 2025
    // beside its six heirs' plans, not after the reform.
    assert!(page.contains("\n28 nhiệm vụ: "), "{page}");
    let (_, later) = app
        .get(&t, "/indicators/report/draft?year=2026&half=1")
        .await;
    assert!(later.contains("\n24 nhiệm vụ: "), "{later}");

    let csrf = app.csrf(&t, DRAFT).await;
    let long = "x".repeat(30_001);
    let (status, _, body) = post_form(
        &app,
        &t,
        DRAFT,
        &[
            ("csrf", &csrf),
            ("leadership", "Giữ lại câu này."),
            ("proposals", &long),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("dài quá 30.000") && body.contains("Giữ lại câu này."));
    let (status, to, _) = post_form(
        &app,
        &t,
        DRAFT,
        &[
            ("csrf", &csrf),
            (
                "leadership",
                "Ban hành Kế hoạch số 12/KH-UBND.\r\n\r\nTổ chức hội nghị triển khai.",
            ),
            (
                "shortcomings",
                "Tỷ lệ trẻ em dưới 5 tuổi được đăng ký khai sinh còn thấp.",
            ),
            ("results", "ignored: section III comes from the figures"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.ends_with("saved=2"), "{to}");
    let (_, page) = app.get(&t, &to).await;
    assert!(page.contains("Đã lưu bản thảo: 2 phần thay đổi."), "{page}");
    assert!(page.contains("Tổ chức hội nghị triển khai."));

    let xml = docx_text(&app, &t).await;
    for needle in [
        "Ban hành Kế hoạch số 12/KH-UBND.",
        "Tổ chức hội nghị triển khai.",
        "1. Các chỉ tiêu của Kế hoạch",
        "Tỷ lệ trẻ em dưới 5 tuổi được đăng ký khai sinh còn thấp.",
    ] {
        assert!(xml.contains(needle), "{needle}");
    }
    for h in HEADINGS {
        assert!(xml.contains(h), "{h}");
    }
    // A section written replaces the records' text; one not written keeps it.
    assert!(!xml.contains("Các chỉ tiêu chưa đạt mục tiêu:"));
    assert!(xml.contains("Trong kỳ chưa có cuộc kiểm tra, giám sát nào được ghi nhận."));
    assert!(!xml.contains("ignored"));
    let n = common::sql_scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'report_draft_saved'",
        &[],
    )
    .await;
    assert_eq!(n, Some(1));
}

async fn only_officers_write_within_their_scope(app: TestApp) {
    let v = app.signed_in("xem").await;
    let (status, _) = app.get(&v, DRAFT).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let c = app.signed_in("banbo").await;
    let (status, page) = app.get(&c, DRAFT).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Xã Bản Bo"));
    // A case reported in March 2026 and left without a plan: section IV
    // counts it (never a name), and it is overdue.
    let token = common::token(&app, "banbo").await;
    // The child is abandoned (a special-circumstance group) and under 16.
    let kids = common::children_under(&app, "03424").await;
    let young = kids
        .iter()
        .find(|c| c.date_of_birth > chrono::NaiveDate::from_ymd_opt(2011, 1, 1).unwrap())
        .unwrap();
    let child = &young.child_id;
    common::sql_scalar(
        &app,
        "UPDATE children SET special_circumstances = 'b' WHERE id = $1 RETURNING id",
        &[young.id],
    )
    .await;
    let body = serde_json::json!({"child_id": child, "received_at": "2026-03-02T08:15:00+07:00",
        "source": "police", "harm_types": ["neglect"], "summary": "Nội dung kín"});
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let id = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    // An emergency measure: the child has been given support under a case.
    let res = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/cases/{id}/steps")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"step": "emergency_measures", "at": "2026-03-02T10:00:00+07:00"}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let (_, page) = app
        .get(&c, "/indicators/report/draft?year=2026&half=1")
        .await;
    assert!(
        page.contains("Trong kỳ tiếp nhận 1 thông tin, thông báo")
            && page.contains("0 kế hoạch hỗ trợ, can thiệp được xây dựng")
            && page.contains("1 vụ việc đang quá thời hạn xử lý.")
            && page.contains(
                "Theo hình thức xâm hại (một vụ việc có thể có nhiều hình thức): bỏ mặc, sao nhãng 1."
            )
            && page.contains("Theo nguồn thông tin: công an 1."),
        "{page}"
    );
    // The children in special circumstances, and the support the records
    // hold: the abandoned child given an emergency measure.
    let special = page
        .split("- Trẻ em dưới 16 tuổi có hoàn cảnh đặc biệt đến ngày 30/06/2026: ")
        .nth(1)
        .unwrap();
    assert!(
        special.contains("trẻ em bị bỏ rơi 1 (được hỗ trợ, can thiệp 1)")
            && special
                .contains("1 em đã được hỗ trợ, can thiệp theo kế hoạch hoặc biện pháp khẩn cấp"),
        "{special}"
    );
    assert!(!page.contains("Nội dung kín"));
    let (status, _) = app.get(&c, &format!("{DRAFT}&unit=03390")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let csrf = app.csrf(&c, DRAFT).await;
    let (status, _, _) = post_form(
        &app,
        &c,
        &format!("{DRAFT}&unit=03390"),
        &[("csrf", &csrf), ("leadership", "Không phải của xã này.")],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both!(
    a_province_writes_its_report,
    only_officers_write_within_their_scope
);

//! The ID verification round on the web, over a real socket on both
//! backends: the officer's list (page, workbook, print), the list back
//! stored within her scope with the police's corrections accepted one by
//! one, the completeness figure on the dashboard with its children, the
//! API's verification, and who may do what.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, TestApp, post_form};

use calamine::{Reader, Xlsx};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

/// The list workbook's rows as text, header first.
fn rows(bytes: Vec<u8>) -> Vec<Vec<String>> {
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("Danh sách").unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// A returned list: the header, then (child code, number, result, name).
fn returned(header: &[String], lines: &[[&str; 4]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        s.write_string(0, c as u16, h).unwrap();
    }
    for (r, l) in lines.iter().enumerate() {
        let r = r as u32 + 1;
        s.write_string(r, 0, l[0]).unwrap();
        s.write_string(r, 10, l[1]).unwrap();
        s.write_string(r, 11, l[2]).unwrap();
        if !l[3].is_empty() {
            s.write_string(r, 1, l[3]).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn send(
    app: &TestApp,
    c: &reqwest::Client,
    bytes: Vec<u8>,
    by: &str,
    on: &str,
) -> (StatusCode, String) {
    let csrf = app.csrf(c, "/").await;
    let form = Form::new()
        .text("csrf", csrf)
        .part("file", Part::bytes(bytes).file_name("tra-ve.xlsx"))
        .text("verified_by", by.to_string())
        .text("on", on.to_string());
    let res = c
        .post(app.url("/ids/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn the_round_on_the_web(app: TestApp) {
    let web = app.signed_in("banbo").await;
    let (s, page) = app.get(&web, "/ids").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("trẻ em của Xã Bản Bo cần đối chiếu số định danh"),
        "{page}"
    );
    let res = web.get(app.url("/ids/list.xlsx")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let list = rows(res.bytes().await.unwrap().to_vec());
    let n = list.len() - 1;
    assert!(page.contains(&format!("<strong>{n} trẻ em của")), "{n}");
    let (_, print) = app.get(&web, "/ids/print").await;
    assert!(print.contains("XÁC NHẬN CỦA CÔNG AN XÃ") && print.contains(&list[1][1]));
    // Two children with a number: one matches, the other the police
    // corrected (her name).
    let with: Vec<&Vec<String>> = list[1..]
        .iter()
        .filter(|r| r[9] == "Chưa được xác thực")
        .collect();
    let (a, b) = (with[0], with[1]);
    let renamed = format!("{} Thị", b[1]);
    let file = returned(
        &list[0],
        &[
            [a[0].as_str(), a[8].as_str(), "khớp", ""],
            [
                b[0].as_str(),
                b[8].as_str(),
                "đã sửa thông tin",
                renamed.as_str(),
            ],
        ],
    );
    // A day to come, a missing agency: refused, nothing stored.
    let (s, body) = send(&app, &web, file.clone(), "Công an xã Bản Bo", "2099-01-01").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("chưa đến") && body.contains("chưa lưu gì"),
        "{body}"
    );
    for by in ["", &"x".repeat(201)] {
        let (s, body) = send(&app, &web, file.clone(), by, "2026-11-20").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("5–200 ký tự"), "{body}");
    }
    let (s, body) = send(
        &app,
        &web,
        b"not a workbook".to_vec(),
        "Công an xã Bản Bo",
        "2026-11-20",
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Tệp không phải danh sách đối chiếu"));
    // Another commune's officer cannot verify Bản Bo's children.
    let other = app.signed_in("binhlu").await;
    let (s, body) = send(
        &app,
        &other,
        file.clone(),
        "Công an xã Bình Lư",
        "2026-11-20",
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("không có trong danh sách trẻ em của xã"),
        "{body}"
    );
    let (s, body) = send(&app, &web, file, "Công an xã Bản Bo", "2026-11-20").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(
        body.contains("1 khớp, 1 đã sửa thông tin, 0 không tìm thấy; 0 số định danh được cập nhật"),
        "{body}"
    );
    // The corrected name waits for the officer; she accepts it.
    assert!(body.contains(&renamed) && body.contains("id=\"differences\""));
    let b_id = common::children_under(&app, "03424")
        .await
        .into_iter()
        .find(|c| c.child_id == b[0])
        .unwrap()
        .id;
    let csrf = app.csrf(&web, "/ids").await;
    let value = format!("{b_id}|full_name|{renamed}");
    let (s, _, body) = post_form(
        &app,
        &web,
        "/ids/accept",
        &[("csrf", &csrf), ("accept", &value)],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(
        body.contains("Đã cập nhật hồ sơ theo thông tin công an đã sửa"),
        "{body}"
    );
    let api = common::token(&app, "banbo").await;
    let v: serde_json::Value = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/children/{b_id}")))
        .bearer_auth(&api)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["full_name"], renamed.as_str());
    assert_eq!(
        v["national_id_verification"],
        serde_json::json!({"by": "Công an xã Bản Bo", "on": "2026-11-20"})
    );
    // The next list holds neither; the dashboard counts them verified and
    // its figure opens them.
    let res = web.get(app.url("/ids/list.xlsx")).send().await.unwrap();
    let next = rows(res.bytes().await.unwrap().to_vec());
    assert_eq!(next.len(), list.len() - 2);
    let (_, dash) = app.get(&web, "/indicators").await;
    let link = dash.split("id=\"id-link\"").nth(1).unwrap();
    assert!(link.contains("link=verified\">2</a>"), "{link}");
    let (s, verified) = app
        .get(&web, "/ids/children?commune=03424&link=verified")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(verified.contains(&renamed) && verified.contains("Công an xã Bản Bo, 20/11/2026"));
    let seen = common::sql_scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('ids_list_exported', 'ids_imported', 'ids_corrections_accepted', 'ids_children_viewed')",
        &[],
    )
    .await
    .unwrap();
    assert!(seen >= 6, "{seen}");
    // A viewer sees the figure, not the children, and imports nothing.
    let viewer = app.signed_in("xem").await;
    assert_eq!(app.get(&viewer, "/ids").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&viewer, "/ids/children?link=verified").await.0,
        StatusCode::FORBIDDEN
    );
    let (s, _) = send(
        &app,
        &viewer,
        returned(&list[0], &[]),
        "Công an xã Bản Bo",
        "2026-11-20",
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// A valid number for a stored child (province 012), serial `n`.
fn number_for(c: &treem_store::ChildRow, n: u32) -> String {
    use chrono::Datelike;
    let year = c.date_of_birth.year() as u32;
    let digit = (year / 100 - 19) * 2 + u32::from(c.sex == "F");
    format!("012{digit}{:02}{n:06}", year % 100)
}

async fn set(app: &TestApp, id: i64, assignments: &str) {
    let sql = format!("UPDATE children SET {assignments} WHERE id = $1 RETURNING id");
    assert_eq!(common::sql_scalar(app, &sql, &[id]).await, Some(id));
}

/// The list holds exactly the children it should, each with its reason,
/// and none whose number is verified, nor anyone 16 or older.
async fn the_list_holds_each_reason(app: TestApp) {
    let today = treem_domain::clock::vn_today();
    let kids = common::children_under(&app, "03424").await;
    let young: Vec<&treem_store::ChildRow> = kids
        .iter()
        .filter(|c| {
            c.date_of_birth > today - chrono::Duration::days(15 * 365) && c.status == "active"
        })
        .collect();
    // Two children of one sex and birth year share a number.
    let (c3, c4) = young
        .iter()
        .flat_map(|a| young.iter().map(move |b| (*a, *b)))
        .find(|(a, b)| {
            a.id != b.id
                && a.sex == b.sex
                && a.date_of_birth.format("%Y").to_string()
                    == b.date_of_birth.format("%Y").to_string()
        })
        .unwrap();
    let rest: Vec<&&treem_store::ChildRow> = young
        .iter()
        .filter(|c| c.id != c3.id && c.id != c4.id)
        .collect();
    let (c1, c2, c5, c6, c7) = (rest[0], rest[1], rest[2], rest[3], rest[4]);
    set(&app, c1.id, "national_id = NULL, national_id_result = NULL").await;
    set(&app, c2.id, "national_id = '999999999999'").await;
    let shared = number_for(c3, 777_001);
    set(&app, c3.id, &format!("national_id = '{shared}'")).await;
    set(&app, c4.id, &format!("national_id = '{shared}'")).await;
    let verified = number_for(c5, 777_005);
    set(
        &app,
        c5.id,
        &format!("national_id = '{verified}', national_id_verified = '{verified}'"),
    )
    .await;
    set(
        &app,
        c6.id,
        "national_id = NULL, national_id_result = 'not_found'",
    )
    .await;
    let own = number_for(c7, 777_007);
    set(
        &app,
        c7.id,
        &format!("national_id = '{own}', national_id_verified = NULL, national_id_result = NULL"),
    )
    .await;
    // Someone old enough is never on it.
    let old = kids
        .iter()
        .find(|c| c.date_of_birth < today - chrono::Duration::days(17 * 365));
    let web = app.signed_in("banbo").await;
    let res = web.get(app.url("/ids/list.xlsx")).send().await.unwrap();
    let list = rows(res.bytes().await.unwrap().to_vec());
    let reason = |c: &treem_store::ChildRow| {
        list.iter()
            .find(|r| r[0] == c.child_id)
            .map(|r| r[9].clone())
    };
    assert_eq!(reason(c1).as_deref(), Some("Chưa có số định danh"));
    assert!(
        reason(c2)
            .unwrap()
            .starts_with("Số định danh không hợp lệ: 3 chữ số đầu")
    );
    assert_eq!(
        reason(c3).as_deref(),
        Some("Trùng số định danh với trẻ khác")
    );
    assert_eq!(
        reason(c4).as_deref(),
        Some("Trùng số định danh với trẻ khác")
    );
    assert_eq!(reason(c5), None, "verified and unchanged");
    assert_eq!(
        reason(c6).as_deref(),
        Some("Lần đối chiếu trước không tìm thấy")
    );
    assert_eq!(reason(c7).as_deref(), Some("Chưa được xác thực"));
    if let Some(old) = old {
        assert_eq!(reason(old), None, "16 or older");
    }
    // A missing number verified: stored with the child's history.
    let number = number_for(c1, 777_011);
    let file = returned(
        &list[0],
        &[[c1.child_id.as_str(), number.as_str(), "khớp", ""]],
    );
    let (s, body) = send(&app, &web, file, "Công an xã Bản Bo", "2026-11-20").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body.contains("1 số định danh được cập nhật"), "{body}");
    let history = app.store.child_versions(c1.id).await.unwrap();
    assert_eq!(history.last().unwrap().changed_fields, "national_id");
    assert_eq!(
        app.store.child(c1.id).await.unwrap().unwrap().national_id,
        Some(number)
    );
}

on_both!(the_round_on_the_web, the_list_holds_each_reason);

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
    let (s, _) = send(&app, &web, file.clone(), "", "2026-11-20").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
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

on_both!(the_round_on_the_web);

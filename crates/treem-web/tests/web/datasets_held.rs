//! The uploaded file kept on the server after a check: «Lưu dữ liệu»
//! stores it without choosing it again (once), its problems download as a
//! workbook, and nobody else — nor a made-up token — reaches it. Over a
//! real socket, on both backends.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::TestApp;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

const HEADER: &str = "\u{feff}Mã trẻ,Họ và tên,Giới tính,Ngày sinh,Mã xã\n";

async fn check(app: &TestApp, c: &reqwest::Client, csv: String) -> (StatusCode, String) {
    let csrf = app.csrf(c, "/datasets").await;
    let form = Form::new().text("csrf", csrf).text("check", "1").part(
        "file",
        Part::bytes(csv.into_bytes()).file_name("danh sách trẻ.csv"),
    );
    let res = c
        .post(app.url("/datasets"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

/// The token of the page's form posting to `action`.
fn token_for(html: &str, action: &str) -> String {
    let form = html
        .split(&format!("action=\"{action}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no form to {action}: {html}"));
    let marker = "name=\"token\" value=\"";
    let at = form.find(marker).unwrap() + marker.len();
    form[at..].chars().take_while(|c| *c != '"').collect()
}

async fn post(app: &TestApp, c: &reqwest::Client, path: &str, token: &str) -> reqwest::Response {
    let csrf = app.csrf(c, "/datasets").await;
    c.post(app.url(path))
        .form(&[("csrf", csrf.as_str()), ("token", token)])
        .send()
        .await
        .unwrap()
}

async fn a_checked_file_is_stored_without_choosing_it_again(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let before = common::children_under(&app, "03424").await.len();
    let csv = format!(
        "{HEADER}HLD-1,Lò Thị Mai,Nữ,01/02/2022,03424\nHLD-2,Lò Văn Páo,Nam,01/02/2021,03424\n"
    );
    let (status, body) = check(&app, &c, csv).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Lưu dữ liệu"), "{body}");
    assert!(body.contains("danh sách trẻ.csv"), "{body}");
    assert!(
        !body.contains("action=\"/datasets/problems.xlsx\""),
        "{body}"
    );
    let token = token_for(&body, "/datasets/save");
    assert_eq!(common::children_under(&app, "03424").await.len(), before);

    // Someone else, or a made-up token: nothing found, nothing stored.
    let other = app.signed_in("chutich").await;
    let res = post(&app, &other, "/datasets/save", &token).await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(res.text().await.unwrap().contains("Hãy chọn lại tệp"));
    let res = post(&app, &c, "/datasets/save", &"0".repeat(64)).await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert_eq!(common::children_under(&app, "03424").await.len(), before);

    let res = post(&app, &c, "/datasets/save", &token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Đã lưu toàn bộ bộ dữ liệu: 2 dòng mới"),
        "{body}"
    );
    assert!(
        !body.contains("action=\"/datasets/save\""),
        "stored, not offered again"
    );
    assert_eq!(
        common::children_under(&app, "03424").await.len(),
        before + 2
    );
    // A second click finds nothing to store.
    let res = post(&app, &c, "/datasets/save", &token).await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert_eq!(
        common::children_under(&app, "03424").await.len(),
        before + 2
    );

    // Another commune's rows in a kept file are refused when it is stored
    // too (the scope is the account's, at the time it is stored).
    let csv = format!("{HEADER}HLD-3,Lò Thị Ơn,Nữ,01/02/2022,03390\n");
    let (status, body) = check(&app, &c, csv).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(!body.contains("action=\"/datasets/save\""), "{body}");
}

async fn the_problems_download_as_a_workbook(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let mut csv = HEADER.to_string();
    for i in 1..=30 {
        csv.push_str(&format!("ERR-{i},Lò Thị Mai,Khác,01/02/2022,03424\n"));
    }
    let (status, body) = check(&app, &c, csv).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let token = token_for(&body, "/datasets/problems.xlsx");

    let res = post(
        &app,
        &app.signed_in("binhlu").await,
        "/datasets/problems.xlsx",
        &token,
    )
    .await;
    assert_eq!(res.status(), StatusCode::GONE);

    let res = post(&app, &c, "/datasets/problems.xlsx", &token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("danh-sach-loi-cua-bo-du-lieu-danh-sach-tre-csv-"),
        "{disposition}"
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Lỗi").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert!(
        rows[0][0].to_string().contains("danh sách trẻ.csv"),
        "{:?}",
        rows[0]
    );
    assert_eq!(
        rows[1].iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        ["Loại", "Tệp", "Dòng", "Cột", "Giá trị", "Nội dung"]
    );
    let problems: Vec<&Vec<Data>> = rows[2..].iter().filter(|r| r[0] == "Lỗi").collect();
    assert_eq!(problems.len(), 30, "{rows:?}");
    assert_eq!(problems[0][2], Data::Float(2.0), "line numbers are numbers");
    assert_eq!(problems[0][3], "Giới tính");
    assert_eq!(problems[0][4], "Khác");
    // The list can be fetched again while the file is kept; nothing stored.
    let res = post(&app, &c, "/datasets/problems.xlsx", &token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let kids = common::children_under(&app, "03424").await;
    assert!(!kids.iter().any(|k| k.child_id.starts_with("ERR-")));
}

on_both!(
    a_checked_file_is_stored_without_choosing_it_again,
    the_problems_download_as_a_workbook,
);

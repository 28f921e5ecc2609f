//! Importing a data set through the web page: scope, check-only, the
//! all-or-nothing rule and the template, over a real socket.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

/// A workbook with a `children` sheet of these rows (Vietnamese headers).
fn workbook(rows: &[[&str; 5]]) -> Vec<u8> {
    named_workbook("children", rows)
}

/// The same, with the sheet named as the officer likes.
fn named_workbook(name: &str, rows: &[[&str; 5]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(name).unwrap();
    for (c, h) in ["Mã trẻ", "Họ và tên", "Giới tính", "Ngày sinh", "Mã xã"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn send(
    app: &TestApp,
    c: &reqwest::Client,
    bytes: Vec<u8>,
    check: bool,
) -> (StatusCode, String) {
    send_named(app, c, "tre-em.xlsx", bytes, check).await
}

async fn send_named(
    app: &TestApp,
    c: &reqwest::Client,
    file_name: &str,
    bytes: Vec<u8>,
    check: bool,
) -> (StatusCode, String) {
    let csrf = app.csrf(c, "/datasets").await;
    let mut form = Form::new()
        .text("csrf", csrf)
        .part("file", Part::bytes(bytes).file_name(file_name.to_string()));
    if check {
        form = form.text("check", "1");
    }
    let res = c
        .post(app.url("/datasets"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn commune_officer_imports_only_her_commune(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let (status, body) = app.get(&c, "/datasets").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("/datasets/template.xlsx"));
    let before = common::children_under(&app, "03424").await.len();
    let mixed = workbook(&[
        ["WEB-1", "Lò Thị Mai", "Nữ", "01/02/2022", "03424"],
        ["WEB-2", "Tẩn Văn Pao", "Nam", "2021-05-06", "03390"],
    ]);
    let (status, body) = send(&app, &c, mixed, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("children, dòng 3, cột Mã xã"), "{body}");
    assert!(body.contains("ngoài phạm vi đơn vị"), "{body}");
    assert!(body.contains("không lưu gì"), "{body}");
    assert_eq!(common::children_under(&app, "03424").await.len(), before);

    let own = workbook(&[["WEB-1", "Lò Thị Mai", "Nữ", "01/02/2022", "03424"]]);
    let (status, body) = send(&app, &c, own.clone(), true).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Kiểm tra xong"), "{body}");
    assert_eq!(common::children_under(&app, "03424").await.len(), before);
    let (status, body) = send(&app, &c, own, false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Đã lưu toàn bộ"), "{body}");
    assert_eq!(
        common::children_under(&app, "03424").await.len(),
        before + 1
    );
    let (_, list) = app.get(&c, "/children?q=lo+thi+mai").await;
    assert!(list.contains("Lò Thị Mai"));
}

async fn bad_uploads_and_who_may_import(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let (status, body) = send(&app, &c, b"not a workbook".to_vec(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Không đọc được tệp"), "{body}");
    // Without the form's token the upload is refused before it is read.
    let form = Form::new().part("file", Part::bytes(workbook(&[])).file_name("x.xlsx"));
    let res = c
        .post(app.url("/datasets"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = c
        .get(app.url("/datasets/template.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    let names = treem_interchange::DataSet::from_bytes("t.xlsx", bytes.to_vec()).unwrap();
    assert!(names.has(treem_interchange::spec::File::Children));
    // A viewer and an administrator do not import into the registry.
    for who in ["xem", "admin1"] {
        let v = app.signed_in(who).await;
        let (status, _) = app.get(&v, "/datasets").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
}

/// A sheet named in the officer's own way is read by its columns and the
/// page says so and how many rows were stored; a workbook from which
/// nothing is read is refused, not "stored".
async fn the_page_says_what_was_read_and_stored(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let before = common::children_under(&app, "03424").await.len();
    let rows = [
        ["OWN-1", "Lò Thị Mai", "Nữ", "01/02/2022", "03424"],
        ["OWN-2", "Lò Văn Páo", "Nam", "01/02/2021", "03424"],
    ];
    let (status, body) = send(&app, &c, named_workbook("Danh sach tre", &rows), false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("Đã lưu toàn bộ bộ dữ liệu: 2 dòng mới"),
        "{body}"
    );
    assert!(body.contains("Danh sach tre"), "{body}");
    assert!(body.contains("đọc như trang tính «children»"), "{body}");
    assert_eq!(
        common::children_under(&app, "03424").await.len(),
        before + 2
    );

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Tên").unwrap();
    sheet.write_string(1, 0, "An").unwrap();
    let (status, body) = send(&app, &c, book.save_to_buffer().unwrap(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.contains("không có trang tính hay tệp nào đọc được"),
        "{body}"
    );
    assert!(!body.contains("Đã lưu"), "{body}");
    assert_eq!(
        common::children_under(&app, "03424").await.len(),
        before + 2
    );
}

/// A plain CSV file is a data set of that one file: recognised by its
/// name, or by its header when named otherwise; «Trai»/«Gái» are read as
/// the sex; a CSV that is no file of the format is refused.
async fn a_plain_csv_upload_is_read(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let before = common::children_under(&app, "03424").await.len();
    let csv = "\u{feff}Mã trẻ,Họ và tên,Giới tính,Ngày sinh,Mã xã\n\
               CSV-1,Lò Thị Dung,Gái,01/02/2022,03424\n\
               CSV-2,Lò Văn Sử,Trai,01/02/2021,03424\n";
    let (status, body) = send_named(&app, &c, "children.csv", csv.as_bytes().to_vec(), false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("Đã lưu toàn bộ bộ dữ liệu: 2 dòng mới"),
        "{body}"
    );
    let (status, body) = send_named(
        &app,
        &c,
        "danh sach tre thang 11.csv",
        csv.replace("CSV-", "CSW-").into_bytes(),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("danh sach tre thang 11.csv"), "{body}");
    let now = common::children_under(&app, "03424").await;
    assert_eq!(now.len(), before + 4);
    let dung = now.iter().find(|k| k.child_id == "CSV-1").unwrap();
    assert_eq!(dung.sex, "F");
    assert_eq!(now.iter().find(|k| k.child_id == "CSW-2").unwrap().sex, "M");
    let (status, body) = send_named(&app, &c, "ghi-chu.csv", b"a,b\n1,2\n".to_vec(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("không phải bộ dữ liệu"), "{body}");
}

/// The template's guide sheet passes without a warning; a stray sheet is
/// named; identical errors are one line with their rows; columns are named
/// by their Vietnamese header.
async fn problems_are_grouped_and_the_guide_is_quiet(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let guide = book.add_worksheet();
    guide.set_name("Huong dan").unwrap();
    guide.write_string(0, 0, "Tệp / trang").unwrap();
    let stray = book.add_worksheet();
    stray.set_name("Ghi chu").unwrap();
    stray.write_string(0, 0, "x").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("children").unwrap();
    for (col, h) in ["Mã trẻ", "Họ và tên", "Giới tính", "Ngày sinh", "Mã xã"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *h).unwrap();
    }
    for r in 1..=30u32 {
        let row = [
            format!("GRP-{r}"),
            "Lò Thị Mai".to_string(),
            "Khác".to_string(),
            "01/02/2022".to_string(),
            "03424".to_string(),
        ];
        for (col, v) in row.iter().enumerate() {
            sheet.write_string(r, col as u16, v).unwrap();
        }
    }
    let (status, body) = send(&app, &c, book.save_to_buffer().unwrap(), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        !body.contains("Huong dan"),
        "the guide does not warn: {body}"
    );
    assert!(body.contains("Ghi chu"), "a stray sheet is named");
    let problems = body.split("class=\"problems\"").nth(1).unwrap();
    let problems = problems.split("</ul>").next().unwrap();
    assert_eq!(problems.matches("<li>").count(), 1, "{problems}");
    assert!(problems.contains("30 dòng:"), "{problems}");
    assert!(problems.contains("cột Giới tính"), "{problems}");
    assert!(problems.contains("dòng 2–31"), "{problems}");
}

on_both!(
    a_plain_csv_upload_is_read,
    problems_are_grouped_and_the_guide_is_quiet,
    commune_officer_imports_only_her_commune,
    bad_uploads_and_who_may_import,
    the_page_says_what_was_read_and_stored
);

//! A village session on paper and in Excel, over a real socket on both
//! backends: the A4 form lists the children, and the workbook — filled as
//! an officer would, the rows of children not weighed deleted — imports
//! back as a data set on the Data sets page.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::TestApp;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use rust_xlsxwriter::Workbook;
use treem_domain::clock::vn_today;
use treem_domain::i18n::fmt_date;

/// A village of Bản Bo with an under-five.
async fn a_village(app: &TestApp) -> String {
    let born_after = vn_today() - chrono::Duration::days(5 * 365 - 10);
    common::children_under(app, "03424")
        .await
        .into_iter()
        .filter(|k| k.status == "active" && k.date_of_birth > born_after)
        .find_map(|k| k.village)
        .unwrap()
}

async fn the_session_prints_and_its_workbook_imports_back(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let today = vn_today();
    let village = a_village(&app).await;
    let session = app.prepare_village(&c, &village, "weighing").await;
    let list = app.json(&c, &format!("{session}/list.json")).await;
    let listed = list["children"].as_array().unwrap();

    // The A4 form: every child, boxes to write in, two signatures.
    let (status, page) = app.get(&c, &format!("{session}/print")).await;
    assert_eq!(status, StatusCode::OK);
    for child in listed {
        assert!(page.contains(child["name"].as_str().unwrap()));
    }
    assert!(page.contains("NGƯỜI CÂN ĐO") && page.contains("TRƯỞNG THÔN"));

    // The workbook: the contract's headers, the codes and the day filled in.
    let res = c
        .get(app.url(&format!("{session}/sheet.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["Huong dan", "measurements"]);
    let rows: Vec<Vec<Data>> = book
        .worksheet_range("measurements")
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect();
    assert_eq!(rows[0][0], "Mã trẻ");
    assert_eq!(rows[0][1], "Ngày cân đo");
    assert_eq!(rows.len(), listed.len() + 1);
    assert_eq!(rows[1][0], listed[0]["code"].as_str().unwrap());
    assert_eq!(rows[1][1], fmt_date(today).as_str());

    // Filled as an officer would: the first child weighed and measured, the
    // other rows deleted; every column kept as downloaded.
    let mut filled = Workbook::new();
    filled.add_worksheet().set_name("Huong dan").unwrap();
    let sheet = filled.add_worksheet();
    sheet.set_name("measurements").unwrap();
    for (r, row) in rows.iter().take(2).enumerate() {
        for (col, cell) in row.iter().enumerate() {
            let text = match (r, col) {
                (1, 2) => "10,4".to_string(),
                (1, 3) => "82,5".to_string(),
                (1, 4) => "đứng".to_string(),
                _ => cell.to_string(),
            };
            sheet.write_string(r as u32, col as u16, text).unwrap();
        }
    }
    let child = listed[0]["id"].as_i64().unwrap();
    let before = app.store.measurements(child).await.unwrap().len();
    let csrf = app.csrf(&c, "/datasets").await;
    let form = Form::new().text("csrf", csrf).part(
        "file",
        Part::bytes(filled.save_to_buffer().unwrap()).file_name("buoi-can-do.xlsx"),
    );
    let res = c
        .post(app.url("/datasets"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    let after = app.store.measurements(child).await.unwrap();
    assert_eq!(after.len(), before + 1, "{body}");
    let m = after
        .iter()
        .find(|m| m.measured.measured_on == today)
        .unwrap();
    assert_eq!(m.measured.weight_kg, Some(10.4));
    assert_eq!(m.measured.position.as_deref(), Some("standing"));
}

on_both!(the_session_prints_and_its_workbook_imports_back);

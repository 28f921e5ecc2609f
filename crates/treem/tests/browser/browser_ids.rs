//! The ID verification round on a 360-px phone in headless Chromium: the
//! officer downloads the list for the commune police, imports it back
//! filled, and sees the link's completeness change. Screenshots land in
//! `target/browser/`.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::browser_common;

use browser_common::*;
use calamine::{Reader, Xlsx};
use fantoccini::Locator;

/// The verified count of the link's total row on `/ids`.
async fn verified_total(b: &fantoccini::Client, base: &str) -> u64 {
    b.goto(&format!("{base}/ids")).await.unwrap();
    let row = b
        .wait()
        .for_element(Locator::Css("#link tbody tr:last-child td strong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    row.trim().parse().unwrap()
}

#[tokio::test]
async fn the_police_list_goes_out_and_comes_back_on_a_phone() {
    let Some(s) = launch().await else { return };
    add_user(&s.data, "can.bo", "commune", "03424", "mat-khau-can-bo-xa");
    let b = &s.browser;
    sign_in(b, &s.base, "can.bo", "mat-khau-can-bo-xa").await;
    let before = verified_total(b, &s.base).await;
    shot(b, "ids-360.png").await;
    // The list, downloaded by the page's own link (the browser's session).
    let href = b
        .find(Locator::Css("a[href^='/ids/list.xlsx']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let bytes: Vec<u8> = serde_json::from_value(
        b.execute_async(
            "const done = arguments[arguments.length - 1]; \
             fetch(arguments[0]).then(r => r.arrayBuffer()) \
               .then(buf => done(Array.from(new Uint8Array(buf))));",
            vec![href.into()],
        )
        .await
        .unwrap(),
    )
    .unwrap();
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let rows: Vec<Vec<String>> = wb
        .worksheet_range("Danh sách")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let unverified: Vec<&Vec<String>> = rows[1..]
        .iter()
        .filter(|r| r[9] == "Chưa được xác thực")
        .take(2)
        .collect();
    assert_eq!(unverified.len(), 2);
    // The police fill two lines: both match.
    let file = s.data.0.join("danh-sach-cong-an.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in rows[0].iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, line) in unverified.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &line[0]).unwrap();
        sheet.write_string(r, 10, &line[8]).unwrap();
        sheet.write_string(r, 11, "khớp").unwrap();
    }
    book.save(&file).unwrap();
    b.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    click(b, "form#import button[type=submit]").await;
    let said = b
        .wait()
        .for_element(Locator::Id("said"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        said.contains("2 khớp, 0 đã sửa thông tin, 0 không tìm thấy"),
        "{said}"
    );
    shot(b, "ids-stored-360.png").await;
    assert_eq!(verified_total(b, &s.base).await, before + 2);
    shot(b, "ids-after-360.png").await;
    s.browser.clone().close().await.unwrap();
}

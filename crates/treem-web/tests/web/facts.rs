//! The small forms for schools, assessments, disasters and participation:
//! one row each through the importer, with the officer's scope.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use treem_store::ExportFile;

async fn send(
    app: &TestApp,
    c: &reqwest::Client,
    file: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let csrf = app.csrf(c, "/facts").await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = c
        .post(app.url(&format!("/facts/{file}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn count(app: &TestApp, file: ExportFile) -> usize {
    app.store.export_page(file, 0, 100_000).await.unwrap().len()
}

async fn forms_store_one_row_each_within_scope(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let (status, body) = app.get(&c, "/facts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Công trình vệ sinh đạt chuẩn"));
    // Picked, not typed: her communes by name, the levels, yes or no; a
    // date is a date field; the year is filled in.
    let commune = body.split("id=\"schools-commune_code\"").nth(1).unwrap();
    let commune = commune.split("</select>").next().unwrap();
    assert!(
        commune.contains("<option value=\"03424\">Xã Bản Bo</option>"),
        "{commune}"
    );
    assert!(!commune.contains("03390"), "only her scope: {commune}");
    assert!(
        body.contains("<option value=\"primary\">Tiểu học</option>"),
        "{body}"
    );
    let yes_no = body
        .split("id=\"schools-sanitation_standard\"")
        .nth(1)
        .unwrap();
    assert!(
        yes_no
            .split("</select>")
            .next()
            .unwrap()
            .contains("<option value=\"yes\">Có</option>")
    );
    assert!(
        body.contains("id=\"disasters-occurred_on\" name=\"occurred_on\" value=\"\" type=\"date\"")
    );
    let year = vn_year();
    assert!(
        body.contains(&format!("name=\"year\" value=\"{year}\" type=\"number\"")),
        "{body}"
    );
    let schools = count(&app, ExportFile::Schools).await;
    let school = [
        ("school_code", "TH-TEST"),
        ("name", "Trường Tiểu học Thử"),
        ("level", "tiểu học"),
        ("commune_code", "03424"),
        ("year", "2026"),
        ("sanitation_standard", "có"),
        ("psych_support", "không"),
    ];
    let (status, body) = send(&app, &c, "schools", &school).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Đã lưu."));
    assert_eq!(count(&app, ExportFile::Schools).await, schools + 1);
    // What is stored for the year is listed, with a link that puts it back
    // in the form to correct it.
    let (_, listed) = app.get(&c, "/facts?year=2026").await;
    let table = listed.split("id=\"schools\"").nth(1).unwrap();
    let table = table.split("</section>").next().unwrap();
    assert!(
        table.contains("<td data-label=\"Mã trường\">TH-TEST</td>"),
        "{table}"
    );
    assert!(
        table.contains("<td data-label=\"Mã xã\">Xã Bản Bo</td>"),
        "{table}"
    );
    let edit = table
        .split("href=\"")
        .map(|s| s.split('"').next().unwrap())
        .find(|s| s.starts_with("/facts?file=schools") && s.contains("TH-TEST"))
        .unwrap()
        .replace("&#38;", "&");
    let (status, form) = app.get(&c, &edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"TH-TEST\""), "{form}");
    assert!(
        form.contains("<option value=\"primary\" selected>"),
        "{form}"
    );
    assert!(app.get(&c, "/facts?year=abc").await.0 == StatusCode::BAD_REQUEST);
    // Another commune's school is refused, and nothing is stored.
    let mut other = school;
    other[0] = ("school_code", "TH-KHAC");
    other[3] = ("commune_code", "03390");
    let (status, body) = send(&app, &c, "schools", &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Mã xã: ngoài phạm vi đơn vị"), "{body}");
    assert!(body.contains("value=\"TH-KHAC\""), "what was typed is kept");
    assert_eq!(count(&app, ExportFile::Schools).await, schools + 1);
    let disaster = [
        ("event_id", "LU-TEST"),
        ("commune_code", "03424"),
        ("occurred_on", "02/08/2026"),
        ("kind", "Lũ quét"),
        ("children_affected", "10"),
        ("children_supported_timely", "12"),
    ];
    let (status, body) = send(&app, &c, "disasters", &disaster).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("lớn hơn số trẻ em bị ảnh hưởng"), "{body}");
    let (status, _) = send(&app, &c, "nope", &disaster).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A viewer does not enter figures.
    let v = app.signed_in("xem").await;
    let (status, _) = app.get(&v, "/facts").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// This year in Vietnam.
fn vn_year() -> i32 {
    chrono::Datelike::year(&treem_domain::clock::vn_today())
}

on_both!(forms_store_one_row_each_within_scope);

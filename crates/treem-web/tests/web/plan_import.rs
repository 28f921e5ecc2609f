//! The plan's files through the data set page, over a real socket: an
//! officer imports progress reports for her commune's plan; an officer who
//! works for an agency imports her agency's reports only; another
//! commune's plan is out of reach. The export's side is in the
//! interchange tests.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use treem_domain::access::Role;
use treem_domain::clock::vn_today;
use treem_domain::plan::progress::ReportPeriod;

const HEADER: [&str; 8] = [
    "Mã đơn vị",
    "Kế hoạch",
    "Mã nhiệm vụ",
    "Cơ quan báo cáo",
    "Kỳ báo cáo",
    "Tình trạng",
    "Kết quả thực hiện",
    "Số người được tiếp cận",
];

/// A workbook with a `progress` sheet of these rows.
fn progress_book(rows: &[[String; 8]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("progress").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn upload(app: &TestApp, c: &reqwest::Client, bytes: Vec<u8>) -> (StatusCode, String) {
    let csrf = app.csrf(c, "/datasets").await;
    let form = Form::new()
        .text("csrf", csrf)
        .part("file", Part::bytes(bytes).file_name("tien-do.xlsx"));
    let res = c
        .post(app.url("/datasets"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

/// The plan derived for commune `code` (the demo derives one for each).
async fn derived_plan(app: &TestApp, code: &str) -> treem_store::PlanRow {
    let units = app.store.units().await.unwrap();
    app.store
        .plans()
        .await
        .unwrap()
        .into_iter()
        .find(|p| {
            p.derived_from.is_some()
                && units
                    .iter()
                    .any(|u| u.id == p.unit_id && u.unit.code == code)
        })
        .unwrap()
}

/// A row for task N4 (6-monthly) of commune `code`'s derived plan, in the
/// half-year under way.
async fn row(app: &TestApp, code: &str, agency: &str, reached: &str) -> [String; 8] {
    let plan = derived_plan(app, code).await;
    let period = ReportPeriod::containing(vn_today()).code();
    [
        code.to_string(),
        plan.title,
        "N4".into(),
        agency.into(),
        period,
        "đang thực hiện".into(),
        "Phát 3 số bản tin".into(),
        reached.into(),
    ]
}

async fn reports_of_n4(app: &TestApp, code: &str) -> Vec<(String, Option<i64>)> {
    let plan = derived_plan(app, code).await;
    let task = app
        .store
        .plan_tasks(plan.id)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == "N4")
        .unwrap();
    app.store
        .task_reports(task.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.agency_code, r.people_reached))
        .collect()
}

async fn progress_is_imported_within_scope_and_agency(app: TestApp) {
    let before = reports_of_n4(&app, "03424").await.len();
    let c = app.signed_in("banbo").await;
    // Another commune's plan is out of her reach: nothing is stored.
    let mixed = progress_book(&[
        row(&app, "03424", "TTVH", "1.200").await,
        row(&app, "03390", "TTVH", "50").await,
    ]);
    let (status, body) = upload(&app, &c, mixed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("progress, dòng 3, cột Mã đơn vị"), "{body}");
    assert!(body.contains("không lưu gì"), "{body}");
    assert_eq!(reports_of_n4(&app, "03424").await.len(), before);
    let own = progress_book(&[row(&app, "03424", "TTVH", "1.200").await]);
    let (status, body) = upload(&app, &c, own.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Đã lưu toàn bộ"), "{body}");
    let after = reports_of_n4(&app, "03424").await;
    assert_eq!(after.len(), before + 1);
    assert_eq!(after.last(), Some(&("TTVH".to_string(), Some(1200))));
    // The same file again files nothing more.
    let (status, _) = upload(&app, &c, own).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reports_of_n4(&app, "03424").await.len(), before + 1);

    // An officer who works for the Front reports for the Front only.
    common::agency_account(&app, "mttq_banbo", Role::Commune, "03424", "MTTQ").await;
    let m = app.signed_in("mttq_banbo").await;
    let (status, body) = upload(
        &app,
        &m,
        progress_book(&[row(&app, "03424", "TTVH", "10").await]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("cột Cơ quan báo cáo"), "{body}");
    let (status, body) = upload(
        &app,
        &m,
        progress_book(&[row(&app, "03424", "MTTQ", "75").await]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        reports_of_n4(&app, "03424")
            .await
            .contains(&("MTTQ".to_string(), Some(75)))
    );
    // The import is in the audit log with what it stored.
    let n = common::sql_scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'dataset.import' AND detail LIKE '%progress%'",
        &[],
    )
    .await;
    assert!(n.unwrap_or(0) >= 2, "{n:?}");
}

async fn a_plan_downloads_as_a_workbook_that_imports_back(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let id = derived_plan(&app, "03424").await.id;
    let (_, page) = app.get(&c, &format!("/plans/{id}")).await;
    assert!(page.contains(&format!("/plans/{id}/plan.xlsx")), "{page}");
    let res = c
        .get(app.url(&format!("/plans/{id}/plan.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("ke-hoach-03424")
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    use calamine::Reader;
    let tasks = book.worksheet_range("plan_tasks").unwrap();
    assert_eq!(tasks.height(), 1 + 31, "a header and the 31 tasks");
    let reports_before =
        common::sql_scalar(&app, "SELECT COUNT(*) FROM progress_reports", &[]).await;
    let (status, body) = upload(&app, &c, bytes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        common::sql_scalar(&app, "SELECT COUNT(*) FROM progress_reports", &[]).await,
        reports_before,
        "the plan as downloaded changes nothing"
    );
    // Another commune's plan is not hers to download.
    let other = derived_plan(&app, "03390").await.id;
    let res = c
        .get(app.url(&format!("/plans/{other}/plan.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let n = common::sql_scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'plan_exported'",
        &[],
    )
    .await;
    assert_eq!(n, Some(1));
}

on_both!(
    progress_is_imported_within_scope_and_agency,
    a_plan_downloads_as_a_workbook_that_imports_back,
);

//! Measurements, growth charts and the nutrition list through the pages.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::{Datelike, Duration};
use common::TestApp;
use reqwest::StatusCode;
use treem_domain::clock::vn_today;
use treem_store::{AuditQuery, ChildRow};

/// A child of that commune born in the last two years, with no measurement today.
async fn young_child(app: &TestApp, code: &str) -> ChildRow {
    let today = vn_today();
    common::children_under(app, code)
        .await
        .into_iter()
        .find(|c| {
            c.status == "active"
                && (today - c.date_of_birth).num_days() < 700
                && (today - c.date_of_birth).num_days() > 300
        })
        .expect("a young child in the demo commune")
}

async fn post_measurement(
    app: &TestApp,
    c: &reqwest::Client,
    id: i64,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let csrf = app
        .csrf(c, &format!("/children/{id}/measurements/new"))
        .await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = c
        .post(app.url(&format!("/children/{id}/measurements")))
        .form(&form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn profile_with_charts(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let with_measurements = {
        let mut found = None;
        for child in common::children_under(&app, "03424").await {
            if !app.store.measurements(child.id).await.unwrap().is_empty() {
                found = Some(child);
                break;
            }
        }
        found.expect("demo campaigns measured someone")
    };
    let (status, body) = app
        .get(&c, &format!("/children/{}", with_measurements.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&with_measurements.full_name));
    assert_eq!(body.matches("<svg").count(), 3, "three growth charts");
    assert!(body.contains("Cân nặng theo tuổi (kg)"));
    assert!(body.contains("class=\"sd0\""));
    assert!(body.contains("Thêm lần cân, đo"));
}

async fn other_communes_children_do_not_exist(app: TestApp) {
    let foreign = young_child(&app, "03390").await;
    let c = app.signed_in("banbo").await;
    assert_eq!(
        app.get(&c, &format!("/children/{}", foreign.id)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&c, &format!("/children/{}/measurements/new", foreign.id))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let before = app.store.measurements(foreign.id).await.unwrap().len();
    let own = young_child(&app, "03424").await;
    // A token from her own page, used against another commune's child.
    let csrf = app
        .csrf(&c, &format!("/children/{}/measurements/new", own.id))
        .await;
    let form = [
        ("csrf", csrf.as_str()),
        ("measured_on", "01/01/2026"),
        ("weight_kg", "9"),
    ];
    let res = c
        .post(app.url(&format!("/children/{}/measurements", foreign.id)))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains(&foreign.full_name));
    assert_eq!(
        app.store.measurements(foreign.id).await.unwrap().len(),
        before
    );
    assert_eq!(
        app.get(&c, "/children/999999").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&c, "/children/abc").await.0,
        StatusCode::BAD_REQUEST
    );
    // Roles without the registry see nothing at all.
    for role in ["xem", "hotro"] {
        let other = app.signed_in(role).await;
        assert_eq!(
            app.get(&other, &format!("/children/{}", own.id)).await.0,
            StatusCode::FORBIDDEN
        );
    }
}

async fn adding_measurements(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let child = young_child(&app, "03424").await;
    let before = app.store.measurements(child.id).await.unwrap().len();
    let today = vn_today();
    let date = format!("{:02}/{:02}/{}", today.day(), today.month(), today.year());
    let lying = [
        ("measured_on", date.as_str()),
        ("weight_kg", "8,4"),
        ("height_cm", "72.5"),
        ("position", "lying"),
    ];
    // Bad input: every problem listed, nothing stored.
    let (status, body) = post_measurement(
        &app,
        &c,
        child.id,
        &[
            ("measured_on", "32/13/2025"),
            ("weight_kg", "abc"),
            ("height_cm", "-5"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in [
        "Ngày cân đo không hợp lệ",
        "Cân nặng phải là một số dương",
        "Chiều dài/chiều cao phải là một số dương",
    ] {
        assert!(body.contains(m), "{m}");
    }
    let tomorrow = (today + Duration::days(1)).format("%d/%m/%Y").to_string();
    let (status, body) = post_measurement(
        &app,
        &c,
        child.id,
        &[("measured_on", &tomorrow), ("weight_kg", "8")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Ngày cân đo ở tương lai."));
    assert_eq!(
        app.store.measurements(child.id).await.unwrap().len(),
        before
    );
    // A good measurement is stored with its z-scores.
    let (status, _) = post_measurement(&app, &c, child.id, &lying).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let list = app.store.measurements(child.id).await.unwrap();
    assert_eq!(list.len(), before + 1);
    let m = list
        .iter()
        .find(|m| m.measured.measured_on == today)
        .unwrap();
    assert_eq!(m.measured.weight_kg, Some(8.4));
    assert!(m.z.waz.is_some() && m.z.haz.is_some() && m.z.whz.is_some());
    assert_eq!(m.z.method, treem_domain::nutrition::METHOD);
    // The same day again is refused.
    let (status, body) = post_measurement(&app, &c, child.id, &lying).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("Trẻ đã có một lần cân, đo vào ngày này."));
    // An implausible value is shown for checking first, then saved on confirmation.
    let day = (today - Duration::days(3)).format("%d/%m/%Y").to_string();
    let typo = [
        ("measured_on", day.as_str()),
        ("weight_kg", "84"),
        ("height_cm", "72.5"),
        ("position", "lying"),
    ];
    let (status, body) = post_measurement(&app, &c, child.id, &typo).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Hãy kiểm tra lại trước khi lưu"));
    assert!(body.contains("có thể nhập sai"));
    assert!(body.contains("value=\"84\""), "what was typed is kept");
    assert_eq!(
        app.store.measurements(child.id).await.unwrap().len(),
        before + 1
    );
    let mut confirmed = typo.to_vec();
    confirmed.push(("confirm", "on"));
    let (status, _) = post_measurement(&app, &c, child.id, &confirmed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let stored = app.store.measurements(child.id).await.unwrap();
    assert!(stored.iter().any(|m| m.z.f_waz == Some(true)));
    let added = app
        .store
        .audit_entries(&AuditQuery {
            action: Some("measurement_added".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(added.len(), 2);
    assert!(
        !added[0].event.detail.contains(&child.full_name),
        "no names in the audit log"
    );
    // Beyond the physical limits (6,6 cm for 66): a warning to confirm,
    // then stored as typed — never refused.
    let day = (today - Duration::days(5)).format("%d/%m/%Y").to_string();
    let slip = [
        ("measured_on", day.as_str()),
        ("weight_kg", "8,1"),
        ("height_cm", "6,6"),
        ("position", "lying"),
    ];
    let (status, body) = post_measurement(&app, &c, child.id, &slip).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("ngoài giới hạn thường gặp (20–250 cm)"),
        "{body}"
    );
    let mut confirmed = slip.to_vec();
    confirmed.push(("confirm", "on"));
    let (status, _) = post_measurement(&app, &c, child.id, &confirmed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let stored = app.store.measurements(child.id).await.unwrap();
    let slipped = stored
        .iter()
        .find(|m| m.measured.height_cm == Some(6.6))
        .unwrap();
    assert_eq!(slipped.measured.weight_kg, Some(8.1), "the weight is kept");
    assert_eq!(slipped.z.f_haz, Some(true), "WHO flags the height");
    // A viewer cannot add.
    let viewer = app.signed_in("xem").await;
    let csrf = app.csrf(&viewer, "/").await;
    let res = viewer
        .post(app.url(&format!("/children/{}/measurements", child.id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("measured_on", "01/01/2026"),
            ("weight_kg", "9"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// Posts the correction page of measurement `mid`: the status, and the
/// redirect's target or the page.
async fn post_fix(
    app: &TestApp,
    c: &reqwest::Client,
    (id, mid): (i64, i64),
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let csrf = app.csrf(c, &format!("/children/{id}")).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = c
        .post(app.url(&format!("/children/{id}/measurements/{mid}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    match res.headers().get("location") {
        Some(l) => (status, l.to_str().unwrap().to_string()),
        None => (status, res.text().await.unwrap()),
    }
}

/// 95 kg typed for a 21-month-old: the chart keeps its axis and shows the
/// value at its edge; the measurement is corrected (the 409 of re-entering
/// the date leads there), then another is withdrawn; both need a reason,
/// keep the old values in the history and are audited; nobody outside the
/// commune or without the right can do either.
async fn correcting_and_withdrawing_a_measurement(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let child = young_child(&app, "03424").await;
    let today = vn_today();
    let date = today.format("%d/%m/%Y").to_string();
    let typo = [
        ("measured_on", date.as_str()),
        ("weight_kg", "95"),
        ("height_cm", "80"),
        ("position", "lying"),
        ("confirm", "on"),
    ];
    assert_eq!(
        post_measurement(&app, &c, child.id, &typo).await.0,
        StatusCode::SEE_OTHER
    );
    let mid = app
        .store
        .measurements(child.id)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.measured.measured_on == today)
        .unwrap()
        .id;
    let (_, page) = app.get(&c, &format!("/children/{}", child.id)).await;
    assert!(page.contains("class=\"offscale"), "off-scale value drawn");
    assert!(page.contains(">95,0 ⚠</text>"));
    let fix = format!("/children/{}/measurements/{mid}", child.id);
    assert!(page.contains(&format!("href=\"{fix}\"")));

    // Entering the date again: 409, with the way to the one to correct.
    let (status, body) = post_measurement(&app, &c, child.id, &typo).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains(&format!("href=\"{fix}\"")), "{body}");
    let (status, form) = app.get(&c, &fix).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"95,0\"") && form.contains(&date));

    // No reason: refused, nothing changed.
    let good = [
        ("action", "correct"),
        ("measured_on", date.as_str()),
        ("weight_kg", "9,5"),
        ("height_cm", "80"),
        ("position", "lying"),
    ];
    let (status, body) = post_fix(&app, &c, (child.id, mid), &good).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Cần ghi lý do"));
    let long = "x".repeat(501);
    let mut too_long = good.to_vec();
    too_long.push(("reason", &long));
    assert_eq!(
        post_fix(&app, &c, (child.id, mid), &too_long).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut bad = good.to_vec();
    bad[2] = ("weight_kg", "abc");
    bad.push(("reason", "gõ nhầm"));
    let (status, body) = post_fix(&app, &c, (child.id, mid), &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Cân nặng phải là một số dương"));
    assert_eq!(
        app.store.measurements(child.id).await.unwrap()[0..]
            .iter()
            .find(|m| m.id == mid)
            .unwrap()
            .measured
            .weight_kg,
        Some(95.0)
    );
    // Corrected: the z-scores computed again, the old values kept.
    let mut fixed = good.to_vec();
    fixed.push(("reason", "gõ nhầm 9,5 thành 95"));
    let (status, to) = post_fix(&app, &c, (child.id, mid), &fixed).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert!(to.contains("saved=corrected"));
    let now = app.store.measurements(child.id).await.unwrap();
    let m = now.iter().find(|m| m.id == mid).unwrap();
    assert_eq!(m.measured.weight_kg, Some(9.5));
    assert_ne!(m.z.f_waz, Some(true));
    let (_, page) = app
        .get(&c, &format!("/children/{}?saved=corrected", child.id))
        .await;
    assert!(page.contains("Đã lưu số đo đã sửa"));
    assert!(page.contains("gõ nhầm 9,5 thành 95"));
    assert!(page.contains(&format!("{date}: 95,0 kg, 80,0 cm")));
    assert!(!page.contains("class=\"offscale"));

    // Withdrawn: needs the reason and the confirmation box.
    let (status, body) = post_fix(
        &app,
        &c,
        (child.id, mid),
        &[("action", "withdraw"), ("reason", "cân nhầm trẻ")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Hãy đánh dấu ô xác nhận"));
    assert!(now.iter().any(|m| m.id == mid));
    // Others: a commune officer elsewhere does not see the child; a viewer
    // may not write.
    let other = app.signed_in("binhlu").await;
    assert_eq!(app.get(&other, &fix).await.0, StatusCode::NOT_FOUND);
    let withdraw = [
        ("action", "withdraw"),
        ("reason", "cân nhầm trẻ"),
        ("confirm", "on"),
    ];
    assert_eq!(
        post_fix(&app, &other, (child.id, mid), &withdraw).await.0,
        StatusCode::NOT_FOUND
    );
    let viewer = app.signed_in("xem").await;
    assert_eq!(app.get(&viewer, &fix).await.0, StatusCode::FORBIDDEN);
    // A measurement of another child under this child's address: not found.
    let sibling = common::children_under(&app, "03424")
        .await
        .into_iter()
        .find(|c| c.id != child.id)
        .unwrap();
    assert_eq!(
        post_fix(&app, &c, (sibling.id, mid), &withdraw).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, to) = post_fix(&app, &c, (child.id, mid), &withdraw).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert!(to.contains("saved=withdrawn"));
    assert!(
        !app.store
            .measurements(child.id)
            .await
            .unwrap()
            .iter()
            .any(|m| m.id == mid)
    );
    assert_eq!(app.get(&c, &fix).await.0, StatusCode::NOT_FOUND);
    let changes = app.store.measurement_changes(child.id).await.unwrap();
    assert_eq!(
        changes.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>(),
        ["withdrawn", "corrected"]
    );
    for action in ["measurement_corrected", "measurement_withdrawn"] {
        let entries = app
            .store
            .audit_entries(&AuditQuery {
                action: Some(action.into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(entries.len(), 1, "{action}");
        assert_eq!(entries[0].event.record_id, mid.to_string());
        assert!(
            !entries[0].event.detail.contains("cân nhầm"),
            "no reason text in the log"
        );
    }
    // The date is free again.
    assert_eq!(
        post_measurement(&app, &c, child.id, &typo).await.0,
        StatusCode::SEE_OTHER
    );
}

/// The "N trẻ cần theo dõi" count of the nutrition page.
fn body_total(body: &str) -> usize {
    let end = body.find(" trẻ cần theo dõi").unwrap();
    let start = body[..end].rfind('>').unwrap() + 1;
    body[start..end].replace('.', "").parse().unwrap()
}

async fn nutrition_list_and_export(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let (status, body) = app.get(&c, "/nutrition").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("trẻ cần theo dõi"));
    let foreign: Vec<String> = {
        let own: Vec<String> = common::children_under(&app, "03424")
            .await
            .into_iter()
            .map(|c| c.full_name)
            .collect();
        common::children_under(&app, "03390")
            .await
            .into_iter()
            .map(|c| c.full_name)
            .filter(|n| !own.contains(n))
            .collect()
    };
    for path in [
        "/nutrition",
        "/nutrition?commune=03390",
        "/nutrition?sort=waz",
    ] {
        let (_, body) = app.get(&c, path).await;
        for name in &foreign {
            assert!(!body.contains(name.as_str()), "{path} shows {name}");
        }
    }
    let (_, other) = app.get(&c, "/nutrition?commune=03390").await;
    assert!(other.contains("Không có trẻ nào cần theo dõi."));
    // Paged by 100 (the province's list is long); every child on exactly
    // one page.
    let province = app.signed_in("tinh").await;
    let (_, body) = app.get(&province, "/nutrition").await;
    let total: usize = body_total(&body);
    let pages = total.div_ceil(100).max(1);
    let mut seen = std::collections::HashSet::new();
    for p in 1..=pages {
        let (_, page) = app.get(&province, &format!("/nutrition?page={p}")).await;
        let ids: Vec<String> = page
            .split("<tr><td><a href=\"/children/")
            .skip(1)
            .map(|r| r.split('"').next().unwrap().to_string())
            .collect();
        assert_eq!(
            ids.len(),
            if p < pages {
                100
            } else {
                total - 100 * (pages - 1)
            }
        );
        for id in ids {
            assert!(seen.insert(id), "a child on two pages");
        }
        if pages > 1 {
            assert!(page.contains(&format!("Trang {p}/{pages}")), "{page}");
        }
    }
    assert_eq!(seen.len(), total);
    assert!(total > 100, "the demo has more than one page: {total}");
    let res = c
        .get(app.url("/nutrition?format=xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let today = vn_today().format("%Y-%m-%d").to_string();
    assert_eq!(
        res.headers()["content-disposition"],
        format!("attachment; filename=\"dinh-duong-03424-{today}.xlsx\"").as_str()
    );
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip file");
    // A title row, a frozen header with filters, dates and z-scores as
    // dates and numbers.
    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("Dinh dưỡng").unwrap();
    let title = sheet.get_value((0, 0)).unwrap().to_string();
    assert!(
        title.starts_with("Danh sách theo dõi dinh dưỡng trẻ dưới 5 tuổi — Xã Bản Bo — "),
        "{title}"
    );
    assert_eq!(
        sheet.get_value((1, 0)),
        Some(&Data::String("Họ và tên".into()))
    );
    assert!(
        matches!(sheet.get_value((2, 1)), Some(Data::DateTime(_))),
        "{:?}",
        sheet.get_value((2, 1))
    );
    assert!(
        (2..sheet.height() as u32).any(|r| matches!(sheet.get_value((r, 6)), Some(Data::Float(_)))),
        "z-scores are numbers"
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(
        xml.contains("<autoFilter ref=\"A2:"),
        "filters on the header"
    );
    assert!(xml.contains("state=\"frozen\""), "the header is frozen");
    let exported = app
        .store
        .audit_entries(&AuditQuery {
            action: Some("nutrition_list_exported".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(exported.len(), 1);
}

on_both!(
    profile_with_charts,
    other_communes_children_do_not_exist,
    adding_measurements,
    correcting_and_withdrawing_a_measurement,
    nutrition_list_and_export
);

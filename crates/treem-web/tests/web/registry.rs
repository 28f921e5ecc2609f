//! Creating and correcting children's records through the pages: scope,
//! validation, versions, and stale edits from two sessions.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use treem_store::AuditQuery;

fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.find(&marker)
        .map(|i| {
            html[i + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default()
}

fn child_form<'a>(csrf: &'a str, name: &'a str, commune: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("child_id", "BB-NEW-1"),
        ("full_name", name),
        ("sex", "F"),
        ("date_of_birth", "12/03/2022"),
        ("commune_code", commune),
        ("village", "Bản Bo"),
        ("mother_name", "Lò Thị Mai"),
        ("status", "active"),
        ("sc_d", "on"),
        ("ethnicity", "08"),
    ]
}

async fn create_in_scope_only(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let (status, page) = app.get(&c, "/children/new").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = common::csrf_of(&page);
    // Another commune: refused, nothing stored.
    let (status, _, body) = common::post_form(
        &app,
        &c,
        "/children/new",
        &child_form(&csrf, "Lò Thị Ngoài", "03390"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("không phải xã, phường đang có hiệu lực trong phạm vi của bạn"));
    // Bad values: every problem listed with its field's name.
    let mut bad = child_form(&csrf, "", "03424");
    bad[4] = ("date_of_birth", "31/02/2022");
    let (status, _, body) = common::post_form(&app, &c, "/children/new", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Họ và tên: bắt buộc"));
    assert!(body.contains("Ngày sinh: «31/02/2022» không phải ngày"));
    let total = app.children_total().await;
    assert_eq!(total, 400);
    // A good record.
    let (status, location, _) = common::post_form(
        &app,
        &c,
        "/children/new",
        &child_form(&csrf, "Lò Thị Lập", "03424"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, profile) = app.get(&c, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(profile.contains("Lò Thị Lập"));
    assert!(profile.contains("Trẻ em khuyết tật"));
    assert!(profile.contains("Đã lưu hồ sơ."));
    assert!(profile.contains("Hmông"), "{profile}");
    // The ethnicity is a select of the official list, the stored one chosen.
    assert!(page.contains("<select id=\"ethnicity\" name=\"ethnicity\">"));
    assert!(page.contains("<option value=\"25\">Giáy</option>"));
    let edit = format!("{}/edit", location.split('?').next().unwrap());
    let (_, form) = app.get(&c, &edit).await;
    assert!(
        form.contains("<option value=\"08\" selected>Hmông</option>"),
        "{form}"
    );
    // In English, the special circumstances have English names.
    app.get(&c, "/lang/en?next=%2F").await;
    let (_, profile) = app.get(&c, &location).await;
    assert!(profile.contains("Children with disabilities"), "{profile}");
    let (_, form) = app.get(&c, &edit).await;
    assert!(form.contains("Children with disabilities"));
    app.get(&c, "/lang/vi?next=%2F").await;
    // The same key again is a located error.
    let (status, _, body) = common::post_form(
        &app,
        &c,
        "/children/new",
        &child_form(&csrf, "Lò Thị Lập", "03424"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Mã trẻ: mã trẻ này đã có trong hệ thống"));
    let created = app
        .store
        .audit_entries(&AuditQuery {
            action: Some("child_created".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(created.len(), 1);
    let id = location
        .trim_start_matches("/children/")
        .split('?')
        .next()
        .unwrap();
    assert_eq!(
        created[0].event.record_id, id,
        "the audit entry names the record"
    );
}

async fn stale_edits_are_refused_with_what_changed(app: TestApp) {
    let a = app.signed_in("banbo").await;
    let b = app.signed_in("banbo").await;
    let csrf = app.csrf(&a, "/children/new").await;
    let (_, location, _) = common::post_form(
        &app,
        &a,
        "/children/new",
        &child_form(&csrf, "Lò Thị Lập", "03424"),
    )
    .await;
    let id = location
        .trim_start_matches("/children/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let edit = format!("/children/{id}/edit");
    // Both open the form at version 1.
    let (_, form_a) = app.get(&a, &edit).await;
    let (_, form_b) = app.get(&b, &edit).await;
    assert_eq!(field(&form_a, "version"), "1");
    let version = field(&form_b, "version");
    let csrf_a = common::csrf_of(&form_a);
    let csrf_b = common::csrf_of(&form_b);
    let mut fa = child_form(&csrf_a, "Lò Thị Lập Mới", "03424");
    fa.push(("version", "1"));
    let (status, _, _) = common::post_form(&app, &a, &edit, &fa).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // B saves on top of version 1: refused, shown what A changed, nothing lost.
    let mut fb = child_form(&csrf_b, "Lò Thị Lập", "03424");
    fb[6] = ("village", "Bản Nà Tăm");
    fb.push(("version", &version));
    let (status, _, body) = common::post_form(&app, &b, &edit, &fb).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("Thay đổi của bạn CHƯA được lưu"));
    assert!(
        body.contains("<td>Họ và tên</td><td>Lò Thị Lập</td><td>Lò Thị Lập Mới</td>"),
        "{body}"
    );
    assert!(body.contains("value=\"Bản Nà Tăm\""), "her typing is kept");
    assert_eq!(field(&body, "version"), "2");
    let stored = app.store.child(id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(stored.full_name, "Lò Thị Lập Mới");
    assert_eq!(stored.village.as_deref(), Some("Bản Bo"));
    // Saving again, knowingly, against version 2 works.
    let mut again = child_form(&csrf_b, "Lò Thị Lập Mới", "03424");
    again[6] = ("village", "Bản Nà Tăm");
    again.push(("version", "2"));
    let (status, _, _) = common::post_form(&app, &b, &edit, &again).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, profile) = app.get(&a, &format!("/children/{id}")).await;
    assert!(profile.contains("Lịch sử thay đổi"));
    assert!(profile.contains("1 → 2") && profile.contains("2 → 3"));
    assert!(profile.contains("Thôn, bản"), "the changed field is named");
}

async fn moving_a_child_moves_who_sees_her(app: TestApp) {
    let province = app.signed_in("tinh").await;
    let csrf = app.csrf(&province, "/children/new").await;
    let (_, location, _) = common::post_form(
        &app,
        &province,
        "/children/new",
        &child_form(&csrf, "Giàng Thị Dua", "03424"),
    )
    .await;
    let id = location
        .trim_start_matches("/children/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let banbo = app.signed_in("banbo").await;
    let binhlu = app.signed_in("binhlu").await;
    assert_eq!(
        app.get(&banbo, &format!("/children/{id}")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&binhlu, &format!("/children/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    let mut moved = child_form(&csrf, "Giàng Thị Dua", "03390");
    moved.push(("version", "1"));
    let (status, _, _) =
        common::post_form(&app, &province, &format!("/children/{id}/edit"), &moved).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&banbo, &format!("/children/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&binhlu, &format!("/children/{id}")).await.0,
        StatusCode::OK
    );
    // A commune officer cannot move a child out of her commune.
    let csrf = app.csrf(&binhlu, &format!("/children/{id}/edit")).await;
    let mut away = child_form(&csrf, "Giàng Thị Dua", "03424");
    away.push(("version", "2"));
    let (status, _, body) =
        common::post_form(&app, &binhlu, &format!("/children/{id}/edit"), &away).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("trong phạm vi của bạn"));
    // Viewers never edit.
    let viewer = app.signed_in("xem").await;
    assert_eq!(
        app.get(&viewer, &format!("/children/{id}/edit")).await.0,
        StatusCode::FORBIDDEN
    );
}

async fn working_lists(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let csrf = app.csrf(&c, "/children/new").await;
    let mut form = child_form(&csrf, "Sùng Thị Pằng", "03424");
    form[4] = ("date_of_birth", "01/01/2024");
    common::post_form(&app, &c, "/children/new", &form).await;
    let (status, body) = app.get(&c, "/lists/no-birth-registration").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Sùng Thị Pằng"), "no registration recorded");
    let (_, body) = app.get(&c, "/lists/special-circumstances").await;
    assert!(body.contains("Sùng Thị Pằng") && body.contains("Trẻ em khuyết tật"));
    let (_, body) = app.get(&c, "/lists/no-national-id").await;
    assert!(body.contains("Sùng Thị Pằng"));
    let (_, body) = app.get(&c, "/lists/turning-5-6").await;
    assert!(!body.contains("Sùng Thị Pằng"), "born 2024");
    // Another commune's filter gives nothing; unknown lists do not exist.
    let (_, body) = app.get(&c, "/lists/no-national-id?commune=03390").await;
    assert!(body.contains("Tổng số: 0 trẻ"));
    assert_eq!(
        app.get(&c, "/lists/everyone").await.0,
        StatusCode::NOT_FOUND
    );
    // The children's list filters by fields, and paging keeps the filters.
    let (_, body) = app
        .get(
            &c,
            "/children?special=d&age=0-4&sex=F&village=B%E1%BA%A3n+Bo",
        )
        .await;
    assert!(body.contains("Sùng Thị Pằng"));
    let (_, body) = app.get(&c, "/children?special=d&sex=M").await;
    assert!(!body.contains("Sùng Thị Pằng"));
    let (_, body) = app.get(&c, "/children?age=11-15&q=sung+pang").await;
    assert!(!body.contains("Sùng Thị Pằng"), "born 2024 is not 11–15");
    let (_, body) = app
        .get(&c, "/children?age=nonsense&sex=X&q=sung+pang")
        .await;
    assert!(
        body.contains("Sùng Thị Pằng"),
        "unknown values narrow nothing"
    );
    // Nutrition: she has never been measured, so no status finds her, and
    // a status that does not exist narrows nothing.
    let (_, body) = app.get(&c, "/children?q=sung+pang&nutrition=normal").await;
    assert!(!body.contains("Sùng Thị Pằng"), "never measured");
    let (_, body) = app.get(&c, "/children?q=sung+pang&nutrition=fat").await;
    assert!(body.contains("Sùng Thị Pằng"));
    let (_, body) = app.get(&c, "/children?nutrition=stunting").await;
    assert!(body.contains("option value=\"stunting\" selected"));
    let res = c
        .get(app.url("/lists/special-circumstances?format=xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(&res.bytes().await.unwrap()[..2], b"PK");
}

/// A child's code (as typed, any case) or ID number finds her; a match on
/// a parent's name says so on the row; a code outside the scope finds
/// nothing.
async fn search_by_code_and_by_a_parent(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let kids = common::children_under(&app, "03424").await;
    let child = &kids[0];
    for q in [child.child_id.clone(), child.child_id.to_lowercase()] {
        let (status, body) = app
            .get(&c, &format!("/children?q={}", urlencoding(&q)))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains(&format!("href=\"/children/{}\"", child.id)),
            "{q}"
        );
        assert!(body.contains("Tổng số: 1 trẻ"), "{q}: {body}");
    }
    // Her ID number too.
    let all = app
        .store
        .children_by_id(&kids.iter().map(|k| k.id).collect::<Vec<_>>())
        .await
        .unwrap();
    let with_id = all.iter().find(|d| d.national_id.is_some()).unwrap();
    let (_, body) = app
        .get(
            &c,
            &format!("/children?q={}", with_id.national_id.clone().unwrap()),
        )
        .await;
    assert!(body.contains(&format!("href=\"/children/{}\"", with_id.id)));
    // A parent's name: the row says it was found by the mother's name.
    let detail = app
        .store
        .children_by_id(&kids.iter().map(|k| k.id).collect::<Vec<_>>())
        .await
        .unwrap()
        .into_iter()
        .find(|d| {
            d.mother_name.as_deref().is_some_and(|m| {
                let given = m.split_whitespace().last().unwrap_or("");
                !treem_domain::text::fold(&d.full_name).contains(&treem_domain::text::fold(given))
            })
        })
        .expect("a child whose mother's given name is not in hers");
    let mother = detail.mother_name.clone().unwrap();
    let (_, body) = app
        .get(&c, &format!("/children?q={}", urlencoding(&mother)))
        .await;
    assert!(
        body.contains(&format!("Tìm thấy theo Họ tên mẹ: {mother}")),
        "{body}"
    );
    // Her own name: no such note for her.
    let (_, body) = app
        .get(
            &c,
            &format!("/children?q={}", urlencoding(&detail.full_name)),
        )
        .await;
    let row = body
        .split(&format!("href=\"/children/{}\"", detail.id))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(!row.contains("Tìm thấy theo"), "{row}");
    // Another commune's officer does not find her by code.
    let other = app.signed_in("binhlu").await;
    let (_, body) = app
        .get(
            &other,
            &format!("/children?q={}", urlencoding(&child.child_id)),
        )
        .await;
    assert!(!body.contains(&format!("href=\"/children/{}\"", child.id)));
}

/// A commune officer's home says what to do today, as links: the children
/// to weigh again or follow, those without a birth registration; a
/// province officer's does not list a province's registry work.
async fn the_officers_home_lists_todays_work(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let (_, home) = app.get(&c, "/").await;
    let (_, nutrition) = app.get(&c, "/nutrition").await;
    let listed = nutrition.matches("<tr><td><a href=\"/children/").count();
    assert!(listed > 0, "the demo has children to follow");
    let tile = home.split("id=\"to-follow\"").nth(1).unwrap();
    assert!(
        tile.starts_with(&format!("><span class=\"big\">{listed}</span>")),
        "{tile}"
    );
    assert!(home.contains("href=\"/nutrition\" id=\"to-follow\""));
    let (_, list) = app.get(&c, "/lists/no-birth-registration").await;
    let missing = list.matches("<tr><td><a href=\"/children/").count();
    if missing > 0 {
        let tile = home.split("id=\"unregistered\"").nth(1).unwrap();
        assert!(tile.starts_with(&format!("><span class=\"big\">{missing}</span>")));
    }
    let p = app.signed_in("tinh").await;
    let (_, home) = app.get(&p, "/").await;
    assert!(!home.contains("id=\"to-follow\""));
}

/// A query string value, percent-encoded.
fn urlencoding(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)]).unwrap()[2..].to_string()
}

on_both!(
    search_by_code_and_by_a_parent,
    the_officers_home_lists_todays_work,
    working_lists,
    create_in_scope_only,
    stale_edits_are_refused_with_what_changed,
    moving_a_child_moves_who_sees_her
);

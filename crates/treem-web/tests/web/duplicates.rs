//! Likely duplicates: flagged on create, reviewed, merged and unmerged.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;

fn form<'a>(csrf: &'a str, id: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("child_id", id),
        ("full_name", name),
        ("sex", "M"),
        ("date_of_birth", "05/05/2023"),
        ("commune_code", "03424"),
        ("village", "Bản Hon"),
        ("mother_name", "Thào Thị Mỷ"),
        ("status", "active"),
    ]
}

fn id_of(location: &str) -> i64 {
    location
        .trim_start_matches("/children/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn flag_review_merge_and_undo(app: TestApp) {
    let c = app.signed_in("banbo").await;
    let csrf = app.csrf(&c, "/children/new").await;
    let (status, first, _) =
        common::post_form(&app, &c, "/children/new", &form(&csrf, "D-1", "Thào A Páo")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let keep = id_of(&first);
    let before = app.children_total().await;
    // The same child typed again without accents: flagged, not stored.
    let (status, _, body) =
        common::post_form(&app, &c, "/children/new", &form(&csrf, "D-2", "Thao A Pao")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Có thể trùng với hồ sơ đã có"));
    assert!(body.contains("Thào A Páo") && body.contains("cùng mẹ"));
    assert_eq!(app.children_total().await, before);
    // Confirmed as another child: stored.
    let mut confirmed = form(&csrf, "D-2", "Thao A Pao");
    confirmed.push(("not_duplicate", "on"));
    let (status, second, _) = common::post_form(&app, &c, "/children/new", &confirmed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let drop = id_of(&second);
    // A measurement on the record that will be merged away.
    let csrf_m = app
        .csrf(&c, &format!("/children/{drop}/measurements/new"))
        .await;
    let m = [
        ("csrf", csrf_m.as_str()),
        ("measured_on", "01/06/2025"),
        ("weight_kg", "11"),
        ("height_cm", "84"),
        ("position", "standing"),
    ];
    assert_eq!(
        common::post_form(&app, &c, &format!("/children/{drop}/measurements"), &m)
            .await
            .0,
        StatusCode::SEE_OTHER
    );
    // Schooling, participation and a protection case on the record that
    // will be merged away; one enrolment clashes with the kept record's own.
    let facts = [
        (
            "INSERT INTO enrolments (child_id, school_year, level, school_code, grade, status) VALUES ($1, '2025-2026', 'preschool', 'MN01', NULL, 'enrolled') RETURNING id",
            drop,
        ),
        (
            "INSERT INTO enrolments (child_id, school_year, level, school_code, grade, status) VALUES ($1, '2024-2025', 'preschool', 'MN01', NULL, 'enrolled') RETURNING id",
            drop,
        ),
        (
            "INSERT INTO enrolments (child_id, school_year, level, school_code, grade, status) VALUES ($1, '2024-2025', 'preschool', 'MN02', NULL, 'enrolled') RETURNING id",
            keep,
        ),
        (
            "INSERT INTO participation (child_id, date, kind) VALUES ($1, '2025-06-01', 'club') RETURNING id",
            drop,
        ),
    ];
    let mut fact_ids = Vec::new();
    for (sql, child) in facts {
        fact_ids.push(common::sql_scalar(&app, sql, &[child]).await.unwrap());
    }
    let token = common::token(&app, "banbo").await;
    let case = serde_json::json!({"child_id": "D-2", "received_at": "2026-03-02T08:15:00+07:00",
        "source": "school", "harm_types": ["neglect"], "summary": "Trẻ bỏ học, bị bỏ mặc"});
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&token)
        .json(&case)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let owner = |table: &'static str, id: i64| {
        let app = &app;
        async move {
            common::sql_scalar(
                app,
                &format!("SELECT child_id FROM {table} WHERE id = $1"),
                &[id],
            )
            .await
            .unwrap()
        }
    };
    let case_rows = |child: i64| {
        let app = &app;
        async move {
            let files = common::sql_scalar(
                app,
                "SELECT COUNT(*) FROM case_files WHERE child_id = $1",
                &[child],
            )
            .await
            .unwrap();
            let rows = common::sql_scalar(
                app,
                "SELECT COUNT(*) FROM cases WHERE child_id = $1",
                &[child],
            )
            .await
            .unwrap();
            (files, rows)
        }
    };
    assert_eq!(case_rows(drop).await, (1, 1));
    // The review page shows the pair.
    let (status, review) = app.get(&c, "/duplicates").await;
    assert_eq!(status, StatusCode::OK);
    // A merge asks to confirm first.
    assert!(review.contains("<input type=\"checkbox\" name=\"confirm\" value=\"1\" required>"));
    assert!(
        review.contains(&format!("name=\"a\" value=\"{keep}\""))
            && review.contains(&format!("name=\"b\" value=\"{drop}\""))
    );
    // Another commune's officer cannot merge them.
    let other = app.signed_in("binhlu").await;
    let other_csrf = app.csrf(&other, "/").await;
    let (k, d) = (keep.to_string(), drop.to_string());
    let attempt = [
        ("csrf", other_csrf.as_str()),
        ("a", k.as_str()),
        ("b", d.as_str()),
        ("keep", k.as_str()),
    ];
    assert_eq!(
        common::post_form(&app, &other, "/duplicates/merge", &attempt)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Merge: the measurement moves, the merged record hides, nothing is lost.
    let merge = [
        ("csrf", csrf.as_str()),
        ("a", k.as_str()),
        ("b", d.as_str()),
        ("keep", k.as_str()),
    ];
    let (status, location, _) = common::post_form(&app, &c, "/duplicates/merge", &merge).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("saved=merged"));
    assert_eq!(app.store.measurements(keep).await.unwrap().len(), 1);
    assert_eq!(app.store.measurements(drop).await.unwrap().len(), 0);
    // Schooling, participation and the case moved too, but not the clashing year.
    assert_eq!(owner("enrolments", fact_ids[0]).await, keep);
    assert_eq!(
        owner("enrolments", fact_ids[1]).await,
        drop,
        "the survivor has 2024-2025 preschool"
    );
    assert_eq!(owner("enrolments", fact_ids[2]).await, keep);
    assert_eq!(owner("participation", fact_ids[3]).await, keep);
    assert_eq!(
        (case_rows(keep).await, case_rows(drop).await),
        ((1, 1), (0, 0))
    );
    assert_eq!(app.children_total().await, before);
    let (_, kept_page) = app.get(&c, &format!("/children/{keep}")).await;
    assert!(kept_page.contains("Đã gộp hồ sơ") && kept_page.contains("Thao A Pao"));
    // Her profile shows the schooling and activities of both records.
    assert!(kept_page.contains("Học tập theo năm học") && kept_page.contains("2025-2026"));
    assert_eq!(
        kept_page.matches("2024-2025").count(),
        2,
        "hers and the merged record's"
    );
    assert!(kept_page.contains("câu lạc bộ") && kept_page.contains("đang học"));
    let (_, merged_page) = app.get(&c, &format!("/children/{drop}")).await;
    assert!(merged_page.contains("Hồ sơ này đã được gộp vào"));
    // Both change histories say so.
    let history = |page: &str| {
        page.split("Lịch sử thay đổi")
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        history(&kept_page).contains("Gộp hồ sơ Thao A Pao ("),
        "{kept_page}"
    );
    assert!(
        history(&merged_page).contains("Hồ sơ này được gộp vào "),
        "{merged_page}"
    );
    let (_, review) = app.get(&c, "/duplicates").await;
    assert!(review.contains("Không có hồ sơ nào có thể trùng."));
    // Undo from the kept record's page.
    let merge_id = app.store.merges_of(keep).await.unwrap()[0].id;
    let undo = [("csrf", csrf.as_str())];
    let (status, _, _) =
        common::post_form(&app, &c, &format!("/merges/{merge_id}/undo"), &undo).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.measurements(drop).await.unwrap().len(), 1);
    for (table, i, child) in [
        ("enrolments", 0, drop),
        ("enrolments", 1, drop),
        ("enrolments", 2, keep),
        ("participation", 3, drop),
    ] {
        assert_eq!(owner(table, fact_ids[i]).await, child, "{table} {i} back");
    }
    assert_eq!(
        (case_rows(keep).await, case_rows(drop).await),
        ((0, 0), (1, 1))
    );
    assert_eq!(app.children_total().await, before + 1);
    let (_, kept_page) = app.get(&c, &format!("/children/{keep}")).await;
    assert!(history(&kept_page).contains("Hủy gộp với hồ sơ Thao A Pao ("));
    assert!(
        history(&kept_page).contains("Gộp hồ sơ Thao A Pao ("),
        "the merge stays in it"
    );
    assert_eq!(
        common::post_form(&app, &c, &format!("/merges/{merge_id}/undo"), &undo)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let merged = app
        .store
        .audit_entries(&treem_store::AuditQuery {
            record_type: Some("merge".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        merged
            .iter()
            .map(|e| e.event.action.as_str())
            .collect::<Vec<_>>(),
        vec!["children_unmerged", "children_merged"]
    );
}

on_both!(flag_review_merge_and_undo);

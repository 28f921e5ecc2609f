//! Import and export of data sets on SQLite and PostgreSQL: every file,
//! the round trip, atomicity, idempotence with history, repeated keys and
//! partial imports.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::future::Future;

use common::*;
use treem_interchange::Quiet;
use treem_interchange::export::{Target, export};
use treem_store::testing::TestDb;
use treem_store::{ExportFile, Scope, Value};

async fn every_file_is_read_and_the_round_trip_is_exact<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let data = full();
    let r = run(&db.store, data.path(), &options()).await;
    assert_clean(&r);
    assert_eq!(
        r.as_of.map(|d| d.to_string()).as_deref(),
        Some("2025-03-01")
    );
    assert!(
        r.warnings.iter().any(|w| w.column == "Cột lạ"),
        "unknown column warned"
    );
    let written: Vec<u64> = r.files.iter().map(|f| f.written).collect();
    assert_eq!(written, vec![3, 2, 2, 2, 2, 2, 2, 1]);
    let children = rows(&db.store, ExportFile::Children).await;
    let c1 = &children[0];
    assert_eq!(c1[2], Value::Text(Some("Lò Thị Lập".into())));
    assert_eq!(
        c1[4],
        Value::Date(chrono::NaiveDate::from_ymd_opt(2021, 4, 3))
    );
    assert_eq!(
        c1[13],
        Value::Text(Some("+84912345678".into())),
        "the formula prefix is removed"
    );
    assert_eq!(children[2][2], Value::Text(Some("Hà \"Bé\" Na".into())));
    assert_eq!(children[2][7], Value::Text(Some("Thôn\nMới".into())));
    let m = rows(&db.store, ExportFile::Measurements).await;
    assert_eq!(m[0][2], Value::Real(Some(10.5)));
    assert_eq!(m[0][4], Value::Text(Some("lying".into())));

    // Export, import into an empty database, export again: the same files.
    let out1 = tempfile::tempdir().unwrap();
    export(
        db.store.as_ref(),
        &Target::Folder(out1.path().into()),
        today(),
        &Quiet,
    )
    .await
    .unwrap();
    let Some(db2) = open("b").await else { return };
    let r2 = run(&db2.store, out1.path(), &options()).await;
    assert_clean(&r2);
    let out2 = tempfile::tempdir().unwrap();
    export(
        db2.store.as_ref(),
        &Target::Folder(out2.path().into()),
        today(),
        &Quiet,
    )
    .await
    .unwrap();
    assert_eq!(read_folder(out1.path()), read_folder(out2.path()));
    let phone = std::fs::read_to_string(out1.path().join("children.csv")).unwrap();
    assert!(phone.contains("'+84912345678"), "exported behind a quote");

    // The same through one workbook.
    let books = tempfile::tempdir().unwrap();
    let book = books.path().join("all.xlsx");
    export(
        db.store.as_ref(),
        &Target::Workbook(book.clone()),
        today(),
        &Quiet,
    )
    .await
    .unwrap();
    let Some(db3) = open("c").await else { return };
    let mut o = options();
    o.workbook = true;
    let r3 = run(&db3.store, &book, &o).await;
    assert_clean(&r3);
    let out3 = tempfile::tempdir().unwrap();
    export(
        db3.store.as_ref(),
        &Target::Folder(out3.path().into()),
        today(),
        &Quiet,
    )
    .await
    .unwrap();
    assert_eq!(read_folder(out1.path()), read_folder(out3.path()));
}

async fn a_failure_in_the_last_file_stores_nothing<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let bad_cases = "case_id,child_id,reported_on,harm_type\nK1,C3,2025-02-10,violence\nK2,C9,2025-02-11,teasing\n";
    let data = folder(&[
        ("manifest", MANIFEST),
        ("children", CHILDREN),
        ("cases", bad_cases),
    ]);
    let r = run(&db.store, data.path(), &options()).await;
    assert!(!r.stored);
    let located: Vec<(u64, &str)> = r
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert!(located.contains(&(3, "harm_type")), "{located:?}");
    assert_eq!(db.store.count_children(&Scope::All).await.unwrap(), 0);
    assert!(rows(&db.store, ExportFile::Cases).await.is_empty());
    // A reference to a child in neither the data set nor the database.
    let dangling = "case_id,child_id,reported_on,harm_type\nK2,C9,2025-02-11,violence\n";
    let data = folder(&[
        ("manifest", MANIFEST),
        ("children", CHILDREN),
        ("cases", dangling),
    ]);
    let r = run(&db.store, data.path(), &options()).await;
    assert_eq!(r.problems.len(), 1, "{}", r.render(true));
    assert_eq!(
        (r.problems[0].line, r.problems[0].column.as_str()),
        (2, "child_id")
    );
    assert_eq!(db.store.count_children(&Scope::All).await.unwrap(), 0);
}

async fn reimport_changes_nothing_and_a_change_keeps_history<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let data = full();
    assert_clean(&run(&db.store, data.path(), &options()).await);
    let again = run(&db.store, data.path(), &options()).await;
    assert_clean(&again);
    assert!(
        again.files.iter().all(|f| f.written == 0),
        "{}",
        again.render(true)
    );
    let changed = CHILDREN.replace("Lò Thị Lập", "Lò Thị Lập Mới");
    let schools = SCHOOLS.replace("2024,đạt,không", "2024,đạt,có");
    let data = folder(&[
        ("manifest", MANIFEST),
        ("children", &changed),
        ("schools", &schools),
    ]);
    let r = run(&db.store, data.path(), &options()).await;
    assert_clean(&r);
    assert_eq!(r.files[0].written, 1);
    assert_eq!(r.files[1].written, 1);
    let query = treem_store::ChildQuery {
        scope: Scope::All,
        name: "Lập Mới".into(),
        filters: Default::default(),
        limit: 5,
        offset: 0,
    };
    let (found, _) = db.store.children(&query).await.unwrap();
    let versions = db.store.child_versions(found[0].id).await.unwrap();
    assert_eq!(versions.len(), 1);
    assert!(versions[0].previous.contains("Lò Thị Lập\""));
}

async fn keys_repeated_in_a_data_set<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    // The same row twice once read (`yes` = `có`) is one row; a different
    // row under the same key is an error naming the first line.
    let same =
        "commune_code,year,child_friendly,play_spot\n03424,2024,yes,no\n03424,2024,có,không\n";
    let r = run(
        &db.store,
        folder(&[("manifest", MANIFEST), ("commune_assessments", same)]).path(),
        &options(),
    )
    .await;
    assert_clean(&r);
    assert_eq!(
        rows(&db.store, ExportFile::CommuneAssessments).await.len(),
        1
    );
    let differ =
        "commune_code,year,child_friendly,play_spot\n03424,2023,yes,no\n03424,2023,yes,yes\n";
    let r = run(
        &db.store,
        folder(&[("manifest", MANIFEST), ("commune_assessments", differ)]).path(),
        &options(),
    )
    .await;
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].line, 3);
    assert!(r.problems[0].message_en.contains("line 2"));
}

async fn partial_imports_keep_rejects_untouched<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let children = "child_id,full_name,sex,date_of_birth,commune_code\nP1,Lò Văn Một,M,2020-01-01,03424\nP2,  Bad  ,Q,2020-01-01,03424\nP3,Lò Văn Ba,M,2030-01-01,03424\n";
    let measurements = "child_id,measured_on,weight_kg\nP1,2021-01-01,9\nP2,2021-01-01,9\n";
    let data = folder(&[
        ("manifest", MANIFEST),
        ("children", children),
        ("measurements", measurements),
    ]);
    let rejects = tempfile::tempdir().unwrap();
    let mut o = options();
    o.partial = true;
    o.reject_dir = Some(rejects.path().join("out"));
    let r = run(&db.store, data.path(), &o).await;
    assert!(r.stored);
    assert_eq!(r.problem_count(), 3, "{}", r.render(true));
    assert_eq!(db.store.count_children(&Scope::All).await.unwrap(), 1);
    assert_eq!(rows(&db.store, ExportFile::Measurements).await.len(), 1);
    let kept = std::fs::read_to_string(rejects.path().join("out/children.csv")).unwrap();
    assert_eq!(
        kept,
        "child_id,full_name,sex,date_of_birth,commune_code\nP2,  Bad  ,Q,2020-01-01,03424\nP3,Lò Văn Ba,M,2030-01-01,03424\n"
    );
}

async fn indicator_rows_come_back_typed<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    assert_clean(&run(&db.store, full().path(), &options()).await);
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let rows = db
        .store
        .indicator_rows(d(2024, 1, 1), d(2025, 12, 31), "2024-2025")
        .await
        .unwrap();
    assert_eq!(rows.children.len(), 3);
    let lap = rows
        .children
        .iter()
        .find(|c| c.date_of_birth == d(2021, 4, 3))
        .unwrap();
    assert_eq!(lap.birth_registered, Some(true));
    assert_eq!(lap.status, "active");
    assert_eq!(lap.status_date, None);
    assert_eq!(rows.measurements.len(), 1);
    let m = rows
        .measurements
        .iter()
        .find(|m| m.measured_on == d(2023, 12, 1));
    assert!(m.is_none(), "before the period");
    assert_eq!(rows.enrolments.len(), 2);
    assert!(
        rows.enrolments
            .iter()
            .any(|e| e.grade == Some(5) && e.status == "completed")
    );
    assert!(
        rows.enrolments
            .iter()
            .any(|e| e.grade.is_none() && e.level == "preschool")
    );
    assert_eq!(rows.schools.len(), 2);
    assert!(
        rows.schools
            .iter()
            .any(|s| s.sanitation_standard && !s.psych_support)
    );
    assert_eq!(rows.assessments.len(), 2);
    assert_eq!(
        rows.disasters
            .iter()
            .map(|d| d.children_affected)
            .sum::<i64>(),
        52
    );
    assert_eq!(rows.participation.len(), 2);
    assert_eq!(rows.cases.len(), 1);
    assert_eq!(rows.cases[0].intervention_started_on, Some(d(2025, 2, 10)));
    // An empty period gives empty lists, not an error.
    let none = db
        .store
        .indicator_rows(d(1999, 1, 1), d(1999, 12, 31), "1998-1999")
        .await
        .unwrap();
    assert!(none.measurements.is_empty() && none.enrolments.is_empty() && none.cases.is_empty());
}

/// Likely duplicates are flagged as warnings once stored, never merged.
async fn likely_duplicates_are_flagged<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let kids = "child_id,full_name,sex,date_of_birth,commune_code,village,mother_name
D1,Thào A Páo,M,2023-05-05,03424,Bản Hon,Thào Thị Mỷ
D2,Thao A Pao,M,2023-05-05,03424,Bản Hon,Thào Thị Mỷ
D3,Giàng A Sử,M,2020-01-01,03424,,
";
    let r = run(
        &db.store,
        folder(&[("manifest", MANIFEST), ("children", kids)]).path(),
        &options(),
    )
    .await;
    assert_clean(&r);
    let flagged: Vec<&treem_interchange::Problem> = r
        .warnings
        .iter()
        .filter(|w| w.message_en.contains("may be the same child"))
        .collect();
    assert_eq!(flagged.len(), 1, "{}", r.render(true));
    assert!(
        flagged[0].message_vi.contains("cùng mẹ"),
        "{}",
        flagged[0].message_vi
    );
    assert_eq!(
        rows(&db.store, ExportFile::Children).await.len(),
        3,
        "nothing merged"
    );
    // A later data set: the newcomer is compared with what is stored.
    let later = "child_id,full_name,sex,date_of_birth,commune_code,village,mother_name
D4,Thào A Páo,M,2023-05-05,03424,Bản Mới,Thào Thị Mỷ
";
    let r = run(
        &db.store,
        folder(&[("manifest", MANIFEST), ("children", later)]).path(),
        &options(),
    )
    .await;
    assert_clean(&r);
    let flagged: Vec<&str> = r
        .warnings
        .iter()
        .filter(|w| w.value == "D4" && w.message_en.contains("may be the same child"))
        .map(|w| w.message_en.as_str())
        .collect();
    assert_eq!(flagged.len(), 2, "{flagged:?}");
    // A check stores nothing and compares nothing.
    let mut check = options();
    check.check_only = true;
    let r = run(
        &db.store,
        folder(&[("manifest", MANIFEST), ("children", later)]).path(),
        &check,
    )
    .await;
    assert!(
        !r.warnings
            .iter()
            .any(|w| w.message_en.contains("may be the same child"))
    );
}

on_both!(
    likely_duplicates_are_flagged,
    indicator_rows_come_back_typed,
    every_file_is_read_and_the_round_trip_is_exact,
    a_failure_in_the_last_file_stores_nothing,
    reimport_changes_nothing_and_a_change_keeps_history,
    keys_repeated_in_a_data_set,
    partial_imports_keep_rejects_untouched,
);

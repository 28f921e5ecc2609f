//! The plan's files (docs/plan-files.md) on SQLite and PostgreSQL: a
//! commune's plan, agencies, progress, supervisions and recommendations
//! imported; the export of everything (the former district's seed plan
//! included) imports back unchanged and into another database identically;
//! a changed report or assignment keeps the earlier ones; bad rows are
//! located and store nothing; scope and agency accounts are held to.

use std::future::Future;

use crate::common;
use common::*;
use treem_interchange::Quiet;
use treem_interchange::export::{Target, export};
use treem_store::testing::TestDb;
use treem_store::{PlanRow, Store};

const AGENCIES: &str = "Mã đơn vị,Mã cơ quan,Tên cơ quan
03390,UBND,Ủy ban nhân dân xã Bình Lư
03390,MTTQ,Ủy ban Mặt trận Tổ quốc Việt Nam xã Bình Lư
03390,PN,Hội Liên hiệp Phụ nữ xã Bình Lư
";

const TASKS: &str = "unit_code,plan,plan_number,issued_by,from_year,to_year,code,group,section,title,lead,partners,cadence,due,programme,indicators
03390,Kế hoạch chăm sóc trẻ em xã Bình Lư,12-KH/UBND,UBND xã Bình Lư,2025,2030,X1,2,III.2,Tuyên truyền phòng chống đuối nước,PN,MTTQ,6 tháng,,CT1,
03390,Kế hoạch chăm sóc trẻ em xã Bình Lư,12-KH/UBND,UBND xã Bình Lư,2025,2030,X2,3,III.3,Rà soát trẻ chưa đăng ký khai sinh,UBND,,một lần,31/12/2025,,birth_registration_u5
";

const PROGRESS: &str = "Mã đơn vị,Kế hoạch,Mã nhiệm vụ,Cơ quan báo cáo,Kỳ báo cáo,Tình trạng,Kết quả thực hiện,Số buổi,Số người được tiếp cận,Kinh phí (đồng),\"Khó khăn, vướng mắc\",\"Đề xuất, kiến nghị\"
03390,Kế hoạch chăm sóc trẻ em xã Bình Lư,X1,PN,2025,đang thực hiện,Tổ chức 4 buổi tại các bản,4,320,1.500.000,Thiếu tài liệu tiếng Mông,
03390,Kế hoạch chăm sóc trẻ em xã Bình Lư,X2,UBND,2025,done,Đã rà soát 3 thôn,,,,,
";

const SUPERVISIONS: &str = "unit_code,plan,supervision_id,kind,body,held_on,visited,findings
03390,Kế hoạch chăm sóc trẻ em xã Bình Lư,GS-2025-1,HĐND,Ban Văn hóa - Xã hội HĐND xã,15/10/2025,Bản Bo; Trường Tiểu học,Nhiều trẻ chưa biết bơi
";

const RECOMMENDATIONS: &str = "unit_code,plan,supervision_id,no,text,owner,due,closed_on,closed_note
03390,Kế hoạch chăm sóc trẻ em xã Bình Lư,GS-2025-1,1,Mở lớp dạy bơi mùa hè,PN,2026-05-31,,
03390,Kế hoạch chăm sóc trẻ em xã Bình Lư,GS-2025-1,2,Bổ sung tài liệu tiếng Mông,MTTQ,2025-12-31,20/12/2025,Đã in 200 tờ rơi
";

const TITLE: &str = "Kế hoạch chăm sóc trẻ em xã Bình Lư";

fn plan_set() -> tempfile::TempDir {
    folder(&[
        ("agencies", AGENCIES),
        ("plan_tasks", TASKS),
        ("progress", PROGRESS),
        ("supervisions", SUPERVISIONS),
        ("recommendations", RECOMMENDATIONS),
    ])
}

async fn plan(store: &dyn Store) -> PlanRow {
    store
        .plans()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.title == TITLE)
        .unwrap()
}

fn written(r: &treem_interchange::Report) -> Vec<(String, u64, u64)> {
    r.files
        .iter()
        .map(|f| (f.file.clone(), f.written, f.unchanged))
        .collect()
}

fn counts(v: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
    v.iter().map(|(f, w, u)| (f.to_string(), *w, *u)).collect()
}

async fn a_commune_plan_is_imported_and_exports_back_exactly<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    treem_store::ensure_seed_plan(db.store.as_ref())
        .await
        .unwrap();
    let r = run(&db.store, plan_set().path(), &options()).await;
    assert_clean(&r);
    assert_eq!(
        written(&r),
        counts(&[
            ("agencies.csv", 3, 0),
            ("plan_tasks.csv", 2, 0),
            ("progress.csv", 2, 0),
            ("supervisions.csv", 1, 0),
            ("recommendations.csv", 2, 0),
        ])
    );
    let p = plan(db.store.as_ref()).await;
    assert_eq!(
        (p.number.as_deref(), p.period_from, p.period_to),
        (Some("12-KH/UBND"), 2025, 2030)
    );
    let tasks = db.store.plan_tasks(p.id).await.unwrap();
    let x1 = tasks.iter().find(|t| t.code == "X1").unwrap();
    assert_eq!(
        (
            x1.cadence.as_str(),
            x1.lead.as_deref(),
            x1.partners.as_str()
        ),
        ("6-monthly", Some("PN"), "MTTQ")
    );
    let x2 = tasks.iter().find(|t| t.code == "X2").unwrap();
    assert_eq!(x2.due.map(|d| d.to_string()).as_deref(), Some("2025-12-31"));
    let reports = db.store.plan_reports(p.id).await.unwrap();
    let pn = reports.iter().find(|r| r.agency_code == "PN").unwrap();
    assert_eq!(
        (
            pn.period.as_str(),
            pn.status.as_str(),
            pn.people_reached,
            pn.budget_spent
        ),
        ("2025", "under_way", Some(320), Some(1_500_000))
    );
    let recs = db.store.plan_recommendations(p.id).await.unwrap();
    assert_eq!(recs.len(), 2);
    assert!(
        recs.iter()
            .any(|r| r.closed_note.as_deref() == Some("Đã in 200 tờ rơi"))
    );

    // The export holds this plan and the former district's seed plan
    // (read-only now): imported back, nothing changes and nothing fails.
    let out = tempfile::tempdir().unwrap();
    let target = Target::Folder(out.path().join("ds"));
    let e = export(db.store.as_ref(), &target, today(), &Quiet)
        .await
        .unwrap();
    let tasks_out = e.rows.iter().find(|(f, _)| *f == "plan_tasks").unwrap().1;
    assert_eq!(tasks_out, 31 + 2, "the seed's 31 tasks and this plan's 2");
    let again = run(&db.store, &out.path().join("ds"), &options()).await;
    assert_clean(&again);
    for f in again.files.iter().filter(|f| f.rows > 0) {
        assert_eq!(f.written, 0, "{} changed on re-import", f.file);
    }

    // Into another database (units and seed plan only): the same files.
    let Some(other) = open("b").await else { return };
    treem_store::ensure_seed_plan(other.store.as_ref())
        .await
        .unwrap();
    let into = run(&other.store, &out.path().join("ds"), &options()).await;
    assert_clean(&into);
    let back = tempfile::tempdir().unwrap();
    export(
        other.store.as_ref(),
        &Target::Folder(back.path().to_path_buf()),
        today(),
        &Quiet,
    )
    .await
    .unwrap();
    let plan_files = |dir: &std::path::Path| -> Vec<(String, String)> {
        read_folder(dir)
            .into_iter()
            .filter(|(n, _)| {
                [
                    "agencies",
                    "plan_tasks",
                    "progress",
                    "supervisions",
                    "recommendations",
                ]
                .iter()
                .any(|f| n.starts_with(f))
            })
            .collect()
    };
    assert_eq!(plan_files(&out.path().join("ds")), plan_files(back.path()));
}

async fn a_changed_report_or_assignment_keeps_the_earlier_one<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    treem_store::ensure_seed_plan(db.store.as_ref())
        .await
        .unwrap();
    assert_clean(&run(&db.store, plan_set().path(), &options()).await);
    let changed_tasks = TASKS.replace(",PN,MTTQ,6 tháng", ",MTTQ,PN,6 tháng");
    let changed_progress = PROGRESS.replace("2025,đang thực hiện", "2025,hoàn thành");
    let r = run(
        &db.store,
        folder(&[
            ("agencies", AGENCIES),
            ("plan_tasks", &changed_tasks),
            ("progress", &changed_progress),
        ])
        .path(),
        &options(),
    )
    .await;
    assert_clean(&r);
    assert_eq!(
        written(&r),
        counts(&[
            ("agencies.csv", 0, 3),
            ("plan_tasks.csv", 1, 1),
            ("progress.csv", 1, 1),
        ])
    );
    let p = plan(db.store.as_ref()).await;
    let x1 = db
        .store
        .plan_tasks(p.id)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == "X1")
        .unwrap();
    assert_eq!(x1.lead.as_deref(), Some("MTTQ"));
    let history = db.store.assignments(x1.id).await.unwrap();
    assert_eq!(history.len(), 2, "the earlier assignment is kept");
    let filed = db.store.task_reports(x1.id).await.unwrap();
    assert_eq!(
        filed.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(),
        vec!["under_way", "done"]
    );
    // A recommendation carried out cannot change.
    let reopened = RECOMMENDATIONS.replace("20/12/2025,Đã in 200 tờ rơi", ",");
    let r = run(
        &db.store,
        folder(&[("recommendations", &reopened)]).path(),
        &options(),
    )
    .await;
    assert!(!r.stored);
    assert!(
        r.problems
            .iter()
            .any(|p| p.line == 3 && p.column == "no" && p.message_en.contains("carried out")),
        "{}",
        r.render(true)
    );
}

async fn bad_rows_are_located_and_nothing_is_stored<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    treem_store::ensure_seed_plan(db.store.as_ref())
        .await
        .unwrap();
    let tasks = format!(
        "{TASKS}99999,Kế hoạch khác,,UBND,2025,2030,Y1,1,,Việc,,,once,2025-01-01,,
03390,{TITLE},12-KH/UBND,UBND xã Bình Lư,2025,2030,X3,2,,Việc ba,ĐTN,,yearly,2025-12-31,CT9,stunting;play_spots
106,Kế hoạch thực hiện Chỉ thị 28-CT/TW,,Ban Thường vụ Huyện ủy Tam Đường,2024,2030,N1,1,III.1,Đổi nội dung,BTG,,once,2024-12-31,,
"
    );
    let progress = format!(
        "{PROGRESS}03390,{TITLE},X9,PN,2025,done,Xong,,,,,
03390,{TITLE},X1,PN,2027h1,under_way,Sẽ làm,,,,,
03390,{TITLE},X1,PN,2026h1,under_way,,nhiều,,,,
"
    );
    let sups = format!("{SUPERVISIONS}03390,{TITLE},GS-2,council,HĐND,01/01/2027,,Chưa\n");
    let recs = format!("{RECOMMENDATIONS}03390,{TITLE},GS-2025-1,3,Việc,BTG,2025-01-01,,\n");
    let r = run(
        &db.store,
        folder(&[
            ("agencies", AGENCIES),
            ("plan_tasks", &tasks),
            ("progress", &progress),
            ("supervisions", &sups),
            ("recommendations", &recs),
        ])
        .path(),
        &options(),
    )
    .await;
    assert!(!r.stored, "all or nothing");
    let has = |file: &str, line: u64, column: &str| {
        assert!(
            r.problems
                .iter()
                .any(|p| p.file == file && p.line == line && p.column == column),
            "{file}:{line} {column} not reported:\n{}",
            r.render(true)
        );
    };
    has("plan_tasks.csv", 4, "unit_code");
    has("plan_tasks.csv", 5, "lead");
    has("plan_tasks.csv", 5, "due");
    has("plan_tasks.csv", 5, "programme");
    has("plan_tasks.csv", 5, "indicators");
    // The former district's plan takes no more writes.
    has("plan_tasks.csv", 6, "unit_code");
    has("progress.csv", 4, "task_code");
    has("progress.csv", 5, "period");
    has("progress.csv", 6, "summary");
    has("progress.csv", 6, "sessions");
    has("supervisions.csv", 3, "held_on");
    has("recommendations.csv", 4, "owner");
    has("recommendations.csv", 4, "due");
    assert!(
        db.store
            .plans()
            .await
            .unwrap()
            .iter()
            .all(|p| p.title != TITLE),
        "nothing stored"
    );
    for p in &r.problems {
        assert!(
            !p.message_vi.is_empty() && !p.message_en.is_empty(),
            "{p:?}"
        );
    }
}

async fn scope_and_agency_accounts_are_held_to<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    treem_store::ensure_seed_plan(db.store.as_ref())
        .await
        .unwrap();
    assert_clean(&run(&db.store, plan_set().path(), &options()).await);
    let units = db.store.units().await.unwrap();
    let id_of = |code: &str| {
        units
            .iter()
            .filter(|u| u.unit.code == code)
            .max_by_key(|u| u.unit.valid_from)
            .unwrap()
            .id
    };
    // An officer of another commune writes nothing to this one's plan.
    let mut other = options();
    other.scope = Some([id_of("03394")].into_iter().collect());
    let r = run(&db.store, folder(&[("agencies", AGENCIES)]).path(), &other).await;
    assert!(!r.stored);
    assert!(
        r.problems.iter().all(|p| p.column == "unit_code"),
        "{}",
        r.render(true)
    );
    assert_eq!(r.problems.len(), 3);

    // An account of the Women's Union imports its own reports only.
    let mut pn = options();
    pn.scope = Some([id_of("03390")].into_iter().collect());
    pn.agency = Some("PN".into());
    let own = PROGRESS.replace("4,320,1.500.000", "5,400,1.500.000");
    let r = run(&db.store, folder(&[("progress", &own)]).path(), &pn).await;
    assert!(!r.stored, "the UBND row is not hers");
    assert!(
        r.problems
            .iter()
            .any(|p| p.line == 3 && p.column == "agency"),
        "{}",
        r.render(true)
    );
    let only_hers: String = own.lines().take(2).map(|l| format!("{l}\n")).collect();
    let r = run(&db.store, folder(&[("progress", &only_hers)]).path(), &pn).await;
    assert_clean(&r);
    assert_eq!(r.files[0].written, 1);
    let r = run(&db.store, folder(&[("agencies", AGENCIES)]).path(), &pn).await;
    assert!(!r.stored, "an agency account does not change agencies");
}

on_both!(
    a_commune_plan_is_imported_and_exports_back_exactly,
    a_changed_report_or_assignment_keeps_the_earlier_one,
    bad_rows_are_located_and_nothing_is_stored,
    scope_and_agency_accounts_are_held_to,
);

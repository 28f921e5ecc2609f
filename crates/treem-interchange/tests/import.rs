//! Import and export of data sets on SQLite and PostgreSQL: every file,
//! the reading rules, atomicity, idempotence, history, scope, partial
//! imports and the round trip.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::future::Future;

use common::*;
use treem_interchange::export::{Target, export};
use treem_interchange::{Quiet, Report};
use treem_store::testing::TestDb;
use treem_store::{ExportFile, Scope, Value};

const MANIFEST: &str = "as_of,source\n2025-03-01,Phòng LĐTBXH\n";

const CHILDREN: &str = "\u{feff}Mã trẻ,HO VA TEN,Giới tính,Ngày sinh,Dân tộc,Mã xã,\"Thôn, bản\",Đã đăng ký khai sinh,Hoàn cảnh đặc biệt,Số điện thoại,Cột lạ
C1,Lò Thị Lập,Nữ,3/4/2021,Thái,03424,Bản Bo,có,a;b,'+84912345678,x
C2,Nguyễn Văn An,1,2019-12-31,01,03390,,x,,,
C3,\"Hà \"\"Bé\"\" Na\",F,01/06/2012,Mông,03394,\"Thôn\nMới\",no,,,
";

const SCHOOLS: &str = "school_code,name,level,commune_code,year,sanitation_standard,psych_support
S1,Trường Tiểu học Bản Bo,tiểu học,03424,2024,đạt,không
S2,Trường Mầm non Bình Lư,mầm non,03390,2024,yes,1
";

const MEASUREMENTS: &str = "child_id,measured_on,weight_kg,height_cm,position,oedema
C1,01/12/2023,\"10,5\",82.4,nằm,
C2,2024-06-01,15.2,,,không
";

const ENROLMENTS: &str = "child_id,school_year,school_code,level,grade,status
C3,2024-2025,S1,primary,5,hoàn thành
C2,2024-2025,S2,mầm non,,đang học
";

const ASSESSMENTS: &str = "commune_code,year,child_friendly,play_spot
03424,2024,yes,no
03424,2025,có,có
";

const DISASTERS: &str =
    "event_id,commune_code,occurred_on,kind,children_affected,children_supported_timely
E1,03424,2025-08-02,Lũ quét,40,38
E1,03390,2025-08-02,Lũ quét,12,12
";

const PARTICIPATION: &str = "child_id,date,kind,note
C3,2024-11-20,diễn đàn,Diễn đàn trẻ em huyện
C3,2024-11-20,awareness,
";

const CASES: &str = "case_id,child_id,reported_on,harm_type,intervention_started_on,closed_on
K1,C3,2025-02-10,bạo lực,2025-02-10,
";

fn full() -> tempfile::TempDir {
    folder(&[
        ("manifest", MANIFEST),
        ("children", CHILDREN),
        ("schools", SCHOOLS),
        ("measurements", MEASUREMENTS),
        ("enrolments", ENROLMENTS),
        ("commune_assessments", ASSESSMENTS),
        ("disasters", DISASTERS),
        ("participation", PARTICIPATION),
        ("cases", CASES),
    ])
}

fn assert_clean(r: &Report) {
    assert!(r.problems.is_empty(), "{}", r.render(true));
    assert!(r.stored, "{}", r.render(true));
}

type Open<F> = fn(&'static str) -> F;

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

async fn scope_and_units_on_the_data_set_date<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let units = db.store.units().await.unwrap();
    let ban_bo_old = units
        .iter()
        .find(|u| u.unit.code == "03424" && u.unit.valid_from.is_none())
        .unwrap()
        .id;
    let mut o = options();
    o.scope = Some([ban_bo_old].into_iter().collect());
    let r = run(&db.store, full().path(), &o).await;
    assert!(!r.stored);
    assert!(
        r.problems
            .iter()
            .any(|p| p.column == "commune_code" && p.value == "03390")
    );
    // After the reform the district code is no commune; an unknown code is
    // not valid on the data set's date.
    let children = "child_id,full_name,sex,date_of_birth,commune_code\nU1,Lò Văn Một,M,2020-01-01,106\nU2,Lò Văn Hai,M,2020-01-01,03999\n";
    let r = run(
        &db.store,
        folder(&[("manifest", MANIFEST), ("children", children)]).path(),
        &options(),
    )
    .await;
    let msgs: Vec<&str> = r.problems.iter().map(|p| p.message_en.as_str()).collect();
    assert!(msgs[0].contains("not a commune"), "{msgs:?}");
    assert!(
        msgs[1].contains("no commune has this code on 2025-03-01"),
        "{msgs:?}"
    );
}

async fn hostile_values_are_stored_verbatim<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let long = "Ờ".repeat(1000);
    let hostile = [
        "<script>alert(\"x\")</script>",
        "Robert'); DROP TABLE children;--",
        "=HYPERLINK(\"http://x\",\"y\")",
        "@SUM(A1)",
        "-2+3",
        "Bé 👶🏽 Na",
        long.as_str(),
    ];
    let mut wtr = csv::Writer::from_writer(Vec::new());
    wtr.write_record([
        "child_id",
        "full_name",
        "sex",
        "date_of_birth",
        "commune_code",
    ])
    .unwrap();
    for (i, name) in hostile.iter().enumerate() {
        wtr.write_record([format!("H{i}").as_str(), name, "F", "2020-01-01", "03424"])
            .unwrap();
    }
    let text = String::from_utf8(wtr.into_inner().unwrap()).unwrap();
    let data = folder(&[("manifest", MANIFEST), ("children", &text)]);
    let r = run(&db.store, data.path(), &options()).await;
    assert_clean(&r);
    let out = tempfile::tempdir().unwrap();
    export(
        db.store.as_ref(),
        &Target::Folder(out.path().into()),
        today(),
        &Quiet,
    )
    .await
    .unwrap();
    let Some(db2) = open("b").await else { return };
    assert_clean(&run(&db2.store, out.path(), &options()).await);
    let names: Vec<Value> = rows(&db2.store, ExportFile::Children)
        .await
        .into_iter()
        .map(|r| r[2].clone())
        .collect();
    let expected: Vec<Value> = hostile
        .iter()
        .map(|s| Value::Text(Some(s.to_string())))
        .collect();
    assert_eq!(names, expected);
    // One character more is an error.
    let too_long = format!(
        "child_id,full_name,sex,date_of_birth,commune_code\nL1,{}Ờ,F,2020-01-01,03424\n",
        long
    );
    let r = run(
        &db.store,
        folder(&[("manifest", MANIFEST), ("children", &too_long)]).path(),
        &options(),
    )
    .await;
    assert_eq!(
        (r.problems.len(), r.problems[0].column.as_str()),
        (1, "full_name")
    );
}

async fn old_encodings_are_detected_and_converted<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let dir = tempfile::tempdir().unwrap();
    // TCVN3 as the bytes of an ANSI file (not UTF-8 at all).
    let mut bytes = b"child_id,full_name,sex,date_of_birth,commune_code,village\n".to_vec();
    let (tcvn, _, _) = encoding_rs::WINDOWS_1252.encode(
        "T1,NguyÔn ThÞ LËp,F,2020-01-01,03424,B¶n Bo\nT2,Lß V¨n Hïng,M,2020-01-01,03424,B¶n Bo\n",
    );
    bytes.extend_from_slice(&tcvn);
    std::fs::write(dir.path().join("children.csv"), bytes).unwrap();
    // VNI typed into a UTF-8 file.
    std::fs::write(
        dir.path().join("participation.csv"),
        "child_id,date,kind,note\nT1,2024-01-01,forum,Dieãn ñaøn treû em\nT2,2024-01-01,forum,Caâu laïc boä\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("manifest.csv"), MANIFEST).unwrap();
    let r = run(&db.store, dir.path(), &options()).await;
    assert_clean(&r);
    let conv: Vec<(&str, &str)> = r
        .conversions
        .iter()
        .map(|c| (c.column.as_str(), c.encoding))
        .collect();
    assert!(conv.contains(&("full_name", "TCVN3 (ABC)")), "{conv:?}");
    assert!(conv.contains(&("note", "VNI")), "{conv:?}");
    let names: Vec<Value> = rows(&db.store, ExportFile::Children)
        .await
        .into_iter()
        .map(|r| r[2].clone())
        .collect();
    assert_eq!(names[0], Value::Text(Some("Nguyễn Thị Lập".into())));
    assert_eq!(names[1], Value::Text(Some("Lò Văn Hùng".into())));
    let notes: Vec<Value> = rows(&db.store, ExportFile::Participation)
        .await
        .into_iter()
        .map(|r| r[3].clone())
        .collect();
    assert_eq!(notes[0], Value::Text(Some("Diễn đàn trẻ em".into())));
}

async fn broken_files_are_refused_with_their_place<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let cases: [(&str, &str, u64, &str); 8] = [
        (
            "measurements",
            "child_id,weight_kg\nC1,9\n",
            1,
            "measured_on",
        ),
        (
            "children",
            "child_id,full_name,sex,date_of_birth,commune_code\nB1,A,F,2020-02-30,03424\n",
            2,
            "date_of_birth",
        ),
        (
            "children",
            "child_id,full_name,sex,date_of_birth,commune_code,national_id\nB1,A,F,2020-02-03,03424,012345\n",
            2,
            "national_id",
        ),
        (
            "children",
            "child_id,full_name,sex,date_of_birth,commune_code,special_circumstances\nB1,A,F,2020-02-03,03424,z\n",
            2,
            "special_circumstances",
        ),
        (
            "disasters",
            "event_id,commune_code,occurred_on,kind,children_affected,children_supported_timely\nE,03424,2025-01-01,Lũ,3,4\n",
            2,
            "children_supported_timely",
        ),
        (
            "schools",
            "school_code,name,level,commune_code,year,sanitation_standard,psych_support\nS,T,university,03424,2024,yes,no\n",
            2,
            "level",
        ),
        (
            "enrolments",
            "child_id,school_year,school_code,level,grade,status\nC1,2024-2025,S1,primary,7,enrolled\n",
            2,
            "grade",
        ),
        (
            "measurements",
            "child_id,measured_on,weight_kg,height_cm\nC1,2024-01-01,,\n",
            2,
            "weight_kg",
        ),
    ];
    for (file, content, line, column) in cases {
        let r = run(
            &db.store,
            folder(&[("manifest", MANIFEST), (file, content)]).path(),
            &options(),
        )
        .await;
        assert!(!r.stored, "{file}: {content}");
        let p = r
            .problems
            .first()
            .unwrap_or_else(|| panic!("{file}: {content}"));
        assert_eq!(
            (p.line, p.column.as_str()),
            (line, column),
            "{}",
            r.render(true)
        );
        assert!(!p.message_vi.is_empty() && !p.message_en.is_empty());
    }
    assert_eq!(db.store.count_children(&Scope::All).await.unwrap(), 0);
}

async fn zips_of_csv_and_workbook_cells<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    use std::io::Write;
    let Some(db) = open("a").await else { return };
    // An upload: CSV files in a zip, one of them in a folder.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("manifest.csv", opts).unwrap();
    zip.write_all(MANIFEST.as_bytes()).unwrap();
    zip.start_file("xa/children.csv", opts).unwrap();
    zip.write_all(CHILDREN.as_bytes()).unwrap();
    zip.start_file("ghi-chu.txt", opts).unwrap();
    zip.write_all(b"notes").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let data = treem_interchange::DataSet::from_bytes("up.zip", bytes).unwrap();
    let r = treem_interchange::import(db.store.as_ref(), &data, &options(), &Quiet)
        .await
        .unwrap();
    assert_clean(&r);
    assert_eq!(r.files[0].written, 3);
    assert!(r.warnings.iter().any(|w| w.file == "ghi-chu.txt"));

    // A workbook typed by hand: date cells, number cells, Vietnamese headers.
    let mut book = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let sheet = book.add_worksheet();
    sheet.set_name("measurements").unwrap();
    for (c, h) in ["Mã trẻ", "Ngày cân đo", "Cân nặng (kg)", "Chiều cao (cm)"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "C1").unwrap();
    // 45000 is 15/03/2023 in Excel's calendar.
    sheet
        .write_number_with_format(1, 1, 45000.0, &date)
        .unwrap();
    sheet.write_number(1, 2, 11.5).unwrap();
    sheet.write_number(1, 3, 84.0).unwrap();
    let data =
        treem_interchange::DataSet::from_bytes("can.xlsx", book.save_to_buffer().unwrap()).unwrap();
    let mut o = options();
    o.workbook = true;
    let r = treem_interchange::import(db.store.as_ref(), &data, &o, &Quiet)
        .await
        .unwrap();
    assert_clean(&r);
    let m = rows(&db.store, ExportFile::Measurements).await;
    assert_eq!(
        m[0][1],
        Value::Date(chrono::NaiveDate::from_ymd_opt(2023, 3, 15))
    );
    assert_eq!(m[0][2], Value::Real(Some(11.5)));
    assert_eq!(m[0][3], Value::Real(Some(84.0)));
}

on_both!(
    zips_of_csv_and_workbook_cells,
    every_file_is_read_and_the_round_trip_is_exact,
    a_failure_in_the_last_file_stores_nothing,
    reimport_changes_nothing_and_a_change_keeps_history,
    keys_repeated_in_a_data_set,
    partial_imports_keep_rejects_untouched,
    scope_and_units_on_the_data_set_date,
    hostile_values_are_stored_verbatim,
    old_encodings_are_detected_and_converted,
    broken_files_are_refused_with_their_place,
);

//! The reading rules of data sets on SQLite and PostgreSQL: units on the
//! data set's date and scope, hostile values, old encodings, broken files,
//! zips and workbook cells.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::future::Future;

use common::*;
use treem_interchange::Quiet;
use treem_interchange::export::{Target, export};
use treem_store::testing::TestDb;
use treem_store::{ExportFile, Scope, Value};

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
    let cases: [(&str, &str, u64, &str); 9] = [
        (
            "children",
            "child_id,full_name,sex,date_of_birth,commune_code\nB1,Lò, Thị A,F,2020-02-03,03424\n",
            2,
            "",
        ),
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

fn row_unit(row: &[Value]) -> i64 {
    match row[6] {
        Value::Int(Some(id)) => id,
        _ => panic!("no unit"),
    }
}

async fn spreadsheet_leading_zeros_are_restored<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    // Text typed on a Mac or copied from a PDF often arrives decomposed (NFD).
    let nfd = "child_id,full_name,sex,date_of_birth,commune_code\nN1,Nguye\u{302}\u{303}n Thi\u{323} La\u{302}\u{323}p,F,2020-05-06,03424\n";
    let r = run(
        &db.store,
        folder(&[("manifest", MANIFEST), ("children", nfd)]).path(),
        &options(),
    )
    .await;
    assert_clean(&r);
    let row = &rows(&db.store, ExportFile::Children).await[0];
    assert_eq!(row[2], Value::Text(Some("Nguyễn Thị Lập".into())));
    // What Excel leaves of `03424` and `062320123456` when it reads them as numbers.
    let children = "child_id,full_name,sex,date_of_birth,commune_code,national_id\nZ1,Lò Thị Zin,F,2020-05-06,3424,62320123456\n";
    let r = run(
        &db.store,
        folder(&[("manifest", MANIFEST), ("children", children)]).path(),
        &options(),
    )
    .await;
    assert_clean(&r);
    let restored: Vec<(&str, u64)> = r
        .conversions
        .iter()
        .map(|c| (c.column.as_str(), c.values))
        .collect();
    assert_eq!(restored, vec![("national_id", 1)]);
    let row = &rows(&db.store, ExportFile::Children).await[1];
    assert_eq!(row[1], Value::Text(Some("062320123456".into())));
    let units = db.store.units().await.unwrap();
    let ban_bo = units.iter().find(|u| u.id == row_unit(row)).unwrap();
    assert_eq!(ban_bo.unit.code, "03424");
}

on_both!(
    spreadsheet_leading_zeros_are_restored,
    scope_and_units_on_the_data_set_date,
    hostile_values_are_stored_verbatim,
    old_encodings_are_detected_and_converted,
    broken_files_are_refused_with_their_place,
    zips_of_csv_and_workbook_cells,
);

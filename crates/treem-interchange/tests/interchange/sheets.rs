//! A workbook as an officer names it: a sheet whose name is not a file's is
//! read by its columns, the report says which sheet was read as what, and a
//! data set from which no row is read is an error — never a success that
//! stored nothing.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::future::Future;

use common::*;
use treem_interchange::spec::File;
use treem_interchange::{DataSet, Quiet, Report};
use treem_store::Store;
use treem_store::testing::TestDb;

type Sheet<'a> = (&'a str, &'a [&'a [&'a str]]);

fn book(sheets: &[Sheet]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let s = book.add_worksheet();
        s.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                s.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

async fn import(store: &dyn Store, data: &DataSet) -> Report {
    let mut o = options();
    o.workbook = true;
    treem_interchange::import(store, data, &o, &Quiet)
        .await
        .unwrap()
}

const HEADER: &[&str] = &["Mã trẻ", "Họ và tên", "Giới tính", "Ngày sinh", "Mã xã"];
const ONE: &[&str] = &["S1", "Lò Thị Một", "F", "2021-04-03", "03424"];
const TWO: &[&str] = &["S2", "Lò Văn Hai", "M", "2020-01-01", "03424"];

async fn sheets_are_known_by_their_columns<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let store = db.store.as_ref();
    let data = DataSet::from_bytes(
        "tre.xlsx",
        book(&[
            ("Hướng dẫn", &[&["Điền mỗi trẻ một dòng"]]),
            ("Danh sach tre", &[HEADER, ONE, TWO]),
        ]),
    )
    .unwrap();
    assert_eq!(
        data.recognised,
        vec![("Danh sach tre".to_string(), File::Children)]
    );
    let r = import(store, &data).await;
    assert_clean(&r);
    assert_eq!(r.files.iter().map(|f| f.written).sum::<u64>(), 2);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.file == "Danh sach tre" && w.message_en.contains("'children'"))
    );
    assert!(r.render(false).contains("2 dòng mới hoặc đã sửa"));
    assert_eq!(
        store
            .count_children(&treem_store::Scope::All)
            .await
            .unwrap(),
        2
    );

    // A sheet named after a file wins; a second sheet with its columns is
    // not read twice.
    let data = DataSet::from_bytes(
        "hai.xlsx",
        book(&[("children", &[HEADER, ONE]), ("Trang 2", &[HEADER, TWO])]),
    )
    .unwrap();
    assert!(data.recognised.is_empty());
    assert_eq!(data.unknown, vec!["Trang 2".to_string()]);
    // A chart sheet beside the data is no file, and no reason to refuse.
    let mut chart_book = rust_xlsxwriter::Workbook::new();
    let s = chart_book.add_worksheet();
    s.set_name("Danh sach").unwrap();
    for (r, row) in [HEADER, ONE].iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            s.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    s.write_number(5, 0, 1.0).unwrap();
    let mut chart = rust_xlsxwriter::Chart::new(rust_xlsxwriter::ChartType::Column);
    chart.add_series().set_values(("Danh sach", 5, 0, 5, 0));
    chart_book
        .add_chartsheet()
        .insert_chart(0, 0, &chart)
        .unwrap();
    let data = DataSet::from_bytes("bieu-do.xlsx", chart_book.save_to_buffer().unwrap()).unwrap();
    assert_eq!(
        data.recognised,
        vec![("Danh sach".to_string(), File::Children)]
    );
    // Two unnamed sheets with one file's columns: neither is guessed.
    let data = DataSet::from_bytes(
        "ba.xlsx",
        book(&[("Trang 1", &[HEADER, ONE]), ("Trang 2", &[HEADER, TWO])]),
    )
    .unwrap();
    assert!(data.recognised.is_empty());
    assert_eq!(data.unknown.len(), 2);
}

async fn a_data_set_with_no_rows_is_an_error<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let store = db.store.as_ref();
    // No sheet the format knows, by name or by columns.
    let data = DataSet::from_bytes(
        "x.xlsx",
        book(&[("Sheet1", &[&["Tên", "Tuổi"], &["An", "3"]])]),
    )
    .unwrap();
    let r = import(store, &data).await;
    assert!(!r.stored);
    assert_eq!(r.problem_count(), 1);
    assert!(r.problems[0].message_vi.contains("không có trang tính"));
    assert!(r.render(false).contains("Bộ dữ liệu bị từ chối"));
    // The right sheet, but only its header.
    let data = DataSet::from_bytes("h.xlsx", book(&[("children", &[HEADER])])).unwrap();
    let r = import(store, &data).await;
    assert!(!r.stored);
    assert!(r.problems[0].message_en.contains("no data row"));
    assert_eq!(
        store
            .count_children(&treem_store::Scope::All)
            .await
            .unwrap(),
        0
    );
}

/// CSV files in a zip or a folder named in the officer's own way are known
/// by their header, as sheets are; two with one file's header are not
/// guessed; a non-CSV entry is only named.
async fn csv_files_are_known_by_their_columns<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    use std::io::Write;
    let Some(db) = open("a").await else { return };
    let store = db.store.as_ref();
    let csv = |rows: &[&[&str]]| -> String {
        rows.iter().map(|r| r.join(",") + "\n").collect::<String>()
    };
    let zip = |entries: &[(&str, String)]| -> Vec<u8> {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, text) in entries {
            z.start_file(*name, opts).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap().into_inner()
    };
    let children = format!("\u{feff}{}", csv(&[HEADER, ONE, TWO]));
    let data = DataSet::from_bytes(
        "thang-11.zip",
        zip(&[
            ("thang 11/Danh sach tre.csv", children.clone()),
            ("thang 11/ghi chu.txt", "x".into()),
        ]),
    )
    .unwrap();
    assert_eq!(
        data.recognised,
        vec![("thang 11/Danh sach tre.csv".to_string(), File::Children)]
    );
    assert_eq!(data.unknown, vec!["thang 11/ghi chu.txt".to_string()]);
    let r = import(store, &data).await;
    assert_clean(&r);
    assert_eq!(r.files.iter().map(|f| f.written).sum::<u64>(), 2);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.file.ends_with("Danh sach tre.csv")
                && w.message_vi.contains("tệp «children.csv»")),
        "{:?}",
        r.warnings
    );

    // Two CSVs with the children's header: neither is guessed.
    let data = DataSet::from_bytes(
        "hai.zip",
        zip(&[("a.csv", children.clone()), ("b.csv", children.clone())]),
    )
    .unwrap();
    assert!(data.recognised.is_empty());
    assert!(!data.has(File::Children));

    // A folder: the same.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("DS tre em.csv"), &children).unwrap();
    std::fs::write(dir.path().join("khac.csv"), "Tên,Tuổi\nAn,3\n").unwrap();
    let data = DataSet::open(dir.path()).unwrap();
    assert_eq!(
        data.recognised,
        vec![("DS tre em.csv".to_string(), File::Children)]
    );
    assert_eq!(data.unknown, vec!["khac.csv".to_string()]);
    let r = import(store, &data).await;
    assert_clean(&r);
    assert_eq!(r.files.iter().map(|f| f.unchanged).sum::<u64>(), 2);
}

/// `--partial` on a workbook: a rejected row whose last cells are empty
/// (so shorter than the header, as sheets are read) is written to the
/// reject file padded to the header, and the rest is stored.
async fn partial_workbook_rejects_short_rows<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    let store = db.store.as_ref();
    let header: &[&str] = &[
        "Mã trẻ",
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Mã xã",
        "Thôn, bản",
    ];
    let good: &[&str] = &["P1", "Lò Thị Một", "F", "2021-04-03", "03424", "Bản Bo"];
    // No commune, no village: the row ends after its birth date.
    let short: &[&str] = &["P2", "Lò Văn Hai", "M", "2020-01-01"];
    let data =
        DataSet::from_bytes("p.xlsx", book(&[("children", &[header, good, short])])).unwrap();
    let rejects = tempfile::tempdir().unwrap();
    let mut o = options();
    o.workbook = true;
    o.partial = true;
    o.reject_dir = Some(rejects.path().join("p.xlsx.rejects"));
    let r = treem_interchange::import(store, &data, &o, &Quiet)
        .await
        .unwrap();
    assert!(r.stored, "{}", r.render(false));
    assert_eq!(r.files.iter().map(|f| f.written).sum::<u64>(), 1);
    assert_eq!(r.files.iter().map(|f| f.rejected).sum::<u64>(), 1);
    let text = std::fs::read_to_string(rejects.path().join("p.xlsx.rejects/children.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Mã trẻ,Họ và tên,Giới tính,Ngày sinh,Mã xã,\"Thôn, bản\""
    );
    assert_eq!(lines[1], "P2,Lò Văn Hai,M,2020-01-01,,");
    assert_eq!(lines.len(), 2);
}

on_both!(
    partial_workbook_rejects_short_rows,
    csv_files_are_known_by_their_columns,
    sheets_are_known_by_their_columns,
    a_data_set_with_no_rows_is_an_error,
);

//! A commune officer cannot change, through a data set, a record of another
//! commune: not by naming it with her own commune, not in any file kind,
//! not through the data-set page nor the facts forms. Every attempt is a
//! located error, and nothing at all is stored.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use common::TestApp;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use treem_interchange::export::{Target, export};

/// Every stored record as the export writes it: file name → text.
async fn snapshot(app: &TestApp, dir: &Path) -> BTreeMap<String, String> {
    let _ = std::fs::remove_dir_all(dir);
    let today = treem_domain::clock::vn_today();
    export(
        app.store.as_ref(),
        &Target::Folder(dir.to_path_buf()),
        today,
        &treem_interchange::Quiet,
    )
    .await
    .unwrap();
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        out.insert(name, std::fs::read_to_string(&p).unwrap());
    }
    out
}

/// A CSV file's header and rows.
fn parse(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

/// A zip holding one CSV file of these rows.
fn zip_of(file: &str, header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(header).unwrap();
    for r in rows {
        csv.write_record(r).unwrap();
    }
    let text = csv.into_inner().unwrap();
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file(file, zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(&text).unwrap();
    z.finish().unwrap().into_inner()
}

async fn upload(app: &TestApp, c: &reqwest::Client, bytes: Vec<u8>) -> (StatusCode, String) {
    let csrf = app.csrf(c, "/datasets").await;
    let form = Form::new()
        .text("csrf", csrf)
        .part("file", Part::bytes(bytes).file_name("du-lieu.zip"));
    let res = c
        .post(app.url("/datasets"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "treem-cross-{name}-{}",
        treem_web::auth::session::random_token()
    ))
}

/// Gives Bình Lư a case exchange row, as the operator's `treem import` would
/// (the small demo may have none).
async fn a_case_of_binh_lu(app: &TestApp, child_id: &str) {
    let header: Vec<String> = treem_interchange::spec::File::Cases
        .columns()
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    let row: Vec<String> = ["CASE-BL-1", child_id, "2025-09-01", "neglect", "", ""]
        .iter()
        .map(|v| v.to_string())
        .collect();
    let data =
        treem_interchange::DataSet::from_bytes("cases.zip", zip_of("cases.csv", &header, &[row]))
            .unwrap();
    let opts = treem_interchange::Options::operator("operator", treem_domain::clock::vn_today());
    let report =
        treem_interchange::import(app.store.as_ref(), &data, &opts, &treem_interchange::Quiet)
            .await
            .unwrap();
    assert!(report.stored, "{:?}", report.problems);
}

async fn no_file_kind_changes_another_communes_records(app: TestApp) {
    let theirs: HashSet<String> = common::children_under(&app, "03390")
        .await
        .into_iter()
        .map(|c| c.child_id)
        .collect();
    a_case_of_binh_lu(&app, theirs.iter().next().unwrap()).await;
    let dir = temp("before");
    let before = snapshot(&app, &dir).await;
    let ours: Vec<String> = common::children_under(&app, "03424")
        .await
        .into_iter()
        .map(|c| c.child_id)
        .collect();
    assert!(!theirs.is_empty() && !ours.is_empty());
    let (ch, children) = parse(&before["children.csv"]);
    // The commune codes Bình Lư's records are stored under.
    let their_codes: HashSet<String> = children
        .iter()
        .filter(|r| theirs.contains(&r[col(&ch, "child_id")]))
        .map(|r| r[col(&ch, "commune_code")].clone())
        .collect();
    let c = app.signed_in("banbo").await;
    let mut tried = Vec::new();
    for file in [
        "children.csv",
        "schools.csv",
        "commune_assessments.csv",
        "disasters.csv",
        "cases.csv",
        "measurements.csv",
        "enrolments.csv",
        "participation.csv",
    ] {
        let (header, rows) = parse(&before[file]);
        let owned_by_them = |r: &Vec<String>| {
            if let Some(i) = header.iter().position(|h| h == "child_id") {
                theirs.contains(&r[i])
            } else {
                their_codes.contains(&r[col(&header, "commune_code")])
            }
        };
        let Some(row) = rows.iter().find(|r| owned_by_them(r)) else {
            panic!("the demo has no {file} row of Bình Lư")
        };
        let mut row = row.clone();
        // The new values are all inside Bản Bo; only the stored record is
        // not. (An assessment's or a disaster's commune is part of its key:
        // the row names Bình Lư's record, and so Bình Lư.)
        let keyed_by_commune = matches!(file, "commune_assessments.csv" | "disasters.csv");
        if let Some(i) = header.iter().position(|h| h == "commune_code")
            && !keyed_by_commune
        {
            row[i] = "03424".into();
        }
        match file {
            "children.csv" => row[col(&header, "full_name")] = "Tên Bị Đổi".into(),
            "cases.csv" => row[col(&header, "child_id")] = ours[0].clone(),
            _ => {}
        }
        let (status, body) = upload(&app, &c, zip_of(file, &header, &[row])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{file}: {body}");
        let words = if header[0] == "child_id" && file != "children.csv" {
            "không có trẻ mang mã này trong bộ dữ liệu hay trong đơn vị của tài khoản"
        } else {
            "ngoài phạm vi đơn vị của tài khoản"
        };
        assert!(body.contains(words), "{file}: {body}");
        assert!(body.contains("không lưu gì"), "{file}: {body}");
        tried.push(file);
    }
    assert_eq!(tried.len(), 8);

    // A reference to a child that exists nowhere reads the same as one to
    // another commune's child: no way to learn which codes exist.
    let (header, rows) = parse(&before["measurements.csv"]);
    let mut row = rows[0].clone();
    row[col(&header, "child_id")] = "KHONG-CO-TRE-NAY".into();
    let (status, body) = upload(&app, &c, zip_of("measurements.csv", &header, &[row])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("không có trẻ mang mã này trong bộ dữ liệu hay trong đơn vị của tài khoản"),
        "{body}"
    );

    // The facts forms go through the same importer: another commune's
    // school cannot be renamed into Bản Bo from the form either.
    let (sh, schools) = parse(&before["schools.csv"]);
    let school = schools
        .iter()
        .find(|r| their_codes.contains(&r[col(&sh, "commune_code")]))
        .unwrap();
    let csrf = app.csrf(&c, "/facts").await;
    let mut form: Vec<(String, String)> = sh
        .iter()
        .zip(school)
        .map(|(h, v)| (h.clone(), v.clone()))
        .collect();
    for f in &mut form {
        if f.0 == "commune_code" {
            f.1 = "03424".into();
        }
        if f.0 == "name" {
            f.1 = "Trường Bị Chiếm".into();
        }
    }
    form.push(("csrf".into(), csrf));
    let res = c
        .post(app.url("/facts/schools"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert!(
        body.contains("ngoài phạm vi đơn vị của tài khoản"),
        "{body}"
    );

    let after = snapshot(&app, &temp("after")).await;
    for (name, text) in &before {
        if name == "manifest.csv" {
            continue;
        }
        assert!(after[name] == *text, "{name} changed");
    }

    // Her own commune's records still import (the check refuses only what
    // is not hers): one of her children renamed.
    let mut row = children
        .iter()
        .find(|r| r[col(&ch, "child_id")] == ours[0])
        .unwrap()
        .clone();
    row[col(&ch, "commune_code")] = "03424".into();
    row[col(&ch, "full_name")] = "Lò Văn Đổi Tên".into();
    let (status, body) = upload(&app, &c, zip_of("children.csv", &ch, &[row])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, list) = app.get(&c, "/children?q=lo+van+doi+ten").await;
    assert!(list.contains("Lò Văn Đổi Tên"), "{list}");
}

on_both!(no_file_kind_changes_another_communes_records);

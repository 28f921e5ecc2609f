//! Hostile data sets: a zip bomb, one entry name repeated, a workbook of
//! more strings or cells than allowed. Each is refused with a message that
//! names the limit, and nothing is stored. (The limits are set small here;
//! `scripts/hostile-uploads.sh` sends the real-sized files to a server and
//! measures its memory.)

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::Write;

use common::*;
use treem_interchange::source::SourceError;
use treem_interchange::{DataSet, ImportError, Limits, Quiet, import};

const SMALL: Limits = Limits {
    max_unzipped_bytes: 1 << 20,
    max_shared_strings: 1000,
    max_cells: 5000,
};

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// A children file of `rows` valid rows.
fn children_csv(rows: usize) -> Vec<u8> {
    let mut out = b"child_id,full_name,sex,date_of_birth,commune_code\n".to_vec();
    for i in 0..rows {
        out.extend_from_slice(format!("B-{i},Lò Thị Bom,F,2022-01-01,03424\n").as_bytes());
    }
    out
}

#[tokio::test]
async fn a_zip_bomb_stops_at_the_limit_and_stores_nothing() {
    let db = treem_store::testing::sqlite().await.unwrap();
    with_units(&db.store).await;
    // About 1.4 MB of rows, past the 1 MiB limit, in a few kilobytes.
    let bomb = zip(&[("children.csv", &children_csv(30_000))]);
    assert!(bomb.len() < 300_000, "{}", bomb.len());
    let data = DataSet::from_bytes_limited("bom.zip", bomb, SMALL).unwrap();
    let err = import(db.store.as_ref(), &data, &options(), &Quiet)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ImportError::Source(SourceError::TooMuch(ref what, 1048576)) if what == "unzipped"),
        "{err}"
    );
    assert!(err.to_string().contains("vượt quá giới hạn"), "{err}");
    assert_eq!(
        db.store
            .count_children(&treem_store::Scope::All)
            .await
            .unwrap(),
        0
    );
    // Under the limit, the same kind of file imports.
    let small = zip(&[("children.csv", &children_csv(100))]);
    let data = DataSet::from_bytes_limited("nho.zip", small, SMALL).unwrap();
    let r = import(db.store.as_ref(), &data, &options(), &Quiet)
        .await
        .unwrap();
    assert_clean(&r);
}

/// Renames every `from` to `to` (same length) in a zip's headers: how a
/// hostile zip gets entries of one name, which a zip writer will not make.
fn rename(mut bytes: Vec<u8>, from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
    bytes
}

#[test]
fn a_repeated_entry_name_is_refused() {
    let rows = children_csv(2);
    let three = zip(&[
        ("children.csv", rows.as_slice()),
        ("childreX.csv", rows.as_slice()),
        ("childreY.csv", rows.as_slice()),
    ]);
    let three = rename(
        rename(three, b"childreX", b"children"),
        b"childreY",
        b"children",
    );
    for (what, bytes) in [
        ("one name three times", three),
        (
            "names differing in case",
            zip(&[("children.csv", &rows), ("CHILDREN.CSV", &rows)]),
        ),
        (
            "one file in two folders",
            zip(&[("a/children.csv", &rows), ("b/children.csv", &rows)]),
        ),
    ] {
        match DataSet::from_bytes("hai.zip", bytes) {
            Err(SourceError::DuplicateEntry(_)) => {}
            // The zip reader itself may refuse the repeated name.
            Err(SourceError::Zip(e)) if e.contains("Duplicate") => {}
            other => panic!("{what}: {other:?}"),
        }
    }
}

/// A workbook whose `children` sheet holds `n` distinct strings.
fn workbook(n: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("children").unwrap();
    for (c, h) in [
        "child_id",
        "full_name",
        "sex",
        "date_of_birth",
        "commune_code",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..n {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, format!("W-{i}")).unwrap();
        sheet.write_string(r, 1, "Lò Thị Sổ").unwrap();
        sheet.write_string(r, 2, "F").unwrap();
        sheet.write_string(r, 3, "2022-01-01").unwrap();
        sheet.write_string(r, 4, "03424").unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_workbook_over_its_strings_or_cells_is_refused() {
    // 1,500 distinct codes: over 1,000 shared strings, refused on opening.
    let err = DataSet::from_bytes_limited("nhieu.xlsx", workbook(1500), SMALL).unwrap_err();
    assert!(
        matches!(err, SourceError::TooMuch(ref what, 1000) if what == "shared strings"),
        "{err}"
    );
    // 990 rows: strings within the limit, but 4,955 cells... and 1,100
    // rows pass the cells limit while it is read.
    let db = treem_store::testing::sqlite().await.unwrap();
    with_units(&db.store).await;
    let limits = Limits {
        max_shared_strings: 10_000,
        ..SMALL
    };
    let data = DataSet::from_bytes_limited("o.xlsx", workbook(1100), limits).unwrap();
    let err = import(db.store.as_ref(), &data, &options(), &Quiet)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ImportError::Source(SourceError::TooMuch(ref what, 5000)) if what == "cells"),
        "{err}"
    );
    assert_eq!(
        db.store
            .count_children(&treem_store::Scope::All)
            .await
            .unwrap(),
        0
    );
    let data = DataSet::from_bytes_limited("o.xlsx", workbook(900), limits).unwrap();
    let r = import(db.store.as_ref(), &data, &options(), &Quiet)
        .await
        .unwrap();
    assert_clean(&r);
    // A workbook whose entries unpack past the byte limit: refused on opening.
    let tight = Limits {
        max_unzipped_bytes: 20_000,
        ..limits
    };
    let err = DataSet::from_bytes_limited("o.xlsx", workbook(900), tight).unwrap_err();
    assert!(
        matches!(err, SourceError::TooMuch(ref what, 20000) if what == "unzipped"),
        "{err}"
    );
}

/// NUL, ESC and the other control characters, and the bidirectional
/// overrides, are refused in names, villages and phone numbers; a tab or a
/// line break typed inside a cell is kept.
#[tokio::test]
async fn control_and_bidi_characters_are_refused() {
    let db = treem_store::testing::sqlite().await.unwrap();
    with_units(&db.store).await;
    let head = "child_id,full_name,sex,date_of_birth,commune_code,village,caregiver_phone\n";
    for (column, value) in [
        ("full_name", "Lò\u{0}Mai"),
        ("full_name", "\u{1b}[31mMai"),
        ("full_name", "\u{202e}iaM ìhT òL"),
        ("village", "Nà\u{2066}Tăm"),
        ("caregiver_phone", "0912\u{7}345678"),
    ] {
        let mut row = [
            "C-1",
            "Lò Thị Mai",
            "F",
            "2022-01-01",
            "03424",
            "Nà Tăm",
            "0912345678",
        ];
        let i = ["full_name", "village", "caregiver_phone"]
            .iter()
            .position(|c| *c == column)
            .map(|p| [1, 5, 6][p])
            .unwrap();
        row[i] = value;
        let csv = format!("{head}\"{}\"\n", row.join("\",\""));
        let dir = folder(&[("children", &csv)]);
        let r = run(&db.store, dir.path(), &options()).await;
        assert!(!r.stored, "{column}: {value:?}");
        assert!(
            r.problems
                .iter()
                .any(|p| p.column == column && p.message_vi.contains("ký tự điều khiển")),
            "{column}: {}",
            r.render(true)
        );
    }
    let csv = format!("{head}\"C-2\",\"Lò Thị Mai\",F,2022-01-01,03424,\"Bản\tNà\nTăm\",\"\"\n");
    let dir = folder(&[("children", &csv)]);
    let r = run(&db.store, dir.path(), &options()).await;
    assert_clean(&r);
}

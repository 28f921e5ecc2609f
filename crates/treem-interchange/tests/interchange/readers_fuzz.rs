//! Property tests of the readers: arbitrary bytes never crash the CSV or
//! workbook reader, and whatever cells a CSV writer or a workbook writer
//! produces are read back exactly (RFC 4180 quoting, embedded newlines,
//! any Unicode). `PROPTEST_CASES=100000 cargo test -p treem-interchange
//! --release --test interchange -- readers_fuzz::` runs the long campaign recorded in
//! docs/performance.md.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use treem_interchange::DataSet;
use treem_interchange::source::RawRow;
use treem_interchange::spec::File;

fn read_all(data: &DataSet, file: File) -> Result<Vec<RawRow>, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let mut rx = data.rows(file);
        let mut out = Vec::new();
        while let Some(batch) = rx.recv().await {
            out.extend(batch.map_err(|e| e.to_string())?);
        }
        Ok(out)
    })
}

fn folder_with(bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("children.csv"), bytes).unwrap();
    dir
}

/// Cells as offices type them: any text, with quotes, commas, newlines.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,\"\n\r;'=+-]{0,12}",
        "\\PC{0,8}",
        Just("Nguyễn Thị Lập".to_string()),
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_crash_the_csv_reader(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let dir = folder_with(&bytes);
        let data = DataSet::open(dir.path()).unwrap();
        let _ = read_all(&data, File::Children);
    }

    #[test]
    fn arbitrary_bytes_never_crash_the_workbook_reader(mut bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        // Start like a zip so the bytes reach the zip and workbook readers.
        bytes.splice(0..0, *b"PK\x03\x04");
        if let Ok(data) = DataSet::from_bytes("x.xlsx", bytes) {
            let _ = read_all(&data, File::Children);
        }
    }

    #[test]
    fn what_a_csv_writer_writes_is_read_back(rows in proptest::collection::vec(proptest::collection::vec(cell(), 3), 1..20)) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["child_id", "full_name", "note"]).unwrap();
        for r in &rows {
            w.write_record(r).unwrap();
        }
        let dir = folder_with(&w.into_inner().unwrap());
        let data = DataSet::open(dir.path()).unwrap();
        let read = read_all(&data, File::Children).unwrap();
        let expected: Vec<&Vec<String>> = rows.iter().filter(|r| r.iter().any(|c| !c.is_empty())).collect();
        prop_assert_eq!(read.len(), expected.len() + 1);
        for (got, want) in read[1..].iter().zip(expected) {
            prop_assert_eq!(&got.cells, want);
        }
    }

    #[test]
    fn what_a_workbook_holds_is_read_back(rows in proptest::collection::vec(proptest::collection::vec("[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}]{0,10}", 3), 1..10)) {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("children").unwrap();
        for (c, h) in ["child_id", "full_name", "note"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string(r as u32 + 1, c as u16, v).unwrap();
                }
            }
        }
        let data = DataSet::from_bytes("t.xlsx", book.save_to_buffer().unwrap()).unwrap();
        let read = read_all(&data, File::Children).unwrap();
        let expected: Vec<&Vec<String>> = rows.iter().filter(|r| r.iter().any(|c| !c.is_empty())).collect();
        prop_assert_eq!(read.len(), expected.len() + 1);
        for (got, want) in read[1..].iter().zip(expected) {
            let mut got = got.cells.clone();
            got.resize(3, String::new());
            prop_assert_eq!(&got, want);
        }
    }
}

//! `treem backup` and `treem restore` as real processes: a restored folder
//! holds the same records, the same key and a sound audit chain; a damaged
//! backup, a folder that is not empty and PostgreSQL are refused clearly.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{text, treem};
use treem_store::testing::temp_dir;

#[test]
fn a_backup_restores_into_an_empty_folder() {
    let src = temp_dir().unwrap();
    let o = treem(&src.0, &["demo", "--children", "150", "--seed", "9"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let file = src.0.join("sao-luu.zip");
    let o = treem(&src.0, &["backup", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Đã sao lưu 150 trẻ em"));
    // Never over an existing file (said in the command's language).
    let o = treem(&src.0, &["backup", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("đã có; chọn tên khác"));
    let o = treem(&src.0, &["--lang", "en", "backup", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("already exists; choose another name"));
    assert!(!text(&o.stderr).contains("đã có"), "{}", text(&o.stderr));

    let dst = temp_dir().unwrap();
    let o = treem(&dst.0, &["restore", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Đã khôi phục 150 trẻ em"));
    assert_eq!(
        std::fs::read(dst.0.join("treem.key")).unwrap(),
        std::fs::read(src.0.join("treem.key")).unwrap(),
        "the key travels with the data"
    );
    let o = treem(&dst.0, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // The same records: both export to the same children file.
    let (a, b) = (src.0.join("out"), dst.0.join("out"));
    assert_eq!(
        treem(&src.0, &["export", a.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        treem(&dst.0, &["export", b.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    for f in ["children.csv", "measurements.csv", "cases.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    // Not into a folder that already has data.
    let o = treem(&dst.0, &["restore", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("chỉ khôi phục vào thư mục trống"));
}

#[test]
fn a_damaged_backup_restores_nothing() {
    let src = temp_dir().unwrap();
    treem(&src.0, &["demo", "--children", "20", "--seed", "2"]);
    let file = src.0.join("b.zip");
    assert_eq!(
        treem(&src.0, &["backup", file.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    // Flip bytes in the middle of the zip: a checksum (zip's or ours) fails.
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 16] {
        *b ^= 0x5a;
    }
    let bad = src.0.join("bad.zip");
    std::fs::write(&bad, bytes).unwrap();
    let dst = temp_dir().unwrap();
    let o = treem(&dst.0, &["restore", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!dst.0.join("treem.db").exists() && !dst.0.join("treem.key").exists());
    // Not a backup at all.
    let junk = src.0.join("junk.zip");
    std::fs::write(&junk, b"not a zip").unwrap();
    let o = treem(&dst.0, &["restore", junk.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("không phải bản sao lưu"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn postgres_is_pointed_to_its_own_tools() {
    let d = temp_dir().unwrap();
    let o = treem(
        &d.0,
        &["--db", "postgres://nobody@127.0.0.1:1/x", "backup", "x.zip"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("pg_dump"), "{}", text(&o.stderr));
}

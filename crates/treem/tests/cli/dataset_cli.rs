//! `treem import` and `treem export` as real processes: exit statuses,
//! messages, reject files, and export → import → export.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;

use common::{text, treem};
use treem_store::testing::temp_dir;

fn write(dir: &Path, name: &str, content: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), content).unwrap();
}

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_broken_data_set_exits_1_and_stores_nothing() {
    let d = temp_dir().unwrap();
    let set = d.0.join("set");
    write(&set, "manifest.csv", "as_of,source\n2025-03-01,x\n");
    write(
        &set,
        "children.csv",
        "child_id,full_name,sex,date_of_birth,commune_code\nA1,Lò Văn A,M,2020-01-01,03424\nA2,Lò Văn B,M,2020-13-01,03424\n",
    );
    let o = treem(&d.0.join("data"), &["import", set.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("children.csv, dòng 3, cột date_of_birth"),
        "{err}"
    );
    assert!(err.contains("không lưu gì"), "{err}");
    let o = treem(
        &d.0.join("data"),
        &["--lang", "en", "import", set.to_str().unwrap()],
    );
    assert!(text(&o.stderr).contains("children.csv, line 3, column date_of_birth"));
    // Nothing was stored: an export holds headers only.
    let out = d.0.join("out");
    let o = treem(&d.0.join("data"), &["export", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(out.join("children.csv"))
            .unwrap()
            .lines()
            .count(),
        1
    );

    // With --partial the valid row is stored and the other kept, untouched.
    let o = treem(
        &d.0.join("data"),
        &["import", "--partial", set.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    let rejects = d.0.join("set.rejects");
    assert_eq!(
        std::fs::read_to_string(rejects.join("children.csv")).unwrap(),
        "child_id,full_name,sex,date_of_birth,commune_code\nA2,Lò Văn B,M,2020-13-01,03424\n"
    );
    assert!(
        std::fs::read_to_string(rejects.join("report.txt"))
            .unwrap()
            .contains("dòng 3")
    );
}

#[test]
fn export_import_export_is_identical_and_reimport_changes_nothing() {
    let d = temp_dir().unwrap();
    let a = d.0.join("a");
    let o = treem(&a, &["demo", "--children", "200", "--seed", "9"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let e1 = d.0.join("e1");
    assert_eq!(
        treem(&a, &["export", e1.to_str().unwrap()]).status.code(),
        Some(0)
    );
    let b = d.0.join("b");
    let o = treem(&b, &["import", e1.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("children.csv: 200 dòng, 200 ghi mới/cập nhật"));
    let e2 = d.0.join("e2");
    assert_eq!(
        treem(&b, &["export", e2.to_str().unwrap()]).status.code(),
        Some(0)
    );
    assert_eq!(files(&e1), files(&e2));
    // The export is in the audit log.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let exports = rt.block_on(async {
        let store = treem_store::open(&format!("sqlite://{}", a.join("treem.db").display()))
            .await
            .unwrap();
        store
            .audit_entries(&treem_store::AuditQuery {
                action: Some("dataset.export".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap()
    });
    assert_eq!(exports.len(), 1);
    let o = treem(&b, &["import", e1.to_str().unwrap()]);
    assert!(text(&o.stdout).contains("children.csv: 200 dòng, 0 ghi mới/cập nhật, 200 không đổi"));
    // The same through one workbook.
    let book = d.0.join("all.xlsx");
    assert_eq!(
        treem(&a, &["export", "--xlsx", book.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let c = d.0.join("c");
    let o = treem(&c, &["import", book.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let e3 = d.0.join("e3");
    assert_eq!(
        treem(&c, &["export", e3.to_str().unwrap()]).status.code(),
        Some(0)
    );
    assert_eq!(files(&e1), files(&e3));
}

#[test]
fn check_only_and_bad_arguments() {
    let d = temp_dir().unwrap();
    let set = d.0.join("set");
    write(
        &set,
        "children.csv",
        "child_id,full_name,sex,date_of_birth,commune_code\nA1,Lò Văn A,M,2020-01-01,03424\n",
    );
    let o = treem(
        &d.0.join("data"),
        &["import", "--check", set.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Kiểm tra xong"));
    let o = treem(
        &d.0.join("data"),
        &["import", "--as-of", "30/02/2025", set.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("--as-of 30/02/2025"));
    let o = treem(
        &d.0.join("data"),
        &["import", d.0.join("missing").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    let o = treem(&d.0.join("data"), &["import"]);
    assert_eq!(o.status.code(), Some(2));
}

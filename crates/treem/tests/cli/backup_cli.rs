//! `treem backup` and `treem restore` as real processes: a restored folder
//! holds the same records, the same key and a sound audit chain; a damaged
//! backup, a folder that is not empty and PostgreSQL are refused clearly.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

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
    // Encrypted: neither the key nor a name of the registry is in clear.
    let sealed = std::fs::read(&file).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1"));
    let key = std::fs::read(src.0.join("treem.key")).unwrap();
    assert!(!sealed.windows(key.len()).any(|w| w == key.as_slice()));
    assert!(!sealed.windows(7).any(|w| w == b"SQLite "));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600, "the backup");
        assert_eq!(mode(&src.0), 0o700, "the data folder");
        assert_eq!(mode(&src.0.join("treem.db")), 0o600, "the database");
        assert_eq!(mode(&src.0.join("treem.key")), 0o600, "the key");
    }
    // Never over an existing file (said in the command's language).
    let o = treem(&src.0, &["backup", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("đã có; chọn tên khác"));
    let o = treem(&src.0, &["--lang", "en", "backup", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("already exists; choose another name"));
    assert!(!text(&o.stderr).contains("đã có"), "{}", text(&o.stderr));

    let dst = temp_dir().unwrap();
    // The wrong passphrase restores nothing, and says why.
    let wrong = dst.0.join("sai.txt");
    std::fs::write(&wrong, "mot mat khau khac han\n").unwrap();
    let o = treem(
        &dst.0,
        &[
            "restore",
            file.to_str().unwrap(),
            "--passphrase-file",
            wrong.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("sai mật khẩu"),
        "{}",
        text(&o.stderr)
    );
    assert!(!dst.0.join("treem.db").exists() && !dst.0.join("treem.key").exists());
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
fn no_backup_without_a_passphrase() {
    let src = temp_dir().unwrap();
    treem(&src.0, &["demo", "--children", "10", "--seed", "2"]);
    let file = src.0.join("b.zip");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_treem"))
        .arg("--data-dir")
        .arg(&src.0)
        .args(["backup", file.to_str().unwrap()])
        .env_remove("TREEM_BACKUP_PASSPHRASE")
        .env_remove("TREEM_LANG")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("TREEM_BACKUP_PASSPHRASE"),
        "{}",
        text(&o.stderr)
    );
    assert!(!file.exists());
    // Too short a passphrase is refused too.
    let short = src.0.join("p.txt");
    std::fs::write(&short, "ngan").unwrap();
    let o = treem(
        &src.0,
        &[
            "backup",
            file.to_str().unwrap(),
            "--passphrase-file",
            short.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("ít nhất 12 ký tự"),
        "{}",
        text(&o.stderr)
    );
    assert!(!file.exists());
}

/// Backups taken while another process writes about a hundred children a
/// second: each one restores, with the count its manifest names, and no
/// backup leaves a copy of the database behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_under_writes_all_restore() {
    let src = temp_dir().unwrap();
    let o = treem(&src.0, &["demo", "--children", "100", "--seed", "4"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    use treem_store::Store;
    let store = treem_store::sqlite::SqliteStore::open(&src.0.join("treem.db"))
        .await
        .unwrap();
    let unit = store
        .units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.unit.code == "03424")
        .unwrap()
        .id;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let store = store.clone();
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let text = treem_domain::child_input::ChildText {
                    child_id: format!("W-{n}"),
                    full_name: format!("Lò Thị Ghi {n}"),
                    sex: "F".into(),
                    date_of_birth: "2022-01-02".into(),
                    commune_code: "03424".into(),
                    ..Default::default()
                };
                let child =
                    treem_domain::child_input::read_child(&text, chrono::Utc::now().date_naive())
                        .unwrap();
                let ev = treem_domain::audit::AuditEvent::system("w", "child_created", "child", "");

                store.insert_children(&[(child, unit)], ev).await.unwrap();
                n += 1;
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            n
        })
    };
    let mut restored = 0;
    for i in 0..4 {
        let file = src.0.join(format!("b{i}.zip"));
        let dir = src.0.clone();
        let arg = file.to_str().unwrap().to_string();
        let o = tokio::task::spawn_blocking(move || treem(&dir, &["backup", &arg]))
            .await
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "backup {i}: {}", text(&o.stderr));
        let dst = temp_dir().unwrap();
        let arg = file.to_str().unwrap().to_string();
        let dir = dst.0.clone();
        let o = tokio::task::spawn_blocking(move || treem(&dir, &["restore", &arg]))
            .await
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "restore {i}: {}", text(&o.stderr));
        restored += 1;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(written > 20, "the writer wrote {written}");
    assert_eq!(restored, 4);
    let leftovers: Vec<String> = std::fs::read_dir(&src.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("db-copy") || n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
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

/// While nothing is sealed, a lost key costs nothing: a new one is made
/// and recorded (the refusals once cases are sealed are tested in
/// treem-web's key_check tests); the key can be rotated.
#[test]
fn without_sealed_contents_a_new_key_is_recorded_and_rotates() {
    let d = temp_dir().unwrap();
    let o = treem(&d.0, &["demo", "--children", "10", "--seed", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let key = d.0.join("treem.key");
    std::fs::remove_file(&key).unwrap();
    let out = d.0.join("out");
    let o = treem(&d.0, &["export", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let made = std::fs::read(&key).unwrap();
    let o = treem(&d.0, &["key", "rotate"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("Đã niêm phong lại 0"),
        "{}",
        text(&o.stdout)
    );
    assert_ne!(std::fs::read(&key).unwrap(), made);
    assert!(!d.0.join("treem.key.new").exists());
    let o = treem(&d.0, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

//! The command line, run as a real process on a fresh data folder.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::{text, treem};
use treem_store::testing::{TempDir, temp_dir};

fn fresh() -> TempDir {
    temp_dir().unwrap()
}

#[test]
fn demo_then_again_refuses() {
    let d = fresh();
    let o = treem(&d.0, &["demo", "--children", "120", "--seed", "4"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Đã nạp khu vực mẫu: 120 trẻ em."));
    assert!(d.0.join("treem.db").exists());
    assert!(d.0.join("treem.key").exists());
    let o = treem(&d.0, &["demo"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("Cơ sở dữ liệu đã có dữ liệu trẻ em"));
}

#[test]
fn an_account_works_for_an_agency() {
    let d = fresh();
    let o = treem(&d.0, &["demo", "--children", "60", "--seed", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = treem(
        &d.0,
        &[
            "user", "add", "hoi.vien", "--role", "viewer", "--unit", "03424",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // The demo derived Bản Bo's plan: its agencies are there.
    let o = treem(&d.0, &["user", "agency", "hoi.vien", "DT"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("hoi.vien nay báo cáo tiến độ nhiệm vụ thay cho cơ quan DT."));
    let o = treem(&d.0, &["user", "agency", "hoi.vien", "XYZ"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("không có cơ quan mã XYZ"),
        "{}",
        text(&o.stderr)
    );
    assert!(text(&o.stderr).contains("MTTQ"), "the codes it has");
    let o = treem(&d.0, &["user", "agency", "hoi.vien", "--remove"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("không còn báo cáo thay một cơ quan"));
    let o = treem(&d.0, &["user", "agency", "hoi.vien"]);
    assert_eq!(o.status.code(), Some(2), "a code or --remove");
}

#[cfg(unix)]
#[test]
fn key_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = fresh();
    treem(&d.0, &["demo", "--children", "1"]);
    let mode = std::fs::metadata(d.0.join("treem.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn user_add_and_its_errors() {
    let d = fresh();
    let o = treem(
        &d.0,
        &["user", "add", "lan", "--role", "commune", "--unit", "03424"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Đã tạo tài khoản lan."));
    assert!(text(&o.stdout).contains("Mật khẩu: "));
    let cases: [(&[&str], &str); 4] = [
        (
            &["user", "add", "lan", "--role", "commune", "--unit", "03424"],
            "Tên đăng nhập đã có người dùng.",
        ),
        (
            &["user", "add", "mai", "--role", "boss", "--unit", "03424"],
            "Vai trò không hợp lệ.",
        ),
        (
            &["user", "add", "mai", "--role", "commune", "--unit", "00000"],
            "Không có đơn vị mang mã này",
        ),
        (
            &[
                "user", "add", "Mai Lan", "--role", "commune", "--unit", "03424",
            ],
            "Tên đăng nhập chỉ gồm",
        ),
    ];
    for (args, message) in cases {
        let o = treem(&d.0, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            text(&o.stderr).contains(message),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }
    // English on request.
    let o = treem(
        &d.0,
        &[
            "--lang", "en", "user", "add", "mai", "--role", "boss", "--unit", "03424",
        ],
    );
    assert!(text(&o.stderr).contains("Invalid role."));
}

#[test]
fn password_from_stdin() {
    let d = fresh();
    let run = |pw: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_treem"))
            .arg("--data-dir")
            .arg(&d.0)
            .args([
                "user",
                "add",
                "hoa",
                "--role",
                "viewer",
                "--unit",
                "12",
                "--password-stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(pw.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let o = run("ngan\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("ít nhất 10 ký tự"));
    let o = run("1234567890\n");
    assert_eq!(o.status.code(), Some(1), "a common password");
    assert!(
        text(&o.stderr).contains("quá dễ đoán"),
        "{}",
        text(&o.stderr)
    );
    let o = run("mot-mat-khau-du-dai\n");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        !text(&o.stdout).contains("Mật khẩu"),
        "no one-time password printed"
    );
}

#[test]
fn tokens_and_audit_verify() {
    let d = fresh();
    treem(
        &d.0,
        &["user", "add", "lan", "--role", "commune", "--unit", "03424"],
    );
    let o = treem(&d.0, &["token", "create", "lan"]);
    assert_eq!(o.status.code(), Some(0));
    let token = text(&o.stdout).trim().to_string();
    assert!(token.starts_with("treem_") && token.len() == 70, "{token}");
    assert!(
        text(&o.stderr).contains("dùng được đến hết ngày"),
        "{}",
        text(&o.stderr)
    );
    let o = treem(&d.0, &["token", "create", "khong-co"]);
    assert_eq!(o.status.code(), Some(1));
    let o = treem(&d.0, &["token", "create", "lan", "--days", "0"]);
    assert_eq!(o.status.code(), Some(2), "days are 1 to 366");
    let o = treem(&d.0, &["token", "list"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("1\tlan\t"), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("còn hiệu lực"));
    assert!(!text(&o.stdout).contains(&token), "values are never listed");
    let o = treem(&d.0, &["token", "revoke", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = treem(&d.0, &["token", "revoke", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("Không có mã truy cập API số 1 còn hiệu lực"));
    let o = treem(&d.0, &["token", "list"]);
    assert!(
        text(&o.stdout).contains("đã thu hồi"),
        "{}",
        text(&o.stdout)
    );
    // Accounts: disabled and enabled, a new one-time password, the chair.
    for args in [
        ["user", "disable", "lan"],
        ["user", "enable", "lan"],
        ["user", "chair", "lan"],
    ] {
        let o = treem(&d.0, &args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
    }
    let o = treem(&d.0, &["user", "reset-password", "lan"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("Mật khẩu: "),
        "{}",
        text(&o.stdout)
    );
    treem(
        &d.0,
        &["user", "add", "xem1", "--role", "viewer", "--unit", "12"],
    );
    let o = treem(&d.0, &["user", "chair", "xem1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("Chỉ tài khoản cấp xã"));
    let o = treem(&d.0, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Nhật ký toàn vẹn:"));
}

#[test]
fn units_load_reports_lines() {
    let d = fresh();
    let f = d.0.join("units.csv");
    std::fs::write(&f, "code,name,level,parent_code,valid_from,valid_to,successor_code,note\n1x,A,commune,12,,,,\n09999,B,commune,88,2026-01-01,,,\n").unwrap();
    let o = treem(&d.0, &["units", "load", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("units.csv:2: mã đơn vị «1x» phải gồm các chữ số"),
        "{err}"
    );
    std::fs::write(&f, "code,name,level,parent_code,valid_from,valid_to,successor_code,note\n09999,B,commune,12,2026-01-01,,,\n").unwrap();
    let o = treem(&d.0, &["units", "load", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("thêm 1, sửa 0, giữ nguyên 0"));
}

#[test]
fn misuse_exits_2_and_config_hides_passwords() {
    let d = fresh();
    assert_eq!(treem(&d.0, &["no-such-command"]).status.code(), Some(2));
    assert_eq!(treem(&d.0, &["user", "add"]).status.code(), Some(2));
    let o = treem(&d.0, &["--db", "postgres://u:secret@h/db", "config"]);
    assert!(text(&o.stdout).contains("postgres://u:***@h/db"));
    assert!(!text(&o.stdout).contains("secret"));
    let o = treem(&d.0, &["--lang", "fr", "config"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn serve_prints_url_and_password_and_answers() {
    let d = fresh();
    let mut child = Command::new(env!("CARGO_BIN_EXE_treem"))
        .arg("--data-dir")
        .arg(&d.0)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let url = first.rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    assert!(second.contains("Mật khẩu dùng một lần: "), "{second}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let health = rt.block_on(async {
        reqwest::get(format!("{url}healthz"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(health, "ok");
}

#[test]
fn zscore_file_to_file() {
    let d = fresh();
    let input = d.0.join("in.csv");
    let output = d.0.join("out.csv");
    std::fs::write(
        &input,
        "id,sex,date_of_birth,date_of_measurement,weight_kg,height_cm,measured,oedema\n\
         1,Nam,01/01/2024,30/06/2025,\"9,8\",78.5,lying,n\n\
         2,x,01/01/2024,30/06/2025,9.8,78.5,lying,n\n",
    )
    .unwrap();
    let o = treem(
        &d.0,
        &[
            "zscore",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "one bad row");
    let err = text(&o.stderr);
    assert!(err.contains("dòng 3: sex:"), "{err}");
    let out = std::fs::read_to_string(&output).unwrap();
    assert_eq!(out.lines().count(), 3, "every row is written");
    assert!(
        out.lines().next().unwrap().ends_with(
            "age_days,clen_cm,c9mo_flag,waz,f_waz,haz,f_haz,whz,f_whz,baz,f_baz,hcz,f_hcz"
        )
    );
    let missing = treem(
        &d.0,
        &[
            "zscore",
            "--input",
            "/no/such.csv",
            "--output",
            output.to_str().unwrap(),
        ],
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("không mở được tệp"));
}

#[test]
fn measurements_recompute() {
    let d = fresh();
    let o = treem(&d.0, &["demo", "--children", "300", "--seed", "9"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = treem(&d.0, &["measurements", "recompute"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.starts_with("Đã tính lại ") && out.contains("who2006-anthro-1.1"),
        "{out}"
    );
    let n: u64 = out.split_whitespace().nth(3).unwrap().parse().unwrap();
    assert!(n > 50, "the demo measured under-fives: {out}");
    let o = treem(&d.0, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_read_replica_is_for_postgres_only() {
    let d = fresh();
    // Shown by `config` (its password hidden).
    let o = treem(
        &d.0,
        &["--db-read", "postgres://doc:bi-mat@replica/treem", "config"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("database_read_url = postgres://doc:***@replica/treem"),
        "{out}"
    );
    assert!(!out.contains("bi-mat"));
    // With the SQLite database of the data folder: refused, nothing opened.
    let o = treem(
        &d.0,
        &[
            "--db-read",
            "postgres://doc@replica/treem",
            "indicators",
            "--year",
            "2025",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("chỉ dùng với PostgreSQL, không dùng với SQLite"),
        "{err}"
    );
    assert!(!d.0.join("treem.db").exists(), "a database was made");
}

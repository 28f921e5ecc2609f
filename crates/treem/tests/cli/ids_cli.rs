//! `treem ids export` and `treem ids import` as a real process on a demo
//! district: the list for the police holds the children it should with
//! their reason, a returned list is stored all at once (or nothing, every
//! problem located), and the next list follows from what was stored.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;

use calamine::{Reader, Xlsx};
use common::{text, treem};
use treem_store::testing::temp_dir;

/// The list's rows as text, header first.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = wb.worksheet_range("Danh sách").unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// A valid number for a child (sex, date of birth dd/mm/yyyy), serial `n`.
fn number_for(sex: &str, born: &str, n: u32) -> String {
    let year: u32 = born[6..].parse().unwrap();
    let digit = (year / 100 - 19) * 2 + u32::from(sex == "Nữ");
    format!("012{digit}{:02}{n:06}", year % 100)
}

/// Writes a returned list: the header, then (child_id, number, result,
/// full_name) rows.
fn returned(path: &Path, header: &[String], lines: &[[&str; 4]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        s.write_string(0, c as u16, h).unwrap();
    }
    for (r, l) in lines.iter().enumerate() {
        let r = r as u32 + 1;
        s.write_string(r, 0, l[0]).unwrap();
        s.write_string(r, 10, l[1]).unwrap();
        s.write_string(r, 11, l[2]).unwrap();
        if !l[3].is_empty() {
            s.write_string(r, 1, l[3]).unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn the_police_round_goes_out_and_comes_back() {
    let dir = temp_dir().unwrap();
    let o = treem(&dir.0, &["demo", "--children", "600", "--seed", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let list = dir.0.join("danh-sach.xlsx");
    let export = |out: &Path| {
        treem(
            &dir.0,
            &[
                "ids",
                "export",
                "--unit",
                "03424",
                "--out",
                out.to_str().unwrap(),
            ],
        )
    };
    let o = export(&list);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("trẻ em cần đối chiếu số định danh"));
    // Never over an existing file.
    assert_ne!(export(&list).status.code(), Some(0));
    let first = rows(&list);
    let header = first[0].clone();
    assert_eq!(header[0], "Mã trẻ");
    assert_eq!(header[10], "Số định danh cá nhân đã xác thực");
    let body = &first[1..];
    assert!(body.len() > 10, "{}", body.len());
    // Nobody is verified yet: every child under 16 is on it, each with a
    // reason; those without a number say so.
    for r in body {
        assert!(!r[9].is_empty(), "{r:?}");
        assert_eq!(r[8].is_empty(), r[9] == "Chưa có số định danh", "{r:?}");
        assert!(r[10].is_empty() && r[11].is_empty());
    }
    // Two children of one sex and birth year, so one's number would be
    // valid for the other.
    let unverified: Vec<&Vec<String>> = body
        .iter()
        .filter(|r| r[9] == "Chưa được xác thực")
        .collect();
    let (with, other) = unverified
        .iter()
        .flat_map(|a| unverified.iter().map(move |b| (*a, *b)))
        .find(|(a, b)| a[0] != b[0] && a[3] == b[3] && a[2][6..] == b[2][6..])
        .unwrap();
    let without = body.iter().find(|r| r[8].is_empty()).unwrap();
    let back = dir.0.join("tra-ve.xlsx");
    let import = |file: &Path, on: &str| {
        treem(
            &dir.0,
            &[
                "ids",
                "import",
                file.to_str().unwrap(),
                "--verified-by",
                "Công an xã Bản Bo",
                "--on",
                on,
            ],
        )
    };
    // Problems: each located, nothing stored.
    let bad_number = number_for(&with[3], &with[2], 1).replacen("012", "999", 1);
    returned(
        &back,
        &header,
        &[
            [with[0].as_str(), bad_number.as_str(), "khớp", ""],
            [without[0].as_str(), "", "ok", ""],
            [other[0].as_str(), with[8].as_str(), "khớp", ""],
            ["TD-999999", "", "không tìm thấy", ""],
        ],
    );
    let o = import(&back, "2026-11-20");
    assert_ne!(o.status.code(), Some(0));
    let err = text(&o.stderr);
    for needle in [
        "dòng 2, cột «verified_national_id»",
        "dòng 3, cột «result»",
        &format!(
            "dòng 4, cột «verified_national_id»: Số {} đang là số định danh của trẻ có mã {}",
            with[8], with[0]
        ),
        "dòng 5, cột «child_id»",
        "chưa lưu gì",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    // A day still to come is refused too.
    let renamed = format!("{} Sửa", with[1]);
    returned(
        &back,
        &header,
        &[
            [with[0].as_str(), with[8].as_str(), "khớp", ""],
            [without[0].as_str(), "", "không tìm thấy", ""],
            [
                other[0].as_str(),
                other[8].as_str(),
                "đã sửa thông tin",
                renamed.as_str(),
            ],
        ],
    );
    let o = import(&back, "2099-01-01");
    assert!(text(&o.stderr).contains("chưa đến"), "{}", text(&o.stderr));
    let o = import(&back, "2026-11-20");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("1 khớp, 1 đã sửa thông tin, 1 không tìm thấy; 0 số định danh được cập nhật"),
        "{out}"
    );
    assert!(out.contains(&format!("{} · full_name", other[0])), "{out}");
    // The next list: the verified children are off it; the one not found
    // stays, with why.
    let next = dir.0.join("danh-sach-2.xlsx");
    assert_eq!(export(&next).status.code(), Some(0));
    let again = rows(&next);
    assert!(!again.iter().any(|r| r[0] == with[0] || r[0] == other[0]));
    let lost = again.iter().find(|r| r[0] == without[0]).unwrap();
    assert_eq!(lost[9], "Lần đối chiếu trước không tìm thấy");
    assert_eq!(again.len(), first.len() - 2);
}

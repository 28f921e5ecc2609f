use super::*;
use crate::unit_file::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

fn lai_chau() -> UnitHistory {
    let units = parse_unit_file(LAI_CHAU_UNITS.as_bytes()).expect("shipped file parses");
    let merge = merge_units(&[], units.clone()).expect("shipped file is consistent");
    assert_eq!(merge.added.len(), units.len());
    UnitHistory::new(units)
}

#[test]
fn shipped_file_loads() {
    let h = lai_chau();
    assert_eq!(h.all().len(), 153);
}

#[test]
fn reused_code_resolves_by_date() {
    let h = lai_chau();
    let before = h.resolve("03390", d("2025-06-30")).map(|u| u.name.as_str());
    let after = h.resolve("03390", d("2025-07-01")).map(|u| u.name.as_str());
    assert_eq!(before, Some("Thị trấn Tam Đường"));
    assert_eq!(after, Some("Xã Bình Lư"));
}

#[test]
fn retired_district_is_gone_after_reform() {
    let h = lai_chau();
    assert!(h.resolve("106", d("2025-06-30")).is_some());
    assert!(h.resolve("106", d("2025-07-01")).is_none());
}

#[test]
fn successors_are_followed() {
    let h = lai_chau();
    let Some(old) = h.resolve("03406", d("2024-12-31")) else {
        panic!("Hồ Thầu missing")
    };
    // Valid on its last day, replaced the next.
    assert_eq!(h.became(old, d("2025-06-30")), Some(old));
    let new = h.became(old, d("2025-12-31"));
    assert_eq!(new.map(|u| u.name.as_str()), Some("Xã Tả Lèng"));
    assert_eq!(new.and_then(|u| u.valid_from), Some(d("2025-07-01")));
}

#[test]
fn became_is_none_before_a_unit_existed() {
    let h = lai_chau();
    let Some(new) = h.resolve("03390", d("2026-01-01")) else {
        panic!("Bình Lư missing")
    };
    assert!(h.became(new, d("2025-01-01")).is_none());
}

#[test]
fn tree_before_reform_has_districts() {
    let h = lai_chau();
    let tree = h.tree_on(d("2025-06-30"));
    assert_eq!(tree[0].unit.code, "12");
    let tam_duong = tree.iter().position(|n| n.unit.code == "106");
    let Some(i) = tam_duong else { panic!("no 106") };
    assert_eq!(tree[i].depth, 1);
    let communes = tree[i + 1..].iter().take_while(|n| n.depth == 2).count();
    assert_eq!(communes, 13);
}

#[test]
fn tree_after_reform_is_two_levels() {
    let h = lai_chau();
    let tree = h.tree_on(d("2025-12-31"));
    assert!(tree.iter().all(|n| n.depth <= 1));
    assert!(tree.iter().all(|n| n.unit.level != Level::District));
    assert!(
        h.retired_by(d("2025-12-31"))
            .iter()
            .any(|(u, _)| u.code == "106")
    );
}

#[test]
fn within_follows_parents() {
    let h = lai_chau();
    let commune = h.resolve("03424", d("2024-06-01"));
    let district = h.resolve("106", d("2024-06-01"));
    let other = h.resolve("105", d("2024-06-01"));
    let (Some(c), Some(dd), Some(o)) = (commune, district, other) else {
        panic!("units missing")
    };
    assert!(h.is_within(c, dd));
    assert!(!h.is_within(c, o));
}

/// The errors of a first load of `csv`: reading, then merging into nothing.
fn errors_of(csv: &str) -> Vec<UnitFileError> {
    match parse_unit_file(csv.as_bytes()) {
        Ok(units) => merge_units(&[], units).err().unwrap_or_default(),
        Err(e) => e,
    }
}

const HEADER: &str = "code,name,level,parent_code,valid_from,valid_to,successor_code,note\n";

#[test]
fn malformed_files_are_located() {
    assert_eq!(errors_of("a,b\n1,2\n")[0].line, 1);
    let e = errors_of(&format!(
        "{HEADER}12,Tỉnh,province,,,,,\nx1,Xã,commune,12,,,,\n"
    ));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 3);
    let e = errors_of(&format!("{HEADER}12,Tỉnh,state,,,,,\n"));
    assert!(e[0].message_vi.contains("cấp"));
    let e = errors_of(&format!("{HEADER}12,Tỉnh,province,,2025-13-01,,,\n"));
    assert!(e[0].message_en.contains("YYYY-MM-DD"));
    let e = errors_of(&format!(
        "{HEADER}12,Tỉnh,province,,,,,\n1,Xã,commune,99,,,,\n"
    ));
    assert!(e[0].message_en.contains("parent"));
    let e = errors_of(&format!(
        "{HEADER}12,Tỉnh,province,,,,,\n1,Xã,commune,12,,2020-01-01,7,\n"
    ));
    assert!(e[0].message_en.contains("successor"));
    let e = errors_of(&format!(
        "{HEADER}12,Tỉnh,province,,,,,\n1,A,commune,12,,2020-01-01,,\n1,B,commune,12,2019-06-01,,,\n"
    ));
    assert_eq!(e[0].line, 4);
    assert!(errors_of(HEADER)[0].message_en.contains("no unit"));
}

#[test]
fn merge_keeps_history_and_reports_changes() {
    let Ok(stored) = parse_unit_file(LAI_CHAU_UNITS.as_bytes()) else {
        panic!("shipped file")
    };
    // A partial file: its parent (12) is only in the stored history.
    let newer = format!(
        "{HEADER}03424,Xã Bản Bo mới,commune,12,2025-07-01,,,\n09999,Xã Mới,commune,12,2026-01-01,,,\n"
    );
    let Ok(incoming) = parse_unit_file(newer.as_bytes()) else {
        panic!("newer file rejected")
    };
    let Ok(m) = merge_units(&stored, incoming) else {
        panic!("merge failed")
    };
    assert_eq!(m.added.len(), 1);
    assert_eq!(m.changed.len(), 1); // Bản Bo's name and note
    assert_eq!(m.unchanged, 0);
}

#[test]
fn merge_rejects_an_overlap() {
    let Ok(stored) = parse_unit_file(LAI_CHAU_UNITS.as_bytes()) else {
        panic!("shipped file")
    };
    let bad = format!("{HEADER}03424,Trùng,commune,12,2025-08-01,,,\n");
    let Ok(incoming) = parse_unit_file(bad.as_bytes()) else {
        panic!("file itself is fine")
    };
    let errors = merge_units(&stored, incoming).err().unwrap_or_default();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
}

#[test]
fn index_of_finds_borrowed_versions_only() {
    let h = lai_chau();
    let u = &h.all()[5];
    assert_eq!(h.index_of(u), Some(5));
    let copy = u.clone();
    assert_eq!(h.index_of(&copy), None);
}

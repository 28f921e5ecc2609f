//! Reading a unit file (the columns of `data/admin_units_lai_chau.csv`)
//! and merging a newer one into the stored history, every problem located
//! at its line. The history itself is in `units.rs`.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use crate::text::nfc;
use crate::units::{Level, Unit, UnitHistory};

/// A located problem in a unit file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dòng {line}: {message_vi} / line {line}: {message_en}")]
pub struct UnitFileError {
    /// 1-based line in the file (the header is line 1); 0 for the whole file.
    pub line: u64,
    pub message_vi: String,
    pub message_en: String,
}

fn file_error(line: u64, vi: impl Into<String>, en: impl Into<String>) -> UnitFileError {
    UnitFileError {
        line,
        message_vi: vi.into(),
        message_en: en.into(),
    }
}

/// A unit file's columns, in order.
pub const COLUMNS: [&str; 8] = [
    "code",
    "name",
    "level",
    "parent_code",
    "valid_from",
    "valid_to",
    "successor_code",
    "note",
];

/// Reads a unit file (`code,name,level,parent_code,valid_from,valid_to,
/// successor_code,note`): every row, and no two versions of a code at once.
/// Every problem is returned, each with its line, so an administrator can
/// fix the file in one pass. Parents and successors may be in the stored
/// history, so they are checked by [`merge_units`].
pub fn parse_unit_file(bytes: &[u8]) -> Result<Vec<Unit>, Vec<UnitFileError>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_lowercase()).collect(),
        Err(_) => {
            return Err(vec![file_error(
                1,
                "không đọc được dòng tiêu đề (tệp không phải CSV UTF-8)",
                "cannot read the header row (not a UTF-8 CSV file)",
            )]);
        }
    };
    let mut idx = HashMap::new();
    let mut errors = Vec::new();
    for col in COLUMNS {
        match header.iter().position(|h| h == col) {
            Some(i) => {
                idx.insert(col, i);
            }
            None => errors.push(file_error(
                1,
                format!("thiếu cột bắt buộc «{col}»"),
                format!("missing required column '{col}'"),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut units = Vec::new();
    let mut lines = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                errors.push(file_error(
                    line,
                    "dòng không đọc được (sai mã hoá hoặc dấu ngoặc kép)",
                    "unreadable line (bad encoding or quoting)",
                ));
                continue;
            }
        };
        let get = |col: &str| -> String {
            idx.get(col)
                .and_then(|&i| record.get(i))
                .map(|s| nfc(s.trim()))
                .unwrap_or_default()
        };
        match parse_row(line, &get) {
            Ok(u) => {
                units.push(u);
                lines.push(line);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if units.is_empty() && errors.is_empty() {
        errors.push(file_error(
            1,
            "tệp không có đơn vị nào",
            "the file holds no unit",
        ));
    }
    errors.extend(check_overlaps(&units, &lines));
    if errors.is_empty() {
        Ok(units)
    } else {
        Err(errors)
    }
}

fn optional(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn parse_row(line: u64, get: &dyn Fn(&str) -> String) -> Result<Unit, Vec<UnitFileError>> {
    let mut errors = Vec::new();
    let code = get("code");
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_digit()) {
        errors.push(file_error(
            line,
            format!("mã đơn vị «{code}» phải gồm các chữ số"),
            format!("unit code '{code}' must be digits"),
        ));
    }
    let name = get("name");
    if name.is_empty() {
        errors.push(file_error(line, "thiếu tên đơn vị", "missing unit name"));
    }
    let level_text = get("level");
    let level = Level::parse(&level_text);
    if level.is_none() {
        errors.push(file_error(
            line,
            format!("cấp «{level_text}» không hợp lệ (province, district, commune)"),
            format!("invalid level '{level_text}' (province, district, commune)"),
        ));
    }
    let mut date = |col: &str| -> Option<NaiveDate> {
        let s = get(col);
        if s.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(file_error(
                    line,
                    format!("ngày «{s}» ở cột {col} không đúng dạng YYYY-MM-DD"),
                    format!("date '{s}' in column {col} is not YYYY-MM-DD"),
                ));
                None
            }
        }
    };
    let valid_from = date("valid_from");
    let valid_to = date("valid_to");
    if let (Some(f), Some(t)) = (valid_from, valid_to)
        && t < f
    {
        errors.push(file_error(
            line,
            "ngày hết hiệu lực trước ngày có hiệu lực",
            "valid_to is before valid_from",
        ));
    }
    let successor_code = optional(get("successor_code"));
    if successor_code.is_some() && valid_to.is_none() {
        errors.push(file_error(
            line,
            "đơn vị còn hiệu lực không được có đơn vị kế thừa",
            "a unit still in force cannot have a successor",
        ));
    }
    match (errors.is_empty(), level) {
        (true, Some(level)) => Ok(Unit {
            code,
            name,
            level,
            parent_code: optional(get("parent_code")),
            valid_from,
            valid_to,
            successor_code,
            note: get("note"),
        }),
        _ => Err(errors),
    }
}

/// Checks that no code has two versions in force on the same day.
fn check_overlaps(units: &[Unit], lines: &[u64]) -> Vec<UnitFileError> {
    let mut errors = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(0);
        for (j, other) in units.iter().enumerate().skip(i + 1) {
            if other.code == u.code && periods_overlap(u, other) {
                let other_line = lines.get(j).copied().unwrap_or(0);
                errors.push(file_error(
                    other_line,
                    format!("mã {} trùng thời gian hiệu lực với dòng {line}", other.code),
                    format!("code {} overlaps in time with line {line}", other.code),
                ));
            }
        }
    }
    errors
}

/// Checks the rules that hold between rows: one version of a code at a time,
/// parents and successors that exist when they are needed.
fn check_consistency(units: &[Unit], lines: &[u64]) -> Vec<UnitFileError> {
    let history = UnitHistory::new(units.to_vec());
    let mut errors = check_overlaps(units, lines);
    for (i, u) in units.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(0);
        if let Some(parent) = &u.parent_code {
            let when = u.valid_to.or(u.valid_from);
            let found = match when {
                Some(d) => history.resolve(parent, d).is_some(),
                None => units.iter().any(|p| &p.code == parent),
            };
            if !found {
                errors.push(file_error(
                    line,
                    format!(
                        "đơn vị {}: đơn vị cấp trên {parent} không có hiệu lực",
                        u.code
                    ),
                    format!("unit {}: parent unit {parent} is not in force", u.code),
                ));
            }
        }
        if let (Some(succ), Some(to)) = (&u.successor_code, u.valid_to) {
            let next = to.checked_add_days(Days::new(1));
            if next.and_then(|d| history.resolve(succ, d)).is_none() {
                errors.push(file_error(
                    line,
                    format!(
                        "đơn vị {}: đơn vị kế thừa {succ} không có hiệu lực vào ngày sau {to}",
                        u.code
                    ),
                    format!(
                        "unit {}: successor {succ} is not valid on the day after {to}",
                        u.code
                    ),
                ));
            }
        }
    }
    errors
}

fn periods_overlap(a: &Unit, b: &Unit) -> bool {
    let a_from = a.valid_from.unwrap_or(NaiveDate::MIN);
    let b_from = b.valid_from.unwrap_or(NaiveDate::MIN);
    let a_to = a.valid_to.unwrap_or(NaiveDate::MAX);
    let b_to = b.valid_to.unwrap_or(NaiveDate::MAX);
    a_from <= b_to && b_from <= a_to
}

/// How a newer unit file changes the stored history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitMerge {
    /// Versions not known before.
    pub added: Vec<Unit>,
    /// Known versions (same code and start) whose fields changed: (old, new).
    pub changed: Vec<(Unit, Unit)>,
    /// Versions identical to what is stored.
    pub unchanged: usize,
}

/// Merges a unit file read by [`parse_unit_file`] into the stored history
/// (empty on first start). Versions absent from the file are kept, so no
/// history is ever lost; the merged whole must be consistent, and a problem
/// with a row of the file is reported at that row's line.
pub fn merge_units(stored: &[Unit], incoming: Vec<Unit>) -> Result<UnitMerge, Vec<UnitFileError>> {
    let mut merge = UnitMerge::default();
    let mut result: Vec<Unit> = stored.to_vec();
    let mut lines = vec![0; result.len()];
    // Every row of a parsed file became a unit, so row i is line i + 2.
    for (i, u) in incoming.into_iter().enumerate() {
        let line = i as u64 + 2;
        match result.iter().position(|s| s.key() == u.key()) {
            Some(k) if result[k] == u => merge.unchanged += 1,
            Some(k) => {
                merge.changed.push((result[k].clone(), u.clone()));
                result[k] = u;
                lines[k] = line;
            }
            None => {
                merge.added.push(u.clone());
                result.push(u);
                lines.push(line);
            }
        }
    }
    let errors = check_consistency(&result, &lines);
    if errors.is_empty() {
        Ok(merge)
    } else {
        Err(errors)
    }
}

/// The unit file shipped with treem (Lai Châu, with the 2025 reform).
pub const LAI_CHAU_UNITS: &str = include_str!("../../../data/admin_units_lai_chau.csv");

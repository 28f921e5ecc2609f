//! The ID verification round, shared by `treem ids` and the page: which
//! children go on a commune's list, and a returned list checked all at
//! once against the records as they are — every problem located by line
//! and column, nothing stored unless there is none — then stored with who
//! verified it and when. `corrected` lines also say which details the
//! police found different, for the officer to accept one by one.

use chrono::{Datelike, NaiveDate};
use treem_domain::audit::AuditEvent;
use treem_domain::child::Sex;
use treem_domain::ids::{OnRecord, Outcome, Reason, Returned, check_returned, reason};
use treem_store::{IdChild, IdVerification, Scope, Store, StoreError};

use crate::ids::{ListLine, ReturnedLine};

/// A child on the list, with why.
pub struct Listed {
    pub child: IdChild,
    pub reason: Reason,
}

fn sex_of(c: &IdChild) -> Sex {
    if c.sex == "F" { Sex::Female } else { Sex::Male }
}

/// Why a stored child is on the list, if she is.
pub fn reason_of(c: &IdChild) -> Option<Reason> {
    reason(&OnRecord {
        national_id: c.national_id.as_deref(),
        sex: sex_of(c),
        born: c.date_of_birth,
        verified: c.national_id_verified.as_deref(),
        last_result: c.national_id_result.as_deref(),
        shared: c.shared,
    })
}

/// The day 16 years before `today`: children born after it are under 16.
pub fn under_16_since(today: NaiveDate) -> NaiveDate {
    today
        .with_year(today.year() - 16)
        .or_else(|| {
            today
                .pred_opt()
                .and_then(|d| d.with_year(today.year() - 16))
        })
        .unwrap_or(today)
}

/// The resident children under 16 within `scope` (of one village if
/// given) whose number is missing, malformed, shared or not verified.
pub async fn list(
    store: &dyn Store,
    scope: &Scope,
    village: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<Listed>, StoreError> {
    Ok(store
        .id_children(scope, village, under_16_since(today))
        .await?
        .into_iter()
        .filter_map(|child| reason_of(&child).map(|reason| Listed { child, reason }))
        .collect())
}

/// The guide sheet of a list for `unit` made on `today`.
pub fn guide(unit: &str, today: NaiveDate) -> Vec<String> {
    vec![
        format!(
            "Danh sách trẻ em dưới 16 tuổi của {unit} đề nghị Công an xã đối chiếu với Cơ sở dữ liệu quốc gia về dân cư — lập ngày {}.",
            today.format("%d/%m/%Y")
        ),
        "Trẻ em có trong danh sách vì chưa có số định danh, số không hợp lệ, trùng với trẻ khác hoặc chưa được xác thực (cột «Lý do có trong danh sách»).".into(),
        "Cột «Số định danh cá nhân đã xác thực»: ghi số 12 chữ số theo Cơ sở dữ liệu quốc gia về dân cư.".into(),
        "Cột «Kết quả»: khớp / đã sửa thông tin / không tìm thấy. Khi thông tin của trẻ khác với cơ sở dữ liệu dân cư, ghi thông tin đúng vào các cột họ tên, ngày sinh, giới tính, dân tộc, họ tên mẹ, họ tên cha và ghi «đã sửa thông tin».".into(),
        "Không xóa, không đổi cột «Mã trẻ». Dòng để trống cột «Kết quả» là lỗi: xóa dòng của trẻ chưa đối chiếu trước khi gửi lại.".into(),
    ]
}

/// A list line as the workbook writes it.
pub fn line_of(l: &Listed, unit_name: &str) -> ListLine {
    let c = &l.child;
    ListLine {
        cells: [
            c.child_id.clone(),
            c.full_name.clone(),
            c.date_of_birth.format("%d/%m/%Y").to_string(),
            if c.sex == "F" { "Nữ" } else { "Nam" }.to_string(),
            c.ethnicity.clone().unwrap_or_default(),
            c.mother_name.clone().unwrap_or_default(),
            c.father_name.clone().unwrap_or_default(),
            c.village.clone().unwrap_or_else(|| unit_name.to_string()),
            c.national_id.clone().unwrap_or_default(),
            l.reason.vi(),
        ],
    }
}

/// A problem of a returned list: line, column code, Vietnamese, English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub line: usize,
    pub column: &'static str,
    pub vi: String,
    pub en: String,
}

/// A detail the police found different: the child, the field, the record's
/// value and theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub child: i64,
    pub child_code: String,
    pub field: &'static str,
    pub on_record: String,
    pub returned: String,
}

/// A returned list ready to store.
#[derive(Debug, Default)]
pub struct Checked {
    pub rows: Vec<IdVerification>,
    pub differences: Vec<Difference>,
    pub matched: usize,
    pub corrected: usize,
    pub not_found: usize,
}

/// The details a `corrected` line may carry, compared with the record.
fn differences(c: &IdChild, line: &ReturnedLine) -> Vec<Difference> {
    let date = |s: &str| {
        NaiveDate::parse_from_str(s, "%d/%m/%Y")
            .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
            .ok()
    };
    let sex = |s: &str| match treem_domain::text::fold(s).as_str() {
        "nam" | "m" => Some("M"),
        "nu" | "f" => Some("F"),
        _ => None,
    };
    let mut out = Vec::new();
    let mut differ = |field: &'static str, record: String, returned: &str, same: bool| {
        if !returned.is_empty() && !same {
            out.push(Difference {
                child: c.id,
                child_code: c.child_id.clone(),
                field,
                on_record: record,
                returned: returned.to_string(),
            });
        }
    };
    let text_same = |a: Option<&str>, b: &str| {
        treem_domain::text::nfc(a.unwrap_or("").trim()) == treem_domain::text::nfc(b)
    };
    let v = line.get("full_name");
    differ(
        "full_name",
        c.full_name.clone(),
        v,
        text_same(Some(&c.full_name), v),
    );
    let v = line.get("date_of_birth");
    differ(
        "date_of_birth",
        c.date_of_birth.format("%d/%m/%Y").to_string(),
        v,
        date(v) == Some(c.date_of_birth),
    );
    let v = line.get("sex");
    differ("sex", c.sex.clone(), v, sex(v) == Some(c.sex.as_str()));
    for (field, record) in [
        ("mother_name", &c.mother_name),
        ("father_name", &c.father_name),
        ("ethnicity", &c.ethnicity),
    ] {
        let v = line.get(field);
        differ(
            field,
            record.clone().unwrap_or_default(),
            v,
            text_same(record.as_deref(), v),
        );
    }
    out
}

/// Checks a returned list for an importer whose records are `scope`, on
/// the day of verification `on` (not after `today`): every line names a
/// child of the scope once, with a result and a number consistent with
/// her, held by no other child (nor by another line).
pub async fn check(
    store: &dyn Store,
    scope: &Scope,
    lines: &[ReturnedLine],
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Result<Checked, Vec<LineProblem>>, StoreError> {
    let mut problems = Vec::new();
    if on > today {
        problems.push(LineProblem {
            line: 0,
            column: "on",
            vi: format!("Ngày xác thực {} chưa đến", on.format("%d/%m/%Y")),
            en: format!("The day of verification {on} is still to come"),
        });
    }
    let codes: Vec<String> = lines
        .iter()
        .map(|l| l.get("child_id").to_string())
        .collect();
    let children = store.id_children_by_code(&codes).await?;
    let numbers: Vec<String> = lines
        .iter()
        .map(|l| l.get("verified_national_id").replace([' ', '.'], ""))
        .filter(|n| !n.is_empty())
        .collect();
    let holders = store.national_id_holders(&numbers).await?;
    let mut checked = Checked::default();
    let mut seen: Vec<(String, usize, String)> = Vec::new();
    for line in lines {
        let code = line.get("child_id");
        let child = children
            .iter()
            .find(|c| c.child_id == code && scope.contains(c.unit_id));
        let number = line.get("verified_national_id").replace([' ', '.'], "");
        let held = child.and_then(|c| {
            holders
                .iter()
                .find(|(n, id, _)| *n == number && *id != c.id)
                .map(|(_, _, other)| other.clone())
        });
        let row = Returned {
            line: line.line,
            child_code: code.to_string(),
            number: number.clone(),
            result: line.get("result").to_string(),
        };
        let at = |column, vi: String, en: String| LineProblem {
            line: line.line,
            column,
            vi,
            en,
        };
        match check_returned(
            &row,
            child.map(|c| (sex_of(c), c.date_of_birth)),
            held.as_deref(),
        ) {
            Err(found) => problems.extend(found.into_iter().map(|(c, vi, en)| at(c, vi, en))),
            Ok((outcome, id)) => {
                let Some(c) = child else { continue };
                if let Some((_, first, _)) = seen.iter().find(|(k, ..)| k == code) {
                    problems.push(at(
                        "child_id",
                        format!("Trẻ {code} đã có ở dòng {first}"),
                        format!("Child {code} is already on line {first}"),
                    ));
                    continue;
                }
                if let Some(id) = &id
                    && let Some((_, first, other)) = seen.iter().find(|(_, _, n)| n == id.as_str())
                {
                    problems.push(at(
                        "verified_national_id",
                        format!("Số {} đã ghi cho trẻ {other} ở dòng {first}", id.as_str()),
                        format!("{} is given to child {other} on line {first}", id.as_str()),
                    ));
                    continue;
                }
                seen.push((
                    code.to_string(),
                    line.line,
                    id.as_ref()
                        .map_or_else(String::new, |i| i.as_str().to_string()),
                ));
                match outcome {
                    Outcome::Match => checked.matched += 1,
                    Outcome::Corrected => {
                        checked.corrected += 1;
                        checked.differences.extend(differences(c, line));
                    }
                    Outcome::NotFound => checked.not_found += 1,
                }
                checked.rows.push(IdVerification {
                    child: c.id,
                    expected_version: c.version,
                    result: outcome.code().into(),
                    number: id.map(|i| i.as_str().to_string()),
                });
            }
        }
    }
    Ok(if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems)
    })
}

/// Stores a checked list; how many numbers changed.
pub async fn store_checked(
    store: &dyn Store,
    checked: &Checked,
    by: &str,
    on: NaiveDate,
    audit: AuditEvent,
) -> Result<usize, StoreError> {
    store
        .record_id_verifications(&checked.rows, by, on, audit)
        .await
}

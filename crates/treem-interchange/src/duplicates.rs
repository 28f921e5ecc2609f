//! Likely duplicates flagged on import: each child of the data set is
//! compared (as a new record is on the form) with the stored records of the
//! same personal ID number or birth date — the others of the data set
//! included — and every likely pair becomes a warning of the report. Nothing
//! is merged; an officer reviews the pairs on the duplicates page.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use treem_domain::duplicates::{Identity, Likeness, likeness};
use treem_store::Store;

use crate::report::{Problem, Report, file_label};
use crate::spec::File;

/// Data sets with more children than this are not compared (a province's
/// first load); the duplicates page still finds their pairs.
pub const MAX_COMPARED: usize = 5_000;

/// What is compared of a child of the data set.
#[derive(Debug, Clone)]
pub(crate) struct SeenChild {
    pub line: u64,
    pub child_id: String,
    pub national_id: Option<String>,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    pub mother_name: Option<String>,
    pub village: Option<String>,
}

impl SeenChild {
    pub fn new(line: u64, c: &treem_domain::child::Child) -> Self {
        SeenChild {
            line,
            child_id: c.child_id.clone(),
            national_id: c.national_id.clone(),
            full_name: c.full_name.clone(),
            date_of_birth: c.date_of_birth,
            mother_name: c.mother_name.clone(),
            village: c.village.clone(),
        }
    }

    fn identity(&self) -> Identity<'_> {
        Identity {
            national_id: self.national_id.as_deref(),
            full_name: &self.full_name,
            date_of_birth: self.date_of_birth,
            mother_name: self.mother_name.as_deref(),
            village: self.village.as_deref(),
        }
    }
}

fn reason(l: Likeness) -> (&'static str, &'static str) {
    match l {
        Likeness::SameNationalId => ("cùng số định danh", "same personal ID number"),
        Likeness::SameMother => (
            "tên gần giống, cùng ngày sinh, cùng mẹ",
            "similar name, same birth date and mother",
        ),
        Likeness::SameVillage => (
            "tên gần giống, cùng ngày sinh, cùng thôn",
            "similar name, same birth date and village",
        ),
    }
}

/// Adds a warning for every likely duplicate of a stored child of the data
/// set; `scope` (the importing officer's units) hides the codes of records
/// outside it, which are only counted.
pub(crate) async fn flag(
    store: &dyn Store,
    seen: &[SeenChild],
    too_many: bool,
    scope: Option<&HashSet<i64>>,
    workbook: bool,
    report: &mut Report,
) -> Result<(), treem_store::StoreError> {
    let file = file_label(File::Children, workbook);
    if too_many {
        report.warnings.push(Problem {
            file,
            line: 0,
            column: "child_id".into(),
            value: String::new(),
            message_vi: format!(
                "hơn {MAX_COMPARED} trẻ: không so trùng khi nhập; xem các cặp có thể trùng ở trang «Hồ sơ trùng»"
            ),
            message_en: format!(
                "more than {MAX_COMPARED} children: not compared on import; see the duplicates page"
            ),
        });
        return Ok(());
    }
    let mut pairs: HashSet<(String, String)> = HashSet::new();
    let mut hidden: HashMap<String, usize> = HashMap::new();
    for s in seen {
        let candidates = store
            .duplicate_candidates(s.national_id.as_deref(), s.date_of_birth)
            .await?;
        for c in candidates.iter().filter(|c| c.child_id != s.child_id) {
            let other = Identity {
                national_id: c.national_id.as_deref(),
                full_name: &c.full_name,
                date_of_birth: c.date_of_birth,
                mother_name: c.mother_name.as_deref(),
                village: c.village.as_deref(),
            };
            let Some(why) = likeness(&s.identity(), &other) else {
                continue;
            };
            if scope.is_some_and(|u| !u.contains(&c.unit_id)) {
                *hidden.entry(s.child_id.clone()).or_default() += 1;
                continue;
            }
            let key = if s.child_id < c.child_id {
                (s.child_id.clone(), c.child_id.clone())
            } else {
                (c.child_id.clone(), s.child_id.clone())
            };
            if !pairs.insert(key) {
                continue;
            }
            let (vi, en) = reason(why);
            report.warnings.push(Problem {
                file: file.clone(),
                line: s.line,
                column: "child_id".into(),
                value: s.child_id.clone(),
                message_vi: format!(
                    "có thể trùng với trẻ mã {} ({}: {vi}); xem ở trang «Hồ sơ trùng»",
                    c.child_id, c.full_name
                ),
                message_en: format!(
                    "may be the same child as {} ({}: {en}); see the duplicates page",
                    c.child_id, c.full_name
                ),
            });
        }
    }
    for s in seen {
        if let Some(n) = hidden.get(&s.child_id) {
            report.warnings.push(Problem {
                file: file.clone(),
                line: s.line,
                column: "child_id".into(),
                value: s.child_id.clone(),
                message_vi: format!("có thể trùng với {n} hồ sơ ngoài phạm vi của bạn"),
                message_en: format!("may be the same child as {n} record(s) outside your scope"),
            });
        }
    }
    Ok(())
}

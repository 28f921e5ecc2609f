//! Likely duplicates flagged on import: each child of the data set is
//! compared (as a new record is on the form) with the stored records of the
//! same personal ID number or birth date — the others of the data set
//! included — and every likely pair becomes a warning of the report. Nothing
//! is merged; an officer reviews the pairs on the duplicates page.

use std::collections::{HashMap, HashSet};

use treem_domain::child::Child;
use treem_domain::duplicates::{Identity, Likeness, likeness};
use treem_store::Store;

use crate::report::{Problem, Report, file_label};
use crate::spec::File;

/// Data sets with more children than this are not compared (a province's
/// first load); the duplicates page still finds their pairs.
pub const MAX_COMPARED: usize = 5_000;

/// A child of the data set and its line, to compare once stored.
#[derive(Debug, Clone)]
pub(crate) struct SeenChild {
    pub line: u64,
    pub child: Child,
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
    for SeenChild { line, child: s } in seen {
        let candidates = store
            .duplicate_candidates(s.national_id.as_deref(), s.date_of_birth)
            .await?;
        for c in candidates.iter().filter(|c| c.child_id != s.child_id) {
            let Some(why) = likeness(&Identity::from(s), &c.identity()) else {
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
                line: *line,
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
    for SeenChild { line, child: s } in seen {
        if let Some(n) = hidden.get(&s.child_id) {
            report.warnings.push(Problem {
                file: file.clone(),
                line: *line,
                column: "child_id".into(),
                value: s.child_id.clone(),
                message_vi: format!("có thể trùng với {n} hồ sơ ngoài phạm vi của bạn"),
                message_en: format!("may be the same child as {n} record(s) outside your scope"),
            });
        }
    }
    Ok(())
}

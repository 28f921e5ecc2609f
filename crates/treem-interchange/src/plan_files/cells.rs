//! A row of one of the plan's files: its cells in canonical form, its key,
//! and the readings of a cell every check shares.

use chrono::NaiveDate;

use crate::cell::{self, Codes, codes};
use crate::records::FieldError;
use crate::spec::File;

/// A plan file's row: its cells in the file's column order, with coded
/// values, dates and whole numbers written the one way they are stored,
/// so that two spellings of one row are the same row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlanCells {
    pub file: File,
    pub cells: Vec<String>,
}

/// The coded columns of the plan's files.
fn codes_of(column: &str) -> Option<Codes> {
    match column {
        "cadence" => Some(codes::CADENCE),
        "status" => Some(codes::PROGRESS_STATUS),
        "kind" => Some(codes::SUPERVISION_KIND),
        _ => None,
    }
}

const DATES: [&str; 4] = ["due", "held_on", "closed_on", "plan_issued_on"];
const WHOLE: [&str; 4] = ["group", "from_year", "to_year", "no"];

impl PlanCells {
    pub(crate) fn read(file: File, values: &[String]) -> PlanCells {
        let cells = file
            .columns()
            .iter()
            .zip(values)
            .map(|(col, v)| {
                let canonical = if let Some(c) = codes_of(col.name) {
                    cell::coded(v, c).map(str::to_string)
                } else if DATES.contains(&col.name) {
                    cell::date(v).map(|d| d.format("%Y-%m-%d").to_string())
                } else if WHOLE.contains(&col.name) {
                    cell::integer(v).map(|n| n.to_string())
                } else if col.name == "period" {
                    Some(v.to_lowercase())
                } else if col.name == "sex" && file == File::Returns {
                    treem_domain::anthro::parse_sex(v).map(|s| match s {
                        treem_growth::Sex::Male => "M".to_string(),
                        treem_growth::Sex::Female => "F".to_string(),
                    })
                } else {
                    None
                };
                canonical.unwrap_or_else(|| v.clone())
            })
            .collect();
        PlanCells { file, cells }
    }

    pub(crate) fn get(&self, column: &str) -> &str {
        self.file
            .columns()
            .iter()
            .position(|c| c.name == column)
            .and_then(|i| self.cells.get(i))
            .map_or("", String::as_str)
    }

    /// The columns of the file's key (docs/plan-files.md).
    fn key_columns(&self) -> &'static [&'static str] {
        match self.file {
            File::Agencies => &["unit_code", "code"],
            File::PlanTasks => &["unit_code", "plan", "code"],
            File::Progress => &["unit_code", "plan", "task_code", "agency", "period"],
            File::Supervisions => &["unit_code", "plan", "supervision_id"],
            File::Recommendations => &["unit_code", "plan", "supervision_id", "no"],
            File::Returns => &["unit_code", "period", "element", "sex"],
            _ => &[],
        }
    }

    /// The row's key, as read.
    pub(crate) fn key(&self) -> Vec<&str> {
        self.key_columns().iter().map(|c| self.get(c)).collect()
    }

    /// The column and value a row is known by in messages.
    pub(crate) fn key_field(&self) -> (&'static str, &str) {
        let column = self.key_columns().last().copied().unwrap_or("unit_code");
        (column, self.get(column))
    }

    /// A problem with one of the row's cells.
    pub(crate) fn error(
        &self,
        column: &'static str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> FieldError {
        FieldError {
            column,
            value: self.get(column).to_string(),
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// A required text cell, at most `max` characters.
    pub(super) fn text(&self, column: &'static str, max: usize) -> Result<String, FieldError> {
        let v = self.get(column);
        if v.is_empty() {
            return Err(self.error(column, "bắt buộc, đang để trống", "is required but empty"));
        }
        if v.chars().count() > max {
            return Err(self.error(
                column,
                format!("dài quá {max} ký tự"),
                format!("longer than {max} characters"),
            ));
        }
        Ok(v.to_string())
    }

    /// A date cell (already canonical when it is a date at all).
    pub(super) fn date(&self, column: &'static str) -> Result<Option<NaiveDate>, FieldError> {
        let v = self.get(column);
        if v.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                self.error(
                    column,
                    "không phải ngày (yyyy-mm-dd hoặc dd/mm/yyyy)",
                    "is not a date (yyyy-mm-dd or dd/mm/yyyy)",
                )
            })
    }

    /// A whole number cell within a range.
    pub(super) fn whole(
        &self,
        column: &'static str,
        range: (i64, i64),
    ) -> Result<Option<i64>, FieldError> {
        let v = self.get(column);
        if v.is_empty() {
            return Ok(None);
        }
        match v.parse::<i64>() {
            Ok(n) if (range.0..=range.1).contains(&n) => Ok(Some(n)),
            _ => Err(self.error(
                column,
                format!("phải là số nguyên từ {} đến {}", range.0, range.1),
                format!("must be a whole number from {} to {}", range.0, range.1),
            )),
        }
    }

    /// A coded cell: its code, or what the column accepts.
    pub(super) fn coded(&self, column: &'static str) -> Result<&'static str, FieldError> {
        let v = self.get(column);
        let known = codes_of(column).unwrap_or(&[]);
        known
            .iter()
            .map(|(c, _)| *c)
            .find(|c| *c == v)
            .ok_or_else(|| {
                let allowed = known.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ");
                self.error(
                    column,
                    format!("không phải giá trị hợp lệ ({allowed})"),
                    format!("is not a valid value ({allowed})"),
                )
            })
    }
}

/// A problem a domain check found (its message in both languages).
pub(crate) fn domain_error(cells: &PlanCells, field: &'static str, key: &str) -> FieldError {
    use treem_domain::i18n::{Lang, tr};
    let column = cells
        .file
        .columns()
        .iter()
        .map(|c| c.name)
        .find(|c| *c == field)
        .unwrap_or("");
    FieldError {
        column,
        value: cells.get(column).to_string(),
        vi: tr(Lang::Vi, key).to_string(),
        en: tr(Lang::En, key).to_string(),
    }
}

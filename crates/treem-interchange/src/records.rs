//! One row of each file, read into a checked record. Every problem names
//! its column and value and says what is wrong in Vietnamese and English.
//! Checks that need other rows or the database (references, units, keys)
//! are the importer's.

use chrono::NaiveDate;
use treem_domain::child::Child;
use treem_domain::child_input::{ChildText, read_child};
use treem_domain::nutrition::Measured;

use crate::cell::{self, Codes, codes};
use crate::spec::File;

/// A problem found in one field of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub column: &'static str,
    pub value: String,
    pub vi: String,
    pub en: String,
}

/// The cells of a row in the order of the file's columns (absent columns
/// empty), already converted, normalised and trimmed.
pub struct Cells<'a> {
    pub file: File,
    pub values: &'a [String],
}

impl Cells<'_> {
    pub fn get(&self, column: &str) -> &str {
        self.file
            .columns()
            .iter()
            .position(|c| c.name == column)
            .and_then(|i| self.values.get(i))
            .map_or("", String::as_str)
    }
}

/// A measurement as read; the child's sex and birth date come later.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementRecord {
    pub child_id: String,
    pub measured: Measured,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentRecord {
    pub child_id: String,
    pub school_year: String,
    pub school_code: String,
    pub level: &'static str,
    pub grade: Option<i64>,
    pub status: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolRecord {
    pub school_code: String,
    pub name: String,
    pub level: &'static str,
    pub commune_code: String,
    pub year: i64,
    pub sanitation_standard: bool,
    pub psych_support: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRecord {
    pub commune_code: String,
    pub year: i64,
    pub child_friendly: bool,
    pub play_spot: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisasterRecord {
    pub event_id: String,
    pub commune_code: String,
    pub occurred_on: NaiveDate,
    pub kind: String,
    pub children_affected: i64,
    pub children_supported_timely: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipationRecord {
    pub child_id: String,
    pub date: NaiveDate,
    pub kind: &'static str,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub case_id: String,
    pub child_id: String,
    pub reported_on: NaiveDate,
    pub harm_type: &'static str,
    pub intervention_started_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

struct Check<'a> {
    cells: &'a Cells<'a>,
    today: NaiveDate,
    errors: Vec<FieldError>,
}

impl<'a> Check<'a> {
    fn new(cells: &'a Cells<'a>, today: NaiveDate) -> Self {
        Check {
            cells,
            today,
            errors: Vec::new(),
        }
    }

    fn fail(&mut self, column: &'static str, vi: impl Into<String>, en: impl Into<String>) {
        let value = self.cells.get(column).to_string();
        self.errors.push(FieldError {
            column,
            value,
            vi: vi.into(),
            en: en.into(),
        });
    }

    fn text(&mut self, column: &'static str, required: bool) -> Option<String> {
        let v = self.cells.get(column);
        if let Some(c) = treem_domain::text::forbidden_char(v) {
            let (vi, en) = treem_domain::text::forbidden_char_message(c);
            self.fail(column, vi, en);
            return None;
        }
        if v.is_empty() {
            if required {
                self.fail(column, "bắt buộc, đang để trống", "is required but empty");
            }
            return None;
        }
        Some(v.to_string())
    }

    fn date(&mut self, column: &'static str, required: bool) -> Option<NaiveDate> {
        let v = self.text(column, required)?;
        match cell::date(&v) {
            Some(d) if d > self.today => {
                self.fail(column, "ngày ở tương lai", "the date is in the future");
                None
            }
            Some(d) => Some(d),
            None => {
                self.fail(
                    column,
                    "không phải ngày (yyyy-mm-dd hoặc dd/mm/yyyy)",
                    "is not a date (yyyy-mm-dd or dd/mm/yyyy)",
                );
                None
            }
        }
    }

    fn boolean(&mut self, column: &'static str, required: bool) -> Option<bool> {
        let v = self.text(column, required)?;
        match cell::boolean(&v) {
            Ok(b) => b,
            Err(cell::NotABool) => {
                self.fail(column, "không phải có/không", "is not yes/no");
                None
            }
        }
    }

    fn coded(
        &mut self,
        column: &'static str,
        codes: Codes,
        required: bool,
    ) -> Option<&'static str> {
        let v = self.text(column, required)?;
        let found = cell::coded(&v, codes);
        if found.is_none() {
            let allowed: Vec<&str> = codes.iter().map(|(c, _)| *c).collect();
            let allowed = allowed.join(", ");
            self.fail(
                column,
                format!("không phải giá trị hợp lệ ({allowed})"),
                format!("is not a valid value ({allowed})"),
            );
        }
        found
    }

    fn integer(&mut self, column: &'static str, range: (i64, i64), required: bool) -> Option<i64> {
        let v = self.text(column, required)?;
        match cell::integer(&v) {
            Some(n) if (range.0..=range.1).contains(&n) => Some(n),
            Some(_) => {
                self.fail(
                    column,
                    format!("phải từ {} đến {}", range.0, range.1),
                    format!("must be from {} to {}", range.0, range.1),
                );
                None
            }
            None => {
                self.fail(column, "không phải số nguyên", "is not a whole number");
                None
            }
        }
    }

    /// A measured value: a positive number. Beyond the physical limits it
    /// is stored and reported as a warning (see `read_file`), never refused.
    fn measure(&mut self, column: &'static str) -> Option<f64> {
        let v = self.text(column, false)?;
        match cell::decimal(&v) {
            Some(x) if x > 0.0 && x.is_finite() => Some(x),
            Some(_) => {
                self.fail(column, "phải là một số dương", "must be a positive number");
                None
            }
            None => {
                self.fail(
                    column,
                    "không phải số (dấu thập phân là , hoặc .)",
                    "is not a number (decimal mark , or .)",
                );
                None
            }
        }
    }

    fn done<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(self.errors),
        }
    }
}

/// A child's row, checked by the registry's own reader (the same rules as
/// the form and the API).
pub fn child(cells: &Cells<'_>, today: NaiveDate) -> Result<Child, Vec<FieldError>> {
    let g = |c: &str| cells.get(c).to_string();
    let text = ChildText {
        child_id: g("child_id"),
        national_id: g("national_id"),
        full_name: g("full_name"),
        sex: g("sex"),
        date_of_birth: g("date_of_birth"),
        ethnicity: g("ethnicity"),
        commune_code: g("commune_code"),
        village: g("village"),
        birth_registered: g("birth_registered"),
        birth_registration_date: g("birth_registration_date"),
        mother_name: g("mother_name"),
        father_name: g("father_name"),
        caregiver_name: g("caregiver_name"),
        caregiver_phone: g("caregiver_phone"),
        household_poverty: g("household_poverty"),
        special_circumstances: g("special_circumstances"),
        status: g("status"),
        status_date: g("status_date"),
    };
    read_child(&text, today).map_err(|problems| {
        problems
            .into_iter()
            .map(|p| FieldError {
                column: p.field,
                value: cells.get(p.field).to_string(),
                vi: p.message_vi,
                en: p.message_en,
            })
            .collect()
    })
}

pub fn measurement(
    cells: &Cells<'_>,
    today: NaiveDate,
) -> Result<MeasurementRecord, Vec<FieldError>> {
    let mut c = Check::new(cells, today);
    let child_id = c.text("child_id", true);
    let measured_on = c.date("measured_on", true);
    let weight_kg = c.measure("weight_kg");
    let height_cm = c.measure("height_cm");
    let position = c.coded("position", codes::POSITION, false);
    let oedema = c.boolean("oedema", false).unwrap_or(false);
    if cells.get("weight_kg").is_empty() && cells.get("height_cm").is_empty() {
        c.fail(
            "weight_kg",
            "cần cân nặng hoặc chiều cao",
            "a weight or a height is needed",
        );
    }
    let record = child_id
        .zip(measured_on)
        .map(|(child_id, measured_on)| MeasurementRecord {
            child_id,
            measured: Measured {
                measured_on,
                weight_kg,
                height_cm,
                position: treem_domain::nutrition::position_from_code(position),
                oedema,
                head_cm: None,
            },
        });
    c.done(record)
}

pub fn enrolment(cells: &Cells<'_>, today: NaiveDate) -> Result<EnrolmentRecord, Vec<FieldError>> {
    let mut c = Check::new(cells, today);
    let child_id = c.text("child_id", true);
    let school_year = c.text("school_year", true).and_then(|v| {
        let y = cell::school_year(&v);
        if y.is_none() {
            c.fail(
                "school_year",
                "năm học phải dạng 2024-2025",
                "a school year looks like 2024-2025",
            );
        }
        y
    });
    let school_code = c.text("school_code", true);
    let level = c.coded("level", codes::ENROLMENT_LEVEL, true);
    let grade_range = match level {
        Some("primary") => (1, 5),
        Some("lower_secondary") => (6, 9),
        _ => (1, 9),
    };
    let grade = c.integer(
        "grade",
        grade_range,
        matches!(level, Some("primary" | "lower_secondary")),
    );
    let status = c.coded("status", codes::ENROLMENT_STATUS, true);
    let record = (|| {
        Some(EnrolmentRecord {
            child_id: child_id?,
            school_year: school_year?,
            school_code: school_code?,
            level: level?,
            grade,
            status: status?,
        })
    })();
    c.done(record)
}

pub fn school(cells: &Cells<'_>, today: NaiveDate) -> Result<SchoolRecord, Vec<FieldError>> {
    let mut c = Check::new(cells, today);
    let school_code = c.text("school_code", true);
    let name = c.text("name", true);
    let level = c.coded("level", codes::SCHOOL_LEVEL, true);
    let commune_code = c.text("commune_code", true);
    let year = c.integer("year", (1990, 2100), true);
    let sanitation = c.boolean("sanitation_standard", true);
    let psych = c.boolean("psych_support", true);
    let record = (|| {
        Some(SchoolRecord {
            school_code: school_code?,
            name: name?,
            level: level?,
            commune_code: commune_code?,
            year: year?,
            sanitation_standard: sanitation?,
            psych_support: psych?,
        })
    })();
    c.done(record)
}

pub fn assessment(
    cells: &Cells<'_>,
    today: NaiveDate,
) -> Result<AssessmentRecord, Vec<FieldError>> {
    let mut c = Check::new(cells, today);
    let commune_code = c.text("commune_code", true);
    let year = c.integer("year", (1990, 2100), true);
    let child_friendly = c.boolean("child_friendly", true);
    let play_spot = c.boolean("play_spot", true);
    let record = (|| {
        Some(AssessmentRecord {
            commune_code: commune_code?,
            year: year?,
            child_friendly: child_friendly?,
            play_spot: play_spot?,
        })
    })();
    c.done(record)
}

pub fn disaster(cells: &Cells<'_>, today: NaiveDate) -> Result<DisasterRecord, Vec<FieldError>> {
    let mut c = Check::new(cells, today);
    let event_id = c.text("event_id", true);
    let commune_code = c.text("commune_code", true);
    let occurred_on = c.date("occurred_on", true);
    let kind = c.text("kind", true);
    let affected = c.integer("children_affected", (0, 10_000_000), true);
    let supported = c.integer("children_supported_timely", (0, 10_000_000), true);
    if let (Some(a), Some(s)) = (affected, supported)
        && s > a
    {
        c.fail(
            "children_supported_timely",
            format!("lớn hơn số trẻ em bị ảnh hưởng ({a})"),
            format!("is more than the children affected ({a})"),
        );
    }
    let record = (|| {
        Some(DisasterRecord {
            event_id: event_id?,
            commune_code: commune_code?,
            occurred_on: occurred_on?,
            kind: kind?,
            children_affected: affected?,
            children_supported_timely: supported?,
        })
    })();
    c.done(record)
}

pub fn participation(
    cells: &Cells<'_>,
    today: NaiveDate,
) -> Result<ParticipationRecord, Vec<FieldError>> {
    let mut c = Check::new(cells, today);
    let child_id = c.text("child_id", true);
    let date = c.date("date", true);
    let kind = c.coded("kind", codes::PARTICIPATION, true);
    let note = c.text("note", false);
    let record = (|| {
        Some(ParticipationRecord {
            child_id: child_id?,
            date: date?,
            kind: kind?,
            note,
        })
    })();
    c.done(record)
}

pub fn case(cells: &Cells<'_>, today: NaiveDate) -> Result<CaseRecord, Vec<FieldError>> {
    let mut c = Check::new(cells, today);
    let case_id = c.text("case_id", true);
    let child_id = c.text("child_id", true);
    let reported_on = c.date("reported_on", true);
    let harm_type = c.coded("harm_type", codes::HARM, true);
    let intervention_started_on = c.date("intervention_started_on", false);
    let closed_on = c.date("closed_on", false);
    let record = (|| {
        Some(CaseRecord {
            case_id: case_id?,
            child_id: child_id?,
            reported_on: reported_on?,
            harm_type: harm_type?,
            intervention_started_on,
            closed_on,
        })
    })();
    c.done(record)
}

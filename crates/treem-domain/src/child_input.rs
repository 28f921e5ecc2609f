//! A child's record as typed (a form, the JSON API, later an imported row),
//! read at the edge into a checked [`Child`], every problem located by field
//! and said in Vietnamese and English.

use chrono::NaiveDate;

use crate::anthro::{parse_date, parse_sex};
use crate::child::{Child, ChildStatus, Poverty, Sex, ethnicity_name, special_circumstance_name};
use crate::national_id::NationalId;
use crate::text::{fold, nfc};

/// The longest text a field may hold, in characters.
pub const MAX_FIELD_CHARS: usize = 1000;

/// A child's record as text, in the interchange format's columns (dates
/// yyyy-mm-dd or dd/mm/yyyy; sex M/F; special_circumstances ';'-separated
/// codes a–o).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ChildText {
    pub child_id: String,
    pub national_id: String,
    pub full_name: String,
    pub sex: String,
    pub date_of_birth: String,
    pub ethnicity: String,
    pub commune_code: String,
    pub village: String,
    pub birth_registered: String,
    pub birth_registration_date: String,
    pub mother_name: String,
    pub father_name: String,
    pub caregiver_name: String,
    pub caregiver_phone: String,
    pub household_poverty: String,
    pub special_circumstances: String,
    pub status: String,
    pub status_date: String,
}

/// A problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Problem))]
pub struct FieldProblem {
    pub field: &'static str,
    pub message_vi: String,
    pub message_en: String,
}

fn problem(field: &'static str, vi: impl Into<String>, en: impl Into<String>) -> FieldProblem {
    FieldProblem {
        field,
        message_vi: vi.into(),
        message_en: en.into(),
    }
}

/// A text that is not a yes/no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotABool;

/// Reads a yes/no cell of the interchange format; empty is unknown.
pub fn parse_bool(s: &str) -> Result<Option<bool>, NotABool> {
    match fold(s).as_str() {
        "" => Ok(None),
        "yes" | "true" | "1" | "x" | "co" | "dat" | "y" => Ok(Some(true)),
        "no" | "false" | "0" | "khong" | "khong dat" | "n" => Ok(Some(false)),
        _ => Err(NotABool),
    }
}

/// Reads an ethnicity given by official code or by name.
pub fn parse_ethnicity(s: &str) -> Option<String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<u32>() {
        let code = format!("{n:02}");
        return ethnicity_name(&code).map(|_| code);
    }
    let wanted = fold(t).replace(['-', ' ', '\''], "");
    // Names in everyday use beside the official list's spelling.
    let alias = match wanted.as_str() {
        "mong" | "meo" => Some("08"),
        _ => None,
    };
    if let Some(code) = alias {
        return Some(code.to_string());
    }
    (1..=54).map(|n| format!("{n:02}")).find(|code| {
        ethnicity_name(code).is_some_and(|name| fold(name).replace(['-', ' '], "") == wanted)
    })
}

struct Reader {
    problems: Vec<FieldProblem>,
}

impl Reader {
    fn text(&mut self, field: &'static str, value: &str, required: bool) -> Option<String> {
        let v = nfc(value.trim());
        if let Some(c) = crate::text::forbidden_char(&v) {
            let (vi, en) = crate::text::forbidden_char_message(c);
            self.problems.push(problem(field, vi, en));
            return None;
        }
        if v.chars().count() > MAX_FIELD_CHARS {
            self.problems.push(problem(
                field,
                format!("dài quá {MAX_FIELD_CHARS} ký tự"),
                format!("longer than {MAX_FIELD_CHARS} characters"),
            ));
            return None;
        }
        if v.is_empty() {
            if required {
                self.problems
                    .push(problem(field, "bắt buộc", "is required"));
            }
            return None;
        }
        Some(v)
    }

    fn date(&mut self, field: &'static str, value: &str, required: bool) -> Option<NaiveDate> {
        let v = self.text(field, value, required)?;
        let d = parse_date(&v);
        if d.is_none() {
            self.problems.push(problem(
                field,
                format!("«{v}» không phải ngày (dd/mm/yyyy hoặc yyyy-mm-dd)"),
                format!("'{v}' is not a date (dd/mm/yyyy or yyyy-mm-dd)"),
            ));
        }
        d
    }

    fn coded<T>(
        &mut self,
        field: &'static str,
        value: &str,
        parse: impl Fn(&str) -> Option<T>,
        (allowed_vi, allowed_en): (&str, &str),
    ) -> Option<T> {
        let v = self.text(field, value, false)?;
        let r = parse(&v);
        if r.is_none() {
            self.problems.push(problem(
                field,
                format!("«{v}» không hợp lệ ({allowed_vi})"),
                format!("'{v}' is not valid ({allowed_en})"),
            ));
        }
        r
    }
}

fn parse_poverty(s: &str) -> Option<Poverty> {
    match fold(s).as_str() {
        "poor" | "ngheo" | "ho ngheo" => Some(Poverty::Poor),
        "near_poor" | "can ngheo" | "ho can ngheo" => Some(Poverty::NearPoor),
        "none" | "khong" => Some(Poverty::None),
        _ => None,
    }
}

fn parse_status(s: &str) -> Option<ChildStatus> {
    match fold(s).as_str() {
        "active" | "dang cu tru" => Some(ChildStatus::Active),
        "moved" | "chuyen di" | "da chuyen di" => Some(ChildStatus::Moved),
        "dead" | "chet" | "da mat" | "tu vong" => Some(ChildStatus::Dead),
        _ => None,
    }
}

/// Reads a child's record. `today` bounds the dates (nothing in the future).
pub fn read_child(t: &ChildText, today: NaiveDate) -> Result<Child, Vec<FieldProblem>> {
    let mut r = Reader {
        problems: Vec::new(),
    };
    let child_id = r.text("child_id", &t.child_id, true);
    let full_name = r.text("full_name", &t.full_name, true);
    let sex = match r.text("sex", &t.sex, true) {
        Some(v) => {
            let s = parse_sex(&v).map(|s| match s {
                treem_growth::Sex::Male => Sex::Male,
                treem_growth::Sex::Female => Sex::Female,
            });
            if s.is_none() {
                r.problems.push(problem(
                    "sex",
                    format!("«{v}» không phải giới tính (Nam/Nữ, M/F, 1/2)"),
                    format!("'{v}' is not a sex (M/F, 1/2)"),
                ));
            }
            s
        }
        None => None,
    };
    let born = r.date("date_of_birth", &t.date_of_birth, true);
    if born.is_some_and(|b| b > today) {
        r.problems.push(problem(
            "date_of_birth",
            "ngày sinh ở tương lai",
            "the date of birth is in the future",
        ));
    }
    let national_id = match r.text("national_id", &t.national_id, false) {
        Some(v) => match NationalId::parse(&v, sex, born) {
            Ok(id) => Some(id.as_str().to_string()),
            Err(e) => {
                r.problems.push(problem(
                    "national_id",
                    format!("«{v}»: {}", e.vi()),
                    format!("'{v}': {}", e.en()),
                ));
                None
            }
        },
        None => None,
    };
    let ethnicity = r.coded(
        "ethnicity",
        &t.ethnicity,
        parse_ethnicity,
        ("mã hoặc tên dân tộc", "an ethnicity's code or name"),
    );
    let commune_code = r.text("commune_code", &t.commune_code, true);
    let village = r.text("village", &t.village, false);
    let registered_text = r.text("birth_registered", &t.birth_registered, false);
    let birth_registered = match registered_text {
        Some(v) => match parse_bool(&v) {
            Ok(b) => b,
            Err(NotABool) => {
                r.problems.push(problem(
                    "birth_registered",
                    format!("«{v}» không phải có/không"),
                    format!("'{v}' is not yes/no"),
                ));
                None
            }
        },
        None => None,
    };
    let birth_registration_date =
        r.date("birth_registration_date", &t.birth_registration_date, false);
    if let (Some(reg), Some(b)) = (birth_registration_date, born)
        && (reg < b || reg > today)
    {
        r.problems.push(problem(
            "birth_registration_date",
            "ngày đăng ký khai sinh phải từ ngày sinh đến hôm nay",
            "the registration date must be between birth and today",
        ));
    }
    let household_poverty = r.coded(
        "household_poverty",
        &t.household_poverty,
        parse_poverty,
        (
            "poor, near_poor, none (nghèo, cận nghèo, không)",
            "poor, near_poor, none",
        ),
    );
    let mut special = Vec::new();
    if let Some(v) = r.text("special_circumstances", &t.special_circumstances, false) {
        for code in v.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            let lower = code.to_lowercase();
            if special_circumstance_name(&lower).is_some() {
                if !special.contains(&lower) {
                    special.push(lower);
                }
            } else {
                r.problems.push(problem(
                    "special_circumstances",
                    format!("«{code}» không phải mã hoàn cảnh đặc biệt (a–o, Điều 10 Luật Trẻ em)"),
                    format!(
                        "'{code}' is not a special-circumstance code (a–o, Law on Children art. 10)"
                    ),
                ));
            }
        }
    }
    let status = r
        .coded(
            "status",
            &t.status,
            parse_status,
            (
                "active, moved, dead (chuyển đi, tử vong)",
                "active, moved, dead",
            ),
        )
        .unwrap_or(ChildStatus::Active);
    let status_date = r.date("status_date", &t.status_date, status != ChildStatus::Active);
    if let (Some(sd), Some(b)) = (status_date, born)
        && (sd < b || sd > today)
    {
        r.problems.push(problem(
            "status_date",
            "ngày thay đổi phải từ ngày sinh đến hôm nay",
            "the status date must be between birth and today",
        ));
    }
    let mother_name = r.text("mother_name", &t.mother_name, false);
    let father_name = r.text("father_name", &t.father_name, false);
    let caregiver_name = r.text("caregiver_name", &t.caregiver_name, false);
    let caregiver_phone = r.text("caregiver_phone", &t.caregiver_phone, false);
    match (child_id, full_name, sex, born, commune_code) {
        (Some(child_id), Some(full_name), Some(sex), Some(date_of_birth), Some(commune_code))
            if r.problems.is_empty() =>
        {
            Ok(Child {
                child_id,
                national_id,
                full_name,
                sex,
                date_of_birth,
                ethnicity,
                commune_code,
                village,
                birth_registered,
                birth_registration_date,
                mother_name,
                father_name,
                caregiver_name,
                caregiver_phone,
                household_poverty,
                special_circumstances: special,
                status,
                status_date: if status == ChildStatus::Active {
                    None
                } else {
                    status_date
                },
            })
        }
        _ => Err(r.problems),
    }
}

/// The text form of a checked record (to fill a form or answer the API).
pub fn child_text(c: &Child) -> ChildText {
    let date = |d: Option<NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    ChildText {
        child_id: c.child_id.clone(),
        national_id: c.national_id.clone().unwrap_or_default(),
        full_name: c.full_name.clone(),
        sex: c.sex.code().to_string(),
        date_of_birth: c.date_of_birth.format("%Y-%m-%d").to_string(),
        ethnicity: c.ethnicity.clone().unwrap_or_default(),
        commune_code: c.commune_code.clone(),
        village: c.village.clone().unwrap_or_default(),
        birth_registered: match c.birth_registered {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => String::new(),
        },
        birth_registration_date: date(c.birth_registration_date),
        mother_name: c.mother_name.clone().unwrap_or_default(),
        father_name: c.father_name.clone().unwrap_or_default(),
        caregiver_name: c.caregiver_name.clone().unwrap_or_default(),
        caregiver_phone: c.caregiver_phone.clone().unwrap_or_default(),
        household_poverty: c
            .household_poverty
            .map(|p| p.code().to_string())
            .unwrap_or_default(),
        special_circumstances: c.special_circumstances.join(";"),
        status: c.status.code().to_string(),
        status_date: date(c.status_date),
    }
}

#[cfg(test)]
#[path = "child_input_tests.rs"]
mod tests;

//! What the forms of Decree 56/2017's appendix record at a step beyond its
//! notes: the risk factors scored high, medium or low at the initial
//! assessment (form 02), the detailed assessment (form 03) and the review
//! (form 06), with the overall level derived from them; the child's needs
//! (form 03); the support and intervention plan as a table (form 04) and
//! the minutes of the meeting that agreed it (art. 27). Sealed with the
//! step like its notes; checked here, pure.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::report_form::{FIELD_MAX, Problem};
use super::{Factor, Risk, Step, Vocabulary};

/// One risk factor as scored: codes of a [`Factor`] and a [`Risk`].
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scored {
    pub factor: String,
    pub level: String,
}

/// One line of the plan's table (form 04).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanRow {
    /// The child's need the line answers.
    pub need: String,
    /// What will be done.
    pub activity: String,
    /// Who does it (agency or person).
    pub who: String,
    /// When (a date or a period, as the meeting agreed it).
    pub when: String,
    /// The resources it takes.
    pub resources: String,
}

impl PlanRow {
    fn cells(&self) -> [(&'static str, &str); 5] {
        [
            ("need", &self.need),
            ("activity", &self.activity),
            ("who", &self.who),
            ("when", &self.when),
            ("resources", &self.resources),
        ]
    }

    fn is_blank(&self) -> bool {
        self.cells().iter().all(|(_, v)| v.trim().is_empty())
    }
}

/// The minutes of the meeting on the child's needs and the plan (art. 27).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Meeting {
    /// `YYYY-MM-DD`.
    pub on: String,
    pub place: String,
    /// Who took part, one a line (name, agency or relation to the child).
    pub participants: String,
    /// What the child said.
    pub child_views: String,
    /// What the parents or caregiver said.
    pub family_views: String,
    /// What the meeting agreed.
    pub conclusions: String,
}

impl Meeting {
    fn fields(&self) -> [(&'static str, &str); 6] {
        [
            ("meeting_on", &self.on),
            ("meeting_place", &self.place),
            ("meeting_participants", &self.participants),
            ("meeting_child_views", &self.child_views),
            ("meeting_family_views", &self.family_views),
            ("meeting_conclusions", &self.conclusions),
        ]
    }

    fn is_blank(&self) -> bool {
        self.fields().iter().all(|(_, v)| v.trim().is_empty())
    }

    /// The meeting's day, once checked.
    pub fn day(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.on.trim(), "%Y-%m-%d").ok()
    }
}

/// A step's structured fields. Every part is optional; a part given at a
/// step whose form does not have it is refused, never dropped.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StepForm {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<Scored>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub needs: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plan: Vec<PlanRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting: Option<Meeting>,
}

/// The most lines a plan's table holds.
pub const PLAN_ROWS_MAX: usize = 30;

/// The steps whose form scores the risk factors (02, 03, 06).
pub fn scores_factors(step: Step) -> bool {
    matches!(
        step,
        Step::InitialAssessment | Step::DetailedAssessment | Step::Review
    )
}

/// The steps whose form is the plan (04) with its meeting's minutes.
pub fn holds_plan(step: Step) -> bool {
    matches!(step, Step::PlanDrafted | Step::Replan)
}

impl StepForm {
    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.factors.is_empty()
            && self.needs.trim().is_empty()
            && self.plan.is_empty()
            && self.meeting.is_none()
    }

    /// The level given to a factor.
    pub fn level_of(&self, factor: Factor) -> Option<Risk> {
        self.factors
            .iter()
            .find(|s| s.factor == factor.code())
            .and_then(|s| Risk::parse(&s.level))
    }

    /// The overall level: the highest level any factor was given (one
    /// factor at high risk puts the child at high risk), or none when no
    /// factor was scored.
    pub fn overall(&self) -> Option<Risk> {
        // `Risk` lists High first, so the highest level is the least.
        self.factors
            .iter()
            .filter_map(|s| Risk::parse(&s.level))
            .min()
    }

    /// The child's needs, one a line.
    pub fn need_lines(&self) -> Vec<&str> {
        lines(&self.needs)
    }
}

/// Non-empty lines of a text, trimmed.
pub fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// A field's name on the form (Vietnamese, English).
pub fn label(field: &str) -> (&'static str, &'static str) {
    match field {
        "needs" => ("Nhu cầu của trẻ em", "The child's needs"),
        "plan" => (
            "Kế hoạch hỗ trợ, can thiệp",
            "Support and intervention plan",
        ),
        "meeting_place" => ("Địa điểm họp", "Place of the meeting"),
        "meeting_participants" => ("Thành phần tham dự", "Who took part"),
        "meeting_child_views" => ("Ý kiến của trẻ em", "What the child said"),
        "meeting_family_views" => ("Ý kiến của cha mẹ, người chăm sóc", "What the family said"),
        "meeting_on" => ("Ngày họp", "Day of the meeting"),
        _ => ("Kết luận của cuộc họp", "What the meeting agreed"),
    }
}

fn too_long(field: &'static str, text: &str, out: &mut Vec<Problem>) {
    if text.chars().count() > FIELD_MAX {
        let (vi, en) = label(field);
        out.push((
            field,
            format!("{vi}: dài quá {FIELD_MAX} ký tự"),
            format!("{en}: longer than {FIELD_MAX} characters"),
        ));
    }
}

fn refused_here(field: &'static str, step: Step, out: &mut Vec<Problem>) {
    out.push((
        field,
        format!(
            "Bước «{}» không có phần này của biểu mẫu; chọn đúng bước hoặc để trống",
            step.vi()
        ),
        format!(
            "The step «{}» has no such part of the form; choose the right step or leave it empty",
            step.en()
        ),
    ));
}

/// Checks what was typed for a step taken on `today` and returns it
/// trimmed (blank plan lines and an empty meeting left out), or every
/// problem found.
///
/// - factors only at the steps of forms 02, 03 and 06: each known, each
///   once, each level one of [`Risk`]; scored all or none (the form's
///   overall level means nothing over part of them);
/// - the needs only at the detailed assessment;
/// - the plan and the meeting only when a plan is drafted: a plan line
///   needs its need, activity, who and when; at most [`PLAN_ROWS_MAX`]
///   lines; a meeting needs its day (not after `today`), who took part
///   and what it agreed;
/// - every text at most [`FIELD_MAX`] characters.
pub fn check(step: Step, form: &StepForm, today: NaiveDate) -> Result<StepForm, Vec<Problem>> {
    let mut out = Vec::new();
    let mut checked = StepForm::default();
    if !form.factors.is_empty() {
        if !scores_factors(step) {
            refused_here("factors", step, &mut out);
        }
        for s in &form.factors {
            let (f, l) = (Factor::parse(&s.factor), Risk::parse(&s.level));
            if f.is_none() {
                let codes: Vec<&str> = Factor::ALL.iter().map(|f| f.code()).collect();
                out.push((
                    "factors",
                    format!(
                        "Yếu tố «{}» không có trong biểu mẫu; một trong: {}",
                        s.factor,
                        codes.join(", ")
                    ),
                    format!(
                        "No factor '{}' on the form; one of: {}",
                        s.factor,
                        codes.join(", ")
                    ),
                ));
            }
            if l.is_none() {
                out.push((
                    "factors",
                    format!(
                        "Mức «{}» không hợp lệ; chọn cao, trung bình hoặc thấp (high, medium, low)",
                        s.level
                    ),
                    format!("Level '{}' is not one of high, medium, low", s.level),
                ));
            }
            if let (Some(f), Some(l)) = (f, l) {
                checked.factors.push(Scored {
                    factor: f.code().into(),
                    level: l.code().into(),
                });
            }
        }
        for f in Factor::ALL {
            let n = checked
                .factors
                .iter()
                .filter(|s| s.factor == f.code())
                .count();
            if n > 1 {
                out.push((
                    "factors",
                    format!("Yếu tố «{}» được chấm hơn một lần", f.vi()),
                    format!("The factor «{}» is scored more than once", f.en()),
                ));
            } else if n == 0 && out.is_empty() {
                out.push((
                    "factors",
                    format!(
                        "Chưa chấm yếu tố «{}»: chấm đủ các yếu tố hoặc để trống cả",
                        f.vi()
                    ),
                    format!(
                        "The factor «{}» is not scored: score every factor or none",
                        f.en()
                    ),
                ));
            }
        }
        // In the forms' order, whatever order they came in.
        checked
            .factors
            .sort_by_key(|s| Factor::parse(&s.factor).map(|f| f as usize));
    }
    let needs = form.needs.trim();
    if !needs.is_empty() {
        if step != Step::DetailedAssessment {
            refused_here("needs", step, &mut out);
        }
        too_long("needs", needs, &mut out);
        checked.needs = needs.to_string();
    }
    let rows: Vec<&PlanRow> = form.plan.iter().filter(|r| !r.is_blank()).collect();
    if !rows.is_empty() {
        if !holds_plan(step) {
            refused_here("plan", step, &mut out);
        }
        if rows.len() > PLAN_ROWS_MAX {
            out.push((
                "plan",
                format!("Kế hoạch quá {PLAN_ROWS_MAX} dòng"),
                format!("A plan of more than {PLAN_ROWS_MAX} lines"),
            ));
        }
        for (i, r) in rows.iter().enumerate() {
            let mut row = PlanRow::default();
            for (field, v) in r.cells() {
                too_long("plan", v.trim(), &mut out);
                if field != "resources" && v.trim().is_empty() {
                    out.push((
                        "plan",
                        format!("Dòng {} của kế hoạch thiếu «{}»", i + 1, cell_vi(field)),
                        format!("Line {} of the plan has no '{}'", i + 1, field),
                    ));
                }
            }
            row.need = r.need.trim().into();
            row.activity = r.activity.trim().into();
            row.who = r.who.trim().into();
            row.when = r.when.trim().into();
            row.resources = r.resources.trim().into();
            checked.plan.push(row);
        }
    }
    if let Some(m) = form.meeting.as_ref().filter(|m| !m.is_blank()) {
        if !holds_plan(step) {
            refused_here("meeting", step, &mut out);
        }
        for (field, v) in m.fields() {
            too_long(field, v.trim(), &mut out);
        }
        match m.day() {
            Some(d) if d > today => out.push((
                "meeting_on",
                format!("Ngày họp {d} chưa đến"),
                format!("The meeting's day {d} is still to come"),
            )),
            Some(_) => {}
            None => out.push((
                "meeting_on",
                format!("Ngày họp «{}» không hợp lệ (năm-tháng-ngày)", m.on.trim()),
                format!(
                    "The meeting's day '{}' is not a date (YYYY-MM-DD)",
                    m.on.trim()
                ),
            )),
        }
        for (field, v, vi) in [
            (
                "meeting_participants",
                &m.participants,
                "Thành phần tham dự",
            ),
            ("meeting_conclusions", &m.conclusions, "Kết luận"),
        ] {
            if v.trim().is_empty() {
                out.push((
                    field,
                    format!("Biên bản họp thiếu «{vi}»"),
                    "The minutes need this".to_string(),
                ));
            }
        }
        checked.meeting = Some(Meeting {
            on: m.on.trim().into(),
            place: m.place.trim().into(),
            participants: m.participants.trim().into(),
            child_views: m.child_views.trim().into(),
            family_views: m.family_views.trim().into(),
            conclusions: m.conclusions.trim().into(),
        });
    }
    if out.is_empty() {
        Ok(checked)
    } else {
        Err(out)
    }
}

/// The case's level after a step: the factors' overall level, or the level
/// chosen, which must then be theirs.
pub fn level(chosen: Option<Risk>, form: Option<&StepForm>) -> Result<Option<Risk>, Problem> {
    match (chosen, form.and_then(StepForm::overall)) {
        (Some(r), Some(o)) if r != o => Err((
            "risk_level",
            format!(
                "Mức độ nguy cơ «{}» khác mức theo các yếu tố đã chấm («{}»); để trống hoặc chọn «{}»",
                r.vi(),
                o.vi(),
                o.vi()
            ),
            format!(
                "The level «{}» differs from the factors' («{}»); leave it empty or choose «{}»",
                r.en(),
                o.en(),
                o.en()
            ),
        )),
        (r, o) => Ok(r.or(o)),
    }
}

/// A plan column's Vietnamese header.
pub fn cell_vi(field: &str) -> &'static str {
    match field {
        "need" => "Nhu cầu của trẻ em",
        "activity" => "Hoạt động hỗ trợ, can thiệp",
        "who" => "Người, cơ quan thực hiện",
        "when" => "Thời gian thực hiện",
        _ => "Nguồn lực",
    }
}

#[cfg(test)]
#[path = "step_form_tests.rs"]
mod tests;

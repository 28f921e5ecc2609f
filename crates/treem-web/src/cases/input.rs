//! What an officer types for a case, read and checked: every problem is
//! located by field, in Vietnamese and English. The case form, the step
//! form and the API all read through here.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use treem_domain::cases::report_form::{Parent, ReportDetails, check};
use treem_domain::cases::{Harm, Relation, Risk, Source, Vocabulary};
use treem_domain::child_input::FieldProblem;
use treem_domain::clock::VN_OFFSET;

/// A time as shown in Vietnam: `dd/mm/yyyy HH:MM`.
pub fn show_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&VN_OFFSET)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// A time as the API gives it: RFC 3339 in Vietnamese time.
pub fn api_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&VN_OFFSET).to_rfc3339()
}

/// The longest narrative or note kept.
const MAX_TEXT: usize = 20_000;

pub(crate) fn problem(
    field: &'static str,
    vi: impl Into<String>,
    en: impl Into<String>,
) -> FieldProblem {
    FieldProblem {
        field,
        message_vi: vi.into(),
        message_en: en.into(),
    }
}

/// Reads a date-time: RFC 3339 with its offset, or a form's
/// `YYYY-MM-DDTHH:MM[:SS]` taken as Vietnamese time.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.to_utc());
    }
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .and_then(|t| VN_OFFSET.from_local_datetime(&t).single())
        .map(|t| t.to_utc())
}

/// A time a user gives for something that happened: readable, not before
/// `after`, not in the future (five minutes of clock drift allowed); whole seconds.
pub(crate) fn happened(
    field: &'static str,
    text: &str,
    after: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, FieldProblem> {
    let t = parse_time(text).ok_or_else(|| {
        problem(
            field,
            format!("«{text}» không phải ngày giờ (vd 2026-03-02T08:15:00+07:00)"),
            format!("'{text}' is not a date-time (e.g. 2026-03-02T08:15:00+07:00)"),
        )
    })?;
    let t = t - Duration::nanoseconds(t.timestamp_subsec_nanos().into());
    if t > Utc::now() + Duration::minutes(5) {
        return Err(problem(
            field,
            "Thời điểm ở tương lai",
            "The time is in the future",
        ));
    }
    if t < DateTime::<Utc>::from_timestamp(946_684_800, 0).unwrap_or_default() {
        return Err(problem(
            field,
            "Thời điểm trước năm 2000",
            "The time is before 2000",
        ));
    }
    if let Some(a) = after.filter(|a| t < *a) {
        return Err(problem(
            field,
            format!("Thời điểm trước bước trước đó ({})", show_time(a)),
            format!("The time is before the previous step ({})", show_time(a)),
        ));
    }
    Ok(t)
}

pub(crate) fn long_text(
    field: &'static str,
    text: &str,
    required: bool,
    problems: &mut Vec<FieldProblem>,
) -> String {
    let t = treem_domain::text::nfc(text.trim());
    if let Some(c) = treem_domain::text::forbidden_char(&t) {
        let (vi, en) = treem_domain::text::forbidden_char_message(c);
        problems.push(problem(field, vi, en));
    } else if required && t.is_empty() {
        problems.push(problem(field, "Bắt buộc", "Required"));
    } else if t.chars().count() > MAX_TEXT {
        problems.push(problem(
            field,
            format!("Dài quá {MAX_TEXT} ký tự"),
            format!("Longer than {MAX_TEXT} characters"),
        ));
    }
    t
}

/// What a new case is made of, as typed.
#[derive(Debug, Default, Clone)]
pub struct CaseInput {
    pub child_id: String,
    pub received_at: String,
    pub source: String,
    pub harm_types: Vec<String>,
    pub relation: String,
    pub risk_level: String,
    pub summary: String,
    pub abuser: String,
    /// Form 01's fields of the report.
    pub details: ReportDetails,
}

/// A coded value of a vocabulary, or a located problem naming the allowed
/// codes; empty text is `None` without a problem (the caller decides).
pub(crate) fn coded<T: Vocabulary>(
    field: &'static str,
    text: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<T> {
    if text.trim().is_empty() {
        return None;
    }
    let v = T::parse(text);
    if v.is_none() {
        let allowed: Vec<&str> = T::ALL.iter().map(|v| v.code()).collect();
        problems.push(problem(
            field,
            format!(
                "«{text}» không hợp lệ; chọn một trong: {}",
                allowed.join(", ")
            ),
            format!("'{text}' is not allowed; one of: {}", allowed.join(", ")),
        ));
    }
    v
}

/// A step as typed.
#[derive(Debug, Default, Clone)]
pub struct StepInput {
    pub step: String,
    pub at: String,
    pub notes: String,
    pub risk_level: String,
    /// The form's structured fields (`step_fields`).
    pub form: treem_domain::cases::step_form::StepForm,
}

/// A new case's own fields, read.
pub(crate) struct Fields {
    pub received_at: DateTime<Utc>,
    pub source: Source,
    pub harms: Vec<Harm>,
    pub relation: Option<Relation>,
    pub risk: Option<Risk>,
    pub summary: String,
    pub abuser: String,
    /// Form 01's fields, cleaned (`None`: nothing recorded).
    pub details: Option<ReportDetails>,
}

/// Reads everything of a new case but the child; problems go to `p`.
pub(crate) fn read_fields(input: &CaseInput, p: &mut Vec<FieldProblem>) -> Option<Fields> {
    let received = happened("received_at", &input.received_at, None)
        .map_err(|e| p.push(e))
        .ok();
    let source = coded::<Source>("source", &input.source, p);
    if input.source.trim().is_empty() {
        p.push(problem("source", "Bắt buộc", "Required"));
    }
    let mut harms: Vec<Harm> = Vec::new();
    for h in &input.harm_types {
        if let Some(h) = coded::<Harm>("harm_types", h, p)
            && !harms.contains(&h)
        {
            harms.push(h);
        }
    }
    if input.harm_types.iter().all(|h| h.trim().is_empty()) {
        p.push(problem(
            "harm_types",
            "Chọn ít nhất một hình thức",
            "Choose at least one kind of harm",
        ));
    }
    let relation = coded::<Relation>("relation", &input.relation, p);
    let risk = coded::<Risk>("risk_level", &input.risk_level, p);
    let summary = long_text("summary", &input.summary, true, p);
    let abuser = long_text("abuser", &input.abuser, false, p);
    let details = read_details(&input.details, p);
    Some(Fields {
        received_at: received?,
        source: source?,
        harms,
        relation,
        risk,
        summary,
        abuser,
        details,
    })
}

/// Form 01's fields: each text cleaned as a narrative is (normal form,
/// no control characters), then checked (`report_form::check`); `None`
/// when nothing was typed.
fn read_details(d: &ReportDetails, p: &mut Vec<FieldProblem>) -> Option<ReportDetails> {
    let clean =
        |field: &'static str, v: &str, p: &mut Vec<FieldProblem>| long_text(field, v, false, p);
    let parent = |prefix: [&'static str; 3], x: &Parent, p: &mut Vec<FieldProblem>| Parent {
        name: clean(prefix[0], &x.name, p),
        age: clean(prefix[1], &x.age, p),
        occupation: clean(prefix[2], &x.occupation, p),
    };
    let out = ReportDetails {
        channel: d.channel.trim().to_string(),
        place: clean("place", &d.place, p),
        child_now: clean("child_now", &d.child_now, p),
        consequence: clean("consequence", &d.consequence, p),
        mother: parent(
            ["mother_name", "mother_age", "mother_occupation"],
            &d.mother,
            p,
        ),
        father: parent(
            ["father_name", "father_age", "father_occupation"],
            &d.father,
            p,
        ),
        family: clean("family", &d.family, p),
        caregiver: clean("caregiver", &d.caregiver, p),
        action_taken: clean("action_taken", &d.action_taken, p),
        informant_name: clean("informant_name", &d.informant_name, p),
        informant_phone: clean("informant_phone", &d.informant_phone, p),
        informant_address: clean("informant_address", &d.informant_address, p),
    };
    for (field, vi, en) in check(&out) {
        p.push(problem(field, vi, en));
    }
    (!out.is_empty()).then_some(out)
}

/// The problems of a new case's own fields (the child aside).
pub fn check_fields(input: &CaseInput) -> Vec<FieldProblem> {
    let mut p = Vec::new();
    read_fields(input, &mut p);
    p
}

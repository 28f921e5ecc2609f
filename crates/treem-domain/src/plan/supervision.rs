//! Supervisions and inspections of a plan (`spec/plan.md`: People's
//! Council supervision, the Front's supervision and social criticism, the
//! party committee's inspection, the People's Committee's integrated
//! inspection): what a person types, checked, and when a recommendation is
//! overdue. Findings never hold a child's case details; the form says so.

use chrono::NaiveDate;

use super::filing::{Problem, TEXT_MAX};
use crate::anthro::parse_date;

/// Which body supervised or inspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// The People's Council (giám sát).
    Council,
    /// The Fatherland Front (giám sát, phản biện xã hội).
    Front,
    /// The party committee (kiểm tra, giám sát).
    Party,
    /// The People's Committee (kiểm tra liên ngành).
    Committee,
}

impl Body {
    pub const ALL: [Body; 4] = [Body::Council, Body::Front, Body::Party, Body::Committee];

    pub fn code(self) -> &'static str {
        match self {
            Body::Council => "council",
            Body::Front => "front",
            Body::Party => "party",
            Body::Committee => "committee",
        }
    }

    pub fn from_code(s: &str) -> Option<Body> {
        Body::ALL.into_iter().find(|b| b.code() == s)
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Body::Council => "supervision.kind_council",
            Body::Front => "supervision.kind_front",
            Body::Party => "supervision.kind_party",
            Body::Committee => "supervision.kind_committee",
        }
    }
}

/// A supervision as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawSupervision {
    pub kind: String,
    pub body: String,
    pub held_on: String,
    pub visited: String,
    pub findings: String,
}

/// A supervision that passed the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Supervision {
    pub kind: Body,
    pub body: String,
    pub held_on: NaiveDate,
    pub visited: String,
    pub findings: String,
}

fn too_long(s: &str) -> bool {
    s.chars().count() > TEXT_MAX
}

/// Checks a typed supervision: a body and its kind, a date (dd/mm/yyyy)
/// not in the future, what was visited and found.
pub fn check_supervision(
    raw: &RawSupervision,
    today: NaiveDate,
) -> Result<Supervision, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut problem = |field, key| problems.push(Problem { field, key });
    let kind = Body::from_code(raw.kind.trim());
    if kind.is_none() {
        problem("kind", "supervision.err_kind");
    }
    let body = raw.body.trim().to_string();
    if body.is_empty() || body.chars().count() > 200 {
        problem("body", "supervision.err_body");
    }
    let held_on = parse_date(raw.held_on.trim());
    match held_on {
        None => problem("held_on", "supervision.err_date"),
        Some(d) if d > today => problem("held_on", "supervision.err_future"),
        Some(_) => {}
    }
    let visited = raw.visited.trim().to_string();
    let findings = raw.findings.trim().to_string();
    if findings.is_empty() {
        problem("findings", "supervision.err_findings");
    }
    for (field, text) in [("visited", &visited), ("findings", &findings)] {
        if too_long(text) {
            problem(field, "plan.err_too_long");
        }
    }
    match (kind, held_on) {
        (Some(kind), Some(held_on)) if problems.is_empty() => Ok(Supervision {
            kind,
            body,
            held_on,
            visited,
            findings,
        }),
        _ => Err(problems),
    }
}

/// A recommendation as typed: what is recommended, the agency that owns
/// it (checked against the plan's unit by the caller), and a due date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawRecommendation {
    pub text: String,
    pub owner: String,
    pub due: String,
}

/// Checks a typed recommendation of a supervision held on `held_on`: the
/// due date is on or after it.
pub fn check_recommendation(
    raw: &RawRecommendation,
    held_on: NaiveDate,
) -> Result<(String, String, NaiveDate), Vec<Problem>> {
    let mut problems = Vec::new();
    let text = raw.text.trim().to_string();
    if text.is_empty() || too_long(&text) {
        problems.push(Problem {
            field: "text",
            key: "supervision.err_text",
        });
    }
    let owner = raw.owner.trim().to_string();
    if owner.is_empty() {
        problems.push(Problem {
            field: "owner",
            key: "supervision.err_owner",
        });
    }
    let due = parse_date(raw.due.trim());
    match due {
        None => problems.push(Problem {
            field: "due",
            key: "supervision.err_date",
        }),
        Some(d) if d < held_on => problems.push(Problem {
            field: "due",
            key: "supervision.err_due_before",
        }),
        Some(_) => {}
    }
    match due {
        Some(due) if problems.is_empty() => Ok((text, owner, due)),
        _ => Err(problems),
    }
}

/// A recommendation is overdue when it is still open after its due date
/// (Vietnamese dates).
pub fn recommendation_overdue(
    due: NaiveDate,
    closed_on: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    closed_on.is_none() && today > due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn a_supervision_is_checked_field_by_field() {
        let today = d(2026, 12, 6);
        let good = RawSupervision {
            kind: "council".into(),
            body: "Thường trực HĐND xã Bản Bo".into(),
            held_on: "15/10/2026".into(),
            visited: "Trường Tiểu học Bản Bo; Trạm Y tế".into(),
            findings: "Công tác tuyên truyền được duy trì".into(),
        };
        let s = check_supervision(&good, today);
        assert_eq!(
            s.map(|s| (s.kind, s.held_on)),
            Ok((Body::Council, d(2026, 10, 15)))
        );
        let bad = RawSupervision {
            kind: "police".into(),
            body: " ".into(),
            held_on: "07/12/2026".into(),
            visited: String::new(),
            findings: String::new(),
        };
        let fields: Vec<&str> = check_supervision(&bad, today)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["kind", "body", "held_on", "findings"]);
    }

    #[test]
    fn a_recommendation_is_due_after_its_supervision() {
        let held = d(2026, 10, 15);
        let raw = |due: &str| RawRecommendation {
            text: "Bổ sung kinh phí".into(),
            owner: "UBND".into(),
            due: due.into(),
        };
        assert!(check_recommendation(&raw("15/10/2026"), held).is_ok());
        let keys: Vec<&str> = check_recommendation(&raw("14/10/2026"), held)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|p| p.key)
            .collect();
        assert_eq!(keys, ["supervision.err_due_before"]);
        assert!(check_recommendation(&raw("31/02/2026"), held).is_err());
    }

    #[test]
    fn an_open_recommendation_is_overdue_the_day_after_it_is_due() {
        let due = d(2026, 11, 30);
        assert!(!recommendation_overdue(due, None, d(2026, 11, 30)));
        assert!(recommendation_overdue(due, None, d(2026, 12, 1)));
        assert!(!recommendation_overdue(
            due,
            Some(d(2026, 12, 5)),
            d(2026, 12, 6)
        ));
    }
}

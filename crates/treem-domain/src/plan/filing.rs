//! A progress report as a person types it (a form or the API), checked
//! before it is filed: the period belongs to the plan and has begun, the
//! status is one of three, what was done is said, and the figures are
//! whole numbers (`12.000.000` with thousands dots is read as twelve
//! million; `1.5` or `1,5` is refused, never guessed).

use chrono::NaiveDate;

use super::progress::{FIGURE_MAX, ProgressStatus, ReportPeriod, Window};

/// The longest a text field may be, in characters: the interchange
/// format's limit, so that whatever is typed here exports and imports back.
pub const TEXT_MAX: usize = crate::child_input::MAX_FIELD_CHARS;

/// A report as typed: every field as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawProgress {
    pub period: String,
    pub agency: String,
    pub status: String,
    pub summary: String,
    pub sessions: String,
    pub people_reached: String,
    pub budget_spent: String,
    pub problems: String,
    pub proposals: String,
}

/// A report that passed the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub period: ReportPeriod,
    pub agency: String,
    pub status: ProgressStatus,
    pub summary: String,
    pub sessions: Option<i64>,
    pub people_reached: Option<i64>,
    pub budget_spent: Option<i64>,
    pub problems: String,
    pub proposals: String,
}

/// What is wrong with one field: the field's name and the locale key of
/// the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub key: &'static str,
}

/// Text that is not a whole number of at most [`FIGURE_MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotWhole;

/// A whole number as typed: digits, or digits grouped by thousands dots.
/// Empty is `Ok(None)`.
pub fn whole_number(s: &str) -> Result<Option<i64>, NotWhole> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let groups: Vec<&str> = s.split('.').collect();
    let grouped = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3);
    if groups.len() > 1 && !grouped {
        return Err(NotWhole);
    }
    let digits: String = groups.concat();
    if digits.is_empty() || digits.len() > 13 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NotWhole);
    }
    let n: i64 = digits.parse().map_err(|_| NotWhole)?;
    if n > FIGURE_MAX {
        return Err(NotWhole);
    }
    Ok(Some(n))
}

/// Checks a typed report against the plan's window on `today`.
pub fn check(
    raw: &RawProgress,
    window: Window,
    today: NaiveDate,
) -> Result<Progress, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut problem = |field, key| problems.push(Problem { field, key });
    let period = ReportPeriod::parse(&raw.period);
    match period {
        None => problem("period", "plan.err_period"),
        Some(p) if !window.takes(p) => problem("period", "plan.err_period_outside"),
        Some(p) if p.first_day() > today => problem("period", "plan.err_period_future"),
        Some(_) => {}
    }
    let agency = raw.agency.trim().to_string();
    if agency.is_empty() {
        problem("agency", "plan.err_agency");
    }
    let status = ProgressStatus::from_code(raw.status.trim());
    if status.is_none() {
        problem("status", "plan.err_status");
    }
    let summary = raw.summary.trim().to_string();
    if summary.is_empty() && status.is_some_and(|s| s != ProgressStatus::NotStarted) {
        problem("summary", "plan.err_summary");
    }
    let mut figure = |field: &'static str, s: &str| match whole_number(s) {
        Ok(n) => n,
        Err(NotWhole) => {
            problem(field, "plan.err_figure");
            None
        }
    };
    let sessions = figure("sessions", &raw.sessions);
    let people_reached = figure("people_reached", &raw.people_reached);
    let budget_spent = figure("budget_spent", &raw.budget_spent);
    let texts = [
        ("summary", &summary),
        ("problems", &raw.problems),
        ("proposals", &raw.proposals),
    ];
    for (field, text) in texts {
        if text.chars().count() > TEXT_MAX {
            problem(field, "plan.err_too_long");
        }
    }
    match (period, status) {
        (Some(period), Some(status)) if problems.is_empty() => Ok(Progress {
            period,
            agency,
            status,
            summary,
            sessions,
            people_reached,
            budget_spent,
            problems: raw.problems.trim().to_string(),
            proposals: raw.proposals.trim().to_string(),
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
#[path = "filing_tests.rs"]
mod tests;

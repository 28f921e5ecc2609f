//! The progress of a plan's tasks: the periods a task is reported for (the
//! indicators' half-years and years, Decree 09/2019), the reports an agency
//! files, and when a task is overdue. Dates are Vietnamese dates
//! (`clock::vn_today`); a period closes at the end of its last day there.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::Cadence;

/// A report period: the first half of a year (`2025h1`, 1/1–30/6) or the
/// whole year (`2025`, the annual report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportPeriod {
    pub year: i32,
    /// The first half; otherwise the whole year.
    pub half: bool,
}

/// In time order: a year's first half before the year.
impl Ord for ReportPeriod {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.year, !self.half).cmp(&(other.year, !other.half))
    }
}

impl PartialOrd for ReportPeriod {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

impl ReportPeriod {
    /// `2025h1` or `2025` (years 2000–2100).
    pub fn parse(s: &str) -> Option<ReportPeriod> {
        let s = s.trim();
        let (year, half) = match s.strip_suffix("h1") {
            Some(y) => (y, true),
            None => (s, false),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        (2000..=2100)
            .contains(&year)
            .then_some(ReportPeriod { year, half })
    }

    pub fn code(self) -> String {
        if self.half {
            format!("{}h1", self.year)
        } else {
            self.year.to_string()
        }
    }

    /// The Vietnamese name: "6 tháng đầu năm 2025", "năm 2025".
    pub fn label(self) -> String {
        if self.half {
            format!("6 tháng đầu năm {}", self.year)
        } else {
            format!("năm {}", self.year)
        }
    }

    pub fn first_day(self) -> NaiveDate {
        date(self.year, 1, 1)
    }

    /// 30 June or 31 December.
    pub fn last_day(self) -> NaiveDate {
        if self.half {
            date(self.year, 6, 30)
        } else {
            date(self.year, 12, 31)
        }
    }

    /// The period whose report is being written on `day`: the first half
    /// until 30 June, then the year.
    pub fn containing(day: NaiveDate) -> ReportPeriod {
        ReportPeriod {
            year: day.year(),
            half: day.month() <= 6,
        }
    }

    /// Whether the period has closed on `today` (its last day is past).
    pub fn closed(self, today: NaiveDate) -> bool {
        today > self.last_day()
    }

    /// The next period: `2025h1` → `2025` → `2026h1`.
    pub fn next(self) -> ReportPeriod {
        if self.half {
            ReportPeriod {
                year: self.year,
                half: false,
            }
        } else {
            ReportPeriod {
                year: self.year + 1,
                half: true,
            }
        }
    }
}

/// What an agency reports about a task for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    NotStarted,
    UnderWay,
    Done,
}

impl ProgressStatus {
    pub const ALL: [ProgressStatus; 3] = [
        ProgressStatus::NotStarted,
        ProgressStatus::UnderWay,
        ProgressStatus::Done,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProgressStatus::NotStarted => "not_started",
            ProgressStatus::UnderWay => "under_way",
            ProgressStatus::Done => "done",
        }
    }

    pub fn from_code(s: &str) -> Option<ProgressStatus> {
        ProgressStatus::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// Where a task stands now, as lists and the API show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    NotStarted,
    UnderWay,
    Done,
    Overdue,
}

impl TaskState {
    pub fn code(self) -> &'static str {
        match self {
            TaskState::NotStarted => "not_started",
            TaskState::UnderWay => "under_way",
            TaskState::Done => "done",
            TaskState::Overdue => "overdue",
        }
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            TaskState::NotStarted => "plan.state_not_started",
            TaskState::UnderWay => "plan.state_under_way",
            TaskState::Done => "plan.state_done",
            TaskState::Overdue => "plan.state_overdue",
        }
    }
}

/// The days a plan takes reports for: its years, while its unit exists
/// (a district's plan stops at the reform; a commune's derived plan starts
/// there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Window {
    /// Plan years `years`, unit valid from `valid_from` to `valid_to`.
    pub fn new(
        years: (i32, i32),
        valid_from: Option<NaiveDate>,
        valid_to: Option<NaiveDate>,
    ) -> Window {
        let from = date(years.0, 1, 1).max(valid_from.unwrap_or(NaiveDate::MIN));
        let to = date(years.1, 12, 31).min(valid_to.unwrap_or(NaiveDate::MAX));
        Window { from, to }
    }

    /// Whether a report for `period` belongs to this plan: the plan's unit
    /// exists on the period's last day, within the plan's years.
    pub fn takes(self, period: ReportPeriod) -> bool {
        let last = period.last_day();
        self.from <= last && last <= self.to
    }
}

/// The periods a task of `cadence` is reported for within `window`, in
/// order: half-years and years, or years only for a yearly task.
pub fn periods(cadence: Cadence, window: Window) -> Vec<ReportPeriod> {
    let mut out = Vec::new();
    let mut p = ReportPeriod {
        year: window.from.year(),
        half: true,
    };
    while p.first_day() <= window.to {
        if window.takes(p) && (cadence != Cadence::Yearly || !p.half) {
            out.push(p);
        }
        p = p.next();
    }
    out
}

/// A task's reports by its lead agency: the latest status per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filed {
    pub period: ReportPeriod,
    pub status: ProgressStatus,
}

/// Where a task stands on `today` and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub state: TaskState,
    /// Closed periods the lead agency has not reported on.
    pub missing: Vec<ReportPeriod>,
    /// A task due once whose due date passed without "done".
    pub due_passed: bool,
}

/// Where a task stands: overdue when a closed period of its plan has no
/// report by its lead agency, or when it is due once, the due date has
/// passed and no report says "done"; otherwise the status of its latest
/// report (not started when there is none). A task due once that is done
/// needs no reports any more. `live` is false for a plan whose unit no longer
/// exists: its missing reports are history, never overdue.
pub fn standing(
    cadence: Cadence,
    due: Option<NaiveDate>,
    window: Window,
    filed: &[Filed],
    today: NaiveDate,
    live: bool,
) -> Standing {
    let done_once =
        cadence == Cadence::Once && filed.iter().any(|f| f.status == ProgressStatus::Done);
    let missing: Vec<ReportPeriod> = periods(cadence, window)
        .into_iter()
        .filter(|p| p.closed(today) && !done_once)
        .filter(|p| !filed.iter().any(|f| f.period == *p))
        .collect();
    let due_passed = cadence == Cadence::Once && !done_once && due.is_some_and(|d| today > d);
    let latest = filed.iter().max_by_key(|f| f.period).map(|f| f.status);
    let state = if live && (!missing.is_empty() || due_passed) {
        TaskState::Overdue
    } else if done_once {
        TaskState::Done
    } else {
        match latest {
            None | Some(ProgressStatus::NotStarted) => TaskState::NotStarted,
            Some(ProgressStatus::UnderWay) => TaskState::UnderWay,
            Some(ProgressStatus::Done) => TaskState::Done,
        }
    };
    Standing {
        state,
        missing,
        due_passed,
    }
}

/// The figures a progress report may carry, by their API names.
pub const FIGURES: [&str; 3] = ["sessions", "people_reached", "budget_spent"];

/// The most a figure may be (a sanity limit, not a rule of the plan).
pub const FIGURE_MAX: i64 = 1_000_000_000_000;

#[cfg(test)]
#[path = "progress_tests.rs"]
mod tests;

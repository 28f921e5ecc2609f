//! The procedure's deadlines, counted the way the decree and the Civil Code
//! count them, in Vietnamese time (Asia/Ho_Chi_Minh, UTC+7, no daylight
//! saving):
//! - emergency measures within **12 hours** of receiving the report, when
//!   the risk is high — an exact instant;
//! - the support plan within **5 working days**: the day the report came in
//!   is not counted (Civil Code art. 147), working days are Monday to Friday
//!   except public holidays, and the plan is on time until the end of the
//!   fifth working day;
//! - the commune chair's decision on a plan submitted within **2 working
//!   days**, counted the same way from the day it was submitted (see
//!   `docs/decisions.md`: the figure is the published procedure's seven
//!   working days less the plan's five).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use super::Risk;
use crate::clock::{VN_OFFSET, vn_date};

/// Hours allowed for emergency measures, from the report.
pub const EMERGENCY_HOURS: i64 = 12;
/// Working days allowed for the plan, after the day of the report.
pub const PLAN_WORKING_DAYS: u32 = 5;
/// Working days the chair has to decide on a submitted plan.
pub const APPROVAL_WORKING_DAYS: u32 = 2;
/// A deadline this close is shown as due soon.
pub const DUE_SOON_HOURS: i64 = 24;

/// The fixed-date public holidays of the Labour Code 2019 (art. 112). The
/// lunar ones (Tết, the Hùng Kings' day) and the day next to 2 September
/// change every year; an administrator enters them.
pub fn labour_code_fixed(year: i32) -> Vec<(NaiveDate, &'static str)> {
    [
        (1, 1, "Tết Dương lịch"),
        (4, 30, "Ngày Chiến thắng"),
        (5, 1, "Ngày Quốc tế lao động"),
        (9, 2, "Quốc khánh"),
    ]
    .into_iter()
    .filter_map(|(m, d, name)| NaiveDate::from_ymd_opt(year, m, d).map(|day| (day, name)))
    .collect()
}

/// Weekends plus the public holidays on record.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// A calendar with these public holidays.
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Calendar {
            holidays: holidays.into_iter().collect(),
        }
    }

    /// Whether offices work on `day`.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// The `n`th working day after `day` (`day` itself not counted).
    pub fn working_days_after(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut d = day;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().unwrap_or(d);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }
}

/// The last instant of a Vietnamese day (whole seconds are stored).
fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let t = day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
    VN_OFFSET
        .from_local_datetime(&t)
        .single()
        .map(|d| d.to_utc())
        .unwrap_or_else(|| t.and_utc())
}

/// A case's deadlines. Both are inclusive: a step taken at the instant is on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Only when the risk is high.
    pub emergency_by: Option<DateTime<Utc>>,
    pub plan_by: DateTime<Utc>,
    /// Only while a submitted plan waits for the chair's decision.
    pub approve_by: Option<DateTime<Utc>>,
}

/// The deadlines of a report received at `received_at` with risk `risk`
/// (no approval due: see [`Deadlines::awaiting`]).
pub fn deadlines(received_at: DateTime<Utc>, risk: Option<Risk>, calendar: &Calendar) -> Deadlines {
    let plan_day = calendar.working_days_after(vn_date(received_at), PLAN_WORKING_DAYS);
    Deadlines {
        emergency_by: (risk == Some(Risk::High))
            .then(|| received_at + Duration::hours(EMERGENCY_HOURS)),
        plan_by: end_of_day(plan_day),
        approve_by: None,
    }
}

impl Deadlines {
    /// These deadlines with the chair's decision due on a plan submitted
    /// at `submitted_at` (none when no plan waits).
    pub fn awaiting(self, submitted_at: Option<DateTime<Utc>>, calendar: &Calendar) -> Deadlines {
        Deadlines {
            approve_by: submitted_at.map(|at| {
                end_of_day(calendar.working_days_after(vn_date(at), APPROVAL_WORKING_DAYS))
            }),
            ..self
        }
    }
}

/// How far a case has come, as far as deadlines care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// The first emergency measure.
    pub emergency_at: Option<DateTime<Utc>>,
    /// The first plan drafted.
    pub plan_at: Option<DateTime<Utc>>,
    pub closed: bool,
}

/// How urgent a case is; the order is the order of a "my cases" list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Overdue,
    DueSoon,
    OnTrack,
    /// Nothing is due: every deadline met (or missed and done since), or closed.
    Settled,
}

impl Urgency {
    /// Every urgency, most urgent first.
    pub const ALL: [Urgency; 4] = [
        Urgency::Overdue,
        Urgency::DueSoon,
        Urgency::OnTrack,
        Urgency::Settled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::DueSoon => "due_soon",
            Urgency::OnTrack => "on_track",
            Urgency::Settled => "settled",
        }
    }
}

/// The open deadline that comes first, if any.
pub fn next_due(d: &Deadlines, p: &Progress) -> Option<DateTime<Utc>> {
    if p.closed {
        return None;
    }
    let emergency = d.emergency_by.filter(|_| p.emergency_at.is_none());
    let plan = Some(d.plan_by).filter(|_| p.plan_at.is_none());
    [emergency, plan, d.approve_by].into_iter().flatten().min()
}

/// The urgency at `now`: overdue once the instant of an open deadline has
/// passed, due soon within [`DUE_SOON_HOURS`] of it.
pub fn urgency(d: &Deadlines, p: &Progress, now: DateTime<Utc>) -> Urgency {
    match next_due(d, p) {
        None => Urgency::Settled,
        Some(due) if now > due => Urgency::Overdue,
        Some(due) if due - now <= Duration::hours(DUE_SOON_HOURS) => Urgency::DueSoon,
        Some(_) => Urgency::OnTrack,
    }
}

/// Whether a step done at `at` met a deadline.
pub fn on_time(at: DateTime<Utc>, by: DateTime<Utc>) -> bool {
    at <= by
}

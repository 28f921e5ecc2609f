//! How a period's cases were handled on time (the report's section IV):
//! of the reports received in the period, how many needed emergency
//! measures (high risk) and got them within 12 hours, how many plans were
//! made and how many within 5 working days, how many are closed. Counts
//! only: no name, no content.

use chrono::{DateTime, NaiveDate, Utc};

use super::deadlines::{Calendar, deadlines, on_time};
use super::{Harm, Risk, Source, Vocabulary};
use crate::clock::vn_date;

/// What a case's summary says about its timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseTimes {
    pub received_at: DateTime<Utc>,
    pub risk: Option<Risk>,
    pub emergency_at: Option<DateTime<Utc>>,
    pub plan_at: Option<DateTime<Utc>>,
    pub closed: bool,
}

/// The counts of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timeliness {
    pub received: usize,
    /// High risk: emergency measures were required.
    pub emergency_needed: usize,
    pub emergency_on_time: usize,
    pub plans: usize,
    pub plans_on_time: usize,
    pub closed: usize,
}

/// Counts the cases received from `start` to `end` (Vietnamese dates,
/// inclusive).
pub fn count(
    cases: &[CaseTimes],
    start: NaiveDate,
    end: NaiveDate,
    calendar: &Calendar,
) -> Timeliness {
    let mut t = Timeliness::default();
    for c in cases {
        let day = vn_date(c.received_at);
        if day < start || day > end {
            continue;
        }
        t.received += 1;
        let d = deadlines(c.received_at, c.risk, calendar);
        if let Some(by) = d.emergency_by {
            t.emergency_needed += 1;
            t.emergency_on_time += usize::from(c.emergency_at.is_some_and(|at| on_time(at, by)));
        }
        if let Some(at) = c.plan_at {
            t.plans += 1;
            t.plans_on_time += usize::from(on_time(at, d.plan_by));
        }
        t.closed += usize::from(c.closed);
    }
    t
}

/// A period's cases by kind of harm and by source, in the forms' order,
/// only kinds with cases. A case of several kinds counts once in each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Kinds {
    pub harms: Vec<(Harm, usize)>,
    pub sources: Vec<(Source, usize)>,
}

/// Counts the cases received in `start..=end` (Vietnamese dates) by kind;
/// each case is (received at, source code, harm codes `;` between).
pub fn kinds(cases: &[(DateTime<Utc>, &str, &str)], start: NaiveDate, end: NaiveDate) -> Kinds {
    let mut harms = vec![0; Harm::ALL.len()];
    let mut sources = vec![0; Source::ALL.len()];
    for (at, source, harm) in cases {
        let day = vn_date(*at);
        if day < start || day > end {
            continue;
        }
        let source = Source::parse(source).unwrap_or(Source::Other);
        if let Some(i) = Source::ALL.iter().position(|s| *s == source) {
            sources[i] += 1;
        }
        let mut seen: Vec<Harm> = harm
            .split(';')
            .map(|h| Harm::parse(h).unwrap_or(Harm::Other))
            .collect();
        seen.sort();
        seen.dedup();
        for h in seen {
            if let Some(i) = Harm::ALL.iter().position(|x| *x == h) {
                harms[i] += 1;
            }
        }
    }
    fn keep<T: Copy>(all: &[T], n: Vec<usize>) -> Vec<(T, usize)> {
        all.iter().copied().zip(n).filter(|(_, n)| *n > 0).collect()
    }
    Kinds {
        harms: keep(Harm::ALL, harms),
        sources: keep(Source::ALL, sources),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn on_time_counts_follow_the_deadlines() {
        let cal = Calendar::new([]);
        // Monday 3 March 2025, 09:00 Vietnamese time.
        let at = Utc
            .with_ymd_and_hms(2025, 3, 3, 2, 0, 0)
            .single()
            .unwrap_or_default();
        let case = |risk, emergency: Option<i64>, plan: Option<i64>, closed| CaseTimes {
            received_at: at,
            risk,
            emergency_at: emergency.map(|h| at + Duration::hours(h)),
            plan_at: plan.map(|h| at + Duration::hours(h)),
            closed,
        };
        let cases = [
            case(Some(Risk::High), Some(11), Some(24), true),
            case(Some(Risk::High), Some(13), None, false),
            // Five working days after Monday: the next Monday, end of day.
            case(Some(Risk::Low), None, Some(24 * 7), false),
            case(None, None, Some(24 * 9), false),
        ];
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap_or_default();
        let t = count(&cases, d(1, 1), d(6, 30), &cal);
        assert_eq!(
            t,
            Timeliness {
                received: 4,
                emergency_needed: 2,
                emergency_on_time: 1,
                plans: 3,
                plans_on_time: 2,
                closed: 1,
            }
        );
        assert_eq!(
            count(&cases, d(7, 1), d(12, 31), &cal),
            Timeliness::default()
        );
    }

    #[test]
    fn cases_are_counted_by_harm_and_source_within_the_period() {
        let at = |m| {
            Utc.with_ymd_and_hms(2025, m, 3, 2, 0, 0)
                .single()
                .unwrap_or_default()
        };
        let cases = [
            (at(3), "hotline_111", "violence;sexual_abuse"),
            (at(4), "school", "violence"),
            (at(5), "hotline_111", "neglect;neglect"),
            (at(8), "police", "trafficking"),
        ];
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap_or_default();
        let k = kinds(&cases, d(1, 1), d(6, 30));
        assert_eq!(
            k.harms,
            vec![
                (Harm::Violence, 2),
                (Harm::SexualAbuse, 1),
                (Harm::Neglect, 1)
            ]
        );
        assert_eq!(
            k.sources,
            vec![(Source::Hotline111, 2), (Source::School, 1)]
        );
        assert_eq!(kinds(&cases, d(9, 1), d(12, 31)), Kinds::default());
    }
}

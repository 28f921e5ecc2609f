use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

fn p(code: &str) -> ReportPeriod {
    ReportPeriod::parse(code).unwrap_or(ReportPeriod {
        year: 0,
        half: false,
    })
}

/// A commune's derived plan: 2024–2030, the commune exists from 1/7/2025.
fn commune() -> Window {
    Window::new((2024, 2030), Some(d(2025, 7, 1)), None)
}

/// The former district's plan: it ends with the district on 30/6/2025.
fn district() -> Window {
    Window::new((2024, 2030), None, Some(d(2025, 6, 30)))
}

#[test]
fn periods_are_read_and_written_exactly() {
    assert_eq!(
        p("2025h1"),
        ReportPeriod {
            year: 2025,
            half: true
        }
    );
    assert_eq!(
        p("2025"),
        ReportPeriod {
            year: 2025,
            half: false
        }
    );
    for bad in [
        "", "2025h2", "25h1", "2025H1", "h1", "20251", "1999", "2101", "2025 h1", "+202",
    ] {
        assert_eq!(ReportPeriod::parse(bad), None, "{bad}");
    }
    assert_eq!(p("2025h1").code(), "2025h1");
    assert_eq!(p("2025").code(), "2025");
    assert_eq!(p("2025h1").last_day(), d(2025, 6, 30));
    assert_eq!(p("2025").last_day(), d(2025, 12, 31));
    assert_eq!(p("2025h1").next(), p("2025"));
    assert_eq!(p("2025").next(), p("2026h1"));
    assert!(p("2025h1") < p("2025") && p("2025") < p("2026h1"));
    assert_eq!(p("2025h1").label(), "6 tháng đầu năm 2025");
}

#[test]
fn a_period_closes_after_its_last_day() {
    assert_eq!(ReportPeriod::containing(d(2026, 6, 30)), p("2026h1"));
    assert_eq!(ReportPeriod::containing(d(2026, 7, 1)), p("2026"));
    assert!(!p("2026h1").closed(d(2026, 6, 30)));
    assert!(p("2026h1").closed(d(2026, 7, 1)));
    assert!(!p("2026").closed(d(2026, 12, 31)));
    assert!(p("2026").closed(d(2027, 1, 1)));
}

#[test]
fn the_reform_splits_the_periods_between_district_and_communes() {
    let of = |w| {
        periods(Cadence::SixMonthly, w)
            .into_iter()
            .take(4)
            .map(ReportPeriod::code)
            .collect::<Vec<_>>()
    };
    assert_eq!(of(district()), ["2024h1", "2024", "2025h1"]);
    assert_eq!(of(commune()), ["2025", "2026h1", "2026", "2027h1"]);
    let yearly: Vec<_> = periods(Cadence::Yearly, commune())
        .into_iter()
        .map(ReportPeriod::code)
        .collect();
    assert_eq!(yearly, ["2025", "2026", "2027", "2028", "2029", "2030"]);
    assert!(!district().takes(p("2025")));
    assert!(commune().takes(p("2025")));
    assert!(!commune().takes(p("2031h1")));
}

fn filed(code: &str, status: ProgressStatus) -> Filed {
    Filed {
        period: p(code),
        status,
    }
}

#[test]
fn a_closed_period_without_a_report_is_overdue() {
    let today = d(2026, 12, 6);
    let none = standing(Cadence::SixMonthly, None, commune(), &[], today, true);
    assert_eq!(none.state, TaskState::Overdue);
    assert_eq!(none.missing, [p("2025"), p("2026h1")]);
    let one = [filed("2025", ProgressStatus::UnderWay)];
    let s = standing(Cadence::SixMonthly, None, commune(), &one, today, true);
    assert_eq!(
        (s.state, s.missing.clone()),
        (TaskState::Overdue, vec![p("2026h1")])
    );
    let both = [
        filed("2025", ProgressStatus::UnderWay),
        filed("2026h1", ProgressStatus::UnderWay),
    ];
    let s = standing(Cadence::SixMonthly, None, commune(), &both, today, true);
    assert_eq!(s.state, TaskState::UnderWay);
    assert!(s.missing.is_empty());
    // On 30/6 the half-year is still open; on 1/7 (Vietnamese date) it is closed.
    let open = standing(
        Cadence::SixMonthly,
        None,
        commune(),
        &one,
        d(2026, 6, 30),
        true,
    );
    assert_eq!(open.state, TaskState::UnderWay);
    let closed = standing(
        Cadence::SixMonthly,
        None,
        commune(),
        &one,
        d(2026, 7, 1),
        true,
    );
    assert_eq!(closed.state, TaskState::Overdue);
}

#[test]
fn a_yearly_task_needs_only_the_annual_reports() {
    let one = [filed("2025", ProgressStatus::Done)];
    let s = standing(Cadence::Yearly, None, commune(), &one, d(2026, 12, 6), true);
    assert_eq!(s.state, TaskState::Done);
    let s = standing(Cadence::Yearly, None, commune(), &one, d(2027, 1, 1), true);
    assert_eq!((s.state, s.missing), (TaskState::Overdue, vec![p("2026")]));
}

#[test]
fn a_task_due_once_is_overdue_after_its_due_date_until_done() {
    let due = Some(d(2026, 9, 30));
    let under = [
        filed("2025", ProgressStatus::UnderWay),
        filed("2026h1", ProgressStatus::UnderWay),
    ];
    let before = standing(Cadence::Once, due, commune(), &under, d(2026, 9, 30), true);
    assert_eq!(before.state, TaskState::UnderWay);
    let after = standing(Cadence::Once, due, commune(), &under, d(2026, 10, 1), true);
    assert_eq!(after.state, TaskState::Overdue);
    assert!(after.due_passed && after.missing.is_empty());
    // Done once: nothing is asked any more, not even the periods after.
    let done = [filed("2025", ProgressStatus::Done)];
    let s = standing(Cadence::Once, due, commune(), &done, d(2028, 1, 1), true);
    assert_eq!(
        s,
        Standing {
            state: TaskState::Done,
            missing: vec![],
            due_passed: false
        }
    );
}

#[test]
fn a_retired_units_plan_is_history_never_overdue() {
    let s = standing(
        Cadence::SixMonthly,
        None,
        district(),
        &[],
        d(2026, 12, 6),
        false,
    );
    assert_eq!(s.state, TaskState::NotStarted);
    assert_eq!(s.missing, [p("2024h1"), p("2024"), p("2025h1")]);
}

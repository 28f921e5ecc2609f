use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

fn window() -> Window {
    Window::new((2024, 2030), Some(d(2025, 7, 1)), None)
}

fn good() -> RawProgress {
    RawProgress {
        period: "2026h1".into(),
        agency: "MTTQ".into(),
        status: "under_way".into(),
        summary: "Tổ chức 4 buổi truyền thông".into(),
        sessions: "4".into(),
        people_reached: "320".into(),
        budget_spent: "12.500.000".into(),
        problems: String::new(),
        proposals: " Bổ sung kinh phí ".into(),
    }
}

fn fields(raw: &RawProgress, today: NaiveDate) -> Vec<(&'static str, &'static str)> {
    match check(raw, window(), today) {
        Ok(_) => vec![],
        Err(p) => p.into_iter().map(|p| (p.field, p.key)).collect(),
    }
}

#[test]
fn a_good_report_is_read_exactly() {
    let Ok(p) = check(&good(), window(), d(2026, 12, 6)) else {
        panic!("refused");
    };
    assert_eq!(p.period.code(), "2026h1");
    assert_eq!(p.status, ProgressStatus::UnderWay);
    assert_eq!(
        (p.sessions, p.people_reached, p.budget_spent),
        (Some(4), Some(320), Some(12_500_000))
    );
    assert_eq!(p.proposals, "Bổ sung kinh phí");
}

#[test]
fn whole_numbers_are_never_guessed() {
    assert_eq!(whole_number(""), Ok(None));
    assert_eq!(whole_number(" 0 "), Ok(Some(0)));
    assert_eq!(whole_number("1.200"), Ok(Some(1200)));
    assert_eq!(whole_number("12.500.000"), Ok(Some(12_500_000)));
    for bad in [
        "1.5",
        "1,5",
        "-3",
        "1.20",
        "12.5000",
        ".200",
        "3 000",
        "abc",
        "1e3",
        "99999999999999",
    ] {
        assert_eq!(whole_number(bad), Err(NotWhole), "{bad}");
    }
}

#[test]
fn bad_fields_are_each_named() {
    let today = d(2026, 12, 6);
    let mut r = good();
    r.period = "2025h1".into(); // the district's, before the commune existed
    assert_eq!(fields(&r, today), [("period", "plan.err_period_outside")]);
    r.period = "2027h1".into();
    assert_eq!(fields(&r, today), [("period", "plan.err_period_future")]);
    r.period = "2026h2".into();
    assert_eq!(fields(&r, today), [("period", "plan.err_period")]);
    let mut r = good();
    r.status = "finished".into();
    r.summary = "   ".into();
    r.sessions = "4,5".into();
    r.agency = String::new();
    assert_eq!(
        fields(&r, today),
        [
            ("agency", "plan.err_agency"),
            ("status", "plan.err_status"),
            ("sessions", "plan.err_figure"),
        ]
    );
    let mut r = good();
    r.summary = String::new();
    assert_eq!(fields(&r, today), [("summary", "plan.err_summary")]);
    r.status = "not_started".into();
    assert_eq!(fields(&r, today), []);
    let mut r = good();
    r.problems = "x".repeat(TEXT_MAX + 1);
    assert_eq!(fields(&r, today), [("problems", "plan.err_too_long")]);
    // The current half-year may be reported while it runs.
    let mut r = good();
    r.period = "2026".into();
    assert_eq!(fields(&r, today), []);
}

use chrono::{DateTime, NaiveDate, Utc};

use super::deadlines::*;
use super::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.to_utc())
        .unwrap_or_default()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn calendar_2026() -> Calendar {
    let mut days: Vec<NaiveDate> = labour_code_fixed(2026)
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    // Tết 2026 as an administrator would enter it (Mon 16 – Fri 20 February).
    days.extend((16..=20).map(|d| day(2026, 2, d)));
    Calendar::new(days)
}

#[test]
fn every_transition_is_the_procedure_and_nothing_else() {
    use Step::*;
    let lawful = [
        (Received, InitialAssessment),
        (Received, EmergencyMeasures),
        (InitialAssessment, EmergencyMeasures),
        (InitialAssessment, DetailedAssessment),
        (EmergencyMeasures, DetailedAssessment),
        (DetailedAssessment, EmergencyMeasures),
        (DetailedAssessment, PlanDrafted),
        (PlanDrafted, PlanApproved),
        (PlanDrafted, PlanReturned),
        (PlanReturned, PlanDrafted),
        (PlanApproved, Implementation),
        (Implementation, Review),
        (Review, ClosureProposed),
        (Review, Replan),
        (Replan, DetailedAssessment),
        (Replan, PlanDrafted),
        // An unfounded report is closed after the initial assessment.
        (InitialAssessment, ClosureProposed),
        (ClosureProposed, Closed),
        (ClosureProposed, DetailedAssessment),
        (ClosureProposed, Replan),
    ];
    for &from in Step::ALL {
        for &to in Step::ALL {
            assert_eq!(
                from.allows(to),
                lawful.contains(&(from, to)),
                "{from:?} → {to:?}"
            );
        }
    }
    assert!(!Received.allows(PlanApproved));
    assert!(!DetailedAssessment.allows(PlanApproved));
    assert!(Closed.next().is_empty());
    assert!(!Received.allows(Received));
}

#[test]
fn codes_round_trip_and_unknown_codes_are_refused() {
    for s in Step::ALL {
        assert_eq!(Step::parse(s.code()), Some(*s));
    }
    for h in Harm::ALL {
        assert_eq!(Harm::parse(h.code()), Some(*h));
    }
    assert_eq!(Step::parse("approved"), None);
    assert_eq!(Risk::parse(" high "), Some(Risk::High));
    assert_eq!(Source::parse("hotline_111"), Some(Source::Hotline111));
    assert_eq!(case_number("03208", 2026, 7), "03208-2026-0007");
}

/// Every value reads differently from the others in each language (a
/// choice list with two equal labels could not be answered).
fn labels_are_distinct<T: Vocabulary>() {
    for lang in [Lang::Vi, Lang::En] {
        let mut labels: Vec<&str> = T::ALL.iter().map(|v| v.label(lang)).collect();
        assert!(labels.iter().all(|l| !l.trim().is_empty()));
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), T::ALL.len(), "{lang:?}: {labels:?}");
    }
}

#[test]
fn every_vocabulary_has_distinct_labels_in_both_languages() {
    labels_are_distinct::<Step>();
    labels_are_distinct::<Source>();
    labels_are_distinct::<Harm>();
    labels_are_distinct::<Risk>();
    labels_are_distinct::<Relation>();
    labels_are_distinct::<Grant>();
    assert_eq!(Step::Closed.label(Lang::En), "Case closed");
    assert_eq!(Step::Closed.label(Lang::Vi), "Đóng hồ sơ");
}

#[test]
fn twelve_hours_are_exact_to_the_second() {
    let received = at("2026-03-02T08:15:00+07:00");
    let d = deadlines(received, Some(Risk::High), &calendar_2026());
    let by = d.emergency_by.unwrap_or_default();
    assert_eq!(by, at("2026-03-02T20:15:00+07:00"));
    assert!(on_time(at("2026-03-02T20:15:00+07:00"), by));
    assert!(!on_time(at("2026-03-02T20:15:01+07:00"), by));
    let open = Progress::default();
    assert_eq!(
        urgency(&d, &open, at("2026-03-02T20:15:00+07:00")),
        Urgency::DueSoon
    );
    assert_eq!(
        urgency(&d, &open, at("2026-03-02T20:15:01+07:00")),
        Urgency::Overdue
    );
    // Across midnight and across a weekend, hours are hours.
    let late = at("2026-03-06T22:00:00+07:00"); // a Friday night
    let d = deadlines(late, Some(Risk::High), &calendar_2026());
    assert_eq!(d.emergency_by, Some(at("2026-03-07T10:00:00+07:00")));
}

#[test]
fn only_high_risk_has_an_emergency_deadline() {
    let received = at("2026-03-02T08:15:00+07:00");
    for risk in [None, Some(Risk::Medium), Some(Risk::Low)] {
        assert_eq!(
            deadlines(received, risk, &calendar_2026()).emergency_by,
            None
        );
    }
}

#[test]
fn the_plan_is_due_at_the_end_of_the_fifth_working_day_after_the_report() {
    let cal = calendar_2026();
    // Monday: Tue, Wed, Thu, Fri, Mon.
    let d = deadlines(at("2026-03-02T08:15:00+07:00"), None, &cal);
    assert_eq!(d.plan_by, at("2026-03-09T23:59:59+07:00"));
    // Friday: the weekend does not count.
    let d = deadlines(at("2026-03-06T16:00:00+07:00"), None, &cal);
    assert_eq!(d.plan_by, at("2026-03-13T23:59:59+07:00"));
    // Saturday and Sunday reports run from Monday.
    for received in ["2026-03-07T09:00:00+07:00", "2026-03-08T09:00:00+07:00"] {
        let d = deadlines(at(received), None, &cal);
        assert_eq!(d.plan_by, at("2026-03-13T23:59:59+07:00"), "{received}");
    }
    // A deadline never falls on a weekend.
    let d = deadlines(at("2026-03-03T09:00:00+07:00"), None, &cal);
    assert_eq!(d.plan_by, at("2026-03-10T23:59:59+07:00"));
}

#[test]
fn public_holidays_are_not_working_days() {
    let cal = calendar_2026();
    // Reported Tue 28 April 2026: Wed 29, (30/4 and 1/5 holidays, weekend), Mon 4, Tue 5, Wed 6, Thu 7.
    let d = deadlines(at("2026-04-28T10:00:00+07:00"), None, &cal);
    assert_eq!(d.plan_by, at("2026-05-07T23:59:59+07:00"));
    // Tết entered by the administrator: reported Fri 13 Feb → Mon 23 … Fri 27.
    let d = deadlines(at("2026-02-13T10:00:00+07:00"), None, &cal);
    assert_eq!(d.plan_by, at("2026-02-27T23:59:59+07:00"));
    // Without the lunar holidays on record, Tết counts as working days.
    let fixed_only = Calendar::new(labour_code_fixed(2026).into_iter().map(|(d, _)| d));
    let d = deadlines(at("2026-02-13T10:00:00+07:00"), None, &fixed_only);
    assert_eq!(d.plan_by, at("2026-02-20T23:59:59+07:00"));
    // Year end: 31 Dec 2025 (Wed) → Fri 2, Mon 5, Tue 6, Wed 7, Thu 8 (1 Jan a holiday).
    let mut both = labour_code_fixed(2025);
    both.extend(labour_code_fixed(2026));
    let cal = Calendar::new(both.into_iter().map(|(d, _)| d));
    let d = deadlines(at("2025-12-31T15:00:00+07:00"), None, &cal);
    assert_eq!(d.plan_by, at("2026-01-08T23:59:59+07:00"));
    assert!(!cal.is_working_day(day(2026, 1, 1)));
    assert!(cal.is_working_day(day(2026, 1, 2)));
}

#[test]
fn the_day_of_the_report_is_the_vietnamese_day() {
    let cal = calendar_2026();
    // 23:30 on Sunday in Hà Nội is 16:30 UTC Sunday: the count starts Monday.
    let d = deadlines(at("2026-03-08T16:30:00Z"), None, &cal);
    assert_eq!(d.plan_by, at("2026-03-13T23:59:59+07:00"));
    // 00:30 on Monday in Hà Nội is still Sunday in UTC: the report is Monday's.
    let d = deadlines(at("2026-03-08T17:30:00Z"), None, &cal);
    assert_eq!(d.plan_by, at("2026-03-16T23:59:59+07:00"));
    // The deadline instant is the end of the day in UTC+7, i.e. 16:59:59 UTC.
    assert_eq!(d.plan_by, at("2026-03-16T16:59:59Z"));
}

#[test]
fn urgency_follows_the_first_open_deadline() {
    let cal = calendar_2026();
    let d = deadlines(at("2026-03-02T08:15:00+07:00"), Some(Risk::High), &cal);
    let mut p = Progress::default();
    assert_eq!(next_due(&d, &p), d.emergency_by);
    assert_eq!(
        urgency(&d, &p, at("2026-03-02T09:00:00+07:00")),
        Urgency::DueSoon
    );
    p.emergency_at = Some(at("2026-03-02T12:00:00+07:00"));
    assert_eq!(next_due(&d, &p), Some(d.plan_by));
    assert_eq!(
        urgency(&d, &p, at("2026-03-03T09:00:00+07:00")),
        Urgency::OnTrack
    );
    assert_eq!(
        urgency(&d, &p, at("2026-03-09T08:00:00+07:00")),
        Urgency::DueSoon
    );
    assert_eq!(
        urgency(&d, &p, at("2026-03-09T23:59:59+07:00")),
        Urgency::DueSoon
    );
    assert_eq!(
        urgency(&d, &p, at("2026-03-10T00:00:00+07:00")),
        Urgency::Overdue
    );
    p.plan_at = Some(at("2026-03-12T10:00:00+07:00"));
    assert_eq!(
        urgency(&d, &p, at("2026-03-12T11:00:00+07:00")),
        Urgency::Settled
    );
    let closed = Progress {
        closed: true,
        ..Progress::default()
    };
    assert_eq!(
        urgency(&d, &closed, at("2027-01-01T00:00:00Z")),
        Urgency::Settled
    );
    assert!(Urgency::Overdue < Urgency::DueSoon && Urgency::DueSoon < Urgency::OnTrack);
}

#[test]
fn access_comes_from_the_case_never_from_the_role() {
    let now = at("2026-03-02T08:15:00+07:00");
    let standings = vec![
        Standing {
            account_id: 1,
            grant: Grant::Assigned,
            until: None,
        },
        Standing {
            account_id: 2,
            grant: Grant::Approver,
            until: None,
        },
        Standing {
            account_id: 3,
            grant: Grant::Granted,
            until: None,
        },
        Standing {
            account_id: 4,
            grant: Grant::BreakGlass,
            until: Some(now),
        },
    ];
    let officer = access(1, &standings, now);
    assert!(officer.read && officer.act && !officer.approve);
    assert!(may_take(officer, Step::PlanDrafted));
    assert!(!may_take(officer, Step::PlanApproved));
    let chair = access(2, &standings, now);
    assert!(chair.read && chair.approve && !chair.act);
    assert!(may_take(chair, Step::PlanReturned));
    // The chair closes a case on the officer's proposal (art. 30).
    assert!(may_take(chair, Step::Closed));
    assert!(!may_take(chair, Step::ClosureProposed));
    assert!(may_take(officer, Step::ClosureProposed));
    assert!(!may_take(officer, Step::Closed));
    assert_eq!(Step::Closed.decides_on(), Some(Step::ClosureProposed));
    assert_eq!(Step::PlanReturned.decides_on(), Some(Step::PlanDrafted));
    assert_eq!(Step::Review.decides_on(), None);
    assert!(access(3, &standings, now).act);
    let glass = access(4, &standings, now);
    assert!(glass.read && !glass.act && !glass.approve);
    assert!(!access(4, &standings, now + chrono::Duration::seconds(1)).read);
    assert_eq!(access(5, &standings, now), CaseAccess::NONE);
}

#[test]
fn forms_are_numbered_one_to_six() {
    assert_eq!(FORMS.map(|(n, _)| n), [1, 2, 3, 4, 5, 6]);
    assert_eq!(Step::PlanDrafted.form(), Some(4));
    assert!(Step::EmergencyMeasures.starts_intervention());
    assert!(Step::Implementation.starts_intervention());
    assert!(!Step::PlanApproved.starts_intervention());
}

#[test]
fn the_procedure_moves_forward_first() {
    use Step::*;
    // After each assessment the procedure goes on to the next document, not
    // back to emergency measures (which stay allowed).
    for (from, to) in [
        (Received, InitialAssessment),
        (InitialAssessment, DetailedAssessment),
        (EmergencyMeasures, DetailedAssessment),
        (DetailedAssessment, PlanDrafted),
        (PlanDrafted, PlanApproved),
        (PlanReturned, PlanDrafted),
        (PlanApproved, Implementation),
        (Implementation, Review),
        (Review, ClosureProposed),
        (ClosureProposed, Closed),
        (Replan, PlanDrafted),
    ] {
        assert_eq!(from.forward(), Some(to), "{from:?}");
        assert!(from.allows(to));
    }
    assert!(DetailedAssessment.allows(EmergencyMeasures));
    assert_eq!(Closed.forward(), None);
}

#[test]
fn the_chair_decides_on_a_plan_within_two_working_days() {
    let received = at("2026-03-02T08:15:00+07:00");
    let d = deadlines(received, Some(Risk::Low), &calendar_2026());
    assert_eq!(d.approve_by, None, "no plan waits");
    // Submitted on a Thursday: Friday and Monday are the two days.
    let submitted = at("2026-03-05T16:00:00+07:00");
    let d = d.awaiting(Some(submitted), &calendar_2026());
    assert_eq!(d.approve_by, Some(at("2026-03-09T23:59:59+07:00")));
    let planned = Progress {
        plan_at: Some(submitted),
        ..Progress::default()
    };
    assert_eq!(
        urgency(&d, &planned, at("2026-03-09T23:59:59+07:00")),
        Urgency::DueSoon
    );
    assert_eq!(
        urgency(&d, &planned, at("2026-03-10T00:00:00+07:00")),
        Urgency::Overdue,
        "a plan waiting past the chair's two days makes the case overdue"
    );
    assert_eq!(
        d.awaiting(None, &calendar_2026()).approve_by,
        None,
        "decided: nothing due"
    );
}

#[test]
fn a_standing_ends_when_it_ends() {
    let now = at("2026-03-05T09:00:00+07:00");
    let ended = |grant| Standing {
        account_id: 7,
        grant,
        until: Some(at("2026-03-05T08:59:59+07:00")),
    };
    for grant in [Grant::Assigned, Grant::Granted, Grant::BreakGlass] {
        assert_eq!(
            access(7, &[ended(grant)], now),
            CaseAccess::NONE,
            "{grant:?}"
        );
        let open = Standing {
            until: None,
            ..ended(grant)
        };
        assert!(access(7, &[open], now).read, "{grant:?}");
    }
}

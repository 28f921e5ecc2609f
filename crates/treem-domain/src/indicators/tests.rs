use super::*;
use crate::test_support::{d, history, unit};

fn child(unit: usize, born: NaiveDate) -> ChildFact {
    ChildFact {
        unit,
        born,
        status: ChildStatus::Active,
        status_date: None,
        birth_registered: Some(true),
        birth_registration_date: None,
    }
}

/// The count of an indicator for a unit code valid on the reference date.
fn count(h: &UnitHistory, figures: &[UnitFigures], code: &str, key: &str) -> Count {
    figures
        .iter()
        .find(|f| h.all()[f.unit].code == code)
        .map(|f| f.counts[at(key)])
        .unwrap_or_default()
}

fn c(numerator: i64, denominator: i64) -> Count {
    Count {
        numerator,
        denominator,
    }
}

const H1_2025: Period = Period {
    year: 2025,
    half: true,
};
const Y2025: Period = Period {
    year: 2025,
    half: false,
};

#[test]
fn birth_registration_counts_under_fives_resident_on_the_day() {
    let h = history();
    let ban_bo = unit(&h, "03424", d(2025, 1, 1));
    let reference = H1_2025.reference_date();
    let mut facts = Facts::default();
    // 1,826 days old is under five; 1,827 is not.
    facts
        .children
        .push(child(ban_bo, reference - chrono::Days::new(1826)));
    facts
        .children
        .push(child(ban_bo, reference - chrono::Days::new(1827)));
    // Registered only after the reference date: not yet.
    let mut late = child(ban_bo, d(2024, 1, 1));
    late.birth_registration_date = Some(d(2025, 7, 1));
    facts.children.push(late);
    // Unknown registration counts as not registered.
    let mut unknown = child(ban_bo, d(2024, 1, 1));
    unknown.birth_registered = None;
    facts.children.push(unknown);
    // Moved away before the day: not resident. Moved after: resident.
    let mut gone = child(ban_bo, d(2023, 1, 1));
    gone.status = ChildStatus::Moved;
    gone.status_date = Some(d(2025, 6, 30));
    facts.children.push(gone);
    let mut later = child(ban_bo, d(2023, 1, 1));
    later.status = ChildStatus::Dead;
    later.status_date = Some(d(2025, 7, 1));
    facts.children.push(later);
    // Born after the day.
    facts.children.push(child(ban_bo, d(2025, 7, 2)));
    let f = compute(&h, &facts, H1_2025);
    assert_eq!(count(&h, &f, "03424", "birth_registration_u5"), c(2, 4));
    assert_eq!(count(&h, &f, "106", "birth_registration_u5"), c(2, 4));
    assert_eq!(count(&h, &f, "12", "birth_registration_u5"), c(2, 4));
}

#[test]
fn units_across_the_reform() {
    let h = history();
    let then_sin = unit(&h, "03394", d(2025, 1, 1));
    let facts = Facts {
        children: vec![child(then_sin, d(2022, 3, 3))],
        ..Facts::default()
    };
    let h1 = compute(&h, &facts, H1_2025);
    let codes: Vec<(&str, Level)> = h1
        .iter()
        .map(|f| (h.all()[f.unit].code.as_str(), h.all()[f.unit].level))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("12", Level::Province),
            ("106", Level::District),
            ("03394", Level::Commune)
        ]
    );
    let annual = compute(&h, &facts, Y2025);
    let units: Vec<(&str, Option<NaiveDate>)> = annual
        .iter()
        .map(|f| (h.all()[f.unit].code.as_str(), h.all()[f.unit].valid_from))
        .collect();
    assert_eq!(units, vec![("12", None), ("03394", Some(d(2025, 7, 1)))]);
    // A record under a unit that does not exist yet on the day is not placed.
    let new_unit = unit(&h, "03394", d(2025, 8, 1));
    let facts = Facts {
        children: vec![child(new_unit, d(2022, 3, 3))],
        ..Facts::default()
    };
    assert!(compute(&h, &facts, H1_2025).is_empty());
}

#[test]
fn assessments_stay_with_their_own_unit() {
    let h = history();
    let old = unit(&h, "03424", d(2024, 12, 31));
    let new = unit(&h, "03424", d(2025, 12, 31));
    let facts = Facts {
        children: vec![child(old, d(2020, 1, 1))],
        assessments: vec![AssessmentFact {
            unit: old,
            year: 2024,
            child_friendly: true,
            play_spot: false,
        }],
        ..Facts::default()
    };
    let h1 = compute(&h, &facts, H1_2025);
    assert_eq!(count(&h, &h1, "03424", "child_friendly_communes"), c(1, 1));
    assert_eq!(count(&h, &h1, "03424", "play_spots"), c(0, 1));
    // In the annual report the new commune needs its own assessment.
    let annual = compute(&h, &facts, Y2025);
    assert_eq!(
        count(&h, &annual, "03424", "child_friendly_communes"),
        c(0, 1)
    );
    let mut facts = facts;
    facts.assessments.push(AssessmentFact {
        unit: new,
        year: 2025,
        child_friendly: true,
        play_spot: true,
    });
    let annual = compute(&h, &facts, Y2025);
    assert_eq!(
        count(&h, &annual, "03424", "child_friendly_communes"),
        c(1, 1)
    );
    assert_eq!(count(&h, &annual, "12", "play_spots"), c(1, 1));
}

#[test]
fn anthropometry_uses_the_latest_valid_measurement_in_the_period() {
    let h = history();
    let u = unit(&h, "03424", d(2025, 9, 1));
    let facts = Facts {
        children: vec![
            child(u, d(2023, 1, 1)),
            child(u, d(2023, 1, 1)),
            child(u, d(2023, 1, 1)),
        ],
        measurements: vec![
            // Child 0: underweight in March, recovered in September (latest).
            MeasurementFact {
                child: 0,
                measured_on: d(2025, 3, 1),
                age_days: 790,
                waz: Some(-2.5),
                waz_flagged: false,
                haz: Some(-2.01),
                haz_flagged: false,
            },
            MeasurementFact {
                child: 0,
                measured_on: d(2025, 9, 1),
                age_days: 974,
                waz: Some(-1.0),
                waz_flagged: false,
                haz: None,
                haz_flagged: false,
            },
            // Child 1: exactly −2 is not below −2; a flagged later one is ignored.
            MeasurementFact {
                child: 1,
                measured_on: d(2025, 5, 1),
                age_days: 851,
                waz: Some(-2.0),
                waz_flagged: false,
                haz: Some(-3.0),
                haz_flagged: false,
            },
            MeasurementFact {
                child: 1,
                measured_on: d(2025, 6, 1),
                age_days: 882,
                waz: Some(-7.0),
                waz_flagged: true,
                haz: Some(-7.0),
                haz_flagged: true,
            },
            // Child 2: measured only in the year before.
            MeasurementFact {
                child: 2,
                measured_on: d(2024, 12, 31),
                age_days: 730,
                waz: Some(-3.0),
                waz_flagged: false,
                haz: Some(-3.0),
                haz_flagged: false,
            },
        ],
        ..Facts::default()
    };
    let f = compute(&h, &facts, Y2025);
    assert_eq!(count(&h, &f, "03424", "underweight_u5"), c(0, 2));
    // HAZ: child 0's latest valid HAZ is March's (September has none).
    assert_eq!(count(&h, &f, "03424", "stunting_u5"), c(2, 2));
}

#[test]
fn schooling_by_school_year_and_the_school_unit() {
    let h = history();
    let home = unit(&h, "03424", d(2025, 9, 1));
    let school_unit = unit(&h, "03390", d(2025, 9, 1));
    let e = |child, level: &str, grade, status: &str| EnrolmentFact {
        child,
        school_year: "2024-2025".into(),
        school_code: "TH1".into(),
        level: level.into(),
        grade,
        status: status.into(),
    };
    let facts = Facts {
        children: vec![
            child(home, d(2019, 5, 5)),
            child(home, d(2019, 8, 8)),
            child(home, d(2014, 1, 1)),
            child(home, d(2014, 2, 2)),
        ],
        schools: vec![
            SchoolFact {
                school_code: "TH1".into(),
                name: "Trường TH".into(),
                year: 2023,
                unit: home,
                sanitation_standard: false,
                psych_support: false,
            },
            SchoolFact {
                school_code: "TH1".into(),
                name: "Trường TH".into(),
                year: 2025,
                unit: school_unit,
                sanitation_standard: true,
                psych_support: false,
            },
            SchoolFact {
                school_code: "TH1".into(),
                name: "Trường TH".into(),
                year: 2026,
                unit: home,
                sanitation_standard: false,
                psych_support: true,
            },
        ],
        enrolments: vec![
            e(0, "preschool", None, "enrolled"),
            e(1, "preschool", None, "dropped_out"),
            e(2, "primary", Some(5), "completed"),
            e(3, "primary", Some(5), "transferred"),
        ],
        ..Facts::default()
    };
    let f = compute(&h, &facts, Y2025);
    assert_eq!(count(&h, &f, "03424", "preschool_5yo"), c(1, 2));
    // The school's latest record of year ≤ 2025 puts it (and its grade 5) in 03390.
    assert_eq!(count(&h, &f, "03390", "school_sanitation"), c(1, 1));
    assert_eq!(count(&h, &f, "03390", "primary_completion"), c(1, 1));
    assert_eq!(count(&h, &f, "03424", "primary_completion"), c(0, 0));
}

#[test]
fn events_cases_and_participation() {
    let h = history();
    let u = unit(&h, "03424", d(2025, 9, 1));
    let facts = Facts {
        children: vec![
            child(u, d(2013, 1, 1)),
            child(u, d(2018, 6, 1)),
            child(u, d(2008, 1, 1)),
        ],
        disasters: vec![
            DisasterFact {
                event_id: "E".into(),
                kind: "Lũ".into(),
                unit: u,
                occurred_on: d(2025, 8, 2),
                affected: 40,
                supported: 38,
            },
            DisasterFact {
                event_id: "E".into(),
                kind: "Lũ".into(),
                unit: u,
                occurred_on: d(2024, 8, 2),
                affected: 10,
                supported: 0,
            },
        ],
        cases: vec![
            CaseFact {
                child: 0,
                reported_on: d(2025, 2, 1),
                intervention_started_on: None,
            },
            CaseFact {
                child: 0,
                reported_on: d(2025, 3, 1),
                intervention_started_on: Some(d(2025, 3, 1)),
            },
            CaseFact {
                child: 2,
                reported_on: d(2025, 12, 1),
                intervention_started_on: Some(d(2026, 1, 2)),
            },
        ],
        participation: vec![
            ParticipationFact {
                child: 0,
                date: d(2021, 1, 1),
                kind: "awareness".into(),
            },
            ParticipationFact {
                child: 0,
                date: d(2025, 4, 1),
                kind: "club".into(),
            },
            ParticipationFact {
                child: 1,
                date: d(2020, 12, 31),
                kind: "awareness".into(),
            },
        ],
        ..Facts::default()
    };
    let f = compute(&h, &facts, Y2025);
    assert_eq!(count(&h, &f, "03424", "disaster_relief"), c(38, 40));
    // Child 2 is 17: a case counts whatever the age; its help came too late.
    assert_eq!(count(&h, &f, "03424", "abuse_intervention"), c(1, 2));
    assert_eq!(count(&h, &f, "03424", "participation_awareness"), c(1, 2));
    assert_eq!(count(&h, &f, "03424", "participation_11plus"), c(1, 1));
}

#[test]
fn targets_and_status_on_the_exact_value() {
    let targets = plan_targets();
    let t = |key: &str| {
        targets
            .iter()
            .find(|t| t.key == key)
            .cloned()
            .unwrap_or_else(|| plan_targets()[0].clone())
    };
    assert_eq!(t("play_spots").for_year(2024), Some(60.0));
    assert_eq!(t("play_spots").for_year(2027), Some(60.0));
    assert_eq!(t("play_spots").for_year(2030), Some(95.0));
    assert_eq!(t("play_spots").for_year(2035), Some(95.0));
    assert_eq!(t("birth_registration_u5").for_year(2025), Some(100.0));
    // 14.969 % is below 15 though shown as 15,0 %.
    assert_eq!(
        status(c(14969, 100000), Some(15.0), Comparison::Below),
        Status::Met
    );
    assert_eq!(
        status(c(15, 100), Some(15.0), Comparison::Below),
        Status::NotMet
    );
    assert_eq!(
        status(c(999, 1000), Some(99.9), Comparison::AtLeast),
        Status::Met
    );
    assert_eq!(
        status(c(9989, 10000), Some(99.9), Comparison::AtLeast),
        Status::NotMet
    );
    assert_eq!(
        status(c(0, 0), Some(99.9), Comparison::AtLeast),
        Status::NoData
    );
    assert_eq!(c(0, 0).value(), None);
}

#[test]
fn values_are_shown_rounded_half_up() {
    assert_eq!(shown(14.969), "15,0");
    assert_eq!(shown(97.25), "97,3");
    assert_eq!(shown(100.0), "100,0");
    assert!(KEYS.iter().all(|k| !name_vi(k).is_empty()));
}

#[test]
fn drill_down_lists_the_children_behind_a_figure() {
    let h = history();
    let ban_bo = unit(&h, "03424", d(2025, 1, 1));
    let then_sin = unit(&h, "03394", d(2025, 1, 1));
    let mut unregistered = child(ban_bo, d(2024, 2, 2));
    unregistered.birth_registered = Some(false);
    let facts = Facts {
        children: vec![
            child(ban_bo, d(2024, 1, 1)),
            unregistered,
            child(then_sin, d(2024, 3, 3)),
        ],
        ..Facts::default()
    };
    let district = unit(&h, "106", d(2025, 1, 1));
    assert_eq!(
        child_members(&h, &facts, H1_2025, "birth_registration_u5", ban_bo),
        vec![(0, true), (1, false)]
    );
    assert_eq!(
        child_members(&h, &facts, H1_2025, "birth_registration_u5", district).len(),
        3
    );
    // The figure and its list agree.
    let f = compute(&h, &facts, H1_2025);
    let listed = child_members(&h, &facts, H1_2025, "birth_registration_u5", district);
    let shown = count(&h, &f, "106", "birth_registration_u5");
    assert_eq!(listed.len() as i64, shown.denominator);
    assert_eq!(
        listed.iter().filter(|(_, yes)| *yes).count() as i64,
        shown.numerator
    );
}

#[test]
fn the_lower_is_better_indicators_are_those_whose_target_is_a_ceiling() {
    for t in plan_targets() {
        assert_eq!(
            lower_is_better(t.key),
            t.comparison == Comparison::Below,
            "{}",
            t.key
        );
    }
}

#[test]
fn every_indicator_names_both_outcomes_in_both_languages() {
    use crate::i18n::Lang;
    for key in KEYS {
        for lang in [Lang::Vi, Lang::En] {
            let yes = lang.t(&format!("outcome.{key}"));
            let no = lang.t(&format!("outcome.{key}_not"));
            assert!(!yes.is_empty() && !yes.starts_with("outcome."), "{key}");
            assert!(!no.is_empty() && no != yes, "{key}");
        }
    }
}

use super::*;
use crate::child::ChildStatus;
use crate::indicators::{CaseFact, ChildFact, ParticipationFact, compute};
use crate::unit_file::{LAI_CHAU_UNITS, parse_unit_file};
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

fn child(unit: usize, born: NaiveDate, registered: Option<bool>) -> ChildFact {
    ChildFact {
        unit,
        born,
        status: ChildStatus::Active,
        status_date: None,
        birth_registered: registered,
        birth_registration_date: None,
    }
}

fn c(numerator: i64, denominator: i64) -> Count {
    Count {
        numerator,
        denominator,
    }
}

const Y2025: Period = Period {
    year: 2025,
    half: false,
};

fn at(key: &str) -> usize {
    KEYS.iter().position(|k| *k == key).unwrap_or(usize::MAX)
}

#[test]
fn groups_split_every_child_indicator_and_sum_to_it() {
    let h = UnitHistory::new(parse_unit_file(LAI_CHAU_UNITS.as_bytes()).unwrap_or_default());
    let on = d(2025, 12, 31);
    let idx = |code: &str| {
        h.resolve(code, on)
            .and_then(|u| h.index_of(u))
            .unwrap_or(usize::MAX)
    };
    // Bản Bo and Bình Lư, two communes of the province today.
    let (ban_bo, binh_lu) = (idx("03424"), idx("03390"));
    let mut facts = Facts::default();
    let sexes = ["F", "M", "F", "", "M", "F"];
    for (i, _) in sexes.iter().enumerate() {
        let unit = if i < 4 { ban_bo } else { binh_lu };
        // Under-fives: registered unless the third child.
        facts
            .children
            .push(child(unit, d(2023, 1, 1), Some(i != 2)));
    }
    // A 12-year-old at a club, and a case of the unknown-sex child.
    facts
        .children
        .push(child(ban_bo, d(2013, 5, 5), Some(true)));
    facts.participation.push(ParticipationFact {
        child: 6,
        date: d(2025, 3, 1),
        kind: "club".into(),
    });
    facts.cases.push(CaseFact {
        child: 3,
        reported_on: d(2025, 4, 1),
        intervention_started_on: Some(d(2025, 4, 2)),
    });
    let grouping = Grouping::new(
        sexes
            .iter()
            .map(|s| Some(*s))
            .chain(std::iter::once(Some("M"))),
    );
    let (figures, by) = compute_by(&h, &facts, Y2025, &grouping);
    let plain = compute(&h, &facts, Y2025);
    assert_eq!(figures, plain, "the same figures in the same pass");
    for f in &plain {
        let groups = by.get(&f.unit).cloned().unwrap_or_default();
        for key in BY_KEYS {
            let k = at(key);
            let sum = groups.values().fold(c(0, 0), |s, g| {
                c(
                    s.numerator + g[k].numerator,
                    s.denominator + g[k].denominator,
                )
            });
            assert_eq!(sum, f.counts[k], "{key} of unit {}", f.unit);
        }
    }
    let bb = &by[&ban_bo];
    let k = at("birth_registration_u5");
    assert_eq!(bb["F"][k], c(1, 2), "the third child is not registered");
    assert_eq!(bb["M"][k], c(1, 1));
    assert_eq!(bb[""][k], c(1, 1), "unknown sex is its own group");
    assert_eq!(bb["M"][at("participation_11plus")], c(1, 1));
    assert_eq!(bb[""][at("abuse_intervention")], c(1, 1));
    // The province is the sum of its communes, group by group.
    let province = h
        .resolve("12", on)
        .and_then(|u| h.index_of(u))
        .unwrap_or(usize::MAX);
    assert_eq!(by[&province]["F"][k], c(2, 3));
    assert_eq!(by[&province]["M"][k], c(2, 2));
    // Indicators about schools and communes are not split.
    assert_eq!(bb["F"][at("play_spots")], c(0, 0));
}

#[test]
fn the_gap_is_between_groups_large_enough_to_compare() {
    let counts = [("F", c(45, 50)), ("M", c(40, 50)), ("", c(1, 9))];
    let g = gap("birth_registration_u5", counts).unwrap_or_else(|| Gap {
        best: String::new(),
        worst: String::new(),
        points: -1.0,
    });
    assert_eq!((g.best.as_str(), g.worst.as_str()), ("F", "M"));
    assert!((g.points - 10.0).abs() < 1e-9);
    // For malnutrition the lower rate is the better.
    let under = gap("underweight_u5", [("F", c(5, 50)), ("M", c(10, 50))]);
    assert_eq!(under.map(|g| g.best), Some("F".to_string()));
    // One group large enough: no gap.
    assert_eq!(
        gap("birth_registration_u5", [("F", c(5, 50)), ("M", c(1, 9))]),
        None
    );
}

#[test]
fn dimensions_are_read_by_their_codes() {
    for dim in Dimension::ALL {
        assert_eq!(Dimension::parse(dim.code()), Some(dim));
    }
    assert_eq!(Dimension::parse("age"), None);
    let g = Grouping::new([Some("08"), None, Some(" "), Some("08")]);
    assert_eq!(g.names, ["08", ""]);
    assert_eq!(g.of_child, [0, 1, 1, 0]);
}
